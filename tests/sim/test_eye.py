import numpy as np
import pytest
from scipy.special import ndtr, ndtri

from mosaiclink.sim.eye import bathtub_counted, bathtub_gaussian, extrapolate_bathtub, eye_histogram, eye_metrics

SPB = 16


def trapezoid_eye(bits, rise_ui=0.25, noise=0.0, seed=0):
    """NRZ 0/1 with linear transitions of ``rise_ui`` centred on the bit edges; decision
    instant at mid-bit = sample k*SPB (so the edges sit at +-0.5 UI)."""
    t = (np.arange(bits.size * SPB) / SPB) + 0.5  # time in UI since the first bit's start
    k = np.floor(t).astype(int)
    frac = t - k
    prev = bits[np.clip(k - 1, 0, bits.size - 1)]
    cur = bits[np.clip(k, 0, bits.size - 1)]
    w = np.clip((frac + rise_ui / 2) / rise_ui, 0, 1)  # ramp from prev to cur around frac = 0
    nxt = bits[np.clip(k + 1, 0, bits.size - 1)]
    w2 = np.clip((frac - 1 + rise_ui / 2) / rise_ui, 0, 1)
    y = prev + (cur - prev) * w + (nxt - cur) * w2
    y = y + noise * np.random.default_rng(seed).standard_normal(y.size)
    # shift so that sample k*SPB is the middle of bit k
    return y[None, :], bits[None, :]


def test_noiseless_eye_height_width_and_mask():
    bits = np.random.default_rng(1).integers(0, 2, 2000)
    y, sent = trapezoid_eye(bits, rise_ui=0.25)
    m = eye_metrics(y, sent, SPB, [0.5])
    assert m.eye_height[0] == pytest.approx(1.0)
    # the eye is open except within the ramps: crossing the threshold at the edges, so the
    # opening is positive everywhere except the edge sample -> width 1 - 1/SPB
    assert m.eye_width_ui[0] == pytest.approx(1 - 1 / SPB)
    # hexagon (0.1, 0.25, 0.2): nearest samples to the centre are the ramp points; levels at
    # |v| = 0.5 give scale 2.5; ramps at x = 0.5-0.25/2..0.5 cross v = 0 at x = 0.5 -> 2.0
    assert m.mask_margin[0] == pytest.approx(min(0.5 / 0.2, 0.5 / 0.25) - 1, abs=0.06)
    h = eye_histogram(y, SPB, amplitude_bins=10, amplitude_range=(0, 1))
    assert h.counts.sum() == 2 * SPB * ((y.shape[1] - 2 * SPB) // SPB + 1)


def test_gaussian_noise_gives_known_q_and_bathtub_centre():
    bits = np.random.default_rng(2).integers(0, 2, 20000)
    sigma = 0.15
    y, sent = trapezoid_eye(bits, noise=sigma, seed=3)
    m = eye_metrics(y, sent, SPB, [0.5])
    assert m.q[0] == pytest.approx(1 / (2 * sigma), rel=0.02)
    tub = bathtub_gaussian(m, [0.5])
    assert tub[0, SPB // 2] == pytest.approx(ndtr(-0.5 / sigma), rel=0.2)
    errors, n = bathtub_counted(y, sent, SPB, [0.5])
    assert errors[0, SPB // 2] / n[0] == pytest.approx(ndtr(-0.5 / sigma), rel=0.5)
    assert errors[0, 0] / n[0] > 0.2  # at the bit edge half the transitions err


def test_dual_dirac_extrapolation_recovers_known_jitter():
    x = np.linspace(-0.5, 0.5, 65)
    mu_l, mu_r, sig = -0.35, 0.33, 0.02
    ber = 0.5 * (ndtr(-(x - mu_l) / sig) + ndtr((x - mu_r) / sig))
    fit = extrapolate_bathtub(x, ber, target_ber=1e-12, fit_range=(1e-4, 1e-9))
    q12 = -ndtri(2e-12)
    assert fit.left_mu_ui[0] == pytest.approx(mu_l, abs=1e-3)
    assert fit.right_sigma_ui[0] == pytest.approx(sig, rel=0.02)
    assert fit.width_ui[0] == pytest.approx(mu_r - mu_l - 2 * sig * q12, abs=0.005)
