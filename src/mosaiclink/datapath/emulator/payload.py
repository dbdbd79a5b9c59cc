"""Payload mode: real frames with CRC through the whole data path, streamed in blocks.

RS encoding, host interleave, gearbox, per-channel markers with lane ID and BIP-8, skew, lane
lock / deskew, channel errors and deaths, the health monitor, spare failover, erasure
decoding, and CRC checks; it counts frames delivered intact, lost (detected) and silently
corrupted (CRC passes on wrong data).

Streaming
---------
The run is processed a block of marker periods at a time, so memory is bounded by the block
(:data:`BLOCK_LINE_BITS` line bits over all lanes), not by the duration. The transmitter
produces gearbox groups (``blocks_per_period`` RS blocks, which fill whole rows of channel
bits) as the line needs them, the line stage inserts markers, adds errors and darkness, runs
the health monitor (whose run of bad periods carries across blocks) and the failover, and the
receiver decodes whole groups as their channel bits arrive and checks frames as they complete.
Every random number is drawn per marker period (idle pattern, line errors) or per group of
frames, from the streams :attr:`~mosaiclink.streams.Stream.DATAPATH_IDLE`,
``DATAPATH_LINE_ERRORS`` and ``DATAPATH_FRAMES`` keyed by that index, so the result does not depend on the block size:
``run_payload(..., block_periods=2)`` and one block holding the whole run give identical
counts (tested).

Lane lock is acquired once, on the first two periods: each lane's first marker is searched
within the skew window and confirmed one period later, its lane ID read (:meth:`Framing.receive`).
A locked lane is then read at that offset for the rest of the run. A lane that locked at an
offset other than its true skew (sync and ID passing on payload bits: probability below 1e-6 per
lane) is treated as not locked, i.e. dead from link-up, which is what it becomes once its
markers stop confirming.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from mosaiclink.datapath import faults
from mosaiclink.datapath.crc import append_crc, check_crc, crc_bytes
from mosaiclink.datapath.emulator.result import RunCounts
from mosaiclink.datapath.emulator.setup import Setup, lane_timeline, payload_layout
from mosaiclink.datapath.failover import NEVER, bad_periods, first_run_end
from mosaiclink.datapath.framing import MARKER_BITS, Framing, skew_bits
from mosaiclink.datapath.protocols import HostProtocol
from mosaiclink.errors import ModelRangeError
from mosaiclink.streams import Stream, generator

BLOCK_LINE_BITS = 1 << 23  # line bits per processing block, all lanes together (~8 MB per bit array)
FRAMES_PER_DRAW = 1024  # frames drawn per keyed random stream (the CRC runs byte-serially over a whole draw)
CODEWORDS_PER_CALL = 256  # codewords per RS encode / decode call (their work arrays scale with it)
MAX_PAYLOAD_BITS = 400e6  # link bits per run: a bound on work (~2 minutes), no longer on memory

Progress = Callable[[int, int], None]
Keyed = Callable[[Stream, int], np.random.Generator]  # the run's stream of a purpose and index


class _Transmitter:
    """Frames -> RS-coded blocks -> channel bits, one batch of whole gearbox groups at a time."""

    def __init__(self, setup: Setup, keyed: Keyed):
        self.setup, self.keyed = setup, keyed
        self.msg_bits, self.frame_bits = payload_layout(setup)
        self.per_block = int(self.msg_bits.sum())
        self.total_msg = setup.blocks * self.per_block
        self.n_frames = self.total_msg // self.frame_bits
        self.check = "crc64" if setup.host.check == "crc64-flit" else "crc32"
        self.group_blocks = setup.gearbox.blocks_per_period
        self.group_bits = self.group_blocks * setup.host.block_bits // setup.spec.channels  # per channel
        self.groups = setup.blocks // self.group_blocks
        codewords = self.group_blocks * setup.host.interleave
        self.groups_per_call = max(1, CODEWORDS_PER_CALL // codewords)  # RS coder work arrays stay small
        self._draws: dict[int, np.ndarray] = {}
        self.sent: dict[int, np.ndarray] = {}  # group -> its sent codewords (wire symbols if uncoded)
        self.next_group = 0

    def frames(self, f0: int, f1: int) -> np.ndarray:
        """Frames ``f0 .. f1 - 1`` as bytes, CRC appended, from their keyed draws."""
        body = self.frame_bits // 8 - crc_bytes(self.check)
        parts = []
        for d in range(f0 // FRAMES_PER_DRAW, (f1 - 1) // FRAMES_PER_DRAW + 1):
            if d not in self._draws:
                count = min(FRAMES_PER_DRAW, self.n_frames - d * FRAMES_PER_DRAW)
                bodies = self.keyed(Stream.DATAPATH_FRAMES, d).integers(0, 256, (count, body), dtype=np.uint8)
                self._draws[d] = append_crc(bodies, self.check)
            lo = max(f0 - d * FRAMES_PER_DRAW, 0)
            parts.append(self._draws[d][lo : f1 - d * FRAMES_PER_DRAW])
        return np.concatenate(parts) if parts else np.zeros((0, self.frame_bits // 8), np.uint8)

    def release(self, frame: int) -> None:
        """Forget the draws of frames before ``frame`` (checked by the receiver)."""
        for d in [d for d in self._draws if (d + 1) * FRAMES_PER_DRAW <= frame]:
            del self._draws[d]

    def message(self, a: int, b: int) -> np.ndarray:
        """Bits ``a .. b - 1`` of the message stream: the frames back to back, then a random tail."""
        framed = self.n_frames * self.frame_bits
        out = []
        if a < min(b, framed):
            f0, f1 = a // self.frame_bits, -(-min(b, framed) // self.frame_bits)
            bits = np.unpackbits(self.frames(f0, f1).ravel(), bitorder="little")
            out.append(bits[a - f0 * self.frame_bits : min(b, framed) - f0 * self.frame_bits])
        if b > framed:
            tail = self.keyed(Stream.DATAPATH_FRAMES, -(-self.n_frames // FRAMES_PER_DRAW)).integers(
                0, 2, self.total_msg - framed, dtype=np.uint8
            )
            out.append(tail[max(a, framed) - framed : b - framed])
        return np.concatenate(out)

    def encode(self, g0: int, g1: int) -> np.ndarray:
        """Channel bits ``(channels, (g1 - g0) group_bits)`` of groups ``g0 .. g1 - 1``; keeps what was sent."""
        host, gb = self.setup.host, self.setup.gearbox
        b0, b1 = g0 * self.group_blocks, g1 * self.group_blocks
        wire, sent = _encode_stream(
            host, b1 - b0, self.msg_bits, self.message(b0 * self.per_block, b1 * self.per_block)
        )
        rows = sent.shape[0] // (g1 - g0)
        for i, g in enumerate(range(g0, g1)):
            self.sent[g] = sent[i * rows : (i + 1) * rows]
        self.next_group = g1
        return gb.to_channels(wire)


class _Receiver:
    """Channel bits -> decoded groups -> message stream -> frames checked as they complete."""

    def __init__(self, tx: _Transmitter):
        self.tx = tx
        setup = tx.setup
        channels = setup.spec.channels
        self.bits = np.zeros((channels, 0), np.uint8)
        self.erased = np.zeros((channels, 0), bool)
        self.next_group = 0
        self.message = np.zeros(0, np.uint8)  # decoded message bits not yet in a whole frame
        self.message_start = 0  # stream position of self.message[0]
        self.failed: list[np.ndarray] = []
        self.miscorrected = 0
        self.post_errors = 0
        self.crc_ok = np.zeros(tx.n_frames, bool)
        self.intact = np.zeros(tx.n_frames, bool)

    def push(self, bits: np.ndarray, erased: np.ndarray) -> None:
        """Add received channel bits (and erasure flags); decode every whole group now present."""
        self.bits = np.concatenate([self.bits, bits], axis=1)
        self.erased = np.concatenate([self.erased, erased], axis=1)
        for _ in range(self.bits.shape[1] // self.tx.group_bits // self.tx.groups_per_call):
            self._decode(self.tx.groups_per_call)
        if self.bits.shape[1] >= self.tx.group_bits:
            self._decode(self.bits.shape[1] // self.tx.group_bits)

    def _decode(self, groups: int) -> None:
        tx, host, gb = self.tx, self.tx.setup.host, self.tx.setup.gearbox
        width = groups * tx.group_bits
        rx_blocks = gb.from_channels(self.bits[:, :width])
        era_blocks = gb.from_channels(self.erased[:, :width].astype(np.uint8)) > 0
        self.bits, self.erased = self.bits[:, width:], self.erased[:, width:]
        g0 = self.next_group
        sent = np.concatenate([tx.sent.pop(g) for g in range(g0, g0 + groups)])
        got, failed, mis, post = _decode_stream(host, rx_blocks, era_blocks, tx.msg_bits, sent)
        first_row = g0 * tx.group_blocks * (host.interleave if host.coded else 1)
        self.failed.append(failed + first_row)
        self.miscorrected += mis
        start = g0 * tx.group_blocks * tx.per_block
        if not host.coded:
            post = int(np.count_nonzero(got != tx.message(start, start + got.size)))
        self.post_errors += post
        self.next_group = g0 + groups
        self.message = np.concatenate([self.message, got])
        self._frames()

    def _frames(self) -> None:
        """Check the frames now complete in the decoded message stream."""
        tx = self.tx
        f0 = -(-self.message_start // tx.frame_bits)
        f1 = min((self.message_start + self.message.size) // tx.frame_bits, tx.n_frames)
        if f1 > f0:
            lo = f0 * tx.frame_bits - self.message_start
            bits = self.message[lo : lo + (f1 - f0) * tx.frame_bits]
            got = np.packbits(bits, bitorder="little").reshape(f1 - f0, -1)
            self.crc_ok[f0:f1] = check_crc(got, tx.check)
            self.intact[f0:f1] = np.all(got == tx.frames(f0, f1), axis=1)
            tx.release(f1)
            cut = lo + (f1 - f0) * tx.frame_bits
            self.message, self.message_start = self.message[cut:], self.message_start + cut


def run_payload(
    setup: Setup, seed: int, progress: Progress | None = None, block_periods: int | None = None
) -> RunCounts:
    """Emulate the run in payload mode, ``block_periods`` marker periods at a time (default: about
    :data:`BLOCK_LINE_BITS` line bits per block); ``progress(done, total)`` counts periods."""
    spec, fr = setup.spec, setup.framing
    if setup.bits_per_channel * spec.channels > MAX_PAYLOAD_BITS:
        raise ModelRangeError(
            f"payload mode is limited to {MAX_PAYLOAD_BITS / 1e6:.0f} Mbit per run (a bound on run time); "
            "use --mode pattern for longer runs"
        )
    channels, lanes, p = spec.channels, spec.channels + spec.spares, fr.period_bits
    step = p + MARKER_BITS
    periods = -(-setup.bits_per_channel // p)
    line_len = periods * step + MARKER_BITS
    if progress is not None:  # the total is known now: the bar shows it while the first block runs
        progress(0, periods)
    if block_periods is None:
        block_periods = BLOCK_LINE_BITS // (lanes * step)
    block_periods = max(2, int(block_periods))  # lane lock reads the first two periods
    keyed: Keyed = functools.partial(generator, seed)
    tx = _Transmitter(setup, keyed)
    rx = _Receiver(tx)
    errors = _PeriodErrors(setup, keyed, lanes, line_len)
    delay = skew_bits(setup.skew_ps, setup.line_rate_gbps)
    kill_line = np.full(lanes, NEVER, dtype=np.int64)
    kill_ns = fr.payload_bit_time_ns(np.minimum(setup.kill_bit, 10**15), setup.line_rate_gbps)
    kill_line[:channels] = np.where(setup.kill_bit < NEVER, np.floor(kill_ns * setup.line_rate_gbps), NEVER)
    kill_line[:channels][setup.known_dead] = 0
    all_lanes = np.arange(lanes)

    tx_bits = np.zeros((channels, 0), np.uint8)
    lane_id = np.full(lanes, -1, dtype=np.int64)  # the ID each physical lane locked on (set on the first block)
    by_id = np.full(lanes, -1, dtype=np.int64)
    found = np.zeros(channels, bool)
    declared = np.full(channels, NEVER, dtype=np.int64)
    carry = np.zeros((channels, setup.periods_needed - 1), bool)  # the last K - 1 periods' verdicts
    pre_errors, max_skew = 0, 0
    tl = lane_timeline(setup, declared)
    for k0 in range(0, periods, block_periods):
        k1 = min(periods, k0 + block_periods)
        bit0, bit1 = k0 * p, k1 * p
        valid = max(0, min(bit1, setup.bits_per_channel) - bit0)  # data bits in this block
        while tx_bits.shape[1] < valid:
            g1 = min(tx.groups, tx.next_group + tx.groups_per_call)
            tx_bits = np.concatenate([tx_bits, tx.encode(tx.next_group, g1)], axis=1)
        data, tx_bits = tx_bits[:, :valid], tx_bits[:, valid:]
        payload = np.concatenate(
            [keyed(Stream.DATAPATH_IDLE, k).integers(0, 2, (lanes, p), dtype=np.uint8) for k in range(k0, k1)], 1
        )
        payload[:channels, :valid] = data

        line = _transmit(fr, payload, all_lanes, errors, kill_line, k0, k1)
        if k0 == 0:  # lane lock, deskew and lane IDs from the first two periods
            lane_id, offset = _lock(fr, line, delay, line_len)
            max_skew = int(offset.max() - offset.min())
            by_id = _lanes_by_id(lane_id, lanes)
            found = by_id[:channels] >= 0
        received, counts = fr.strip(line, lane_id)
        channel_counts = np.full((channels, k1 - k0), MARKER_BITS, dtype=np.int64)
        channel_counts[found] = counts[by_id[:channels][found]]
        verdicts = np.concatenate([carry, bad_periods(channel_counts)], axis=1)
        ends = first_run_end(verdicts, setup.periods_needed)
        new = (ends >= 0) & (declared == NEVER)
        declared[new] = (k0 - carry.shape[1] + ends[new] + 1) * p
        carry = verdicts[:, verdicts.shape[1] - carry.shape[1] :]
        if k0 == 0:
            declared[setup.known_dead | ~found] = 0
        tl = lane_timeline(setup, declared)
        rx_bits = np.zeros((channels, bit1 - bit0), np.uint8)
        rx_bits[found] = received[by_id[:channels][found]]
        erased = np.zeros(rx_bits.shape, dtype=bool)
        failing = np.nonzero(tl.declared_bit < bit1)[0]
        carried = [c for c in failing if tl.spare[c] >= 0]
        if carried:  # make-before-break: the spare carries its channel from the declaration on
            spares = np.array([channels + tl.spare[c] for c in carried])
            for c, s in zip(carried, spares, strict=True):
                payload[s, max(int(tl.declared_bit[c]) - bit0, 0) :] = payload[
                    c, max(int(tl.declared_bit[c]) - bit0, 0) :
                ]
            order = np.argsort(spares)
            second, _ = fr.strip(_transmit(fr, payload, spares[order], errors, kill_line, k0, k1), spares[order])
            for c, s, row in zip(np.asarray(carried)[order], spares[order], second, strict=True):
                if by_id[s] >= 0:  # the spare lane locked at link-up
                    rx_bits[c, max(int(min(tl.switch_bit[c], bit1)) - bit0, 0) :] = row[
                        max(int(min(tl.switch_bit[c], bit1)) - bit0, 0) :
                    ]
        if spec.erasures:
            for c in failing:
                lo = max(int(tl.declared_bit[c]) - bit0, 0)
                hi = max(int(min(tl.switch_bit[c], bit1)) - bit0, lo)
                erased[c, lo:hi] = True
        pre_errors += int(np.count_nonzero(rx_bits[:, :valid] != data))
        rx.push(rx_bits[:, :valid], erased[:, :valid])
        if progress is not None:
            progress(k1, periods)

    failed = np.concatenate(rx.failed) if rx.failed else np.zeros(0, np.int64)
    flagged = _frames_flagged(setup, tx.msg_bits, tx.frame_bits, failed, tx.n_frames)
    caught = ~flagged & ~rx.crc_ok
    silent = ~flagged & rx.crc_ok & ~rx.intact
    return RunCounts(
        codewords=setup.blocks * setup.host.interleave,
        pre_errors=pre_errors,
        failed=int(failed.size),
        miscorrected=int(rx.miscorrected),
        post_errors=int(rx.post_errors),
        frames=tx.n_frames,
        frames_lost=int((flagged | caught).sum()),
        crc_caught=int(caught.sum()),
        silent=int(silent.sum()),
        timeline=tl,
        max_skew_bits=max_skew,
        lost_frames=np.flatnonzero(flagged | caught),
    )


class _PeriodErrors:
    """Line errors drawn one marker period at a time (all lanes), from streams keyed by the period.

    Period ``k`` covers line bits ``[k (P + M), (k + 1) (P + M))``: its leading marker and payload;
    the last period's trailing marker belongs to period ``K``. A Gilbert-Elliott chain carries its
    state from period to period, so periods are drawn in order and the last one is kept.
    """

    def __init__(self, setup: Setup, keyed: Keyed, lanes: int, line_len: int):
        self.setup, self.keyed, self.lanes, self.line_len = setup, keyed, lanes, line_len
        self.step = setup.framing.period_bits + MARKER_BITS
        burst = setup.spec.burst
        start = keyed(Stream.DATAPATH_LINE_ERRORS, line_len // self.step + 1)  # after the last period's index
        self.state = faults.initial_ge_state(start, burst, lanes) if burst is not None else None
        self.drawn: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.next_period = 0

    def _draw(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        rng = self.keyed(Stream.DATAPATH_LINE_ERRORS, k)
        a, b = k * self.step, min((k + 1) * self.step, self.line_len)
        spec = self.setup.spec
        if spec.burst is not None:
            assert self.state is not None  # drawn in __init__ whenever spec.burst is set
            lane, bit = faults.gilbert_elliott_errors(rng, spec.burst, self.lanes, a, b, self.state)
            return lane, bit
        return faults.thinned_errors(rng, self.setup.ber, self.lanes, a, b)

    def between(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """Errors ``(lane, line bit)`` with ``a <= bit < b``; periods are drawn in order, each once."""
        k0, k1 = a // self.step, (b - 1) // self.step
        while self.next_period <= k1:
            self.drawn[self.next_period] = self._draw(self.next_period)
            self.next_period += 1
        for k in [k for k in self.drawn if k < k0]:
            del self.drawn[k]
        lane = np.concatenate([self.drawn[k][0] for k in range(k0, k1 + 1)])
        bit = np.concatenate([self.drawn[k][1] for k in range(k0, k1 + 1)])
        keep = (bit >= a) & (bit < b)
        return lane[keep], bit[keep]


def _transmit(
    fr: Framing, payload: np.ndarray, rows: np.ndarray, errors: _PeriodErrors, kill_line: np.ndarray, k0: int, k1: int
) -> np.ndarray:
    """Line bits of lanes ``rows`` over periods ``k0 .. k1 - 1``: markers inserted, errors added, dark
    lanes zeroed; from the marker before period ``k0`` to the one after period ``k1 - 1``."""
    step = fr.period_bits + MARKER_BITS
    line: np.ndarray = fr.insert(payload[rows], rows)
    lane, bit = errors.between(k0 * step, k1 * step + MARKER_BITS)
    sel = np.isin(lane, rows)
    np.bitwise_xor.at(line, (np.searchsorted(rows, lane[sel]), bit[sel] - k0 * step), 1)
    for i in np.nonzero(kill_line[rows] < k1 * step + MARKER_BITS)[0]:  # dark microLEDs (few)
        line[i, max(int(kill_line[rows[i]]) - k0 * step, 0) :] = 0
    return line


def _lock(fr: Framing, line: np.ndarray, delay: np.ndarray, line_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Lane IDs and skew offsets found on the first periods of ``line`` as received (-1: not locked)."""
    search = int(delay.max()) + 1
    width = min(line.shape[1], fr.period_bits + 2 * MARKER_BITS + search + 16, line_len)
    rx = np.zeros((line.shape[0], width + search), dtype=np.uint8)
    for value in np.unique(delay):  # a handful of distinct whole-bit skews
        rows = np.nonzero(delay == value)[0]
        rx[rows, value : value + width] = line[rows, :width]
    first = fr.receive(rx, 1, search)
    true_lock = (first.lane_id >= 0) & (first.offset_bits == delay)  # see the module notes: false locks drop
    return np.where(true_lock, first.lane_id, -1), first.offset_bits


