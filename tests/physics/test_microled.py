"""MicroLED ABC model: the cubic is solved, IQE peaks where theory says, lifetimes, bandwidths."""

import numpy as np
import pytest

from mosaiclink.config.design import MicroLedSpec
from mosaiclink.physics import microled as m

A, B, C = 1e7, 2e-11, 2e-30


def test_carrier_density_solves_the_abc_cubic():
    j = np.array([10.0, 1e3, 1e4, 1e5])
    n = m.carrier_density_per_cm3(j, 5.0, A, B, C)
    generation = j / (1.602176634e-19 * 5e-7)
    assert np.allclose(m.recombination_rate_per_cm3_s(n, A, B, C), generation, rtol=1e-9)


def test_iqe_peaks_at_sqrt_a_over_c():
    n = np.logspace(17, 20, 20001)
    iqe = m.internal_quantum_efficiency(n, A, B, C)
    assert n[np.argmax(iqe)] == pytest.approx(np.sqrt(A / C), rel=1e-3)
    # closed form of the peak: B / (B + 2 sqrt(A C))
    assert iqe.max() == pytest.approx(B / (B + 2 * np.sqrt(A * C)), rel=1e-6)


def test_differential_lifetime_is_inverse_slope_of_recombination():
    n, h = 2e19, 1e15
    slope = (m.recombination_rate_per_cm3_s(n + h, A, B, C) - m.recombination_rate_per_cm3_s(n - h, A, B, C)) / (2 * h)
    assert m.differential_lifetime_s(n, A, B, C) == pytest.approx(1 / slope, rel=1e-6)


def test_rc_and_two_pole_bandwidths_are_textbook():
    assert m.rc_bandwidth_ghz(50.0, 100.0) == pytest.approx(1 / (2 * np.pi * 50 * 100e-15) / 1e9)
    assert m.rc_bandwidth_ghz(50.0, 100.0) == pytest.approx(31.831, rel=1e-4)
    assert m.two_pole_bandwidth_ghz(1.0, 1.0) == pytest.approx(np.sqrt(np.sqrt(2) - 1), rel=1e-9)
    assert m.two_pole_bandwidth_ghz(1.0, np.inf) == pytest.approx(1.0)


def test_two_unequal_poles_cross_minus_3_db_where_brentq_finds_it():
    """Two real poles at 0.8 and 2.5 GHz: |H(f)|^2 = 1 / ((1 + f^2/f1^2)(1 + f^2/f2^2)) = 1/2 solved
    numerically (brentq) is 0.7338 GHz, below the slower pole; the closed form agrees to 1e-12,
    in either order of the poles, and scales with them (both x 3: the bandwidth x 3)."""
    from scipy.optimize import brentq

    f1, f2 = 0.8, 2.5
    root = brentq(lambda f: (1 + (f / f1) ** 2) * (1 + (f / f2) ** 2) - 2.0, 1e-6, f1, xtol=1e-15, rtol=1e-15)
    assert root == pytest.approx(0.7338, abs=1e-4)
    assert m.two_pole_bandwidth_ghz(f1, f2) == pytest.approx(root, rel=1e-12)
    assert m.two_pole_bandwidth_ghz(f2, f1) == pytest.approx(root, rel=1e-12)
    assert m.two_pole_bandwidth_ghz(3 * f1, 3 * f2) == pytest.approx(3 * root, rel=1e-12)


def test_droop_bandwidth_and_power_trends():
    led = MicroLedSpec(diameter_um=5, active_thickness_nm=5, bias_current_ma=0.4, peak_current_ma=2.0)
    currents = np.array([0.05, 0.5, 2.0, 8.0])
    op = m.operating_point(led, currents)
    assert np.all(np.diff(op["power_w"]) > 0)  # more current, more light
    assert np.all(np.diff(op["power_w"] / currents)[1:] < 0)  # but less per mA (droop)
    assert np.all(np.diff(m.carrier_bandwidth_ghz(op["lifetime_s"])) > 0)  # faster at high density
    assert 0.8 < float(m.small_signal_bandwidth_ghz(led)) < 1.8  # the blue microLED record range (research 7)


