"""The reach solver and the reach criteria (physics/reach.py) against closed forms and orderings."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from mosaiclink.config.presets import load_preset
from mosaiclink.errors import ConfigError
from mosaiclink.physics.reach import (
    FAST_REACH_BISECTIONS,
    FAST_REACH_STEPS,
    Q_CLOSED,
    log_q_excess,
    margin_log10_ber,
    max_reach_m,
    max_reaches_m,
    solve_reach_m,
)

PROTO = load_preset("mosaic-prototype")


def test_margin_target_is_the_q_scaled_by_the_margin():
    """KP4's 2.4e-4 is Q = 3.4917; 1 dB of optical margin asks Q x 10^0.1 = 4.3958, BER 5.52e-6."""
    q_t = -norm.ppf(2.4e-4)
    for margin_db in (0.0, 1.0, 3.0, -1.0):
        expected = np.log10(norm.sf(q_t * 10 ** (margin_db / 10)))
        assert float(margin_log10_ber(2.4e-4, margin_db)) == pytest.approx(expected, abs=1e-9)
    assert 10 ** float(margin_log10_ber(2.4e-4, 1.0)) == pytest.approx(5.52e-6, rel=2e-3)


ROOTS_M = np.array([0.003, 0.7, 12.5, 49.0, 612.0, 3e4])  # below lo, inside, above hi


def log_excess(lengths_m):
    """ln(L / root): increasing, zero at the root, linear in ln L (the secant is then exact)."""
    return np.log(np.asarray(lengths_m) / ROOTS_M[: np.size(lengths_m)])


def test_solver_on_a_batch_finds_each_root_and_the_range_ends():
    lo, hi = 0.01, 10_000.0
    found = solve_reach_m(log_excess, lo, hi, size=ROOTS_M.size)
    assert found[0] == 0.0  # fails even at lo_m
    assert found[-1] == hi  # passes at hi_m
    np.testing.assert_allclose(found[1:-1], ROOTS_M[1:-1], rtol=1e-9)  # linear in ln L: the secant root is exact
    # without interpolation, the meeting end of a bracket closed to the relative tolerance
    ends = solve_reach_m(log_excess, lo, hi, size=ROOTS_M.size, interpolate=False, rel_tol=1e-3)
    inner = ends[1:-1]
    assert np.all(inner <= ROOTS_M[1:-1]) and np.all(inner >= ROOTS_M[1:-1] * (1 - 1e-3))
    assert ends[0] == 0.0 and ends[-1] == hi


def test_solver_meets_an_absolute_tolerance_and_is_batch_independent():
    def curved(lengths_m):
        return (np.asarray(lengths_m) / ROOTS_M[1:5]) ** 3 - 1.0

    batch = solve_reach_m(curved, 0.01, 10_000.0, size=4, rel_tol=0.0, abs_tol_m=0.05, interpolate=False)
    assert np.all(batch <= ROOTS_M[1:5]) and np.all(batch >= ROOTS_M[1:5] - 0.05)
    for j in range(4):

        def one(lengths_m, j=j):
            return (np.asarray(lengths_m) / ROOTS_M[1 + j]) ** 3 - 1.0

        alone = solve_reach_m(one, 0.01, 10_000.0, rel_tol=0.0, abs_tol_m=0.05, interpolate=False)[0]
        assert alone == pytest.approx(batch[j], abs=0.05)


def test_secant_steps_stop_sooner_than_bisection():
    """Bisection of [0.01, 10^4] m in ln L to the default relative tolerance 1e-3 halves a 13.8-wide
    bracket until it is ln(1.001) wide: 14 steps, 16 evaluations with the two ends. The solver's
    secant (Illinois) steps after its 6 bisections must stop sooner on smooth excesses: one linear
    in ln L (the secant is exact) and a Q factor falling exponentially with length, Q = 12
    exp(-L / 50 m) against a target of 6 (root 50 ln 2 = 34.657 m, closed form). Measured: 11 and
    12 evaluations. (On a cubic in L it takes 17: secant steps do not always pay.)"""
    for excess, root_m in (
        (lambda L: np.log(L / 37.3), 37.3),
        (lambda L: 6.0 - 12.0 * np.exp(-L / 50.0), 50 * np.log(2)),
    ):
        calls = []

        def counted(lengths_m, excess=excess, calls=calls):
            calls.append(np.size(lengths_m))
            return excess(np.asarray(lengths_m, dtype=float))

        found = float(solve_reach_m(counted, 0.01, 10_000.0)[0])
        assert found == pytest.approx(root_m, rel=1e-3)
        assert len(calls) < 16


