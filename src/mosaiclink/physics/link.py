"""Per-channel link analysis: sampling phase, equalization, noise, crosstalk, BER, budget.

:func:`evaluate_link` runs the whole analog chain for every channel of a design at once and
returns a :class:`LinkReport` of per-channel arrays plus the median-channel budget.

Notes
-----
Steps (all vectorized over channels):

1. Seeded manufacturing variation (:mod:`~mosaiclink.physics.array`) and the optical path with
   the real neighbours of each channel (:mod:`~mosaiclink.physics.optical_path`).
2. Chain pulse response (:mod:`~mosaiclink.physics.pulse`), photocurrent-referred, with CTLE.
3. Noise: input-referred thermal + amplifier density and level-dependent shot noise, coloured by
   the receiver, CTLE and FFE responses (:mod:`~mosaiclink.physics.receiver`).
4. For every sampling phase the FFE taps are solved (MMSE uses the noise autocorrelation at
   symbol lags); the phase with the best Gaussian Q (ISI and crosstalk as Gaussian) is kept.
5. Crosstalk: each aggressor's light in the victim's detector, relative to the victim's own,
   times the victim's equalized pulse (aggressor pulse shape taken equal to the victim's and
   bit-synchronous: all channels share one clock). The ``STRONG_AGGRESSORS`` strongest enter the
   statistical eye with their ``XTALK_CURSORS`` main samples; the rest is added to the noise as
   Gaussian variance.
6. BER from the statistical eye and from the Gaussian-Q estimate; the waterfall.

Dead channels (no light) get BER 0.5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.physics import ber, equalizer, fiber, microled, receiver
from mosaiclink.physics.array import draw_variation, grid_positions
from mosaiclink.physics.budget import LinkBudget, build_budget
from mosaiclink.physics.pulse import PRE_BITS, ChainPulse, chain

STRONG_AGGRESSORS = 8
XTALK_CURSORS = (-1, 0, 1, 2)
STAT_EYE_BINS = 256  # grid steps of the interference pmf; within 0.15 decades of 2048 steps at -9 dB crosstalk (tested)
TAP_FLOOR = 1e-3  # interferers below this fraction of the cursor on every channel are treated as Gaussian
_LOG10_HALF = float(np.log10(0.5))


@dataclass(frozen=True)
class LinkReport:
    """Per-channel results (arrays of shape (channels,) unless stated) and summaries."""

    design_name: str
    rate_gbps: float
    length_m: float
    target_ber: float
    channels: int
    data_channels: int
    spare_channels: int
    received_power_dbm: np.ndarray  # average received optical power
    received_oma_dbm: np.ndarray
    log10_ber_stateye: np.ndarray
    ber_stateye: np.ndarray
    ber_gaussian_q: np.ndarray
    q: np.ndarray  # Gaussian Q with ISI and crosstalk
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
    sampling_offset_ps: np.ndarray  # (channels,) decision instant relative to the pulse peak
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

    @property
    def meets_target(self) -> np.ndarray:
        """Boolean per channel: stat-eye BER at or below the target."""
        return self.log10_ber_stateye <= np.log10(self.target_ber)

    @property
    def channels_meeting_target(self) -> int:
        return int(np.count_nonzero(self.meets_target))

    @property
    def spares_needed(self) -> int:
        """Spares needed to replace failing data channels (0 if none fail)."""
        return max(self.data_channels - self.channels_meeting_target, 0)

    @property
    def link_ok(self) -> bool:
        """At least ``data_channels`` channels meet the target BER."""
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

    def nth_best_log10_ber(self, n: int) -> float:
        """log10 BER of the n-th best channel (n = 1 is the best)."""
        return float(np.sort(self.log10_ber_stateye)[min(max(n, 1), self.channels) - 1])

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
            "q_median": float(np.median(self.q)),
            "walkoff_ps": self.walkoff_ps,
            "chromatic_spread_ps": self.chromatic_spread_ps,
            "cores_per_channel": self.cores_per_channel,
            "angular_fill": self.angular_fill,
            "launched_fraction": self.launched_fraction,
            "budget": self.budget.to_dict(),
        }
        if per_channel:
            names = (
                "received_power_dbm",
                "received_oma_dbm",
                "log10_ber_stateye",
                "ber_gaussian_q",
                "q",
                "isi_rms_ratio",
                "crosstalk_db",
                "noise_sigma_0_a",
                "noise_sigma_1_a",
                "skew_ps",
                "led_bandwidth_ghz",
                "dead",
                "grid_row",
                "grid_col",
            )
            out["per_channel"] = {name: np.asarray(getattr(self, name)).tolist() for name in names}
        return out


def _pre_ffe_noise_response(design: MosaicDesign, freq_hz, with_ctle=True):
    h = receiver.transfer_function(design.receiver, freq_hz)
    if with_ctle:
        h = h * equalizer.ctle_transfer_function(design.equalizer, freq_hz)
    return np.abs(h) ** 2


def _symbol_samples(pulse, sps: int):
    """(channels, phases, bits) symbol-spaced samples for every sampling phase."""
    channels, n = pulse.shape
    return pulse[:, : (n // sps) * sps].reshape(channels, n // sps, sps).transpose(0, 2, 1)


def _align_peak(pulse, sps: int, offset: int = 0):
    """Circularly shift each channel's pulse so its peak sits ``offset`` samples into bit PRE_BITS."""
    n = pulse.shape[-1]
    shift = np.argmax(pulse, axis=-1) - (PRE_BITS * sps + offset)
    index = (np.arange(n)[None, :] + shift[:, None]) % n
    return np.take_along_axis(pulse, index, axis=-1)


