"""Numerical precision and invariances of the physics core, each against an independent reference.

Written after a mutation check (docs/contributing.md) showed these routines could be changed
without any test noticing: peak finding, the reach solver's tolerances, the noise
autocorrelation integral, the optics' closed forms, the budget's closure, the manufacturing
draws' statistics, the fibre-fit check at its boundary, and invariances of the chain.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from mosaiclink.config.presets import load_preset
from mosaiclink.errors import ModelRangeError
from mosaiclink.physics import equalizer, fiber, optics, receiver, sampling
from mosaiclink.physics.array import draw_variation
from mosaiclink.physics.link import evaluate_link
from mosaiclink.physics.optical_path import check_fits_fibre
from mosaiclink.physics.reach import margin_log10_ber, max_reach_m, solve_reach_m

D800 = load_preset("mosaic-800g")
PROTO = load_preset("mosaic-prototype")


def _trig_pulse(span_bits: int, sps: int, t_bits: np.ndarray) -> np.ndarray:
    """A band-limited periodic pulse (three harmonics): its samples' interpolant is itself."""
    w = 2 * np.pi / span_bits
    return np.cos(w * (t_bits - 3.3)) + 0.45 * np.cos(2 * w * (t_bits - 3.9)) + 0.2 * np.sin(3 * w * (t_bits - 2.2))


def test_peak_is_the_band_limited_pulses_maximum_to_1e_6_bit():
    """Against a brute-force search on a 1e-7-bit grid of the same trigonometric polynomial."""
    span, sps = 16, 8
    samples = _trig_pulse(span, sps, np.arange(span * sps) / sps)[None, :]
    found = float(sampling.peak_bits(sampling.spectrum(samples, sps), span)[0])
    fine = np.arange(2.0, 5.0, 1e-7)
    exact = fine[np.argmax(_trig_pulse(span, sps, fine))]
    assert found == pytest.approx(exact, abs=1e-6)
    # and the interpolant sampled anywhere is the pulse itself (exact band-limited interpolation)
    at = sampling.symbol_samples(sampling.spectrum(samples, sps), np.array([found]), span, 2, 5)
    np.testing.assert_allclose(at[0], _trig_pulse(span, sps, found + np.arange(-2, 3)), atol=1e-9)


def test_reach_solver_meets_its_relative_tolerance_on_a_curved_excess():
    """excess(L) = (L / 37.3)^3 - 1 crosses zero at 37.3 m; the solver's bracket must close to its
    1e-3 relative tolerance (the secant of a curved function is not exact, so only the bracket
    gets it there)."""
    calls = []

    def excess(length_m):
        calls.append(np.size(length_m))
        return (np.asarray(length_m) / 37.3) ** 3 - 1.0

    for interpolate in (True, False):
        found = float(solve_reach_m(excess, 0.5, 500.0, interpolate=interpolate)[0])
        assert found == pytest.approx(37.3, rel=1e-3)
        assert excess(found) <= 0 or interpolate  # without interpolation the meeting end is returned
    assert len(calls) < 80  # a bracketing solver, not a scan


def test_max_reach_is_within_its_length_tolerance():
    """Default tolerance 0.1 m: 0.2 m shorter meets the target, 0.2 m longer does not (median channel).

    The reach's criterion is the one margin, 0 dB of budget margin with the implementation reserve
    (``margin_log10_ber``); the bare target BER is met further (``margin_db=None``)."""
    reach = max_reach_m(PROTO)
    target = margin_log10_ber(PROTO.link.target_ber, PROTO.receiver.implementation_penalty_db)

    def median(length_m):
        return float(np.median(evaluate_link(PROTO.with_link(length_m=length_m)).log10_ber_stateye))

    assert median(reach - 0.2) < target < median(reach + 0.2)
    bare = max_reach_m(PROTO, margin_db=None)
    assert bare > reach + 0.2
    assert median(bare - 0.2) < np.log10(PROTO.link.target_ber) < median(bare + 0.2)


