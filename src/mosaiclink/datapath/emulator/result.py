"""The typed outcome of an emulated run: what an engine counted, and the result it becomes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from mosaiclink.datapath.analytic import PostFec, analytic_post_fec
from mosaiclink.datapath.emulator.setup import Setup, payload_layout
from mosaiclink.datapath.failover import NEVER, LaneTimeline, dead_channel_tolerance
from mosaiclink.datapath.framing import deskew_buffer_bits
from mosaiclink.datapath.gearbox import MAPPINGS, Gearbox
from mosaiclink.datapath.latency import latency_breakdown_ns
from mosaiclink.datapath.retry import link_level_retry, one_way_ns


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
    link_retry: dict[str, Any] | None = None  # flit hosts: what link-level replay makes of the lost flits

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RunCounts:
    """What one run of either engine (pattern or payload mode) counted."""

    codewords: int
    pre_errors: int  # wrong bits received on the data channels, before the FEC
    failed: int  # codewords the decoder could not correct (or, uncoded, that arrived wrong)
    miscorrected: int  # codewords decoded to a wrong codeword
    post_errors: int  # wrong message bits after the FEC
    frames: int
    frames_lost: int
    crc_caught: int  # frames the FEC passed but the CRC rejected (payload mode)
    silent: int  # frames delivered wrong with a valid CRC (payload mode)
    timeline: LaneTimeline
    max_skew_bits: int
    lost_frames: np.ndarray | None = None  # indices of the lost frames (flits for PCIe), where the engine knows them


def build_result(setup: Setup, seed: int, counts: RunCounts) -> DatapathResult:
    """The run's counts as ratios, failover events, analytic cross-check, latency and tolerance."""
    timeline = counts.timeline
    codewords, pre_errors, failed, post_errors = counts.codewords, counts.pre_errors, counts.failed, counts.post_errors
    frames, frames_lost = counts.frames, counts.frames_lost
    spec, host, gb, fr = setup.spec, setup.host, setup.gearbox, setup.framing
    link_bits = setup.bits_per_channel * spec.channels
    msg_bits, frame_bits = payload_layout(setup)
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
    latency = latency_breakdown_ns(gb, fr, spec.skew_budget_ps)
    retry = None
    if host.link_retry and counts.lost_frames is not None:
        bad = np.zeros(frames, dtype=bool)
        bad[counts.lost_frames] = True
        r = spec.retry
        retry = link_level_retry(
            bad,
            flit_ns=frame_bits * host.n / host.k / host.rate_gbps,  # a flit's time on the coded host stream
            one_way_latency_ns=one_way_ns(latency["total_ns"], r.cable_m, r.group_index),
            processing_ns=r.processing_ns,
            max_replays=r.max_replays,
            replay_buffer_bytes=r.replay_buffer_bytes,
            flit_bytes=frame_bits // 8,
        ).to_dict()
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
        miscorrected_codewords=int(counts.miscorrected),
        post_fec_bit_errors=int(post_errors),
        post_fec_ber=post_errors / payload_bits,
        frames=int(frames),
        frames_lost=int(frames_lost),
        frame_loss_ratio=frames_lost / frames if frames else 0.0,
        frames_caught_by_crc=int(counts.crc_caught),
        silent_corruptions=int(counts.silent),
        events=events,
        tolerance=tol,
        latency_ns=latency,
        analytic=analytic,
        deskew_buffer_bits=deskew_buffer_bits(spec.skew_budget_ps, setup.line_rate_gbps),
        max_skew_bits=int(counts.max_skew_bits),
        notes=tuple(notes),
        link_retry=retry,
    )
