"""Symbol-rate fast path: one sample per bit, ISI taps, array crosstalk and filtered noise.

Each block draws the next bits of every channel (packed, 64 per word) and, per decision, one
uniform of a counter-based noise stream; only decisions whose noise sample could flip them get
their level formed (own and neighbours' bit windows through the channel's bit-spaced pulse),
so an open-eye link costs about one hash per bit. Memory is bounded by the block size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from scipy.special import ndtr

from mosaiclink.errors import ModelRangeError
from mosaiclink.sim._kernels import pattern_tables, symbol_decide, tail_table
from mosaiclink.sim.model import SymbolModel
from mosaiclink.sim.streams import STREAM_NOISE, BitStreams, channel_keys


@dataclass(frozen=True)
class SymbolBlock:
    """One block's outcome: per-channel error counts and (optionally) the decision samples."""

    errors: np.ndarray
    bits: int
    samples: np.ndarray | None = None
    sent: np.ndarray | None = None


_TAIL_TABLE = tail_table()
_TAP_FLOOR = 1e-7  # pulse tails below this fraction of the cursor on every channel are cut


def significant_taps(taps: np.ndarray, cursor: int) -> tuple[int, int]:
    """Column range ``[first, stop)`` holding every tap above 1e-7 of its channel's cursor.

    Leading and trailing columns below that on every channel are cut (their total effect is
    below 1e-7 per tap of the eye, far under the noise); the cursor is always kept.
    """
    big = np.abs(taps) > _TAP_FLOOR * np.abs(taps[:, cursor : cursor + 1])
    cols = np.nonzero(big.any(axis=0))[0]
    first = min(int(cols.min()), cursor) if cols.size else cursor
    stop = max(int(cols.max()) + 1, cursor + 1) if cols.size else cursor + 1
    return first, stop


def quiet_band(
    taps: np.ndarray, cursor: int, offset: np.ndarray, xt_weight: np.ndarray, sig0: np.ndarray, sig1: np.ndarray
) -> np.ndarray:
    r"""Per row ``(lo, hi)``: a noise uniform ``lo < U < hi`` flips no decision, whatever the bits.

    Notes
    -----
    Over every pattern of the other bits (own taps ``h_m``, ``m != c``, and neighbour ``k``'s
    bits through ``w_k h_m``) the noiseless level of a sent one is at least
    :math:`d_1 = o + h_c + \sum_{m \ne c} \min(0, h_m) + \sum_{k,m} \min(0, w_k h_m)` and that
    of a sent zero at most :math:`d_0 = o + \sum_{m \ne c} \max(0, h_m) + \sum_{k,m} \max(0, w_k h_m)`.
    If :math:`d_1 > 0 > d_0` (open eye) no pattern is decided wrong without noise, and noise
    flips a one only for :math:`U \le \Phi(-d_1/\sigma_1)` and a zero only for
    :math:`1 - U < \Phi(d_0/\sigma_0)`. The bounds are widened by 1e-9 of the signal scale and
    the probabilities by 1e-6 relative (rounding of the kernel's sums). A closed eye gets the
    empty band ``(2, -1)``.
    """
    own = taps.copy()
    own[:, cursor] = 0.0
    xt = xt_weight[:, :, None] * taps[:, None, :]  # (rows, neighbours, taps)
    d1 = offset + taps[:, cursor] + np.minimum(own, 0).sum(1) + np.minimum(xt, 0).sum((1, 2))
    d0 = offset + np.maximum(own, 0).sum(1) + np.maximum(xt, 0).sum((1, 2))
    eps = 1e-9 * (np.abs(taps).sum(1) * (1 + np.abs(xt_weight).sum(1)) + np.abs(offset))
    open_eye = (d1 - eps > 0) & (d0 + eps < 0)
    lo = ndtr(-(d1 - eps) / sig1) * (1 + 1e-6)
    hi = 1 - ndtr((d0 + eps) / sig0) * (1 + 1e-6)
    return np.ascontiguousarray(np.where(open_eye[:, None], np.column_stack([lo, hi]), [2.0, -1.0]))


