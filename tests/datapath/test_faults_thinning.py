"""Thinning in strata of one decade of BER draws exactly the per-lane Bernoulli field: each stratum
is the array recipe (candidates at its largest BER by geometric gaps, ``divmod`` into (bit, lane),
one uniform per candidate, kept below ``ber / p_stratum``), and the counts per lane are binomial."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.datapath.faults import STRATUM_SPAN, ber_strata, candidate_errors, thinned_errors


def _array_recipe(rng, ber, lanes, bit_start, bit_stop):
    """The thinning of the module Notes written as array passes, one stratum after the other."""
    lane_parts, bit_parts = [], []
    for stratum in ber_strata(ber):
        p_stratum = ber[stratum].max()
        index, bit = candidate_errors(rng, p_stratum, stratum.size, bit_start, bit_stop)
        keep = rng.random(index.size) < ber[stratum][index] / p_stratum
        lane_parts.append(stratum[index[keep]])
        bit_parts.append(bit[keep])
    lane = np.concatenate(lane_parts) if lane_parts else np.zeros(0, np.int64)
    bit = np.concatenate(bit_parts) if bit_parts else np.zeros(0, np.int64)
    order = np.lexsort((lane, bit))
    return lane[order], bit[order]


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    lanes=st.integers(1, 700),
    bit_start=st.integers(0, 10**12),
    bits=st.integers(0, 4000),
    log10_p=st.lists(st.one_of(st.floats(-9.0, -0.3), st.just(-np.inf)), min_size=1, max_size=700),
)
def test_thinned_errors_equal_the_array_recipe(seed, lanes, bit_start, bits, log10_p):
    ber = 10.0 ** np.resize(np.asarray(log10_p), lanes)  # -inf: a lane without errors
    one, other = np.random.default_rng(seed), np.random.default_rng(seed)
    lane, bit = thinned_errors(one, ber, lanes, bit_start, bit_start + bits)
    lane_ref, bit_ref = _array_recipe(other, ber, lanes, bit_start, bit_start + bits)
    assert lane.dtype == bit.dtype == np.int64
    assert np.array_equal(lane, lane_ref) and np.array_equal(bit, bit_ref)
    assert one.bit_generator.state == other.bit_generator.state  # the same draws: later streams agree
    assert np.all(ber[lane] > 0)
    assert np.all((bit[1:] > bit[:-1]) | ((bit[1:] == bit[:-1]) & (lane[1:] > lane[:-1])))  # time, then lane


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(1e-300, 1.0), st.just(0.0)), min_size=0, max_size=300))
def test_strata_partition_the_lanes_with_errors_in_decades(values):
    ber = np.asarray(values, dtype=float)
    strata = ber_strata(ber)
    lanes = np.concatenate(strata) if strata else np.zeros(0, np.int64)
    assert np.array_equal(np.sort(lanes), np.flatnonzero(ber > 0))  # each lane with errors once
    tops = [ber[s].max() for s in strata]
    for stratum, top in zip(strata, tops, strict=True):
        assert np.all(np.diff(stratum) > 0) and np.all(ber[stratum] > top / STRATUM_SPAN)
    # greedy from the largest BER: the next stratum starts at or below the previous one's top / 10
    assert all(later <= earlier / STRATUM_SPAN for earlier, later in zip(tops[:-1], tops[1:], strict=True))


def test_one_stratum_is_the_single_line_thinning():
    """BERs within one decade: one stratum, the candidates of all lanes at the largest BER (the
    thinning before strata, draw for draw)."""
    lanes, start, bits = 460, 2**40 // 460, 900_000
    ber = 10.0 ** np.linspace(-3.9, -3, lanes)
    rng, other = np.random.default_rng(5), np.random.default_rng(5)
    lane, bit = thinned_errors(rng, ber, lanes, start, start + bits)
    index, bit_ref = candidate_errors(other, ber.max(), lanes, start, start + bits)
    keep = other.random(index.size) < ber[index] / ber.max()
    assert np.array_equal(lane, index[keep]) and np.array_equal(bit, bit_ref[keep])


def test_counts_per_lane_are_binomial_across_ten_decades():
    """The 800G's spread: three closed-eye lanes at 1/2 beside lanes from 1e-10 to 4e-5. Each lane's
    count is binomial(bits, ber): the high lanes one by one, the rest per stratum, within 5 sigma."""
    lanes, bits = 460, 200_000
    ber = np.concatenate([[0.5, 0.5, 0.5], 10.0 ** np.linspace(-10, np.log10(4e-5), lanes - 3)])
    lane, _ = thinned_errors(np.random.default_rng(11), ber, lanes, 0, bits)
    counts = np.bincount(lane, minlength=lanes)
    mean, var = bits * ber, bits * ber * (1 - ber)
    assert np.all(np.abs(counts[:3] - mean[:3]) < 5 * np.sqrt(var[:3]))
    for stratum in ber_strata(ber)[1:]:
        expected, spread = mean[stratum].sum(), np.sqrt(var[stratum].sum())
        assert abs(counts[stratum].sum() - expected) < 5 * spread + 1, (expected, counts[stratum].sum())
    assert lane.size == pytest.approx(mean.sum(), rel=0.01)


def test_lane_and_bit_are_exact_up_to_2_to_the_53():
    """The division by an estimate of 1 / lanes is corrected to the exact quotient and remainder."""
    from mosaiclink.datapath.faults import _thin_line

    rng = np.random.default_rng(0)
    for lanes in (1, 3, 460, 461, 4096, 999_983):
        line = np.sort(rng.integers(0, 2**53, 5000, dtype=np.int64))
        line[:3] = [0, lanes - 1, lanes]
        lane, bit = _thin_line(line, np.zeros(line.size), np.ones(lanes), lanes, 7)
        assert np.array_equal(lane, line % lanes) and np.array_equal(bit, line // lanes + 7)
