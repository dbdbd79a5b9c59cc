"""Symbol-rate path against the exact ISI-enumeration BER (an independent oracle)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sim_synthetic import exact_ber

from mosaiclink.sim.counting import clopper_pearson
from mosaiclink.sim.model import Crosstalk, SymbolModel
from mosaiclink.sim.symbol import SymbolSimulator


def count(model, bits, seed=0, block=1 << 20):
    sim = SymbolSimulator(model, "random", seed)
    errors, n = np.zeros(model.channels, np.int64), 0
    while n < bits:
        out = sim.run_block(min(block, bits - n))
        errors += out.errors
        n += out.bits
    return errors, n


def random_models(draws=4, seed=2026):
    """Random 5-tap channels with noise set so the exact BER lands in 1e-6 .. 1e-3."""
    rng = np.random.default_rng(seed)
    for _ in range(draws):
        ch = 3
        taps = np.column_stack(
            [
                rng.uniform(0, 0.15, ch),
                np.ones(ch),
                rng.uniform(0, 0.3, ch),
                rng.uniform(-0.1, 0.1, ch),
                rng.uniform(-0.05, 0.05, ch),
            ]
        )
        target = 10 ** rng.uniform(-6, -3, ch)
        # noise sigma from the worst pattern's eye opening at the target (then BER is exact-ed)
        half = 0.5 * taps[:, 1] - np.abs(taps[:, [0, 2, 3, 4]]).sum(1) / 2
        sigma = half / -np.asarray(
            [np.float64(v) for v in __import__("scipy.special", fromlist=["ndtri"]).ndtri(target)]
        )
        level = rng.uniform(0, 0.2, ch)
        thr = level + 0.5 * taps.sum(1)
        yield SymbolModel(2.0, np.arange(ch), taps, 1, level, thr, sigma, sigma * rng.uniform(1, 1.3, ch))


@pytest.mark.parametrize("model", list(random_models()), ids=lambda m: "draw")
def test_counted_ber_agrees_with_exact_enumeration(model):
    exact = exact_ber(model)
    assert np.all((exact > 3e-7) & (exact < 3e-3))
    bits = int(min(4e7, 60 / exact.min()))  # ~60 errors on the best channel
    errors, n = count(model, bits, seed=7)
    lo, hi = clopper_pearson(errors, n, 0.999)
    assert np.all((lo <= exact) & (exact <= hi)), (errors / n, exact)


def test_lazy_noise_gives_identical_decisions_to_full_noise():
    model = next(random_models(1, seed=5))
    fast = SymbolSimulator(model, seed=3).run_block(500_000)
    full = SymbolSimulator(model, seed=3).run_block(500_000, keep=True)
    assert np.array_equal(fast.errors, full.errors)
    decided = full.samples > model.threshold[:, None].astype(np.float32)
    assert np.array_equal(np.count_nonzero(decided != full.sent.astype(bool), axis=1), full.errors)


def test_same_seed_same_output_and_block_size_independence():
    model = next(random_models(1, seed=9))
    a = SymbolSimulator(model, seed=4).run_block(300_000, keep=True)
    b = SymbolSimulator(model, seed=4).run_block(300_000, keep=True)
    assert np.array_equal(a.samples, b.samples)
    s = SymbolSimulator(model, seed=4)
    parts = [s.run_block(n, keep=True) for n in (1000, 99_000, 200_000)]
    assert np.array_equal(np.concatenate([p.samples for p in parts], axis=1), a.samples)
    c = SymbolSimulator(model, seed=5).run_block(300_000, keep=True)
    assert not np.array_equal(a.samples, c.samples)


def test_crosstalk_adds_the_neighbours_bits_through_the_victims_pulse():
    taps = np.array([[0.0, 1.0, 0.0]] * 2)
    xt = Crosstalk(np.array([[1], [-1]]), np.array([[0.3], [0.0]]))
    m = SymbolModel(2.0, [0, 1], taps, 1, 0.0, 0.5, 0.01, 0.01, xt)
    out = SymbolSimulator(m, seed=1).run_block(20_000, keep=True)
    # victim's level = own bit + 0.3 * neighbour's bit: four clusters at 0, 0.3, 1, 1.3
    victim = np.abs(out.samples[0][:, None] - np.array([0.0, 0.3, 1.0, 1.3])[None, :]).argmin(1)
    assert np.bincount(victim, minlength=4).min() > 4000
    assert np.array_equal(victim // 2, out.sent[0])
    assert np.array_equal(victim % 2, out.sent[1])
    assert np.all(np.abs(out.samples[1] - out.sent[1]) < 0.06)  # the aggressor is clean


def test_counter_based_uniforms_are_uniform_and_position_addressed():
    from scipy import stats

    from mosaiclink.sim._kernels import uniform_stream

    u = uniform_stream(12345, 0, 200_000)
    assert stats.kstest(u, "uniform").pvalue > 0.01
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01
    assert np.array_equal(uniform_stream(12345, 1000, 50), u[1000:1050])
    assert not np.array_equal(uniform_stream(12346, 0, 50), u[:50])


@settings(max_examples=25, deadline=None)
@given(
    taps=st.lists(st.floats(-0.4, 0.4), min_size=2, max_size=11),
    cursor_gain=st.floats(0.5, 2.0),
    xt=st.floats(-0.3, 0.3),
    sigma=st.floats(0.02, 0.6),
    seed=st.integers(0, 2**32),
)
def test_skipping_quiet_noise_gives_the_decisions_of_full_noise(taps, cursor_gain, xt, sigma, seed):
    """Open or closed eye, crosstalk of either sign: the skipped bits never hold an error."""
    h = np.array(taps + [0.0])
    h[1] = cursor_gain
    tap_rows = np.stack([h, np.roll(h, 1)])
    cross = Crosstalk(np.array([[1], [0]]), np.array([[xt], [xt / 2]]))
    m = SymbolModel(2.0, [0, 1], tap_rows, 1, 0.0, 0.5 * h.sum(), sigma, 1.2 * sigma, cross)
    fast = SymbolSimulator(m, seed=seed).run_block(20_000)
    full = SymbolSimulator(m, seed=seed).run_block(20_000, keep=True)
    assert np.array_equal(fast.errors, full.errors)
    wrong = (full.samples > m.threshold[:, None].astype(np.float32)) != full.sent.astype(bool)
    assert np.array_equal(np.count_nonzero(wrong, axis=1), full.errors)


@pytest.mark.parametrize("pattern", ["random", "prbs7"])
def test_any_block_simulated_alone_equals_that_block_of_the_whole_run(pattern):
    """``start_bit`` jumps the streams, ``decide`` counts a subset: block b of a run is reproducible."""
    model = next(random_models(1, seed=11))
    whole = SymbolSimulator(model, pattern, seed=8)
    blocks = [whole.run_block(4096, keep=True) for _ in range(3)]
    alone = SymbolSimulator(model, pattern, seed=8, decide=[2, 0], start_bit=8192).run_block(4096, keep=True)
    assert np.array_equal(alone.samples, blocks[2].samples[[2, 0]])
    assert np.array_equal(alone.errors, blocks[2].errors[[2, 0]])
    odd = SymbolSimulator(model, pattern, seed=8, start_bit=5000).run_block(100, keep=True)
    assert np.array_equal(odd.samples, blocks[1].samples[:, 5000 - 4096 : 5100 - 4096])
