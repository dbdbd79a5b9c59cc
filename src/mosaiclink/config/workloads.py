"""Typed specs of AI jobs: the model, the GPU, the parallel plan and the fabric they run on.

A :class:`TrainingSpec` is what :mod:`mosaiclink.workloads` turns into step time, MFU, goodput and
tokens per second per MW for every link technology; an :class:`InferenceSpec` into the time per
output token with the KV cache offloaded to a memory pool. Every default cites its source in the field
description (tags of ``docs/research/baselines.md``: D datasheet, R paper/operator data, V vendor,
N press, E our estimate with its range, F fitted to a named measurement). Shipped models, GPUs and
jobs are TOML files in ``src/mosaiclink/workloads/presets/``.

A job that cannot run is refused here, in one line naming the field: a parallel plan whose
degrees do not divide the GPUs, layers, heads, experts or batch; a model with zero layers or more
parameters than any model built (``1e14``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mosaiclink.config.base import Spec
from mosaiclink.config.cluster import (
    ClusterPowerSpec,
    JobSpec,
    MemoryDeviceSpec,
    PropagationSpec,
    ScaleOutSpec,
    ScaleUpSpec,
)

MAX_PARAMETERS = 1e14  # 100 T: 100x the largest published model (~1-2 T); a bound, not a claim


class GpuSpec(Spec):
    """An accelerator's compute and memory (dense figures, no sparsity)."""

    name: str = Field(..., min_length=1, description="accelerator name")
    peak_tflops: float = Field(
        ..., gt=0, le=1e5, description="dense peak at the job's precision (TFLOP/s), from the vendor datasheet"
    )
    hbm_gb: float = Field(..., gt=0, le=1e5, description="HBM capacity (GB)")
    hbm_tbyte_s: float = Field(..., gt=0, le=1e3, description="HBM bandwidth (TB/s)")
    source: str = Field(..., min_length=4, description="where the figures come from (URL, date, confidence tag)")


class ModelSpec(Spec):
    """A decoder-only transformer, dense or mixture-of-experts (MoE)."""

    name: str = Field(..., min_length=1, description="model name")
    parameters: float = Field(..., gt=0, le=MAX_PARAMETERS, description="total parameters")
    active_parameters: float | None = Field(
        None, gt=0, le=MAX_PARAMETERS, description="parameters used per token (MoE); None: all (dense)"
    )
    expert_parameters: float = Field(
        0.0, ge=0, le=MAX_PARAMETERS, description="parameters in routed experts (sharded by expert parallelism)"
    )
    layers: int = Field(..., ge=1, le=10_000, description="transformer layers")
    moe_layers: int = Field(0, ge=0, le=10_000, description="layers with routed experts (0: dense)")
    hidden: int = Field(..., ge=64, le=1_000_000, description="hidden size (model dimension)")
    heads: int = Field(..., ge=1, le=100_000, description="attention heads")
    kv_heads: int = Field(..., ge=1, le=100_000, description="key/value heads (grouped-query attention)")
    sequence_length: int = Field(..., ge=1, le=10_000_000, description="training sequence length (tokens)")
    vocab: int = Field(..., ge=1, le=10_000_000, description="vocabulary size")
    experts: int = Field(0, ge=0, le=100_000, description="routed experts per MoE layer (0: dense)")
    experts_per_token: int = Field(0, ge=0, le=1_024, description="routed experts each token visits (top-k)")
    source: str = Field(..., min_length=4, description="where the configuration comes from")

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        if self.active_parameters is not None and self.active_parameters > self.parameters:
            raise ValueError(
                f"active_parameters = {self.active_parameters:g}: more than parameters = {self.parameters:g}"
            )
        if self.expert_parameters > self.parameters:
            raise ValueError(f"expert_parameters = {self.expert_parameters:g}: more than parameters")
        if self.hidden % self.heads:
            raise ValueError(f"heads = {self.heads}: must divide hidden = {self.hidden}")
        if self.heads % self.kv_heads:
            raise ValueError(f"kv_heads = {self.kv_heads}: must divide heads = {self.heads}")
        if self.moe_layers > self.layers:
            raise ValueError(f"moe_layers = {self.moe_layers}: more than layers = {self.layers}")
        moe = (self.experts > 0, self.experts_per_token > 0, self.moe_layers > 0, self.expert_parameters > 0)
        if any(moe) and not all(moe):
            raise ValueError(
                "experts, experts_per_token, moe_layers and expert_parameters: set all of them (MoE) or none (dense)"
            )
        if self.experts_per_token > self.experts:
            raise ValueError(f"experts_per_token = {self.experts_per_token}: more than experts = {self.experts}")
        return self

    @property
    def is_moe(self) -> bool:
        return self.experts > 0

    @property
    def active(self) -> float:
        """Parameters used per token."""
        return self.parameters if self.active_parameters is None else self.active_parameters

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads


