"""Complex arrays assembled from real arithmetic (the transfer functions' hot path).

NumPy's complex multiply, divide and ``exp`` on (designs, frequencies) arrays cost several
times their real counterparts and allocate complex temporaries; the rational and
sinc/phase responses are cheaper written out in real and imaginary parts.
"""

from __future__ import annotations

import numpy as np


def from_parts(real, imag) -> np.ndarray:
    """complex128 array ``real + i imag`` (broadcast), without complex temporaries."""
    out = np.empty(np.broadcast_shapes(np.shape(real), np.shape(imag)), dtype=np.complex128)
    out.real = real
    out.imag = imag
    return out


def inverse(real, imag) -> np.ndarray:
    """``1 / (real + i imag)`` = ``(real - i imag) / (real^2 + imag^2)``, with few temporaries."""
    scale = np.square(real, dtype=np.float64)
    scale += np.square(imag)
    np.reciprocal(scale, out=scale)
    out = np.empty(scale.shape, dtype=np.complex128)
    np.multiply(real, scale, out=out.real)
    np.multiply(imag, scale, out=out.imag)
    np.negative(out.imag, out=out.imag)
    return out
