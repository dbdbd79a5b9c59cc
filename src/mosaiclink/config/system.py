"""System-level specs of a MOSAIC link that are not device physics: power, reliability, cost.

Device physics (LED current and voltage, array size, line rate, length) lives in
:class:`mosaiclink.config.design.MosaicDesign`; these specs add what a power, reliability or
cost model needs beyond it. Each default says where it comes from: a tag of
``docs/research/mosaic.md`` / ``baselines.md`` ([S1], [R], ...) or "estimate" (ours).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mosaiclink.config.base import Spec

Confidence = Literal["D", "R", "V", "N", "B", "E", "P", "S"]


class PowerSpec(Spec):
    """Per-end electronics of a MOSAIC module beyond the microLED itself.

    Defaults are our estimates for a 2 Gb/s-per-channel analog front end in a 16-28 nm CMOS
    die with the microLEDs and photodiodes bonded on it [P4], except the host interface, which
    is the MOSAIC paper's figure [S1, CLM-117].
    """

    host_interface: Literal["pluggable", "co-packaged"] = Field(
        "pluggable", description="Host electrical interface: long pluggable channel or short co-packaged one"
    )
    host_serdes_pluggable_pj_per_bit: float = Field(
        3.0, ge=0.0, le=100.0, description="Host-interface SerDes energy per bit, pluggable: 2.4 W at 800G [S1 CLM-117]"
    )
    host_serdes_copackaged_pj_per_bit: float = Field(
        0.25,
        ge=0.0,
        le=100.0,
        description="Host-interface SerDes energy per bit, co-packaged: 0.2 W at 800G [S1 CLM-117]",
    )
    driver_headroom_v: float = Field(
        0.2,
        ge=0.0,
        le=5.0,
        description="Supply rail above the LED forward voltage needed by the current-source driver (estimate)",
    )
    mark_density: float = Field(0.5, gt=0.0, lt=1.0, description="Fraction of '1' bits (scrambled line code: 0.5)")
    predriver_energy_fj_per_bit: float = Field(
        20.0, ge=0.0, le=1e5, description="Switching energy of the driver's gate chain per bit (estimate)"
    )
    tia_power_mw: float = Field(
        1.0, ge=0.0, le=100.0, description="Low-noise TIA per channel at 2 Gb/s, ~100 fF input (estimate)"
    )
    equalizer_power_mw: float = Field(
        0.3, ge=0.0, le=100.0, description="Analog CTLE + short FFE per channel (estimate)"
    )
    slicer_cdr_power_mw: float = Field(
        0.5, ge=0.0, le=100.0, description="Decision slicer, retiming and per-channel phase selection (estimate)"
    )
    gearbox_energy_pj_per_bit: float = Field(
        0.25,
        ge=0.0,
        le=100.0,
        description="Digital gearbox, deskew FIFOs and spare remap per bit through it, both directions (estimate)",
    )
    control_w: float = Field(
        0.1, ge=0.0, le=20.0, description="Management microcontroller, monitoring, bias generation per end (estimate)"
    )
    spares_powered: bool = Field(False, description="Keep spare channels lit (hot standby) instead of dark")

    def host_serdes_w(self, data_rate_gbps: float) -> float:
        """Host-interface power of the selected interface at an aggregate rate (scales with the host lanes)."""
        pj = (
            self.host_serdes_pluggable_pj_per_bit
            if self.host_interface == "pluggable"
            else self.host_serdes_copackaged_pj_per_bit
        )
        return pj * 1e-12 * data_rate_gbps * 1e9


class ComponentReliability(Spec):
    """Failure rate of one component: random (constant) FIT plus optional Weibull wear-out.

    Both parts are given at the spec's reference temperature; Arrhenius acceleration with
    ``activation_energy_ev`` multiplies the FIT and divides the Weibull scale.
    """

    fit: float = Field(
        ..., ge=0.0, le=1e7, description="Random failure rate at the reference temperature (failures per 1e9 h)"
    )
    activation_energy_ev: float = Field(0.7, ge=0.0, le=3.0, description="Arrhenius activation energy")
    weibull_shape: float | None = Field(
        None, gt=0.0, le=20.0, description="Wear-out Weibull shape beta (None: no wear-out)"
    )
    weibull_scale_years: float | None = Field(
        None, gt=0.0, le=1e6, description="Wear-out Weibull characteristic life eta at the reference temperature"
    )

    @model_validator(mode="after")
    def _weibull_pair(self) -> ComponentReliability:
        if (self.weibull_shape is None) != (self.weibull_scale_years is None):
            raise ValueError("weibull_shape and weibull_scale_years must be given together")
        return self


class ReliabilitySpec(Spec):
    """Component failure rates of a MOSAIC link (two ends, one imaging fibre).

    A channel (one per direction and array position) fails if its microLED, photodiode or
    per-channel electronics (driver at one end, TIA at the other) fails. Shared parts in
    series: per end one CMOS die, one optical assembly (lens, ferrule, connector) and the module
    parts (board, regulators, controller, host interface), and the fibre. Spare channels come
    from ``design.array.spare_channels``; ``erasure_tolerance_channels`` more dead channels per
    direction can be absorbed by the FEC as erasures.
    """

    reference_temperature_c: float = Field(
        55.0,
        ge=-40.0,
        le=150.0,
        description="Temperature of a part at which its FIT applies (estimate; with one temperature for all "
        "parts it is the in-service case temperature, with the thermal model each part's own node)",
    )
    mission_years: float = Field(5.0, gt=0.0, le=50.0, description="Mission time over which the link FIT is averaged")
    led: ComponentReliability = Field(
        ComponentReliability(fit=1.0, activation_energy_ev=0.65),
        description="microLED [S1 CLM-118: 1 or 0.1 FIT]; Ea GaN LED 0.65 eV [R, baselines 3.5]",
    )
    photodiode: ComponentReliability = Field(
        ComponentReliability(fit=0.1, activation_energy_ev=0.7), description="Photodiode in the CMOS die (estimate)"
    )
    channel_electronics: ComponentReliability = Field(
        ComponentReliability(fit=0.1, activation_energy_ev=0.7),
        description="Per-channel driver + TIA + slicer cells (estimate)",
    )
    cmos_die: ComponentReliability = Field(
        ComponentReliability(fit=11.0, activation_energy_ev=0.7),
        description="Shared CMOS die per end: gearbox, SerDes, control [D: Xilinx UG116 device reliability "
        "report, HTOL 11 FIT for 7-series FPGAs, die and package; range 2-100]",
    )
    connector: ComponentReliability = Field(
        ComponentReliability(fit=0.5, activation_energy_ev=0.3),
        description="Lens, ferrule and connector per end (estimate)",
    )
    fiber: ComponentReliability = Field(
        ComponentReliability(fit=0.5, activation_energy_ev=0.3), description="The imaging fibre of the link (estimate)"
    )
    pcb: ComponentReliability = Field(
        ComponentReliability(fit=5.0, activation_energy_ev=0.7),
        description="Assembled module board and solder joints per end (estimate, range 2-30; a 1G SFP's "
        "Telcordia parts count totals 127 FIT [baselines 3.3])",
    )
    regulators: ComponentReliability = Field(
        ComponentReliability(fit=10.0, activation_energy_ev=0.7),
        description="DC-DC converters and LDOs per end (estimate, range 5-50, within the 127 FIT SFP parts count)",
    )
    controller: ComponentReliability = Field(
        ComponentReliability(fit=10.0, activation_energy_ev=0.7),
        description="Management microcontroller per end (estimate, range 5-30, within the 127 FIT SFP parts count)",
    )
    host_interface: ComponentReliability = Field(
        ComponentReliability(fit=20.0, activation_energy_ev=0.7),
        description="Host SerDes lanes and edge connector per end (estimate, range 5-100; DSP 100-500 FIT "
        "[baselines 3.3] bounds it from above)",
    )
    erasure_tolerance_channels: int = Field(
        0,
        ge=0,
        le=10_000,
        description="Dead channels per direction the FEC absorbs as erasures without a spare "
        "(system.reliability.erasure_tolerance gives it for a host protocol); 0: spares only",
    )


class CostRange(Spec):
    """A cost parameter with its range and confidence tag."""

    low: float = Field(..., ge=0.0, description="low end")
    typical: float = Field(..., ge=0.0, description="default")
    high: float = Field(..., ge=0.0, description="high end")
    confidence: Confidence = Field("E", description="confidence tag (baselines.md)")
    basis: str = Field("", description="where the value comes from")

    @model_validator(mode="after")
    def _ordered(self) -> CostRange:
        if not self.low <= self.typical <= self.high:
            raise ValueError(f"need low <= typical <= high, got {self.low}, {self.typical}, {self.high}")
        return self


def _e(low: float, typical: float, high: float, basis: str) -> CostRange:
    return CostRange(low=low, typical=typical, high=high, confidence="E", basis=basis)


class CostSpec(Spec):
    """Parametric bill of materials of one MOSAIC end (no MOSAIC price is published [S1])."""

    microled_usd_per_mm2: CostRange = _e(
        0.5, 2.0, 6.0, "GaN-on-sapphire/Si microLED wafer processed, display-industry scale (estimate)"
    )
    microled_yield: CostRange = _e(0.6, 0.8, 0.95, "array yield after spare remapping (estimate)")
    cmos_die_mm2: CostRange = _e(4.0, 6.0, 10.0, "drivers, TIAs, gearbox, 8x100G host SerDes, control (estimate)")
    cmos_usd_per_mm2: CostRange = _e(0.08, 0.15, 0.3, "16-28 nm logic wafer cost per good mm^2 (estimate)")
    micro_optics_usd: CostRange = _e(
        2.0, 5.0, 15.0, "wafer-scale nanoimprint TIR lens arrays, both arrays [S2] (estimate)"
    )
    ferrule_connector_usd: CostRange = _e(10.0, 20.0, 40.0, "ferrule, alignment and connector per end (estimate)")
    imaging_fiber_usd_per_m: CostRange = _e(
        1.0, 4.0, 15.0, "multicore imaging fibre, no price found (baselines 6); estimate"
    )
    housing_pcb_usd: CostRange = _e(20.0, 35.0, 60.0, "OSFP shell, PCB, regulators, MCU (estimate)")
    assembly_test_usd: CostRange = _e(10.0, 25.0, 50.0, "active alignment, burn-in and test per end (estimate)")
