import numpy as np
import pytest

from mosaiclink.errors import ConfigError
from mosaiclink.sim.streams import BitStreams, NoiseStreams


@pytest.mark.parametrize("pattern,order", [("prbs7", 7), ("prbs15", 15)])
def test_prbs_period_and_balance(pattern, order):
    period = 2**order - 1
    bits = BitStreams(pattern, [3], seed=1).next(3 * period)[0]
    assert np.array_equal(bits[:period], bits[period : 2 * period])
    assert bits[:period].sum() == 2 ** (order - 1)  # m-sequence: one more 1 than 0s
    for p in (d for d in range(1, period) if period % d == 0):  # no shorter period
        assert not np.array_equal(bits[: period - p], bits[p:period])


def lfsr(order: int, tap: int, n: int, state: int = 1) -> np.ndarray:
    """Textbook Fibonacci LFSR for x^order + x^tap + 1 (as in ITU-T O.150 / OptiCommPy's
    prbsGenerator): output the top register bit, shift in the XOR of bits order-1 and tap-1."""
    out = np.empty(n, np.int64)
    for i in range(n):
        out[i] = (state >> (order - 1)) & 1
        fb = ((state >> (order - 1)) ^ (state >> (tap - 1))) & 1
        state = ((state << 1) | fb) & ((1 << order) - 1)
    return out


@pytest.mark.parametrize("pattern,order,tap", [("prbs7", 7, 6), ("prbs15", 15, 14), ("prbs31", 31, 28)])
def test_prbs_is_a_shift_of_the_textbook_lfsr(pattern, order, tap):
    ours = BitStreams(pattern, [0], seed=5).next(3000)[0].astype(np.int64)
    # seed the reference register with our first `order` bits: it must continue identically
    state = int("".join(str(b) for b in ours[:order]), 2)
    assert np.array_equal(lfsr(order, tap, 3000, state), ours)


@pytest.mark.parametrize("pattern", ["random", "prbs7", "prbs31"])
def test_same_seed_same_bits_any_block_size_any_subset(pattern):
    whole = BitStreams(pattern, [0, 1, 2, 3], seed=11).next(10_001)
    s = BitStreams(pattern, [0, 1, 2, 3], seed=11)
    pieces = np.concatenate([s.next(7), s.next(4_000), s.next(5_994)], axis=1)
    assert np.array_equal(whole, pieces)
    alone = BitStreams(pattern, [2], seed=11).next(10_001)
    assert np.array_equal(alone[0], whole[2])
    other = BitStreams(pattern, [0, 1, 2, 3], seed=12).next(10_001)
    assert not np.array_equal(other, whole)


def test_random_bits_are_fair_and_independent_between_channels():
    b = BitStreams("random", np.arange(4), seed=0).next(200_000).astype(float)
    assert np.allclose(b.mean(axis=1), 0.5, atol=0.005)
    c = np.corrcoef(b)
    assert np.max(np.abs(c - np.eye(4))) < 0.01


def test_noise_streams_concatenate_exactly_and_are_standard():
    n = NoiseStreams([0, 7], seed=3)
    joined = np.concatenate([n.next(1000), n.next(3000)], axis=1)
    assert np.array_equal(joined, NoiseStreams([0, 7], seed=3).next(4000))
    big = NoiseStreams([1], seed=3).next(400_000)[0]
    assert abs(big.mean()) < 0.01 and abs(big.std() - 1) < 0.01


def test_unknown_pattern_is_a_config_error():
    with pytest.raises(ConfigError, match="prbs7"):
        BitStreams("prbs8", [0], 0)


@pytest.mark.parametrize("pattern", ["random", "prbs15"])
def test_packed_words_hold_the_same_bits_and_skipping_jumps_exactly(pattern):
    a, b = BitStreams(pattern, [3, 7], 5), BitStreams(pattern, [3, 7], 5)
    words = a.next_words(10)
    bits = b.next(640)
    assert np.array_equal(np.unpackbits(words.astype("<u8").view(np.uint8), axis=1, bitorder="little"), bits)
    a.skip_words(3)
    b.next(192)
    assert np.array_equal(a.next(100), b.next(100))
