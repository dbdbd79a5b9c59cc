"""Compiled lowest harmonics of many real pulses (:func:`mosaiclink.physics.sampling.lowest_harmonics`).

A module of its own so that importing the physics layer does not load Numba. The pulses arrive
time-major, (samples, rows), as the rate equation's loop writes them; each block of rows is one
SIMD lane per row through every butterfly, so no row is gathered or transposed, and only the
harmonics asked for are formed. The operations are those of the NumPy formulation in
:mod:`mosaiclink.physics.sampling`, in its order (real arithmetic, no fused multiply-add): the
results are identical, and a row's do not depend on its batch.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def lowest_harmonics(pulse, reverse, twiddle_re, twiddle_im, post_re, post_im, divisor, per_row, block, out):
    """``out[r, k]`` (rows, K) = ``rfft(pulse[:, r])[k] / divisor / per_row[r]`` for k < K, by the
    half-length complex transform of :func:`mosaiclink.physics.sampling.lowest_harmonics` (its Notes),
    ``block`` rows at a time; returns ``out``."""
    rows = pulse.shape[1]
    half = pulse.shape[0] // 2
    re = np.empty((half, block))
    im = np.empty((half, block))
    out_rows = np.arange(rows)
    tables = (reverse, twiddle_re, twiddle_im, post_re, post_im)
    for start in range(0, rows, block):
        harmonics_block(pulse, start, min(block, rows - start), tables, divisor, per_row, start, out_rows, out, re, im)
    return out


@njit(cache=True, inline="always")
def harmonics_block(source, first, lanes, tables, divisor, per_row, row0, out_rows, out, re, im):
    """The transform of :func:`lowest_harmonics` for the ``lanes`` pulses in columns ``first ..`` of
    ``source`` (samples, >= first + lanes): pulse ``lane`` into ``out[out_rows[row0 + lane]]``, divided by
    ``divisor`` and ``per_row[row0 + lane]``; ``re``/``im`` (samples / 2, >= lanes) are scratch."""
    reverse, twiddle_re, twiddle_im, post_re, post_im = tables
    half = source.shape[0] // 2
    for m in range(half):  # z_m = x_2m + i x_2m+1, in bit-reversed order
        src = 2 * reverse[m]
        for lane in range(lanes):
            re[m, lane] = source[src, first + lane]
            im[m, lane] = source[src + 1, first + lane]
    size = 2
    while size <= half:
        step = size // 2
        stride = half // size
        for group in range(0, half, size):
            for j in range(step):
                a = group + j
                b = a + step
                cr, ci = twiddle_re[j * stride], twiddle_im[j * stride]
                for lane in range(lanes):
                    tr = cr * re[b, lane] - ci * im[b, lane]
                    ti = cr * im[b, lane] + ci * re[b, lane]
                    re[b, lane] = re[a, lane] - tr
                    im[b, lane] = im[a, lane] - ti
                    re[a, lane] = re[a, lane] + tr
                    im[a, lane] = im[a, lane] + ti
        size *= 2
    for k in range(out.shape[1]):
        own = k % half
        mirror = (half - k) % half
        c, s = post_re[k], post_im[k]
        for lane in range(lanes):
            ar, ai = re[own, lane], im[own, lane]
            br, bi = re[mirror, lane], -im[mirror, lane]
            even_re, even_im = 0.5 * (ar + br), 0.5 * (ai + bi)
            odd_re, odd_im = 0.5 * (ai - bi), -0.5 * (ar - br)
            x_re = even_re + c * odd_re - s * odd_im
            x_im = even_im + c * odd_im + s * odd_re
            scale = per_row[row0 + lane]
            out[out_rows[row0 + lane], k] = complex(x_re / divisor / scale, x_im / divisor / scale)
