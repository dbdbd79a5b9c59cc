"""Compiled loops of the blurred-square interval capture (:func:`mosaiclink.physics.optics.interval_capture`).

A module of its own so that importing the physics layer does not load Numba; the first large
capture does. Each loop performs the operations of its NumPy twin in ``optics`` (``_edges``,
``_blurred``) in the same order (no fused multiply-add, no reassociation), so the results are
identical; the exponentials between the two run in NumPy (vectorised) for both. Intervals come in
groups sharing the spot side, blur and width (the rows of the chain: 2 (1 + K) intervals each).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def edges(offset, spot_side, sigma, width, a_max):
    """The four edges of each interval of ``offset`` (groups, M) in units of its group's blur,
    clamped to ``a_max`` in magnitude (4, groups M), -a^2/2 of each (4, groups M) and the second
    difference of their linear parts max(t, 0) (groups M,)."""
    groups, m = offset.shape
    a = np.empty((4, groups * m))
    exponent = np.empty((4, groups * m))
    linear = np.empty(groups * m)
    for g in range(groups):
        half_w = 0.5 * width[g]
        half_s = 0.5 * spot_side[g]
        per_sigma = 1.0 / sigma[g]
        for k in range(m):
            i = g * m + k
            c = offset[g, k]
            t0 = (c + half_w + half_s) * per_sigma
            t1 = (c - half_w + half_s) * per_sigma
            t2 = (c + half_w - half_s) * per_sigma
            t3 = (c - half_w - half_s) * per_sigma
            linear[i] = max(t0, 0.0) - max(t1, 0.0) - max(t2, 0.0) + max(t3, 0.0)
            x0, x1, x2, x3 = min(abs(t0), a_max), min(abs(t1), a_max), min(abs(t2), a_max), min(abs(t3), a_max)
            a[0, i], a[1, i], a[2, i], a[3, i] = x0, x1, x2, x3
            exponent[0, i], exponent[1, i] = -0.5 * x0 * x0, -0.5 * x1 * x1
            exponent[2, i], exponent[3, i] = -0.5 * x2 * x2, -0.5 * x3 * x3
    return a, exponent, linear


@njit(cache=True)
def _tail(x, gauss, table, width, last):
    """T = exp(-a^2/2) P(a): ``gauss`` times the Horner sum of the table's polynomial on a's interval
    (0 where the Gaussian factor has underflowed: the product the sum would give)."""
    if gauss == 0.0:
        return 0.0
    j = min(int(x * (1.0 / width)), last)
    t = (x - j * width) * (2.0 / width) - 1.0
    p = table[j, 0]
    for m in range(1, table.shape[1]):
        p = p * t + table[j, m]
    return gauss * p


@njit(cache=True)
def blurred(a, gauss, linear, spot_side, sigma, table, width, out):
    """The blurred capture, clipped to [0, 1], into ``out`` (groups, M), from the edges ``a`` (4, groups M), their
    factors exp(-a^2/2) and the linear part: sigma / s (linear + T0 - T1 - T2 + T3), T = exp(-a^2/2) P(a),
    P the polynomial of ``table`` (intervals, degree + 1; highest power first) on a's interval of
    ``width``. The two middle edges (c -+ w/2 +- s/2) coincide when the aperture is the spot's
    size: their tail is then evaluated once."""
    groups = spot_side.size
    m = linear.size // groups
    last = table.shape[0] - 1
    for g in range(groups):
        scale = sigma[g] / spot_side[g]
        for k in range(m):
            i = g * m + k
            t0 = _tail(a[0, i], gauss[0, i], table, width, last)
            t1 = _tail(a[1, i], gauss[1, i], table, width, last)
            t2 = t1 if a[2, i] == a[1, i] else _tail(a[2, i], gauss[2, i], table, width, last)
            t3 = _tail(a[3, i], gauss[3, i], table, width, last)
            value = scale * (linear[i] + (t0 - t1 - t2 + t3))
            out[g, k] = 0.0 if value < 0.0 else (1.0 if value > 1.0 else value)
