"""The sampling instant and symbol-spaced samples (physics/sampling.py) against closed forms.

A trigonometric polynomial whose harmonics lie below the grid's Nyquist frequency is its own
band-limited interpolant, so its value at any instant and its maximum are known exactly; arbitrary
samples (energy up to Nyquist) are reproduced at the grid instants by any exact interpolant. These
check the batch axis, the jitter offsets and the Nyquist weight, which the single-pulse checks of
test_precision.py do not reach.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.fft
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.physics import sampling

SPAN, SPS = 16, 8


def trig(t_bits, shift_bits=0.0):
    """A skewed periodic pulse of three harmonics (period SPAN bits), delayed by ``shift_bits``."""
    w = 2 * np.pi / SPAN
    t = np.asarray(t_bits) - shift_bits
    return np.cos(w * (t - 3.3)) + 0.45 * np.cos(2 * w * (t - 3.9)) + 0.2 * np.sin(3 * w * (t - 2.2))


GRID = np.arange(SPAN * SPS) / SPS
FINE = np.arange(2.0, 5.0, 1e-7)
PEAK = FINE[np.argmax(trig(FINE))]  # brute force on a 1e-7-bit grid


def test_peak_of_a_batch_moves_with_each_pulses_delay():
    """Delays on the grid, on the 4x peak lattice, between lattice points and by whole bits: each
    row's peak is the undelayed brute-force peak plus its delay (to 1e-6 bit), whatever the batch."""
    cell = 1.0 / (SPS * sampling.PEAK_OVERSAMPLE)
    shifts = np.array([0.0, 1 / SPS, cell, 0.37 * cell, 0.5 * cell, -0.81 * cell, 0.3, 2.0 + 0.61 * cell, 5.555])
    pulses = np.stack([trig(GRID, s) for s in shifts])
    found = sampling.peak_bits(sampling.spectrum(pulses, SPS), SPAN)
    np.testing.assert_allclose(found, PEAK + shifts, atol=1e-6)
    one_by_one = [float(sampling.peak_bits(sampling.spectrum(p[None], SPS), SPAN)[0]) for p in pulses]
    np.testing.assert_allclose(found, one_by_one, rtol=0, atol=1e-12)


def test_newton_refinement_improves_on_the_linear_root():
    """Without refinement the root is the linear interpolation of the slope (error of order the
    lattice step squared); the two Newton steps on the Hermite cubic reach 1e-6 bit."""
    shifts = np.linspace(0.0, 1.0 / SPS, 7)
    h = sampling.spectrum(np.stack([trig(GRID, s) for s in shifts]), SPS)
    linear = sampling.peak_bits(h, SPAN, refinements=0) - shifts
    refined = sampling.peak_bits(h, SPAN) - shifts
    assert np.abs(refined - PEAK).max() < 1e-6
    assert np.abs(linear - PEAK).max() > 10 * np.abs(refined - PEAK).max()
    assert np.abs(linear - PEAK).max() < (1.0 / (SPS * sampling.PEAK_OVERSAMPLE)) ** 2  # still within a cell^2


def test_symbol_samples_with_jitter_offsets_are_the_pulse_at_those_instants():
    shifts = np.array([0.0, 0.23, 1.7])
    h = sampling.spectrum(np.stack([trig(GRID, s) for s in shifts]), SPS)
    cursor = PEAK + shifts
    offsets = np.array([0.0, -0.05, 0.031])
    pre, bits = 3, 9
    got = sampling.symbol_samples(h, cursor, SPAN, pre, bits, offsets)
    assert got.shape == (3, 3, bits)
    instants = cursor[:, None, None] + offsets[None, :, None] + (np.arange(bits) - pre)[None, None, :]
    np.testing.assert_allclose(got, trig(instants, shifts[:, None, None]), atol=1e-9)
    # per-row offsets (batch, J) equal the broadcast (J,) ones; no offsets is the offset-0 slice
    per_row = sampling.symbol_samples(h, cursor, SPAN, pre, bits, np.tile(offsets, (3, 1)))
    np.testing.assert_allclose(per_row, got, rtol=0, atol=1e-12)
    np.testing.assert_allclose(sampling.symbol_samples(h, cursor, SPAN, pre, bits), got[:, 0], rtol=0, atol=1e-12)


