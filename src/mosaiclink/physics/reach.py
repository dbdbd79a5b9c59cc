"""Maximum reach: the longest fibre at which a design still meets a BER target.

Notes
-----
BER rises monotonically with length (attenuation, walk-off, dispersion and spreading all grow
with L). :func:`solve_reach_m` is the one reach solver, used here (the full model, one length
at a time) and by the fast path (:func:`mosaiclink.explore.evaluate.reach_m`, many designs at
once): for any increasing ``excess(L)`` (<= 0 meets; both callers use the Q of the target
minus the Q of the BER, nearly linear in ln L) it brackets the boundary in ln L and shrinks the
bracket by ``bisections`` bisection steps (the BER floor and the closed eye are plateaus that
false position handles badly), then the Illinois variant of regula falsi, with a bisection
step whenever a step fails to halve the bracket; it returns
the secant root of the final bracket (the fast path: continuous in the design, batch-independent)
or its meeting end (:func:`max_reach_m`: the reach meets the criterion).

The criterion of :func:`max_reach_m` is the median channel's stat-eye BER, or, with
``channels_required = N``, the N-th best channel's (a link needing N good channels out of its
data + spares). It is the reach *at a margin* (``margin_db``, 0 dB by default): the budget margin
(:math:`10\\log_{10}(Q_{eye}/Q_t)` minus the implementation penalty, optical dB) at least
``margin_db``. The manufacturing draw and the LED pulses do not depend on the fibre: both are
computed once per call, and each length runs only the fibre-dependent chain and its analysis.

Examples
--------
>>> from mosaiclink.config.presets import load_preset
>>> from mosaiclink.physics.reach import max_reach_m
>>> proto = load_preset("mosaic-prototype")
>>> slower = proto.with_link(rate_gbps=1.6)
>>> round(max_reach_m(proto, tolerance_m=0.01), 1), round(max_reach_m(slower, tolerance_m=0.01), 1)  # m at 2, 1.6 Gb/s
(26.3, 33.7)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import ConfigError, require_instance
from mosaiclink.physics import ber
from mosaiclink.physics.array import design_variation
from mosaiclink.physics.link import LinkReport, analyse
from mosaiclink.physics.pulse import chain, led_pulse

MAX_REACH_M = 10_000.0
# the fast paths' search (population and nominal chain, ``spacing="linear"``): steps after the
# bracket's ends, the first FAST_REACH_BISECTIONS in ln L (they step over a plateau of the excess,
# which false position crawls along), then Illinois in L on :func:`log_q_excess`
FAST_REACH_STEPS = 8
FAST_REACH_BISECTIONS = 4
MIN_REACH_M = 0.01


def solve_reach_m(
    excess: Callable[[np.ndarray], np.ndarray],
    lo_m: float,
    hi_m: float,
    size: int | None = None,
    rel_tol: float = 1e-3,
    abs_tol_m: float = 0.0,
    max_steps: int = 60,
    interpolate: bool = True,
    bisections: int = 6,
    spacing: str = "log",
) -> np.ndarray:
    """Longest length in [lo_m, hi_m] with ``excess(L) <= 0``, per element (see module Notes).

    ``excess`` maps lengths (n,) to (n,) and increases with length. Elements failing at
    ``lo_m`` get 0, elements passing at ``hi_m`` get ``hi_m``. Stops when every bracket is
    within ``max(rel_tol * L, abs_tol_m)``. ``interpolate`` returns the secant root of the final
    bracket (continuous in the excess values, so batch-independent to rounding); without it the
    meeting end (the criterion holds there). ``spacing="log"``: ``bisections`` bisections in ln L,
    then Illinois steps, with a bisection whenever a step fails to halve the bracket;
    ``"linear"``: ``bisections`` geometric bisections (they step over a plateau of the excess, which
    false position crawls along), then Illinois steps in L (for an excess nearly linear in L,
    :func:`log_q_excess`), always ``max_steps`` steps in all (an element whose bracket is done stays
    put): each element's root is then the same in any batch.
    """
    if spacing not in ("log", "linear"):
        raise ConfigError(f"spacing = {spacing!r}: allowed 'log' or 'linear'")
    linear = spacing == "linear"
    to_x, to_m = (np.asarray, np.asarray) if linear else (np.log, np.exp)
    a = np.full(1 if size is None else size, to_x(lo_m))
    b = np.full_like(a, to_x(hi_m))
    fa, fb = (
        np.asarray(excess(np.clip(to_m(a), lo_m, hi_m)), dtype=float),
        np.asarray(excess(np.clip(to_m(b), lo_m, hi_m)), dtype=float),
    )
    a, b = np.broadcast_to(a, fa.shape).copy(), np.broadcast_to(b, fa.shape).copy()
    true_fa, true_fb = fa.copy(), fb.copy()
    fails_short, passes_long = fa > 0, fb <= 0
    side = np.zeros(fa.shape, dtype=np.int8)
    width = b - a
    for step in range(max_steps):
        done = fails_short | passes_long | (to_m(b) - to_m(a) <= np.maximum(rel_tol * to_m(a), abs_tol_m))
        if np.all(done) and not linear:  # linear: always max_steps, so no element waits on another
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            secant = (a * fb - b * fa) / (fb - fa)
        if linear:  # the first `bisections` steps halve the bracket in ln L (geometric midpoint)
            inner = (step >= bisections) & np.isfinite(secant) & (secant > a) & (secant < b)
        else:
            inner = (step >= bisections) & np.isfinite(secant) & (secant > a) & (secant < b) & (b - a < 0.5 * width)
            inner |= step == bisections
        midpoint = np.sqrt(a * b) if linear else 0.5 * (a + b)
        x = np.where(inner & np.isfinite(secant), secant, midpoint)
        x = np.clip(x, a + 0.01 * (b - a), b - 0.01 * (b - a))
        width = b - a
        fx = np.asarray(excess(np.clip(to_m(x), lo_m, hi_m)), dtype=float)
        meets = (fx <= 0) & ~done
        fails = (fx > 0) & ~done
        # Illinois: halve the value kept twice in a row on the same side
        fb = np.where(meets & (side == -1), 0.5 * fb, fb)
        fa = np.where(fails & (side == 1), 0.5 * fa, fa)
        a, fa, true_fa = np.where(meets, x, a), np.where(meets, fx, fa), np.where(meets, fx, true_fa)
        b, fb, true_fb = np.where(fails, x, b), np.where(fails, fx, fb), np.where(fails, fx, true_fb)
        side = np.where(meets, -1, np.where(fails, 1, side)).astype(np.int8)
    if interpolate:  # the root of the final bracket's secant: continuous in the excess values
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.clip(np.nan_to_num(true_fa / (true_fa - true_fb)), 0.0, 1.0)
        a = a + frac * (b - a)
    return np.where(fails_short, 0.0, np.where(passes_long, hi_m, to_m(a)))


Q_CLOSED = 1e-6  # the Q a closed eye (BER >= 1/2, Q <= 0) counts as in :func:`log_q_excess`


def log_q_excess(q_target, q) -> np.ndarray:
    """:math:`\\ln Q_t - \\ln \\max(Q, Q_{closed})`: <= 0 exactly where ``q`` meets ``q_target``
    (> 0), and nearly linear in the length where the loss in dB dominates (a thermal-noise-limited
    :math:`Q \\propto 10^{-\\alpha L/10}`), which :func:`solve_reach_m`'s ``spacing="linear"``
    needs; a closed eye is a plateau at :math:`\\ln(Q_t/Q_{closed})`."""
    return np.log(q_target) - np.log(np.maximum(q, Q_CLOSED))


def max_reach_m(
    design: MosaicDesign,
    target_ber: float | None = None,
    channels_required: int | None = None,
    seed: int = 0,
    tolerance_m: float = 0.1,
    margin_db: float | None = 0.0,
) -> float:
    """Longest length (m) meeting ``target_ber`` (default: the design's), 0 if even ~0 m fails.

    ``channels_required=None`` judges the median channel; an integer N judges the N-th best.
    ``margin_db`` is the budget margin asked for (implementation reserve included): 0 dB by
    default, the one pass criterion of ``LinkReport.meets_target``; ``None`` asks for the bare
    target BER without the reserve.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> round(ml.max_reach_m(ml.load_preset("mosaic-prototype")), 1)  # m, median channel, 2.4e-4 with the 1 dB reserve
    26.3
    """
    require_instance(design, MosaicDesign, "design")
    return max_reaches_m(design, (channels_required,), target_ber, seed, tolerance_m, margin_db)[0]


def max_reaches_m(
    design: MosaicDesign,
    channels_required: Sequence[int | None],
    target_ber: float | None = None,
    seed: int = 0,
    tolerance_m: float = 0.1,
    margin_db: float | None = 0.0,
) -> tuple[float, ...]:
    """:func:`max_reach_m` for several criteria (median channel: None, N-th best: N) at once.

    Each search is the one :func:`max_reach_m` runs alone (same lengths, same result); a length
    that several searches visit (their brackets start alike) is evaluated once.
    """
    target = design.link.target_ber if target_ber is None else float(target_ber)
    if not 0.0 < target < 0.5:
        raise ConfigError(f"target_ber = {target!r}: must be in (0, 0.5)")
    total = design.array.total_channels
    for required in channels_required:
        if required is not None and not 1 <= required <= total:
            raise ConfigError(f"channels_required = {required!r}: must be in [1, {total}]")
    log_target = float(np.log10(target))
    if margin_db is not None:
        if not -20.0 <= margin_db <= 20.0:
            raise ConfigError(f"margin_db = {margin_db!r}: must be in [-20, 20] dB")
        log_target = margin_log10_ber(target, margin_db + design.receiver.implementation_penalty_db)
    variation = design_variation(design, seed)
    pulses = led_pulse(design, variation)
    q_target = ber.q_from_log10_ber(log_target)
    reports: dict[float, LinkReport] = {}

    def report_at(length_m: float) -> LinkReport:
        if length_m not in reports:
            at_length = design.with_link(length_m=length_m)
            reports[length_m] = analyse(at_length, chain(at_length, variation, led_pulse_w=pulses))
        return reports[length_m]  # evaluate_link's per-channel part, without the nominal channel

    def search(required: int | None) -> float:
        def excess(lengths_m: np.ndarray) -> np.ndarray:
            """Q of the target minus Q of the judged channel's BER (<= 0 meets; nearly linear in ln L)."""
            report = report_at(float(lengths_m[0]))
            if required is None:
                judged = float(np.median(report.log10_ber_stateye))
            else:
                judged = report.nth_best_log10_ber(required)
            return np.array([q_target - ber.q_from_log10_ber(judged)])

        return float(
            solve_reach_m(excess, MIN_REACH_M, MAX_REACH_M, rel_tol=0.0, abs_tol_m=tolerance_m, interpolate=False)[0]
        )

    return tuple(search(required) for required in channels_required)


def margin_log10_ber(target_ber, margin_db):
    """log10 BER at which the budget margin over ``target_ber`` is ``margin_db`` (optical dB):
    Q = Q_t 10^(margin/10)."""
    return ber.log10_ber_from_q(ber.q_from_ber(target_ber) * 10.0 ** (np.asarray(margin_db) / 10.0))
