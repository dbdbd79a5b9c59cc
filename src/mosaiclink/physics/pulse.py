"""Pulse response of the whole chain, per channel, and the component transfer functions.

The chain: the microLED's large-signal optical pulse (nonlinear rate equation, see
:func:`mosaiclink.physics.microled.pulse_response_w`) scaled by each channel's optical gain and
photodiode responsivity, then filtered in the frequency domain by the fibre (modal walk-off and
chromatic dispersion), the receiver front end (input RC pole and TIA) and the CTLE. The result
is the photocurrent-referred pulse ``h[channel, sample]`` in amperes for one isolated '1' bit;
by linear superposition (stated assumption: the LED nonlinearity is captured in the pulse shape
but not in pattern-dependent interaction) any bit pattern's waveform is a sum of shifted pulses.

Public helpers for the Monte Carlo layer: :func:`time_grid`, :func:`component_transfer_functions`,
:func:`stages_transfer_function`, :func:`chain_transfer_function` and :func:`chain_pulse_response`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import ConfigError
from mosaiclink.physics import equalizer, microled, receiver
from mosaiclink.physics.array import ChannelVariation, design_variation
from mosaiclink.physics.chain import channel_responsivity_a_per_w, fiber_transfer_function
from mosaiclink.physics.optical_path import OpticalPath, led_levels_w, optical_path

PRE_BITS = 4
GUARD_BITS = 4
MEASURED_STAGES = ("fiber", "receiver", "ctle")
"""Stages a measured block may replace in the pulse (the linear small-signal ones after the LED)."""


@dataclass(frozen=True)
class TimeGrid:
    """Uniform analysis grid: t = 0 is the start of the launched bit."""

    t_s: np.ndarray
    freq_hz: np.ndarray
    bit_s: float
    samples_per_bit: int

    @property
    def dt_s(self) -> float:
        return self.bit_s / self.samples_per_bit


def time_grid(design: MosaicDesign, samples_per_bit: int | None = None) -> TimeGrid:
    """Grid covering PRE_BITS before the bit and ``isi_span_bits`` + guard after it."""
    sps = samples_per_bit or design.link.samples_per_bit
    bit_s = 1e-9 / design.link.rate_gbps
    n = (PRE_BITS + 1 + design.link.isi_span_bits + GUARD_BITS) * sps
    dt = bit_s / sps
    t = (np.arange(n) - PRE_BITS * sps) * dt
    return TimeGrid(t_s=t, freq_hz=np.fft.rfftfreq(n, dt), bit_s=bit_s, samples_per_bit=sps)


def component_transfer_functions(
    design: MosaicDesign, freq_hz, variation: ChannelVariation | None = None
) -> dict[str, np.ndarray]:
    """Unit-DC-gain responses: ``led`` (channels, f) small-signal, ``fiber``, ``receiver``, ``ctle`` (f,)."""
    rate = 1.0 if variation is None else variation.led_rate_scale
    return {
        "led": microled.transfer_function(design.led, freq_hz, rate),
        "fiber": fiber_transfer_function(design, freq_hz),
        "receiver": receiver.transfer_function(design.receiver, freq_hz),
        "ctle": equalizer.ctle_transfer_function(design.equalizer, freq_hz),
    }


def stages_transfer_function(
    design: MosaicDesign,
    freq_hz,
    stages: tuple[str, ...],
    variation: ChannelVariation | None = None,
    measured: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Product of the named stages' unit-DC-gain responses (:func:`component_transfer_functions`):
    the one place the chain's small-signal product is formed. ``measured`` maps a stage to a
    measured response on ``freq_hz`` used in its place
    (:func:`mosaiclink.physics.networks.measured_responses`)."""
    parts = component_transfer_functions(design, freq_hz, variation) | (measured or {})
    h: np.ndarray = np.ones(np.shape(freq_hz))
    for stage in stages:
        h = h * parts[stage]
    return h


@dataclass(frozen=True)
class ChainPulse:
    """Everything the link analysis needs from the chain, per channel."""

    grid: TimeGrid
    pulse_a: np.ndarray  # (channels, samples) with CTLE
    pulse_no_eq_a: np.ndarray  # (channels, samples) without CTLE (budget reference)
    current_0_a: np.ndarray  # (channels,) photocurrent at a steady '0'
    current_1_a: np.ndarray  # (channels,) photocurrent at a steady '1'
    led_power_0_w: np.ndarray
    led_power_1_w: np.ndarray
    responsivity_a_per_w: np.ndarray
    path: OpticalPath
    variation: ChannelVariation


