"""Typed specs of a MOSAIC link: microLED, coupling optics, imaging fibre, array, receiver,
equalizer, link operating point, manufacturing variation, and the :class:`MosaicDesign` that
composes them.

Every field carries its unit in its name, a pydantic bound and a description. The bounds are
those a real device can have (a microLED is at least 1 um across, a line rate at least 1 Mb/s,
an array at most :data:`MAX_TOTAL_CHANNELS` channels); NaN, infinity and subnormal numbers are
refused for every field by :class:`~mosaiclink.config.base.Spec`. Values that no
public source gives are our estimates; the presets (``config/presets/*.toml``) cite, per value,
the tag of ``docs/research/mosaic.md`` it comes from or say "estimate".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from mosaiclink.config.base import Spec
from mosaiclink.config.line_rate import (
    DEFAULT_MARKER_PERIOD_BITS,
    RATE_TOLERANCE,
    host_data_rate_gbps,
    required_line_rate_gbps,
)
from mosaiclink.errors import ConfigError, MosaicError

MAX_TOTAL_CHANNELS = 4096
"""Largest array (data plus spares) a design may have: 2.4x the 3.2T preset's 1720 channels. A
1 mm^2 imaging-fibre field at a 15 um pitch holds ~4400 channel cells, and the link model keeps
(channels x channels) crosstalk terms, so beyond this a design is neither a MOSAIC product nor
cheap to evaluate."""


class MicroLedSpec(Spec):
    """One InGaN microLED emitter and its drive (the same nominal device on every channel).

    The ABC recombination model needs the carrier density in the active region, so the
    current density is spread over ``active_thickness_nm`` (effective, all quantum wells).
    """

    wavelength_nm: float = Field(450.0, ge=200.0, le=1700.0, description="Peak emission wavelength at 25 C")
    spectral_fwhm_nm: float = Field(
        20.0, ge=1.0, le=200.0, description="Emission spectrum full width at half maximum at 25 C (LEDs: 10-40 nm)"
    )
    diameter_um: float = Field(
        8.0, ge=1.0, le=500.0, description="Emitting mesa diameter (circular; sub-micron mesas are not made)"
    )
    active_thickness_nm: float = Field(
        10.0,
        ge=1.0,
        le=1000.0,
        description="Effective active-region thickness that carriers fill (sum of quantum wells)",
    )
    abc_a_per_s: float = Field(1.0e7, ge=0.0, le=1e11, description="Shockley-Read-Hall (A) coefficient at 25 C")
    abc_b_cm3_per_s: float = Field(2.0e-11, ge=1e-14, le=1e-8, description="Radiative (B) coefficient")
    abc_c_cm6_per_s: float = Field(2.0e-30, ge=0.0, le=1e-26, description="Auger (C) coefficient (efficiency droop)")
    light_extraction_efficiency: float = Field(
        0.6, ge=0.001, le=1.0, description="Fraction of internally generated photons that leave the chip"
    )
    bias_current_ma: float = Field(
        0.5, ge=0.0, le=1000.0, description="Drive current for a '0' bit (pre-bias, keeps the LED fast)"
    )
    peak_current_ma: float = Field(3.0, ge=0.001, le=1000.0, description="Drive current for a '1' bit")
    forward_voltage_v: float = Field(
        3.0, ge=0.5, le=20.0, description="Forward voltage at the peak current (for drive power)"
    )
    series_resistance_ohm: float = Field(
        100.0, ge=0.0, le=1e6, description="Series resistance of LED plus driver output"
    )
    capacitance_ff: float = Field(
        150.0, ge=0.0, le=1e6, description="Junction plus pad capacitance (RC bandwidth limit)"
    )
    temperature_c: float = Field(25.0, ge=-55.0, le=150.0, description="Junction temperature")
    srh_temperature_coeff_per_k: float = Field(
        0.01, ge=0.0, le=0.2, description="Fractional increase of the A coefficient per kelvin above 25 C"
    )
    wavelength_shift_nm_per_k: float = Field(
        0.04, ge=0.0, le=1.0, description="Red shift of the peak wavelength per kelvin above 25 C"
    )
    fwhm_broadening_nm_per_k: float = Field(
        0.05, ge=0.0, le=1.0, description="Spectral broadening per kelvin above 25 C"
    )
    lambertian_order: float = Field(
        1.0, ge=0.5, le=50.0, description="Far-field exponent m of I(theta) ~ cos^m(theta); 1 is Lambertian"
    )
    rin_db_per_hz: float = Field(
        -140.0,
        ge=-200.0,
        le=-100.0,
        description="Relative intensity noise of the emitted light, one-sided, 10 log10(S_P/P^2) (estimate: "
        "-140, range -155 to -128; -128 is the most a multimode VCSEL transmitter may have, IEEE 802.3 "
        "cl. 95 RIN12OMA; an incoherent LED sits nearer its shot-noise limit)",
    )

    @field_validator("peak_current_ma")
    @classmethod
    def _peak_above_bias(cls, value: float, info: ValidationInfo) -> float:
        bias = info.data.get("bias_current_ma")
        if bias is not None and value <= bias:
            raise ValueError(f"must exceed bias_current_ma = {bias}")
        return value


class CouplingSpec(Spec):
    """The optical train: per-emitter micro-optics at both ends and the relay between the arrays and
    the fibre faces. Launched fraction, spot, angular fill and capture are derived from these
    (:mod:`mosaiclink.physics.optics`); none of them is a knob of its own."""

    lens: Literal["none", "microlens", "tir"] = Field(
        "microlens",
        description="Per-emitter micro-optic at both ends: none (the relay images the bare LED and photodiode), "
        "a plain microlens, or the two-part TIR micro-optic",
    )
    collection_efficiency: float = Field(
        0.3,
        gt=0.0,
        le=1.0,
        description="Fraction of the LED's emission the transmit micro-optic collects (unused with lens = none)",
    )
    etendue_dilution: float = Field(
        1.5,
        ge=1.0,
        le=100.0,
        description="Factor by which the micro-optic's output étendue exceeds the étendue it collected (1 = ideal)",
    )
    lens_aperture_fraction: float = Field(
        0.9, gt=0.0, le=1.0, description="Side of the square micro-optic aperture as a fraction of the array pitch"
    )
    spot_magnification: float = Field(
        0.5,
        gt=0.0,
        le=20.0,
        description="Imaging scale from the emitter array to the fibre face (and back from the fibre to the "
        "detector array); below 1 demagnifies",
    )
    relay_na: float = Field(
        0.2,
        gt=0.0,
        lt=1.0,
        description="Image-side numerical aperture of the relay onto the fibre face (its stop): caps the launch "
        "angles, trading coupling for modal walk-off",
    )
    spot_blur_um: float = Field(
        4.0, ge=0.0, le=200.0, description="RMS blur added to the image by the relay (aberrations, defocus)"
    )
    tx_misalignment_um: float = Field(
        0.0,
        ge=0.0,
        le=500.0,
        description="Nominal lateral offset of the LED image from its channel centre, on the fibre face",
    )
    rx_misalignment_um: float = Field(
        0.0,
        ge=0.0,
        le=500.0,
        description="Nominal lateral offset of the photodiode image from the channel centre, on the fibre face",
    )
    interface_loss_db: float = Field(
        0.6, ge=0.0, le=20.0, description="Fresnel and absorption loss of lenses and windows, both ends together"
    )


class FiberSpec(Spec):
    """Multicore imaging fibre (one drawn strand of thousands of step-index cores)."""

    core_diameter_um: float = Field(3.0, gt=0.0, le=100.0, description="Diameter of one core")
    core_pitch_um: float = Field(
        3.6, gt=0.0, le=200.0, description="Centre-to-centre spacing of the hexagonal core lattice"
    )
    core_count: int = Field(10000, ge=1, le=10_000_000, description="Cores in the strand")
    na: float = Field(0.2, gt=0.0, lt=1.0, description="Numerical aperture of one core")
    core_index: float = Field(1.465, ge=1.3, le=2.0, description="Core phase index (not group index)")
    attenuation_db_per_m: float = Field(0.2, ge=0.0, le=20.0, description="Attenuation at the LED wavelength")
    chromatic_dispersion_ps_per_nm_km: float = Field(
        -700.0, ge=-5000.0, le=5000.0, description="Chromatic dispersion D at the LED wavelength"
    )
    core_coupling_um2_per_m: float = Field(
        1.0,
        ge=0.0,
        le=1e4,
        description="Transverse spreading of light across the core lattice: rms spot variance growth per axis "
        "per metre (inter-core coupling)",
    )
    length_mismatch_ppm: float = Field(
        100.0, ge=0.0, le=1e5, description="RMS relative length difference between cores (sets skew)"
    )


class ArraySpec(Spec):
    """Square emitter/detector grid: rows x cols data channels plus spares in extra rows."""

    rows: int = Field(20, ge=1, le=MAX_TOTAL_CHANNELS, description="Rows of the data-channel grid")
    cols: int = Field(20, ge=1, le=MAX_TOTAL_CHANNELS, description="Columns of the grid")
    pitch_um: float = Field(
        50.0, ge=1.0, le=5000.0, description="Channel pitch on the array and, imaged 1:1, on the fibre face"
    )
    spare_channels: int = Field(
        40, ge=0, le=MAX_TOTAL_CHANNELS, description="Spare channels, placed in extra rows after the data grid"
    )

    @model_validator(mode="after")
    def _bounded_size(self) -> Self:
        if self.total_channels > MAX_TOTAL_CHANNELS:
            raise ValueError(
                f"rows x cols + spare_channels = {self.total_channels}: must be <= {MAX_TOTAL_CHANNELS} "
                "(a ~1 mm^2 fibre image field holds a few thousand channel cells, and the model's "
                "channel-by-channel crosstalk grows with the square of the count)"
            )
        return self

    @property
    def data_channels(self) -> int:
        """Number of data channels (rows x cols)."""
        return self.rows * self.cols

    @property
    def total_channels(self) -> int:
        """Data plus spare channels."""
        return self.rows * self.cols + self.spare_channels


class ReceiverSpec(Spec):
    """Photodiode plus transimpedance amplifier of one channel."""

    quantum_efficiency: float = Field(
        0.6, ge=0.001, le=1.0, description="External quantum efficiency of the photodiode at the LED wavelength"
    )
    photodiode_size_um: float = Field(30.0, ge=1.0, le=5000.0, description="Side of the square photodiode active area")
    capacitance_ff: float = Field(100.0, ge=0.0, le=1e6, description="Photodiode plus input pad capacitance")
    dark_current_na: float = Field(1.0, ge=0.0, le=1e6, description="Photodiode dark current")
    tia_input_resistance_ohm: float = Field(
        500.0, ge=1.0, le=1e7, description="TIA input resistance (forms the input RC pole with the capacitance)"
    )
    tia_bandwidth_ghz: float = Field(
        1.4, ge=0.001, le=1000.0, description="TIA -3 dB bandwidth (second-order Butterworth)"
    )
    feedback_resistance_kohm: float = Field(
        10.0, ge=0.01, le=1e6, description="TIA feedback resistance (thermal noise 4kT/R)"
    )
    tia_noise_pa_per_sqrt_hz: float = Field(
        8.0,
        ge=0.0,
        le=1e6,
        description="Input-referred amplifier current-noise density, excluding the feedback resistor",
    )
    temperature_c: float = Field(25.0, ge=-55.0, le=150.0, description="Receiver temperature (thermal noise)")
    threshold: Literal["midpoint", "optimal"] = Field(
        "optimal", description="Decision threshold: half the equalized pulse sum, or the BER-minimizing level"
    )
    jitter_rms_ps: float = Field(
        5.0,
        ge=0.0,
        le=1e5,
        description="Random jitter of the sampling instant, rms (estimate: 0.01 UI at 2 Gb/s, the order of the "
        "0.01-0.02 UI receiver random-jitter allowances of IEEE 802.3 serial links)",
    )
    jitter_dj_pp_ps: float = Field(
        0.0,
        ge=0.0,
        le=1e5,
        description="Deterministic jitter of the sampling instant, dual-Dirac peak to peak, beyond the ISI and "
        "crosstalk the eye already models (estimate: 0, e.g. clock duty-cycle distortion)",
    )
    implementation_penalty_db: float = Field(
        1.0,
        ge=0.0,
        le=20.0,
        description="Optical penalty reserved for what the model leaves out (equalizer adaptation, threshold "
        "drift, supply noise), subtracted from the margin (estimate, as IEEE 802.3 link budgets reserve)",
    )


class EqualizerSpec(Spec):
    """Low-speed analog equalizer: a CTLE (one zero, one pole lead network) and a short symbol-spaced FFE."""

    enable: bool = Field(True, description="Apply the equalizer at all")
    ctle_peaking_db: float = Field(
        0.0, ge=0.0, le=20.0, description="CTLE high-frequency boost over DC (0 disables the CTLE)"
    )
    ctle_peak_ghz: float = Field(
        1.0, ge=0.001, le=1000.0, description="Centre of the CTLE boost (geometric mean of its zero and pole)"
    )
    ffe_taps: int = Field(3, ge=0, le=32, description="Symbol-spaced FFE taps (0 disables the FFE)")
    ffe_precursor_taps: int = Field(1, ge=0, le=31, description="FFE taps ahead of the cursor")
    ffe_method: Literal["mmse", "zero-forcing"] = Field(
        "mmse", description="How the FFE taps are solved from the pulse response"
    )

    @field_validator("ffe_precursor_taps")
    @classmethod
    def _precursors_fit(cls, value: int, info: ValidationInfo) -> int:
        taps = info.data.get("ffe_taps")
        if taps and value >= taps:
            raise ValueError(f"must be below ffe_taps = {taps}")
        return value


DEFAULT_RATE_GBPS = 2.0  # [P1] the published per-channel rate, for designs without a host protocol


class LinkSpec(Spec):
    """Operating point and analysis settings of the link."""

    host_protocol: Literal["none", "400gbe", "800gbe", "1.6tbe", "2x1.6tbe", "pcie6", "raw"] = Field(
        "none",
        description="Host interface the cable carries; its coded rate over the data channels sets the line rate "
        "(none: a pattern-generator link that runs at rate_gbps)",
    )
    rate_gbps: float = Field(
        DEFAULT_RATE_GBPS,
        ge=0.001,
        le=100.0,
        description="Line rate per channel (NRZ on-off keying, 1 Mb/s to 100 Gb/s); omitted with a host protocol: "
        "what the host needs over the data channels (config.line_rate), and never below that need",
    )
    marker_period_bits: int = Field(
        DEFAULT_MARKER_PERIOD_BITS,
        ge=256,
        le=1 << 20,
        description="Payload bits between the 40-bit alignment markers of each channel (line-rate overhead)",
    )
    length_m: float = Field(50.0, ge=0.0, le=10_000.0, description="Fibre length")
    target_ber: float = Field(
        2.4e-4, ge=1e-30, lt=0.5, description="Pre-FEC BER a channel must meet (KP4 RS(544,514) threshold)"
    )
    connector_loss_db: float = Field(0.5, ge=0.0, le=30.0, description="Loss per connector")
    connectors: int = Field(2, ge=0, le=20, description="Number of connectors in the path")
    bend_loss_db: float = Field(
        0.0,
        ge=0.0,
        le=60.0,
        description="Loss of the fibre's bends along its route (physics.bend.route_design sets it from a route)",
    )
    samples_per_bit: int = Field(16, ge=4, le=256, description="Time samples per bit of the analysed pulse response")
    isi_span_bits: int = Field(
        16, ge=2, le=256, description="Bits of pulse response kept after the cursor (ISI window)"
    )


class VariationSpec(Spec):
    """Seeded manufacturing spread across channels (Gaussian, relative sigmas in percent)."""

    led_efficiency_sigma_pct: float = Field(
        10.0, ge=0.0, le=100.0, description="Relative spread of LED light output at a given current"
    )
    led_bandwidth_sigma_pct: float = Field(
        5.0,
        ge=0.0,
        le=100.0,
        description="Relative spread of the LED recombination rates (A, B, C scaled together), which spreads "
        "carrier lifetime and bandwidth",
    )
    responsivity_sigma_pct: float = Field(
        3.0, ge=0.0, le=100.0, description="Relative spread of photodiode responsivity"
    )
    misalignment_sigma_um: float = Field(
        2.0,
        ge=0.0,
        le=500.0,
        description="RMS per-axis random offset of each channel, on the fibre face (tx and rx drawn independently)",
    )
    wavelength_sigma_nm: float = Field(2.0, ge=0.0, le=100.0, description="Spread of LED peak wavelength")
    dead_channel_probability: float = Field(
        0.002, ge=0.0, le=1.0, description="Probability that a channel is dead at manufacture (no light)"
    )


class MosaicDesign(Spec):
    """A complete MOSAIC link design: everything :func:`mosaiclink.physics.link.evaluate_link` needs.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> design = ml.load_preset("mosaic-800g")
    >>> longer = design.with_link(length_m=30.0)  # specs are frozen: edits return a new design
    >>> longer.link.length_m, longer.link.length_m == design.link.length_m
    (30.0, False)
    >>> ml.MosaicDesign().name  # every field has a documented default
    'custom'
    """

    name: str = Field("custom", min_length=1, description="Short identifier of the design")
    description: str = Field("", description="One-line description and provenance")
    led: MicroLedSpec = MicroLedSpec()
    coupling: CouplingSpec = CouplingSpec()
    fiber: FiberSpec = FiberSpec()
    array: ArraySpec = ArraySpec()
    receiver: ReceiverSpec = ReceiverSpec()
    equalizer: EqualizerSpec = EqualizerSpec()
    link: LinkSpec = LinkSpec()
    variation: VariationSpec = VariationSpec()

    @model_validator(mode="before")
    @classmethod
    def _line_rate_from_host(cls, data: Any) -> Any:
        """An omitted ``link.rate_gbps`` (or None) with a host protocol becomes the host's need."""
        if not isinstance(data, dict) or not isinstance(data.get("link"), dict):
            return data
        link = data["link"]
        host = link.get("host_protocol", "none")
        if host == "none" or link.get("rate_gbps") is not None:
            return {**data, "link": {k: v for k, v in link.items() if not (k == "rate_gbps" and v is None)}}
        try:
            array = data.get("array", ArraySpec())
            array = array if isinstance(array, ArraySpec) else ArraySpec.model_validate(array)
            period = link.get("marker_period_bits", DEFAULT_MARKER_PERIOD_BITS)
            need = required_line_rate_gbps(host, array.data_channels, period)
        except (MosaicError, ValueError, TypeError):  # the fields' own validation reports what is wrong
            return data
        return {**data, "link": {**link, "rate_gbps": need}}

    @model_validator(mode="after")
    def _ffe_within_pulse(self) -> MosaicDesign:
        """Refuse an FFE longer than the pulse response the model keeps (the cursor and
        ``isi_span_bits`` after it): its extra taps would see no samples (issue 26: ffe_taps = 23)."""
        span = self.link.isi_span_bits + 1
        if self.equalizer.ffe_taps > span:
            raise ValueError(
                f"equalizer.ffe_taps = {self.equalizer.ffe_taps}: more than the {span} symbols of pulse the model "
                f"keeps (the cursor and link.isi_span_bits = {self.link.isi_span_bits} after it); lower the taps or "
                "raise link.isi_span_bits"
            )
        return self

    @model_validator(mode="after")
    def _rate_meets_host(self) -> MosaicDesign:
        """Refuse a line rate below what the host protocol needs over the data channels."""
        need = self.required_rate_gbps
        if need is not None and self.link.rate_gbps < need * (1.0 - RATE_TOLERANCE):
            raise ValueError(
                f"link.rate_gbps = {self.link.rate_gbps:g} is below the {need:.4f} Gb/s per channel that "
                f"{self.link.host_protocol} needs over {self.array.data_channels} data channels (coded host lanes "
                "plus markers); omit it to use the need, or raise it"
            )
        return self

    @property
    def data_rate_gbps(self) -> float:
        """Data rate the link delivers: its host protocol's, or data channels x line rate without one."""
        if self.link.host_protocol == "none":
            return self.array.data_channels * self.link.rate_gbps
        return host_data_rate_gbps(self.link.host_protocol)

    @property
    def required_rate_gbps(self) -> float | None:
        """Per-channel line rate the host protocol needs (None without a host protocol)."""
        link = self.link
        if link.host_protocol == "none":
            return None
        return required_line_rate_gbps(link.host_protocol, self.array.data_channels, link.marker_period_bits)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "") -> Self:
        """Validate a design mapping; an empty one is an error (an empty file is never a design)."""
        if isinstance(data, Mapping) and not data:
            raise ConfigError(
                f"{where or 'design'} is empty: give at least one section (e.g. [link]) or "
                "'extends = \"mosaic-800g\"'; `mosaic presets` lists the presets"
            )
        return super().from_mapping(data, where)

    def with_link(self, **changes: Any) -> MosaicDesign:
        """A validated copy with some :class:`LinkSpec` fields changed (e.g. ``length_m``)."""
        return self.replace(link=changes)
