"""Analytic post-FEC performance: binomial (independent errors) and burst-aware (Gilbert-Elliott).

Notes
-----
Symbol error probability from the bit BERs of the channels carrying its bits
(independent channels): ``P_s = 1 - prod_b (1 - p_ch(b))``.

A codeword of ``n`` symbols, of which ``f`` are erased (carried by channels declared dead),
decodes iff ``2 e + f <= n - k`` (bounded-distance decoding), i.e. at most
``c = floor((n - k - f) / 2)`` symbol errors among the others. With independent symbols
the number of errors ``X`` is Poisson-binomial and

    P_u = P(X > c),

computed by a dynamic program over symbols that only adds non-negative terms (no
``1 - P(X <= c)`` cancellation; exact down to ~1e-300). For equal ``P_s`` it is the binomial
tail ``sum_{i>c} C(n,i) P_s^i (1-P_s)^(n-i)`` (``scipy.stats.binom.logsf``). The post-FEC BER
counts the message bits left wrong by failed codewords (the decoder passes them through):

    BER_post = E[X 1{X > c}] * (m p / P_s) * (k / n) / (k m).

Burst-aware: with a Gilbert-Elliott chain per channel, a codeword's symbols on one channel
(contiguous in time for the symbol mappings) are correlated; the distribution of errored
symbols per channel comes from the forward algorithm over its ``r m`` bits starting in the
stationary state, and channels are combined by the same dynamic program. Channels are
independent of each other. A frame spanning ``w`` codewords on average is lost with
``1 - (1 - P_u)^w``; without FEC, with ``1 - (1 - p)^(frame bits)``. Averages run over the
codeword phases of one mapping period.

Miscorrection. With ``f`` erasures the decoder works on the punctured code of length
``n' = n - f`` with ``r = n - k - f`` checks (an MDS code of distance ``r + 1``) and corrects
``c = floor(r / 2)`` errors. A word with ``X > c`` errors is either flagged (detected failure)
or lands within distance ``c`` of another codeword (miscorrection, passed on silently; only
the frame CRC catches it). An error pattern of weight ``X <= r - c`` is always detected (it is
closer than ``d - c`` to the sent word); beyond that, the fraction of patterns that miscorrect
is the share of the space the other codewords' decoding spheres cover (McEliece & Swanson,
"On the decoder error probability for Reed-Solomon codes", IEEE Trans. IT-32, 1986):

    P_mc = sum_{i=0}^{c} C(n', i) (q - 1)^i / q^r,    q = 2^m,

so ``P(miscorrected) = P_mc P(X > r - c)``. Without erasures (``r = 30``, ``c = 15``) P_mc is
~6e-17: every failure is detected. With 28 erasures (``r = 2``, ``c = 1``) it is 0.50: half of
the words with two errors are miscorrected, measured by this package's decoder and by
``galois`` alike (``tests/datapath/test_miscorrection.py``). ``p_uncorrectable`` counts both
outcomes (the frame is lost either way); ``p_miscorrected`` is the silent part.
Validity: bounded-distance decoding; P_mc is the random-word approximation, exact in the
limit of many errors and within the Monte Carlo intervals of the tests for ``X = r - c + 1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import ArrayLike
from scipy import special

from mosaiclink.config.datapath import GilbertElliottSpec
from mosaiclink.datapath.failover import symbols_per_channel
from mosaiclink.datapath.gearbox import Gearbox, period_codeword_channels
from mosaiclink.datapath.protocols import HostProtocol, host_protocol
from mosaiclink.errors import ConfigError, ModelRangeError


@dataclass(frozen=True)
class PostFec:
    """Analytic post-FEC figures (means over the codewords of one mapping period)."""

    symbol_error_ratio: float
    p_uncorrectable: float
    log10_p_uncorrectable: float
    post_fec_ber: float
    frame_loss_ratio: float
    p_miscorrected: float = 0.0  # silent part of p_uncorrectable: decoded to a wrong codeword


def log_miscorrection_fraction(n: int, parity: int, erasures, m: int):
    """``ln P_mc``: share of beyond-capacity error patterns decoded to a wrong codeword (see Notes).

    ``erasures`` may be an array; ``parity - erasures < 0`` (more erasures than checks) gives
    ``-inf`` (the decoder always flags those words).
    """
    f = np.asarray(erasures, dtype=np.float64)
    r = parity - f
    c = np.floor(np.maximum(r, 0.0) / 2.0)
    n_eff = n - f
    i = np.arange(parity // 2 + 1, dtype=np.float64)[..., None] if f.ndim else np.arange(parity // 2 + 1.0)
    log_terms = (
        special.gammaln(n_eff + 1) - special.gammaln(i + 1) - special.gammaln(n_eff - i + 1) + i * np.log(2.0**m - 1)
    )
    log_terms = np.where(i <= c, log_terms, -np.inf)
    out = special.logsumexp(log_terms, axis=0) - r * m * np.log(2.0)
    return np.where(r >= 0, out, -np.inf)


def binomial_log10_uncorrectable(n: int, capacity: int, p_symbol: float) -> float:
    """``log10 P(Binomial(n, P_s) > capacity)`` via ``scipy.stats.binom.logsf``."""
    from scipy import stats  # deferred: ~0.5 s of import that only this (test-only) check needs

    return float(stats.binom.logsf(capacity, n, p_symbol) / np.log(10.0))


def symbol_error_probs(gearbox: Gearbox, ber_per_channel: np.ndarray) -> np.ndarray:
    """``(codewords in a period, n)`` symbol error probabilities (0 for untransmitted symbols)."""
    chans = period_codeword_channels(gearbox)
    log_ok = np.where(chans >= 0, np.log1p(-np.asarray(ber_per_channel, dtype=np.float64)[np.maximum(chans, 0)]), 0.0)
    return -np.expm1(log_ok.sum(axis=2))


def _tail(step_dist: np.ndarray, capacity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``P(X > c)`` and ``E[X 1{X > c}]`` for X = sum of independent steps.

    ``step_dist`` is ``(B, S, R+1)``: per row and step, the distribution of 0..R errors.
    """
    r1 = step_dist.shape[2]
    cmax = int(capacity.max()) if capacity.size else 0
    size = cmax + r1 + 1  # exact counts up to cmax + R, then absorbing
    dist, absorbed, e_abs = _convolve_steps(np.ascontiguousarray(step_dist, dtype=np.float64), size)
    counts = np.arange(size)
    over = counts[None, :] > capacity[:, None]
    p_fail = (dist * over).sum(axis=1) + absorbed
    e_fail = (dist * over * counts).sum(axis=1) + e_abs
    return p_fail, e_fail