def test_reach_criteria_refuse_bad_values_by_name():
    for kwargs, field in (
        ({"target_ber": 0.0}, "target_ber"),
        ({"target_ber": 0.5}, "target_ber"),
        ({"channels_required": 0}, "channels_required"),
        ({"channels_required": PROTO.array.total_channels + 1}, "channels_required"),
        ({"margin_db": 20.5}, "margin_db"),
        ({"margin_db": -21.0}, "margin_db"),
    ):
        with pytest.raises(ConfigError, match=field):
            max_reach_m(PROTO, **kwargs)


def test_reach_orders_with_the_criterion_and_the_reserve_is_a_margin():
    """The best channel reaches furthest, the worst least, the median between; asking for more
    margin shortens the reach; the bare target (margin_db None) is margin -reserve (here -1 dB)."""
    best, median, worst = max_reaches_m(PROTO, (1, None, PROTO.array.total_channels))
    assert best > median > worst > 0
    assert max_reach_m(PROTO, channels_required=1) == best  # one search alone gives the same length
    bare = max_reach_m(PROTO, margin_db=None)
    assert PROTO.receiver.implementation_penalty_db == 1.0
    assert max_reach_m(PROTO, margin_db=-1.0) == pytest.approx(bare, abs=0.1)  # within the 0.1 m tolerance
    assert bare > median > max_reach_m(PROTO, margin_db=2.0)


@settings(max_examples=60, deadline=None)
@given(
    alpha_db_per_m=st.floats(1e-3, 2.0),
    q0=st.floats(0.5, 60.0),
    floor=st.floats(0.0, 0.9),
    q_target=st.floats(3.0, 8.0),
)
def test_linear_illinois_on_the_log_q_excess_finds_the_loss_limited_reach(alpha_db_per_m, q0, floor, q_target):
    """The fast paths' search (4 bisections in ln L, then 4 Illinois steps in L on ln Q_t - ln Q) on a
    loss-limited Q that falls as 10^(-alpha L / 10) towards a plateau at `floor` Q_t (an eye that levels
    off, never meeting): finite, in the range, and within 1e-3 of the closed-form root (4.6e-4 the worst
    of 20,000 random cases; 44x off with Illinois alone, which crawls along the plateau). Ends: 0 when
    even 0.1 m fails, 1000 m when that passes."""
    lo_m, hi_m = 0.1, 1000.0

    def q(length_m):
        return q0 * 10.0 ** (-alpha_db_per_m * length_m / 10.0) + floor * q_target

    excess = lambda L: log_q_excess(q_target, q(L))  # noqa: E731
    found = solve_reach_m(
        excess, lo_m, hi_m, max_steps=FAST_REACH_STEPS, bisections=FAST_REACH_BISECTIONS, spacing="linear"
    )[0]
    assert np.isfinite(found) and 0.0 <= found <= hi_m
    if q(lo_m) < q_target:
        assert found == 0.0
        return
    exact = 10.0 / alpha_db_per_m * np.log10(q0 / ((1.0 - floor) * q_target))
    if exact >= hi_m:
        assert found == hi_m
    else:
        assert found == pytest.approx(exact, rel=1e-3)


def test_the_spacing_is_named_or_refused():
    with pytest.raises(ConfigError, match="spacing = 'cubic': allowed 'log' or 'linear'"):
        solve_reach_m(lambda L: L - 1.0, 0.1, 10.0, spacing="cubic")
    assert log_q_excess(5.0, -1.0) == pytest.approx(np.log(5.0 / Q_CLOSED))  # a closed eye: finite
