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
transmitted positions differs from ``deg Lambda``, or the corrected word is not a codeword
(checked without a second division: its syndromes ``S_j + sum_r e_r X_r^(fcr+j)`` must all
vanish, since ``g(x)`` has exactly the roots ``alpha^(fcr+j)``).
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
def _lfsr_remainder(word, stop, table, lead, m, reg):
    """Divide ``word[:stop] * x^(n-k)`` by ``g(x)``; the remainder goes to ``reg`` (n-k symbols).

    The register is packed ``floor(63/m)`` symbols per 64-bit word (top-aligned) so that one
    step is a symbol shift and a 5-word XOR with the feedback row ``table[fb]``. The next
    feedback symbol is the next input + the register's second symbol + ``g_1 fb``
    (``lead[fb]``, a small table), so the wide row load is off the loop's critical path.
    """
    spw = 63 // m
    bits = m * spw
    mask = np.uint64((1 << bits) - 1)
    sh = np.uint64(m)
    top = np.uint64(bits - m)
    second = np.uint64(bits - 2 * m)
    sym = np.uint64((1 << m) - 1)
    a0 = np.uint64(0)
    a1 = np.uint64(0)
    a2 = np.uint64(0)
    a3 = np.uint64(0)
    a4 = np.uint64(0)
    fb = np.uint64(word[0]) if stop > 0 else np.uint64(0)
    for i in range(stop):
        row = table[fb]
        nxt = np.uint64(word[i + 1]) if i + 1 < stop else np.uint64(0)
        nxt ^= ((a0 >> second) & sym) ^ np.uint64(lead[fb])
        a0 = (((a0 << sh) | (a1 >> top)) & mask) ^ row[0]
        a1 = (((a1 << sh) | (a2 >> top)) & mask) ^ row[1]
        a2 = (((a2 << sh) | (a3 >> top)) & mask) ^ row[2]
        a3 = (((a3 << sh) | (a4 >> top)) & mask) ^ row[3]
        a4 = ((a4 << sh) & mask) ^ row[4]
        fb = nxt
    nonzero = (a0 | a1 | a2 | a3 | a4) != 0
    sym = np.uint64((1 << m) - 1)
    for s in range(reg.shape[0]):
        w = s // spw
        acc = a0 if w == 0 else a1 if w == 1 else a2 if w == 2 else a3 if w == 3 else a4
        reg[s] = (acc >> np.uint64(bits - m * (s % spw + 1))) & sym
    return nonzero


@njit(cache=True)
def _encode_batch(msgs, table, lead, m, n):
    b, k = msgs.shape
    out = np.empty((b, n), dtype=np.uint16)
    reg = np.zeros(n - k, dtype=np.uint16)
    for r in range(b):
        _lfsr_remainder(msgs[r], k, table, lead, m, reg)
        out[r, :k] = msgs[r]
        out[r, k:] = reg
    return out