def _candidate_samples(pulse, sps: int):
    """Symbol-spaced samples (channels, 2 sps, bits) for cursor instants from one bit before
    to one bit after each pulse's peak; candidate c samples ``c - sps + 1`` samples after the peak."""
    late = _symbol_samples(_align_peak(pulse, sps, sps - 1), sps)  # cursor at peak - (sps-1) .. peak
    early = _symbol_samples(_align_peak(pulse, sps, 0), sps)  # cursor at peak .. peak + sps - 1
    return np.concatenate([late, early[:, 1:]], axis=1)


def _equalize(design: MosaicDesign, samples, noise_autocorr):
    """FFE taps (main tap normalised to 1) and equalized samples for every (channel, phase);
    pass-through without FFE."""
    eq = design.equalizer
    if not equalizer.ffe_active(eq):
        return np.ones(samples.shape[:-1] + (1,)), samples
    taps = equalizer.solve_ffe(samples, PRE_BITS, eq, noise_autocorr)
    main = taps[..., eq.ffe_precursor_taps : eq.ffe_precursor_taps + 1]
    unit = (np.arange(eq.ffe_taps) == eq.ffe_precursor_taps).astype(float)
    taps = np.where(np.abs(main) > 0, taps / np.where(main == 0, 1.0, main), unit)
    return taps, equalizer.apply_ffe(samples, taps, eq.ffe_precursor_taps)


def _isi_taps(g):
    return np.concatenate([g[..., :PRE_BITS], g[..., PRE_BITS + 1 :]], axis=-1)


def evaluate_link(design: MosaicDesign, seed: int = 0, led_pulse_w: np.ndarray | None = None) -> LinkReport:
    """Evaluate every channel of ``design`` (see module Notes); same seed, same result.

    ``led_pulse_w`` optionally reuses the LED pulses of :func:`mosaiclink.physics.pulse.led_pulse`
    (they depend on the LED, rate and seed only, not on the fibre), e.g. across a length sweep.
    """
    variation = draw_variation(design.variation, design.array.total_channels, seed, design.fiber.length_mismatch_ppm)
    cp = chain(design, variation, led_pulse_w=led_pulse_w)
    return analyse(design, cp)


