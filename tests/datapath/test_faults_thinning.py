"""The compiled thinning draws the errors the array recipe does: candidates at ``p_max`` by
geometric gaps, ``divmod`` into (bit, lane), one uniform per candidate, kept below ``ber / p_max``."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.datapath.faults import candidate_errors, thinned_errors


def _array_recipe(rng, ber, p_max, lanes, bit_start, bit_stop):
    lane, bit = candidate_errors(rng, p_max, lanes, bit_start, bit_stop)
    keep = rng.random(lane.size) < ber[lane] / p_max
    return lane[keep], bit[keep]


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    lanes=st.integers(1, 700),
    bit_start=st.integers(0, 10**12),
    bits=st.integers(0, 4000),
    log10_p=st.lists(st.floats(-9.0, -0.5), min_size=1, max_size=700),
)
def test_thinned_errors_equal_the_array_recipe(seed, lanes, bit_start, bits, log10_p):
    ber = 10.0 ** np.resize(np.asarray(log10_p), lanes)
    p_max = float(ber.max())
    one, other = np.random.default_rng(seed), np.random.default_rng(seed)
    lane, bit = thinned_errors(one, ber, p_max, lanes, bit_start, bit_start + bits)
    lane_ref, bit_ref = _array_recipe(other, ber, p_max, lanes, bit_start, bit_start + bits)
    assert lane.dtype == bit.dtype == np.int64
    assert np.array_equal(lane, lane_ref) and np.array_equal(bit, bit_ref)
    assert one.bit_generator.state == other.bit_generator.state  # the same draws: later streams agree


def test_the_kept_share_is_the_mean_acceptance():
    """~400,000 candidates over 460 lanes: the same errors as the recipe, and the kept count is
    Poisson with mean candidates x mean(ber / p_max) (5 standard deviations)."""
    lanes, start, bits = 460, 2**40 // 460, 900_000
    ber = 10.0 ** np.linspace(-6, -3, lanes)
    lane, bit = thinned_errors(np.random.default_rng(5), ber, 1e-3, lanes, start, start + bits)
    lane_ref, bit_ref = _array_recipe(np.random.default_rng(5), ber, 1e-3, lanes, start, start + bits)
    assert np.array_equal(lane, lane_ref) and np.array_equal(bit, bit_ref)
    expected = lanes * bits * 1e-3 * np.mean(ber / 1e-3)
    assert abs(lane.size - expected) < 5 * np.sqrt(expected)


def test_lane_and_bit_are_exact_up_to_2_to_the_53():
    """The division by an estimate of 1 / lanes is corrected to the exact quotient and remainder."""
    from mosaiclink.datapath.faults import _thin_line

    rng = np.random.default_rng(0)
    for lanes in (1, 3, 460, 461, 4096, 999_983):
        line = np.sort(rng.integers(0, 2**53, 5000, dtype=np.int64))
        line[:3] = [0, lanes - 1, lanes]
        lane, bit = _thin_line(line, np.zeros(line.size), np.ones(lanes), lanes, 7)
        assert np.array_equal(lane, line % lanes) and np.array_equal(bit, line // lanes + 7)