@njit(cache=True)
def _decode_one(word, erased, table, lead, exz, logz, spow, pexp, m, fcr, reg, ws, val):
    """Decode ``word`` in place. Returns corrected-symbol count, or -1 on detected failure.

    Products are branch-free ``exz[logz[a] + logz[b]]`` (:meth:`ReedSolomon._exz`). ``ws`` holds
    seven rows of scratch (syndromes and their logs, Lambda, B, the previous Lambda, Omega's
    logs, roots), ``val`` a block of the Chien sums.
    """
    n = word.shape[0]
    nk = reg.shape[0]
    q1 = exz.shape[0] // 4
    if not _lfsr_remainder(word, n, table, lead, m, reg):
        return 0
    synd, lsyn, lam, bpoly, tmp, lom, roots = ws[0], ws[1], ws[2], ws[3], ws[4], ws[5], ws[6]
    # syndromes S_j = R(alpha^(fcr+j)) alpha^(-(fcr+j) nk) = sum_i reg[i] alpha^(-(fcr+j)(i+1))
    synd[:nk] = 0
    for i in range(nk):
        if reg[i] != 0:
            li = logz[reg[i]]
            for j in range(nk):
                synd[j] ^= exz[li + spow[i, j]]
    for j in range(nk):
        lsyn[j] = logz[synd[j]]
    # erasure locator Gamma(x), low-to-high coefficients
    lam[:] = 0
    lam[0] = 1
    f = 0
    for p in range(n):
        if erased[p]:
            if f >= nk:
                return -1
            xk = (n - 1 - p) % q1
            for i in range(f + 1, 0, -1):
                lam[i] ^= exz[logz[lam[i - 1]] + xk]
            f += 1
    # Berlekamp-Massey seeded with the erasure locator (Blahut 2003, sec. 7.6); dl and db bound
    # the degrees of Lambda and B (coefficients above them are zero), B is truncated at x^(nk+1)
    bpoly[:] = lam
    big_l = f
    dl = f
    db = f
    for k in range(f, nk):
        delta = 0
        for i in range(0, min(k, dl) + 1):
            delta ^= exz[logz[lam[i]] + lsyn[k - i]]
        if delta != 0:
            ld = logz[delta]
            old = dl
            tmp[: old + 1] = lam[: old + 1]
            top = min(db + 1, nk + 1)
            for i in range(1, top + 1):
                lam[i] ^= exz[ld + logz[bpoly[i - 1]]]
            dl = max(dl, top)
            if 2 * big_l <= k + f:
                inv = q1 - ld
                for i in range(old + 1):
                    bpoly[i] = exz[inv + logz[tmp[i]]]
                bpoly[old + 1 : db + 1] = 0
                db = old
                big_l = k + 1 + f - big_l
                continue
        if db == nk + 1:
            bpoly[nk + 1] = 0
            db = nk
        for i in range(db + 1, 0, -1):  # B <- x B
            bpoly[i] = bpoly[i - 1]
        bpoly[0] = 0
        db += 1
    deg = 0
    for i in range(dl + 1):
        if lam[i] != 0:
            deg = i
    if deg != big_l or 2 * big_l - f > nk or deg == 0:
        return -1
    for i in range(deg + 1):
        tmp[i] = logz[lam[i]]  # logs of Lambda from here on
    # Omega = S * Lambda mod x^nk, kept as logs
    for i in range(nk):
        acc = 0
        for j in range(0, min(i, deg) + 1):
            acc ^= exz[tmp[j] + lsyn[i - j]]
        lom[i] = logz[acc]
    # Chien search over the n transmitted positions: val[p] = Lambda(X_p^-1), X_p^-1 = alpha^-(n-1-p),
    # term i is alpha^(log lam_i + pexp[i, p]) with pexp[i, p] = i (p - (n-1)) mod (q-1)
    val[:] = lam[0]
    for i in range(1, deg + 1):
        li = tmp[i]
        if li < q1:
            for p in range(n):
                val[p] ^= exz[li + pexp[i, p]]
    nroots = 0
    for p in range(n):
        if val[p] == 0:
            if nroots >= deg:
                return -1
            roots[nroots] = p
            nroots += 1
    if nroots != deg:
        return -1
    # Forney: e = X^(1-fcr) Omega(X^-1) / Lambda'(X^-1), Lambda' keeping the odd terms
    mags = lsyn  # the syndromes' logs are not needed any more
    corrected = 0
    for r in range(nroots):
        p = roots[r]
        om = 0
        for i in range(nk):
            om ^= exz[lom[i] + pexp[i, p]]
        dl_x = 0
        for i in range(1, deg + 1, 2):
            dl_x ^= exz[tmp[i] + pexp[i - 1, p]]
        if dl_x == 0:
            return -1
        mag = 0
        if om != 0:
            xe = (n - 1 - p) % q1
            mag = exz[(logz[om] - logz[dl_x] + (xe * ((1 - fcr) % q1)) % q1 + q1) % q1]
            corrected += 1
        mags[r] = mag
    # the corrected word is a codeword iff its syndromes S_j + sum_r e_r X_r^(fcr+j) all vanish
    for r in range(nroots):
        lm = logz[mags[r]]
        xe = (n - 1 - roots[r]) % q1
        e = (fcr * xe) % q1
        for j in range(nk):
            synd[j] ^= exz[lm + e]
            e += xe
            if e >= q1:
                e -= q1
    for j in range(nk):
        if synd[j] != 0:
            return -1
    for r in range(nroots):
        word[roots[r]] ^= mags[r]
    return corrected


