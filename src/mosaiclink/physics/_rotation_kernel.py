"""Compiled harmonic rotations of the symbol-spaced sampling (:func:`mosaiclink.physics.sampling.rotated_spectra`).

A module of its own so that importing the physics layer does not load Numba. For each row and
sampling instant one loop forms the spectrum's harmonics rotated to the instant, :math:`H_k z^k`,
instead of the NumPy formulation's (batch, J, K) temporaries, with its operations in its order (the
powers by doubling, real arithmetic, no fused multiply-add): the results are identical.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def rotated_spectra(h, z_re, z_im, out):
    """``out[i, j, k] = h[i, k] z_ij^k`` (rows, J, K) for the unit rotations ``z_re + i z_im`` (rows, J)
    of the instants; returns ``out``."""
    rows, harmonics = h.shape
    instants = z_re.shape[1]
    re = np.empty(harmonics)
    im = np.empty(harmonics)
    for i in range(rows):
        for j in range(instants):
            zr, zi = z_re[i, j], z_im[i, j]
            re[0], im[0] = 1.0, 0.0
            m = 1
            while m < harmonics:  # z^(m + q) = z^q z^m, then z^m -> z^(2m)
                for q in range(min(m, harmonics - m)):
                    a_re, a_im = re[q], im[q]
                    re[m + q] = a_re * zr - a_im * zi
                    im[m + q] = a_re * zi + a_im * zr
                zr, zi = zr * zr - zi * zi, zr * zi + zi * zr
                m *= 2
            for k in range(harmonics):
                h_re, h_im = h[i, k].real, h[i, k].imag
                out[i, j, k] = complex(re[k] * h_re - im[k] * h_im, re[k] * h_im + im[k] * h_re)
    return out
