"""InGaN microLED: ABC recombination, efficiency droop, modulation bandwidth, large-signal
pulse, spectrum and temperature.

All functions are element-wise NumPy and broadcast over channel or parameter arrays.

Notes
-----
Carrier balance in an active region of effective thickness :math:`d` driven at current density
:math:`J` (steady state):

.. math:: \\frac{J}{q d} = R(n) = A n + B n^2 + C n^3

The internal quantum efficiency is :math:`\\eta_{IQE} = B n^2 / R(n)`; it peaks at
:math:`n = \\sqrt{A/C}` and falls at high current (Auger droop). The emitted optical power is
:math:`P = \\eta_{IQE}\\,\\eta_{LEE}\\,(I/q)\\,h\\nu`. Linearising the rate equation
:math:`dn/dt = J/(qd) - R(n)` gives the differential carrier lifetime
:math:`\\tau = 1/R'(n) = 1/(A + 2Bn + 3Cn^2)` and a first-order optical response with electrical
-3 dB bandwidth :math:`f_c = 1/(2\\pi\\tau)`; the driver and junction add an RC pole
:math:`f_{RC} = 1/(2\\pi R C)`. Large-signal switching between a bias and a peak current is
asymmetric: the rise is paced by the short lifetime at high density, the fall by the long
lifetime at low density (a slow tail), which :func:`pulse_response_w` integrates exactly.

Validity: quasi-neutral single-density ABC model, no carrier transport or capacitance of the
quantum-well escape; temperature dependence only through A, the peak wavelength and the width.
References: Schubert, *Light-Emitting Diodes*, 3rd ed. (2018), ch. 2, 5, 25; Rashidi et al.,
IEEE Photon. Technol. Lett. 29(4) 2017 (differential lifetime of GaN microLEDs); Green et al.,
J. Appl. Phys. 2016 (ABC coefficients); McKendry et al., J. Lightw. Technol. 28(18) 2010.

Examples
--------
>>> from mosaiclink.config.presets import load_preset
>>> from mosaiclink.physics import microled
>>> led = load_preset("mosaic-800g").led
>>> point = microled.operating_point(led, led.peak_current_ma)  # at the '1' level
>>> round(float(point["power_w"]) * 1e3, 3), round(float(point["iqe"]), 3)  # mW, IQE (droop)
(0.619, 0.188)
>>> round(float(microled.small_signal_bandwidth_ghz(led)), 2)  # carrier lifetime and RC poles
1.46
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.config.batched import Batchable
from mosaiclink.config.design import MicroLedSpec
from mosaiclink.physics import _complex, sampling
from mosaiclink.physics._compiled import CompileGate
from mosaiclink.units import ELEMENTARY_CHARGE_C, photon_energy_j

_REFERENCE_TEMPERATURE_C = 25.0


def area_cm2(diameter_um):
    """Emitting area of a circular mesa, cm^2."""
    return np.pi * (np.asarray(diameter_um, dtype=float) * 0.5e-4) ** 2


def current_density_a_per_cm2(current_ma, diameter_um):
    """Current density J = I / area, A/cm^2."""
    return np.asarray(current_ma, dtype=float) * 1e-3 / area_cm2(diameter_um)


def recombination_rate_per_cm3_s(n_per_cm3, a_per_s, b_cm3_per_s, c_cm6_per_s):
    """R(n) = A n + B n^2 + C n^3."""
    n = np.asarray(n_per_cm3, dtype=float)
    return n * (a_per_s + n * (b_cm3_per_s + n * c_cm6_per_s))


def generation_rate_per_cm3_s(current_density_a_per_cm2, thickness_nm):
    """Carriers injected per cm^3 and second, G = J / (q d), into an active layer ``thickness_nm`` thick."""
    return np.asarray(current_density_a_per_cm2, dtype=float) / (ELEMENTARY_CHARGE_C * np.asarray(thickness_nm) * 1e-7)


def carrier_density_per_cm3(
    current_density_a_per_cm2, thickness_nm, a_per_s, b_cm3_per_s, c_cm6_per_s, compiled: bool | None = None
):
    """Steady-state carrier density solving J/(q d) = A n + B n^2 + C n^3.

    Newton's method from the upper bound ``min(G/A, sqrt(G/B), cbrt(G/C))`` (each term alone is
    at most the generation rate G); R is increasing and convex for n > 0, so the iteration
    decreases monotonically to the root. Each element stops after the first iteration at which its
    own step is within 1e-12 of the density (at most :data:`NEWTON_ITERATIONS`): its value does not
    depend on the other elements of its batch. Once Numba is loaded (by the rate equation's loop)
    the iteration runs fused (:func:`mosaiclink.physics._rate_kernel.newton_density`,
    bit-identical); ``compiled`` forces the choice.
    """
    g = generation_rate_per_cm3_s(current_density_a_per_cm2, thickness_nm)
    a, b, c = (np.asarray(v, dtype=float) for v in (a_per_s, b_cm3_per_s, c_cm6_per_s))
    with np.errstate(divide="ignore", invalid="ignore"):
        bounds = [np.where(a > 0, g / a, np.inf), np.sqrt(g / b), np.where(c > 0, np.cbrt(g / c), np.inf)]
    n = np.minimum(np.minimum(bounds[0], bounds[1]), bounds[2])
    if _NEWTON_GATE.compiled(n.size, compiled):
        from mosaiclink.physics._rate_kernel import newton_density

        g_f, a_f, b_f, c_f = (
            np.ascontiguousarray(np.broadcast_to(v, n.shape), dtype=float).ravel() for v in (g, a, b, c)
        )
        n = newton_density(n.ravel().copy(), g_f, a_f, b_f, c_f, NEWTON_ITERATIONS).reshape(n.shape)
        return np.maximum(n, 0.0)
    active = np.ones(n.shape, dtype=bool)
    for _ in range(NEWTON_ITERATIONS):
        f = recombination_rate_per_cm3_s(n, a, b, c) - g
        step = f / (a + n * (2 * b + 3 * c * n))
        moved = n - step
        n, active = np.where(active, moved, n), active & ~(np.abs(step) <= 1e-12 * np.maximum(moved, 1.0))
        if not active.any():
            break
    return np.maximum(n, 0.0)


NEWTON_ITERATIONS = 60


def internal_quantum_efficiency(n_per_cm3, a_per_s, b_cm3_per_s, c_cm6_per_s):
    """IQE = B n^2 / (A n + B n^2 + C n^3)."""
    n = np.asarray(n_per_cm3, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        iqe = b_cm3_per_s * n / (a_per_s + n * (b_cm3_per_s + n * c_cm6_per_s))
    return np.nan_to_num(iqe)


def differential_lifetime_s(n_per_cm3, a_per_s, b_cm3_per_s, c_cm6_per_s):
    """Small-signal carrier lifetime tau = 1 / (A + 2 B n + 3 C n^2)."""
    n = np.asarray(n_per_cm3, dtype=float)
    return 1.0 / (a_per_s + n * (2.0 * b_cm3_per_s + 3.0 * c_cm6_per_s * n))


def carrier_bandwidth_ghz(lifetime_s):
    """Electrical -3 dB bandwidth of a first-order carrier response: 1 / (2 pi tau)."""
    return 1e-9 / (2.0 * np.pi * np.asarray(lifetime_s, dtype=float))


def rc_bandwidth_ghz(resistance_ohm, capacitance_ff):
    """RC pole f = 1 / (2 pi R C); infinite when R C = 0."""
    rc_s = np.asarray(resistance_ohm, dtype=float) * np.asarray(capacitance_ff, dtype=float) * 1e-15
    with np.errstate(divide="ignore"):
        return 1e-9 / (2.0 * np.pi * rc_s)


def two_pole_bandwidth_ghz(f1_ghz, f2_ghz):
    """-3 dB frequency of two cascaded real poles (exact root of |H|^2 = 1/2)."""
    u = 1.0 / np.asarray(f1_ghz, dtype=float) ** 2
    v = 1.0 / np.asarray(f2_ghz, dtype=float) ** 2
    s, p = u + v, u * v
    with np.errstate(divide="ignore", invalid="ignore"):
        x2 = np.where(p > 0, (-s + np.sqrt(s * s + 4.0 * p)) / (2.0 * p), 1.0 / s)
    return np.sqrt(x2)


def recombination_coefficients(led: Batchable[MicroLedSpec], rate_scale=1.0):
    """(A, B, C) at the junction temperature; ``rate_scale`` multiplies all three (device spread).

    A grows as ``exp(alpha (T - 25 C))`` (SRH activation); B and C are held constant.
    """
    a = led.abc_a_per_s * np.exp(led.srh_temperature_coeff_per_k * (led.temperature_c - _REFERENCE_TEMPERATURE_C))
    scale = np.asarray(rate_scale, dtype=float)
    return a * scale, led.abc_b_cm3_per_s * scale, led.abc_c_cm6_per_s * scale


def operating_point(led: Batchable[MicroLedSpec], current_ma, rate_scale=1.0, efficiency_scale=1.0):
    """Carrier density, IQE, optical power (W) and differential lifetime (s) at a drive current.

    ``efficiency_scale`` multiplies the light extraction (per-device spread).
    """
    (a, b, c), n, iqe, power_w = _steady_state(led, current_ma, rate_scale, efficiency_scale)
    return {"n_per_cm3": n, "iqe": iqe, "power_w": power_w, "lifetime_s": differential_lifetime_s(n, a, b, c)}


def optical_power_w(led: Batchable[MicroLedSpec], current_ma, rate_scale=1.0, efficiency_scale=1.0):
    """The optical power (W) of :func:`operating_point` alone (any broadcast shape); the chain's LED
    levels take :func:`level_powers_w`, whose compiled loop gives these numbers."""
    return _steady_state(led, current_ma, rate_scale, efficiency_scale)[3]


def level_powers_w(led: Batchable[MicroLedSpec], rate_scale, efficiency_scale, compiled: bool | None = None):
    """:func:`optical_power_w` at the bias and at the peak current of each row's LED (a spec, or a batch's
    column view: fields (rows, 1)) and each of its K rate and efficiency scales (rows, K): two (rows, K)
    arrays, the same numbers. Compiled (once Numba is loaded, the Newton iteration's gate) one loop
    over the (rows, 2, K) elements reads the per-row values as they are
    (:func:`mosaiclink.physics._rate_kernel.level_powers`: without the (rows, 2 K) copies of the
    currents, scales and LED fields a single call would broadcast); ``compiled`` forces the choice."""
    scale = np.asarray(rate_scale, dtype=float)
    efficiency = np.asarray(efficiency_scale, dtype=float)
    rows, k = scale.shape
    if not _NEWTON_GATE.compiled(2 * scale.size, compiled):
        currents = np.hstack([np.broadcast_to(led.bias_current_ma, scale.shape),
                              np.broadcast_to(led.peak_current_ma, scale.shape)])  # fmt: skip
        power = optical_power_w(led, currents, np.tile(scale, 2), np.tile(efficiency, 2))
        return power[:, :k], power[:, k:]
    from mosaiclink.physics._rate_kernel import level_powers

    def per_row(value) -> np.ndarray:  # a spec's scalar or a column view's (rows, 1) field as (rows,)
        return np.ascontiguousarray(np.broadcast_to(np.reshape(value, (-1, 1)), (rows, 1))[:, 0], dtype=float)

    currents = np.column_stack([per_row(led.bias_current_ma), per_row(led.peak_current_ma)])
    a, b, c = (per_row(v) for v in recombination_coefficients(led, 1.0))
    j = current_density_a_per_cm2(currents, per_row(led.diameter_um)[:, None])
    g = generation_rate_per_cm3_s(j, per_row(led.active_thickness_nm)[:, None])
    with np.errstate(divide="ignore", invalid="ignore"):
        cube_bound = np.cbrt(g[:, :, None] / (c[:, None, None] * scale[:, None, :]))
    extraction, photon = per_row(led.light_extraction_efficiency), per_row(photon_energy_j(peak_wavelength_nm(led)))
    power = level_powers(g, a, b, c, np.ascontiguousarray(scale), cube_bound, extraction,
                         np.ascontiguousarray(efficiency), currents, photon, ELEMENTARY_CHARGE_C,
                         NEWTON_ITERATIONS)  # fmt: skip
    return power[:, 0], power[:, 1]


def emitted_power_w(led: Batchable[MicroLedSpec], current_ma, efficiency_scale=1.0, iqe=1.0):
    r"""The optical power :math:`P = \eta_{IQE}\eta_{LEE}(I/q)h\nu` at a drive current (the one formula
    of :func:`_steady_state`). At the default unit IQE, at least :func:`optical_power_w` at any rate
    scale (:math:`\eta_{IQE} = Bn/(A + Bn + Cn^2) \le 1`), with no operating point solved: the
    ceiling the chain's crosstalk bound uses."""
    return (
        np.asarray(iqe)
        * led.light_extraction_efficiency
        * np.asarray(efficiency_scale)
        * np.asarray(current_ma, dtype=float)
        * 1e-3
        / ELEMENTARY_CHARGE_C
        * photon_energy_j(peak_wavelength_nm(led))
    )


def _steady_state(led: Batchable[MicroLedSpec], current_ma, rate_scale, efficiency_scale):
    """(A, B, C), carrier density, IQE and optical power
    :math:`P = \\eta_{IQE}\\eta_{LEE}(I/q)h\\nu` at a drive current (module Notes)."""
    a, b, c = recombination_coefficients(led, rate_scale)
    j = current_density_a_per_cm2(current_ma, led.diameter_um)
    n = carrier_density_per_cm3(j, led.active_thickness_nm, a, b, c)
    iqe = internal_quantum_efficiency(n, a, b, c)
    return (a, b, c), n, iqe, emitted_power_w(led, current_ma, efficiency_scale, iqe)


def small_signal_bandwidth_ghz(led: MicroLedSpec, rate_scale=1.0):
    """LED -3 dB bandwidth at the mean drive current: carrier pole cascaded with the RC pole."""
    mean_ma = 0.5 * (led.bias_current_ma + led.peak_current_ma)
    tau = operating_point(led, mean_ma, rate_scale)["lifetime_s"]
    return two_pole_bandwidth_ghz(
        carrier_bandwidth_ghz(tau), rc_bandwidth_ghz(led.series_resistance_ohm, led.capacitance_ff)
    )


def rise_fall_lifetimes_s(led: MicroLedSpec, rate_scale=1.0):
    """Differential lifetimes at the peak (rise) and bias (fall) currents: the asymmetry."""
    rise = operating_point(led, led.peak_current_ma, rate_scale)["lifetime_s"]
    fall = operating_point(led, led.bias_current_ma, rate_scale)["lifetime_s"]
    return rise, fall


def transfer_function(led: Batchable[MicroLedSpec], freq_hz, rate_scale=1.0):
    """Small-signal optical response H(f) (unit DC gain) at the mean current, shape (..., f).

    ``rate_scale`` of shape (channels,) gives one row per channel.
    """
    mean_ma = 0.5 * (led.bias_current_ma + led.peak_current_ma)
    tau = np.asarray(operating_point(led, mean_ma, rate_scale)["lifetime_s"])[..., None]
    rc_s = np.asarray(led.series_resistance_ohm * led.capacitance_ff * 1e-15, dtype=float)[..., None]
    f = np.asarray(freq_hz, dtype=float)
    # 1 / ((1 + i a)(1 + i b)) with a = 2 pi f tau, b = 2 pi f RC: 1 / (1 - a b + i (a + b))
    a, b = f * (2.0 * np.pi * tau), f * (2.0 * np.pi * rc_s)
    return _complex.inverse(1.0 - a * b, a + b)


def optical_waveform_w(
    led: Batchable[MicroLedSpec], current_ma, dt_s, rate_scale=1.0, efficiency_scale=1.0, initial_current_ma=None
):
    """Emitted optical power (W) for any sampled drive-current waveform, shape (..., samples).

    ``current_ma`` (..., samples) is held constant over each sample (the driver's NRZ output),
    low-pass filtered by the driver RC pole (exactly, sample by sample), and drives the nonlinear
    rate equation ``dn/dt = J(t)/(q d) - R(n)``, integrated with RK4 in sub-steps of at most 0.3
    of the shortest differential lifetime, starting from the steady state at
    ``initial_current_ma`` (default: the first sample); output sample k is the state at
    ``k * dt_s`` after sample k - 1's current acted (sample 0 is the initial state).
    The power is the radiative rate ``P = eta_LEE B n^2 * volume * h nu``. This is the LED's
    large-signal model: pattern-dependent, with the fast-rise / slow-fall asymmetry.
    ``rate_scale``/``efficiency_scale`` of shape (channels,) give one row per channel; LED
    fields and ``dt_s`` of shape (designs,) one row per design (one sub-step count for all rows).
    """
    i_ma = np.asarray(current_ma, dtype=float)
    samples = i_ma.shape[-1]
    i_start = i_ma[..., 0] if initial_current_ma is None else np.asarray(initial_current_ma, dtype=float)
    rows = _RateRows.of(led, i_ma.shape[:-1], dt_s, rate_scale, i_start, np.maximum(i_ma.max(axis=-1), i_start))
    # time-major (samples, rows), the loop's layout: a view when the current is (a time-major grid's transpose)
    drive = np.moveaxis(np.broadcast_to(i_ma, rows.shape + (samples,)), -1, 0).reshape(samples, -1)
    n_t = np.empty(drive.shape)
    for count, taken, one in rows.groups():
        n_g, i_start_g, a_g, b_g, c_g, to_g_g, rc_g, dt_g = (
            v if one else v[taken] for v in (rows.n0, rows.i_start, rows.a, rows.b, rows.c, rows.to_g, rows.rc, rows.dt)
        )
        drive_g = drive if one else np.take(drive, taken, axis=1)  # C order, as the loop reads it
        _integrate_rate_equation(
            n_g, i_start_g, drive_g, a_g, b_g, c_g, to_g_g, rc_g, dt_g / count, int(count), out=n_t, columns=taken
        )
    density = np.moveaxis(n_t.reshape((samples,) + rows.shape), 0, -1)
    factor = np.asarray(radiative_power_factor(led, efficiency_scale, rows.b_shaped))[..., None]
    power = np.square(density, out=density)  # in place (the loop's own array): large temporaries cost page faults
    if np.broadcast_shapes(factor.shape, power.shape) != power.shape:
        return factor * power
    power *= factor
    return power


def radiative_power_factor(led: Batchable[MicroLedSpec], efficiency_scale, b_cm3_per_s):
    """W per (carrier density)^2 of the emitted power ``P = factor n^2`` (the radiative rate B n^2
    times the extraction efficiency and its scale, the active volume and the photon energy)."""
    thickness_cm = led.active_thickness_nm * 1e-7
    area = area_cm2(led.diameter_um)
    photon_j = photon_energy_j(peak_wavelength_nm(led))
    scale = led.light_extraction_efficiency * np.asarray(efficiency_scale, dtype=float) * thickness_cm * area * photon_j
    return np.asarray(scale) * b_cm3_per_s


@dataclass(frozen=True)
class _RateRows:
    """The rate equation's inputs per row of :func:`optical_waveform_w`, flat over the batch ``shape``:
    start density and current, (A, B, C), generation per mA, driver RC, sample step and its sub-step
    count (the step at most 0.3 of the shortest differential lifetime, at the largest current,
    rounded up to a power of two: one pass per group of rows); ``b_shaped`` is B in ``shape``."""

    shape: tuple[int, ...]
    n0: np.ndarray
    i_start: np.ndarray
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    to_g: np.ndarray
    rc: np.ndarray
    dt: np.ndarray
    steps: np.ndarray
    b_shaped: np.ndarray

    @classmethod
    def of(cls, led, lead_shape, dt_s, rate_scale, i_start_ma, i_peak_ma) -> _RateRows:
        a, b, c = (np.asarray(v, dtype=float)[..., None] for v in recombination_coefficients(led, rate_scale))
        thickness_cm = led.active_thickness_nm * 1e-7
        area = area_cm2(led.diameter_um)
        shape = np.broadcast_shapes(a.shape[:-1], lead_shape, np.shape(area), np.shape(thickness_cm), np.shape(dt_s))
        to_g = 1e-3 / (ELEMENTARY_CHARGE_C * thickness_cm * area)  # mA -> generation (cm^-3 s^-1)
        i_start = np.broadcast_to(np.asarray(i_start_ma, dtype=float), shape)
        area = np.broadcast_to(area, shape)
        n = carrier_density_per_cm3(i_start * 1e-3 / area, led.active_thickness_nm, a[..., 0], b[..., 0], c[..., 0])
        i_peak = np.broadcast_to(i_peak_ma, shape)[..., None]
        thickness_nm = np.broadcast_to(np.asarray(led.active_thickness_nm, dtype=float), shape)[..., None]
        n_peak = carrier_density_per_cm3(i_peak * 1e-3 / area[..., None], thickness_nm, a, b, c)
        dt = np.broadcast_to(np.asarray(dt_s, dtype=float), shape)
        need = np.ceil(dt / (0.3 * differential_lifetime_s(n_peak, a, b, c)[..., 0]))
        steps = 2.0 ** np.ceil(np.log2(np.maximum(need, 1.0)))
        rc = np.asarray(np.asarray(led.series_resistance_ohm) * led.capacitance_ff * 1e-15, dtype=float)
        per_row = (n, i_start, a[..., 0], b[..., 0], c[..., 0], to_g, rc, dt, steps)
        n0, i_0, a_0, b_0, c_0, to_g, rc, dt, steps = (np.broadcast_to(v, shape).reshape(-1) for v in per_row)
        return cls(shape, n0, i_0, a_0, b_0, c_0, to_g, rc, dt, steps, np.broadcast_to(b[..., 0], shape))

    def groups(self):
        """(sub-step count, its rows, whether they are all the rows) of each group of rows."""
        for count in np.unique(self.steps):  # a loop over sub-step groups, not rows
            group = self.steps == count
            yield count, np.flatnonzero(group), bool(group.all())


def _integrate_rate_equation(
    n, i_start, drive, a, b, c, to_g, tau_rc, h, substeps: int, out=None, columns=None, compiled: bool | None = None
):
    """RK4 of dn/dt = g(t) - R(n) over the samples of the drive current ``drive`` (samples, rows),
    ``substeps`` steps of ``h`` (rows,) per sample, the current RC-filtered exactly within each
    step; returns n (samples, rows): time-major, rows innermost (the loop's layout), written into
    columns ``columns`` (default 0 .. rows - 1) of ``out`` (default a new (samples, rows) array).
    Batches of at least :data:`COMPILED_ROWS` rows run the compiled loop
    (:func:`mosaiclink.physics._rate_kernel.rk4_rows`, Numba loaded on first use); the first
    :data:`NUMPY_LOOPS` smaller ones of a process (one design's channels: ``mosaic link``) run the
    same operations in NumPy, without loading Numba (bit-identical results either way);
    ``compiled`` forces the choice."""
    decay, half_decay = _rc_decays(h, tau_rc)
    rows = (n, i_start, a, b, c, to_g, h, decay, half_decay)
    n, i_start, a, b, c, to_g, h, decay, half_decay = (np.ascontiguousarray(v, dtype=float) for v in rows)
    drive = np.ascontiguousarray(drive, dtype=float)
    out = np.empty(drive.shape) if out is None else out
    columns = np.arange(n.size) if columns is None else np.asarray(columns, dtype=np.intp)
    if not _RK4_GATE.compiled(n.size, compiled):
        return _rk4_rows_numpy(n, i_start, drive, a, b, c, to_g, h, decay, half_decay, substeps, out, columns)
    from mosaiclink.physics._rate_kernel import rk4_rows

    return rk4_rows(n, i_start, drive, a, b, c, to_g, h, decay, half_decay, substeps, out, columns)


def _rc_decays(h, tau_rc):
    """The driver current's relaxation over a step ``h`` and half a step, exp(-h / tau_RC) and
    exp(-h / 2 tau_RC) (0 without an RC pole: the current follows its target at once)."""
    with np.errstate(divide="ignore"):
        decay = np.where(tau_rc > 0, np.exp(-h / np.where(tau_rc > 0, tau_rc, 1.0)), 0.0)
        half_decay = np.where(tau_rc > 0, np.exp(-0.5 * h / np.where(tau_rc > 0, tau_rc, 1.0)), 0.0)
    return decay, half_decay


COMPILED_ROWS = 2048  # below this many rows the NumPy loop costs less than loading Numba and its cache
NUMPY_LOOPS = 4  # ... for the first few such batches of a process: a command evaluating many designs then loads it
_RK4_GATE = CompileGate(COMPILED_ROWS, NUMPY_LOOPS)
_NEWTON_GATE = CompileGate(float("inf"))  # compiled only once Numba is loaded (the NumPy loop is as fast alone)


def _rk4_rows_numpy(n0, i_start, drive, a, b, c, to_g, h, decay, half_decay, substeps, out, columns):
    """:func:`mosaiclink.physics._rate_kernel.rk4_rows` in NumPy: the same operations in the same order."""
    n, i_rc = n0.copy(), i_start.copy()
    half_h, sixth_h = 0.5 * h, h / 6.0
    two_sixth_h = 2.0 * sixth_h
    out[0, columns] = n
    for k in range(1, drive.shape[0]):
        target = drive[k - 1]
        for _ in range(substeps):
            g0 = i_rc * to_g
            gm = (target + (i_rc - target) * half_decay) * to_g
            i_rc = target + (i_rc - target) * decay
            g1 = i_rc * to_g
            k1 = g0 - ((n * c + b) * n + a) * n
            acc = k1 * sixth_h
            m = k1 * half_h + n
            k2 = gm - ((m * c + b) * m + a) * m
            acc = acc + two_sixth_h * k2
            m = k2 * half_h + n
            k3 = gm - ((m * c + b) * m + a) * m
            acc = acc + two_sixth_h * k3
            m = k3 * h + n
            k4 = g1 - ((m * c + b) * m + a) * m
            acc = acc + sixth_h * k4
            n = n + acc
        out[k, columns] = n
    return out


def pulse_response_w(
    led: Batchable[MicroLedSpec], bit_s, t_s, rate_scale=1.0, efficiency_scale=1.0, compiled: bool | None = None
):
    """Optical power above the '0' level for one isolated '1' bit starting at t = 0, shape (..., t).

    ``t_s`` is a uniform grid starting at 0 whose step divides ``bit_s``; the drive is the bias
    current with the peak current during [0, bit_s), passed through :func:`optical_waveform_w`.
    Vectorized over designs: LED fields and ``bit_s`` of shape (designs,) with ``t_s`` (designs, t).
    This captures the fast rise / slow fall asymmetry of large-signal LED switching.
    A batch the rate equation's loop would run compiled (:func:`_integrate_rate_equation`) runs one
    fused loop instead (:func:`mosaiclink.physics._rate_kernel.rk4_isolated_bit`: no drive or
    density array, identical results); ``compiled`` forces the choice.
    """
    t = np.asarray(t_s, dtype=float)
    dt = t[..., 1:2] - t[..., :1]
    end = np.asarray(bit_s, dtype=float)[..., None] - 0.5 * dt
    peak, bias = (np.asarray(i, dtype=float)[..., None] for i in (led.peak_current_ma, led.bias_current_ma))
    lead = np.broadcast_shapes(t.shape[:-1], end.shape[:-1], peak.shape[:-1], bias.shape[:-1])
    size = int(np.prod(np.broadcast_shapes(lead, np.shape(rate_scale), np.shape(efficiency_scale))))
    on_window = (t >= -0.5 * dt) & (t < end)  # the samples the peak current drives
    if _RK4_GATE.would_compile(size) if compiled is None else compiled:  # the NumPy path counts its own runs
        # the grid starts at 0 and rises: the window is each row's first ``on`` samples
        on = np.count_nonzero(on_window, axis=-1)
        lead = np.broadcast_shapes(lead, np.shape(efficiency_scale))
        return _isolated_bit_compiled(led, t.shape[-1], dt[..., 0], on, peak[..., 0], bias[..., 0], rate_scale,
                                      efficiency_scale, lead)  # fmt: skip
    current = np.where(on_window, peak, bias)
    power = optical_waveform_w(
        led, current, dt[..., 0], rate_scale, efficiency_scale, initial_current_ma=led.bias_current_ma
    )
    power -= power[..., :1]  # sample 0 is the settled bias state (in place; NumPy buffers the overlap)
    return power


def grid_pulse_response_w(
    led: Batchable[MicroLedSpec], bit_s, samples_per_bit: int, bits: int, rate_scale=1.0, compiled: bool | None = None
):
    r""":func:`pulse_response_w` on each row's grid :math:`t_k = (k / \text{sps})\,T`, k < ``bits`` x
    ``samples_per_bit`` (LED fields, ``bit_s`` and ``rate_scale`` of shape (rows,)), returned time-major
    (samples, rows) as the rate equation's loop writes it (``.T`` is the (rows, samples) pulse, a view).
    A batch that runs compiled reads the grid's step and the peak current's ``samples_per_bit``
    samples from it without building the (rows, samples) grid; the same numbers. ``compiled``
    forces the choice."""
    bit = np.asarray(bit_s, dtype=float)
    samples = bits * samples_per_bit
    size = int(np.prod(np.broadcast_shapes(bit.shape, np.shape(rate_scale), np.shape(led.peak_current_ma))))
    if not (_RK4_GATE.would_compile(size) if compiled is None else compiled):
        t_s = ((np.arange(samples) / samples_per_bit)[:, None] * bit[None, :]).T
        return pulse_response_w(led, bit, t_s, rate_scale, compiled=compiled).T
    dt = (np.arange(2) / samples_per_bit)[1] * bit  # t_1 - t_0 of that grid
    peak, bias = (np.asarray(i, dtype=float) for i in (led.peak_current_ma, led.bias_current_ma))
    lead = np.broadcast_shapes(bit.shape, peak.shape, bias.shape)
    on = np.full(lead, samples_per_bit)  # t_k < T - dt / 2 for k < sps: the bit's samples
    return _isolated_bit_compiled(led, samples, dt, on, peak, bias, rate_scale, 1.0, lead, time_major=True)


def grid_pulse_harmonics(
    led: Batchable[MicroLedSpec],
    bit_s,
    samples_per_bit: int,
    bits: int,
    harmonics: int,
    rate_scale=1.0,
    per_row=1.0,
    compiled: bool | None = None,
) -> np.ndarray:
    """The first ``harmonics`` (rows, K) of :func:`grid_pulse_response_w`'s pulses, each divided by
    ``samples_per_bit`` and its ``per_row`` (``sampling.lowest_harmonics``). A batch that runs
    compiled on a grid of a power-of-two number of samples transforms each block of pulses as the rate
    equation's loop writes it, while in cache
    (:func:`mosaiclink.physics._rate_kernel.rk4_isolated_bit_harmonics`: identical results, no
    (samples, rows) pulse array); ``compiled`` forces the choice."""
    bit = np.asarray(bit_s, dtype=float)
    samples = bits * samples_per_bit
    size = int(np.prod(np.broadcast_shapes(bit.shape, np.shape(rate_scale), np.shape(led.peak_current_ma))))
    fused = _RK4_GATE.would_compile(size) if compiled is None else compiled
    if not (fused and sampling.half_transform_fits(samples, harmonics)):
        pulse = grid_pulse_response_w(led, bit, samples_per_bit, bits, rate_scale, compiled)
        return sampling.lowest_harmonics(pulse, samples_per_bit, harmonics, per_row, compiled)
    dt = (np.arange(2) / samples_per_bit)[1] * bit  # as grid_pulse_response_w
    peak, bias = (np.asarray(i, dtype=float) for i in (led.peak_current_ma, led.bias_current_ma))
    lead = np.broadcast_shapes(bit.shape, peak.shape, bias.shape)
    on = np.full(lead, samples_per_bit)
    transform = (harmonics, float(samples_per_bit), per_row, sampling.half_transform_tables(samples, harmonics))
    return _isolated_bit_compiled(led, samples, dt, on, peak, bias, rate_scale, 1.0, lead, transform=transform)


def _isolated_bit_compiled(
    led, samples, dt, on, peak, bias, rate_scale, efficiency_scale, lead, time_major=False, transform=None
):
    """:func:`pulse_response_w` by the fused loop, from the per-row inputs of :func:`optical_waveform_w`
    (:class:`_RateRows` over the batch ``lead``, efficiency scale included; the drive's largest
    current the peak's): the peak current on each row's first ``on`` samples; (..., t), or
    (t, ...) ``time_major``; or, with ``transform`` = (harmonics, divisor, per-row divisors, the
    half-length transform's tables), each pulse's lowest harmonics (rows, harmonics) as
    :func:`grid_pulse_harmonics` returns them."""
    from mosaiclink.physics._rate_kernel import rk4_isolated_bit, rk4_isolated_bit_harmonics

    rows = _RateRows.of(led, lead, dt, rate_scale, bias, np.maximum(peak, bias))

    def per_row(value, dtype=float):
        return np.ascontiguousarray(np.broadcast_to(value, rows.shape), dtype=dtype).reshape(-1)

    factor = per_row(radiative_power_factor(led, efficiency_scale, rows.b_shaped))
    inputs = (rows.n0, per_row(bias), per_row(peak), per_row(on, np.int64), rows.a, rows.b, rows.c, rows.to_g, factor)
    if transform is not None:
        harmonics, divisor, row_divisor, tables = transform
        row_divisor = per_row(row_divisor)
        out = np.empty((rows.n0.size, harmonics), dtype=np.complex128)
    else:
        out = np.empty((samples, rows.n0.size))
    for count, taken, _ in rows.groups():
        h = rows.dt[taken] / count
        decay, half_decay = _rc_decays(h, rows.rc[taken])
        n0, bias_g, peak_g, on_g, a, b, c, to_g, factor_g = (np.ascontiguousarray(v[taken]) for v in inputs)
        steps = int(count)
        if transform is None:
            rk4_isolated_bit(n0, bias_g, peak_g, on_g, a, b, c, to_g, h, decay, half_decay, steps, factor_g, out, taken)
            continue
        rk4_isolated_bit_harmonics(n0, bias_g, peak_g, on_g, a, b, c, to_g, h, decay, half_decay, steps, factor_g,
                                   samples, tables, divisor, row_divisor[taken], sampling.SPECTRUM_BLOCK_ROWS, out,
                                   taken)  # fmt: skip
    if transform is not None:
        return out
    out = out.reshape((samples,) + rows.shape)
    return out if time_major else np.moveaxis(out, 0, -1)


def peak_wavelength_nm(led: Batchable[MicroLedSpec], wavelength_offset_nm=0.0):
    """Peak wavelength at the junction temperature (linear red shift) plus a device offset."""
    return (
        led.wavelength_nm
        + led.wavelength_shift_nm_per_k * (led.temperature_c - _REFERENCE_TEMPERATURE_C)
        + np.asarray(wavelength_offset_nm)
    )


def spectral_fwhm_nm(led: Batchable[MicroLedSpec]):
    """Spectral FWHM at the junction temperature (linear thermal broadening, floored at half the 25 C width)."""
    widened = led.spectral_fwhm_nm + led.fwhm_broadening_nm_per_k * (led.temperature_c - _REFERENCE_TEMPERATURE_C)
    return np.maximum(widened, 0.5 * np.asarray(led.spectral_fwhm_nm))
