"""Maximum reach: the longest fibre at which a design still meets a BER target.

Notes
-----
BER rises monotonically with length (attenuation, walk-off, dispersion and spreading all grow
with L), so the reach is found by bracketing and bisection on ``length_m``. The criterion is the
median channel's stat-eye BER, or, with ``channels_required = N``, the N-th best channel's (a
link needing N good channels out of its data + spares). The LED pulses do not depend on the
fibre and are computed once per call.
"""

from __future__ import annotations

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import ConfigError
from mosaiclink.physics.array import draw_variation
from mosaiclink.physics.link import evaluate_link
from mosaiclink.physics.pulse import led_pulse

MAX_REACH_M = 10_000.0


def max_reach_m(design: MosaicDesign, target_ber: float | None = None, channels_required: int | None = None,
                seed: int = 0, tolerance_m: float = 0.1) -> float:
    """Longest length (m) meeting ``target_ber`` (default: the design's), 0 if even ~0 m fails.

    ``channels_required=None`` judges the median channel; an integer N judges the N-th best.
    """
    target = design.link.target_ber if target_ber is None else float(target_ber)
    if not 0.0 < target < 0.5:
        raise ConfigError(f"target_ber = {target!r}: must be in (0, 0.5)")
    total = design.array.total_channels
    if channels_required is not None and not 1 <= channels_required <= total:
        raise ConfigError(f"channels_required = {channels_required!r}: must be in [1, {total}]")
    log_target = np.log10(target)
    variation = draw_variation(design.variation, total, seed, design.fiber.length_mismatch_ppm)
    pulses = led_pulse(design, variation)

    def meets(length_m: float) -> bool:
        report = evaluate_link(design.with_link(length_m=length_m), seed=seed, led_pulse_w=pulses)
        if channels_required is None:
            return float(np.median(report.log10_ber_stateye)) <= log_target
        return report.nth_best_log10_ber(channels_required) <= log_target

    lo = 0.0
    if not meets(lo):
        return 0.0
    hi = max(design.link.length_m, 1.0)
    while meets(hi):
        lo, hi = hi, hi * 2.0
        if hi > MAX_REACH_M:
            return MAX_REACH_M
    while hi - lo > tolerance_m:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if meets(mid) else (lo, mid)
    return lo
