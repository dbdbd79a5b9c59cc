"""Per-channel framing: alignment markers with lane ID and BIP-8, lane lock, reorder, deskew.

Every optical channel carries a 40-bit marker before each period of ``P`` payload bits and one
after the last period::

    | SYNC 16 | LANE ID 12 | ID CHECK 4 | BIP-8 of the previous period | P payload bits | ...

The receiver finds the sync word (within one bit error, confirmed one period later), reads the lane ID to undo the
unknown core-to-pixel permutation, aligns every lane on its first marker (deskew), strips the
markers, and reports per period the marker bit errors plus BIP-8 mismatches: the health
counters of :mod:`mosaiclink.datapath.failover`.

Notes
-----
Line rate ``R_line = R_payload (P + M) / P`` with ``M = 40`` bits. Skew: ``s = mismatch_cm *
50 ps/cm`` [S2: 1 cm of core mismatch ~ 50 ps ~ 0.1 UI at 2 Gb/s]; in UI it is
``s R_line``. The deskew buffer holds ``ceil(budget_ps R_line / 1000) + 1`` bits per lane and
adds ``budget_ps`` of latency (the early lanes wait for the latest). BIP-8 bit i is the XOR
of the period's payload bits ``j = i mod 8`` (as in IEEE 802.3 cl. 82.2.8).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

import numpy as np

from mosaiclink.config.line_rate import MARKER_BITS
from mosaiclink.errors import ConfigError

SYNC_BITS = np.array([1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1], dtype=np.uint8)
SYNC_TOLERANCE = 1  # bit errors accepted in a sync word while locking
_POPCOUNT16 = np.unpackbits(np.arange(1 << 16, dtype=">u2").view(np.uint8).reshape(-1, 2), axis=1).sum(axis=1)
_ID_BITS = 12


@dataclass(frozen=True)
class Framing:
    """Marker layout of one channel: ``period_bits`` payload bits per marker."""

    period_bits: int

    def __post_init__(self) -> None:
        if self.period_bits % 8:
            raise ConfigError(f"marker_period_bits = {self.period_bits}: must be a multiple of 8")

    @property
    def overhead(self) -> float:
        """Line bits per payload bit, ``(P + M) / P``."""
        return (self.period_bits + MARKER_BITS) / self.period_bits

    def line_rate_gbps(self, payload_rate_gbps: float) -> float:
        return payload_rate_gbps * self.overhead

    def payload_bit_time_ns(self, channel_bit, line_rate_gbps: float):
        """Transmit time of payload bit ``channel_bit`` (markers included in the timeline)."""
        cb = np.asarray(channel_bit, dtype=np.float64)
        return (cb + MARKER_BITS * (np.floor(cb / self.period_bits) + 1)) / line_rate_gbps

    def payload_bit_at_ns(self, time_ns, line_rate_gbps: float) -> int:
        """First payload bit transmitted at or after ``time_ns`` (inverse of the above)."""
        line_bit = ceil(time_ns * line_rate_gbps - 1e-9)
        period, within = divmod(line_bit, self.period_bits + MARKER_BITS)
        return int(period * self.period_bits + max(0, within - MARKER_BITS))

    def period_time_ns(self, line_rate_gbps: float) -> float:
        return (self.period_bits + MARKER_BITS) / line_rate_gbps

    def insert(self, payload: np.ndarray, lane_ids: np.ndarray) -> np.ndarray:
        """Payload bits ``(lanes, K P)`` -> line bits ``(lanes, K (P + M) + M)`` with markers."""
        lanes, nb = payload.shape
        if nb % self.period_bits:
            raise ConfigError(f"payload bits {nb}: must be a multiple of the marker period {self.period_bits}")
        k = nb // self.period_bits
        periods = payload.reshape(lanes, k, self.period_bits)
        bip = _bip8(periods)  # (lanes, k, 8)
        markers = np.zeros((lanes, k + 1, MARKER_BITS), dtype=np.uint8)
        markers[:, :, :16] = SYNC_BITS
        markers[:, :, 16:32] = _id_field(lane_ids)[:, None, :]
        markers[:, 1:, 32:] = bip
        line = np.empty((lanes, k * (self.period_bits + MARKER_BITS) + MARKER_BITS), dtype=np.uint8)
        body = line[:, : k * (self.period_bits + MARKER_BITS)].reshape(lanes, k, -1)
        body[:, :, :MARKER_BITS] = markers[:, :k]
        body[:, :, MARKER_BITS:] = periods
        line[:, -MARKER_BITS:] = markers[:, k]
        return line

    def receive(self, line: np.ndarray, periods: int, search_bits: int) -> Received:
        """Lock, identify, deskew and strip ``periods`` periods from received lanes.

        Parameters
        ----------
        line : (lanes, L) uint8
            Received bits per physical lane, each delayed by an unknown skew < ``search_bits``.
        periods : int
            Periods of payload to extract.
        search_bits : int
            Window (from the lane start) in which the first marker must be found.
        """
        lanes = line.shape[0]
        step = self.period_bits + MARKER_BITS
        head = line[:, : search_bits + step + 16].astype(np.int32)
        positions = head.shape[1] - 15
        words = np.zeros((lanes, positions), dtype=np.int32)  # the 16-bit word starting at each position
        for j in range(16):  # shifts, not a (lanes, positions, 16) int64 matrix product (250 MB at 460 lanes)
            words |= head[:, j : j + positions] << (15 - j)
        sync_word = int(np.sum(SYNC_BITS.astype(np.int64) << np.arange(15, -1, -1)))
        near = _POPCOUNT16[words ^ sync_word] <= SYNC_TOLERANCE  # sync word within 1 bit error
        hit = near[:, :search_bits] & near[:, step : step + search_bits]
        locked = hit.any(axis=1)
        offset = np.where(locked, hit.argmax(axis=1), 0)
        idx = offset[:, None] + 16 + np.arange(16)
        id_bits = np.take_along_axis(line, idx, axis=1)
        lane_id, id_ok = _read_id(id_bits)
        locked &= id_ok
        span = periods * step + MARKER_BITS
        aligned = np.zeros((lanes, span), dtype=np.uint8)
        for value in np.unique(offset):  # deskew: a handful of distinct whole-bit offsets
            rows = np.nonzero(offset == value)[0]
            aligned[rows, : line.shape[1] - value] = line[rows, value : value + span]
        lane_id = np.where(locked, lane_id, -1)
        payload, counters = self.strip(aligned, lane_id)
        return Received(payload=payload, lane_id=lane_id, offset_bits=offset, error_counts=counters)

    def strip(self, aligned: np.ndarray, lane_id: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Payload and health counters of aligned lanes.

        Parameters
        ----------
        aligned : (lanes, K (P + M) + M) uint8
            Line bits starting at a marker: K periods and the marker after the last.
        lane_id : (lanes,) int
            Lane ID each lane locked on, -1 for an unlocked lane (its counters read M per period).

        Returns
        -------
        payload : (lanes, K P) uint8
        error_counts : (lanes, K) int
            Per period, the errors of the marker after it (sync and ID) plus its BIP-8 mismatches.
        """
        lanes = aligned.shape[0]
        step = self.period_bits + MARKER_BITS
        periods = (aligned.shape[1] - MARKER_BITS) // step
        locked = lane_id >= 0
        body = aligned[:, : periods * step].reshape(lanes, periods, step)
        payload = body[:, :, MARKER_BITS:].reshape(lanes, -1)
        after = np.concatenate([body[:, 1:, :MARKER_BITS], aligned[:, None, periods * step :]], axis=1)
        ids = np.where(locked, lane_id, 0)
        expected_head = np.concatenate([np.broadcast_to(SYNC_BITS, (lanes, 16)), _id_field(ids)], axis=1)
        head_errors = (after[:, :, :32] != expected_head[:, None, :]).sum(axis=2)
        bip_errors = (_bip8(body[:, :, MARKER_BITS:]) != after[:, :, 32:]).sum(axis=2)
        return payload, np.where(locked[:, None], head_errors + bip_errors, MARKER_BITS)


