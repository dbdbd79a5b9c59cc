"""Numba kernels of the symbol-rate path (fused loops that NumPy would run as ~10 passes)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# Acklam's rational approximation of the inverse normal CDF (|rel err| < 1.2e-9), refined by
# one Halley step on erfc to full double precision. P. J. Acklam, "An algorithm for computing
# the inverse normal cumulative distribution function" (2003).
_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01, -1.328068155288572e01)
_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
_P_LOW = 0.02425
_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)
_TABLE_STEPS_PER_SIGMA = 16
_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_TO_INT = 9007199254740992.0  # 2**53
_TILE = 1024  # uniforms hashed per vectorized pass


@njit(cache=True, inline="always")
def splitmix64(key, counter):
    """Output ``counter`` of the SplitMix64 generator started at ``key`` (Steele, Lea &
    Flood, OOPSLA 2014): ``mix(key + (counter + 1) * gamma)``. Counter-based, so any block
    of any stream is computed independently (in parallel, in any order) and reproducibly."""
    z = key + (np.uint64(counter) + np.uint64(1)) * _GAMMA
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def uniform_stream(key: int, start: int, n: int) -> np.ndarray:
    """The symbol path's uniforms ``U = (splitmix64 >> 11) * 2**-53`` (for tests and checks)."""
    return _uniforms(np.uint64(key), start, n)


@njit(cache=True)
def _uniforms(key, start, n):
    out = np.empty(n)
    for i in range(n):
        out[i] = (splitmix64(key, start + i) >> np.uint64(11)) * _TO_UNIT
    return out


def tail_table() -> np.ndarray:
    """``Phi(-k/16)`` for k = 0..640 (0 to 40 sigma), an upper bound of ``Phi(-q)`` on each step."""
    from scipy.special import ndtr

    return ndtr(-np.arange(0, 40 * _TABLE_STEPS_PER_SIGMA + 1) / _TABLE_STEPS_PER_SIGMA)


@njit(cache=True, inline="always")
def ndtri(p: float) -> float:
    """Inverse of the standard normal CDF for 0 < p < 1 (full double precision)."""
    a0, a1, a2, a3, a4, a5 = _A
    b0, b1, b2, b3, b4 = _B
    c0, c1, c2, c3, c4, c5 = _C
    d0, d1, d2, d3 = _D
    if p < _P_LOW:
        q = math.sqrt(-2.0 * math.log(p))
        x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1.0)
    elif p <= 1.0 - _P_LOW:
        q = p - 0.5
        r = q * q
        x = (
            (((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5)
            * q
            / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1.0)
        )
    else:
        q = math.sqrt(-2.0 * math.log(1.0 - p))
        x = -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1.0)
    e = 0.5 * math.erfc(-x / _SQRT2) - p if p < 0.5 else -(0.5 * math.erfc(x / _SQRT2) - (1.0 - p))
    u = e * _SQRT2PI * math.exp(0.5 * x * x)
    return x - u / (1.0 + 0.5 * x * u)


