"""Per-channel link analysis: sampling phase, equalization, noise, crosstalk, BER, budget.

:func:`evaluate_link` runs the whole analog chain for every channel of a design at once and
returns a :class:`LinkReport` of per-channel arrays plus the median-channel budget.

Notes
-----
Steps (all vectorized over channels):

1. Seeded manufacturing variation (:mod:`~mosaiclink.physics.array`) and the optical path with
   the real neighbours of each channel (:mod:`~mosaiclink.physics.optical_path`).
2. Chain pulse response (:mod:`~mosaiclink.physics.pulse`), photocurrent-referred, with CTLE.
3. Sampling instant: each channel's pulse maximum (:func:`~mosaiclink.physics.sampling.peak_bits`,
   continuous), and the jittered instants around it (``receiver.jitter_rms_ps`` random,
   ``receiver.jitter_dj_pp_ps`` dual-Dirac deterministic: ``ber.sampling_offsets``).
4. Crosstalk: each aggressor's light in the victim's detector relative to the victim's own
   (:func:`crosstalk_ratio`), times the victim's equalized pulse (aggressor pulse shape taken
   equal to the victim's and bit-synchronous: all channels share one clock).
5. The channel core (:func:`mosaiclink.physics.channel.decide`): FFE, noise through the
   receiver, CTLE and FFE (:math:`c^T R c`), statistical eye with jitter. The fast path
   (:mod:`mosaiclink.explore.evaluate`) calls the same core at the nominal interior channel.
6. The budget waterfall, with the implementation penalty subtracted from the margin.

Dead channels (no light) get BER 0.5. Their optical levels and ratios are placeholders in the
report's arrays (floored logarithms, kept finite for the models that take medians); the data views
(:meth:`LinkReport.to_dataframe`, :meth:`LinkReport.to_dict`) show them as missing, with a
``status`` column (:data:`PER_CHANNEL`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import require_instance
from mosaiclink.physics import ber, equalizer, microled, receiver, sampling
from mosaiclink.physics.array import design_variation, grid_positions
from mosaiclink.physics.budget import CLOSED_EYE_Q, LinkBudget, build_budget, channel_budget
from mosaiclink.physics.chain import crosstalk_ratio, fiber_spread_s
from mosaiclink.physics.channel import decide
from mosaiclink.physics.pulse import PRE_BITS, ChainPulse, chain

_NO_LIGHT = ("dead",)
PER_CHANNEL: dict[str, tuple[str, ...]] = {
    "received_power_dbm": _NO_LIGHT,
    "received_oma_dbm": _NO_LIGHT,
    "log10_ber_stateye": (),  # a dead channel guesses: BER 0.5
    "ber_gaussian_q": (),
    "q": (),  # 0 where there is no eye
    "isi_rms_ratio": _NO_LIGHT,  # relative to a main cursor of 0
    "crosstalk_db": _NO_LIGHT,  # aggressor light over the channel's own, which is 0
    "noise_sigma_0_a": (),
    "noise_sigma_1_a": (),
    "skew_ps": (),
    "led_bandwidth_ghz": _NO_LIGHT,
    "dead": (),
    "grid_row": (),
    "grid_col": (),
}
"""Per-channel columns of the data views -> the statuses for which the quantity is undefined
(NaN in :meth:`LinkReport.to_dataframe`, ``null`` in :meth:`LinkReport.to_dict`)."""


@dataclass(frozen=True)
class LinkReport:
    """Per-channel results (arrays of shape (channels,) unless stated) and summaries.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> report = ml.evaluate_link(ml.load_preset("mosaic-prototype"))
    >>> report.channels, int(report.dead.sum()), report.spares_needed  # 6 live channels miss 2.4e-4 with the reserve
    (100, 0, 6)
    >>> report.to_dataframe().shape  # one row per channel (pandas)
    (100, 17)
    """

    design_name: str
    rate_gbps: float
    length_m: float
    target_ber: float
    channels: int
    data_channels: int
    spare_channels: int
    received_power_dbm: np.ndarray  # average received optical power
    received_oma_dbm: np.ndarray
    log10_ber_stateye: np.ndarray  # statistical eye with jitter, floored at ber.LOG10_BER_FLOOR
    ber_stateye: np.ndarray
    ber_gaussian_q: np.ndarray  # Gaussian Q (ISI as noise, pessimistic): never the headline
    q: np.ndarray  # Gaussian Q (ISI and crosstalk as noise, pessimistic)
    q_noise_only: np.ndarray  # equalized cursor over noise (no ISI, no crosstalk)
    cursor_a: np.ndarray  # equalized main cursor (photocurrent-referred A)
    cursor_taps: np.ndarray  # (channels, isi_span + PRE_BITS + 1) equalized symbol-spaced pulse
    cursor_index: int  # index of the main cursor in cursor_taps
    isi_rms_ratio: np.ndarray  # sqrt(sum ISI^2)/cursor
    isi_worst_ratio: np.ndarray  # sum |ISI|/cursor (peak distortion)
    crosstalk_db: np.ndarray  # total aggressor light in the detector relative to own, dB
    noise_sigma_0_a: np.ndarray
    noise_sigma_1_a: np.ndarray
    ffe_taps: np.ndarray  # (channels, ffe_taps) or (channels, 1)
    sampling_offset_ps: np.ndarray  # (channels,) decision instant relative to the pulse grid's largest sample
    skew_ps: np.ndarray
    led_bandwidth_ghz: np.ndarray
    walkoff_ps: float
    chromatic_spread_ps: float
    cores_per_channel: float
    angular_fill: float  # fraction of the fibre's NA^2 the launch fills (optical train)
    launched_fraction: float  # LED power launched into the accepted cone (optical train, before core fill)
    dead: np.ndarray
    grid_row: np.ndarray  # (channels,) array position (spares in the extra rows)
    grid_col: np.ndarray
    budget: LinkBudget
    budget_per_channel: dict[str, np.ndarray] = field(repr=False)
    nominal_log10_ber: float | None = None  # the nominal interior channel (see nominal_design)

    @property
    def meets_target(self) -> np.ndarray:
        """Boolean per channel: budget margin (implementation reserve included) at least 0 dB,
        i.e. the stat-eye BER meets the target with the reserve to spare (``budget.budget_margin_db``)."""
        return self.budget_per_channel["margin_db"] >= 0.0

    @property
    def channels_meeting_target(self) -> int:
        return int(np.count_nonzero(self.meets_target))

    @property
    def spares_needed(self) -> int:
        """Spares needed to replace the failing data channels: the data positions (channels
        ``0 .. data_channels - 1``; the spares follow them) whose channel misses the target with
        the reserve. The link holds when the spares that meet it are at least this many."""
        return int(np.count_nonzero(~self.meets_target[: self.data_channels]))

    @property
    def link_ok(self) -> bool:
        """At least ``data_channels`` channels meet the target BER with the reserve (margin >= 0)."""
        return self.channels_meeting_target >= self.data_channels

    def ber_summary(self) -> dict[str, float]:
        """Best, median and worst stat-eye BER over all channels (log10 and linear)."""
        lb = self.log10_ber_stateye
        return {
            "log10_min": float(lb.min()),
            "log10_median": float(np.median(lb)),
            "log10_worst": float(lb.max()),
            "min": float(10 ** lb.min()),
            "median": float(10 ** np.median(lb)),
            "worst": float(10 ** lb.max()),
        }

    @property
    def median_channel(self) -> int:
        """The live channel whose margin is the median of the live channels' (the lower middle one
        for an even count): the one real channel a single-channel waterfall describes."""
        margin = self.budget_per_channel["margin_db"]
        live = np.flatnonzero(~self.dead) if np.any(~self.dead) else np.arange(self.channels)
        ranked = live[np.argsort(margin[live], kind="stable")]
        return int(ranked[(ranked.size - 1) // 2])

    def channel_budget(self, channel: int | None = None) -> LinkBudget:
        """The exact waterfall of one channel (default :attr:`median_channel`): its lines sum, where
        :attr:`budget`'s per-line medians need not."""
        return channel_budget(self.budget_per_channel, self.median_channel if channel is None else channel)

    def nth_best_log10_ber(self, n: int) -> float:
        """log10 BER of the n-th best channel (n = 1 is the best)."""
        return float(np.sort(self.log10_ber_stateye)[min(max(n, 1), self.channels) - 1])

    @property
    def status(self) -> np.ndarray:
        """Per channel: ``"live"`` or ``"dead"`` (the emitter gives no light: drawn dead by the
        manufacturing variation). See :data:`PER_CHANNEL` for what a dead channel leaves undefined."""
        return np.where(self.dead, "dead", "live")

    def per_channel_view(self) -> dict[str, np.ndarray]:
        """The per-channel columns of :data:`PER_CHANNEL`, NaN where a channel's status leaves
        the quantity undefined (never a placeholder number), plus ``status``."""
        status = self.status
        view: dict[str, np.ndarray] = {}
        for name, undefined_for in PER_CHANNEL.items():
            values = np.asarray(getattr(self, name))
            missing = np.isin(status, undefined_for)
            view[name] = np.where(missing, np.nan, values) if missing.any() else values
        view["status"] = status
        return view

    def to_dict(self, per_channel: bool = True) -> dict[str, Any]:
        """JSON-ready dict: summaries, budget and (optionally) every per-channel array."""
        out: dict[str, Any] = {
            "design": self.design_name,
            "rate_gbps": self.rate_gbps,
            "length_m": self.length_m,
            "target_ber": self.target_ber,
            "channels": self.channels,
            "data_channels": self.data_channels,
            "spare_channels": self.spare_channels,
            "channels_meeting_target": self.channels_meeting_target,
            "spares_needed": self.spares_needed,
            "link_ok": self.link_ok,
            "ber": self.ber_summary(),
            "q_gaussian_isi_as_noise_median": float(np.median(self.q)),
            "walkoff_ps": self.walkoff_ps,
            "chromatic_spread_ps": self.chromatic_spread_ps,
            "cores_per_channel": self.cores_per_channel,
            "angular_fill": self.angular_fill,
            "launched_fraction": self.launched_fraction,
            "budget": self.budget.to_dict(),
        }
        if self.nominal_log10_ber is not None:
            out["nominal_channel_log10_ber"] = self.nominal_log10_ber
        if per_channel:
            out["per_channel"] = {
                name: [None if isinstance(v, float) and np.isnan(v) else v for v in np.asarray(values).tolist()]
                for name, values in self.per_channel_view().items()
            }
        return out

    # --- views for notebooks and scripts (kept at the end of the class; numbers only, no I/O) ---

    def __repr__(self) -> str:
        def sci(value: float) -> str:
            return np.format_float_scientific(value, precision=1, exp_digits=1, trim="-")

        median = 10.0 ** float(np.median(self.log10_ber_stateye))
        return (
            f"<LinkReport {self.design_name}: {self.channels} ch @ {self.rate_gbps:.4g} Gb/s, {self.length_m:g} m, "
            f"median BER {sci(median)}, {self.channels_meeting_target}/{self.channels} meet {sci(self.target_ber)}>"
        )

    def to_dataframe(self):
        """Per-channel results as a :class:`pandas.DataFrame` indexed by channel (pandas imported here).

        A quantity a channel does not have is NaN, and the ``status`` column says why
        (:attr:`status`, :data:`PER_CHANNEL`): a dead emitter has no received power, OMA,
        crosstalk ratio, ISI ratio or LED bandwidth. Statistics over live channels:
        ``frame[frame.status == "live"]`` (pandas skips NaN by default).
        """
        import pandas as pd

        frame = pd.DataFrame(self.per_channel_view())
        frame.insert(0, "spare", np.arange(self.channels) >= self.data_channels)
        frame["meets_target"] = self.meets_target
        frame.index.name = "channel"
        return frame

    def _repr_html_(self) -> str:
        """Notebook view: the one-line summary over the per-channel table's first rows."""
        import html

        return f"<p><code>{html.escape(repr(self))}</code></p>" + self.to_dataframe().head(8).to_html(
            float_format=lambda v: f"{v:.4g}"
        )


