"""Specs of the digital data path: host protocol, channel mapping, faults and failover."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mosaiclink.config.base import Spec

Host = Literal["400gbe", "800gbe", "1.6tbe", "2x1.6tbe", "pcie6", "ualink", "raw"]
Mapping = Literal["bit-interleaved", "symbol-aligned", "codeword-diagonal"]


class GilbertElliottSpec(Spec):
    """Two-state burst-error channel (Gilbert 1960, Elliott 1963), per bit of one channel.

    Our defaults are estimates (no measured microLED burst statistics are public): mean
    good sojourn ``1/p_good_to_bad`` bits, mean burst ``1/p_bad_to_good`` bits.
    """

    p_good_to_bad: float = Field(1e-6, ge=1e-15, lt=1, description="per-bit transition probability good -> bad")
    p_bad_to_good: float = Field(0.05, ge=1e-15, le=1, description="per-bit transition probability bad -> good")
    ber_good: float = Field(1e-6, ge=0, le=0.5, description="bit error probability in the good state")
    ber_bad: float = Field(0.1, ge=0, le=0.5, description="bit error probability in the bad state")

    @property
    def mean_ber(self) -> float:
        """Stationary BER ``(pi_g ber_g + pi_b ber_b)`` with ``pi_b = p_gb / (p_gb + p_bg)``."""
        pi_b = self.p_good_to_bad / (self.p_good_to_bad + self.p_bad_to_good)
        return (1 - pi_b) * self.ber_good + pi_b * self.ber_bad


class RetrySpec(Spec):
    """Link-level retry of a flit protocol (PCIe 6 / CXL 3 flit mode): NAK and replay a bad flit.

    Applies to hosts whose payload is checked per flit (``pcie6``); see :mod:`mosaiclink.datapath.retry`.
    """

    cable_m: float = Field(
        10.0, ge=0, le=1_000, description="cable length the NAK and the replay cross (10-50 m for MOSAIC pools)"
    )
    group_index: float = Field(
        1.47,
        ge=1,
        le=4,
        description="group index of the fibre (fused silica 1.46-1.48 from 450 to 1550 nm, Malitson 1965; E)",
    )
    processing_ns: float = Field(
        20.0,
        ge=0,
        le=10_000,
        description="NAK generation at the receiver and replay start at the transmitter (our estimate, E, 10-100)",
    )
    max_replays: int = Field(
        4,
        ge=1,
        le=64,
        description="replays of one flit before the link retrains (PCIe REPLAY_NUM, a 2-bit counter, rolls over "
        "after 4; PCI Express Base Specification, data link layer retry; D)",
    )
    replay_buffer_bytes: int = Field(
        393_216,
        ge=256,
        le=1 << 30,
        description="transmit replay buffer, 384 KiB (our estimate, E, range 64 KiB-1 MiB: a flit replayed 4 "
        "times over a 50 m cable stays buffered 5 round trips of ~580 ns at 1 Tb/s, ~370 kB; a board-level PCIe "
        "port needs a few kB)",
    )


class DatapathSpec(Spec):
    """One emulated link: host protocol over ``channels`` data channels plus ``spares``.

    Defaults describe the 800G MOSAIC design point (400 data channels, 20 x 20 array [P2];
    ~5 % spares [S1, CLM-118]); framing, detection and skew numbers are our estimates.
    """

    host: Host = Field("800gbe", description="host protocol")
    channels: int = Field(400, ge=1, le=4096, description="data channels")
    spares: int = Field(20, ge=0, le=1024, description="spare channels for failover")
    mapping: Mapping = Field("symbol-aligned", description="gearbox mapping of host symbols to channels")
    ber: float = Field(1e-5, ge=0, le=0.5, description="pre-FEC bit error ratio of every channel")
    ber_per_channel: tuple[float, ...] | None = Field(
        None, description="per-channel BER (channels + spares entries); overrides ber"
    )
    burst: GilbertElliottSpec | None = Field(None, description="Gilbert-Elliott bursts instead of independent errors")
    dead: int = Field(0, ge=0, le=4096, description="channels that die at kill_at_us")
    dead_at_start: int = Field(0, ge=0, le=4096, description="channels known dead at link-up")
    kill_at_us: float = Field(5.0, ge=0, le=1e6, description="time at which the `dead` channels fail")
    duration_us: float = Field(50.0, gt=0, le=1e6, description="emulated link time")
    mode: Literal["payload", "pattern"] = Field("pattern", description="payload (real frames) or error-pattern")
    erasures: bool = Field(True, description="feed channels declared dead to the RS decoder as erasures")
    detection_time_us: float = Field(2.0, ge=0, le=1e4, description="bad-marker time before a channel is declared dead")
    remap_time_us: float = Field(0.5, ge=0, le=1e4, description="declaration to hitless switch onto a spare")
    marker_period_bits: int = Field(4096, ge=256, le=1 << 20, description="payload bits between alignment markers")
    skew_ps_per_cm: float = Field(50.0, ge=0, le=1e4, description="skew per cm of core-length mismatch [S2]")
    core_mismatch_cm: float = Field(2.0, ge=0, le=1e4, description="worst core-length mismatch (estimate)")
    skew_budget_ps: float = Field(1000.0, ge=0, le=1e9, description="deskew buffer budget (estimate)")
    skew_drift_ps_per_us: float = Field(0.0, ge=0, le=1e6, description="skew drift of the worst channel")
    frame_bytes: int = Field(1500, ge=64, le=9216, description="payload frame size incl. CRC (Ethernet / raw)")
    retry: RetrySpec = Field(RetrySpec(), description="link-level retry of flit hosts (pcie6)")

    @model_validator(mode="after")
    def _consistent(self) -> DatapathSpec:
        if self.dead + self.dead_at_start > self.channels:
            raise ValueError(
                f"dead + dead_at_start = {self.dead + self.dead_at_start}: must be <= channels = {self.channels}"
            )
        if self.ber_per_channel is not None:
            total = self.channels + self.spares
            if len(self.ber_per_channel) != total:
                raise ValueError(
                    f"ber_per_channel has {len(self.ber_per_channel)} entries: need channels + spares = {total}"
                )
            if any(not 0 <= b <= 0.5 for b in self.ber_per_channel):
                raise ValueError("ber_per_channel: every entry must be in [0, 0.5]")
        if self.kill_at_us > self.duration_us and self.dead:
            raise ValueError(f"kill_at_us = {self.kill_at_us}: must be <= duration_us = {self.duration_us}")
        return self
