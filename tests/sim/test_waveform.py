"""Oversampled path: agreement with the exact linear-link BER, independence from the
oversampling, reproducibility, and skew/jitter behaviour."""

import numpy as np
import pytest
from sim_synthetic import exact_ber, linear_link, symbol_twin

from mosaiclink.sim.counting import clopper_pearson
from mosaiclink.sim.waveform import WaveformSimulator, decision_noise_acf, decision_noise_filter


def run(model, spb, bits, seed=1, keep=None):
    sim = WaveformSimulator(model, spb, seed=seed)
    errors, n, waves = np.zeros(model.channels, np.int64), 0, []
    while n < bits:
        out = sim.run_block(keep)
        errors += out.errors
        n += out.bits
        if keep is not None:
            waves.append(out)
    return errors, n, waves


@pytest.mark.slow  # oversampled Monte Carlo vs exact BER
@pytest.mark.parametrize("spb", [8, 32])
def test_counted_ber_matches_exact_linear_link(spb):
    model = linear_link(channels=3, sigma=np.array([0.075, 0.065, 0.06]), tau_ps=150.0, rx_ghz=1.2)
    exact = exact_ber(symbol_twin(model))
    assert np.all((exact > 1e-6) & (exact < 1e-3))
    errors, n, _ = run(model, spb, 1_500_000)
    lo, hi = clopper_pearson(errors, n, 0.999)
    assert np.all((lo <= exact) & (exact <= hi)), (errors / n, exact)


def test_decisions_do_not_depend_on_samples_per_bit():
    """Same bits and the same noise realisation (drawn at 4/bit): only the LED's sampled
    waveform differs, so almost every decision and the error count agree."""
    model = linear_link(channels=2, sigma=0.1)
    e8, n8, w8 = run(model, 8, 200_000, keep=[0, 1])
    e32, n32, w32 = run(model, 32, 200_000, keep=[0, 1])
    m = min(sum(b.sent.shape[1] for b in w8), sum(b.sent.shape[1] for b in w32))
    d8 = np.concatenate([b.waveform[:, ::8] for b in w8], axis=1)[:, :m]
    d32 = np.concatenate([b.waveform[:, ::32] for b in w32], axis=1)[:, :m]
    assert np.max(np.abs(d8 - d32)) < 0.02 * 0.5  # below 2 % of the eye amplitude
    assert np.mean((d8 > 0.55) != (d32 > 0.55)) < 1e-4
    lo8, hi8 = clopper_pearson(e8, n8, 0.999)
    assert np.all((lo8 <= e32 / n32) & (e32 / n32 <= hi8))


def test_same_seed_same_waveform_bit_for_bit():
    model = linear_link(channels=2, sigma=0.1, jitter_s=5e-12)
    a = WaveformSimulator(model, 8, seed=3).run_block([0, 1])
    b = WaveformSimulator(model, 8, seed=3).run_block([0, 1])
    assert np.array_equal(a.waveform, b.waveform) and np.array_equal(a.errors, b.errors)
    c = WaveformSimulator(model, 8, seed=4).run_block([0, 1])
    assert not np.array_equal(a.waveform, c.waveform)


def test_skew_moves_the_decision_off_the_best_instant_and_raises_ber():
    bit_s = 0.5e-9
    peak = np.full(2, 1.1 * bit_s)  # this link's pulse peaks 1.1 bit after the bit starts
    aligned = linear_link(channels=2, sigma=0.1, delay_s=peak)
    skewed = linear_link(channels=2, sigma=0.1, delay_s=peak + np.array([0.0, 0.3 * bit_s]))
    ea, na, _ = run(aligned, 8, 600_000)
    es, ns, _ = run(skewed, 8, 600_000)
    assert es[0] == ea[0]  # channel 0 untouched, bit for bit
    assert es[1] > 100 * max(ea[1], 1)  # exact: 1.0e-6 at the peak, 8.6e-3 at +0.3 UI


def test_jitter_adds_errors_like_the_slope_predicts():
    base = linear_link(channels=1, sigma=0.1)
    jittery = linear_link(channels=1, sigma=0.1, jitter_s=40e-12)
    e0, n0, _ = run(base, 8, 600_000)
    ej, nj, _ = run(jittery, 8, 600_000)
    assert ej[0] > e0[0]
    e32, n32, _ = run(jittery, 32, 600_000)  # the slope comes from the spectrum at any rate
    lo, hi = clopper_pearson(ej, nj, 0.999)
    assert lo[0] <= e32[0] / n32 <= hi[0]


@pytest.mark.parametrize("fc_ghz", [0.7, 1.5])
def test_bit_rate_noise_has_the_exact_correlation_of_rc_shaped_noise(fc_ghz):
    """White noise through a first-order RC (``G = 1/(1 + i f/fc)``) has the textbook
    autocorrelation ``exp(-2 pi fc |tau|)``; the bit-rate filter reproduces it at lags kT."""
    bit_s, spb = 0.5e-9, 64
    f = np.fft.rfftfreq(256 * spb, bit_s / spb)
    acf = decision_noise_acf((1 / (1 + 1j * f / (fc_ghz * 1e9)))[None, :], spb)
    lags = np.arange(6)
    np.testing.assert_allclose(acf[0, lags], np.exp(-2 * np.pi * fc_ghz * 1e9 * lags * bit_s), rtol=2e-2, atol=1e-4)
    F = decision_noise_filter(acf, 1024, delay_bits=7)
    realised = np.fft.irfft(np.abs(F[0]) ** 2, 1024)  # autocorrelation of white noise through F
    np.testing.assert_allclose(realised[:100], acf[0, :100], atol=1e-9)
    rng = np.random.default_rng(1)
    noise = np.fft.irfft(np.fft.rfft(rng.standard_normal((200, 1024)), axis=1) * F, 1024, axis=1)
    counted = [np.mean(noise[:, 50:-50] * np.roll(noise, k, axis=1)[:, 50:-50]) for k in lags]
    np.testing.assert_allclose(counted, acf[0, lags], atol=0.02)
