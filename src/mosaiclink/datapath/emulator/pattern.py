"""Error-pattern mode: only error positions are simulated (cost proportional to errors, not bits).

The decoder's outcome depends only on the error pattern (the code is linear). A codeword with
``e`` symbol errors and ``f`` erasures and ``2e + f <= n - k`` is corrected by any
bounded-distance decoder (tested against the oracle); the others are decoded for real from
their error pattern (all-zero codeword) to tell detected failures from miscorrections.
A dead lane fails every marker period (as a dark lane does in payload mode), so declaration is
at the end of period ``floor(kill / P) + K - 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from mosaiclink.datapath import faults
from mosaiclink.datapath.emulator.result import RunCounts
from mosaiclink.datapath.emulator.setup import Setup, lane_timeline, payload_layout
from mosaiclink.datapath.failover import NEVER, LaneTimeline
from mosaiclink.datapath.gearbox import Gearbox
from mosaiclink.datapath.protocols import HostProtocol

_CHUNK_CODEWORDS = 1 << 19


def _pattern_declared(setup: Setup) -> np.ndarray:
    p = setup.framing.period_bits
    kill = setup.kill_bit
    decl = np.where(kill < NEVER, (kill // p + setup.periods_needed) * p, NEVER)
    return np.where(setup.known_dead, 0, decl)


def run_pattern(
    setup: Setup, rng: np.random.Generator, progress: Callable[[int, int], None] | None = None
) -> RunCounts:
    """Emulate the run in error-pattern mode, a chunk of interleave blocks at a time; ``progress(done, total)``."""
    spec, host, gb = setup.spec, setup.host, setup.gearbox
    tl = lane_timeline(setup, _pattern_declared(setup))
    n, k = (host.n, host.k) if host.coded else (host.block_symbols, host.block_symbols)
    lanes = spec.channels + spec.spares
    cw_total = setup.blocks * host.interleave
    bpp = gb.blocks_per_period
    chunk_blocks = max(bpp, (_CHUNK_CODEWORDS // host.interleave) // bpp * bpp)
    p_max = float(setup.ber.max()) if spec.burst is None else 0.0
    uniform = spec.burst is None and bool(np.all(setup.ber == p_max))
    ge_state = faults.initial_ge_state(rng, spec.burst, lanes) if spec.burst is not None else None
    span = _codeword_line_span(gb)
    tot = dict(pre=0, fail=0, mis=0, post=0)
    failed_cws: list[np.ndarray] = []
    wrong_bits: list[np.ndarray] = []  # uncoded hosts: message bits lost, where frames are judged
    for b0 in range(0, setup.blocks, chunk_blocks):
        b1 = min(setup.blocks, b0 + chunk_blocks)
        if progress is not None:  # 0 first: the bar shows the total while the first chunk runs
            progress(b0, setup.blocks)
        cb0 = b0 * host.block_bits // spec.channels
        cb1 = b1 * host.block_bits // spec.channels
        cw0 = b0 * host.interleave
        quiet = bool(np.all(tl.dead_bit >= cb1))  # no channel failed yet: spares idle, no erasures
        if quiet and uniform:
            # fast path: a codeword needs t + 1 errors within its line span to fail; if no t + 1
            # consecutive errors fit in that span, every codeword of the chunk decodes.
            line_pos = faults.candidate_line_errors(rng, p_max, spec.channels, cb0, cb1)
            tot["pre"] += line_pos.size
            t_cap = (n - k) // 2
            if t_cap > 0 and not np.any(line_pos[t_cap:] - line_pos[:-t_cap] < span):
                continue
            bit, lane = np.divmod(line_pos, spec.channels)
            bit = bit + cb0
            tot["pre"] -= line_pos.size
        elif spec.burst is None and uniform:
            lane, bit = faults.candidate_errors(rng, p_max, lanes, cb0, cb1)
        elif spec.burst is None:
            lane, bit = faults.thinned_errors(rng, setup.ber, lanes, cb0, cb1)
        else:
            assert ge_state is not None  # drawn above whenever spec.burst is set
            lane, bit = faults.gilbert_elliott_errors(rng, spec.burst, lanes, cb0, cb1, ge_state)
        # channel errors on every physical lane, routed to the data channel they serve
        ch, bit = _route(tl, spec.channels, lane, bit)
        dead_ch, d0, d1, era_ch, e0, e1 = _dead_intervals(tl, spec.erasures, cb0, cb1)
        dl, dbit = faults.dead_errors(rng, dead_ch, d0, d1)
        ch = np.concatenate([ch, dl])
        bit = np.concatenate([bit, dbit])
        era_key = _erased_keys(gb, era_ch, e0, e1, cw0, n)
        tot["pre"] += ch.size
        cw, pos, sbit = gb.locate(ch, bit)
        key = (cw - cw0) * n + pos
        on_era = np.isin(key, era_key)
        sym = np.unique(key[~on_era])  # distinct erroneous symbols
        cw_e, e_cnt = np.unique(sym // n, return_counts=True)
        cw_f, f_cnt = np.unique(era_key // n, return_counts=True)
        cws = np.union1d(cw_e, cw_f)
        e = np.zeros(cws.size, dtype=np.int64)
        f = np.zeros(cws.size, dtype=np.int64)
        e[np.searchsorted(cws, cw_e)] = e_cnt
        f[np.searchsorted(cws, cw_f)] = f_cnt
        bad = cws[2 * e + f > n - k]
        if bad.size == 0:
            continue
        if not host.coded:  # no FEC: a frame is lost where a bit of it is wrong or erased, not a whole block
            wrong_bits.append(_message_bits(setup, cw0, n, key, sbit, era_key))
        fail, mis, post = _decode_bad(host, n, k, bad, key, sbit, era_key)
        tot["fail"] += fail.size
        tot["mis"] += mis
        tot["post"] += post
        failed_cws.append(bad[fail] + cw0)
    if progress is not None:
        progress(setup.blocks, setup.blocks)
    failed = np.concatenate(failed_cws) if failed_cws else np.zeros(0, dtype=np.int64)
    lost_frames = None
    if host.coded:
        frames, lost_frames = _frames_lost(setup, failed)
        lost = int(lost_frames.size)
    else:
        frames, lost = _frames_hit(setup, np.concatenate(wrong_bits) if wrong_bits else np.zeros(0, np.int64))
    return RunCounts(
        codewords=cw_total,
        pre_errors=tot["pre"],
        failed=int(tot["fail"]),
        miscorrected=int(tot["mis"]),
        post_errors=int(tot["post"]),
        frames=frames,
        frames_lost=lost,
        crc_caught=0,
        silent=0,
        timeline=tl,
        max_skew_bits=0,
        lost_frames=lost_frames,
    )


@lru_cache(maxsize=32)
def _codeword_line_span(gb: Gearbox) -> int:
    """Widest spread, in line positions ``bit N + channel``, of the bits of one codeword."""
    h = gb.host
    cws = np.arange(gb.blocks_per_period * h.interleave)
    chans = gb.codeword_channels(cws)
    ci, pi, bi = np.nonzero(chans >= 0)
    ch, cb = gb.place(cws[ci], pi, bi)
    line = cb * gb.channels + ch
    lo = np.full(cws.size, np.iinfo(np.int64).max)
    hi = np.full(cws.size, -1)
    np.minimum.at(lo, ci, line)
    np.maximum.at(hi, ci, line)
    return int((hi - lo).max()) + 1


def _route(tl: LaneTimeline, channels: int, lane: np.ndarray, bit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep data-lane errors while the channel is healthy and spare-lane errors once it carries a channel."""
    is_data = lane < channels
    data_ok = np.zeros(lane.size, dtype=bool)
    data_ok[is_data] = tl.state(lane[is_data], bit[is_data]) == 0
    owner = np.full(max(tl.spare.max() + 1, 0) if tl.spare.size else 0, -1, dtype=np.int64)
    used = tl.spare >= 0
    owner[tl.spare[used]] = np.nonzero(used)[0]
    sp = lane - channels
    served = np.full(lane.size, -1, dtype=np.int64)
    valid = ~is_data & (sp < owner.size)
    served[valid] = owner[sp[valid]]
    on_spare = served >= 0
    on_spare[on_spare] = tl.state(served[on_spare], bit[on_spare]) == 3
    ch = np.where(on_spare, served, lane)
    keep = data_ok | on_spare
    return ch[keep], bit[keep]


