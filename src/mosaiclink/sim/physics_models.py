"""Build the Monte Carlo models of a design from the physics layer (no physics re-done here).

:func:`link_models` runs the chain once (:func:`mosaiclink.physics.pulse.chain`) and the link
analysis on it, and returns

* the :class:`~mosaiclink.sim.model.SymbolModel`: the physics' equalized symbol-spaced pulse
  (``LinkReport.cursor_taps``), its pure noise sigmas (no Gaussianised ISI or crosstalk: the
  Monte Carlo draws every ISI and every neighbour exactly) and the real neighbour coupling;
* the :class:`~mosaiclink.sim.model.WaveformModel`: the microLED either as the superposition
  of the physics' large-signal isolated-bit pulse (rate equation; ``led_model="superposition"``,
  the analytic model's own assumption) or as an asymmetric first-order response with the
  physics' rise and fall lifetimes (``"first-order"``: pattern-dependent, a cruder shape but
  nonlinear in the bits), then the linear chain from
  the physics' transfer functions (driver RC, fibre, receiver, CTLE, FFE) scaled by each
  channel's photocurrent swing, with the receiver + equalizer shaping for the noise;
* the physics :class:`~mosaiclink.physics.link.LinkReport` at the midpoint threshold (the
  threshold the Monte Carlo decides with) and at the design's own threshold setting.

Assumptions stated here: bit-synchronous channels, crosstalk light with the victim's pulse
shape (as in the physics); the decision threshold is the midpoint of the steady levels,
including the mean crosstalk light; without a forwarded clock each channel samples at its own
pulse peak (skew absorbed by per-channel timing recovery).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import ConfigError
from mosaiclink.physics import equalizer, microled, receiver
from mosaiclink.physics.array import design_variation
from mosaiclink.physics.chain import fiber_transfer_function
from mosaiclink.physics.link import LinkReport, analyse, chain_crosstalk_ratio
from mosaiclink.physics.pulse import ChainPulse, chain
from mosaiclink.sim.model import Crosstalk, RowFunction, SymbolModel, WaveformModel


@dataclass(frozen=True)
class LinkModels:
    """Everything the runner needs for one design."""

    symbol: SymbolModel
    waveform: WaveformModel
    report: LinkReport  # analytic, midpoint threshold (what the Monte Carlo decides with)
    report_design: LinkReport  # analytic with the design's own threshold setting


def link_models(
    design: MosaicDesign,
    seed: int = 0,
    jitter_rms_ps: float = 0.0,
    forwarded_clock: bool = False,
    led_model: str = "superposition",
) -> LinkModels:
    """Symbol and waveform models of every channel of ``design`` plus the analytic reports."""
    variation = design_variation(design, seed)
    cp = chain(design, variation)
    midpoint = design.replace(receiver=design.receiver.replace(threshold="midpoint"))
    report = analyse(midpoint, cp)
    report_design = report if design.receiver.threshold == "midpoint" else analyse(design, cp)
    xt = Crosstalk(cp.path.neighbour_index.astype(np.int64), chain_crosstalk_ratio(cp)).pruned()
    ids = np.arange(design.array.total_channels)
    taps = report.cursor_taps
    alive = ~report.dead
    steady_one = taps.sum(axis=1) * (1.0 + xt.weight.sum(axis=1))
    sig0 = np.where(alive, report.noise_sigma_0_a, 1.0)
    sig1 = np.where(alive, report.noise_sigma_1_a, 1.0)
    symbol = SymbolModel(
        design.link.rate_gbps, ids, taps, report.cursor_index, np.zeros(ids.size), 0.5 * steady_one, sig0, sig1, xt
    )
    if led_model not in ("superposition", "first-order"):
        raise ConfigError(f"led_model = {led_model!r}: allowed superposition, first-order")
    waveform = _waveform_model(
        design,
        cp,
        report,
        xt,
        sig0,
        sig1,
        jitter_rms_ps,
        forwarded_clock,
        led_model == "superposition",
        symbol.threshold,
    )
    return LinkModels(symbol, waveform, report, report_design)


def _waveform_model(
    design, cp, report, xt, sig0, sig1, jitter_rms_ps, forwarded_clock, superpose, superposed_threshold
):
    bit_s = 1e-9 / design.link.rate_gbps
    eq = design.equalizer
    rise_s, fall_s = microled.rise_fall_lifetimes_s(design.led, cp.variation.led_rate_scale)
    rc_s = design.led.series_resistance_ohm * design.led.capacitance_ff * 1e-15
    swing = cp.current_1_a - cp.current_0_a
    ffe_on = equalizer.ffe_active(eq)

    # the LED is simulated in time (rate-equation pulses or first-order rise/fall): only the blocks after it
    # here; each function computes the channels `rows` alone (an eye diagram's subset: RowFunction)
    def noise_response_rows(f_hz, rows):
        h = receiver.transfer_function(design.receiver, f_hz) * equalizer.ctle_transfer_function(eq, f_hz)
        h = np.broadcast_to(h, (swing[rows].size, np.size(f_hz)))
        if ffe_on:
            h = h * equalizer.ffe_transfer_function(report.ffe_taps[rows], eq.ffe_precursor_taps, bit_s, f_hz)
        return h

    def response_rows(f_hz, rows):
        driver = 1.0 / (1.0 + 2j * np.pi * np.asarray(f_hz) * rc_s)
        return (
            swing[rows][:, None]
            * (driver * fiber_transfer_function(design, f_hz))[None, :]
            * noise_response_rows(f_hz, rows)
        )

    response, noise_response = RowFunction(response_rows), RowFunction(noise_response_rows)

    rise = np.broadcast_to(rise_s, swing.shape)
    fall = np.broadcast_to(fall_s, swing.shape)
    led_pulse = None
    if superpose:
        level = (cp.led_power_1_w - cp.led_power_0_w)[:, None]
        alive = level > 0

        def led_pulse_rows(t_s, rows):
            variation = cp.variation
            p = microled.pulse_response_w(
                design.led, bit_s, t_s, variation.led_rate_scale[rows], variation.led_efficiency_scale[rows]
            )
            return np.where(alive[rows], p / np.where(alive[rows], level[rows], 1.0), 0.0)

        led_pulse = RowFunction(led_pulse_rows)

    bits = design.link.isi_span_bits
    sample_s = _physics_sampling_instant_s(cp, report)
    skew = cp.path.skew_s - np.median(cp.path.skew_s) if forwarded_clock else 0.0
    if superpose:  # the levels of superposed pulses: same midpoint as the symbol model
        threshold = superposed_threshold
    else:  # first-order LED: the steady '1' is the chain's DC gain
        threshold = 0.5 * np.real(response(np.zeros(1)))[:, 0] * (1.0 + xt.weight.sum(axis=1))
    return WaveformModel(
        design.link.rate_gbps,
        np.arange(swing.size),
        rise,
        fall,
        response,
        noise_response,
        sample_s + skew,
        jitter_rms_ps * 1e-12,
        np.zeros(swing.size),  # level_zero of every channel
        threshold,
        sig0,
        sig1,
        xt,
        led_pulse,
        bits if superpose else 0,
    )


def _physics_sampling_instant_s(cp: ChainPulse, report: LinkReport) -> np.ndarray:
    """The decision instant the link analysis chose: its pulse peak plus the best-Q offset
    (``report.sampling_offset_ps``), in seconds after the start of the bit."""
    peak_s = cp.grid.t_s[np.argmax(cp.pulse_a, axis=-1)]
    return peak_s + report.sampling_offset_ps * 1e-12