def analyse(design: MosaicDesign, cp: ChainPulse) -> LinkReport:
    """Link analysis of a computed chain (split out so callers can reuse a :class:`ChainPulse`)."""
    grid, path = cp.grid, cp.path
    sps, bit_s = grid.samples_per_bit, grid.bit_s
    alive = ~cp.variation.dead
    # Noise densities per level and the pre-FFE noise shaping.
    psd0 = receiver.noise_psd_a2_per_hz(design.receiver, cp.current_0_a)
    psd1 = receiver.noise_psd_a2_per_hz(design.receiver, cp.current_1_a)
    fine_f = np.linspace(0.0, 8.0 * max(design.receiver.tia_bandwidth_ghz * 1e9, 1.0 / bit_s), 4097)
    h2_pre = _pre_ffe_noise_response(design, fine_f)
    lags = np.arange(max(design.equalizer.ffe_taps, 1)) * bit_s
    autocorr_unit = np.trapezoid(h2_pre[None, :] * np.cos(2 * np.pi * fine_f[None, :] * lags[:, None]), fine_f, axis=-1)
    noise_autocorr = 0.5 * (psd0 + psd1)[:, None, None] * autocorr_unit[None, None, :]

    # Crosstalk ratios: aggressor light in this detector relative to this channel's own light.
    own_light = cp.led_power_1_w - cp.led_power_0_w
    aggressor_oma = own_light[np.where(path.neighbour_index >= 0, path.neighbour_index, 0)] * (
        path.neighbour_index >= 0
    )
    xt_ratio = (aggressor_oma * path.crosstalk_capture * path.launched_to_detector[:, None]) / np.maximum(
        (own_light * path.optical_gain)[:, None], 1e-300
    )
    xt_ratio = np.where(alive[:, None], xt_ratio, 0.0)

    # Phase search: cursor instants from one bit before to one bit after each pulse's peak;
    # equalize at every candidate and keep the one with the best Gaussian Q.
    samples = _candidate_samples(cp.pulse_a, sps)  # (ch, 2 sps - 1, bits)
    taps, g = _equalize(design, samples, noise_autocorr)
    lag_matrix = autocorr_unit[np.abs(np.arange(taps.shape[-1])[:, None] - np.arange(taps.shape[-1])[None, :])]
    bandwidth = np.einsum("...k,kl,...l->...", taps, lag_matrix, taps)  # (ch, sps): c^T R c
    var0, var1 = psd0[:, None] * bandwidth, psd1[:, None] * bandwidth
    energy = np.sum(g**2, axis=-1)
    xt_var = 0.25 * np.sum(xt_ratio**2, axis=-1)[:, None] * energy
    cursor = g[..., PRE_BITS]
    q_all = ber.gaussian_q(cursor, _isi_taps(g), np.sqrt(var0 + xt_var), np.sqrt(var1 + xt_var))
    q_all = np.where(cursor > 0, q_all, -np.inf)
    phase = np.argmax(q_all, axis=1)
    pick = (np.arange(len(phase)), phase)
    g, taps, var0, var1, cursor = g[pick], taps[pick], var0[pick], var1[pick], cursor[pick]
    isi = _isi_taps(g)

    # Interferers for the statistical eye: ISI cursors and the main samples of the strongest
    # aggressors, keeping only those that reach TAP_FLOOR of the cursor on some channel; the
    # rest enter as Gaussian variance.
    order = np.argsort(-xt_ratio, axis=1)
    ranked = np.take_along_axis(xt_ratio, order, axis=1)
    n_strong = min(STRONG_AGGRESSORS, int(np.count_nonzero(np.any(ranked > TAP_FLOOR, axis=0))))
    strong, weak = ranked[:, :n_strong], ranked[:, n_strong:]
    cursor_cols = np.array([PRE_BITS + k for k in XTALK_CURSORS])
    xt_taps = (strong[:, :, None] * g[:, None, cursor_cols]).reshape(len(g), -1)
    rest = np.delete(g, cursor_cols, axis=1)
    xt_extra_var = 0.25 * (
        np.sum(weak**2, axis=1) * np.sum(g**2, axis=1) + np.sum(strong**2, axis=1) * np.sum(rest**2, axis=1)
    )
    significant = np.any(np.abs(isi) > TAP_FLOOR * np.abs(cursor)[:, None], axis=0)
    isi_extra_var = 0.25 * np.sum(isi[:, ~significant] ** 2, axis=1)
    xt_extra_var = xt_extra_var + isi_extra_var
    sigma0, sigma1 = np.sqrt(var0), np.sqrt(var1)
    s0x, s1x = np.sqrt(var0 + xt_extra_var), np.sqrt(var1 + xt_extra_var)
    interferers = np.concatenate([isi[:, significant], xt_taps], axis=1)
    log10_eye = ber.stat_eye_log10_ber(
        np.maximum(cursor, 1e-30), interferers, s0x, s1x, design.receiver.threshold, bins=STAT_EYE_BINS
    )
    q = ber.gaussian_q(cursor, interferers, s0x, s1x)
    bad = ~alive | (cursor <= 0)
    log10_eye = np.where(bad, _LOG10_HALF, np.minimum(log10_eye, _LOG10_HALF))
    q = np.where(bad, 0.0, q)

    # Budget: ideal -> spread -> equalized -> ISI -> crosstalk.
    h2_rx = _pre_ffe_noise_response(design, fine_f, with_ctle=False)
    bw_rx = receiver.noise_bandwidth_hz(fine_f, h2_rx)
    sig_rx = np.sqrt(psd0 * bw_rx) + np.sqrt(psd1 * bw_rx)
    swing_a = cp.current_1_a - cp.current_0_a
    ne_cursor = cp.pulse_no_eq_a.max(axis=1)
    q_target = float(ber.q_from_ber(design.link.target_ber))
    tiny = 1e-300
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
        interface_loss_db=design.coupling.interface_loss_db,
        capture=path.own_capture,
        sensitivity_oma_w=q_target * sig_rx / np.maximum(cp.responsivity_a_per_w, tiny),
        q_ideal=q_ideal,
        q_spread=q_spread,
        q_equalized=q_eq,
        q_isi_gaussian=q_isi,
        q_final_gaussian=np.maximum(q, tiny),
        q_eye=np.maximum(ber.q_from_log10_ber(log10_eye), tiny),
        q_target=q_target,
        alive=alive,
    )

    positions = grid_positions(design.array)
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
        sampling_offset_ps=(phase - sps + 1) * grid.dt_s * 1e12,
        skew_ps=path.skew_s * 1e12,
        led_bandwidth_ghz=np.asarray(microled.small_signal_bandwidth_ghz(design.led, cp.variation.led_rate_scale)),
        walkoff_ps=float(
            fiber.modal_walkoff_s(design.link.length_m, design.fiber.na, design.fiber.core_index, path.angular_fill)
        )
        * 1e12,
        chromatic_spread_ps=float(
            fiber.chromatic_spread_fwhm_s(
                design.fiber.chromatic_dispersion_ps_per_nm_km,
                microled.spectral_fwhm_nm(design.led),
                design.link.length_m,
            )
        )
        * 1e12,
        cores_per_channel=path.cores_per_channel,
        angular_fill=path.angular_fill,
        launched_fraction=path.launch_coupling,
        dead=~alive,
        grid_row=positions[:, 0],
        grid_col=positions[:, 1],
        budget=budget,
        budget_per_channel=per_channel,
    )