def chain_crosstalk_ratio(cp: ChainPulse) -> np.ndarray:
    """:func:`crosstalk_ratio` of every channel of a chain with its real neighbours; 0 for dead
    channels and missing neighbours."""
    path = cp.path
    launched = (cp.led_power_1_w - cp.led_power_0_w) * path.launched_to_detector
    valid = path.neighbour_index >= 0
    aggressor = launched[np.where(valid, path.neighbour_index, 0)] * valid
    ratio = crosstalk_ratio(launched, aggressor, path.crosstalk_capture, path.own_capture)
    return np.where((~cp.variation.dead)[:, None], ratio, 0.0)


def evaluate_link(
    design: MosaicDesign,
    seed: int = 0,
    led_pulse_w: np.ndarray | None = None,
    measured: dict[str, np.ndarray] | None = None,
    nominal: bool = True,
) -> LinkReport:
    """Evaluate every channel of ``design`` (see module Notes); same seed, same result.

    ``led_pulse_w`` optionally reuses the LED pulses of :func:`mosaiclink.physics.pulse.led_pulse`
    (they depend on the LED, rate and seed only, not on the fibre), e.g. across a length sweep.
    ``measured`` puts measured blocks in place of modelled stages of every channel's pulse
    (:func:`mosaiclink.physics.networks.measured_responses`); the nominal channel stays modelled.
    The report carries the nominal interior channel's BER too (:func:`nominal_channel_log10_ber`, a
    second full-model evaluation, of a 5 x 5 array); ``nominal=False`` leaves it out (``None``) for
    callers that read only the channels (the envelope, life and production models).

    Examples
    --------
    >>> import mosaiclink as ml
    >>> report = ml.evaluate_link(ml.load_preset("mosaic-prototype"))
    >>> report  # doctest: +ELLIPSIS
    <LinkReport mosaic-prototype: 100 ch @ 2 Gb/s, 20 m, median BER ..., 94/100 meet 2.4e-4>
    """
    require_instance(design, MosaicDesign, "design")
    variation = design_variation(design, seed)
    cp = chain(design, variation, led_pulse_w=led_pulse_w, measured=measured)
    report = analyse(design, cp)
    return replace(report, nominal_log10_ber=nominal_channel_log10_ber(design)) if nominal else report


