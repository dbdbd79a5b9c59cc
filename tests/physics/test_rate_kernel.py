"""The compiled rate-equation loop against the row-vectorized NumPy RK4 (the library runs it for
batches below ``microled.COMPILED_ROWS`` rows; it was the only implementation before the kernel):
the same numbers within 1e-9 relative (measured: identical) over random LEDs."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.physics import microled as m


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=12), st.integers(min_value=0, max_value=2**32), st.sampled_from([1, 2, 4]))
def test_compiled_rk4_matches_the_numpy_formulation(rows, seed, substeps):
    rng = np.random.default_rng(seed)
    a = rng.uniform(1e6, 1e8, rows)
    b = rng.uniform(5e-12, 5e-11, rows)
    c = rng.uniform(1e-31, 1e-29, rows)
    to_g = 1e-3 / (1.602176634e-19 * 5e-7 * m.area_cm2(rng.uniform(3.0, 20.0, rows)))
    tau_rc = np.where(rng.random(rows) < 0.3, 0.0, rng.uniform(1e-12, 2e-10, rows))
    h = rng.uniform(5e-12, 6e-11, rows) / substeps
    drive = rng.choice([0.2, 0.5, 2.0, 4.0], (int(rng.integers(2, 80)), rows))  # (samples, rows)
    i_start = drive[0]
    n0 = m.carrier_density_per_cm3(i_start * to_g * 1.602176634e-19 * 5e-7, 5.0, a, b, c)
    ours = m._integrate_rate_equation(n0, i_start, drive, a, b, c, to_g, tau_rc, h, substeps, compiled=True)
    oracle = m._integrate_rate_equation(n0, i_start, drive, a, b, c, to_g, tau_rc, h, substeps, compiled=False)
    assert ours.shape == oracle.shape
    np.testing.assert_allclose(ours, oracle, rtol=1e-9, atol=0.0)
    # written into given columns of a wider array (a sub-step group of optical_waveform_w): the same rows
    columns = rng.permutation(rows + 3)[:rows]
    for compiled in (True, False):
        out = np.full((drive.shape[0], rows + 3), np.nan)
        args = (n0, i_start, drive, a, b, c, to_g, tau_rc, h, substeps)
        m._integrate_rate_equation(*args, out=out, columns=columns, compiled=compiled)
        np.testing.assert_array_equal(out[:, columns], oracle)
        assert np.isnan(np.delete(out, columns, axis=1)).all()


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=2**32),
)
def test_compiled_newton_density_is_the_numpy_iteration_bit_for_bit(rows, cols, seed):
    """The fused Newton loop against the NumPy iteration (broadcast (rows, 1) LED coefficients
    against (rows, cols) scales, as the chain's aggressors): identical, and a root; and each element's
    value is its own: a NaN or a huge scale poisoned into one element (which then iterates to the
    end) leaves every other bit for bit on both paths (the batch had iterated in lockstep)."""
    rng = np.random.default_rng(seed)
    scale = rng.uniform(0.5, 1.5, (rows, cols))
    a0, b0 = rng.uniform(1e6, 1e8, (rows, 1)), rng.uniform(5e-12, 5e-11, (rows, 1))
    c0 = np.where(rng.random((rows, 1)) < 0.2, 0.0, rng.uniform(1e-31, 1e-29, (rows, 1)))
    a, b, c = a0 * scale, b0 * scale, c0 * scale
    j = rng.uniform(1.0, 3e4, rows)[:, None]
    ours = m.carrier_density_per_cm3(j, 5.0, a, b, c, compiled=True)
    oracle = m.carrier_density_per_cm3(j, 5.0, a, b, c, compiled=False)
    np.testing.assert_array_equal(ours, oracle)
    g = j / (1.602176634e-19 * 5e-7)
    np.testing.assert_allclose(m.recombination_rate_per_cm3_s(ours, a, b, c), np.broadcast_to(g, ours.shape), rtol=1e-9)
    for poison in (np.nan, 1e300):
        hostile = scale.copy()
        hostile[rng.integers(rows), rng.integers(cols)] = poison
        others = hostile == scale
        for compiled, clean in ((True, ours), (False, oracle)):
            with np.errstate(all="ignore"):
                got = m.carrier_density_per_cm3(j, 5.0, a0 * hostile, b0 * hostile, c0 * hostile, compiled=compiled)
            np.testing.assert_array_equal(got[others], clean[others])


@settings(max_examples=15, deadline=None)
@given(
    st.integers(min_value=1, max_value=150),
    st.integers(min_value=0, max_value=2**32),
    st.sampled_from([2, 4, 8, 16]),
)
def test_pulse_harmonics_transformed_as_integrated_are_the_pulses_transform_bit_for_bit(rows, seed, sps):
    """``grid_pulse_harmonics`` compiled transforms each block of pulses as the rate equation writes it
    (``rk4_isolated_bit_harmonics``); against the NumPy pulse and the NumPy transform of it: identical,
    for one design per row (several sub-step groups, blocks and a remainder), with per-row divisors;
    a grid whose harmonics do not fit the half-length transform takes the pulse and SciPy's."""
    from mosaiclink.config.presets import load_preset
    from mosaiclink.explore.batch import design_batch
    from mosaiclink.physics import sampling

    rng = np.random.default_rng(seed)
    paths = ("led.diameter_um", "led.peak_current_ma", "led.active_thickness_nm", "led.capacitance_ff")
    values = [rng.uniform(3, 10, rows), rng.uniform(1, 5, rows), rng.uniform(2, 10, rows), rng.uniform(0, 400, rows)]
    led = design_batch(load_preset("mosaic-800g"), paths, np.column_stack(values)).led
    bits, rate, divisor = 1e-9 / rng.uniform(1.0, 3.0, rows), rng.uniform(0.5, 1.5, rows), rng.uniform(0.1, 10, rows)
    harmonics = min(33, 8 * sps + 1)  # the chain's 33; up to the Nyquist of coarse grids, beyond the half-length's
    pulse = m.grid_pulse_response_w(led, bits, sps, 16, rate, compiled=False)
    expected = sampling.lowest_harmonics(pulse, sps, harmonics, divisor, compiled=False)
    fused = m.grid_pulse_harmonics(led, bits, sps, 16, harmonics, rate, divisor, compiled=True)
    np.testing.assert_array_equal(fused.view(float), expected.view(float))
    assert sampling.half_transform_fits(16 * sps, harmonics) == (sps >= 8)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=0, max_value=2**32),
    st.sampled_from([4, 8, 16]),
    st.booleans(),
)
def test_fused_isolated_bit_is_the_drive_array_path_bit_for_bit(rows, seed, sps, per_row_design):
    """``pulse_response_w`` through the fused loop (no drive array: the peak current on each row's
    first samples) against the same pulse through ``optical_waveform_w``'s drive array and RK4:
    identical, for one LED or one design per row (the chain's layout: LED fields, bit period and
    time grid per row), with drawn rate and efficiency scales and driver RC poles of either kind."""
    from mosaiclink.config.presets import load_preset
    from mosaiclink.explore.batch import design_batch

    rng = np.random.default_rng(seed)
    base = load_preset("mosaic-800g")
    capacitance_ff = np.where(rng.random(rows) < 0.3, 0.0, rng.uniform(50.0, 400.0, rows))  # no RC pole, or one
    bits = 1e-9 / rng.uniform(1.0, 3.0, rows)
    if per_row_design:
        paths = ("led.diameter_um", "led.peak_current_ma", "led.active_thickness_nm", "led.capacitance_ff")
        values = np.column_stack([rng.uniform(3, 10, rows), rng.uniform(1, 5, rows), rng.uniform(2, 10, rows)])
        led = design_batch(base, paths, np.column_stack([values, capacitance_ff])).led
        t = ((np.arange(16 * sps) / sps)[:, None] * bits[None, :]).T
    else:
        led = base.led.model_copy(update={"capacitance_ff": float(capacitance_ff[0])})
        bits = bits[:1]
        t = np.arange(16 * sps) / sps * bits[0]
    rate, efficiency = rng.uniform(0.5, 1.5, rows), rng.uniform(0.5, 1.5, rows)
    fused = m.pulse_response_w(led, bits, t, rate, efficiency, compiled=True)
    drive = m.pulse_response_w(led, bits, t, rate, efficiency, compiled=False)
    assert fused.shape == drive.shape == (rows, t.shape[-1])
    np.testing.assert_array_equal(fused, drive)
    assert np.all(np.isfinite(fused)) and fused[:, 0].max() == 0.0
    if per_row_design:  # the chain's grid, read from the bit periods alone, time-major: the same pulses
        unit = m.pulse_response_w(led, bits, t, rate, compiled=False)
        for compiled in (True, False):
            np.testing.assert_array_equal(m.grid_pulse_response_w(led, bits, sps, 16, rate, compiled=compiled).T, unit)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=1, max_value=40),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=2**32),
    st.sampled_from([None, np.nan, np.inf, 1e308, 5e-324, 0.0]),
)
def test_level_powers_are_the_operating_points_at_both_currents_bit_for_bit(rows, scales, seed, hostile):
    """``level_powers_w`` compiled (one loop over the rows x 2 currents x K scales) against the NumPy
    operating points of both currents: identical, for a column of designs (LEDs without Auger term, at
    zero bias, at 20-90 C, and dead aggressors included) and for one LED; and each ``optical_power_w``
    of its own current alone. A hostile rate scale in one element leaves every other element bit for bit."""
    from mosaiclink.config.batched import column_view
    from mosaiclink.config.presets import load_preset
    from mosaiclink.explore.batch import design_batch

    rng = np.random.default_rng(seed)
    paths = (
        "led.diameter_um",
        "led.peak_current_ma",
        "led.bias_current_ma",
        "led.abc_c_cm6_per_s",
        "led.temperature_c",
    )
    auger = np.where(rng.random(rows) < 0.2, 0.0, rng.uniform(1e-31, 1e-29, rows))
    bias = np.where(rng.random(rows) < 0.2, 0.0, rng.uniform(0, 0.9, rows))
    values = np.column_stack(
        [rng.uniform(3, 10, rows), rng.uniform(1, 5, rows), bias, auger, rng.uniform(20, 90, rows)]
    )
    base = load_preset("mosaic-800g")
    rate = rng.uniform(0.5, 1.5, (rows, scales))
    efficiency = np.where(rng.random((rows, scales)) < 0.2, 0.0, rng.uniform(0.5, 1.5, (rows, scales)))
    clean = rate.copy()
    if hostile is not None:
        rate[rng.integers(rows), rng.integers(scales)] = hostile
    poisoned = rate != clean
    for led in (column_view(design_batch(base, paths, values).led), base.led):
        with np.errstate(all="ignore"):
            fused = m.level_powers_w(led, rate, efficiency, compiled=True)
            arrays = m.level_powers_w(led, rate, efficiency, compiled=False)
            alone = m.level_powers_w(led, clean, efficiency, compiled=True)
        for current, f, a, c in zip((led.bias_current_ma, led.peak_current_ma), fused, arrays, alone, strict=True):
            np.testing.assert_array_equal(f, a)
            np.testing.assert_array_equal(f[~poisoned], c[~poisoned])
            single = m.optical_power_w(led, np.broadcast_to(current, clean.shape), clean, efficiency)
            np.testing.assert_array_equal(c, single)
