"""Step time of a synchronous training job: compute, pipeline bubble and the exposed communication.

One optimizer step processes ``B`` sequences of ``s`` tokens on ``G = t p d`` GPUs (tensor,
pipeline, data degrees; experts sharded ``e``-way over the data ranks). Per GPU:

- compute ``T_c = B s F / (G P eta) x ceil(L/p) p / L`` with the model FLOPs per token
  ``F = 6 N_active + 12 L h s`` (PaLM, Chowdhery et al. 2022, app. B), peak ``P`` and achieved
  share ``eta``; the slowest stage holds ``ceil(L/p)`` layers;
- pipeline bubble ``(p - 1) / (v n_mb) T_c`` for interleaved 1F1B with ``v`` chunks and ``n_mb``
  micro-batches (Narayanan et al., SC 2021, eq. 1-2);
- tensor parallelism with sequence parallelism: 4 all-gathers and 4 reduce-scatters of the
  ``m s h`` activation per layer and micro-batch (Korthikanti et al., MLSys 2023), on the
  critical path;
- pipeline sends of ``m s h / t`` per chunk boundary, forward and backward, ``2 (v n_mb + p - 1)``
  on the critical path;
- data parallelism (distributed optimizer): a reduce-scatter of the gradients after the last
  backward and an all-gather of the parameters before the first forward, each hierarchical over
  the scale-up domain; hidden behind the last micro-batch's backward (2/3 of its compute) and
  the first one's forward (1/3);
- memory per GPU (weights, gradients and sharded optimizer states; activations not counted):
  ``N_gpu (2 + g) + 12 N_gpu / d`` bytes;
- expert parallelism: 4 all-to-alls of the ``m s k h`` routed tokens per MoE layer and
  micro-batch (dispatch and combine, forward and backward), a share ``expert_overlap`` hidden.

Placement follows Megatron-LM: tensor ranks innermost, then data (and expert) ranks, then pipeline
stages, so a scale-up domain of ``D`` GPUs holds ``D / t`` data ranks of one stage.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from math import ceil

from mosaiclink.config.workloads import TrainingSpec
from mosaiclink.workloads.collectives import (
    hierarchical_all_reduce_s,
    ring_all_gather_s,
    two_tier_all_to_all_s,
)

WEIGHT_BYTES = 2  # BF16 weights (FP8 training keeps them too)
OPTIMIZER_BYTES_PER_PARAMETER = 12  # FP32 master weights and two Adam moments (distributed optimizer)


@dataclass(frozen=True)
class Tier:
    """What one GPU gets from one fabric tier: effective bandwidth and per-step latency."""

    bandwidth_byte_s: float
    alpha_s: float


@dataclass(frozen=True)
class StepTime:
    """Per-step time components (s) of one GPU and the throughput they give."""

    compute_s: float
    bubble_s: float
    tensor_s: float
    pipeline_s: float
    data_s: float
    expert_s: float
    tokens_per_step: float
    flops_per_token: float
    gpus: int
    peak_flops: float
    memory_gb_per_gpu: float

    @property
    def step_s(self) -> float:
        return self.compute_s + self.bubble_s + self.tensor_s + self.pipeline_s + self.data_s + self.expert_s

    @property
    def communication_s(self) -> float:
        """Exposed communication: what the interconnect adds to the step."""
        return self.tensor_s + self.pipeline_s + self.data_s + self.expert_s

    @property
    def tokens_per_s(self) -> float:
        return self.tokens_per_step / self.step_s

    @property
    def mfu(self) -> float:
        """Model FLOPs utilisation: model FLOPs per second over the GPUs' dense peak."""
        return self.tokens_per_s * self.flops_per_token / (self.gpus * self.peak_flops)

    def summary(self) -> dict:
        return {**asdict(self), "step_s": self.step_s, "tokens_per_s": self.tokens_per_s, "mfu": self.mfu}