def test_noise_autocorrelation_is_the_integral_of_the_filtered_noise():
    """r(kT) = int_0^inf |H_rx H_ctle|^2 cos(2 pi f k T) df by SciPy's adaptive quadrature (1e-5 of
    r(0) on the model's frequency span; the span's truncation costs < 1e-3)."""
    rx, eq = D800.receiver, D800.equalizer
    bit_s = 1e-9 / D800.link.rate_gbps
    ours = equalizer.noise_autocorrelation_hz(rx, eq, bit_s, 4)

    def density(f, k):
        h = receiver.transfer_function(rx, np.array([f])) * equalizer.ctle_transfer_function(eq, np.array([f]))
        return float(np.abs(h[0]) ** 2 * np.cos(2 * np.pi * f * k * bit_s))

    # the model integrates up to NOISE_GRID_SPAN x max(TIA bandwidth, bit rate): same span here,
    # then the truncation itself against 60x that span
    span = max(rx.tia_bandwidth_ghz * 1e9, 1 / bit_s)
    reference = [
        integrate.quad(density, 0.0, equalizer.NOISE_GRID_SPAN * span, args=(k,), limit=400)[0] for k in range(4)
    ]
    np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-5 * reference[0])
    untruncated = integrate.quad(density, 0.0, 60 * span, args=(0,), limit=1000)[0]
    assert ours[0] == pytest.approx(untruncated, rel=1e-3)


def test_optics_closed_forms():
    """Spot blur adds in quadrature with the lattice's uniform sampling (pitch^2 / 12); the étendue
    bound of a cos^m emitter is (m + 1)/2 R_lambertian x spot^2 f NA^2 / A_LED."""
    coupling = D800.coupling.replace(spot_blur_um=3.0)
    assert float(optics.spot_blur_sigma_um(coupling, 6.0)) == pytest.approx(np.sqrt(9.0 + 3.0))
    train = optics.launch(D800.led, D800.coupling, D800.fiber, D800.array.pitch_um)
    for order in (1.0, 3.0):
        led = D800.led.replace(lambertian_order=order)
        bound = float(optics.etendue_bound(train, led, D800.fiber.na))
        area = np.pi * D800.led.diameter_um**2 / 4
        expected = (order + 1) / 2 * train.spot_side_um**2 * train.angular_fill * D800.fiber.na**2 / area
        assert bound == pytest.approx(float(expected), rel=1e-12)
    # a cone narrower than the emitter's (m < 1): the radiance is highest at the cone's edge
    led = D800.led.replace(lambertian_order=0.5)
    edge = (1 - float(train.source_sin2)) ** (-0.25)
    bound = float(optics.etendue_bound(train, led, D800.fiber.na))
    area = np.pi * D800.led.diameter_um**2 / 4
    assert bound == pytest.approx(0.75 * edge * float(train.spot_side_um**2 * train.angular_fill) * 0.04 / area)


def test_concentrator_is_the_etendue_ratio():
    """A_PD / (a^2 M^2 f NA^2) of a lenslet of side a concentrating onto a photodiode, at most 1."""
    c = D800.coupling
    if c.lens == "none":
        pytest.skip("the preset has no receive micro-optic")
    got = float(optics.concentrator_fraction(c, D800.array.pitch_um, 2.0, 0.5, 0.2))
    a = float(optics.lens_aperture_um(c, D800.array.pitch_um))
    expected = min(1.0, 2.0**2 / (a**2 * c.spot_magnification**2 * 0.5 * 0.2**2))
    assert got == pytest.approx(expected, rel=1e-9)


def test_budget_penalties_close_on_the_margin():
    """Closure: received OMA - sensitivity - every penalty = the margin (computed from the eye's Q
    directly), on every live channel."""
    report = evaluate_link(PROTO)
    per, live = report.budget_per_channel, ~report.dead
    penalties = sum(
        per[k]
        for k in (
            "pulse_spreading_penalty_db",
            "equalizer_penalty_db",
            "residual_isi_penalty_db",
            "crosstalk_penalty_db",
            "implementation_penalty_db",
        )
    )
    closure = per["received_oma_dbm"] - per["sensitivity_oma_dbm"] - penalties
    np.testing.assert_allclose(closure[live], per["margin_db"][live], atol=1e-9)


