"""Low-speed analog equalizer: a CTLE lead network and a short symbol-spaced FFE whose taps are
solved from the pulse response (MMSE or zero-forcing).

Notes
-----
*CTLE.* :math:`H(f) = (1 + i f/f_z)/(1 + i f/f_p)` with :math:`f_z = f_c\\,g^{-1/2}`,
:math:`f_p = f_c\\,g^{1/2}` and :math:`g = 10^{\\text{peaking}/20}`: unit DC gain and a
high-frequency boost of ``ctle_peaking_db`` centred on :math:`f_c`. It lifts the high
frequencies the LED, walk-off and dispersion removed, and the noise with them.

*FFE.* With symbol-spaced samples :math:`h_m = h(\\phi + mT)` of the pulse response and taps
:math:`c_k` (k = -pre .. post), the equalized pulse is :math:`g_m = \\sum_k c_k h_{m-k}`. MMSE
taps minimise :math:`E|y - a_{n-d}|^2` for zero-mean symbols of variance :math:`1/4` (OOK
around its mean) and noise autocorrelation :math:`R_n`:
:math:`c = (\\tfrac14 H H^T + R_n)^{-1}\\tfrac14 H e_d` (Haykin, *Adaptive Filter Theory*,
ch. 2). Zero-forcing taps force :math:`g_m = \\delta_m` on the ``ffe_taps`` samples around the
cursor. The FFE transfer function is :math:`\\sum_k c_k e^{-i2\\pi f kT}`, used to colour the noise.
Solves are batched over channels: zero-forcing with ``numpy.linalg.solve``, MMSE (symmetric
positive definite) by Gaussian elimination vectorized over the batch, or, for a large batch, the
same steps in one compiled loop per row (:func:`equalize`).

*Noise through the equalizer.* White input noise of one-sided density :math:`S` through the
receiver, CTLE and FFE has variance :math:`S\\,c^T R c`, with :math:`R_{kl} = r(|k-l|T)` and
:math:`r(\tau) = \\int_0^\\infty |H_{rx}H_{ctle}|^2 \\cos(2\\pi f\tau)\\,df` the unit-density
autocorrelation (:func:`noise_autocorrelation_hz`, trapezoid on ``NOISE_GRID_POINTS`` points up
to ``NOISE_GRID_SPAN`` times the larger of the TIA bandwidth and the bit rate; the integrand is
smooth and even, so the trapezoid converges fast). Without FFE (c = 1) it is :math:`S\\,r(0)`,
the noise bandwidth. The full model and the fast path both call :func:`noise_autocorrelation_hz`
and :func:`noise_gain`.

Examples
--------
>>> import numpy as np
>>> from mosaiclink.config.presets import load_preset
>>> from mosaiclink.physics import equalizer
>>> eq = load_preset("mosaic-800g").equalizer  # 3 dB of peaking
>>> h = equalizer.ctle_transfer_function(eq, [0.0, eq.ctle_peak_ghz * 1e9, 1e12])
>>> np.round(20 * np.log10(np.abs(h)), 2).tolist()  # dB: unit DC gain, half the boost at f_c
[0.0, 1.5, 3.0]
"""

from __future__ import annotations

import numpy as np

from mosaiclink.config.batched import Batchable
from mosaiclink.config.design import EqualizerSpec, ReceiverSpec
from mosaiclink.physics import _complex, receiver
from mosaiclink.physics._compiled import CompileGate

NOISE_GRID_POINTS = 49
NOISE_GRID_SPAN = 4.0


def ctle_transfer_function(equalizer: Batchable[EqualizerSpec], freq_hz):
    """CTLE response (unit DC gain); all-pass 1 when disabled or with zero peaking."""
    f = np.asarray(freq_hz, dtype=float)
    if not equalizer.enable:
        return np.ones_like(f, dtype=complex)
    g = 10.0 ** (np.asarray(equalizer.ctle_peaking_db, dtype=float) / 20.0)  # 0 dB: zero = pole, exactly 1
    fz = equalizer.ctle_peak_ghz * 1e9 / np.sqrt(g)
    fp = equalizer.ctle_peak_ghz * 1e9 * np.sqrt(g)
    a, b = f / fz, f / fp
    # (1 + i a) / (1 + i b) = (1 + a b + i (a - b)) / (1 + b^2) = 1 + b q + i q, q = (a - b) / (1 + b^2)
    q = a - b
    q /= 1.0 + b * b
    b *= q
    b += 1.0
    return _complex.from_parts(b, q)


def ffe_active(equalizer: Batchable[EqualizerSpec]) -> bool:
    """Whether an FFE with at least two taps is applied."""
    return equalizer.enable and equalizer.ffe_taps >= 2