@dataclass(frozen=True)
class Received:
    """Result of :meth:`Framing.receive` (per physical lane)."""

    payload: np.ndarray  # (lanes, periods * P) aligned payload bits
    lane_id: np.ndarray  # (lanes,) lane ID read from the markers, -1 if not locked
    offset_bits: np.ndarray  # (lanes,) position of the first marker = skew in bits
    error_counts: np.ndarray  # (lanes, periods) marker + BIP-8 errors per period


def _bip8(periods: np.ndarray) -> np.ndarray:
    """BIP-8 of each period: bit i is the XOR of payload bits ``j = i mod 8``."""
    packed = np.packbits(periods, axis=2, bitorder="little")  # byte bit i = payload bit 8 l + i
    folded = np.bitwise_xor.reduce(packed, axis=2)
    return np.unpackbits(folded[..., None], axis=2, bitorder="little")


def _id_field(lane_ids) -> np.ndarray:
    ids = np.asarray(lane_ids, dtype=np.int64)
    if np.any((ids < 0) | (ids >= 1 << _ID_BITS)):
        raise ConfigError(f"lane IDs must be in 0..{(1 << _ID_BITS) - 1}")
    bits = (ids[:, None] >> np.arange(_ID_BITS - 1, -1, -1)) & 1
    nibbles = bits.reshape(-1, 3, 4)
    check = np.bitwise_xor.reduce(nibbles, axis=1) ^ 1  # inverted XOR: all-zero field is invalid
    return np.concatenate([bits, check], axis=1).astype(np.uint8)


def _read_id(field: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bits = field[:, :_ID_BITS].astype(np.int64)
    ids = bits @ (1 << np.arange(_ID_BITS - 1, -1, -1))
    ok = np.all(_id_field(ids)[:, _ID_BITS:] == field[:, _ID_BITS:], axis=1)
    return ids, ok


def skew_bits(skew_ps, line_rate_gbps: float) -> np.ndarray:
    """Whole-bit delay of a skew (sub-UI skew is absorbed by each lane's sampling phase)."""
    return np.rint(np.asarray(skew_ps, dtype=np.float64) * line_rate_gbps / 1000.0).astype(np.int64)


def deskew_buffer_bits(skew_budget_ps: float, line_rate_gbps: float) -> int:
    """Deskew FIFO depth per lane: the budget in UI, rounded up, plus one bit of phase slack."""
    return int(ceil(skew_budget_ps * line_rate_gbps / 1000.0)) + 1
