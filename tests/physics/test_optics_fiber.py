"""Coupling optics and imaging fibre: textbook values and independent cross-checks."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import ndtr

from mosaiclink.config.design import CouplingSpec, FiberSpec, MicroLedSpec
from mosaiclink.physics import fiber, optics


def test_lambertian_coupling_is_na_squared():
    na = np.array([0.1, 0.2, 0.4])
    assert np.allclose(optics.lambertian_coupling(na, 1.0), na**2)
    assert optics.lambertian_coupling(0.2, 3.0) > 0.04  # a narrower emitter couples more


def _led(diameter_um=5.0, order=1.0):
    return MicroLedSpec(diameter_um=diameter_um, lambertian_order=order)


def _micro_optic(lens: str, etendue_dilution: float) -> CouplingSpec:
    """A micro-optic collecting 70 % into a 0.9-pitch aperture, imaged at M = 0.5 through a 0.5 relay."""
    return CouplingSpec(
        lens=lens,
        collection_efficiency=0.7,
        etendue_dilution=etendue_dilution,
        lens_aperture_fraction=0.9,
        spot_magnification=0.5,
        relay_na=0.5,
    )


def test_ideal_micro_optic_launch_follows_etendue():
    # An ideal (D = 1) optic collecting 70 % of a 5 um LED into a 45 um square, imaged at M = 0.5:
    # sin^2 on the fibre face = eta A_LED / (a M)^2; below the fibre NA^2 everything collected is launched
    cpl = _micro_optic("tir", etendue_dilution=1.0)
    fib = FiberSpec(na=0.2)
    out = optics.launch(_led(), cpl, fib, 50.0)
    face_sin2 = 0.7 * np.pi * 2.5**2 / (45.0 * 0.5) ** 2
    assert out.face_sin2 == pytest.approx(face_sin2)
    assert out.angular_fill == pytest.approx(face_sin2 / 0.04)
    assert out.launched_fraction == pytest.approx(0.7)
    assert out.spot_side_um == pytest.approx(22.5)
    # at the étendue bound with equality: launched = (spot area) f NA^2 / A_LED
    assert out.launched_fraction == pytest.approx(float(optics.etendue_bound(out, _led(), 0.2)))


@pytest.mark.parametrize("lens", ["none", "tir"])
@pytest.mark.parametrize("na", [1e-200, 1e-160, 1e-150])
def test_a_fibre_na_whose_square_underflows_fills_the_cone_and_launches_next_to_nothing(lens, na):
    """sin^2 of an NA below ~1e-154 is 0 in float64: the angular fill is a ratio of sines, so it stays
    defined (the beam overfills the tiny acceptance cone: 1) instead of 0/0, the launched fraction is
    at most the NA's square over the beam's sin^2 on the face (0 where it underflows), and no warning
    is raised."""
    cpl = _micro_optic(lens, etendue_dilution=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = optics.launch(_led(), cpl, FiberSpec(na=na), 50.0)
    assert out.angular_fill == 1.0
    assert 0.0 <= out.launched_fraction <= na * na / min(float(out.face_sin2), 1.0)


def test_relay_stop_trades_coupling_for_walkoff():
    fib = FiberSpec(na=0.2)
    stops = [0.03, 0.06, 0.09, 0.12, 0.2]
    runs = [
        optics.launch(_led(), CouplingSpec(lens="tir", collection_efficiency=0.7, relay_na=r), fib, 50.0) for r in stops
    ]
    fills = [float(r.angular_fill) for r in runs]
    launched = [float(r.launched_fraction) for r in runs]
    assert fills == sorted(fills) and launched == sorted(launched)
    # once the stop no longer clips the beam, neither changes
    assert fills[-1] == pytest.approx(fills[-2]) or fills[-1] > fills[-2]
    # clipped: launched fraction proportional to the stop's sin^2 (uniform in sin^2 theta)
    assert launched[1] / launched[0] == pytest.approx(4.0)


def test_bare_led_imaging_is_lambertian_na_squared():
    # No micro-optic: a relay of magnification M accepting NA r on the fibre side collects (M r)^2
    cpl = CouplingSpec(lens="none", spot_magnification=2.0, relay_na=0.2)
    out = optics.launch(_led(), cpl, FiberSpec(na=0.2), 50.0)
    assert out.launched_fraction == pytest.approx(0.16)
    assert out.angular_fill == pytest.approx(1.0)
    assert out.launched_fraction == pytest.approx(float(optics.etendue_bound(out, _led(), 0.2)))


@settings(max_examples=600, deadline=None)
@given(
    lens=st.sampled_from(["none", "microlens", "tir"]),
    diameter=st.floats(1.0, 60.0),
    order=st.floats(0.5, 20.0),
    eta=st.floats(0.01, 1.0),
    dilution=st.floats(1.0, 5.0),
    aperture=st.floats(0.05, 1.0),
    magnification=st.floats(0.05, 5.0),
    relay=st.floats(0.01, 0.95),
    na=st.floats(0.05, 0.6),
    pitch=st.floats(5.0, 200.0),
)
def test_launch_never_beats_etendue(lens, diameter, order, eta, dilution, aperture, magnification, relay, na, pitch):
    led = _led(diameter, order)
    cpl = CouplingSpec(
        lens=lens,
        collection_efficiency=eta,
        etendue_dilution=dilution,
        lens_aperture_fraction=aperture,
        spot_magnification=magnification,
        relay_na=relay,
    )
    out = optics.launch(led, cpl, FiberSpec(na=na), pitch)
    bound = float(optics.etendue_bound(out, led, na))
    assert 0.0 <= float(out.launched_fraction) <= 1.0
    assert 0.0 < float(out.angular_fill) <= 1.0
    assert float(out.launched_fraction) <= bound * (1 + 1e-9)


def test_blurred_square_capture_matches_monte_carlo():
    rng = np.random.default_rng(1)
    n = 400_000
    side, sigma, width = 12.0, 2.0, 10.0
    pts = rng.uniform(-side / 2, side / 2, size=(n, 2)) + rng.normal(0.0, sigma, size=(n, 2))
    for offset in (np.array([0.0, 0.0]), np.array([2.0, -1.0]), np.array([11.0, 0.0])):
        inside = np.all(np.abs(pts - offset) <= width / 2, axis=1).mean()
        got = optics.square_capture(offset[0], offset[1], side, sigma, width)
        assert got == pytest.approx(inside, abs=3e-3)


def test_blurred_capture_limits_and_far_tail():
    # a point spot is the Gaussian interval capture; a sharp spot is pure geometry
    gaussian = ndtr(7.0 / 3.0) - ndtr(-3.0 / 3.0)
    assert optics.interval_capture(2.0, 0.0, 3.0, 10.0) == pytest.approx(gaussian, rel=1e-12)
    assert optics.interval_capture(2.0, 1e-9, 3.0, 10.0) == pytest.approx(gaussian, rel=1e-6)
    assert optics.interval_capture(0.0, 8.0, 1e-6, 10.0) == pytest.approx(1.0)
    assert optics.interval_capture(3.0, 8.0, 1e-6, 10.0) == pytest.approx(6.0 / 8.0)
    # a far neighbour's capture keeps its relative precision (numerical integral of the density)
    side, sigma, width, offset = 20.0, 1.5, 20.0, 40.0

    def density(x):
        return (ndtr((x + side / 2) / sigma) - ndtr((x - side / 2) / sigma)) / side

    exact, _ = quad(density, offset - width / 2, offset + width / 2, epsabs=0, epsrel=1e-12)
    assert exact < 1e-9
    assert optics.interval_capture(offset, side, sigma, width) == pytest.approx(exact, rel=1e-6)


def test_thin_spot_capture_is_the_convolution_to_1e_10():
    """A spot far narrower than its blur (side 2.5 nm under a 3 um blur: the Gaussian branch of
    ``interval_capture``) against the convolution itself, the Gaussian interval capture averaged
    over the top-hat's width by quadrature: 0.831529408668 to 1e-10 (the branch's Gaussian of
    variance sigma^2 + s^2/12 is exact to O((s/sigma)^4)). A variance term s^2 instead of s^2/12
    is off by 1.2e-7."""
    offset, side, sigma, width = 2.0, 2.5e-3, 3.0, 10.0

    def blurred(u):
        return ndtr((offset + width / 2 - u) / sigma) - ndtr((offset - width / 2 - u) / sigma)

    exact = quad(blurred, -side / 2, side / 2, epsabs=0, epsrel=1e-13)[0] / side
    assert exact == pytest.approx(0.831529408668, abs=1e-12)
    assert optics.interval_capture(offset, side, sigma, width) == pytest.approx(exact, rel=1e-10)


@settings(max_examples=500, deadline=None)
@given(
    side=st.floats(0.0, 60.0),
    sigma=st.floats(0.05, 20.0),
    fraction=st.floats(0.05, 1.0),
    pitch=st.floats(5.0, 60.0),
    shift=st.floats(-30.0, 30.0),
)
def test_captures_never_exceed_the_light(side, sigma, fraction, pitch, shift):
    # apertures tiling the plane at one pitch: own + every neighbour's capture <= the spot's power
    width = fraction * pitch
    steps = np.arange(-60, 61) * pitch + shift
    along = optics.interval_capture(steps, side, sigma, width)
    assert np.all(along >= 0.0)
    assert along.sum() <= 1.0 + 1e-7  # float64 rounding of the second difference, amplified by sigma / s
    if fraction == 1.0:
        assert along.sum() == pytest.approx(1.0, abs=1e-6)


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


@pytest.mark.parametrize("order", [0.5, 1.0, 3.0, 8.0])
def test_cos_m_coupling_is_the_integrated_radiant_intensity_and_cone_sin2_inverts_it(order):
    """Fraction of a cos^m emitter's power inside sin(theta) <= s: the integral of
    cos^m(theta) sin(theta) over the cone, over the hemisphere's (numerical quadrature)."""
    total = quad(lambda t: np.cos(t) ** order * np.sin(t), 0.0, np.pi / 2)[0]
    for s in (0.05, 0.2, 0.6, 0.95):
        inside = quad(lambda t: np.cos(t) ** order * np.sin(t), 0.0, np.arcsin(s))[0]
        assert float(optics.lambertian_coupling(s, order)) == pytest.approx(inside / total, rel=1e-9)
        assert float(optics.cone_sin2(inside / total, order)) == pytest.approx(s * s, rel=1e-9)
    assert float(optics.lambertian_coupling(1.5, order)) == 1.0  # a cone past 90 degrees holds everything
    assert float(optics.cone_sin2(1.0, order)) == 1.0