class ParallelSpec(Spec):
    """How the job is split: tensor x pipeline x data GPUs, experts sharded over data ranks.

    Placement (Megatron-LM order): tensor ranks innermost, then data ranks (expert ranks are
    carved out of them), pipeline stages outermost; a scale-up domain holds consecutive ranks.
    """

    tensor: int = Field(1, ge=1, le=4_096, description="tensor-parallel degree")
    pipeline: int = Field(1, ge=1, le=4_096, description="pipeline-parallel stages")
    expert: int = Field(1, ge=1, le=100_000, description="expert-parallel degree (MoE), out of the data ranks")
    micro_batch: int = Field(1, ge=1, le=65_536, description="sequences per micro-batch")
    global_batch: int = Field(..., ge=1, le=100_000_000, description="sequences per optimizer step")
    virtual_stages: int = Field(
        1, ge=1, le=128, description="interleaved 1F1B model chunks per GPU (Narayanan et al. 2021)"
    )
    # Layers need not divide evenly into stages (Llama 3 405B: 126 layers on 16 stages, DeepSeek-V3: 61 on 16):
    # the slowest stage, with ceil(L / p) layers, sets the pace.


class FabricSpec(Spec):
    """What a collective library gets out of the links: efficiency and per-step latency."""

    scale_up_efficiency: float = Field(
        0.822,
        gt=0,
        le=1,
        description="ring bus bandwidth / line rate on an NVLink-class fabric: 370 of 450 GB/s on 8 H100 "
        "(NCCL maintainer, https://github.com/NVIDIA/nccl-tests/issues/212, 2024-05; F, one point)",
    )
    scale_out_efficiency: float = Field(
        0.9,
        gt=0,
        le=1,
        description="ring bus bandwidth / NIC line rate over InfiniBand/RoCE (NVIDIA: 46-48 GB/s per 400G NDR NIC, "
        "https://github.com/NVIDIA/nccl-tests/issues/290; 40-50 GB/s, saturncloud NCCL guide; E, range 0.8-0.97)",
    )
    scale_up_step_us: float = Field(
        3.4,
        ge=0,
        le=1_000,
        description="latency of one ring step over NVLink, Simple protocol (NCCL src/graph/tuning.cc hwLat, "
        "https://github.com/NVIDIA/nccl; D)",
    )
    scale_out_step_us: float = Field(
        9.6,
        ge=0,
        le=1_000,
        description="latency of one ring step over the network, Simple protocol (same table; D)",
    )
    base_latency_us: float = Field(
        8.4, ge=0, le=1_000, description="launch latency of a ring collective, Simple (same table baseLat; D)"
    )
    switch_ns: float = Field(
        300.0,
        ge=0,
        le=100_000,
        description="one scale-out switch traversal (InfiniBand NDR ~130 ns, Ethernet AI switches ~0.5-1 us; "
        "our estimate, E, range 100-800)",
    )


