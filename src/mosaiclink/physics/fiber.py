"""Multicore imaging fibre: hexagonal core lattice, attenuation, modal walk-off, chromatic
dispersion, transverse spreading (inter-core coupling) and core-to-core skew.

Notes
-----
*Lattice.* Cores of diameter :math:`d` on a hexagonal lattice of pitch :math:`a` cover the
fraction :math:`F = (\\pi d^2/4)/(\\sqrt3 a^2/2)` of the face; light landing on cladding is
stripped, so the launch loses :math:`1 - F`. A spot of per-axis rms :math:`\\sigma` covers
about :math:`(s + 2\\sigma)^2 \\cdot 2/(\\sqrt3 a^2)` cores (square top-hat of side s blurred by σ).

*Modal walk-off.* In a step-index core a ray at external angle :math:`\\theta` is delayed by
:math:`L n (1/\\cos\\theta_i - 1)/c \\approx L \\sin^2\\theta/(2 n c)`. A Lambertian launch is
uniform in :math:`\\sin^2\\theta` up to :math:`f\\,\\mathrm{NA}^2` (the angular fill f, derived by the
optical train in :func:`mosaiclink.physics.optics.launch`), so the impulse
response is a rectangle of width

.. math:: \\Delta t_{mod} = f\\,\\frac{L\\,\\mathrm{NA}^2}{2 n c}

(Senior, eq. 3.6 for f = 1; 45.6 ps/m at NA 0.2, n 1.465),
:math:`H(f) = \\mathrm{sinc}(f\\Delta t)\\,e^{-i\\pi f\\Delta t}`.
No mode mixing is assumed (walk-off grows linearly with L, the pessimistic limit).

*Chromatic dispersion.* A Gaussian LED spectrum of FWHM :math:`\\Delta\\lambda` spreads a pulse
into a Gaussian of FWHM :math:`|D|\\,\\Delta\\lambda\\,L`; :math:`H(f) = e^{-2\\pi^2\\sigma_t^2 f^2}`.

*Inter-core coupling.* Weak, incoherent coupling between neighbouring cores is a random walk of
power across the lattice: the spot's per-axis variance grows linearly,
:math:`\\sigma^2(L) = \\sigma_0^2 + s L` (``core_coupling_um2_per_m`` s), so crosstalk into the
next channel grows with length while the own detector collects less.

*Skew.* Cores drawn in one strand differ in length by a relative rms :math:`\\epsilon`; the
delay offset is :math:`\\epsilon L n/c` (1 cm ≈ 49 ps at n = 1.465 [S2]).

Validity: multimode cores (V number well above 2.4; at 3 µm, NA 0.2, 450 nm V ≈ 4.2, a few
modes, so the ray picture is an upper bound on walk-off), lengths 0.1-200 m, loss and
dispersion at the LED centre wavelength. Sources: research/mosaic.md section 3 ([T] S5 NA and
walk-off, [T] S10 dispersion); Senior, *Optical Fiber Communications* ch. 2-3; Reichenbach &
Xu, Opt. Express 15(5) 2151 (2007) on imaging-fibre coupling.

Examples
--------
>>> from mosaiclink.physics import fiber
>>> round(float(fiber.transmission(0.2, 10.0)), 3)  # 0.2 dB/m over 10 m: 2 dB
0.631
>>> round(float(fiber.modal_walkoff_s(50.0, 0.2, 1.465)) * 1e12)  # ps over 50 m, NA 0.2, full fill
2277
"""

from __future__ import annotations

import numpy as np

from mosaiclink.physics import _complex
from mosaiclink.units import SPEED_OF_LIGHT_M_PER_S


def core_fill_factor(core_diameter_um, core_pitch_um):
    """Core area fraction of a hexagonal lattice, capped at 1."""
    d = np.asarray(core_diameter_um, dtype=float)
    a = np.asarray(core_pitch_um, dtype=float)
    return np.minimum((np.pi * d * d / 4.0) / (np.sqrt(3.0) / 2.0 * a * a), 1.0)


def cores_in_spot(spot_side_um, blur_sigma_um, core_pitch_um):
    """Cores under a blurred square spot: the area (s + 2 sigma)^2 over one hexagonal cell (at least one)."""
    width = np.asarray(spot_side_um, dtype=float) + 2.0 * np.asarray(blur_sigma_um, dtype=float)
    cell = np.sqrt(3.0) / 2.0 * np.asarray(core_pitch_um, dtype=float) ** 2
    return np.maximum(width * width / cell, 1.0)


def image_field_diameter_um(core_count, core_pitch_um):
    """Diameter of the circular field holding ``core_count`` cores on the lattice."""
    area = np.asarray(core_count, dtype=float) * np.sqrt(3.0) / 2.0 * np.asarray(core_pitch_um, dtype=float) ** 2
    return np.sqrt(4.0 * area / np.pi)


# Malitson, "Interspecimen comparison of the refractive index of fused silica", JOSA 55, 1205 (1965):
# n^2 - 1 = sum_i B_i lambda^2 / (lambda^2 - C_i^2), lambda in um, valid 0.21-3.71 um.
_SELLMEIER_B = np.array([0.6961663, 0.4079426, 0.8974794])
_SELLMEIER_C_UM = np.array([0.0684043, 0.1162414, 9.896161])


