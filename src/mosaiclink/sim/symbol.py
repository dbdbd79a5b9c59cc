"""Symbol-rate fast path: one sample per bit, ISI taps, array crosstalk and filtered noise.

Each block draws the next bits and noise of every channel from its own streams, mixes the
neighbours' bits into each core (sparse weights), convolves with the channel's bit-spaced pulse
response, adds Gaussian noise with the analytically filtered sigma of the transmitted level and
counts decision errors. Memory is bounded by the block size; arithmetic runs across a
``(channels, bits)`` array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

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


class SymbolSimulator:
    """Block-wise symbol-rate simulation of a :class:`SymbolModel`.

    Notes
    -----
    With taps ``h[0..L-1]`` (L <= 63) and cursor ``c`` the decision variable of bit ``n`` is

    .. math:: y[n] = d[n] + \\sigma_{b[n]}\\,\\nu[n], \\qquad
              d[n] = y_0 - V_{th} + \\sum_{m=0}^{L-1} h[m]\\, x[n + c - m], \\qquad
              x = b_i + \\sum_k w_{ik} b_{j_k},

    decided as one when ``y > 0``. Precursors (``m < c``) use later bits; ``L-1`` bits of
    history carry across blocks, so the result does not depend on the block size. The first
    ``L-1`` bits of each stream prime the history and are not counted.

    The Gaussian noise is drawn by inversion, :math:`\\nu = \\Phi^{-1}(U)` with a 53-bit uniform
    :math:`U` per bit from a counter-based SplitMix64 stream per channel (keyed by
    ``SeedSequence(seed, spawn_key=(noise, channel))``; counter-based so the fused, threaded
    kernel draws it in place, reproducibly for any block size), and evaluated lazily: noise flips
    the noiseless decision exactly when
    :math:`U \\le \\Phi(-|d|/\\sigma)` (for :math:`d > 0`; :math:`1-U` for :math:`d \\le 0`), a
    test that needs no inverse CDF and that a table rejects for almost every bit (see
    :func:`mosaiclink.sim._kernels.symbol_decide`). Decisions are identical to evaluating the
    noise everywhere (``keep=True`` does exactly that), at a fraction of the cost.
    """

    def __init__(self, model: SymbolModel, pattern: str = "random", seed: int = 0) -> None:
        self.model = model
        first, stop = significant_taps(model.taps, model.cursor)
        self._cursor = model.cursor - first
        self._bits = BitStreams(pattern, model.channel_ids, seed)
        self._keys = channel_keys(seed, model.channel_ids, STREAM_NOISE)
        self._position = 0  # bits of each noise stream used so far
        self._n_taps = stop - first
        if self._n_taps > 63:
            raise ModelRangeError(f"pulse spans {self._n_taps} significant bits: at most 63 supported")
        self._tables = pattern_tables(model.taps[:, first:stop])
        self._history = self._bits.next(stop - first - 1)
        xt = model.crosstalk
        self._xt_index = np.ascontiguousarray(xt.index, np.int64)
        self._xt_weight = np.ascontiguousarray(np.where(xt.index >= 0, xt.weight, 0.0))
        self._sig0 = model.sigma_zero.astype(np.float32)
        self._dsig = (model.sigma_one - model.sigma_zero).astype(np.float32)
        self._offset = model.level_zero - model.threshold

    def run_block(self, n_bits: int, keep: bool = False) -> SymbolBlock:
        """Simulate the next ``n_bits`` decisions of every channel."""
        m, n_taps = self.model, self._n_taps
        full = np.concatenate([self._history, self._bits.next(n_bits)], axis=1)
        self._history = full[:, full.shape[1] - (n_taps - 1) :]
        lag = n_taps - 1 - self._cursor
        samples = np.empty((m.channels if keep else 0, n_bits), np.float64)
        chunks = max(1, -(-2 * numba.get_num_threads() // m.channels))
        errors = symbol_decide(
            full,
            n_taps,
            lag,
            self._tables,
            self._offset,
            self._xt_index,
            self._xt_weight,
            self._sig0,
            self._dsig,
            self._keys,
            self._position,
            chunks,
            samples,
            _TAIL_TABLE,
        )
        self._position += n_bits
        sent = full[:, lag : lag + n_bits]
        if keep:
            return SymbolBlock(errors, n_bits, (samples + m.threshold[:, None]).astype(np.float32), sent)
        return SymbolBlock(errors, n_bits)
