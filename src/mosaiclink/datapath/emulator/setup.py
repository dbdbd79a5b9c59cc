"""Set-up of one emulated run: host, gearbox, framing, which channels die when, and skew.

Timeline of a channel killed at ``t_k``: its bits are wrong (p = 1/2) from ``t_k``; it is
declared dead at the end of K consecutive bad marker periods (:mod:`mosaiclink.datapath.failover`),
from then its symbols are erasures; the receiver switches onto a spare at the first period
boundary ``remap_time`` later. Skew drift turns into a lane slip (lost lane) when the skew leaves
the deskew budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

import numpy as np

from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.datapath import faults
from mosaiclink.datapath.failover import NEVER, LaneTimeline, detection_periods, plan
from mosaiclink.datapath.framing import Framing
from mosaiclink.datapath.gearbox import Gearbox
from mosaiclink.datapath.protocols import HostProtocol, host_protocol


@dataclass(frozen=True)
class Setup:
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


def make_setup(spec: DatapathSpec, rng: np.random.Generator) -> Setup:
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
    return Setup(spec, host, gb, framing, line, blocks, bits_per_channel, ber, kill, known, skew, k_needed, delay_bits)


def lane_timeline(setup: Setup, declared_bit: np.ndarray) -> LaneTimeline:
    p = setup.framing.period_bits
    tl = plan(setup.spec.channels, setup.spec.spares, setup.kill_bit, declared_bit, setup.switch_delay_bits)
    switch = np.where((tl.switch_bit > 0) & (tl.switch_bit < NEVER), -(-tl.switch_bit // p) * p, tl.switch_bit)
    return LaneTimeline(tl.dead_bit, tl.declared_bit, switch, tl.spare)


def payload_layout(setup: Setup) -> tuple[np.ndarray, int]:
    """Message bits per codeword of a block, their offsets, and the frame size in bits."""
    host = setup.host
    if host.coded:
        msg = np.asarray(host.transmitted) - (host.n - host.k)
    else:
        msg = np.asarray(host.transmitted)
    msg_bits = msg * host.m
    if host.check == "crc64-flit":
        frame_bits = int(msg_bits.sum())
    else:
        frame_bits = (host.flit_bytes or setup.spec.frame_bytes) * 8
    return msg_bits, frame_bits
