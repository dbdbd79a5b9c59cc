"""Where racks stand and how long each link's cable is.

Racks are placed in rows of ``racks_per_row``; rows are stacked into blocks side by side (as
square a hall as possible), blocks fill halls of ``racks_per_hall`` racks, halls stand in a line.
Cables run in overhead trays: a rack-to-rack route is the Manhattan distance plus a rise and a
drop, times a slack factor. Links are returned grouped by (tier, length) with counts, so a 1M-GPU
cluster is a few hundred thousand groups, never one Python object per link.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.cluster.topology import FatTree
from mosaiclink.config.cluster import FloorSpec, ScaleOutSpec, ScaleUpSpec
from mosaiclink.workload import check_cluster_work


@dataclass(frozen=True)
class LinkGroups:
    """Links grouped by tier and cable length: arrays of shape ``(groups,)``.

    ``count`` is float: a partial group (top tier of an oversubscribed tree, a switch share of a
    multi-rack domain) carries its expected number of links.

    ``tier`` indexes ``tier_names``; ``fabric`` is ``"scale-up"`` or ``"scale-out"`` per tier name.
    """

    tier: np.ndarray
    length_m: np.ndarray
    count: np.ndarray
    tier_names: tuple[str, ...]
    tier_fabric: tuple[str, ...]

    def links_per_tier(self) -> np.ndarray:
        """``(tiers,)`` link counts."""
        return np.bincount(self.tier, weights=self.count, minlength=len(self.tier_names))

    def mean_length_per_tier_m(self) -> np.ndarray:
        """``(tiers,)`` count-weighted mean cable length."""
        total = np.bincount(self.tier, weights=self.count * self.length_m, minlength=len(self.tier_names))
        return total / np.maximum(self.links_per_tier(), 1)

    def quantile_per_tier_m(self, q: float) -> np.ndarray:
        """``(tiers,)`` count-weighted length quantile ``q`` (0..1)."""
        out = np.zeros(len(self.tier_names))
        for t in range(len(self.tier_names)):  # a handful of tiers, each a vectorized search
            sel = self.tier == t
            if not sel.any():
                continue
            order = np.argsort(self.length_m[sel], kind="stable")
            cum = np.cumsum(self.count[sel][order])
            out[t] = self.length_m[sel][order][np.searchsorted(cum, q * cum[-1])]
        return out


def concat(parts: list[LinkGroups]) -> LinkGroups:
    """Join link groups of different fabrics, renumbering tiers."""
    offsets = np.cumsum([0] + [len(p.tier_names) for p in parts[:-1]])
    return LinkGroups(
        tier=np.concatenate([p.tier + o for p, o in zip(parts, offsets, strict=True)]).astype(np.int64),
        length_m=np.concatenate([p.length_m for p in parts]),
        count=np.concatenate([p.count for p in parts]).astype(np.float64),
        tier_names=tuple(n for p in parts for n in p.tier_names),
        tier_fabric=tuple(f for p in parts for f in p.tier_fabric),
    )


def row_pitch_m(floor: FloorSpec) -> float:
    """Centre-to-centre distance of adjacent rows: a rack depth plus half a cold and half a hot aisle."""
    return floor.rack_depth_m + 0.5 * (floor.cold_aisle_m + floor.hot_aisle_m)


def rack_positions(racks: int, floor: FloorSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x_m, y_m, row_start_x_m)`` of rack centres and of their row's first edge, each ``(racks,)``.

    Notes
    -----
    A block is ``racks_per_row`` racks wide plus a circulation walkway; a hall holds
    ``b = round(sqrt(rows * row_pitch / block_width))`` blocks side by side, which makes it
    roughly square; rows fill blocks boustrophedon (up one block, down the next) so consecutive
    racks stay close; halls follow each other along x, ``hall_gap_m`` apart.
    """
    index = np.arange(racks, dtype=np.int64)
    per_hall = min(racks, floor.racks_per_hall)
    rows_in_hall = -(-per_hall // floor.racks_per_row)
    pitch = row_pitch_m(floor)
    block_width = floor.racks_per_row * floor.rack_width_m + floor.circulation_m
    blocks = max(1, int(round(np.sqrt(rows_in_hall * pitch / block_width))))
    rows_per_block = -(-rows_in_hall // blocks)
    hall_width = blocks * block_width
    hall, in_hall = np.divmod(index, floor.racks_per_hall)
    row, slot = np.divmod(in_hall, floor.racks_per_row)
    block, row_in_block = np.divmod(row, rows_per_block)
    row_in_block = np.where(block % 2 == 1, rows_per_block - 1 - row_in_block, row_in_block)
    row_start_x_m = hall * (hall_width + floor.hall_gap_m) + block * block_width
    x_m = row_start_x_m + (slot + 0.5) * floor.rack_width_m
    y_m = (row_in_block + 0.5) * pitch
    return x_m, y_m, row_start_x_m


def route_m(dx_m, dy_m, floor: FloorSpec) -> np.ndarray:
    """Overhead-tray cable: ``(|dx| + |dy| + rise_drop) * slack``."""
    return (np.abs(dx_m) + np.abs(dy_m) + floor.rise_drop_m) * floor.slack_factor


def _leaf_positions(x_m: np.ndarray, row_start: np.ndarray, floor: FloorSpec, placement: str) -> np.ndarray:
    """x of the leaf switch serving each rack (same row, same y): a rack past the row end, or mid-row."""
    if placement == "in-rack":
        return x_m
    if placement == "row-end":
        return row_start + (floor.racks_per_row + 0.5) * floor.rack_width_m
    return row_start + 0.5 * floor.racks_per_row * floor.rack_width_m


def scale_out_links(gpus: int, gpus_per_rack: int, tree: FatTree, spec: ScaleOutSpec, floor: FloorSpec) -> LinkGroups:
    """Cable lengths of every fat-tree tier.

    Notes
    -----
    Tier 1 runs from a GPU rack to its leaf (``leaf_placement``; in-rack: ``in_rack_m``).
    A switch group of level ``t >= 2`` (``(k/2)^t`` consecutive GPUs; the top level is all
    GPUs) sits at the GPU-weighted centroid of its racks; a level-1 group at the centroid of
    its members' leaves. Tier ``t`` links run from each level-``(t-1)`` group to its parent, as
    many as the child has endpoints (top tier divided by its oversubscription), times the planes.
    Switch racks take no floor space in this model.
    """
    racks = -(-gpus // gpus_per_rack)
    x_m, y_m, row_start = rack_positions(racks, floor)
    gpus_in_rack = np.minimum(gpus_per_rack, gpus - np.arange(racks) * gpus_per_rack)
    leaf_x_m = _leaf_positions(x_m, row_start, floor, spec.leaf_placement)
    planes = tree.planes
    if spec.leaf_placement == "in-rack":
        tier1_m = np.full(racks, floor.in_rack_m)
    else:
        tier1_m = route_m(leaf_x_m - x_m, 0.0, floor)
    tiers = [np.zeros(racks, dtype=np.int64)]
    lengths = [tier1_m]
    counts = [gpus_in_rack * planes]
    gpu_x = np.repeat(x_m, gpus_in_rack)
    gpu_y = np.repeat(y_m, gpus_in_rack)
    gpu_leaf_x = np.repeat(leaf_x_m, gpus_in_rack)
    centroids = []
    for level in range(1, tree.tiers + 1):
        size = int(tree.group_endpoints[level])
        starts = np.arange(0, gpus, size)
        members = np.diff(np.append(starts, gpus))
        source_x = gpu_leaf_x if level == 1 else gpu_x
        cx = np.add.reduceat(source_x, starts) / members
        cy = np.add.reduceat(gpu_y, starts) / members
        centroids.append((cx, cy, members, size))
    for level in range(2, tree.tiers + 1):
        child_x, child_y, child_n, child_size = centroids[level - 2]
        parent_x, parent_y, _, parent_size = centroids[level - 1]
        parent = np.arange(len(child_x)) * child_size // parent_size
        share = 1.0 / spec.top_tier_oversubscription if level == tree.tiers else 1.0
        tiers.append(np.full(len(child_x), level - 1, dtype=np.int64))
        lengths.append(route_m(child_x - parent_x[parent], child_y - parent_y[parent], floor))
        counts.append(child_n * share * planes)
    return LinkGroups(
        tier=np.concatenate(tiers),
        length_m=np.concatenate(lengths),
        count=np.concatenate(counts).astype(np.float64),
        tier_names=_tier_names(tree.tiers),
        tier_fabric=("scale-out",) * tree.tiers,
    )


def _tier_names(tiers: int) -> tuple[str, ...]:
    """Conventional names: NIC-leaf, leaf-spine, spine-core, core-super."""
    return ("nic-leaf", "leaf-spine", "spine-core", "core-super")[:tiers]


def scale_up_links(gpus: int, spec: ScaleUpSpec, floor: FloorSpec) -> LinkGroups:
    """Cable lengths of scale-up links: GPU in rack ``i`` to a switch tray in rack ``j`` of its domain.

    Notes
    -----
    Switch trays are spread evenly over the ``D = domain_gpus / gpus_per_rack`` racks of a
    domain, so a rack sends ``1/D`` of its GPUs' links to each domain rack. In-rack links have
    ``in_rack_cable_m``; rack-to-rack links take the overhead-tray route. Domains occupy
    consecutive racks in placement order.
    """
    racks = -(-gpus // spec.gpus_per_rack)
    span = max(1, spec.domain_gpus // spec.gpus_per_rack)
    check_cluster_work(f"scale-up layout of {gpus:,} GPUs", racks, min(span, racks))
    x_m, y_m, _ = rack_positions(racks, floor)
    gpus_in_rack = np.minimum(spec.gpus_per_rack, gpus - np.arange(racks) * spec.gpus_per_rack)
    first = np.repeat(np.arange(racks) // span * span, span)
    i = np.repeat(np.arange(racks), span)
    j = first + np.tile(np.arange(span), racks)
    keep = j < racks
    i, j = i[keep], j[keep]
    racks_in_domain = np.minimum(span, racks - first[keep])
    length_m = np.where(i == j, spec.in_rack_cable_m, route_m(x_m[i] - x_m[j], y_m[i] - y_m[j], floor))
    links = gpus_in_rack[i] * spec.links_per_gpu / racks_in_domain
    return LinkGroups(
        tier=np.zeros(len(i), dtype=np.int64),
        length_m=length_m,
        count=links.astype(np.float64),
        tier_names=("gpu-switch",),
        tier_fabric=("scale-up",),
    )
