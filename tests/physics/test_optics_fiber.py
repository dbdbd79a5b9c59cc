"""Coupling optics and imaging fibre: textbook values and independent cross-checks."""

import numpy as np
import pytest

from mosaiclink.config.design import CouplingSpec
from mosaiclink.physics import fiber, optics


def test_lambertian_coupling_is_na_squared():
    na = np.array([0.1, 0.2, 0.4])
    assert np.allclose(optics.lambertian_coupling(na, 1.0), na**2)
    assert optics.lambertian_coupling(0.2, 3.0) > 0.04  # a narrower emitter couples more


def test_lens_gains_and_etendue_cap():
    tir = CouplingSpec(lens="tir", microlens_gain=3.0, tir_gain_vs_microlens=2.0)
    assert optics.lens_gain(tir) == 6.0
    assert optics.launch_coupling(tir, 0.2, 1.0, 625.0, 19.6) == pytest.approx(0.24)
    # a tiny accepting cell caps the coupling at A_cell NA^2 / A_source
    assert optics.launch_coupling(tir, 0.2, 1.0, 100.0, 50.0) == pytest.approx(0.08)


def test_square_aperture_capture_matches_monte_carlo():
    rng = np.random.default_rng(1)
    pts = rng.normal(0.0, 3.0, size=(400_000, 2))
    offset = np.array([2.0, -1.0])
    inside = np.all(np.abs(pts - offset) <= 5.0, axis=1).mean()
    assert optics.square_aperture_capture(offset[0], offset[1], 3.0, 10.0) == pytest.approx(inside, abs=3e-3)
    assert optics.square_aperture_capture(0.0, 0.0, 1e-3, 10.0) == pytest.approx(1.0)


def test_walkoff_formula():
    # L NA^2 / (2 n c): 45.5 ps per metre at NA 0.2, n 1.465 (research 3, [T] S5 quotes ~44 ps/m)
    assert fiber.modal_walkoff_s(1.0, 0.2, 1.465) * 1e12 == pytest.approx(0.04 / (2 * 1.465 * 299792458) * 1e12)
    assert fiber.modal_walkoff_s(1.0, 0.2, 1.465) * 1e12 == pytest.approx(45.54, abs=0.01)
    assert fiber.modal_walkoff_s(30.0, 0.2, 1.465, 0.5) == pytest.approx(15 * fiber.modal_walkoff_s(1.0, 0.2, 1.465))


def test_chromatic_spread_and_skew():
    assert fiber.chromatic_spread_fwhm_s(-770.0, 15.0, 30.0) * 1e12 == pytest.approx(346.5)
    # 1 cm of length mismatch ~ 50 ps ([S2]); skew_s takes a relative offset over a length
    assert fiber.skew_s(1.0, 1.465, 0.01) * 1e12 == pytest.approx(48.87, abs=0.01)


def test_fibre_transfer_function_matches_fft_of_rectangle():
    dt, width = 1e-12, 300e-12
    n = 1 << 14
    impulse = np.zeros(n)
    impulse[: int(width / dt)] = 1.0 / int(width / dt)
    f = np.fft.rfftfreq(n, dt)
    numeric = np.fft.rfft(impulse)
    analytic = fiber.transfer_function(f, width, 0.0)
    band = f < 5e9
    assert np.allclose(np.abs(numeric[band]), np.abs(analytic[band]), atol=2e-3)


def test_lattice_fill_spreading_and_field():
    assert fiber.core_fill_factor(3.0, 3.6) == pytest.approx(np.pi * 9 / 4 / (np.sqrt(3) / 2 * 12.96))
    assert fiber.spread_sigma_um(3.0, 0.2, 50.0) == pytest.approx(np.sqrt(19.0))
    # 100,000 cores at ~5 um pitch ~ 1.6 mm field (Fujikura: 100k cores in ~1.7 mm OD)
    assert 1.4e3 < fiber.image_field_diameter_um(100_000, 5.0) < 1.8e3
