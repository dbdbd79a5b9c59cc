"""Inference with the KV cache offloaded to a memory pool: time per output token and the batch a pool sustains.

One model replica decodes on ``t`` GPUs (tensor parallel). Each decode step reads, per GPU, the
weights ``W = 2 N_active / t`` and the KV cache of every sequence, ``K = b c k_tok`` with
``k_tok = 2 L n_kv d_head B_kv / t`` bytes per token of context (keys and values of every layer;
Pope et al., "Efficiently scaling transformer inference", MLSys 2023). What does not fit in HBM
(``H = HBM (1 - reserve) - W``) lives in a CXL memory pool ``L_c`` metres away:

``TPOT(b) = (W + min(K, H)) / B_HBM + max(K - H, 0) / B_link + n_layers LtU(L_c) [K > H]``

with ``B_link`` the payload bandwidth of the GPU's x16 PCIe 6 / CXL links and one dependent
pool round trip per layer (``LtU = device + 2 x one-way``, :mod:`mosaiclink.cluster.latency`;
no prefetch across layers, an upper bound). Reads from HBM and the pool are taken as sequential
(an upper bound; overlapping them at best hides the smaller). A technology serves a length only
within its reach. The batch a pool sustains at a budget is the largest ``b`` with ``TPOT <= budget``.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

import numpy as np

from mosaiclink.cluster.latency import link_latency, load_to_use_ns
from mosaiclink.cluster.techs import cluster_techs
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.workloads import InferenceSpec
from mosaiclink.datapath.protocols import host_protocol
from mosaiclink.system.catalog import Catalog, load_catalog
from mosaiclink.system.compare import ENDS_PER_LINK, default_design

WEIGHT_BYTES = 2  # BF16 weights
REFERENCE_OFFLOAD = 1.1  # TPOT is reported at 10 % more sequences than HBM holds (their KV in the pool)


@dataclass(frozen=True)
class InferenceResult:
    """Rows per (technology, cable length, latency budget) and the HBM-only reference."""

    spec: InferenceSpec
    hbm_only_batch: int
    kv_bytes_per_token_per_gpu: float
    link_gbyte_s: float
    rows: tuple[dict, ...]
    reach_m: dict[str, float]

    def summary(self) -> dict:
        return {
            "name": self.spec.name,
            "model": self.spec.model.name,
            "gpu": self.spec.gpu.name,
            "tensor": self.spec.tensor,
            "context_tokens": self.spec.context_tokens,
            "hbm_only_batch": self.hbm_only_batch,
            "kv_bytes_per_token_per_gpu": self.kv_bytes_per_token_per_gpu,
            "link_gbyte_s_per_gpu": self.link_gbyte_s,
            "reach_m": self.reach_m,
            "rows": list(self.rows),
        }


def tpot_s(spec: InferenceSpec, batch, link_byte_s: float, load_to_use_ns: float):
    """Time per output token (s) for batches ``batch`` (broadcasts); see the module notes."""
    model, gpu, t = spec.model, spec.gpu, spec.tensor
    weights = WEIGHT_BYTES * model.active / t
    kv_token = 2.0 * model.layers * model.kv_heads * model.head_dim * spec.kv_bytes / t
    hbm = gpu.hbm_gb * 1e9 * (1.0 - spec.hbm_reserve) - weights
    kv = np.asarray(batch, dtype=float) * spec.context_tokens * kv_token
    offload = np.maximum(kv - max(hbm, 0.0), 0.0)
    hbm_s = (weights + np.minimum(kv, max(hbm, 0.0))) / (gpu.hbm_tbyte_s * 1e12)
    pool_s = offload / link_byte_s + np.where(offload > 0, model.layers * load_to_use_ns * 1e-9, 0.0)
    return hbm_s + pool_s


def evaluate_inference(
    spec: InferenceSpec, catalog: Catalog | None = None, design: MosaicDesign | None = None
) -> InferenceResult:
    """Time per output token and sustained batch per technology, cable length and budget."""
    catalog = catalog or load_catalog()
    design = design or default_design(spec.rate_gbps)
    table = cluster_techs(spec.rate_gbps, catalog=catalog, design=design).subset(spec.technologies)
    latency = link_latency(table.technology, catalog, spec.rate_gbps, "typical", spec.propagation, design, spec.host)
    host = host_protocol(spec.host)
    link_gbyte_s = spec.links_per_gpu * host.rate_gbps * host.k / host.n / 8.0
    model, t = spec.model, spec.tensor
    kv_token = 2.0 * model.layers * model.kv_heads * model.head_dim * spec.kv_bytes / t
    hbm = spec.gpu.hbm_gb * 1e9 * (1.0 - spec.hbm_reserve) - WEIGHT_BYTES * model.active / t
    hbm_only = int(max(hbm, 0.0) // (spec.context_tokens * kv_token))
    batches = np.arange(1, spec.max_batch + 1)
    lengths = np.asarray(spec.lengths_m, dtype=float)
    ltu = load_to_use_ns(latency.one_way_ns(lengths), spec.device.load_to_use_ns)  # (lengths, technologies)
    rows = []
    for i, tech in enumerate(table.technology):
        for j, length in enumerate(lengths):
            reach = bool(length <= table.reach_m[i])
            times = tpot_s(spec, batches, link_gbyte_s * 1e9, float(ltu[j, i]))
            reference = min(ceil(REFERENCE_OFFLOAD * max(hbm_only, 1)), spec.max_batch)
            for budget in spec.latency_budgets_ms:
                fits = batches[times <= budget * 1e-3] if reach else batches[:0]
                best = int(fits.max()) if fits.size else 0
                rows.append(
                    {
                        "technology": tech,
                        "length_m": float(length),
                        "within_reach": reach,
                        "load_to_use_ns": float(ltu[j, i]),
                        "latency_budget_ms": budget,
                        "batch": best,
                        "batch_gain_over_hbm_only": best / hbm_only if hbm_only else None,
                        "tokens_per_s_per_gpu": best / float(times[best - 1]) / t if best else 0.0,
                        "reference_batch": reference,
                        "tpot_ms_at_reference_batch": float(times[reference - 1]) * 1e3 if reach else None,
                        "link_w_per_gpu": ENDS_PER_LINK * spec.links_per_gpu * float(table.power_w_per_end[i]),
                    }
                )
    reaches = {t: float(r) for t, r in zip(table.technology, table.reach_m, strict=True)}
    return InferenceResult(spec, hbm_only, kv_token, link_gbyte_s, tuple(rows), reaches)
