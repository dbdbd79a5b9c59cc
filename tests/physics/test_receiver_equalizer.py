"""Receiver noise and bandwidth, CTLE and FFE."""

import numpy as np
import pytest

from mosaiclink.config.design import EqualizerSpec, ReceiverSpec
from mosaiclink.physics import equalizer, receiver


def test_responsivity_and_thermal_noise():
    assert receiver.responsivity_a_per_w(0.6, 450.0) == pytest.approx(0.6 * 450e-9 / 1.23984198e-6, rel=1e-6)
    rx = ReceiverSpec(feedback_resistance_kohm=10.0, tia_noise_pa_per_sqrt_hz=0.0, temperature_c=25.0)
    assert receiver.thermal_noise_a2_per_hz(rx) == pytest.approx(4 * 1.380649e-23 * 298.15 / 1e4)
    assert receiver.shot_noise_a2_per_hz(1e-6) == pytest.approx(2 * 1.602176634e-19 * 1e-6)


def test_noise_bandwidth_of_butterworth_tia():
    rx = ReceiverSpec(tia_bandwidth_ghz=1.0, capacitance_ff=0.0)
    f = np.linspace(0, 200e9, 400_001)
    enbw = receiver.noise_bandwidth_hz(f, np.abs(receiver.transfer_function(rx, f)) ** 2)
    # 2nd-order Butterworth: ENBW = pi / (2 sqrt 2) f3dB ~ 1.1107 f3dB
    assert enbw == pytest.approx(np.pi / (2 * np.sqrt(2)) * 1e9, rel=1e-3)


def test_ctle_gain_and_peaking():
    eq = EqualizerSpec(ctle_peaking_db=6.0, ctle_peak_ghz=1.0)
    h = equalizer.ctle_transfer_function(eq, np.array([0.0, 1e13]))
    assert abs(h[0]) == pytest.approx(1.0)
    assert 20 * np.log10(abs(h[1])) == pytest.approx(6.0, abs=1e-3)
    assert np.allclose(equalizer.ctle_transfer_function(eq.replace(enable=False), np.array([1e9])), 1.0)


def test_zero_forcing_ffe_clears_forced_isi():
    h = np.array([0.0, 0.0, 0.2, 1.0, 0.5, 0.2, 0.0, 0.0])  # cursor at index 3
    eq = EqualizerSpec(ffe_taps=3, ffe_precursor_taps=1, ffe_method="zero-forcing")
    taps = equalizer.solve_ffe(h, 3, eq)
    g = equalizer.apply_ffe(h, taps, 1)
    assert np.allclose(g[2:5], [0.0, 1.0, 0.0], atol=1e-12)


def test_mmse_ffe_reduces_isi_and_tends_to_zero_forcing_without_noise():
    h = np.array([0.0, 0.0, 0.2, 1.0, 0.5, 0.2, 0.05, 0.0])
    eq = EqualizerSpec(ffe_taps=5, ffe_precursor_taps=1, ffe_method="mmse")
    taps = equalizer.solve_ffe(h, 3, eq, noise_autocorr=np.array([1e-6, 0, 0, 0, 0]))
    g = equalizer.apply_ffe(h, taps, 1)

    def isi(x):
        return (np.sum(x**2) - x[3] ** 2) / x[3] ** 2

    assert isi(g) < 0.05 * isi(h)


def test_ffe_transfer_function_is_dtft_of_taps():
    taps = np.array([-0.2, 1.0, -0.3])
    h = equalizer.ffe_transfer_function(taps, 1, 0.5e-9, np.array([0.0, 1e9]))
    assert h[0] == pytest.approx(0.5)
    assert abs(h[1]) == pytest.approx(abs(-0.2 * np.exp(1j * np.pi) + 1.0 - 0.3 * np.exp(-1j * np.pi)))
    # the main tap is the time origin: at f = 1/(4T) the taps' phases are +-pi/2, by hand
    # H = -0.2 e^{+i pi/2} + 1 - 0.3 e^{-i pi/2} = 1 + 0.1i; a lone main tap is flat with no phase
    quarter = equalizer.ffe_transfer_function(taps, 1, 0.5e-9, np.array([0.5e9]))
    assert quarter[0] == pytest.approx(1.0 + 0.1j, abs=1e-12)
    lone = equalizer.ffe_transfer_function(np.array([0.0, 0.0, 1.0, 0.0]), 2, 0.5e-9, np.linspace(0.0, 1e9, 5))
    np.testing.assert_allclose(lone, np.ones(5), rtol=0, atol=1e-12)
