"""Compiled loops of the blurred-square interval capture (:func:`mosaiclink.physics.optics.interval_capture`).

A module of its own so that importing the physics layer does not load Numba; the first large
capture does. Each loop performs the operations of its NumPy twin in ``optics`` (``_edges``,
``_blurred``) in the same order (no fused multiply-add, no reassociation), so the results are
identical; the exponentials between the two run in NumPy (vectorised) for both.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def edges(offset, spot_side, sigma, width, a_max):
    """The four edges in units of the blur, clamped to ``a_max`` in magnitude (4, N), -a^2/2 of each
    (4, N) and the second difference of their linear parts max(t, 0) (N,), of 1-D inputs of one length."""
    n = offset.size
    a = np.empty((4, n))
    exponent = np.empty((4, n))
    linear = np.empty(n)
    for i in range(n):
        half_w = 0.5 * width[i]
        half_s = 0.5 * spot_side[i]
        c = offset[i]
        sig = sigma[i]
        t0 = (c + half_w + half_s) / sig
        t1 = (c - half_w + half_s) / sig
        t2 = (c + half_w - half_s) / sig
        t3 = (c - half_w - half_s) / sig
        linear[i] = max(t0, 0.0) - max(t1, 0.0) - max(t2, 0.0) + max(t3, 0.0)
        x0, x1, x2, x3 = min(abs(t0), a_max), min(abs(t1), a_max), min(abs(t2), a_max), min(abs(t3), a_max)
        a[0, i], a[1, i], a[2, i], a[3, i] = x0, x1, x2, x3
        exponent[0, i], exponent[1, i] = -0.5 * x0 * x0, -0.5 * x1 * x1
        exponent[2, i], exponent[3, i] = -0.5 * x2 * x2, -0.5 * x3 * x3
    return a, exponent, linear


@njit(cache=True)
def blurred(a, gauss, linear, spot_side, sigma, table, width):
    """The blurred capture (unclipped, N,) from the edges ``a`` (4, N), their factors exp(-a^2/2)
    and the linear part: sigma / s (linear + T0 - T1 - T2 + T3), T = exp(-a^2/2) P(a), P the
    polynomial of ``table`` (intervals, degree + 1; highest power first) on a's interval of ``width``."""
    n = linear.size
    flat_a, flat_gauss = a.reshape(-1), gauss.reshape(-1)
    tail = np.empty(4 * n)
    last = table.shape[0] - 1
    degree = table.shape[1]
    for i in range(4 * n):
        x = flat_a[i]
        j = min(int(x * (1.0 / width)), last)
        t = (x - j * width) * (2.0 / width) - 1.0
        p = table[j, 0]
        for m in range(1, degree):
            p = p * t + table[j, m]
        tail[i] = flat_gauss[i] * p
    out = np.empty(n)
    for i in range(n):
        out[i] = sigma[i] / spot_side[i] * (linear[i] + (tail[i] - tail[n + i] - tail[2 * n + i] + tail[3 * n + i]))
    return out