def _inside(group_stride: int, domain_gpus: int) -> int:
    """Members of a group with rank stride ``group_stride`` that share one scale-up domain."""
    return max(1, domain_gpus // group_stride) if group_stride <= domain_gpus else 1


def step_time(spec: TrainingSpec, domain_gpus: int, up: Tier, out: Tier) -> StepTime:
    """Step time of ``spec`` on scale-up domains of ``domain_gpus`` GPUs with tiers ``up``/``out``."""
    model, par, gpu = spec.model, spec.parallel, spec.gpu
    t, p, d, e, v, m = par.tensor, par.pipeline, spec.data, par.expert, par.virtual_stages, par.micro_batch
    s, h, n_mb = model.sequence_length, model.hidden, spec.microbatches
    peak = gpu.peak_tflops * 1e12
    tokens = par.global_batch * s
    flops_token = 6.0 * model.active + 12.0 * model.layers * h * s
    stage_layers = ceil(model.layers / p)
    compute = tokens * flops_token / (spec.gpus * peak * spec.compute_efficiency) * stage_layers * p / model.layers
    bubble = (p - 1) / (v * n_mb) * compute
    per_micro = compute / n_mb

    def tier(inside: bool) -> Tier:
        return up if inside else out

    act = m * s * h * spec.precision_bytes  # one micro-batch's activation, bytes
    tensor = 0.0
    if t > 1:
        tt = tier(t <= domain_gpus)
        tensor = n_mb * stage_layers * 8 * float(ring_all_gather_s(act, t, tt.alpha_s, tt.bandwidth_byte_s))
        tensor *= 1.0 - spec.tensor_overlap
    pipeline = 0.0
    if p > 1:
        tp = tier(t * d * p <= domain_gpus)
        pipeline = 2 * (v * n_mb + p - 1) * (tp.alpha_s + act / t / tp.bandwidth_byte_s)

    def data_parallel(nbytes: float, ranks: int, stride: int) -> float:
        q = min(ranks, _inside(stride, domain_gpus))
        k = ceil(ranks / q)
        return float(
            hierarchical_all_reduce_s(nbytes, q, k, up.alpha_s, up.bandwidth_byte_s, out.alpha_s, out.bandwidth_byte_s)
        )

    grad = spec.gradient_bytes
    dense_params = model.parameters - model.expert_parameters
    dp = data_parallel(dense_params / (t * p) * grad, d, t)
    if model.is_moe:
        dp += data_parallel(model.expert_parameters / (t * p * e) * grad, d // e, t * e)
    # reduce-scatter behind the last backward (2/3 of a micro-batch), all-gather behind the first forward (1/3)
    data = max(0.0, dp / 2 - 2.0 / 3.0 * per_micro) + max(0.0, dp / 2 - 1.0 / 3.0 * per_micro)
    expert = 0.0
    if model.is_moe and e > 1:
        routed = m * s * model.experts_per_token * h * spec.precision_bytes / t
        q = min(e, _inside(t, domain_gpus))
        one = float(
            two_tier_all_to_all_s(routed, e, q, up.alpha_s, up.bandwidth_byte_s, out.alpha_s, out.bandwidth_byte_s)
        )
        expert = n_mb * ceil(model.moe_layers / p) * 4 * one * (1.0 - spec.expert_overlap)
    dense_gpu, expert_gpu = dense_params / (t * p), model.expert_parameters / (t * p * e)
    states = OPTIMIZER_BYTES_PER_PARAMETER * (dense_gpu / d + expert_gpu / (d // e))
    memory = (dense_gpu + expert_gpu) * (WEIGHT_BYTES + grad) + states
    return StepTime(
        compute_s=compute,
        bubble_s=bubble,
        tensor_s=tensor,
        pipeline_s=pipeline,
        data_s=data,
        expert_s=expert,
        tokens_per_step=float(tokens),
        flops_per_token=flops_token,
        gpus=spec.gpus,
        peak_flops=peak,
        memory_gb_per_gpu=memory / 1e9,
    )
