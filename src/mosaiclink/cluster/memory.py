"""Memory pools: how much memory each GPU reaches within a latency budget, per technology.

GPU racks and memory devices stand on the floor plan (:mod:`mosaiclink.cluster.floorplan`);
every GPU rack ``i`` and pool ``j`` (a pool rack, or the devices inside a GPU rack) are joined
by an overhead-tray cable of length ``L_ij`` (``in_rack_m`` within one rack). A technology can
serve the pair if ``L_ij <= reach`` and the load-to-use latency over it fits the budget
(:mod:`mosaiclink.cluster.latency`). Each pool's capacity and bandwidth are shared equally by
the GPU racks that can reach it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.cluster.assignment import TechTable
from mosaiclink.cluster.floorplan import rack_positions, route_m
from mosaiclink.cluster.latency import LinkLatency, link_latency, load_to_use_ns
from mosaiclink.cluster.techs import cluster_techs
from mosaiclink.config.cluster import MemoryPoolSpec
from mosaiclink.config.design import MosaicDesign
from mosaiclink.datapath.protocols import host_protocol
from mosaiclink.system.catalog import Catalog, load_catalog
from mosaiclink.system.compare import ENDS_PER_LINK, default_design
from mosaiclink.system.reach import ReachFn, mosaic_reach_m
from mosaiclink.units import FIT_HOURS


@dataclass(frozen=True)
class PoolLayout:
    """Where GPU racks and pools stand: ``length_m`` is ``(gpu racks, pools)``; ``devices`` ``(pools,)``."""

    length_m: np.ndarray
    devices: np.ndarray
    pool_racks: int


def pool_layout(spec: MemoryPoolSpec) -> PoolLayout:
    """Place GPU racks and pools and measure every GPU-rack-to-pool cable.

    Notes
    -----
    A row has ``floor.racks_per_row`` slots; for ``row-end`` its last ``pool_racks_per_row``
    slots hold pool racks, for ``row-middle`` the middle ones; the other slots hold GPU racks,
    filled in placement order. Every row built has its pool racks. ``in-rack``: each GPU rack
    is also a pool of ``devices_per_gpu_rack`` devices, ``in_rack_m`` away from its own GPUs.
    """
    floor = spec.floor
    per_row = floor.racks_per_row
    if spec.placement == "in-rack":
        x_m, y_m, _ = rack_positions(spec.gpu_racks, floor)
        length = route_m(x_m[:, None] - x_m[None, :], y_m[:, None] - y_m[None, :], floor)
        np.fill_diagonal(length, floor.in_rack_m)
        return PoolLayout(length, np.full(spec.gpu_racks, spec.devices_per_gpu_rack, dtype=float), 0)
    pools = spec.pool_racks_per_row
    rows = -(-spec.gpu_racks // (per_row - pools))
    first_pool = per_row - pools if spec.placement == "row-end" else (per_row - pools) // 2
    slot = np.arange(rows * per_row) % per_row
    is_pool = (slot >= first_pool) & (slot < first_pool + pools)
    x_m, y_m, _ = rack_positions(rows * per_row, floor)
    gpu = np.flatnonzero(~is_pool)[: spec.gpu_racks]
    pool = np.flatnonzero(is_pool)
    length = route_m(x_m[gpu, None] - x_m[None, pool], y_m[gpu, None] - y_m[None, pool], floor)
    return PoolLayout(length, np.full(pool.size, spec.devices_per_pool_rack, dtype=float), int(pool.size))


@dataclass(frozen=True)
class MemoryPoolResult:
    """Per technology and latency budget: ``rows`` of plain dicts (see :func:`evaluate_memory_pool`)."""

    spec: MemoryPoolSpec
    layout: PoolLayout
    latency: LinkLatency
    mosaic_reach_m: float | None
    rows: tuple[dict, ...]

    def summary(self) -> dict:
        """Everything for JSON: inputs that matter, latency components, rows."""
        spec = self.spec
        return {
            "name": spec.name,
            "type": "memory-pool",
            "placement": spec.placement,
            "gpus": spec.gpu_racks * spec.gpus_per_rack,
            "gpu_racks": spec.gpu_racks,
            "pool_racks": self.layout.pool_racks,
            "devices": float(self.layout.devices.sum()),
            "pool_capacity_tb": float(self.layout.devices.sum()) * spec.device.capacity_gb / 1e3,
            "device": spec.device.model_dump(),
            "host": spec.host,
            "mosaic_reach_m": self.mosaic_reach_m,
            "latency_components_ns": {
                t: {**c, "ends_ns": float(e), "group_index": float(g)}
                for t, c, e, g in zip(
                    self.latency.technology,
                    self.latency.components,
                    self.latency.ends_ns,
                    self.latency.group_index,
                    strict=True,
                )
            },
            "rows": list(self.rows),
        }


def _row(
    spec: MemoryPoolSpec,
    layout: PoolLayout,
    table: TechTable,
    t: int,
    ltu_ns: np.ndarray,
    budget_ns: float,
    link_gbyte_s: float,
) -> dict:
    """One technology at one budget: fair shares, links, latency, power, failures, cost."""
    device, g = spec.device, spec.gpus_per_rack
    feasible = (layout.length_m <= table.reach_m[t]) & (ltu_ns <= budget_ns)
    sharers = feasible.sum(axis=0)
    share = feasible / np.maximum(sharers, 1)  # (racks, pools): each rack's share of each pool
    capacity_gb = share @ (layout.devices * device.capacity_gb) / g  # per GPU of each rack
    pool_bw = share @ (layout.devices * device.bandwidth_gbyte_s) / g
    served = feasible.any(axis=1)
    bandwidth = np.minimum(pool_bw, np.where(served, spec.links_per_gpu * link_gbyte_s, 0.0))
    alloc = share * (layout.devices * device.capacity_gb)
    weight = alloc / np.maximum(alloc.sum(axis=1, keepdims=True), 1e-300)  # links of a rack spread by capacity
    links = float(served.sum()) * g * spec.links_per_gpu
    link_w = weight * served[:, None]
    used = link_w.sum()

    def mean(values: np.ndarray) -> float | None:
        """Link-weighted mean over the pairs in use (None when nothing is served)."""
        return float((link_w * values).sum() / used) if used else None

    device_ns = device.load_to_use_ns + spec.switch_ns
    fit = links * table.fit_per_link[t]
    cost = table.cost_usd_per_end[t]
    return {
        "technology": table.technology[t],
        "kind": table.kind[t],
        "latency_budget_ns": budget_ns,
        "reach_m": float(table.reach_m[t]),
        "gpus_served": int(served.sum()) * g,
        "capacity_gb_per_gpu": float(capacity_gb.mean()),
        "capacity_gb_per_gpu_min": float(capacity_gb.min()),
        "bandwidth_gbyte_s_per_gpu": float(bandwidth.mean()),
        "pools_reached_per_rack": float(feasible.sum(axis=1).mean()),
        "mean_length_m": mean(layout.length_m),
        "mean_load_to_use_ns": mean(ltu_ns),
        "max_load_to_use_ns": float(ltu_ns[feasible].max()) if feasible.any() else None,
        "interconnect_share": mean((ltu_ns - device_ns) / ltu_ns),  # of load-to-use, cable and its ends
        "links": links,
        "fabric_kw": ENDS_PER_LINK * links * float(table.power_w_per_end[t]) / 1e3,
        "fabric_w_per_gpu": ENDS_PER_LINK * spec.links_per_gpu * float(table.power_w_per_end[t]) if links else 0.0,
        "fabric_failure_interval_h": float(FIT_HOURS / fit) if fit > 0 else None,
        "fabric_cost_musd": None if np.isnan(cost) else ENDS_PER_LINK * links * float(cost) / 1e6,
        "device_w_per_gpu": float(capacity_gb.mean()) / device.capacity_gb * device.power_w,
    }


def evaluate_memory_pool(
    spec: MemoryPoolSpec,
    catalog: Catalog | None = None,
    design: MosaicDesign | None = None,
    reach_fn: ReachFn | None = None,
) -> MemoryPoolResult:
    """Memory reachable per GPU, per technology and latency budget.

    Parameters
    ----------
    design : MOSAIC design (default: the shipped preset at ``spec.rate_gbps``).
    reach_fn : MOSAIC reach model for :func:`mosaiclink.system.reach.mosaic_reach_m` (default: the
        physics layer's), used unless ``spec.mosaic_reach_m`` is set.

    Notes
    -----
    For technology ``T`` and budget ``B``: pair ``(i, j)`` is feasible if ``L_ij <= reach_T`` and
    ``LtU_ij = device + switch + 2 (ends_T + L_ij n_g / c) <= B``. Pool ``j`` is shared by the
    ``n_j`` racks that reach it: GPU rack ``i`` gets ``sum_j f_ij C_j / n_j``, per GPU ``/ g``;
    bandwidth likewise, capped at ``links_per_gpu`` host links (payload rate after the host FEC,
    ``R k / n / 8``). A served rack has ``g x links_per_gpu`` links, spread over its pools by
    capacity share (this sets the mean length and latency). Fabric power ``2 n P_end``, failure
    interval ``1e9 / (n FIT_link)``, cost ``2 n C_end``; device power is the share of devices the
    GPU's capacity occupies.
    """
    catalog = catalog or load_catalog()
    design = design or default_design(spec.rate_gbps)
    names = cluster_techs(spec.rate_gbps, catalog=catalog, design=design).subset(spec.technologies).technology
    reach = spec.mosaic_reach_m
    if "mosaic" in names and reach is None:
        reach = mosaic_reach_m(design, reach_fn=reach_fn)
    table = cluster_techs(
        spec.rate_gbps, spec.figure_level, spec.temperature_c, catalog=catalog, design=design, mosaic_reach_m=reach
    ).subset(names)
    latency = link_latency(
        table.technology, catalog, spec.rate_gbps, spec.figure_level, spec.propagation, design, spec.host
    )
    layout = pool_layout(spec)
    host = host_protocol(spec.host)
    link_gbyte_s = host.rate_gbps * (host.k / host.n if host.coded else 1.0) / 8.0
    one_way = latency.one_way_ns(layout.length_m)  # (racks, pools, technologies)
    ltu = load_to_use_ns(one_way, spec.device.load_to_use_ns, spec.switch_ns)
    rows = tuple(
        _row(spec, layout, table, t, ltu[..., t], budget, link_gbyte_s)
        for budget in spec.latency_budgets_ns
        for t in range(len(table.technology))
    )
    return MemoryPoolResult(spec, layout, latency, reach if "mosaic" in names else None, rows)