@njit(cache=True)
def _decode_batch(words, erasures, table, lead, exz, logz, spow, pexp, m, fcr, nk):
    b, n = words.shape
    status = np.zeros(b, dtype=np.int32)
    reg = np.zeros(nk, dtype=np.uint16)
    ws = np.zeros((7, 2 * nk + 4), dtype=np.int64)
    val = np.zeros(n, dtype=np.int32)
    for r in range(b):
        status[r] = _decode_one(words[r], erasures[r], table, lead, exz, logz, spow, pexp, m, fcr, reg, ws, val)
    return status


@njit(cache=True)
def _is_codeword_batch(words, table, lead, m, nk):
    b, n = words.shape
    ok = np.empty(b, dtype=np.bool_)
    reg = np.zeros(nk, dtype=np.uint16)
    for r in range(b):
        ok[r] = not _lfsr_remainder(words[r], n, table, lead, m, reg)
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

    @cached_property
    def _decoder_tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Branch-free log/antilog tables and the decoder's exponent tables.

        ``exz`` (length ``4 (q-1) + 1``) is ``alpha^i`` for ``i < 2 (q-1)`` and 0 above, and
        ``logz[0] = 2 (q-1)``, so ``a b = exz[logz[a] + logz[b]]`` for all ``a, b`` (a zero operand
        lands in the zero half) and ``exz[logz[a] + e] = a alpha^e`` for ``0 <= e < q - 1``.
        ``spow[i, j] = -(fcr + j)(i + 1) mod (q-1)`` turns the LFSR remainder into syndromes;
        ``pexp[i, p] = i (p - (n-1)) mod (q-1)`` is the exponent of ``X_p^-i`` at position ``p``.
        """
        gf = self.field
        q1 = gf.order - 1
        exz = np.zeros(4 * q1 + 1, dtype=np.uint16)
        exz[: 2 * q1] = gf.exp
        logz = gf.log.copy()
        logz[0] = 2 * q1
        i = np.arange(self.parity + 1)[:, None]
        spow = (-(self.fcr + i[:-1].T) * (i[:-1] + 1)) % q1
        pexp = (i * (np.arange(self.n)[None, :] - (self.n - 1))) % q1
        return exz, logz, spow.astype(np.int32), pexp.astype(np.uint16)

    @cached_property
    def _lead(self) -> np.ndarray:
        """``g_1 f`` for every feedback symbol ``f`` (the leading symbol of ``_table[f]``)."""
        return self.field.mul(np.arange(self.field.order), self.generator[1]).astype(np.uint16)

    def encode(self, messages) -> np.ndarray:
        """Systematic codewords ``(B, n)`` uint16 from messages ``(B, k)`` (or one ``(k,)``)."""
        msgs = np.asarray(messages)
        single = msgs.ndim == 1
        msgs = np.atleast_2d(msgs)
        if msgs.shape[1] != self.k or (msgs.size and (msgs.min() < 0 or msgs.max() >= self.field.order)):
            raise ConfigError(f"messages: need shape (B, {self.k}) with symbols in 0..{self.field.order - 1}")
        out = _encode_batch(np.ascontiguousarray(msgs, dtype=np.uint16), self._table, self._lead, self.m, self.n)
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
        exz, logz, spow, pexp = self._decoder_tables
        status = _decode_batch(words, er, self._table, self._lead, exz, logz, spow, pexp, self.m, self.fcr, self.parity)
        return words, status

    def is_codeword(self, words) -> np.ndarray:
        """True for rows that are codewords (zero remainder modulo ``g(x)``)."""
        w = np.ascontiguousarray(np.atleast_2d(words), dtype=np.uint16)
        return _is_codeword_batch(w, self._table, self._lead, self.m, self.parity)


@lru_cache(maxsize=8)
def reed_solomon(n: int, k: int, m: int = 10, poly: int = 0x409, fcr: int = 0) -> ReedSolomon:
    """Cached code instance (its tables are built once)."""
    return ReedSolomon(n=n, k=k, m=m, poly=poly, fcr=fcr)


KP4 = (544, 514, 10, 0x409, 0)
KR4 = (528, 514, 10, 0x409, 0)