def test_grid_samples_are_reproduced_including_the_nyquist_component():
    """Random samples have energy at Nyquist (weight 1, not 2, in the one-sided sum): the
    interpolant taken at grid instants returns the samples themselves."""
    rng = np.random.default_rng(3)
    samples = rng.normal(size=(2, SPAN * SPS))
    h = sampling.spectrum(samples, SPS)
    assert np.abs(h[:, -1]).min() > 1e-3  # a Nyquist component is present
    cursor = np.array([5 + 3 / SPS, 0.0])  # on grid instants
    got = sampling.symbol_samples(h, cursor, SPAN, 2, SPAN)
    index = (np.rint((cursor[:, None] + np.arange(SPAN) - 2) * SPS).astype(int)) % (SPAN * SPS)
    np.testing.assert_allclose(got, np.take_along_axis(samples, index, axis=1), atol=1e-9)


@pytest.mark.parametrize("sps", [4, 16])
def test_peak_does_not_depend_on_the_grid_resolution(sps):
    """The same band-limited pulse sampled at 4 or 16 samples per bit has one maximum."""
    grid = np.arange(SPAN * sps) / sps
    found = float(sampling.peak_bits(sampling.spectrum(trig(grid, 0.4)[None], sps), SPAN)[0])
    assert found == pytest.approx(PEAK + 0.4, abs=1e-6)


@pytest.mark.parametrize("refinements", [0, 2])
def test_compiled_peak_refinement_equals_the_numpy_formulation(refinements):
    """The compiled loop (:mod:`mosaiclink.physics._peak_kernel`) performs the NumPy formulation's
    operations in the same order: identical instants, over delays on, off and between lattice points."""
    rng = np.random.default_rng(11)
    shifts = np.concatenate([rng.uniform(0.0, SPAN, 300), np.arange(0.0, 1.0, 1.0 / (SPS * 4))])
    h = sampling.spectrum(np.stack([trig(GRID, s) for s in shifts]), SPS)
    h = h * rng.uniform(0.5, 2.0, (h.shape[0], 1))
    compiled = sampling.peak_bits(h, SPAN, refinements, compiled=True)
    numpy = sampling.peak_bits(h, SPAN, refinements, compiled=False)
    np.testing.assert_array_equal(compiled, numpy)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 9),
    st.integers(1, 70),
    st.sampled_from([1, 3, 7]),
    st.sampled_from([1e-6, 1.0, 1e6]),
)
def test_compiled_rotations_equal_the_numpy_formulation(seed, rows, harmonics, instants, scale):
    """The compiled loop (:mod:`mosaiclink.physics._rotation_kernel`) performs the NumPy formulation's
    real operations in the same order: identical rotated spectra for any harmonic count (the doubling's
    last partial block included), instants far from the grid and spectra of any scale; and both are
    the spectrum times e^{i 2 pi k t / span} to 1e-12 of it (phases k t up to 1,100 rad: either
    formulation rounds ~1e-13 there)."""
    rng = np.random.default_rng(seed)
    h = scale * (rng.normal(size=(rows, harmonics)) + 1j * rng.normal(size=(rows, harmonics)))
    t = rng.uniform(-40.0, 40.0, (rows, instants))
    compiled = sampling.rotated_spectra(h, t, SPAN, compiled=True)
    numpy = sampling.rotated_spectra(h, t, SPAN, compiled=False)
    np.testing.assert_array_equal(compiled, numpy)
    direct = h[:, None, :] * np.exp(2j * np.pi * np.arange(harmonics) * t[..., None] / SPAN)
    np.testing.assert_allclose(numpy, direct, rtol=0, atol=1e-12 * np.abs(h).max())


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, 1e308, 5e-324])
def test_compiled_rotations_of_hostile_entries_equal_the_numpy_formulation(value):
    """A NaN, infinite, huge or subnormal harmonic or instant: both paths agree bit for bit (NaN where
    NaN) and only its own row is touched."""
    rng = np.random.default_rng(23)
    h = rng.normal(size=(4, 33)) + 1j * rng.normal(size=(4, 33))
    h[1, 5] = complex(value, 0.0)
    t = rng.uniform(0.0, SPAN, (4, 3))
    t[2, 1] = value
    with np.errstate(all="ignore"):
        compiled = sampling.rotated_spectra(h, t, SPAN, compiled=True)
        numpy = sampling.rotated_spectra(h, t, SPAN, compiled=False)
    np.testing.assert_array_equal(compiled, numpy)
    assert np.all(np.isfinite(compiled[[0, 3]]))


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from([4, 8, 32, 256, 1024]),
    st.integers(1, 150),
    st.floats(0.0, 1.0),
    st.sampled_from([1e-12, 1.0, 1e9]),
)
def test_lowest_harmonics_are_the_real_transform_and_both_formulations_agree(seed, samples, rows, share, scale):
    """The half-length complex transform (sampling.lowest_harmonics' Notes) gives SciPy's real
    transform's first K harmonics over the samples per bit and each row's divisor, to 4e-15 of the
    largest (an independent algorithm: pocketfft's mixed radix over every harmonic); the compiled loop
    and the NumPy formulation are identical, over any number of rows (blocks and their remainder)."""
    rng = np.random.default_rng(seed)
    harmonics = max(1, round(share * samples / 2))
    pulse = scale * rng.normal(size=(samples, rows))
    divisor = rng.uniform(0.1, 10.0, rows)
    reference = scipy.fft.rfft(pulse.T, axis=-1)[:, :harmonics] / 16 / divisor[:, None]
    compiled = sampling.lowest_harmonics(pulse, 16, harmonics, divisor, compiled=True)
    numpy = sampling.lowest_harmonics(pulse, 16, harmonics, divisor, compiled=False)
    np.testing.assert_array_equal(compiled.view(float), numpy.view(float))
    np.testing.assert_allclose(numpy, reference, rtol=0, atol=4e-15 * np.abs(reference).max())


