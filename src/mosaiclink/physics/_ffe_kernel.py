"""Compiled MMSE feed-forward equalizer of the channel core (:func:`mosaiclink.physics.equalizer.equalize`),
one loop per row.

A module of its own so that importing the physics layer does not load Numba; the first large
MMSE equalization does. Per row it performs the NumPy formulation's operations
(``equalizer.solve_ffe``'s normal equations and its elimination without pivoting, the main tap
normalised to 1, ``equalizer.apply_ffe`` and ``equalizer.noise_gain``) in the same order (sums
term by term from 0, no fused multiply-add, no reassociation) on the row's own small arrays,
instead of ~100 array operations over the batch: the results are identical
(``tests/physics/test_ffe_kernel.py``), so a number does not depend on which path its batch took.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def mmse_equalize_rows(samples, cursor_index, pre, density, autocorr, taps_out, g_out, gain_out):
    """MMSE taps of each row from its nominal instant's samples ``samples[i, 0]`` (rows, J, n),
    cursor at ``cursor_index``, ``pre`` precursor taps, the noise ``density`` at the tap lags (rows, T)
    (A^2); the taps normalised to a unit main tap into ``taps_out`` (rows, T) (a unit main tap
    alone where the solved one is 0 or not finite), the equalized samples of every instant into
    ``g_out`` (rows, J, n) and :math:`c^T R c` with the Toeplitz ``autocorr`` (rows, >= T) into
    ``gain_out`` (rows,)."""
    rows, instants, n = samples.shape
    count = taps_out.shape[1]
    r = np.empty((count, count))
    p = np.empty(count)
    x = np.empty(count)
    for i in range(rows):
        h = samples[i, 0]
        # the normal equations: R[k, l] = 1/4 sum_j h[j] h[j + k - l] + noise at lag |k - l|,
        # p[k] = h[cursor - k + pre] / 4
        for k in range(count):
            for lag in range(count - k):
                lo, hi = max(0, pre - k, lag), min(n, n + pre - k)
                s = 0.0
                for j in range(lo, hi):
                    s += h[j] * h[j - lag]
                value = 0.25 * s + density[i, lag]
                r[k, k + lag] = value
                r[k + lag, k] = value
            at = cursor_index - k + pre
            p[k] = 0.25 * h[at] if 0 <= at < n else 0.0
        # Gaussian elimination without pivoting (symmetric positive definite), then back substitution
        for j in range(count - 1):
            for a in range(j + 1, count):
                factor = r[a, j] / r[j, j]
                for b in range(j + 1, count):
                    r[a, b] -= factor * r[j, b]
                p[a] -= factor * p[j]
        for j in range(count - 1, -1, -1):
            s = 0.0
            for b in range(j + 1, count):
                s += r[j, b] * x[b]
            x[j] = (p[j] - s) / r[j, j]
        main = x[pre]
        for k in range(count):
            taps_out[i, k] = x[k] / main if abs(main) > 0 else (1.0 if k == pre else 0.0)
        # g_m = sum_k c_k h_{m - k + pre} at every instant
        for j in range(instants):
            for m in range(n):
                g_out[i, j, m] = 0.0
            for k in range(count):
                shift, c = k - pre, taps_out[i, k]
                for m in range(max(0, shift), min(n, n + shift)):
                    g_out[i, j, m] += c * samples[i, j, m - shift]
        s = 0.0
        for k in range(count):
            for m in range(count):
                s += taps_out[i, k] * autocorr[i, abs(k - m)] * taps_out[i, m]
        gain_out[i] = s