def _sellmeier(wavelength_nm) -> tuple[np.ndarray, np.ndarray]:
    """Fused silica's phase index and its group-index excess ``-lambda dn/dlambda`` (broadcasts)."""
    lam2 = (np.asarray(wavelength_nm, dtype=float)[..., None] * 1e-3) ** 2
    c2 = _SELLMEIER_C_UM**2
    n = np.sqrt(1.0 + (_SELLMEIER_B * lam2 / (lam2 - c2)).sum(axis=-1))
    return n, lam2[..., 0] / n * (_SELLMEIER_B * c2 / (lam2 - c2) ** 2).sum(axis=-1)


def silica_index(wavelength_nm):
    """Phase index of fused silica (Malitson 1965, 0.21-3.71 um; 1.4656 at 450 nm)."""
    return _sellmeier(wavelength_nm)[0]


def silica_group_index(wavelength_nm):
    """Group index ``n_g = n - lambda dn/dlambda`` of fused silica (broadcasts).

    Notes
    -----
    From the Sellmeier form, ``dn/dlambda = -(lambda / n) sum_i B_i C_i^2 / (lambda^2 - C_i^2)^2``,
    so ``n_g = n + (lambda^2 / n) sum_i B_i C_i^2 / (lambda^2 - C_i^2)^2`` (Malitson 1965,
    0.21-3.71 um). It is smallest at the zero of material dispersion, ~1.27 um.
    """
    n, excess = _sellmeier(wavelength_nm)
    return n + excess


def core_group_index(core_index, wavelength_nm):
    """Group index of a doped-silica core of phase index ``core_index`` at ``wavelength_nm``:
    ``n_core - lambda dn/dlambda`` with silica's material dispersion (a few % of germania changes
    the index by ~0.3 % and its slope far less). 1.465 at 451 nm gives 1.4991: light in the imaging
    fibre travels 5.00 ns/m, not the phase index's 4.89."""
    return np.asarray(core_index, dtype=float) + _sellmeier(wavelength_nm)[1]


def transmission(attenuation_db_per_m, length_m):
    """Power transmission 10^(-alpha L / 10)."""
    return 10.0 ** (-np.asarray(attenuation_db_per_m, dtype=float) * np.asarray(length_m, dtype=float) / 10.0)


def modal_walkoff_s(length_m, na, core_index, angular_fill=1.0):
    """Width of the rectangular modal impulse response: f L NA^2 / (2 n c)."""
    return (
        np.asarray(angular_fill, dtype=float)
        * np.asarray(length_m, dtype=float)
        * np.asarray(na, dtype=float) ** 2
        / (2.0 * np.asarray(core_index, dtype=float) * SPEED_OF_LIGHT_M_PER_S)
    )


def chromatic_spread_fwhm_s(dispersion_ps_per_nm_km, spectral_fwhm_nm, length_m):
    """FWHM pulse spread |D| dlambda L."""
    return (
        np.abs(np.asarray(dispersion_ps_per_nm_km, dtype=float))
        * 1e-12
        * np.asarray(spectral_fwhm_nm, dtype=float)
        * np.asarray(length_m, dtype=float)
        * 1e-3
    )


def spread_sigma_um(sigma0_um, coupling_um2_per_m, length_m):
    """Spot rms width after transverse spreading: sqrt(sigma0^2 + s L)."""
    return np.sqrt(
        np.asarray(sigma0_um, dtype=float) ** 2
        + np.asarray(coupling_um2_per_m, dtype=float) * np.asarray(length_m, dtype=float)
    )


def skew_s(length_m, group_index, relative_length_offset):
    """Delay offset ``dL n_g / c`` of a core whose length differs by ``relative_length_offset`` (a
    fraction); ``group_index`` from :func:`core_group_index`."""
    return (
        np.asarray(relative_length_offset, dtype=float)
        * np.asarray(length_m, dtype=float)
        * np.asarray(group_index, dtype=float)
        / SPEED_OF_LIGHT_M_PER_S
    )


def transfer_function(freq_hz, walkoff_s, chromatic_fwhm_s, dtype=np.float64):
    """Fibre baseband response: rectangular modal walk-off times Gaussian chromatic spread.

    ``walkoff_s`` and ``chromatic_fwhm_s`` broadcast against ``freq_hz`` (pass (channels, 1)).
    ``dtype=np.float32`` evaluates the sine, cosine and Gaussian in single precision (relative
    error ~1e-7, several times faster: the design explorer's setting); the result is complex128.
    """
    f = np.asarray(freq_hz, dtype=float)
    width = np.asarray(walkoff_s, dtype=float)
    sigma = np.asarray(chromatic_fwhm_s, dtype=float) / (2.0 * np.sqrt(2.0 * np.log(2.0)))
    # sinc(x) e^{-i pi x} = (sin(pi x) / (pi x)) (cos(pi x) - i sin(pi x)), in real arithmetic;
    # factors grouped so that frequency and width arrays of outer shapes meet in one product each
    phase = (np.pi * f).astype(dtype, copy=False) * width.astype(dtype, copy=False)
    sin, cos = np.sin(phase), np.cos(phase)
    exponent = (-2.0 * (np.pi * sigma) ** 2).astype(dtype, copy=False) * (f * f).astype(dtype, copy=False)
    # floored at -700: exp underflows to subnormals (slow, and < 1e-304) below that
    gauss = np.exp(np.maximum(exponent, -700.0, dtype=dtype))
    amplitude = np.divide(sin, phase, out=np.ones_like(phase), where=phase != 0.0)  # sinc, 1 at 0
    amplitude *= gauss
    cos *= amplitude
    amplitude *= -1.0
    sin *= amplitude
    return _complex.from_parts(cos, sin)
