"""Compiled loops of the microLED model: the RK4 of the rate equation
(:func:`mosaiclink.physics.microled.optical_waveform_w`, and for an isolated bit
:func:`mosaiclink.physics.microled.pulse_response_w` without a drive array, or its lowest harmonics
as it is integrated, :func:`mosaiclink.physics.microled.grid_pulse_harmonics`), sharing one RK4 step,
the Newton iteration of the steady-state carrier density
(:func:`mosaiclink.physics.microled.carrier_density_per_cm3`) and the LED's power at its bias and
peak currents (:func:`mosaiclink.physics.microled.level_powers_w`).

A module of its own so that importing the physics layer does not load Numba; the first
large-signal LED pulse does.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from mosaiclink.physics._spectrum_kernel import harmonics_block


@njit(cache=True)
def rk4_rows(n0, i_start, drive, a, b, c, to_g, h, decay, half_decay, substeps, out, columns):
    """RK4 of ``dn/dt = g(t) - (A n + B n^2 + C n^3)``, time outermost and rows innermost (one
    SIMD lane per row).

    ``drive`` (samples, rows) is the current target of each sample (mA); the filtered current
    ``i_rc`` relaxes to it exactly (``decay = exp(-h / tau_RC)`` per step, ``half_decay`` per
    half step), ``g = i_rc to_g``. Writes n into ``out[:, columns]`` (row r into column
    ``columns[r]`` of a caller's (samples, >= rows) array; row 0 the initial state ``n0``) and
    returns ``out``. The operations are those of the row-vectorized NumPy formulation, in the same order (no
    fused multiply-add, no reassociation), so the result does not depend on the batch.
    """
    samples, rows = drive.shape
    n = n0.copy()
    i_rc = i_start.copy()
    steps = (0.5 * h, h / 6.0)
    for r in range(rows):
        out[0, columns[r]] = n[r]
    for k in range(1, samples):
        _advance(n, i_rc, drive[k - 1], a, b, c, to_g, h, steps, decay, half_decay, substeps)
        for r in range(rows):
            out[k, columns[r]] = n[r]
    return out


@njit(cache=True)
def rk4_isolated_bit(n0, bias, peak, on_samples, a, b, c, to_g, h, decay, half_decay, substeps, factor, out, columns):
    """:func:`rk4_rows` for one isolated '1' bit: the drive is ``peak`` over each row's first
    ``on_samples`` samples and ``bias`` after (the filtered current starts settled at ``bias``, from
    its steady state ``n0``), and the output is the radiative power above the bias level,
    ``n^2 factor - n0^2 factor`` (``microled.pulse_response_w``), written into ``out[:, columns]``.
    The same operations as building the drive array, :func:`rk4_rows` and the NumPy power and
    difference (identical results), without the (samples, rows) drive and density arrays."""
    samples, rows = out.shape[0], n0.size
    n = n0.copy()
    i_rc = bias.copy()
    target = np.empty(rows)
    level = np.empty(rows)
    steps = (0.5 * h, h / 6.0)
    for r in range(rows):
        level[r] = n[r] * n[r] * factor[r]
        out[0, columns[r]] = level[r] - level[r]
    for k in range(1, samples):
        for r in range(rows):
            target[r] = peak[r] if k - 1 < on_samples[r] else bias[r]
        _advance(n, i_rc, target, a, b, c, to_g, h, steps, decay, half_decay, substeps)
        for r in range(rows):
            out[k, columns[r]] = n[r] * n[r] * factor[r] - level[r]
    return out


@njit(cache=True)
def rk4_isolated_bit_harmonics(
    n0, bias, peak, on_samples, a, b, c, to_g, h, decay, half_decay, substeps, factor, samples, tables, divisor,
    per_row, block, out, columns,
):  # fmt: skip
    """:func:`rk4_isolated_bit` and then the lowest harmonics of each pulse
    (:func:`mosaiclink.physics._spectrum_kernel.lowest_harmonics`, ``tables`` its five), ``block`` rows
    at a time, so that a block's ``samples`` x ``block`` pulse is transformed while in cache: row r's
    harmonics into ``out[columns[r]]``, divided by ``divisor`` and ``per_row[r]``. Each row the same
    operations as the two loops apart (identical results)."""
    rows = n0.size
    pulse = np.empty((samples, block))
    lanes_index = np.arange(block)
    re = np.empty((samples // 2, block))
    im = np.empty((samples // 2, block))
    for start in range(0, rows, block):
        end = min(start + block, rows)
        rk4_isolated_bit(n0[start:end], bias[start:end], peak[start:end], on_samples[start:end], a[start:end],
                         b[start:end], c[start:end], to_g[start:end], h[start:end], decay[start:end],
                         half_decay[start:end], substeps, factor[start:end], pulse, lanes_index)  # fmt: skip
        harmonics_block(pulse, 0, end - start, tables, divisor, per_row, start, columns, out, re, im)
    return out


@njit(cache=True, inline="always")
def _advance(n, i_rc, target, a, b, c, to_g, h, steps, decay, half_decay, substeps):
    """``substeps`` RK4 steps of every row towards the current ``target`` (rows,), in place: ``n`` and
    the filtered current ``i_rc`` (the step of :func:`rk4_rows`)."""
    half_h, sixth_h = steps
    for _ in range(substeps):
        for r in range(n.size):
            nr, ar, br, cr, gr, tr = n[r], a[r], b[r], c[r], to_g[r], target[r]
            g0 = i_rc[r] * gr
            gm = (tr + (i_rc[r] - tr) * half_decay[r]) * gr
            i_now = tr + (i_rc[r] - tr) * decay[r]
            i_rc[r] = i_now
            g1 = i_now * gr
            k1 = g0 - ((nr * cr + br) * nr + ar) * nr
            acc = k1 * sixth_h[r]
            m = k1 * half_h[r] + nr
            k2 = gm - ((m * cr + br) * m + ar) * m
            acc += 2.0 * sixth_h[r] * k2
            m = k2 * half_h[r] + nr
            k3 = gm - ((m * cr + br) * m + ar) * m
            acc += 2.0 * sixth_h[r] * k3
            m = k3 * h[r] + nr
            k4 = g1 - ((m * cr + br) * m + ar) * m
            acc += sixth_h[r] * k4
            n[r] = nr + acc


@njit(cache=True)
def newton_density(n, g, a, b, c, iterations):
    """Newton's iteration for ``A n + B n^2 + C n^3 = G`` on flat arrays from the start ``n``
    (overwritten and returned): each element stops after the first iteration at which its own step
    is within ``1e-12 max(n, 1)`` (or after ``iterations``), as the NumPy formulation in
    :func:`mosaiclink.physics.microled.carrier_density_per_cm3` does, with its operations in its
    order (no fused multiply-add), so the two agree bit for bit, and an element's value does not
    depend on the others of its batch (a NaN one iterates to the end alone). The elements advance
    together, a finished one kept (a blend: the loop over them stays vectorised).
    """
    active = np.ones(n.size, dtype=np.bool_)
    for _ in range(iterations):
        any_active = False
        for i in range(n.size):
            ni, ai, bi, ci = n[i], a[i], b[i], c[i]
            f = ni * (ai + ni * (bi + ni * ci)) - g[i]
            step = f / (ai + ni * (2 * bi + 3 * ci * ni))
            moved = ni - step
            keep = active[i]
            n[i] = moved if keep else ni
            # np.maximum(n, 1.0) propagates a NaN density, whose test then fails
            still = keep and not abs(step) <= 1e-12 * (1.0 if moved < 1.0 else moved)
            active[i] = still
            any_active = any_active or still
        if not any_active:
            break
    return n


@njit(cache=True, error_model="numpy")
def level_powers(g, a_led, b_led, c_led, scale, cube_bound, extraction, efficiency, current_ma, photon_j, charge_c,
                 iterations):  # fmt: skip
    """Radiative power at the steady-state carrier density of each row's LED at its L currents (the
    bias and the peak) and its K rate and efficiency scales, (rows, L, K), fused: the coefficients
    ``A, B, C = (a_led, b_led, c_led) x scale`` (``microled.recombination_coefficients``), the
    density's Newton start, its iteration (:func:`newton_density`), the IQE ``B n / (A + n (B + n C))``
    (``microled.internal_quantum_efficiency``, NaN as 0) and the power
    ``IQE x extraction x efficiency x current x 1e-3 / q x photon`` (``microled._steady_state``), without
    its arrays or the (rows, L K) copies of the per-row values: ``g`` and ``current_ma`` (rows, L),
    ``a_led``, ``b_led``, ``c_led``, ``extraction`` and ``photon_j`` (rows,), ``scale`` and
    ``efficiency`` (rows, K), ``cube_bound`` (rows, L, K) the start's bound ``cbrt(g / C)``, taken from
    NumPy (whose cube root is not libm's, to the last bit). The operations of ``_steady_state``'s NumPy
    arrays in their order (identical results)."""
    rows, levels = g.shape
    k = scale.shape[1]
    size = rows * levels * k
    a = np.empty(size)
    b = np.empty(size)
    c = np.empty(size)
    n = np.empty(size)
    gg = np.empty(size)
    for r in range(rows):
        for m in range(levels):
            for j in range(k):
                i = (r * levels + m) * k + j
                s = scale[r, j]
                a[i], b[i], c[i], gg[i] = a_led[r] * s, b_led[r] * s, c_led[r] * s, g[r, m]
                n[i] = _newton_start(gg[i], a[i], b[i], c[i], cube_bound[r, m, j])
    newton_density(n, gg, a, b, c, iterations)
    power = np.empty((rows, levels, k))
    for r in range(rows):
        for m in range(levels):
            for j in range(k):
                i = (r * levels + m) * k + j
                power[r, m, j] = _radiative_power(n[i], a[i], b[i], c[i], extraction[r], efficiency[r, j],
                                                  current_ma[r, m], photon_j[r], charge_c)  # fmt: skip
    return power


@njit(cache=True, inline="always", error_model="numpy")
def _newton_start(g, a, b, c, cube_bound):
    """The density's Newton start ``min(g / A, sqrt(g / B), cbrt(g / C))`` (``carrier_density_per_cm3``)."""
    return _nan_min(_nan_min(g / a if a > 0 else np.inf, np.sqrt(g / b)), cube_bound if c > 0 else np.inf)


@njit(cache=True, inline="always", error_model="numpy")
def _radiative_power(n, a, b, c, extraction, efficiency, current_ma, photon_j, charge_c):
    """``IQE x extraction x efficiency x current x 1e-3 / q x photon`` at the density ``n`` (negative as 0;
    the IQE ``B n / (A + n (B + n C))``, NaN as 0, infinities as the largest float), in
    ``microled._steady_state``'s order."""
    n = n if n != n or n >= 0.0 else 0.0
    iqe = b * n / (a + n * (b + n * c))
    if iqe != iqe:
        iqe = 0.0
    elif iqe == np.inf:
        iqe = np.finfo(np.float64).max
    elif iqe == -np.inf:
        iqe = -np.finfo(np.float64).max
    p = iqe * extraction
    p = p * efficiency
    p = p * current_ma
    p = p * 1e-3
    p = p / charge_c
    return p * photon_j


@njit(cache=True, inline="always")
def _nan_min(x, y):
    """``np.minimum`` of two floats: NaN if either is."""
    if x != x:
        return x
    if y != y:
        return y
    return x if x <= y else y