NOMINAL_SIDE = 5  # a 5 x 5 array: its centre channel has all neighbours within Chebyshev distance 2


def nominal_design(design: MosaicDesign) -> MosaicDesign:
    """The design without manufacturing spread, on a ``NOMINAL_SIDE`` square array without spares:
    every channel is nominal and the centre one (:data:`NOMINAL_CHANNEL`) is an interior channel
    (all the neighbours the optical path counts). The fast path evaluates exactly this channel."""
    spread = design.variation.replace(
        led_efficiency_sigma_pct=0.0,
        led_bandwidth_sigma_pct=0.0,
        responsivity_sigma_pct=0.0,
        misalignment_sigma_um=0.0,
        wavelength_sigma_nm=0.0,
        dead_channel_probability=0.0,
    )
    array = design.array.replace(rows=NOMINAL_SIDE, cols=NOMINAL_SIDE, spare_channels=0)
    # the channel runs at the design's own line rate (resolved from its host), not a 25-channel host's
    link = design.link.replace(host_protocol="none", rate_gbps=design.link.rate_gbps)
    return design.replace(variation=spread.model_dump(), array=array.model_dump(), link=link.model_dump())


NOMINAL_CHANNEL = (NOMINAL_SIDE * NOMINAL_SIDE) // 2


