"""Spare-channel failover: health monitor, make-before-break remap, erasures, tolerance.

Health monitor: per lane and marker period, the receiver counts marker bit errors plus BIP-8
mismatches (:mod:`framing`). A lane is *declared dead* at the end of the K-th consecutive
period with at least ``threshold + 2 median`` errors, ``K = max(1, ceil(detection_time /
period))``, where the median runs over all lanes in that period.
From then on its symbols are fed to the RS decoder as erasures (if enabled). The transmitter
starts copying the lane onto a free spare at declaration; once the spare is locked and
deskewed (``remap_time``) the receiver switches over at a period boundary. Both copies carry
the same bits, so the switch is hitless (make-before-break).

Notes
-----
False alarms: with independent errors at BER p and period P, a BIP bit flips with
``q ~ P p / 8``; ``P(>= 3 of 8) ~ 56 q^3`` per period, so K = 2 consecutive periods at
p = 1e-5, P = 4096 gives ~5e-11 per lane-period. A dead (dark, stuck-at-0) lane fails its
16-bit sync word every period. Thresholds are our estimates.

High BER: each BIP-8 bit covers P/8 = 512 bits, so above p ~ 1e-3 a healthy lane already
shows ~2.6 of 8 BIP mismatches per period (``(1 - (1 - 2p)^512) / 2`` each) and at 1e-2 about
4. A fixed threshold of 3 then declared *every* lane dead within K periods, before any kill:
all symbols became erasures (more than ``n - k``), every codeword failed although the RS code
alone corrects most of them at 1e-3 (5 symbol errors per word against t = 15), and the first
declared lanes took all spares. The median term measures what a healthy lane of this link
shows in the same period: it is 0 at low BER (the threshold stays 3) and ~4 at 1e-2, while a
dark lane shows ~20 marker errors plus ~4 BIP mismatches, so dead lanes still stand out
(measured in ``tests/datapath/test_miscorrection.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import ceil

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from mosaiclink.datapath.gearbox import Gearbox, period_codeword_channels

DEFAULT_THRESHOLD = 3
NEVER = np.iinfo(np.int64).max // 4


def detection_periods(detection_time_ns: float, period_ns: float) -> int:
    """Consecutive bad periods needed to declare a lane dead."""
    return max(1, ceil(detection_time_ns / period_ns - 1e-9))


def declare(error_counts: np.ndarray, periods_needed: int, threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """Index of the period at whose end each lane is declared dead (-1 if never).

    ``error_counts`` is ``(lanes, periods)``; declaration needs ``periods_needed``
    consecutive periods with ``>= threshold + 2 median`` errors (median over lanes; see Notes).
    """
    return first_run_end(bad_periods(error_counts, threshold), periods_needed)


def bad_periods(error_counts: np.ndarray, threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """``(lanes, periods)`` bool: a period with ``>= threshold + 2 median`` errors (median over lanes)."""
    counts = np.asarray(error_counts)
    healthy_level = np.median(counts, axis=0) if counts.shape[0] else 0.0
    return np.asarray(counts >= threshold + 2.0 * healthy_level)


def first_run_end(bad: np.ndarray, periods_needed: int) -> np.ndarray:
    """Per lane, the index of the period ending its first run of ``periods_needed`` bad periods (-1 if none)."""
    lanes, periods = bad.shape
    if periods < periods_needed:
        return np.full(lanes, -1, dtype=np.int64)
    runs = np.asarray(sliding_window_view(bad, periods_needed, axis=1).all(axis=2))
    first = runs.argmax(axis=1)
    return np.where(runs.any(axis=1), first + periods_needed - 1, -1).astype(np.int64)


@dataclass(frozen=True)
class LaneTimeline:
    """Fate of each data channel in payload-bit units of that channel (``NEVER`` = not at all).

    ``dead_bit``: first bit lost; ``declared_bit``: first bit treated as erasure;
    ``switch_bit``: first bit taken from ``spare`` (index into the spares, -1 if none).
    """

    dead_bit: np.ndarray
    declared_bit: np.ndarray
    switch_bit: np.ndarray
    spare: np.ndarray

    def state(self, channel, channel_bit) -> np.ndarray:
        """0 healthy, 1 dead and undetected, 2 dead and declared, 3 carried by the spare."""
        ch = np.asarray(channel)
        cb = np.asarray(channel_bit)
        s = np.zeros(np.broadcast(ch, cb).shape, dtype=np.int8)
        s[cb >= self.dead_bit[ch]] = 1
        s[cb >= self.declared_bit[ch]] = 2
        s[cb >= self.switch_bit[ch]] = 3
        return s


def plan(channels: int, spares: int, dead_bit, declared_bit, switch_delay_bits: int) -> LaneTimeline:
    """Assign spares first come first served by declaration time.

    Channels declared at bit 0 (known dead at link-up) switch at bit 0; others switch
    ``switch_delay_bits`` after declaration.
    """
    dead = np.full(channels, NEVER, dtype=np.int64)
    decl = np.full(channels, NEVER, dtype=np.int64)
    dead[:] = dead_bit
    decl[:] = declared_bit
    switch = np.full(channels, NEVER, dtype=np.int64)
    spare = np.full(channels, -1, dtype=np.int64)
    order = [c for c in np.argsort(decl, kind="stable") if decl[c] < NEVER]
    for s, c in enumerate(order[:spares]):
        spare[c] = s
        switch[c] = 0 if decl[c] == 0 else decl[c] + switch_delay_bits
    return LaneTimeline(dead, decl, switch, spare)


@lru_cache(maxsize=32)
def symbols_per_channel(gearbox: Gearbox) -> np.ndarray:
    """``(codewords in one period, channels)``: symbols of each codeword touching each channel.

    Cached per gearbox (a frozen, hashable description); the returned array is read-only.
    """
    host = gearbox.host
    chans = period_codeword_channels(gearbox)  # (cw, n, m)
    cws = np.arange(chans.shape[0])
    counts = np.zeros((cws.size, gearbox.channels), dtype=np.int64)
    for b in range(host.m):
        ch = chans[:, :, b]
        first = np.ones(ch.shape, dtype=bool)  # a symbol counts once per channel
        for bb in range(b):
            first &= chans[:, :, bb] != ch
        rows, cols = np.nonzero((ch >= 0) & first)
        np.add.at(counts, (rows, ch[rows, cols]), 1)
    counts.setflags(write=False)
    return counts


def dead_channel_tolerance(gearbox: Gearbox, erasures: bool) -> int:
    """Dead channels the FEC absorbs in the worst placement, with no spare and no random errors.

    A dead channel corrupts every symbol it touches. Without erasures each such symbol is an
    error (capacity ``t = floor((n-k)/2)``); declared dead, it is an erasure (capacity ``n-k``).
    The tolerance is the largest d for which, in every codeword of a mapping period, the d
    channels carrying the most of its symbols together carry no more than the capacity.
    """
    host = gearbox.host
    if not host.coded:
        return 0
    capacity = host.n - host.k if erasures else (host.n - host.k) // 2
    counts = np.sort(symbols_per_channel(gearbox), axis=1)[:, ::-1]
    worst = np.cumsum(counts, axis=1).max(axis=0)  # worst-case symbols hit by d+1 channels
    return int(np.searchsorted(worst, capacity, side="right"))
