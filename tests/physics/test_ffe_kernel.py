"""The compiled MMSE equalizer (:mod:`mosaiclink.physics._ffe_kernel`) against the NumPy formulation
(``equalizer.solve_ffe``, ``apply_ffe``, ``noise_gain``: the path of small batches) on random
pulses, tap counts, precursors and noise: the taps, the equalized samples of every instant and the
noise gain are identical (the same operations in the same order), so a number does not depend on
whether its batch ran compiled (``mosaic link`` alone, or after a command that loaded Numba)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config.design import EqualizerSpec
from mosaiclink.physics import equalizer


@st.composite
def cases(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    taps = draw(st.integers(2, 9))
    pre = draw(st.integers(0, taps - 1))
    rows, instants, bits = draw(st.integers(1, 7)), draw(st.sampled_from([1, 3, 7])), draw(st.integers(taps, 16))
    cursor = draw(st.integers(0, bits - 1))
    samples = rng.normal(0.0, draw(st.sampled_from([0.02, 0.2, 0.6])), (rows, instants, bits))
    samples[..., cursor] += 1.0
    # an AR(1) noise's autocorrelation r(k) = r(0) rho^k: a positive definite Toeplitz matrix, as a real one
    rho = rng.uniform(-0.9, 0.9, (rows, 1))
    autocorr = rng.uniform(1.0, 2.0, (rows, 1)) * rho ** np.arange(taps)
    density = 10.0 ** rng.uniform(-4.0, 0.0, rows)
    spec = EqualizerSpec(ffe_taps=taps, ffe_precursor_taps=pre, ffe_method="mmse")
    return samples, cursor, spec, density, autocorr


@settings(max_examples=200, deadline=None)
@given(cases())
def test_compiled_mmse_equalizer_is_the_numpy_formulation(case):
    samples, cursor, spec, density, autocorr = case
    compiled = equalizer.equalize(samples, cursor, spec, density, autocorr, compiled=True)
    oracle = equalizer.equalize(samples, cursor, spec, density, autocorr, compiled=False)
    for got, expected in zip(compiled, oracle, strict=True):
        np.testing.assert_array_equal(got, expected)
    taps = compiled[0]
    assert np.allclose(taps[:, spec.ffe_precursor_taps], 1.0)  # the main tap normalised to 1


def test_a_shared_autocorrelation_broadcasts_and_no_ffe_is_one_unit_tap():
    rng = np.random.default_rng(5)
    samples = rng.normal(0.0, 0.1, (4, 3, 12))
    samples[..., 3] += 1.0
    autocorr = np.array([1.0, 0.4, 0.1])  # (taps,): every row's
    spec = EqualizerSpec(ffe_taps=3, ffe_precursor_taps=1, ffe_method="mmse")
    density = np.full(4, 1e-2)
    compiled = equalizer.equalize(samples, 3, spec, density, autocorr, compiled=True)
    oracle = equalizer.equalize(samples, 3, spec, density, autocorr, compiled=False)
    for got, expected in zip(compiled, oracle, strict=True):
        np.testing.assert_array_equal(got, expected)
    taps, g, gain = equalizer.equalize(samples, 3, EqualizerSpec(enable=False), density, autocorr, compiled=True)
    assert np.array_equal(taps, np.ones((4, 1))) and g is not None and np.array_equal(g, samples)
    assert np.array_equal(gain, np.full(4, 1.0))  # c = 1: r(0)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, 0.0, 1e308, -1e308, 5e-324])
def test_hostile_entries_give_the_same_results_on_both_paths(value):
    """A NaN, infinite, huge or subnormal sample, noise density or autocorrelation lag: the compiled
    loop and the NumPy formulation still agree bit for bit (NaN where NaN), and nothing raises."""
    rng = np.random.default_rng(17)
    samples = rng.normal(0.0, 0.1, (6, 3, 16))
    samples[..., 4] += 1.0
    samples[1, 2, 7] = value
    density = np.full(6, 1e-2)
    density[2] = value
    autocorr = 0.5 ** np.arange(5) * np.ones((6, 1))
    autocorr[3, 1] = value
    spec = EqualizerSpec(ffe_taps=5, ffe_precursor_taps=1, ffe_method="mmse")
    with np.errstate(all="ignore"):
        compiled = equalizer.equalize(samples, 4, spec, density, autocorr, compiled=True)
        oracle = equalizer.equalize(samples, 4, spec, density, autocorr, compiled=False)
    for got, expected in zip(compiled, oracle, strict=True):
        np.testing.assert_array_equal(got, expected)
    assert np.all(np.isfinite(compiled[2][[0, 4, 5]]))  # the untouched rows stay finite
