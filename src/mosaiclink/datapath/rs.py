"""Reed-Solomon codes RS(n, k) over GF(2^m): systematic encoder and errors-and-erasures decoder.

A generic, shortened, narrow-sense-or-not RS code with generator
``g(x) = prod_{j=0}^{n-k-1} (x - alpha^(fcr + j))``. ``RS(544, 514)`` over GF(2^10) with
``x^10 + x^3 + 1`` and ``fcr = 0`` is the IEEE 802.3 clause 91 "KP4" code used by 100/200/400/
800G and 1.6T Ethernet; ``RS(528, 514)`` is "KR4".

Conventions: a codeword is a row of ``n`` symbols, index 0 is the coefficient of ``x^(n-1)``
(message first, parity last), matching IEEE 802.3 transmission order and ``galois``.

Notes
-----
Encoding divides ``u(x) x^(n-k)`` by ``g(x)`` with an LFSR whose feedback products come from a
precomputed table ``T[f, i] = f * g_(i+1)``, packed into five 64-bit words per feedback symbol
(so ``n - k <= 5 floor(63 / m)``: 30 symbols for m = 10, 35 for m = 8).
Decoding: the same LFSR gives ``R(x) = r(x) x^(n-k) mod g(x)``; ``R = 0`` means a codeword.
Otherwise syndromes ``S_j = r(alpha^(fcr+j)) = R(alpha^(fcr+j)) alpha^(-(fcr+j)(n-k))``, the
erasure locator ``Gamma(x) = prod (1 + X_k x)`` seeds Berlekamp-Massey (Blahut, *Algebraic
Codes for Data Transmission*, 2003, sec. 7.6), a Chien search finds the roots of the
errata locator ``Lambda`` over the ``n`` transmitted positions only, and Forney's formula
``e_k = X_k^(1-fcr) Omega(X_k^-1) / Lambda'(X_k^-1)`` with ``Omega = S Lambda mod x^(n-k)``
gives the magnitudes. Any ``e`` errors and ``f`` erasures with ``2e + f <= n - k`` are corrected.

Failure is reported (status -1, word returned unchanged) whenever it is detectable: the
Berlekamp-Massey length violates ``2L - f <= n - k``, the number of roots found among the
transmitted positions differs from ``deg Lambda``, or the corrected word is not a codeword.
Beyond the design distance a decoder can still land on another codeword (miscorrection).
Without erasures that is rare for RS(544,514): ``sum_{i<=15} C(544,i) 1023^i / 1024^30 ~ 5e-17``
per uncorrectable word (McEliece & Swanson, 1986). Erasures use up checks: with ``f`` erasures
only ``30 - f`` remain, and with 2 errors and 28 erasures half of the words are miscorrected
(:func:`mosaiclink.datapath.analytic.log_miscorrection_fraction`, measured in
``tests/datapath/test_miscorrection.py``), which is why frames also carry a CRC.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from numba import njit

from mosaiclink.datapath.gf import GaloisField, galois_field
from mosaiclink.errors import ConfigError

_WORDS = 5  # packed LFSR width: 5 x 64-bit words hold n - k <= 5 * floor(63 / m) symbols


@njit(cache=True)
def _lfsr_remainder(word, stop, table, m, reg):
    """Divide ``word[:stop] * x^(n-k)`` by ``g(x)``; the remainder goes to ``reg`` (n-k symbols).

    The register is packed ``floor(63/m)`` symbols per 64-bit word (top-aligned) so that one
    step is a symbol shift and a 5-word XOR with the feedback row ``table[fb]``.
    """
    spw = 63 // m
    bits = m * spw
    mask = np.uint64((1 << bits) - 1)
    sh = np.uint64(m)
    top = np.uint64(bits - m)
    a0 = np.uint64(0)
    a1 = np.uint64(0)
    a2 = np.uint64(0)
    a3 = np.uint64(0)
    a4 = np.uint64(0)
    for i in range(stop):
        row = table[np.uint64(word[i]) ^ (a0 >> top)]
        a0 = (((a0 << sh) | (a1 >> top)) & mask) ^ row[0]
        a1 = (((a1 << sh) | (a2 >> top)) & mask) ^ row[1]
        a2 = (((a2 << sh) | (a3 >> top)) & mask) ^ row[2]
        a3 = (((a3 << sh) | (a4 >> top)) & mask) ^ row[3]
        a4 = ((a4 << sh) & mask) ^ row[4]
    nonzero = (a0 | a1 | a2 | a3 | a4) != 0
    sym = np.uint64((1 << m) - 1)
    for s in range(reg.shape[0]):
        w = s // spw
        acc = a0 if w == 0 else a1 if w == 1 else a2 if w == 2 else a3 if w == 3 else a4
        reg[s] = (acc >> np.uint64(bits - m * (s % spw + 1))) & sym
    return nonzero


@njit(cache=True)
def _encode_batch(msgs, table, m, n):
    b, k = msgs.shape
    out = np.empty((b, n), dtype=np.uint16)
    reg = np.zeros(n - k, dtype=np.uint16)
    for r in range(b):
        _lfsr_remainder(msgs[r], k, table, m, reg)
        out[r, :k] = msgs[r]
        out[r, k:] = reg
    return out


@njit(cache=True)
def _gf_mul(a, b, exp, log):
    if a == 0 or b == 0:
        return 0
    return exp[log[a] + log[b]]


@njit(cache=True)
def _decode_one(word, erased, table, exp, log, m, fcr, reg, scratch):
    """Decode ``word`` in place. Returns corrected-symbol count, or -1 on detected failure."""
    n = word.shape[0]
    nk = reg.shape[0]
    q1 = exp.shape[0] // 2
    if not _lfsr_remainder(word, n, table, m, reg):
        return 0
    # syndromes S_j = R(alpha^(fcr+j)) * alpha^(-(fcr+j) nk); R has reg[0] as top coefficient
    synd = np.zeros(nk, dtype=np.int64)
    for j in range(nk):
        e = (fcr + j) % q1
        acc = 0
        for i in range(nk):
            if acc != 0:
                acc = exp[log[acc] + e]
            acc ^= reg[i]
        if acc != 0:
            synd[j] = exp[(log[acc] + q1 - (e * nk) % q1) % q1]
    # erasure locator Gamma(x), low-to-high coefficients
    lam = np.zeros(nk + 2, dtype=np.int64)
    lam[0] = 1
    f = 0
    for p in range(n):
        if erased[p]:
            if f >= nk:
                return -1
            xk = (n - 1 - p) % q1
            for i in range(f + 1, 0, -1):
                if lam[i - 1] != 0:
                    lam[i] ^= exp[log[lam[i - 1]] + xk]
            f += 1
    # Berlekamp-Massey seeded with the erasure locator (Blahut 2003, sec. 7.6)
    bpoly = lam.copy()
    big_l = f
    tmp = np.zeros(nk + 2, dtype=np.int64)
    for k in range(f, nk):
        delta = 0
        for i in range(0, min(k, nk) + 1):
            if lam[i] != 0 and synd[k - i] != 0:
                delta ^= exp[log[lam[i]] + log[synd[k - i]]]
        if delta != 0:
            ld = log[delta]
            tmp[:] = lam
            for i in range(1, nk + 2):
                if bpoly[i - 1] != 0:
                    lam[i] ^= exp[ld + log[bpoly[i - 1]]]
            if 2 * big_l <= k + f:
                inv = q1 - ld
                for i in range(nk + 2):
                    bpoly[i] = exp[inv + log[tmp[i]]] if tmp[i] != 0 else 0
                big_l = k + 1 + f - big_l
                continue
        for i in range(nk + 1, 0, -1):  # B <- x B
            bpoly[i] = bpoly[i - 1]
        bpoly[0] = 0
    deg = 0
    for i in range(nk + 2):
        if lam[i] != 0:
            deg = i
    if deg != big_l or 2 * big_l - f > nk or deg == 0:
        return -1
    # Omega = S * Lambda mod x^nk
    omega = np.zeros(nk, dtype=np.int64)
    for i in range(nk):
        acc = 0
        for j in range(0, min(i, deg) + 1):
            if lam[j] != 0 and synd[i - j] != 0:
                acc ^= exp[log[lam[j]] + log[synd[i - j]]]
        omega[i] = acc
    # Chien search over the n transmitted positions, X^-1 = alpha^-(n-1-p): the exponent of
    # term i starts at log(lam_i) - i (n-1) and grows by i per position.
    cur = np.full(deg + 1, -1, dtype=np.int64)
    for i in range(deg + 1):
        if lam[i] != 0:
            cur[i] = (log[lam[i]] + (q1 - (n - 1) % q1) * i) % q1
    roots = scratch
    nroots = 0
    for p in range(n):
        acc = 0
        for i in range(deg + 1):
            c = cur[i]
            if c >= 0:
                acc ^= exp[c]
                c += i
                cur[i] = c - q1 if c >= q1 else c
        if acc == 0:
            if nroots >= deg:
                return -1
            roots[nroots] = p
            nroots += 1
    if nroots != deg:
        return -1
    corrected = 0
    for r in range(nroots):
        p = roots[r]
        xe = (n - 1 - p) % q1
        ex = q1 - xe if xe else 0
        om = 0
        e_acc = 0
        for i in range(nk):
            if omega[i] != 0:
                om ^= exp[log[omega[i]] + e_acc]
            e_acc += ex
            if e_acc >= q1:
                e_acc -= q1
        dl = 0
        e_acc = 0
        step = (2 * ex) % q1
        for i in range(1, deg + 1, 2):
            if lam[i] != 0:
                dl ^= exp[log[lam[i]] + e_acc]
            e_acc += step
            if e_acc >= q1:
                e_acc -= q1
        if dl == 0:
            return -1
        mag = 0
        if om != 0:
            mag = exp[(log[om] - log[dl] + (xe * ((1 - fcr) % q1)) % q1 + q1) % q1]
            corrected += 1
        scratch[n + r] = mag
    for r in range(nroots):
        word[roots[r]] ^= scratch[n + r]
    if _lfsr_remainder(word, n, table, m, reg):
        for r in range(nroots):  # not a codeword: restore the received word, report failure
            word[roots[r]] ^= scratch[n + r]
        return -1
    return corrected


@njit(cache=True)
def _decode_batch(words, erasures, table, exp, log, m, fcr, nk):
    b, n = words.shape
    status = np.zeros(b, dtype=np.int32)
    reg = np.zeros(nk, dtype=np.uint16)
    scratch = np.zeros(2 * n, dtype=np.int64)
    for r in range(b):
        status[r] = _decode_one(words[r], erasures[r], table, exp, log, m, fcr, reg, scratch)
    return status


@njit(cache=True)
def _is_codeword_batch(words, table, m, nk):
    b, n = words.shape
    ok = np.empty(b, dtype=np.bool_)
    reg = np.zeros(nk, dtype=np.uint16)
    for r in range(b):
        ok[r] = not _lfsr_remainder(words[r], n, table, m, reg)
    return ok


@dataclass(frozen=True)
class ReedSolomon:
    """A (shortened) Reed-Solomon code RS(n, k) over GF(2^m).

    Parameters
    ----------
    n, k : int
        Codeword and message length in symbols, ``k < n <= 2^m - 1``.
    m : int
        Symbol size in bits.
    poly : int
        Primitive field polynomial as a bit mask (``0x409`` = x^10 + x^3 + 1).
    fcr : int
        First consecutive root: ``g(x)`` has roots ``alpha^fcr .. alpha^(fcr + n - k - 1)``.
    """

    n: int
    k: int
    m: int = 10
    poly: int = 0x409
    fcr: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.k < self.n <= (1 << self.m) - 1:
            raise ConfigError(f"RS({self.n},{self.k}) over GF(2^{self.m}): need 0 < k < n <= {(1 << self.m) - 1}")
        if self.parity > _WORDS * (63 // self.m):
            raise ConfigError(
                f"RS({self.n},{self.k}): at most {_WORDS * (63 // self.m)} parity symbols for m = {self.m}"
            )

    @property
    def t(self) -> int:
        """Random-error correction capability ``floor((n - k) / 2)``."""
        return (self.n - self.k) // 2

    @property
    def parity(self) -> int:
        return self.n - self.k

    @property
    def field(self) -> GaloisField:
        return galois_field(self.m, self.poly)

    @cached_property
    def generator(self) -> np.ndarray:
        """Generator polynomial coefficients, highest degree first (``g[0] = 1``)."""
        gf = self.field
        g = np.array([1], dtype=np.int64)
        for j in range(self.parity):
            root = gf.exp[(self.fcr + j) % (gf.order - 1)]
            # multiply by (x + root)
            shifted = np.concatenate([g, [0]])
            scaled = np.concatenate([[0], gf.mul(g, root)])
            g = shifted ^ scaled
        return g

    @cached_property
    def _table(self) -> np.ndarray:
        """Packed LFSR feedback rows: ``f * g_(i+1)`` for every feedback symbol ``f``."""
        gf = self.field
        fb = np.arange(gf.order, dtype=np.int64)[:, None]
        products = gf.mul(fb, self.generator[None, 1:]).astype(np.uint64)
        spw = 63 // self.m
        packed = np.zeros((gf.order, _WORDS), dtype=np.uint64)
        for s in range(self.parity):
            packed[:, s // spw] |= products[:, s] << np.uint64(self.m * (spw - 1 - s % spw))
        return packed

    def encode(self, messages) -> np.ndarray:
        """Systematic codewords ``(B, n)`` uint16 from messages ``(B, k)`` (or one ``(k,)``)."""
        msgs = np.asarray(messages)
        single = msgs.ndim == 1
        msgs = np.atleast_2d(msgs)
        if msgs.shape[1] != self.k or (msgs.size and (msgs.min() < 0 or msgs.max() >= self.field.order)):
            raise ConfigError(f"messages: need shape (B, {self.k}) with symbols in 0..{self.field.order - 1}")
        out = _encode_batch(np.ascontiguousarray(msgs, dtype=np.uint16), self._table, self.m, self.n)
        return out[0] if single else out

    def decode(self, received, erasures=None) -> tuple[np.ndarray, np.ndarray]:
        """Correct a batch of received words.

        Parameters
        ----------
        received : array_like, shape (B, n)
            Received symbols.
        erasures : array_like of bool, shape (B, n), optional
            True where the symbol is known to be unreliable (e.g. carried by a dead channel).

        Returns
        -------
        words : ndarray (B, n) uint16
            Corrected codewords; rows whose decoding failed are returned as received.
        status : ndarray (B,) int32
            Number of symbols corrected (>= 0), or -1 where failure was detected.
        """
        words = np.array(np.atleast_2d(received), dtype=np.uint16, copy=True)
        if words.shape[1] != self.n:
            raise ConfigError(f"received: need shape (B, {self.n})")
        if erasures is None:
            er = np.zeros(words.shape, dtype=np.bool_)
        else:
            er = np.ascontiguousarray(np.broadcast_to(np.asarray(erasures, dtype=np.bool_), words.shape))
        gf = self.field
        status = _decode_batch(
            words, er, self._table, gf.exp.astype(np.int64), gf.log.astype(np.int64), self.m, self.fcr, self.parity
        )
        return words, status

    def is_codeword(self, words) -> np.ndarray:
        """True for rows that are codewords (zero remainder modulo ``g(x)``)."""
        w = np.ascontiguousarray(np.atleast_2d(words), dtype=np.uint16)
        return _is_codeword_batch(w, self._table, self.m, self.parity)


@lru_cache(maxsize=8)
def reed_solomon(n: int, k: int, m: int = 10, poly: int = 0x409, fcr: int = 0) -> ReedSolomon:
    """Cached code instance (its tables are built once)."""
    return ReedSolomon(n=n, k=k, m=m, poly=poly, fcr=fcr)


KP4 = (544, 514, 10, 0x409, 0)
KR4 = (528, 514, 10, 0x409, 0)
