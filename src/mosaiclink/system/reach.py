"""Reach: copper reach versus lane rate from the catalog, and MOSAIC's reach from the link model.

MOSAIC's reach comes from the physics layer's ``mosaiclink.physics.reach.max_reach_m``
(the longest fibre at which the required channels meet the target BER). It is injected as a
:data:`ReachFn` so callers (tests, sweeps, a user's own link model) can supply another model.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import ModelRangeError
from mosaiclink.system.catalog import Catalog

REACH_TOLERANCE_M = 0.5  # bisection tolerance: finer than any catalog reach figure
ReachFn = Callable[[MosaicDesign, float], float]
"""``reach_fn(design, target_ber) -> metres``: the longest length meeting ``target_ber``."""


def copper_reach_m(
    catalog: Catalog, lane_rate_gbps: float, technology: str = "passive-dac", level: str = "typical"
) -> float:
    """Copper reach at a lane rate, interpolated log-log between the catalog's entries.

    Notes
    -----
    Points ``(lane rate, reach)`` are taken from every entry of ``technology`` (the longest
    reach where several entries share a lane rate, which favours copper). Between points,
    ``log(reach)`` is linear in ``log(lane rate)`` (loss in dB grows roughly with frequency,
    so reach falls as a power of the rate); outside them the end value is held, because the
    catalog gives no basis for extrapolation.
    """
    entries = catalog.entries(technology=technology)
    if not entries:
        raise ModelRangeError(f"technology = {technology!r}: no catalog entries to take copper reach from")
    points: dict[float, float] = {}
    for e in entries:
        points[e.lane_rate_gbps] = max(points.get(e.lane_rate_gbps, 0.0), getattr(e.max_reach_m, level))
    rates = np.array(sorted(points))
    reaches = np.array([points[r] for r in rates])
    return float(np.exp(np.interp(np.log(lane_rate_gbps), np.log(rates), np.log(reaches))))


def physics_reach_fn() -> ReachFn:
    """The physics layer's reach with every data channel required to meet the target.

    ``max_reach_m(design, target_ber, channels_required=k)`` judges the ``k``-th best channel,
    ``k`` = data channels: the link works while ``k`` of its ``k + s`` channels meet the BER
    (spares cover the rest).
    """
    from mosaiclink.physics.reach import max_reach_m  # lazy: the link model is only needed when called

    return lambda design, target_ber: float(
        max_reach_m(design, target_ber, channels_required=design.array.data_channels, tolerance_m=REACH_TOLERANCE_M)
    )


def mosaic_reach_m(design: MosaicDesign, target_ber: float | None = None, reach_fn: ReachFn | None = None) -> float:
    """MOSAIC's reach at ``target_ber`` (default: the design's ``link.target_ber``)."""
    fn = reach_fn or physics_reach_fn()
    return fn(design, design.link.target_ber if target_ber is None else target_ber)


def reach_ratio_vs_copper(
    design: MosaicDesign,
    catalog: Catalog,
    host_lane_rate_gbps: float = 100.0,
    target_ber: float | None = None,
    reach_fn: ReachFn | None = None,
) -> float:
    """MOSAIC reach divided by passive copper's at the host lane rate (100G for 800G)."""
    return mosaic_reach_m(design, target_ber, reach_fn) / copper_reach_m(catalog, host_lane_rate_gbps)