class SymbolSimulator:
    """Block-wise symbol-rate simulation of a :class:`SymbolModel`.

    Parameters
    ----------
    decide
        Rows whose decisions are counted (default all); the others only supply their bits
        as crosstalk aggressors.
    start_bit
        Index of the first decision (the streams are positioned there: a jump for the random
        pattern), so any block of a run can be simulated on its own with the same outcome.

    Notes
    -----
    With taps ``h[0..L-1]`` (L <= 63) and cursor ``c`` the decision variable of bit ``n`` is

    .. math:: y[n] = d[n] + \\sigma_{b[n]}\\,\\nu[n], \\qquad
              d[n] = y_0 - V_{th} + \\sum_{m=0}^{L-1} h[m]\\, x[n + c - m], \\qquad
              x = b_i + \\sum_k w_{ik} b_{j_k},

    decided as one when ``y > 0``. Precursors (``m < c``) use later bits. Decision ``n`` reads
    stream bits ``n .. n + L - 1`` (the first ``L-1`` bits of each stream only prime the
    window) and noise counter ``n``, so the result does not depend on the block size.

    The Gaussian noise is drawn by inversion, :math:`\\nu = \\Phi^{-1}(U)` with a 53-bit uniform
    :math:`U` per bit from a counter-based SplitMix64 stream per channel (keyed by
    ``SeedSequence(seed, spawn_key=(noise, channel))``; counter-based so the fused, threaded
    kernel draws it in place, reproducibly for any block size), and evaluated lazily: noise
    flips the noiseless decision exactly when :math:`U \\le \\Phi(-|d|/\\sigma)` (for
    :math:`d > 0`; :math:`1-U` for :math:`d \\le 0`). On an open eye a band of :math:`U`
    (:func:`quiet_band`) flips no pattern, so :math:`d` is formed only outside it (see
    :func:`mosaiclink.sim._kernels.symbol_decide`). Decisions are identical to evaluating the
    noise everywhere (``keep=True`` does exactly that), at a fraction of the cost.
    """

    def __init__(
        self, model: SymbolModel, pattern: str = "random", seed: int = 0, decide=None, start_bit: int = 0
    ) -> None:
        self.model = model
        first, stop = significant_taps(model.taps, model.cursor)
        cursor = model.cursor - first
        self._n_taps = n_taps = stop - first
        if n_taps > 63:
            raise ModelRangeError(f"pulse spans {n_taps} significant bits: at most 63 supported")
        if start_bit < 0:
            raise ModelRangeError(f"start_bit = {start_bit}: must be >= 0")
        self._lag = n_taps - 1 - cursor
        taps = model.taps[:, first:stop]
        self._tables = pattern_tables(taps)
        self._decide = np.arange(model.channels) if decide is None else np.asarray(decide, np.int64).ravel()
        self._bits = BitStreams(pattern, model.channel_ids, seed)
        self._bits.skip_words(start_bit // 64)
        self._word0 = start_bit - start_bit % 64  # stream position of self._words[:, 0]
        self._words = np.zeros((model.channels, 0), np.uint64)
        self._keys = channel_keys(seed, model.channel_ids, STREAM_NOISE)
        self._position = int(start_bit)  # next decision (= noise counter)
        xt = model.crosstalk
        self._xt_index = np.ascontiguousarray(xt.index, np.int64)
        self._xt_weight = np.ascontiguousarray(np.where(xt.index >= 0, xt.weight, 0.0))
        self._sig0 = model.sigma_zero.astype(np.float32)
        self._dsig = (model.sigma_one - model.sigma_zero).astype(np.float32)
        self._offset = model.level_zero - model.threshold
        sig0 = self._sig0.astype(np.float64)
        self._quiet = quiet_band(
            taps, cursor, self._offset, self._xt_weight, sig0, sig0 + self._dsig.astype(np.float64)
        )

    def run_block(self, n_bits: int, keep: bool = False) -> SymbolBlock:
        """Simulate the next ``n_bits`` decisions of the counted rows."""
        n_bits = int(n_bits)
        base = self._position - self._word0
        need = -(-(base + n_bits + self._n_taps) // 64) + 1  # words, one spare for the window reads
        if need > self._words.shape[1]:
            fresh = self._bits.next_words(need - self._words.shape[1])
            self._words = np.concatenate([self._words, fresh], axis=1)
        rows = self._decide.size if keep else 0
        samples = np.empty((rows, n_bits), np.float64)
        chunks = max(1, -(-2 * numba.get_num_threads() // self._decide.size))
        errors = symbol_decide(
            self._words,
            base,
            n_bits,
            self._n_taps,
            self._lag,
            self._tables,
            self._offset,
            self._xt_index,
            self._xt_weight,
            self._sig0,
            self._dsig,
            self._keys,
            self._position,
            self._decide,
            self._quiet,
            chunks,
            samples,
            _TAIL_TABLE,
        )
        sent = None
        if keep:
            words = self._words[self._decide].astype("<u8", copy=False)
            unpacked = np.unpackbits(words.view(np.uint8), axis=1, bitorder="little")
            sent = unpacked[:, base + self._lag : base + self._lag + n_bits]
        self._position += n_bits
        drop = (self._position - self._word0) // 64
        self._words = self._words[:, drop:]
        self._word0 += 64 * drop
        if keep:
            threshold = self.model.threshold[self._decide, None]
            return SymbolBlock(errors, n_bits, (samples + threshold).astype(np.float32), sent)
        return SymbolBlock(errors, n_bits)