@njit(cache=True)
def _convolve_steps(step_dist, size):
    """Distribution of the running error count over the steps, exact up to ``size - 1`` errors.

    Mass that would pass ``size - 1`` is absorbed with its error count, and absorbed mass keeps
    counting each later step's mean errors (so ``E[X 1{X > c}]`` stays exact). One row at a time:
    a codeword's 544 steps are a short sequential chain, fastest as compiled loops.
    """
    b, s, r1 = step_dist.shape
    dist = np.zeros((b, size))
    absorbed = np.zeros(b)
    e_abs = np.zeros(b)
    new = np.empty(size)
    for row in range(b):
        d = dist[row]
        d[0] = 1.0
        for j in range(s):
            q = step_dist[row, j]
            mean_step = 0.0
            for r in range(r1):
                mean_step += q[r] * r
            e_abs[row] += absorbed[row] * mean_step
            for k in range(size):
                new[k] = d[k] * q[0]
            for r in range(1, r1):
                for k in range(r, size):
                    new[k] += d[k - r] * q[r]
                spill = 0.0
                spill_errors = 0.0
                for k in range(size - r, size):  # would leave the array: absorb with its count
                    spill += d[k]
                    spill_errors += d[k] * (k + r)
                absorbed[row] += spill * q[r]
                e_abs[row] += spill_errors * q[r]
            d[:] = new
    return dist, absorbed, e_abs