def test_bare_led_behind_a_stop_by_hand():
    """lens = none, M = 4, relay stop 0.15 < NA 0.2: object-side sin = 4 x 0.15 = 0.6 holds 0.36 of
    a Lambertian emitter; the face sees sin^2 = 1/M^2 = 1/16, clipped by the stop to 0.0225, so
    f = 0.0225 / 0.04; the spot is the emitter's image, the square of equal area (side M sqrt(A))."""
    cpl = CouplingSpec(lens="none", spot_magnification=4.0, relay_na=0.15)
    out = optics.launch(_led(5.0), cpl, FiberSpec(na=0.2), 50.0)
    assert float(out.launched_fraction) == pytest.approx(0.36, rel=1e-12)
    assert float(out.source_sin2) == pytest.approx(0.36, rel=1e-12)
    assert float(out.face_sin2) == pytest.approx(1 / 16, rel=1e-12)
    assert float(out.angular_fill) == pytest.approx(0.0225 / 0.04, rel=1e-12)
    assert float(out.spot_side_um) == pytest.approx(4.0 * np.sqrt(np.pi * 2.5**2), rel=1e-12)
    assert float(out.collected_fraction) == 1.0
    # M = 10: the object-side cone would pass 90 degrees; the whole emission enters
    wide = optics.launch(
        _led(5.0), CouplingSpec(lens="none", spot_magnification=10.0, relay_na=0.15), FiberSpec(na=0.2), 50.0
    )
    assert float(wide.launched_fraction) == 1.0 and float(wide.source_sin2) == 1.0