Technology = Literal["copper", "aoc", "dr8", "lpo", "cpo", "mosaic"]
TECHNOLOGY_KEYS: dict[str, tuple[str, ...]] = {
    "copper": ("passive-dac", "linear-acc", "aec"),
    "aoc": ("aoc",),
    "dr8": ("dr8",),
    "lpo": ("lpo",),
    "cpo": ("cpo",),
    "mosaic": ("mosaic",),
}
"""Catalog keys a technology column may use; in-rack links are passive copper in every column and
links beyond the technology's reach fall back to DR8 (the incumbent fabric optic)."""


class TrainingSpec(Spec):
    """A synchronous training job on ``gpus`` GPUs of a cluster built with each technology."""

    name: str = Field("job", min_length=1, description="job name")
    description: str = Field("", description="what the job shows")
    model: ModelSpec
    gpu: GpuSpec
    gpus: int = Field(16_384, ge=1, le=10_000_000, description="GPUs the job uses (the whole cluster)")
    parallel: ParallelSpec
    precision_bytes: Literal[1, 2, 4] = Field(2, description="bytes per activation (BF16: 2, FP8: 1)")
    gradient_bytes: Literal[2, 4] = Field(
        4, description="bytes per gradient in the data-parallel reduction (FP32: 4, Megatron's default; BF16: 2)"
    )
    compute_efficiency: float = Field(
        0.6,
        gt=0,
        le=1,
        description="achieved share of dense peak inside the layers (GEMMs, attention, elementwise), before "
        "communication and bubbles; our estimate, E, range 0.45-0.75 (H100 BF16 GEMMs reach 0.6-0.8 of peak)",
    )
    tensor_overlap: float = Field(
        0.5,
        ge=0,
        le=0.99,
        description="share of tensor-parallel traffic hidden under compute (Megatron-Core/Transformer Engine "
        "overlap the sequence-parallel gathers with the GEMMs; our estimate, E, range 0-0.9)",
    )
    expert_overlap: float = Field(
        0.5,
        ge=0,
        le=0.99,
        description="share of expert all-to-all hidden under compute (DeepSeek-V3 DualPipe hides most of it, "
        "arXiv 2412.19437; our estimate, E, range 0-0.9)",
    )
    technologies: list[Technology] = Field(
        ["copper", "aoc", "dr8", "lpo", "cpo", "mosaic"], min_length=1, description="technology columns"
    )
    domain_sizes: list[int] = Field(
        [72, 144, 288, 576],
        min_length=1,
        max_length=12,
        description="scale-up domain sizes to try; each technology uses the largest it can build under rack_limit_kw",
    )
    rack_limit_kw: float = Field(
        132.0, gt=0, le=2_000, description="GPU rack power limit (GB300 NVL72 power shelves: 132 kW, baselines 4.1)"
    )
    scale_up: ScaleUpSpec = ScaleUpSpec()
    scale_out: ScaleOutSpec = ScaleOutSpec(top_tier_oversubscription=1.0)
    power: ClusterPowerSpec = ClusterPowerSpec()
    reliability: JobSpec = JobSpec(non_link_fit_per_gpu=18_000.0)
    fabric: FabricSpec = FabricSpec()

    @model_validator(mode="after")
    def _plan_divides(self) -> TrainingSpec:
        par, model = self.parallel, self.model
        t, p = par.tensor, par.pipeline
        if self.gpus % (t * p):
            raise ValueError(
                f"parallel.tensor x parallel.pipeline = {t} x {p} = {t * p}: must divide gpus = {self.gpus}"
            )
        data = self.gpus // (t * p)
        if p * par.virtual_stages > model.layers:
            raise ValueError(
                f"parallel.pipeline x virtual_stages = {p * par.virtual_stages}: more than model.layers = "
                f"{model.layers} (a stage needs a layer)"
            )
        if model.heads % t or (model.kv_heads % t and t % model.kv_heads):
            raise ValueError(f"parallel.tensor = {t}: must divide model.heads = {model.heads} (and match kv_heads)")
        if par.expert > 1 and not model.is_moe:
            raise ValueError(f"parallel.expert = {par.expert}: a dense model has no experts; use 1")
        if model.is_moe and model.experts % par.expert:
            raise ValueError(f"parallel.expert = {par.expert}: must divide model.experts = {model.experts}")
        if data % par.expert:
            raise ValueError(f"parallel.expert = {par.expert}: must divide the data-parallel degree {data}")
        if par.global_batch % (data * par.micro_batch):
            raise ValueError(
                f"parallel.global_batch = {par.global_batch}: must be a multiple of data x micro_batch = "
                f"{data} x {par.micro_batch} = {data * par.micro_batch}"
            )
        if self.scale_out.ports_per_gpu < 1 and data * p > 1 and self.gpus > min(self.domain_sizes):
            raise ValueError("scale_out.ports_per_gpu = 0: a job larger than a scale-up domain needs a fabric")
        return self

    @property
    def data(self) -> int:
        """Data-parallel degree ``G / (t p)``."""
        return self.gpus // (self.parallel.tensor * self.parallel.pipeline)

    @property
    def microbatches(self) -> int:
        """Micro-batches per pipeline per step ``B / (d m)``."""
        return self.parallel.global_batch // (self.data * self.parallel.micro_batch)