def solve_ffe(symbol_samples, cursor_index: int, equalizer: EqualizerSpec, noise_autocorr=None):
    """FFE taps (..., ffe_taps) from symbol-spaced pulse samples (..., n) whose cursor is at ``cursor_index``.

    ``noise_autocorr`` (..., ffe_taps) is the noise autocorrelation at lags 0..taps-1 (A^2),
    used only by the MMSE solve. Returns unit-cursor-normalised taps (g at the cursor = 1 for ZF;
    MMSE taps are left as solved since BER is scale free).
    """
    h = np.asarray(symbol_samples, dtype=float)
    n_taps, pre = equalizer.ffe_taps, equalizer.ffe_precursor_taps
    n = h.shape[-1]
    if equalizer.ffe_method == "zero-forcing":
        # Y[..., k, m] = h[m - k + pre]: the pulse seen by tap k, output index m relative to the cursor.
        shifted = np.zeros(h.shape[:-1] + (n_taps, n))  # (..., taps, n)
        for k in range(n_taps):  # row k is h delayed by k - pre (zero-filled): a loop over taps, not designs
            shift = k - pre
            if shift >= 0:
                shifted[..., k, shift:] = h[..., : n - shift]
            else:
                shifted[..., k, :shift] = h[..., -shift:]
        cols = cursor_index - pre + np.arange(n_taps)
        square = shifted[..., cols]  # (..., taps, taps): g at the taps outputs around the cursor
        target = (np.arange(n_taps) == pre).astype(float)
        return np.linalg.solve(np.swapaxes(square, -1, -2), np.broadcast_to(target, square.shape[:-1]))
    # MMSE: R[k, l] = 1/4 sum_m Y[k, m] Y[l, m] = 1/4 sum_j h[j] h[j + k - l] over the samples both
    # delayed copies hold (j, m - k + pre, m - l + pre all within 0..n-1), plus the noise at lag |k - l|;
    # built batch-last, (taps, taps, ...), for the elimination.
    noise = None if noise_autocorr is None else np.asarray(noise_autocorr, dtype=float)
    batch = h.shape[:-1] if noise is None else np.broadcast_shapes(h.shape[:-1], noise.shape[:-1])
    r = np.empty((n_taps, n_taps) + batch)
    p = np.zeros((n_taps,) + batch)
    for k in range(n_taps):  # loops over tap pairs and samples, not designs
        for lag in range(n_taps - k):
            lo, hi = max(0, pre - k, lag), min(n, n + pre - k)
            value = 0.25 * _sequential_sum(h[..., j] * h[..., j - lag] for j in range(lo, hi))
            r[k, k + lag] = r[k + lag, k] = value if noise is None else value + noise[..., lag]
        if 0 <= cursor_index - k + pre < n:
            p[k] = 0.25 * h[..., cursor_index - k + pre]
    return _solve_spd(r, p)


def _sequential_sum(terms):
    """0 + t_0 + t_1 + ... in that order (elementwise): the order of the compiled equalizer's
    sums (:mod:`mosaiclink.physics._ffe_kernel`), so that the two paths give the same numbers bit
    for bit (a pairwise or SIMD dot product rounds otherwise)."""
    total = 0.0
    for term in terms:
        total = total + term
    return np.asarray(total, dtype=float)


def _solve_spd(a, b):
    """Solve ``a x = b`` for a batch of symmetric positive-definite ``a`` (taps, taps, ...) and
    ``b`` (taps, ...), batch last; returns x as (..., taps).

    Gaussian elimination without pivoting (stable for SPD matrices, Golub & Van Loan 4.2),
    vectorized over the batch (contiguous): a loop over the taps only, far cheaper than one
    LAPACK call per small matrix. Overwrites ``a`` and ``b``.
    """
    n = a.shape[0]
    for j in range(n - 1):
        factor = a[j + 1 :, j] / a[j, j]
        a[j + 1 :, j + 1 :] -= factor[:, None] * a[j, None, j + 1 :]
        b[j + 1 :] -= factor * b[j]
    x = np.empty_like(b)
    for j in range(n - 1, -1, -1):
        x[j] = (b[j] - _sequential_sum(a[j, m] * x[m] for m in range(j + 1, n))) / a[j, j]
    return np.moveaxis(x, 0, -1)


def apply_ffe(symbol_samples, taps, precursors: int):
    """Equalized symbol-spaced pulse g_m = sum_k c_k h_{m-k+pre}, same length as the input."""
    h = np.asarray(symbol_samples, dtype=float)
    c = np.asarray(taps, dtype=float)
    n = h.shape[-1]
    out = np.zeros(np.broadcast_shapes(h.shape[:-1], c.shape[:-1]) + (n,))
    for k in range(c.shape[-1]):
        shift = k - precursors
        if shift >= 0:
            out[..., shift:] += c[..., k, None] * h[..., : n - shift]
        else:
            out[..., :shift] += c[..., k, None] * h[..., -shift:]
    return out


def ffe_transfer_function(taps, precursors: int, bit_s: float, freq_hz):
    """FFE response sum_k c_k exp(-i 2 pi f (k - pre) T), shape (..., f)."""
    c = np.asarray(taps, dtype=float)
    delays = (np.arange(c.shape[-1]) - precursors) * bit_s
    phase = np.exp(-2j * np.pi * np.asarray(freq_hz, dtype=float)[:, None] * delays[None, :])  # (f, taps)
    return c @ phase.T