def test_micro_optic_capped_by_its_aperture_etendue_by_hand():
    """A 30 um LED under an 18 um lenslet (0.9 x 20 um pitch), dilution 1.5: the lenslet can emit at
    most sin^2 = a^2 / (D A_LED) = 324 / (1.5 x 706.86) = 0.3056 of the source cone, below the 0.7
    asked for; the beam then fills sin^2 = 1 at the lenslet, 1/M^2 = 4 at M = 0.5 on the face, and the
    0.2 stop passes 0.04 / 4 of it."""
    cpl = _micro_optic("microlens", etendue_dilution=1.5)
    out = optics.launch(_led(30.0), cpl, FiberSpec(na=0.2), 20.0)
    cap = 18.0**2 / (1.5 * np.pi * 15.0**2)
    assert float(out.source_sin2) == pytest.approx(cap, rel=1e-12)
    assert float(out.collected_fraction) == pytest.approx(cap, rel=1e-12)  # Lambertian: fraction = sin^2
    assert float(out.face_sin2) == pytest.approx(4.0, rel=1e-12)
    assert float(out.launched_fraction) == pytest.approx(cap * 0.04 / 4.0, rel=1e-12)
    assert float(out.angular_fill) == pytest.approx(1.0, rel=1e-12)
    assert float(out.spot_side_um) == pytest.approx(0.5 * 18.0, rel=1e-12)