def analytic_post_fec(
    host: str | HostProtocol,
    channels: int,
    mapping: str,
    ber: ArrayLike,
    erased_channels: Sequence[int] | np.ndarray = (),
    burst: GilbertElliottSpec | None = None,
    frame_bytes: int = 1500,
) -> PostFec:
    """Post-FEC performance of a host protocol over ``channels`` channels.

    Parameters
    ----------
    host : str or HostProtocol
        ``800gbe``, ``1.6tbe``, ``pcie6`` or ``raw``.
    channels : int
        Data channels the gearbox spreads the host stream over.
    mapping : str
        Gearbox mapping (see :mod:`mosaiclink.datapath.gearbox`).
    ber : float or array (channels,)
        Pre-FEC bit error ratio per channel (0.5 for a dead channel not declared).
    erased_channels : sequence of int
        Channels declared dead: their symbols are erasures.
    burst : GilbertElliottSpec, optional
        Burst model on every channel (then ``ber`` is ignored); symbol mappings only.
    frame_bytes : int
        Frame size for the frame loss ratio (PCIe: one flit per block).

    Examples
    --------
    >>> import mosaiclink as ml
    >>> post = ml.analytic_post_fec("800gbe", 400, "symbol-aligned", 1e-5)  # RS(544,514), 10-bit symbols
    >>> f"{post.symbol_error_ratio:.3e}", round(post.log10_p_uncorrectable, 1)  # ~10 x BER per symbol
    ('1.000e-04', -33.7)
    """
    proto = host_protocol(host) if isinstance(host, str) else host
    gb = Gearbox(proto, channels, mapping)
    p_ch = np.broadcast_to(np.asarray(ber, dtype=np.float64), (channels,)).copy()
    if np.any((p_ch < 0) | (p_ch > 0.5)):
        raise ConfigError("ber: every entry must be in [0, 0.5]")
    erased = np.zeros(channels, dtype=bool)
    erased[np.asarray(erased_channels, dtype=np.int64)] = True
    n, k, m = (proto.n, proto.k, proto.m) if proto.coded else (proto.block_symbols, proto.block_symbols, proto.m)
    per_ch = symbols_per_channel(gb)  # (cw, channels)
    f = (per_ch * erased).sum(axis=1)
    capacity = np.where(f <= n - k, (n - k - f) // 2, -1)
    if burst is None:
        p_ch[erased] = 0.0
        ps = symbol_error_probs(gb, p_ch)  # erased symbols: prob 0 (already counted in f)
        chans = period_codeword_channels(gb)
        touches = (chans >= 0) & erased[np.maximum(chans, 0)]
        ps = np.where(touches.any(axis=2), 0.0, ps)
        steps = np.stack([1.0 - ps, ps], axis=2)
        bits_per_err = np.where(ps > 0, m * _mean_bit(gb, p_ch, ps), 0.0)
        mean_bits = float((bits_per_err * ps).sum() / max(ps.sum(), 1e-300))
        ser = float(ps.mean())
    else:
        if mapping == "bit-interleaved":
            raise ModelRangeError(
                "burst-aware analytic model needs a symbol mapping (symbol-aligned or codeword-diagonal)"
            )
        steps, ser, mean_bits = _ge_steps(burst, per_ch * ~erased, m)
    p_fail, e_fail = _tail(steps, capacity)
    pu = float(p_fail.mean())
    p_mc = 0.0
    if proto.coded:
        checks = n - k - f  # r per codeword; words with X > r - c can miscorrect
        detectable = np.where(checks >= 0, checks - np.maximum(checks, 0) // 2, -1)
        p_beyond = p_fail if np.array_equal(detectable, capacity) else _tail(steps, detectable)[0]
        p_mc = float((np.exp(log_miscorrection_fraction(n, n - k, f, m)) * p_beyond).mean())
    post_ber = float(e_fail.mean()) * mean_bits / (n * m)
    payload_bits = (
        sum(t - (n - k) for t in proto.transmitted) / proto.interleave if proto.coded else proto.block_symbols
    ) * m
    frame_bits = (250 * 8) if proto.check == "crc64-flit" else (proto.flit_bytes or frame_bytes) * 8
    if proto.coded:  # a frame is lost with any codeword under it (the PCS flags the whole word)
        span = (frame_bits - 1) / payload_bits + 1
        flr = float(-np.expm1(span * np.log1p(-min(pu, 1.0 - 1e-16))))
    else:  # uncoded: lost with any bit error inside it
        flr = float(-np.expm1(frame_bits * np.log1p(-float(p_ch.mean()))))
    return PostFec(ser, pu, float(np.log10(pu)) if pu > 0 else -np.inf, post_ber, flr, p_mc)


def _mean_bit(gb: Gearbox, p_ch: np.ndarray, ps: np.ndarray) -> np.ndarray:
    """Mean bit errors per erroneous symbol divided by m: ``mean(p_b) / P_s``."""
    chans = period_codeword_channels(gb)
    pb = np.where(chans >= 0, p_ch[np.maximum(chans, 0)], 0.0).mean(axis=2)
    return np.divide(pb, ps, out=np.zeros_like(ps), where=ps > 0)


def _ge_steps(ge: GilbertElliottSpec, symbols: np.ndarray, m: int):
    """Per codeword and channel: distribution of errored symbols among its r contiguous symbols."""
    rmax = int(symbols.max())
    dists = np.zeros((rmax + 1, rmax + 1))
    pi_b = ge.p_good_to_bad / (ge.p_good_to_bad + ge.p_bad_to_good)
    trans = np.array([[1 - ge.p_good_to_bad, ge.p_good_to_bad], [ge.p_bad_to_good, 1 - ge.p_bad_to_good]])
    eps = np.array([ge.ber_good, ge.ber_bad])
    for r in range(rmax + 1):
        # alpha[s, e, c]: GE state, current symbol already errored, errored symbols so far
        alpha = np.zeros((2, 2, r + 1))
        alpha[:, 0, 0] = [1 - pi_b, pi_b]
        for _ in range(r):
            for _bit in range(m):
                nxt = np.zeros_like(alpha)
                err = alpha * eps[:, None, None]
                ok = alpha * (1 - eps[:, None, None])
                nxt[:, 0, :] += ok[:, 0, :]
                nxt[:, 1, :] += ok[:, 1, :] + err[:, 1, :]
                nxt[:, 1, 1:] += err[:, 0, :-1]  # first error in this symbol
                alpha = np.einsum("sec,st->tec", nxt, trans)
            alpha = np.stack([alpha.sum(axis=1), np.zeros_like(alpha[:, 0])], axis=1)
        dists[r, : r + 1] = alpha[:, 0, :].sum(axis=0)
    ser = float(dists[1, 1]) if rmax >= 1 else 0.0
    mean_ber = (1 - pi_b) * ge.ber_good + pi_b * ge.ber_bad
    steps = dists[symbols]  # (cw, channels, rmax+1)
    return steps, ser, (m * mean_ber / ser if ser > 0 else 0.0)