def test_a_rows_lowest_harmonics_do_not_depend_on_its_batch():
    """Every row is transformed alone: a row at any place of a batch of any size (a block's lanes or
    its remainder) has the harmonics it has alone, bit for bit, on both paths."""
    rng = np.random.default_rng(5)
    pulse = rng.normal(size=(256, 300))
    for compiled in (True, False):
        batch = sampling.lowest_harmonics(pulse, 16, 33, compiled=compiled)
        for row in (0, 63, 64, 250, 299):
            alone = sampling.lowest_harmonics(pulse[:, row : row + 1], 16, 33, compiled=compiled)
            np.testing.assert_array_equal(alone[0].view(float), batch[row].view(float))


def test_lowest_harmonics_of_other_sample_counts_are_the_spectrum():
    """A sampling whose sample count is no power of two, or harmonics beyond half of it, take SciPy's
    transform (:func:`sampling.spectrum`): the same values."""
    rng = np.random.default_rng(9)
    for samples, harmonics in ((160, 33), (64, 33), (6, 2)):
        pulse = rng.normal(size=(samples, 7))
        expected = sampling.spectrum(pulse.T, 10, harmonics) / 2.0
        np.testing.assert_array_equal(sampling.lowest_harmonics(pulse, 10, harmonics, 2.0), expected)


@pytest.mark.parametrize("value", [np.nan, np.inf, 1e308, 5e-324])
def test_lowest_harmonics_of_a_hostile_sample_touch_only_its_row(value):
    """A NaN, infinite, huge or subnormal sample: both paths agree bit for bit (NaN where NaN) and the
    other rows are their clean harmonics."""
    rng = np.random.default_rng(13)
    pulse = rng.normal(size=(64, 5))
    clean = sampling.lowest_harmonics(pulse, 4, 17, compiled=False)
    pulse[10, 2] = value
    with np.errstate(all="ignore"):
        compiled = sampling.lowest_harmonics(pulse, 4, 17, compiled=True)
        numpy = sampling.lowest_harmonics(pulse, 4, 17, compiled=False)
    np.testing.assert_array_equal(compiled.view(float), numpy.view(float))
    np.testing.assert_array_equal(numpy[[0, 1, 3, 4]], clean[[0, 1, 3, 4]])