def pattern_tables(taps: np.ndarray) -> np.ndarray:
    """ISI lookup tables (ch, groups, 256) of the sliding window over packed bits.

    Bit ``m`` of a window index is the bit ``m`` places after the window's first (oldest) bit,
    and that bit sits under tap ``L - 1 - m`` (``L`` taps); group ``g`` maps the 8 index bits
    ``8g .. 8g+7`` to the sum of their taps.
    """
    ch, n_taps = taps.shape
    groups = -(-n_taps // 8)
    padded = np.zeros((ch, groups * 8))
    padded[:, :n_taps] = taps[:, ::-1]
    index_bits = (np.arange(256)[:, None] >> np.arange(8)[None, :]) & 1  # (256, 8)
    return np.einsum("cgm,qm->cgq", padded.reshape(ch, groups, 8), index_bits.astype(float))


@njit(cache=True, inline="always")
def window(words, row, position, n_taps):
    """Bits ``position .. position + n_taps - 1`` (n_taps <= 63) of packed ``words[row]`` as an
    integer whose bit ``m`` is bit ``position + m`` (bit ``p`` lives in word ``p >> 6``, bit
    ``p & 63``)."""
    w = position >> 6
    o = np.uint64(position & 63)
    v = words[row, w] >> o
    if o > np.uint64(64 - n_taps):
        v |= words[row, w + 1] << (np.uint64(64) - o)
    return v & ((np.uint64(1) << np.uint64(n_taps)) - np.uint64(1))


@njit(cache=True, parallel=True)
def symbol_decide(
    words,
    base,
    n,
    n_taps,
    lag,
    tables,
    offset,
    xt_index,
    xt_weight,
    sig0,
    dsig,
    keys,
    start,
    decide,
    u_quiet,
    chunks,
    samples,
    tail_table,
):
    """Count decision errors of rows ``decide``; optionally store every decision variable.

    ``words`` (rows, W) uint64 holds every simulated row's bits packed (see :func:`window`).
    Decision ``i < n`` of row ``c`` is on bit ``base + i + lag`` and its noiseless level is
    ``offset[c] + ISI(own window) + sum_k xt_weight[c, k] ISI(window of row xt_index[c, k])``,
    the window being bits ``base + i .. base + i + n_taps - 1`` read through row ``c``'s
    ``tables`` (:func:`pattern_tables`: ``ceil(L/8)`` lookups per row).
    The uniform of decision ``i`` of row ``c`` is ``U = (splitmix64(keys[c], start + i) >> 11)
    * 2**-53`` (53-bit resolution).
    With ``nu = ndtri(U)`` (inversion), noise flips the noiseless decision of ``d`` exactly when
    ``U <= Phi(-|d|/sigma)`` (d > 0) or ``1 - U < Phi(-|d|/sigma)`` (d <= 0); that test needs
    no inverse CDF, and a table of ``Phi(-k/16)`` rejects almost every bit before ``erfc`` is
    called. Rows whose eye is open for every pattern have ``u_quiet[c] = (lo, hi)``: no noise
    sample with ``lo < U < hi`` can flip any decision, so those bits (almost all) are settled
    without forming their window at all. ``samples`` of shape (len(decide), n), when non-empty,
    receives ``y - threshold`` with the noise evaluated for every bit (the reference path:
    identical decisions).
    """
    n_out = decide.size
    groups = tables.shape[1]
    n_xt = xt_index.shape[1]
    keep = samples.shape[0] > 0
    errors = np.zeros((n_out, chunks), np.int64)
    step = (n + chunks - 1) // chunks
    for job in prange(n_out * chunks):
        j = job // chunks
        c = decide[j]
        k = job % chunks
        lo = k * step
        hi = min(n, lo + step)
        rows = np.empty(n_xt + 1, np.int64)
        weights = np.empty(n_xt + 1)
        rows[0] = c
        weights[0] = 1.0
        for q in range(n_xt):
            rows[q + 1] = xt_index[c, q] if xt_index[c, q] >= 0 else c
            weights[q + 1] = xt_weight[c, q] if xt_index[c, q] >= 0 else 0.0
        # lo < U < hi on the 53-bit integer r = U * 2**53: floor(lo 2**53) < r < ceil(hi 2**53)
        quiet_lo = np.uint64(math.floor(min(u_quiet[c, 0], 1.0) * _TO_INT))
        quiet_hi = np.uint64(math.ceil(max(u_quiet[c, 1], 0.0) * _TO_INT))
        key = keys[c]
        err = 0
        tile = np.empty(_TILE, np.uint64)
        for t0 in range(lo, hi, _TILE):
            t1 = min(hi, t0 + _TILE)
            for i in range(t0, t1):  # branch-free, so it vectorizes
                tile[i - t0] = splitmix64(key, start + i) >> np.uint64(11)
            for i in range(t0, t1):
                r = tile[i - t0]
                if quiet_lo < r < quiet_hi and not keep:
                    continue  # open eye, and this noise sample is too small to flip any pattern
                err += _decide_one(
                    words,
                    base,
                    i,
                    n_taps,
                    lag,
                    tables,
                    offset,
                    rows,
                    weights,
                    sig0,
                    dsig,
                    c,
                    r,
                    keep,
                    samples,
                    j,
                    tail_table,
                    groups,
                )
        errors[j, k] = err
    return errors.sum(axis=1)


@njit(cache=True, inline="always")
def _decide_one(
    words, base, i, n_taps, lag, tables, offset, rows, weights, sig0, dsig, c, r, keep, samples, j, tail_table, groups
):
    """1 if decision ``i`` of row ``c`` (53-bit noise integer ``r``) is wrong, else 0."""
    u = r * _TO_UNIT
    acc = np.float64(offset[c])
    for q in range(rows.size):
        p = window(words, rows[q], base + i, n_taps)
        isi = 0.0
        for g in range(groups):
            isi += tables[c, g, (p >> np.uint64(8 * g)) & np.uint64(255)]
        acc += weights[q] * isi
    pos = base + i + lag
    s = (words[c, pos >> 6] >> np.uint64(pos & 63)) & np.uint64(1)
    sig = np.float64(sig0[c]) + np.float64(dsig[c]) * np.float64(s)
    if keep:
        y = acc + sig * ndtri(u)
        samples[j, i] = y
    else:
        # the noise flips the noiseless decision iff U <= Phi(-d/sig) (d > 0) or
        # U > Phi(-d/sig) (d <= 0); pre-reject with the tabulated Phi(-floor(q))
        qq = abs(acc) / sig
        t = u if acc > 0.0 else 1.0 - u
        y = acc
        if t < tail_table[min(int(qq * _TABLE_STEPS_PER_SIGMA), tail_table.size - 1)]:
            if t <= 0.5 * math.erfc(qq / _SQRT2):
                y = -acc if acc != 0.0 else np.float64(1.0)
    return 1 if (y > 0.0) != (s == 1) else 0


@njit(cache=True, parallel=True)
def led_large_signal(bits, state, tau_rise_bits, tau_fall_bits, samples_per_bit, out):
    """Asymmetric first-order microLED response to NRZ drive, sampled ``samples_per_bit`` per bit.

    Within bit ``k`` driven to ``x`` (0 or 1) the normalised light relaxes exactly as
    ``y(t) = x + (y_k - x) exp(-t / tau_x)`` with ``tau_1`` = rise and ``tau_0`` = fall time
    constant (in bits). ``state`` (ch,) holds ``y`` at the start of the next block.
    """
    n_ch, n_bits = bits.shape
    for c in prange(n_ch):
        # row x of the tables: the relaxation while driven to x (0: fall, 1: rise), branch-free
        steps = np.arange(samples_per_bit)
        decay = np.empty((2, samples_per_bit))
        decay[0] = np.exp(-steps / (tau_fall_bits[c] * samples_per_bit))
        decay[1] = np.exp(-steps / (tau_rise_bits[c] * samples_per_bit))
        end = np.array([math.exp(-1.0 / tau_fall_bits[c]), math.exp(-1.0 / tau_rise_bits[c])])
        y = state[c]
        for k in range(n_bits):
            x = bits[c, k]
            gap = y - x
            d = decay[x]
            base = k * samples_per_bit
            for j in range(samples_per_bit):
                out[c, base + j] = x + gap * d[j]
            y = x + gap * end[x]
        state[c] = y


@njit(cache=True, parallel=True, fastmath=True)
def decimating_fir(x, taps_reversed, step, first, out):
    """``out[r, k] = sum_j h[r, j] x[r, (first + k) step - j]``: a filter evaluated only at every
    ``step``-th sample (the decision instants), ``taps_reversed[r] = h[r, ::-1]`` (float32)."""
    rows, n = out.shape
    length = taps_reversed.shape[1]
    for r in prange(rows):
        h = taps_reversed[r]
        row = x[r]
        for k in range(n):
            base = (first + k) * step - length + 1
            span = row[base : base + length]
            acc = np.float32(0.0)
            for i in range(length):  # unit stride, no index checks: a vectorized dot product
                acc += h[i] * span[i]
            out[r, k] = acc