def nominal_channel_log10_ber(design: MosaicDesign) -> float:
    """log10 BER of the nominal interior channel of ``design`` by the full model (floored)."""
    nominal = nominal_design(design)
    variation = design_variation(nominal, 0)
    return float(analyse(nominal, chain(nominal, variation)).log10_ber_stateye[NOMINAL_CHANNEL])


def analyse(design: MosaicDesign, cp: ChainPulse) -> LinkReport:
    """Link analysis of a computed chain (split out so callers can reuse a :class:`ChainPulse`)."""
    grid, path = cp.grid, cp.path
    sps, bit_s = grid.samples_per_bit, grid.bit_s
    rx = design.receiver
    alive = ~cp.variation.dead
    psd0 = receiver.noise_psd_a2_per_hz(rx, cp.current_0_a, design.led.rin_db_per_hz)
    psd1 = receiver.noise_psd_a2_per_hz(rx, cp.current_1_a, design.led.rin_db_per_hz)
    autocorr = equalizer.noise_autocorrelation_hz(rx, design.equalizer, bit_s, max(design.equalizer.ffe_taps, 1))
    xt_ratio = chain_crosstalk_ratio(cp)

    # Sampling at each pulse's maximum, plus the jittered instants; then the channel core.
    span_bits = grid.t_s.size // sps
    spectrum = sampling.spectrum(cp.pulse_a, sps)
    peak = sampling.peak_bits(spectrum, span_bits)
    offsets, weights = ber.sampling_offsets(rx.jitter_rms_ps * 1e-12 / bit_s, rx.jitter_dj_pp_ps * 1e-12 / bit_s)
    samples = sampling.symbol_samples(
        spectrum, peak, span_bits, PRE_BITS, PRE_BITS + 1 + design.link.isi_span_bits, offsets
    )
    d = decide(samples, PRE_BITS, psd0, psd1, autocorr, xt_ratio, design.equalizer, rx.threshold, weights)
    g, taps, cursor, sigma0, sigma1 = d.g, d.ffe_taps, d.cursor, d.sigma_0, d.sigma_1
    isi = np.delete(g, PRE_BITS, axis=1)
    bad = ~alive | (cursor <= 0)
    log10_eye = np.where(bad, ber.LOG10_HALF, d.log10_ber)
    q = np.where(bad, 0.0, d.q_gaussian)

    # Budget: ideal -> spread -> equalized -> ISI -> crosstalk -> implementation.
    bw_rx = equalizer.noise_autocorrelation_hz(rx, design.equalizer.replace(enable=False), bit_s, 1)[0]
    sig_rx = np.sqrt(psd0 * bw_rx) + np.sqrt(psd1 * bw_rx)
    swing_a = cp.current_1_a - cp.current_0_a
    ne_cursor = cp.pulse_no_eq_a.max(axis=1)
    q_target = float(ber.q_from_ber(design.link.target_ber))
    tiny = 1e-300
    own_light = cp.led_power_1_w - cp.led_power_0_w
    q_ideal = np.maximum(swing_a, tiny) / sig_rx
    q_spread = np.maximum(ne_cursor, tiny) / sig_rx
    q_eq = np.maximum(cursor, tiny) / (sigma0 + sigma1)
    q_isi = ber.gaussian_q(np.maximum(cursor, tiny), isi, sigma0, sigma1)
    budget, per_channel = build_budget(
        launch_oma_w=np.maximum(own_light, tiny),
        launch_coupling=path.launch_coupling,
        core_fill=path.core_fill,
        fiber_loss_db=design.fiber.attenuation_db_per_m * design.link.length_m,
        connector_loss_db=design.link.connectors * design.link.connector_loss_db,
        bend_loss_db=design.link.bend_loss_db,
        interface_loss_db=design.coupling.interface_loss_db,
        capture=path.own_capture,
        sensitivity_oma_w=q_target * sig_rx / np.maximum(cp.responsivity_a_per_w, tiny),
        q_ideal=q_ideal,
        q_spread=q_spread,
        q_equalized=q_eq,
        q_isi_gaussian=q_isi,
        q_final_gaussian=np.maximum(q, tiny),
        q_eye=np.maximum(ber.q_from_log10_ber(log10_eye), CLOSED_EYE_Q),
        q_target=q_target,
        implementation_penalty_db=rx.implementation_penalty_db,
        alive=alive,
    )

    positions = grid_positions(design.array)
    walkoff_s, chromatic_s = (float(v) for v in fiber_spread_s(design, design.link.length_m))
    avg_rx_w = 0.5 * (cp.led_power_0_w + cp.led_power_1_w) * path.optical_gain
    with np.errstate(divide="ignore"):
        received_dbm = 10 * np.log10(np.maximum(avg_rx_w, tiny) * 1e3)
        xt_total_db = 10 * np.log10(np.maximum(xt_ratio.sum(axis=1), tiny))
    safe_cursor = np.maximum(np.abs(cursor), tiny)
    return LinkReport(
        design_name=design.name,
        rate_gbps=design.link.rate_gbps,
        length_m=design.link.length_m,
        target_ber=design.link.target_ber,
        channels=design.array.total_channels,
        data_channels=design.array.data_channels,
        spare_channels=design.array.spare_channels,
        received_power_dbm=received_dbm,
        received_oma_dbm=per_channel["received_oma_dbm"],
        log10_ber_stateye=log10_eye,
        ber_stateye=10.0**log10_eye,
        ber_gaussian_q=np.where(bad, 0.5, ber.ber_from_q(q)),
        q=q,
        q_noise_only=np.where(bad, 0.0, q_eq),
        cursor_a=cursor,
        cursor_taps=g,
        cursor_index=PRE_BITS,
        isi_rms_ratio=np.sqrt(np.sum(isi**2, axis=1)) / safe_cursor,
        isi_worst_ratio=np.sum(np.abs(isi), axis=1) / safe_cursor,
        crosstalk_db=xt_total_db,
        noise_sigma_0_a=sigma0,
        noise_sigma_1_a=sigma1,
        ffe_taps=taps,
        sampling_offset_ps=((peak - PRE_BITS) * bit_s - grid.t_s[np.argmax(cp.pulse_a, axis=1)]) * 1e12,
        skew_ps=path.skew_s * 1e12,
        led_bandwidth_ghz=np.asarray(microled.small_signal_bandwidth_ghz(design.led, cp.variation.led_rate_scale)),
        walkoff_ps=walkoff_s * 1e12,
        chromatic_spread_ps=chromatic_s * 1e12,
        cores_per_channel=path.cores_per_channel,
        angular_fill=path.angular_fill,
        launched_fraction=path.launch_coupling,
        dead=~alive,
        grid_row=positions[:, 0],
        grid_col=positions[:, 1],
        budget=budget,
        budget_per_channel=per_channel,
    )