def test_manufacturing_draws_have_the_specified_spread():
    """Over 50,000 channels: misalignment offsets have mean 0 and the spec's sigma per axis; the
    efficiency scale has mean 1 and its sigma; the dead fraction is the spec's probability."""
    spec = D800.variation.replace(
        misalignment_sigma_um=0.7, led_efficiency_sigma_pct=8.0, dead_channel_probability=0.01
    )
    v = draw_variation(spec, 50_000, seed=3)
    for offsets in (v.tx_offset_um, v.rx_offset_um):
        assert offsets.shape == (50_000, 2)
        np.testing.assert_allclose(offsets.mean(axis=0), 0.0, atol=0.02)
        np.testing.assert_allclose(offsets.std(axis=0), 0.7, rtol=0.02)
    assert v.led_efficiency_scale.mean() == pytest.approx(1.0, abs=0.002)
    assert v.led_efficiency_scale.std() == pytest.approx(0.08, rel=0.03)
    assert v.dead.mean() == pytest.approx(0.01, abs=0.002)


def test_the_array_must_fit_the_fibre_at_its_boundary():
    """The array's image diagonal (ceil(channels / cols) rows) against the fibre's image field:
    5 % inside fits, 5 % outside is refused."""
    field = float(fiber.image_field_diameter_um(D800.fiber.core_count, D800.fiber.core_pitch_um))
    rows = -(-D800.array.total_channels // D800.array.cols)
    assert rows == 23  # 460 channels on 20 columns
    diagonal_per_m = D800.array.pitch_um * np.hypot(rows, D800.array.cols)
    for factor, fits in ((0.95, True), (1.05, False)):
        design = D800.replace(coupling=D800.coupling.replace(spot_magnification=factor * field / diagonal_per_m))
        if fits:
            check_fits_fibre(design)
        else:
            with pytest.raises(ModelRangeError, match="image diagonal"):
                check_fits_fibre(design)


def test_crosstalk_ratio_does_not_depend_on_the_led_power_scale():
    """Crosstalk is light over light: scaling every LED's output (extraction efficiency x 1.5)
    leaves each channel's crosstalk ratio unchanged."""
    bright = D800.replace(led=D800.led.replace(light_extraction_efficiency=D800.led.light_extraction_efficiency * 1.5))
    a, b = evaluate_link(D800), evaluate_link(bright)
    live = ~a.dead
    np.testing.assert_allclose(a.crosstalk_db[live], b.crosstalk_db[live], atol=1e-9)
    assert np.all(b.received_power_dbm[live] > a.received_power_dbm[live] + 1.7)  # +1.76 dB of light


def test_own_capture_falls_with_misalignment_on_either_axis():
    """The receive aperture captures less of a spot shifted along x, and the same for y (symmetry)."""
    from mosaiclink.physics.optical_path import optical_path

    still = D800.variation.replace(
        misalignment_sigma_um=0.0, led_efficiency_sigma_pct=0.0, dead_channel_probability=0.0
    )
    base = draw_variation(still, D800.array.total_channels, seed=0)
    shift = 0.3 * D800.array.pitch_um * D800.coupling.spot_magnification
    captures = []
    for axis in (0, 1):
        offset = np.zeros_like(base.tx_offset_um)
        offset[:, axis] = shift
        moved = type(base)(**{**base.__dict__, "tx_offset_um": offset})
        captures.append(optical_path(D800, moved).own_capture)
    centred = optical_path(D800, base).own_capture
    assert np.all(captures[0] < centred) and np.all(captures[1] < centred)
    np.testing.assert_allclose(captures[0], captures[1], rtol=1e-9)


def test_rs_refuses_more_parity_than_its_registers_hold():
    from mosaiclink.datapath.rs import _WORDS, reed_solomon
    from mosaiclink.errors import ConfigError

    limit = _WORDS * (63 // 10)
    with pytest.raises(ConfigError, match=f"at most {limit} parity symbols"):
        reed_solomon(1023, 1023 - limit - 2)
    assert reed_solomon(1023, 1023 - limit).parity == limit


@pytest.mark.parametrize("taps, pre", [(5, 1), (7, 2), (3, 0)])
def test_mmse_ffe_solves_the_normal_equations_of_the_explicit_convolution(taps, pre):
    """MMSE taps against numpy's solve of R c = p built from the explicit, zero-filled delay matrix
    Y[k, m] = h[m - k + pre] (R = Y Y^T / 4 + noise Toeplitz, p = Y[:, cursor] / 4), on pulses whose
    tails reach the ends of the sample window (where the index bounds matter)."""
    from mosaiclink.config.design import EqualizerSpec

    rng = np.random.default_rng(taps)
    spec = EqualizerSpec(ffe_taps=taps, ffe_precursor_taps=pre, ffe_method="mmse")
    n, cursor = 12, 4
    h = 0.3 * rng.standard_normal((3, n))
    h[:, cursor] += 1.0
    noise = np.array([0.05, 0.02, 0.01, 0.004, 0.001, 0.0005, 0.0002])[:taps]
    ours = equalizer.solve_ffe(h, cursor, spec, np.broadcast_to(noise, (3, taps)))
    for row, c in zip(h, ours, strict=True):
        y = np.zeros((taps, n))
        for k in range(taps):
            for m in range(n):
                if 0 <= m - k + pre < n:
                    y[k, m] = row[m - k + pre]
        lag = np.abs(np.subtract.outer(np.arange(taps), np.arange(taps)))
        r = y @ y.T / 4 + noise[lag]
        p = y[:, cursor] / 4
        np.testing.assert_allclose(c, np.linalg.solve(r, p), rtol=1e-9, atol=1e-12)


def test_large_signal_led_matches_an_ode_solver():
    """The RK4 sub-stepped rate equation against SciPy's solve_ivp (rtol 1e-10) of the same model,
    dn/dt = g i(t) - (A n + B n^2 + C n^3) with the driver's RC-filtered step i(t) from bias to peak,
    P = eta B n^2 V h nu, sampled every 100 ps (several lifetimes per sample: the sub-steps matter)."""
    from scipy.integrate import solve_ivp

    from mosaiclink.physics import microled

    led = D800.led
    dt, samples = 100e-12, 12
    ours = microled.optical_waveform_w(
        led, np.full(samples, led.peak_current_ma), dt, initial_current_ma=led.bias_current_ma
    )
    a, b, c = (float(v) for v in microled.recombination_coefficients(led))
    thickness_cm, area = led.active_thickness_nm * 1e-7, float(microled.area_cm2(led.diameter_um))
    to_g = 1e-3 / (microled.ELEMENTARY_CHARGE_C * thickness_cm * area)
    tau_rc = led.series_resistance_ohm * led.capacitance_ff * 1e-15

    def current_ma(t):
        return led.peak_current_ma + (led.bias_current_ma - led.peak_current_ma) * np.exp(-t / tau_rc)

    n0 = float(microled.operating_point(led, led.bias_current_ma)["n_per_cm3"])
    times = dt * np.arange(samples)
    sol = solve_ivp(
        lambda t, n: to_g * current_ma(t) - (a * n + b * n**2 + c * n**3),
        (0.0, times[-1]),
        [n0],
        t_eval=times,
        method="LSODA",
        rtol=1e-10,
        atol=1e3,
    )
    photon_j = microled.photon_energy_j(microled.peak_wavelength_nm(led))
    reference = led.light_extraction_efficiency * thickness_cm * area * photon_j * b * sol.y[0] ** 2
    np.testing.assert_allclose(ours, reference, rtol=1e-3)  # RK4 at <= 0.3 lifetime per step: 2.5e-4 seen
    # the steady '1' is the operating point's power at the peak current
    assert ours[-1] == pytest.approx(float(microled.operating_point(led, led.peak_current_ma)["power_w"]), rel=1e-3)


def test_decision_weights_the_ffe_by_the_noise_density_through_the_receiver():
    """decide() solves the MMSE taps with the noise density 0.5 (S0 + S1) r(kT): the same taps as
    solve_ffe given that product explicitly, normalised to a unit main tap."""
    from mosaiclink.config.design import EqualizerSpec
    from mosaiclink.physics.channel import decide

    spec = EqualizerSpec(ffe_taps=5, ffe_precursor_taps=1, ffe_method="mmse")
    rng = np.random.default_rng(4)
    samples = 1e-6 * (0.2 * rng.standard_normal((2, 1, 11)))
    samples[:, :, 3] += 1e-5
    psd_0, psd_1 = np.array([1e-23, 3e-23]), np.array([2e-23, 5e-23])
    autocorr = np.array([1e10, -2e9, 5e8, -1e8, 2e7])
    d = decide(samples, 3, psd_0, psd_1, autocorr, np.zeros((2, 0)), spec)
    expected = equalizer.solve_ffe(samples[:, 0], 3, spec, 0.5 * (psd_0 + psd_1)[:, None] * autocorr)
    expected = expected / expected[:, 1:2]
    np.testing.assert_allclose(d.ffe_taps, expected, rtol=1e-9)