def test_pulse_is_asymmetric_and_reaches_the_steady_state():
    led = MicroLedSpec(
        diameter_um=5,
        active_thickness_nm=5,
        bias_current_ma=0.4,
        peak_current_ma=2.0,
        series_resistance_ohm=0.0,
        capacitance_ff=0.0,
    )
    bit = 20e-9
    t = np.arange(0, 40e-9, 10e-12)
    p = m.pulse_response_w(led, bit, t)
    plateau = m.operating_point(led, 2.0)["power_w"] - m.operating_point(led, 0.4)["power_w"]
    assert p[int(0.9 * bit / 10e-12)] == pytest.approx(plateau, rel=1e-4)
    on = t < bit
    rise = t[on][np.argmax(p[on] > 0.9 * plateau)] - t[on][np.argmax(p[on] > 0.1 * plateau)]
    off = t >= bit
    fall = t[off][np.argmax(p[off] < 0.1 * plateau)] - t[off][np.argmax(p[off] < 0.9 * plateau)]
    assert fall > 1.5 * rise  # slow tail at low carrier density


def test_temperature_red_shifts_and_dims():
    cold = MicroLedSpec(temperature_c=25.0)
    hot = cold.replace(temperature_c=85.0)
    assert m.peak_wavelength_nm(hot) == pytest.approx(450.0 + 60 * 0.04)
    assert m.operating_point(hot, 2.0)["power_w"] < m.operating_point(cold, 2.0)["power_w"]
    assert m.spectral_fwhm_nm(hot) > m.spectral_fwhm_nm(cold)


def test_pattern_waveform_settles_and_is_nonlinear():
    led = MicroLedSpec(diameter_um=5, active_thickness_nm=5, bias_current_ma=0.4, peak_current_ma=2.0)
    sps, bit = 16, 0.5e-9
    dt = bit / sps
    bits = np.array([0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0])
    current = np.repeat(np.where(bits == 1, 2.0, 0.4), sps)
    wave = m.optical_waveform_w(led, current, dt)
    p0 = m.operating_point(led, 0.4)["power_w"]
    assert wave[0] == pytest.approx(p0, rel=1e-9) and wave[-1] == pytest.approx(p0, rel=1e-3)
    # linear superposition of single-bit pulses misses the pattern dependence of the rate equation
    t = np.arange(current.size) * dt
    single = m.pulse_response_w(led, bit, t)
    linear = p0 + sum(np.roll(single, k * sps) for k in np.flatnonzero(bits))
    error = np.max(np.abs(wave - linear)) / np.max(single)
    assert 1e-3 < error < 0.3
    # per-channel rows
    rows = m.optical_waveform_w(led, current, dt, rate_scale=np.array([0.9, 1.0, 1.1]))
    assert rows.shape == (3, current.size) and np.allclose(rows[1], wave)


def test_a_batch_of_designs_integrates_each_row_as_alone():
    """Rows of different LED designs (here the active thickness, which sets the carrier density and so
    the rate equation's sub-step count) give each the waveform it gives alone. Regression: the peak
    density once broadcast the (designs,) thickness against (designs, 1), an all-pairs array whose
    first column set every row's sub-steps (and whose size grew as designs squared)."""
    base = MicroLedSpec(diameter_um=5, active_thickness_nm=5, bias_current_ma=0.4, peak_current_ma=2.0)
    thickness_nm = np.array([10.0, 5.0, 2.5])
    batch = base.model_copy(update={"active_thickness_nm": thickness_nm})
    sps, bit = 16, 0.5e-9
    current = np.repeat(np.where(np.array([0, 1, 1, 0, 1, 0, 0, 0]) == 1, 2.0, 0.4), sps)
    rows = m.optical_waveform_w(batch, np.broadcast_to(current, (3, current.size)), bit / sps)
    for j, d in enumerate(thickness_nm):
        alone = m.optical_waveform_w(base.model_copy(update={"active_thickness_nm": float(d)}), current, bit / sps)
        np.testing.assert_allclose(rows[j], alone, rtol=1e-12)
