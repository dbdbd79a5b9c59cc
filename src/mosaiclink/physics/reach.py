"""Maximum reach: the longest fibre at which a design still meets a BER target.

Notes
-----
BER rises monotonically with length (attenuation, walk-off, dispersion and spreading all grow
with L), so the reach is found by bracketing (doubling or halving from the design length) and
the Illinois variant of regula falsi on ``log10 BER(L) - log10 target``, which is smooth in L,
to within ``tolerance_m``. The criterion is the
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


def max_reach_m(
    design: MosaicDesign,
    target_ber: float | None = None,
    channels_required: int | None = None,
    seed: int = 0,
    tolerance_m: float = 0.1,
) -> float:
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

    def excess(length_m: float) -> float:
        """log10 BER of the judged channel minus log10 target (<= 0 meets)."""
        report = evaluate_link(design.with_link(length_m=length_m), seed=seed, led_pulse_w=pulses)
        if channels_required is None:
            return float(np.median(report.log10_ber_stateye)) - log_target
        return report.nth_best_log10_ber(channels_required) - log_target

    # Bracket [lo meets, hi fails] by growing or shrinking from the design length.
    start = max(design.link.length_m, 1.0)
    f_start = excess(start)
    if f_start <= 0:
        lo, f_lo, hi, f_hi = start, f_start, start * 2.0, excess(start * 2.0)
        while f_hi <= 0:
            if hi >= MAX_REACH_M:
                return MAX_REACH_M
            lo, f_lo = hi, f_hi
            hi = min(hi * 2.0, MAX_REACH_M)
            f_hi = excess(hi)
    else:
        hi, f_hi, lo = start, f_start, start / 2.0
        f_lo = excess(lo)
        while f_lo > 0:
            if lo < tolerance_m:
                return 0.0 if excess(0.0) > 0 else lo
            hi, f_hi, lo = lo, f_lo, lo / 2.0
            f_lo = excess(lo)
    # Illinois (modified regula falsi): log BER is smooth and monotone in length.
    side = 0
    for _ in range(60):
        if hi - lo <= tolerance_m:
            break
        mid = (lo * f_hi - hi * f_lo) / (f_hi - f_lo) if f_hi != f_lo else 0.5 * (lo + hi)
        mid = min(max(mid, lo + 0.25 * tolerance_m), hi - 0.25 * tolerance_m)
        f_mid = excess(mid)
        if f_mid <= 0:
            lo, f_lo = mid, f_mid
            f_hi = f_hi / 2.0 if side == -1 else f_hi
            side = -1
        else:
            hi, f_hi = mid, f_mid
            f_lo = f_lo / 2.0 if side == 1 else f_lo
            side = 1
    return lo