class InferenceSpec(Spec):
    """Decoding with the KV cache beyond HBM offloaded to a CXL memory pool over a cable.

    Defaults: Llama 3 70B served with tensor parallelism 8 on GB200-class GPUs, 32k-token contexts,
    each GPU on one x16 PCIe 6 / CXL 3 link (the memory-pool scenarios' host and device).
    """

    name: str = Field("kv-offload", min_length=1, description="name")
    model: ModelSpec
    gpu: GpuSpec
    tensor: int = Field(8, ge=1, le=1_024, description="GPUs serving one model replica (tensor parallel)")
    context_tokens: int = Field(32_768, ge=1, le=10_000_000, description="tokens of context per sequence")
    kv_bytes: Literal[1, 2] = Field(2, description="bytes per cached key/value element (BF16: 2, FP8: 1)")
    hbm_reserve: float = Field(
        0.1, ge=0, lt=1, description="share of HBM kept for activations and workspace (our estimate, E, 0.05-0.2)"
    )
    max_batch: int = Field(4_096, ge=1, le=1_000_000, description="largest batch considered")
    latency_budgets_ms: list[float] = Field(
        [20.0, 50.0, 100.0],
        min_length=1,
        max_length=16,
        description="time-per-output-token budgets (interactive chat targets 20-100 ms/token, our reading, E)",
    )
    lengths_m: list[float] = Field(
        [10.0, 20.0, 30.0, 50.0], min_length=1, max_length=32, description="cable lengths to the pool (m)"
    )
    links_per_gpu: int = Field(1, ge=1, le=64, description="memory links per GPU (one x16 CXL port, E)")
    host: Literal["pcie6"] = Field("pcie6", description="host protocol of the memory link (CXL 3 over PCIe 6)")
    rate_gbps: float = Field(800.0, gt=0, description="catalog rate class of the memory cable (power, reach, FIT)")
    technologies: list[str] = Field(
        ["passive-dac", "aec", "aoc", "dr8", "lpo", "cpo", "mosaic"],
        min_length=1,
        description="catalog technology keys plus 'mosaic'",
    )
    device: MemoryDeviceSpec = MemoryDeviceSpec()
    propagation: PropagationSpec = PropagationSpec()

    @model_validator(mode="after")
    def _heads_split(self) -> InferenceSpec:
        if self.model.kv_heads % self.tensor and self.tensor % self.model.kv_heads:
            raise ValueError(
                f"tensor = {self.tensor}: must divide model.kv_heads = {self.model.kv_heads} or be a multiple"
            )
        return self
