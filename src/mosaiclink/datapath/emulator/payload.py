"""Payload mode: real frames with CRC through the whole data path.

RS encoding, host interleave, gearbox, per-channel markers with lane ID and BIP-8, a random core
permutation and skew, channel errors and deaths, lane lock / reorder / deskew, the health
monitor, spare failover, erasure decoding, and CRC checks; it counts frames delivered intact,
lost (detected) and silently corrupted (CRC passes on wrong data).
"""

from __future__ import annotations

import numpy as np

from mosaiclink.datapath import faults
from mosaiclink.datapath.crc import append_crc, check_crc, crc_bytes
from mosaiclink.datapath.emulator.result import RunCounts
from mosaiclink.datapath.emulator.setup import Setup, lane_timeline, payload_layout
from mosaiclink.datapath.failover import NEVER, declare
from mosaiclink.datapath.framing import MARKER_BITS, Received, skew_bits
from mosaiclink.datapath.protocols import HostProtocol
from mosaiclink.errors import ModelRangeError


def run_payload(setup: Setup, rng: np.random.Generator) -> RunCounts:
    spec, host, gb, fr = setup.spec, setup.host, setup.gearbox, setup.framing
    if setup.bits_per_channel * spec.channels > 400e6:
        raise ModelRangeError("payload mode is limited to 400 Mbit per run; use --mode pattern for longer runs")
    lanes = spec.channels + spec.spares
    p = fr.period_bits
    msg_bits, frame_bits = payload_layout(setup)
    check = "crc64" if host.check == "crc64-flit" else "crc32"
    total_msg = setup.blocks * int(msg_bits.sum())
    n_frames = total_msg // frame_bits
    bodies = rng.integers(0, 256, (n_frames, frame_bits // 8 - crc_bytes(check)), dtype=np.uint8)
    frames = append_crc(bodies, check)
    stream = np.concatenate(
        [
            np.unpackbits(frames.ravel(), bitorder="little"),
            rng.integers(0, 2, total_msg - n_frames * frame_bits, dtype=np.uint8),
        ]
    )
    sent_blocks, sent_cw = _encode_stream(host, setup.blocks, msg_bits, stream)
    # gearbox, filler to whole marker periods, framing with physical lane IDs
    data = gb.to_channels(sent_blocks)
    periods = -(-setup.bits_per_channel // p)
    payload = rng.integers(0, 2, (lanes, periods * p), dtype=np.uint8)  # spares: idle pattern
    payload[: spec.channels, : setup.bits_per_channel] = data
    # impairments (positions in line bits), skew and core permutation
    line_len = periods * (p + MARKER_BITS) + MARKER_BITS
    err_lane, err_bit = _line_errors(setup, rng, lanes, line_len)
    delay = skew_bits(setup.skew_ps, setup.line_rate_gbps)
    perm_rank = rng.permutation(lanes)
    search = int(delay.max()) + 1
    kill_line = np.full(lanes, NEVER, dtype=np.int64)
    kill_ns = fr.payload_bit_time_ns(np.minimum(setup.kill_bit, 10**15), setup.line_rate_gbps)
    kill_line[: spec.channels] = np.where(setup.kill_bit < NEVER, np.floor(kill_ns * setup.line_rate_gbps), NEVER)
    kill_line[: spec.channels][setup.known_dead] = 0

    def receive(content: np.ndarray, subset: np.ndarray) -> Received:
        """Transmit lanes ``subset`` through errors, darkness, skew and a core permutation."""
        line = fr.insert(content[subset], subset)
        sel = np.isin(err_lane, subset)
        np.bitwise_xor.at(line, (np.searchsorted(subset, err_lane[sel]), err_bit[sel]), 1)
        for i in np.nonzero(kill_line[subset] < NEVER)[0]:  # dark microLEDs (few)
            line[i, kill_line[subset[i]] :] = 0
        order = perm_rank[subset].argsort()  # position of each lane behind the fibre
        rx = np.zeros((subset.size, line_len + search), dtype=np.uint8)
        d = delay[subset][order]
        for value in np.unique(d):  # a handful of distinct whole-bit skews
            rows = np.nonzero(d == value)[0]
            rx[rows, value : value + line_len] = line[order[rows]]
        return fr.receive(rx, periods, search)

    all_lanes = np.arange(lanes)
    first = receive(payload, all_lanes)
    by_id = _lanes_by_id(first.lane_id, lanes)
    counts = np.full((spec.channels, periods), MARKER_BITS, dtype=np.int64)
    found = by_id[: spec.channels] >= 0
    counts[found] = first.error_counts[by_id[: spec.channels][found]]
    declared_period = declare(counts, setup.periods_needed)
    declared = np.where(declared_period >= 0, (declared_period + 1) * p, NEVER)
    declared = np.where(setup.known_dead | ~found, 0, declared)
    tl = lane_timeline(setup, declared)
    # make-before-break: the spare carries its channel from the declaration on
    for c in np.nonzero(tl.spare >= 0)[0]:
        s = spec.channels + tl.spare[c]
        payload[s, tl.declared_bit[c] :] = payload[c, tl.declared_bit[c] :]
    used = np.sort(spec.channels + tl.spare[tl.spare >= 0])
    second = receive(payload, used) if used.size else first  # spares again, now carrying their channels
    by_id2 = _lanes_by_id(second.lane_id, lanes)
    rx_bits = np.zeros((spec.channels, periods * p), dtype=np.uint8)
    rx_bits[found] = first.payload[by_id[: spec.channels][found]]
    erased = np.zeros_like(rx_bits, dtype=bool)
    for c in np.nonzero(tl.declared_bit < NEVER)[0]:  # failed channels only
        sw = int(min(tl.switch_bit[c], periods * p))
        if tl.spare[c] >= 0 and by_id2[spec.channels + tl.spare[c]] >= 0:
            rx_bits[c, sw:] = second.payload[by_id2[spec.channels + tl.spare[c]], sw:]
        if spec.erasures:
            erased[c, tl.declared_bit[c] : sw] = True
    rx_bits = rx_bits[:, : setup.bits_per_channel]
    erased = erased[:, : setup.bits_per_channel]
    pre_errors = int(np.count_nonzero(rx_bits != data))
    rx_blocks = gb.from_channels(rx_bits)
    era_blocks = gb.from_channels(erased.astype(np.uint8)) > 0
    got_stream, failed, mis, post_errors = _decode_stream(host, rx_blocks, era_blocks, msg_bits, sent_cw)
    post_errors = int(np.count_nonzero(got_stream != stream)) if not host.coded else post_errors
    got = np.packbits(got_stream[: n_frames * frame_bits], bitorder="little").reshape(n_frames, -1)
    flagged = _frames_flagged(setup, msg_bits, frame_bits, failed, n_frames)
    crc_ok = check_crc(got, check)
    intact = np.all(got == frames, axis=1)
    caught = ~flagged & ~crc_ok
    silent = ~flagged & crc_ok & ~intact
    return RunCounts(
        codewords=setup.blocks * host.interleave,
        pre_errors=pre_errors,
        failed=int(failed.size),
        miscorrected=int(mis),
        post_errors=post_errors,
        frames=n_frames,
        frames_lost=int((flagged | caught).sum()),
        crc_caught=int(caught.sum()),
        silent=int(silent.sum()),
        timeline=tl,
        max_skew_bits=int(first.offset_bits.max() - first.offset_bits.min()),
    )


def _lanes_by_id(lane_id: np.ndarray, lanes: int) -> np.ndarray:
    """Physical receiver index of each logical lane ID (-1 if not locked)."""
    out = np.full(lanes, -1, dtype=np.int64)
    ok = (lane_id >= 0) & (lane_id < lanes)
    out[lane_id[ok]] = np.nonzero(ok)[0]
    return out


def _line_errors(setup: Setup, rng: np.random.Generator, lanes: int, line_len: int) -> tuple[np.ndarray, np.ndarray]:
    spec = setup.spec
    if spec.burst is not None:
        state = faults.initial_ge_state(rng, spec.burst, lanes)
        burst_errors: tuple[np.ndarray, np.ndarray] = faults.gilbert_elliott_errors(
            rng, spec.burst, lanes, 0, line_len, state
        )
        return burst_errors
    p_max = float(setup.ber.max())
    lane, bit = faults.candidate_errors(rng, p_max, lanes, 0, line_len)
    keep = faults.thin(rng, setup.ber[lane] / p_max) if p_max > 0 else np.zeros(0, bool)
    return lane[keep], bit[keep]


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
