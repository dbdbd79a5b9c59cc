"""Arithmetic in GF(2^m) through log / antilog tables.

Elements are integers ``0 .. 2^m - 1`` (polynomial basis, bit i = coefficient of x^i);
``alpha = x`` is the primitive element, so the field polynomial must be primitive.

Notes
-----
``exp[i] = alpha^i`` for ``i in 0 .. 2(q-1)`` (doubled so that ``exp[log a + log b]`` needs no
modulo) and ``log[exp[i]] = i``; ``a * b = exp[log a + log b]`` for non-zero operands.
IEEE 802.3 clause 91 (RS(528,514) "KR4" and RS(544,514) "KP4") uses GF(2^10) with
``p(x) = x^10 + x^3 + 1``; PCIe 6.0 flit-mode FEC uses GF(2^8) (we take
``x^8 + x^4 + x^3 + x^2 + 1``, the common Reed-Solomon byte field; our assumption).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from mosaiclink.errors import ConfigError

KP4_POLY = 0b100_0000_1001  # x^10 + x^3 + 1 (IEEE 802.3 cl. 91.5.2.7)
BYTE_POLY = 0x11D  # x^8 + x^4 + x^3 + x^2 + 1


@dataclass(frozen=True, eq=False)
class GaloisField:
    """GF(2^m) with primitive polynomial ``poly`` (bit mask including x^m)."""

    m: int
    poly: int
    exp: np.ndarray  # int32, length 2 (q - 1)
    log: np.ndarray  # int32, length q; log[0] is unused (set to -1)

    @property
    def order(self) -> int:
        return 1 << self.m

    def mul(self, a, b) -> np.ndarray:
        """Element-wise product of two integer arrays (broadcasting)."""
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        out = self.exp[(self.log[a] + self.log[b]) % (self.order - 1)]
        return np.where((a == 0) | (b == 0), 0, out).astype(np.int64)

    def div(self, a, b) -> np.ndarray:
        """Element-wise ``a / b``; division by zero raises :class:`ConfigError`."""
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        if np.any(b == 0):
            raise ConfigError("GF division by zero")
        out = self.exp[(self.log[a] - self.log[b]) % (self.order - 1)]
        return np.where(a == 0, 0, out).astype(np.int64)

    def power(self, a, e) -> np.ndarray:
        """``a ** e`` element-wise (``0 ** 0 = 1``)."""
        a = np.asarray(a, dtype=np.int64)
        e = np.asarray(e, dtype=np.int64)
        out = self.exp[(self.log[a] * e) % (self.order - 1)]
        return np.where(a == 0, np.where(e == 0, 1, 0), out).astype(np.int64)


@lru_cache(maxsize=16)
def galois_field(m: int, poly: int) -> GaloisField:
    """Build (and cache) the tables of GF(2^m); ``poly`` must be primitive of degree m."""
    if not 2 <= m <= 16 or poly >> m != 1:
        raise ConfigError(f"field polynomial {poly:#x}: must have degree m = {m} (2..16)")
    q = 1 << m
    exp = np.zeros(2 * (q - 1), dtype=np.int32)
    log = np.full(q, -1, dtype=np.int32)
    x = 1
    for i in range(q - 1):
        if log[x] != -1:
            raise ConfigError(f"field polynomial {poly:#x} is not primitive for GF(2^{m})")
        exp[i] = x
        log[x] = i
        x <<= 1
        if x & q:
            x ^= poly
    exp[q - 1 :] = exp[: q - 1]
    exp.setflags(write=False)
    log.setflags(write=False)
    return GaloisField(m=m, poly=poly, exp=exp, log=log)