def test_receive_aperture_and_concentrator_by_hand():
    """On the fibre face the receiver collects through the lenslet (side M kappa p) or, bare, the
    photodiode itself (side M d_PD); a bare photodiode concentrates nothing (fraction 1)."""
    lens = CouplingSpec(lens="tir", lens_aperture_fraction=0.8, spot_magnification=0.5)
    bare = CouplingSpec(lens="none", spot_magnification=0.5)
    assert float(optics.capture_aperture_um(lens, 50.0, 30.0)) == pytest.approx(0.5 * 0.8 * 50.0)
    assert float(optics.capture_aperture_um(bare, 50.0, 30.0)) == pytest.approx(0.5 * 30.0)
    assert optics.concentrator_fraction(bare, 50.0, 2.0, np.array([0.3, 0.9]), 0.2).tolist() == [1.0, 1.0]
    # 2 um photodiode under a 40 um lenslet: 4 / (1600 x 0.25 x 0.5 x 0.04) = 0.5; a 4 um one fills it
    assert float(optics.concentrator_fraction(lens, 50.0, 2.0, 0.5, 0.2)) == pytest.approx(0.5, rel=1e-12)
    assert float(optics.concentrator_fraction(lens, 50.0, 4.0, 0.5, 0.2)) == 1.0


def test_cores_under_a_spot_count_hexagonal_cells():
    """A hexagonal lattice of pitch a has one core per sqrt(3)/2 a^2: a 10 um spot blurred by 1 um
    (12 um wide) on a 3.6 um pitch covers 144 / 11.22 = 12.83 cores; a square of the image
    field's area holds the fibre's core count; a spot smaller than a cell still lights one core."""
    assert float(fiber.cores_in_spot(10.0, 1.0, 3.6)) == pytest.approx(144.0 / (np.sqrt(3) / 2 * 3.6**2), rel=1e-12)
    assert float(fiber.cores_in_spot(10.0, 1.0, 3.6)) == pytest.approx(12.83, abs=0.01)
    side = np.sqrt(np.pi / 4) * float(fiber.image_field_diameter_um(10_000, 3.6))
    assert float(fiber.cores_in_spot(side, 0.0, 3.6)) == pytest.approx(10_000, rel=1e-12)
    assert float(fiber.cores_in_spot(0.5, 0.0, 3.6)) == 1.0
