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
positive definite) by Gaussian elimination vectorized over the batch.
"""

from __future__ import annotations

import numpy as np

from mosaiclink.config.batched import Batchable
from mosaiclink.config.design import EqualizerSpec
from mosaiclink.physics import _complex


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
    for k in range(n_taps):  # loops over tap pairs, not designs
        for lag in range(n_taps - k):
            lo, hi = max(0, pre - k, lag), min(n, n + pre - k)
            value = 0.25 * np.einsum("...j,...j->...", h[..., lo:hi], h[..., lo - lag : hi - lag])
            r[k, k + lag] = r[k + lag, k] = value if noise is None else value + noise[..., lag]
        if 0 <= cursor_index - k + pre < n:
            p[k] = 0.25 * h[..., cursor_index - k + pre]
    return _solve_spd(r, p)


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
        x[j] = (b[j] - np.sum(a[j, j + 1 :] * x[j + 1 :], axis=0)) / a[j, j]
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