def led_pulse(design: MosaicDesign, variation: ChannelVariation, samples_per_bit: int | None = None) -> np.ndarray:
    """Per-channel LED optical pulse (channels, samples) in W on :func:`time_grid`; dead channels are 0."""
    grid = time_grid(design, samples_per_bit)
    start = PRE_BITS * grid.samples_per_bit
    pulse = np.zeros((design.array.total_channels, grid.t_s.size))
    pulse[:, start:] = microled.pulse_response_w(
        design.led, grid.bit_s, grid.t_s[start:], variation.led_rate_scale, variation.led_efficiency_scale
    )
    return pulse * (~variation.dead)[:, None]


def chain(
    design: MosaicDesign,
    variation: ChannelVariation,
    samples_per_bit: int | None = None,
    led_pulse_w: np.ndarray | None = None,
    measured: dict[str, np.ndarray] | None = None,
) -> ChainPulse:
    """Compute the per-channel chain pulse responses (with and without CTLE) and levels.

    ``led_pulse_w`` reuses a :func:`led_pulse` result (same LED, rate, grid and variation).
    ``measured`` maps any of :data:`MEASURED_STAGES` to a measured response on the grid's
    frequencies, applied to every channel in place of that modelled stage.
    """
    if set(measured or ()) - set(MEASURED_STAGES):
        raise ConfigError(
            f"measured stages {sorted(set(measured or ()) - set(MEASURED_STAGES))}: the pulse takes measured "
            f"{', '.join(MEASURED_STAGES)} (the LED's pulse is large-signal, its small-signal S21 is not it)"
        )
    grid = time_grid(design, samples_per_bit)
    path = optical_path(design, variation)
    led_pulse_w = led_pulse(design, variation, samples_per_bit) if led_pulse_w is None else led_pulse_w
    resp = channel_responsivity_a_per_w(design, variation.wavelength_offset_nm, variation.responsivity_scale)
    gain = (path.optical_gain * resp)[:, None]
    spectrum = np.fft.rfft(led_pulse_w * gain, axis=-1)
    n = grid.t_s.size
    h_no_eq = stages_transfer_function(design, grid.freq_hz, ("fiber", "receiver"), measured=measured)
    ctle = stages_transfer_function(design, grid.freq_hz, ("ctle",), measured=measured)
    pulse_no_eq = np.fft.irfft(spectrum * h_no_eq, n=n, axis=-1)
    pulse = np.fft.irfft(spectrum * (h_no_eq * ctle), n=n, axis=-1)
    p0, p1 = led_levels_w(design, variation)
    i_scale = path.optical_gain * resp
    return ChainPulse(
        grid=grid,
        pulse_a=pulse,
        pulse_no_eq_a=pulse_no_eq,
        current_0_a=p0 * i_scale,
        current_1_a=p1 * i_scale,
        led_power_0_w=p0,
        led_power_1_w=p1,
        responsivity_a_per_w=resp,
        path=path,
        variation=variation,
    )


def chain_pulse_response(
    design: MosaicDesign, samples_per_bit: int | None = None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``(t_s, h)``: time axis (samples,) and per-channel pulse responses (channels, samples) in A.

    ``h`` is the photocurrent-referred receiver output (CTLE included, FFE not) for one '1' bit
    launched at t = 0 above a steady '0'; the steady '0'/'1' photocurrents are in :func:`chain`.
    """
    variation = design_variation(design, seed)
    result = chain(design, variation, samples_per_bit)
    return result.grid.t_s, result.pulse_a


STAGES = ("gain", "led", "fiber", "receiver", "ctle")
"""The chain's stages in signal order: ``gain`` (flat, A/W: optical gain x responsivity, 0 for a
dead channel), then the unit-DC-gain responses of :func:`component_transfer_functions`."""


def stage_transfer_functions(design: MosaicDesign, freq_hz, seed: int = 0) -> dict[str, np.ndarray]:
    """Each stage of :data:`STAGES`, shape (channels, f), whose product is :func:`chain_transfer_function`."""
    variation = design_variation(design, seed)
    path = optical_path(design, variation)
    comps = component_transfer_functions(design, freq_hz, variation)
    shape = (design.array.total_channels, np.size(freq_hz))
    responsivity = channel_responsivity_a_per_w(design, variation.wavelength_offset_nm, variation.responsivity_scale)
    gain = (path.optical_gain * responsivity * ~variation.dead)[:, None]
    return {"gain": np.broadcast_to(gain, shape), **{k: np.broadcast_to(comps[k], shape) for k in STAGES[1:]}}


def chain_transfer_function(design: MosaicDesign, freq_hz, seed: int = 0) -> np.ndarray:
    """Small-signal end-to-end response (channels, f) in A/W of LED optical modulation:
    optical gain x responsivity x LED x fibre x receiver x CTLE (the product of the stages)."""
    stages = stage_transfer_functions(design, freq_hz, seed)
    return np.prod([stages[k] for k in STAGES], axis=0)