def _dead_intervals(
    tl: LaneTimeline, erasures: bool, cb0: int, cb1: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per dead channel: [start, stop) of wrong bits, and [start, stop) of erased bits, in the chunk."""
    dead = np.nonzero(tl.dead_bit < NEVER)[0]
    lost_end = np.minimum(tl.switch_bit[dead], cb1)
    start = np.maximum(tl.dead_bit[dead], cb0)
    era_start = np.maximum(tl.declared_bit[dead], cb0) if erasures else np.full(dead.size, cb1)
    return (
        dead,
        start,
        np.maximum(start, lost_end),
        dead,
        era_start,
        np.maximum(era_start, lost_end),
    )


def _erased_keys(
    gb: Gearbox,
    chans: np.ndarray,
    starts: np.ndarray,
    stops: np.ndarray,
    cw0: int,
    n: int,
) -> np.ndarray:
    """Sorted unique symbol keys ``(cw - cw0) n + pos`` touched by erased channel intervals."""
    u = gb.unit_bits
    keys = []
    for b_in in range(u if u == 1 else 1):  # symbol mappings: one bit per unit locates the symbol
        for c, s, e in zip(chans, starts, stops, strict=True):
            if e <= s:
                continue
            units = np.arange(s // u, -(-e // u))
            cw, pos, _ = gb.locate(np.full(units.size, c), units * u + b_in)
            keys.append((cw - cw0) * n + pos)
    return np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)


def _decode_bad(
    host: HostProtocol,
    n: int,
    k: int,
    bad: np.ndarray,
    key: np.ndarray,
    sbit: np.ndarray,
    era_key: np.ndarray,
) -> tuple[np.ndarray, int, int]:
    """Decode the error patterns of codewords beyond the bounded distance for real."""
    row_of = np.full(int(bad.max()) + 1, -1, dtype=np.int64)
    row_of[bad] = np.arange(bad.size)
    cw_local = key // n
    sel = (cw_local <= bad.max()) & (row_of[np.minimum(cw_local, bad.max())] >= 0)
    words = np.zeros((bad.size, n), dtype=np.uint16)
    np.bitwise_xor.at(words, (row_of[cw_local[sel]], key[sel] % n), (1 << sbit[sel]).astype(np.uint16))
    era = np.zeros(words.shape, dtype=bool)
    ecw = era_key // n
    esel = (ecw <= bad.max()) & (row_of[np.minimum(ecw, bad.max())] >= 0)
    era[row_of[ecw[esel]], era_key[esel] % n] = True
    received_msg_errors = _popcount(words[:, :k])
    if not host.coded:
        return np.arange(bad.size), 0, int(received_msg_errors.sum())
    decoded, status = host.code.decode(words, era)
    fail = np.nonzero(status < 0)[0]
    wrong = (status >= 0) & decoded.any(axis=1)
    post = int(received_msg_errors[fail].sum() + _popcount(decoded[wrong, :k]).sum())
    return np.nonzero((status < 0) | wrong)[0], int(wrong.sum()), post


def _popcount(a: np.ndarray) -> np.ndarray:
    """Set bits per row of a 2-D uint16 array."""
    bits = np.unpackbits(a.astype(">u2").view(np.uint8).reshape(*a.shape, 2), axis=-1)
    return np.asarray(bits.reshape(a.shape[0], a.shape[1] * 16).sum(axis=1))


def _frames_lost(setup: Setup, failed: np.ndarray) -> tuple[int, np.ndarray]:
    """Frames in the run and the indices of the frames overlapping a failed codeword."""
    host = setup.host
    msg_bits, frame_bits = payload_layout(setup)
    per_block = int(msg_bits.sum())
    frames = setup.blocks * per_block // frame_bits
    if failed.size == 0:
        return frames, np.zeros(0, dtype=np.int64)
    block, c = np.divmod(failed, host.interleave)
    start = block * per_block + np.concatenate([[0], np.cumsum(msg_bits)[:-1]])[c]
    first = start // frame_bits
    last = (start + msg_bits[c] - 1) // frame_bits
    lost = np.unique(np.concatenate([np.arange(a, b + 1) for a, b in zip(first, last, strict=True)]))
    return frames, lost[lost < frames]


def _message_bits(
    setup: Setup,
    cw0: int,
    n: int,
    key: np.ndarray,
    sbit: np.ndarray,
    era_key: np.ndarray,
) -> np.ndarray:
    """Message-stream bit positions of wrong bits (``key``, ``sbit``) and of every bit of the erased
    symbols (``era_key``), for an uncoded host (codeword ``c`` of a block carries its message
    symbols in positions ``n - transmitted[c] ..``, in stream order)."""
    host = setup.host
    m = host.m
    msg_bits, _ = payload_layout(setup)
    per_block = int(msg_bits.sum())
    offsets = np.concatenate([[0], np.cumsum(msg_bits)[:-1]])
    skipped = n - np.asarray(host.transmitted)

    def start(keys: np.ndarray) -> np.ndarray:
        block, c = np.divmod(keys // n + cw0, host.interleave)
        return np.asarray(block * per_block + offsets[c] + (keys % n - skipped[c]) * m)

    erased = (start(era_key)[:, None] + np.arange(m)).ravel()
    return np.concatenate([start(key) + sbit, erased])


def _frames_hit(setup: Setup, message_bits: np.ndarray) -> tuple[int, int]:
    """Frames in the run and frames containing at least one of ``message_bits``."""
    msg_bits, frame_bits = payload_layout(setup)
    frames = setup.blocks * int(msg_bits.sum()) // frame_bits
    hit = np.unique(message_bits // frame_bits)
    return frames, int((hit < frames).sum())