def _lanes_by_id(lane_id: np.ndarray, lanes: int) -> np.ndarray:
    """Physical receiver index of each logical lane ID (-1 if not locked)."""
    out = np.full(lanes, -1, dtype=np.int64)
    ok = (lane_id >= 0) & (lane_id < lanes)
    out[lane_id[ok]] = np.nonzero(ok)[0]
    return out


def _wire_tables(host: HostProtocol) -> tuple[np.ndarray, np.ndarray, int]:
    sym = np.arange(host.block_symbols)
    c = sym % host.interleave
    full = host.n if host.coded else host.block_symbols
    pos = sym // host.interleave + (full - np.asarray(host.transmitted))[c]
    return c, pos, full


def _encode_stream(
    host: HostProtocol, blocks: int, msg_bits: np.ndarray, stream: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Message bit stream -> wire symbols per block (and the codewords, for checking)."""
    c, pos, full = _wire_tables(host)
    m = host.m
    packed = np.packbits(stream.reshape(-1, m), axis=1, bitorder="little")
    msg_sym = (
        (packed[:, 0].astype(np.uint16) | (packed[:, 1].astype(np.uint16) << 8))
        if m > 8
        else packed[:, 0].astype(np.uint16)
    )
    if not host.coded:
        wire = msg_sym.reshape(blocks, host.block_symbols)
        return wire, wire
    k = host.k
    msgs = np.zeros((blocks, host.interleave, k), dtype=np.uint16)
    per = msg_bits // m
    offs = np.concatenate([[0], np.cumsum(per)[:-1]])
    by_block = msg_sym.reshape(blocks, -1)
    for i in range(host.interleave):  # interleave ways (2..4), not channels
        msgs[:, i, k - per[i] :] = by_block[:, offs[i] : offs[i] + per[i]]
    cws = host.code.encode(msgs.reshape(-1, k)).reshape(blocks, host.interleave, full)
    wire = cws[:, c, pos]
    return wire, cws.reshape(-1, full)


def _decode_stream(
    host: HostProtocol, rx_blocks: np.ndarray, era_blocks: np.ndarray, msg_bits: np.ndarray, sent_cw: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Wire symbols -> codewords -> decode -> message bit stream; failures and miscorrections."""
    c, pos, full = _wire_tables(host)
    blocks = rx_blocks.shape[0]
    m = host.m
    if not host.coded:
        syms = rx_blocks.reshape(-1)
        bits = ((syms[:, None] >> np.arange(m, dtype=np.uint16)) & 1).astype(np.uint8).ravel()
        bad = np.nonzero(np.any(rx_blocks != sent_cw, axis=1))[0]
        return bits, bad, 0, 0
    words = np.zeros((blocks, host.interleave, full), dtype=np.uint16)
    era = np.zeros(words.shape, dtype=bool)
    words[:, c, pos] = rx_blocks
    era[:, c, pos] = era_blocks
    decoded, status = host.code.decode(words.reshape(-1, full), era.reshape(-1, full))
    failed = np.nonzero(status < 0)[0]
    wrong_rows = (status >= 0) & np.any(decoded != sent_cw, axis=1)
    k = host.k
    per = msg_bits // m
    dec = decoded.reshape(blocks, host.interleave, full)
    parts = [dec[:, i, k - per[i] : k] for i in range(host.interleave)]
    syms = np.concatenate(parts, axis=1).reshape(-1)
    bits = ((syms[:, None] >> np.arange(m, dtype=np.uint16)) & 1).astype(np.uint8).ravel()
    sent_parts = np.concatenate(
        [sent_cw.reshape(blocks, host.interleave, full)[:, i, k - per[i] : k] for i in range(host.interleave)], axis=1
    ).reshape(-1)
    sent_bits = ((sent_parts[:, None] >> np.arange(m, dtype=np.uint16)) & 1).astype(np.uint8).ravel()
    post = int(np.count_nonzero(bits != sent_bits))
    return bits, failed, int(wrong_rows.sum()), post


def _frames_flagged(
    setup: Setup, msg_bits: np.ndarray, frame_bits: int, failed: np.ndarray, n_frames: int
) -> np.ndarray:
    """Frames the receiver marks bad because a codeword under them failed to decode."""
    flagged = np.zeros(n_frames, dtype=bool)
    if failed.size and setup.host.coded:
        host = setup.host
        per_block = int(msg_bits.sum())
        block, c = np.divmod(failed, host.interleave)
        start = block * per_block + np.concatenate([[0], np.cumsum(msg_bits)[:-1]])[c]
        for a, b in zip(start // frame_bits, (start + msg_bits[c] - 1) // frame_bits, strict=True):
            flagged[a : min(b + 1, n_frames)] = True
    return flagged
