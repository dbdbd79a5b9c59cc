"""Seeded per-channel bit streams: PRBS7/15/31 and uniform random bits.

Every channel owns independent generators keyed by ``(seed, purpose, channel id)`` through
the stream registry :mod:`mosaiclink.streams`, so channel ``k`` sees the same bits and the same
noise whether it is simulated alone or inside a 400-channel array, and whatever the block size.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from mosaiclink.errors import ConfigError
from mosaiclink.streams import Stream, generators, seed_sequence

Pattern = Literal["random", "prbs7", "prbs15", "prbs31"]

#: Feedback taps (a, b) of ``b[n] = b[n-a] XOR b[n-b]``, i.e. generator polynomial
#: ``x^b + x^a + 1`` (ITU-T O.150 for PRBS15/31; PRBS7 per IEEE 802.3/OIF practice).
PRBS_TAPS: dict[str, tuple[int, int]] = {"prbs7": (6, 7), "prbs15": (14, 15), "prbs31": (28, 31)}

#: The registry's purposes of the simulator's streams: bits, noise and jitter of one channel are independent.
STREAM_BITS, STREAM_NOISE, STREAM_JITTER = Stream.MC_BITS, Stream.NOISE, Stream.JITTER

_CHUNK_DOUBLINGS = 8  # recurrence applied with lags a*2^k, b*2^k -> chunks of >= 1500 bits


def channel_rngs(seed: int, channel_ids, purpose: Stream) -> list[np.random.Generator]:
    """One independent generator per channel: stream ``purpose`` of :mod:`mosaiclink.streams`."""
    return generators(seed, purpose, channel_ids)


def channel_keys(seed: int, channel_ids, purpose: Stream) -> np.ndarray:
    """One 64-bit key per channel from stream ``purpose``, for the counter-based generator of
    the symbol path (:func:`mosaiclink.sim._kernels.splitmix64`)."""
    return np.array(
        [seed_sequence(seed, purpose, int(c)).generate_state(1, np.uint64)[0] for c in np.asarray(channel_ids).ravel()],
        dtype=np.uint64,
    )


class BitStreams:
    """Continuous per-channel bit sources for block-wise simulation.

    Parameters
    ----------
    pattern
        ``"random"`` (i.i.d. fair bits) or ``"prbs7"``, ``"prbs15"``, ``"prbs31"``.
    channel_ids
        Global channel indices (they key the streams).
    seed
        Any non-negative integer; same seed -> bit-identical output.

    Notes
    -----
    A PRBS of generator polynomial :math:`x^b + x^a + 1` obeys
    :math:`s_n = s_{n-a} \\oplus s_{n-b}`. Squaring over GF(2) gives
    :math:`(1 + x^a + x^b)^{2^k} = 1 + x^{a 2^k} + x^{b 2^k}`, so the same sequence also obeys
    :math:`s_n = s_{n-a2^k} \\oplus s_{n-b2^k}`; with ``k = 8`` each step computes
    ``a * 256`` bits of every channel at once. Each channel starts from a non-zero state drawn
    from its own stream (so channels are decorrelated shifts of the m-sequence).
    """

    def __init__(self, pattern: str, channel_ids, seed: int) -> None:
        if pattern != "random" and pattern not in PRBS_TAPS:
            raise ConfigError(f"pattern = {pattern!r}: allowed random, {', '.join(PRBS_TAPS)}")
        self.pattern = pattern
        self.channel_ids = np.asarray(channel_ids, dtype=np.int64).ravel()
        self._rngs = channel_rngs(seed, self.channel_ids, STREAM_BITS)
        if pattern == "random":
            self._spare = [np.empty(0, np.uint8) for _ in self._rngs]
        else:
            self._history = self._prbs_start()

    @property
    def channels(self) -> int:
        return self.channel_ids.size

    def next(self, n_bits: int) -> np.ndarray:
        """The next ``n_bits`` bits of every channel, shape ``(channels, n_bits)``, uint8."""
        if self.pattern == "random":
            return self._next_random(int(n_bits))
        return self._next_prbs(int(n_bits))

    # -- random -----------------------------------------------------------------------
    def _next_random(self, n: int) -> np.ndarray:
        out = np.empty((self.channels, n), np.uint8)
        for row, rng in enumerate(self._rngs):  # one C call per independent stream
            spare = self._spare[row]
            need = n - spare.size
            words = rng.bit_generator.random_raw(-(-need // 64) if need > 0 else 0)
            fresh = np.unpackbits(np.asarray(words, np.uint64).view(np.uint8))
            both = np.concatenate([spare, fresh])
            out[row] = both[:n]
            self._spare[row] = both[n:]
        return out

    # -- PRBS -------------------------------------------------------------------------
    def _prbs_start(self) -> np.ndarray:
        a, b = PRBS_TAPS[self.pattern]
        seeds = np.array([rng.integers(1, 2**b) for rng in self._rngs], dtype=np.int64)
        bits = ((seeds[:, None] >> np.arange(b)[None, :]) & 1).astype(np.uint8)  # s_0..s_{b-1}
        hist = b << _CHUNK_DOUBLINGS
        buf = np.empty((self.channels, hist), np.uint8)
        buf[:, :b] = bits
        n = b
        while n < hist:  # plain recurrence until the doubled lags have enough history
            m = min(a, hist - n)
            buf[:, n : n + m] = buf[:, n - a : n - a + m] ^ buf[:, n - b : n - b + m]
            n += m
        return buf

    def _next_prbs(self, n: int) -> np.ndarray:
        a, b = PRBS_TAPS[self.pattern]
        la, lb = a << _CHUNK_DOUBLINGS, b << _CHUNK_DOUBLINGS
        hist = self._history.shape[1]
        buf = np.empty((self.channels, hist + n), np.uint8)
        buf[:, :hist] = self._history
        i = hist
        while i < hist + n:
            m = min(la, hist + n - i)
            buf[:, i : i + m] = buf[:, i - la : i - la + m] ^ buf[:, i - lb : i - lb + m]
            i += m
        self._history = buf[:, -hist:].copy()
        return buf[:, hist:]


class NoiseStreams:
    """Continuous per-channel noise streams (independent of the bits)."""

    def __init__(self, channel_ids, seed: int, purpose: Stream = STREAM_NOISE) -> None:
        self._rngs = channel_rngs(seed, channel_ids, purpose)

    def next(self, n: int) -> np.ndarray:
        """Shape ``(channels, n)`` float32 N(0, 1); draws concatenate exactly across calls."""
        out = np.empty((len(self._rngs), int(n)), np.float32)
        for row, rng in enumerate(self._rngs):
            rng.standard_normal(out=out[row], dtype=np.float32)
        return out
