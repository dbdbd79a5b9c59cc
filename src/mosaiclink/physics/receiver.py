"""Photodiode and transimpedance amplifier: responsivity, bandwidth, shot and thermal noise.

Notes
-----
Responsivity :math:`R = \\eta q \\lambda / (h c)` (0.218 A/W for η = 0.6 at 450 nm). The
photodiode capacitance and the TIA input resistance form the input pole
:math:`f_{in} = 1/(2\\pi R_{in} C_{pd})`; the TIA itself is a second-order Butterworth low-pass of
bandwidth :math:`f_{TIA}`. Noise is referred to the photodiode (input) as one-sided current
densities: thermal :math:`4kT/R_f` of the feedback resistor plus the amplifier's
:math:`i_n^2`, shot :math:`2q(I + I_{dark})` of the photocurrent at each level, and the LED's
relative intensity noise :math:`10^{RIN/10} I^2` (:func:`level_noise_a2_per_hz`). Through a
receiver/equalizer response :math:`H(f)` (unit DC gain of the signal path) the output variance is
:math:`\\sigma^2 = S \\int_0^\\infty |H(f)|^2 df`. Amplifier voltage noise on the input
capacitance (rising as :math:`f^2`) is folded into the white :math:`i_n` (valid when the TIA
bandwidth is below the noise corner). Reference: Säckinger, *Analysis and Design of
Transimpedance Amplifiers for Optical Receivers* (Wiley 2017), ch. 3-4.

Examples
--------
>>> from mosaiclink.physics import receiver
>>> round(float(receiver.responsivity_a_per_w(0.6, 450.0)), 4)  # A/W at 450 nm, 60 % QE
0.2178
"""

from __future__ import annotations

import numpy as np

from mosaiclink.config.batched import Batchable
from mosaiclink.config.design import ReceiverSpec
from mosaiclink.physics import _complex
from mosaiclink.physics.microled import rc_bandwidth_ghz
from mosaiclink.units import BOLTZMANN_J_PER_K, ELEMENTARY_CHARGE_C, celsius_to_kelvin, photon_energy_j


def responsivity_a_per_w(quantum_efficiency, wavelength_nm):
    """Photodiode responsivity eta q / (h nu)."""
    return np.asarray(quantum_efficiency, dtype=float) * ELEMENTARY_CHARGE_C / photon_energy_j(wavelength_nm)


def input_pole_ghz(receiver: Batchable[ReceiverSpec]):
    """Input RC pole of the photodiode capacitance on the TIA input resistance."""
    return rc_bandwidth_ghz(receiver.tia_input_resistance_ohm, receiver.capacitance_ff)


def transfer_function(receiver: Batchable[ReceiverSpec], freq_hz):
    """Receiver front-end response (input RC pole x 2nd-order Butterworth TIA), unit DC gain."""
    f = np.asarray(freq_hz, dtype=float)
    x = f / (receiver.tia_bandwidth_ghz * 1e9)
    y = f / (input_pole_ghz(receiver) * 1e9)
    # 1 / ((1 - x^2 + i sqrt2 x)(1 + i y)), denominator multiplied out in real arithmetic
    u = np.subtract(1.0, x * x)
    v = np.multiply(x, np.sqrt(2.0), out=x)
    real = np.subtract(u, v * y)
    np.multiply(u, y, out=u)
    return _complex.inverse(real, np.add(u, v, out=u))


def thermal_noise_a2_per_hz(receiver: Batchable[ReceiverSpec]) -> float:
    """Input-referred one-sided thermal + amplifier current-noise density, A^2/Hz."""
    kelvin = float(celsius_to_kelvin(receiver.temperature_c))
    return (
        4.0 * BOLTZMANN_J_PER_K * kelvin / (receiver.feedback_resistance_kohm * 1e3)
        + (receiver.tia_noise_pa_per_sqrt_hz * 1e-12) ** 2
    )


def shot_noise_a2_per_hz(photocurrent_a, dark_current_na=0.0):
    """One-sided shot-noise density 2 q (I + I_dark), A^2/Hz."""
    return (
        2.0
        * ELEMENTARY_CHARGE_C
        * (np.asarray(photocurrent_a, dtype=float) + np.asarray(dark_current_na, dtype=float) * 1e-9)
    )


def noise_bandwidth_hz(freq_hz, h_squared):
    """Noise-equivalent bandwidth: trapezoid integral of |H(f)|^2 over a uniform grid from 0."""
    return np.trapezoid(h_squared, freq_hz, axis=-1)


def level_noise_a2_per_hz(photocurrent_a, dark_current_na, rin_db_per_hz):
    """The noise that grows with the light: shot noise :math:`2q(I + I_{dark})` plus the source's
    relative intensity noise :math:`10^{RIN/10} I^2` (one-sided, A^2/Hz).

    The RIN term is the physical floor of the BER: as the light grows, signal and this noise grow
    together, so Q tends to :math:`(I_1 - I_0)/((I_1 + I_0)\\sqrt{10^{RIN/10} B})` and no length is
    error-free. The one place both the full model and the fast path take level-dependent noise from.
    """
    current = np.asarray(photocurrent_a, dtype=float)
    return shot_noise_a2_per_hz(current, dark_current_na) + 10.0 ** (np.asarray(rin_db_per_hz) / 10.0) * current**2


def noise_psd_a2_per_hz(receiver_spec: ReceiverSpec, photocurrent_a, rin_db_per_hz):
    """Total input-referred one-sided noise density at a photocurrent: thermal + amplifier + shot + RIN."""
    return thermal_noise_a2_per_hz(receiver_spec) + level_noise_a2_per_hz(
        photocurrent_a, receiver_spec.dark_current_na, rin_db_per_hz
    )
