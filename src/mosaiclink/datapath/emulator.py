"""Link emulator: the whole data path over time, in payload mode or error-pattern mode.

*Payload mode* pushes real frames with CRC through everything: RS encoding, host interleave,
gearbox, per-channel markers with lane ID and BIP-8, a random core permutation and skew,
channel errors and deaths, lane lock / reorder / deskew, the health monitor, spare failover,
erasure decoding, and CRC checks; it counts frames delivered intact, lost (detected) and
silently corrupted (CRC passes on wrong data).

*Error-pattern mode* uses linearity: the decoder's outcome depends only on the error pattern,
so only error positions are simulated (cost proportional to errors, not bits). A codeword
with ``e`` symbol errors and ``f`` erasures and ``2e + f <= n - k`` is corrected by any
bounded-distance decoder (tested against the oracle); the others are decoded for real from
their error pattern (all-zero codeword) to tell detected failures from miscorrections.

Notes
-----
Timeline of a channel killed at ``t_k``: its bits are wrong (p = 1/2) from ``t_k``; it is
declared dead at the end of K consecutive bad marker periods (:mod:`failover`), from then its
symbols are erasures; the receiver switches onto a spare at the first period boundary
``remap_time`` later. In pattern mode a dead lane fails every period (as a dark lane does
in payload mode), so declaration is at the end of period ``floor(kill / P) + K - 1``.
Skew drift turns into a lane slip (lost lane) when the skew leaves the deskew budget.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from math import ceil

import numpy as np

from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.datapath import faults
from mosaiclink.datapath.analytic import PostFec, analytic_post_fec
from mosaiclink.datapath.crc import append_crc, check_crc, crc_bytes
from mosaiclink.datapath.failover import NEVER, LaneTimeline, dead_channel_tolerance, declare, detection_periods, plan
from mosaiclink.datapath.framing import MARKER_BITS, Framing, deskew_buffer_bits, skew_bits
from mosaiclink.datapath.gearbox import MAPPINGS, Gearbox
from mosaiclink.datapath.latency import latency_breakdown_ns
from mosaiclink.datapath.protocols import HostProtocol, host_protocol
from mosaiclink.errors import ModelRangeError

_CHUNK_CODEWORDS = 1 << 19


@dataclass(frozen=True)
class LaneEvent:
    """A data channel that died: when, when it was declared, when a spare took over."""

    channel: int
    dead_us: float
    declared_us: float | None
    switched_us: float | None
    spare: int | None


@dataclass(frozen=True)
class DatapathResult:
    """Counts and ratios of one emulated run (see :func:`emulate`)."""

    host: str
    mapping: str
    mode: str
    seed: int
    channels: int
    spares: int
    line_rate_gbps: float
    duration_us: float
    link_bits: int
    codewords: int
    pre_fec_bit_errors: int
    pre_fec_ber: float
    uncorrectable_codewords: int
    uncorrectable_ratio: float
    miscorrected_codewords: int
    post_fec_bit_errors: int
    post_fec_ber: float
    frames: int
    frames_lost: int
    frame_loss_ratio: float
    frames_caught_by_crc: int
    silent_corruptions: int
    events: tuple[LaneEvent, ...]
    tolerance: dict[str, dict[str, int]]
    latency_ns: dict[str, float]
    analytic: PostFec
    deskew_buffer_bits: int
    max_skew_bits: int = 0
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class _Setup:
    spec: DatapathSpec
    host: HostProtocol
    gearbox: Gearbox
    framing: Framing
    line_rate_gbps: float
    blocks: int
    bits_per_channel: int
    ber: np.ndarray  # (channels + spares,)
    kill_bit: np.ndarray  # (channels,) NEVER if alive
    known_dead: np.ndarray  # (channels,) bool, dead at link-up
    skew_ps: np.ndarray  # (channels + spares,)
    periods_needed: int
    switch_delay_bits: int


def emulate(spec: DatapathSpec, seed: int = 0) -> DatapathResult:
    """Run the data-path emulator described by ``spec``; same seed, same result.

    Parameters
    ----------
    spec : DatapathSpec
        Host, channels, spares, mapping, error and fault models, mode, timing.
    seed : int
        Root of the ``SeedSequence`` (one child stream for setup, one for the run).
    """
    setup_ss, run_ss = np.random.SeedSequence(seed).spawn(2)
    setup = _setup(spec, np.random.default_rng(setup_ss))
    rng = np.random.default_rng(run_ss)
    counts = _run_payload(setup, rng) if spec.mode == "payload" else _run_pattern(setup, rng)
    return _result(setup, seed, **counts)


def _setup(spec: DatapathSpec, rng: np.random.Generator) -> _Setup:
    host = host_protocol(spec.host)
    gb = Gearbox(host, spec.channels, spec.mapping)
    framing = Framing(spec.marker_period_bits)
    rate = gb.payload_rate_gbps()
    line = framing.line_rate_gbps(rate)
    bits_needed = spec.duration_us * 1e3 * host.rate_gbps
    bpp = gb.blocks_per_period
    blocks = max(1, ceil(bits_needed / host.block_bits / bpp)) * bpp
    bits_per_channel = blocks * host.block_bits // spec.channels
    lanes = spec.channels + spec.spares
    ber = (
        np.asarray(spec.ber_per_channel, dtype=np.float64)
        if spec.ber_per_channel is not None
        else np.full(lanes, spec.ber)
    )
    chosen = faults.pick_channels(rng, spec.channels, spec.dead + spec.dead_at_start)
    rng.shuffle(chosen)
    known = np.zeros(spec.channels, dtype=bool)
    known[chosen[: spec.dead_at_start]] = True
    kill = np.full(spec.channels, NEVER, dtype=np.int64)
    kill[known] = 0
    kill[chosen[spec.dead_at_start :]] = framing.payload_bit_at_ns(spec.kill_at_us * 1e3, line)
    skew = faults.initial_skew_ps(rng, lanes, spec.core_mismatch_cm, spec.skew_ps_per_cm)
    if spec.skew_drift_ps_per_us > 0:
        drift = rng.random(lanes) * spec.skew_drift_ps_per_us
        slip_ns = np.array([faults.slip_time_ns(skew[i], drift[i], spec.skew_budget_ps) for i in range(lanes)])
        slip_bit = np.array(
            [framing.payload_bit_at_ns(t, line) if np.isfinite(t) else NEVER for t in slip_ns[: spec.channels]]
        )
        kill = np.minimum(kill, np.where(slip_bit < bits_per_channel, slip_bit, NEVER))
    period_ns = framing.period_time_ns(line)
    k_needed = detection_periods(spec.detection_time_us * 1e3, period_ns)
    delay_bits = ceil(spec.remap_time_us * 1e3 * rate)
    return _Setup(spec, host, gb, framing, line, blocks, bits_per_channel, ber, kill, known, skew, k_needed, delay_bits)


def _timeline(setup: _Setup, declared_bit: np.ndarray) -> LaneTimeline:
    p = setup.framing.period_bits
    tl = plan(setup.spec.channels, setup.spec.spares, setup.kill_bit, declared_bit, setup.switch_delay_bits)
    switch = np.where((tl.switch_bit > 0) & (tl.switch_bit < NEVER), -(-tl.switch_bit // p) * p, tl.switch_bit)
    return LaneTimeline(tl.dead_bit, tl.declared_bit, switch, tl.spare)


def _pattern_declared(setup: _Setup) -> np.ndarray:
    p = setup.framing.period_bits
    kill = setup.kill_bit
    decl = np.where(kill < NEVER, (kill // p + setup.periods_needed) * p, NEVER)
    return np.where(setup.known_dead, 0, decl)


# ----------------------------------------------------------------------------------------
# error-pattern mode


def _run_pattern(setup: _Setup, rng: np.random.Generator) -> dict:
    spec, host, gb = setup.spec, setup.host, setup.gearbox
    tl = _timeline(setup, _pattern_declared(setup))
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
    for b0 in range(0, setup.blocks, chunk_blocks):
        b1 = min(setup.blocks, b0 + chunk_blocks)
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
        elif spec.burst is None:
            lane, bit = faults.candidate_errors(rng, p_max, lanes, cb0, cb1)
            if not uniform:
                keep = faults.thin(rng, setup.ber[lane] / p_max)
                lane, bit = lane[keep], bit[keep]
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
        fail, mis, post = _decode_bad(host, n, k, bad, key, sbit, era_key)
        tot["fail"] += fail.size
        tot["mis"] += mis
        tot["post"] += post
        failed_cws.append(bad[fail] + cw0)
    failed = np.concatenate(failed_cws) if failed_cws else np.zeros(0, dtype=np.int64)
    frames, lost = _frames_lost(setup, failed)
    return dict(
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


def _route(tl: LaneTimeline, channels: int, lane: np.ndarray, bit: np.ndarray):
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


def _dead_intervals(tl: LaneTimeline, erasures: bool, cb0: int, cb1: int):
    """Per dead channel: [start, stop) of wrong bits, and [start, stop) of erased bits, in the chunk."""
    dead = np.nonzero(tl.dead_bit < NEVER)[0]
    lost_end = np.minimum(tl.switch_bit[dead], cb1)
    start = np.maximum(tl.dead_bit[dead], cb0)
    era_start = np.maximum(tl.declared_bit[dead], cb0) if erasures else np.full(dead.size, cb1)
    return dead, start, np.maximum(start, lost_end), dead, era_start, np.maximum(era_start, lost_end)


def _erased_keys(gb: Gearbox, chans, starts, stops, cw0: int, n: int) -> np.ndarray:
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
    host: HostProtocol, n: int, k: int, bad: np.ndarray, key: np.ndarray, sbit: np.ndarray, era_key: np.ndarray
):
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
    return bits.reshape(a.shape[0], a.shape[1] * 16).sum(axis=1)


def _payload_layout(setup: _Setup):
    """Message bits per codeword of a block, their offsets, and the frame size in bits."""
    host = setup.host
    if host.coded:
        msg = np.asarray(host.transmitted) - (host.n - host.k)
    else:
        msg = np.asarray(host.transmitted)
    msg_bits = msg * host.m
    frame_bits = int(msg_bits.sum()) if host.check == "crc64-flit" else setup.spec.frame_bytes * 8
    return msg_bits, frame_bits


def _frames_lost(setup: _Setup, failed: np.ndarray) -> tuple[int, int]:
    """Frames in the run and frames overlapping a failed codeword."""
    host = setup.host
    msg_bits, frame_bits = _payload_layout(setup)
    per_block = int(msg_bits.sum())
    frames = setup.blocks * per_block // frame_bits
    if failed.size == 0:
        return frames, 0
    block, c = np.divmod(failed, host.interleave)
    start = block * per_block + np.concatenate([[0], np.cumsum(msg_bits)[:-1]])[c]
    first = start // frame_bits
    last = (start + msg_bits[c] - 1) // frame_bits
    lost = np.unique(np.concatenate([np.arange(a, b + 1) for a, b in zip(first, last, strict=True)]))
    return frames, int((lost < frames).sum())


# ----------------------------------------------------------------------------------------
# payload mode


def _run_payload(setup: _Setup, rng: np.random.Generator) -> dict:
    spec, host, gb, fr = setup.spec, setup.host, setup.gearbox, setup.framing
    if setup.bits_per_channel * spec.channels > 400e6:
        raise ModelRangeError("payload mode is limited to 400 Mbit per run; use --mode pattern for longer runs")
    lanes = spec.channels + spec.spares
    p = fr.period_bits
    msg_bits, frame_bits = _payload_layout(setup)
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

    def receive(content: np.ndarray, subset: np.ndarray):
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
    tl = _timeline(setup, declared)
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
    return dict(
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


def _line_errors(setup: _Setup, rng: np.random.Generator, lanes: int, line_len: int):
    spec = setup.spec
    if spec.burst is not None:
        state = faults.initial_ge_state(rng, spec.burst, lanes)
        return faults.gilbert_elliott_errors(rng, spec.burst, lanes, 0, line_len, state)
    p_max = float(setup.ber.max())
    lane, bit = faults.candidate_errors(rng, p_max, lanes, 0, line_len)
    keep = faults.thin(rng, setup.ber[lane] / p_max) if p_max > 0 else np.zeros(0, bool)
    return lane[keep], bit[keep]


def _wire_tables(host: HostProtocol):
    sym = np.arange(host.block_symbols)
    c = sym % host.interleave
    full = host.n if host.coded else host.block_symbols
    pos = sym // host.interleave + (full - np.asarray(host.transmitted))[c]
    return c, pos, full


def _encode_stream(host: HostProtocol, blocks: int, msg_bits: np.ndarray, stream: np.ndarray):
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
):
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


def _frames_flagged(setup: _Setup, msg_bits: np.ndarray, frame_bits: int, failed: np.ndarray, n_frames: int):
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


# ----------------------------------------------------------------------------------------


def _result(
    setup: _Setup,
    seed: int,
    *,
    codewords,
    pre_errors,
    failed,
    miscorrected,
    post_errors,
    frames,
    frames_lost,
    crc_caught,
    silent,
    timeline,
    max_skew_bits,
) -> DatapathResult:
    spec, host, gb, fr = setup.spec, setup.host, setup.gearbox, setup.framing
    link_bits = setup.bits_per_channel * spec.channels
    msg_bits, _ = _payload_layout(setup)
    payload_bits = setup.blocks * int(msg_bits.sum())
    tol = {}
    for mp in MAPPINGS:
        g = Gearbox(host, spec.channels, mp)
        tol[mp] = {"errors_only": dead_channel_tolerance(g, False), "with_erasures": dead_channel_tolerance(g, True)}

    def us(b: int) -> float:
        return 0.0 if b == 0 else round(float(fr.payload_bit_time_ns(b, setup.line_rate_gbps)) * 1e-3, 4)

    def us_or_never(b: int) -> float | None:
        return None if b >= NEVER else us(b)

    events = tuple(
        LaneEvent(
            int(c),
            us(int(timeline.dead_bit[c])),  # listed channels died: dead_bit < NEVER
            us_or_never(int(timeline.declared_bit[c])),
            us_or_never(int(timeline.switch_bit[c])),
            int(timeline.spare[c]) if timeline.spare[c] >= 0 else None,
        )
        for c in np.nonzero(timeline.dead_bit < NEVER)[0]
    )
    analytic = analytic_post_fec(
        host,
        spec.channels,
        spec.mapping,
        setup.ber[: spec.channels],
        burst=spec.burst if spec.mapping != "bit-interleaved" else None,
        frame_bytes=spec.frame_bytes,
    )
    notes = []
    if spec.mode == "pattern" and spec.skew_drift_ps_per_us > 0:
        notes.append("skew drift modelled as lane slip (lost lane) when the skew leaves the deskew budget")
    return DatapathResult(
        host=host.name,
        mapping=spec.mapping,
        mode=spec.mode,
        seed=seed,
        channels=spec.channels,
        spares=spec.spares,
        line_rate_gbps=setup.line_rate_gbps,
        duration_us=link_bits / host.rate_gbps / 1e3,
        link_bits=int(link_bits),
        codewords=int(codewords),
        pre_fec_bit_errors=int(pre_errors),
        pre_fec_ber=pre_errors / link_bits,
        uncorrectable_codewords=int(failed),
        uncorrectable_ratio=failed / codewords,
        miscorrected_codewords=int(miscorrected),
        post_fec_bit_errors=int(post_errors),
        post_fec_ber=post_errors / payload_bits,
        frames=int(frames),
        frames_lost=int(frames_lost),
        frame_loss_ratio=frames_lost / frames if frames else 0.0,
        frames_caught_by_crc=int(crc_caught),
        silent_corruptions=int(silent),
        events=events,
        tolerance=tol,
        latency_ns=latency_breakdown_ns(gb, fr, spec.skew_budget_ps),
        analytic=analytic,
        deskew_buffer_bits=deskew_buffer_bits(spec.skew_budget_ps, setup.line_rate_gbps),
        max_skew_bits=int(max_skew_bits),
        notes=tuple(notes),
    )


__all__ = ["DatapathResult", "LaneEvent", "emulate"]