def noise_autocorrelation_hz(
    receiver_spec: Batchable[ReceiverSpec], equalizer: Batchable[EqualizerSpec], bit_s, lags: int
) -> np.ndarray:
    """Unit-density noise autocorrelation (Hz) through the receiver and CTLE at symbol lags
    0 .. lags - 1 (see module Notes).

    Spec fields and ``bit_s`` are scalars (result (lags,)) or columns (designs, 1) (result (designs, lags)).
    """
    bit_s = np.asarray(bit_s, dtype=float)
    f_max = NOISE_GRID_SPAN * np.maximum(np.asarray(receiver_spec.tia_bandwidth_ghz) * 1e9, 1.0 / bit_s)
    f = f_max * np.linspace(0.0, 1.0, NOISE_GRID_POINTS)
    h = receiver.transfer_function(receiver_spec, f) * ctle_transfer_function(equalizer, f)
    weights = np.full(NOISE_GRID_POINTS, 1.0 / (NOISE_GRID_POINTS - 1))
    weights[[0, -1]] *= 0.5
    power = (h.real**2 + h.imag**2) * weights * f_max
    # cos(2 pi f k T) for k = 0 .. lags - 1 by the Chebyshev recurrence (one cosine per frequency)
    x = np.cos(2.0 * np.pi * f * bit_s)
    out = np.empty(power.shape[:-1] + (lags,))
    previous, current = np.ones_like(x), x
    out[..., 0] = power.sum(axis=-1)
    for k in range(1, lags):  # a loop over lags, not designs
        out[..., k] = (power * current).sum(axis=-1)
        previous, current = current, 2.0 * x * current - previous
    return out


COMPILED_ROWS = 2048  # from this many rows on (or once Numba is loaded) an MMSE equalization runs compiled
_FFE_GATE = CompileGate(COMPILED_ROWS)


def equalize(
    samples, cursor_index: int, equalizer: EqualizerSpec, noise_density, autocorr, compiled: bool | None = None
):
    """The FFE of the channel core (``channel.decide``): its taps (batch, T) solved from the nominal
    instant (``samples[:, 0]``) of the symbol-spaced samples (batch, J, n) and normalised to a unit
    main tap, the equalized samples of every instant (batch, J, n) and the noise gain
    :math:`c^T R c` (batch,) (module Notes). ``noise_density`` (batch,): the mean of the two levels'
    input-referred densities (A^2/Hz); ``autocorr`` (taps,) or (batch, taps): the unit-density
    autocorrelation (:func:`noise_autocorrelation_hz`). Without an FFE: one unit tap, the samples, r(0).

    From :data:`COMPILED_ROWS` rows on (or once Numba is loaded) an MMSE equalization runs one
    compiled loop per row (:func:`mosaiclink.physics._ffe_kernel.mmse_equalize_rows`: the same
    operations in the same order, identical results); ``compiled`` forces the choice."""
    samples = np.asarray(samples, dtype=float)
    rows = samples.shape[0]
    autocorr = np.asarray(autocorr, dtype=float)
    if not ffe_active(equalizer):
        taps = np.ones((rows, 1))
        return taps, samples, noise_gain(taps, autocorr[..., :1])
    count, pre = equalizer.ffe_taps, equalizer.ffe_precursor_taps
    density = np.asarray(noise_density, dtype=float)[:, None] * autocorr
    if equalizer.ffe_method == "mmse" and _FFE_GATE.compiled(rows, compiled):
        from mosaiclink.physics._ffe_kernel import mmse_equalize_rows

        taps, g, gain = np.empty((rows, count)), np.empty(samples.shape), np.empty(rows)
        lags = np.ascontiguousarray(np.broadcast_to(autocorr, (rows, autocorr.shape[-1])))
        mmse_equalize_rows(samples, cursor_index, pre, np.ascontiguousarray(density), lags, taps, g, gain)
        return taps, g, gain
    taps = solve_ffe(samples[:, 0], cursor_index, equalizer, density)
    main = taps[:, pre : pre + 1]
    unit = (np.arange(count) == pre).astype(float)
    taps = np.where(np.abs(main) > 0, taps / np.where(main == 0, 1.0, main), unit)
    g = apply_ffe(samples, taps[:, None, :], pre)
    return taps, g, noise_gain(taps, autocorr[..., :count])


def noise_gain(taps, autocorr):
    """c^T R c: the noise variance per unit input density through an FFE with taps ``c`` (..., T),
    R the Toeplitz matrix of ``autocorr`` (..., >= T) at the tap lags."""
    c = np.asarray(taps, dtype=float)
    r = np.asarray(autocorr, dtype=float)
    n = c.shape[-1]
    return _sequential_sum(c[..., k] * r[..., abs(k - m)] * c[..., m] for k in range(n) for m in range(n))
