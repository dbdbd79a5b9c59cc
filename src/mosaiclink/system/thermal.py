"""One junction temperature for physics and reliability: the module's heat through its thermal path.

:func:`module_heat` splits the power model's parts (:func:`mosaiclink.system.power.mosaic_power`)
into where they turn into heat; :func:`junction_temperatures` solves the thermal network
(:mod:`mosaiclink.physics.thermal`) at a case temperature; :func:`at_case_temperature` returns the
design with its LED and receiver temperatures set from it, which the link physics then reads,
and the same :class:`~mosaiclink.physics.thermal.ModuleTemperatures` is what the reliability
model's Arrhenius factors read (:func:`mosaiclink.system.reliability.mosaic_reliability`).

Notes
-----
Per end, with ``N`` lit emitters, rail ``V_f + V_h`` and mean current ``I``:

* emitters: ``P_LED = N V_f I - P_opt`` (the light they emit leaves as light),
* CMOS die: driver headroom ``N V_h I``, pre-drivers, TIAs, equalizers, slicers, gearbox and
  host SerDes (one die carries them all, :class:`~mosaiclink.config.system.PowerSpec`),
* board: the control power (``ThermalSpec.board_share`` of it) goes straight into the case.

``P_opt`` depends on the junction temperature (SRH grows with it), so the network is solved by
fixed-point iteration (the light is ~1-3 % of the LED power: two passes settle it to 1e-6 K).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.envelope import ThermalSpec
from mosaiclink.config.system import PowerSpec
from mosaiclink.errors import ModelRangeError
from mosaiclink.physics import microled
from mosaiclink.physics.link import LinkReport, evaluate_link
from mosaiclink.physics.thermal import ModuleTemperatures, module_temperatures, spreading_resistance_k_per_w
from mosaiclink.system.power import PowerBreakdown, mosaic_power

CASE_MIN_C, CASE_MAX_C = -40.0, 125.0  # module case temperatures the model takes (industrial range and beyond)
JUNCTION_MAX_C = 150.0  # the LED and receiver specs' bound: GaN and CMOS are not rated above it


def emitted_optical_w(design: MosaicDesign, mark_density: float) -> float:
    """Mean light one emitter sends out at its junction temperature (W), on-off keyed."""
    led = design.led
    low = microled.operating_point(led, led.bias_current_ma)["power_w"]
    high = microled.operating_point(led, led.peak_current_ma)["power_w"]
    return float((1.0 - mark_density) * low + mark_density * high)


def module_heat(
    design: MosaicDesign, power: PowerBreakdown, spec: PowerSpec, thermal: ThermalSpec
) -> tuple[float, float, float, float]:
    """(LED heat, CMOS heat, board heat, emitted light) of one end, W, from the power breakdown."""
    rail_v = design.led.forward_voltage_v + spec.driver_headroom_v
    led_electric_w = power.led_drive_w * design.led.forward_voltage_v / rail_v
    optical_w = power.lit_channels * emitted_optical_w(design, spec.mark_density)
    board_w = thermal.board_share * power.control_w
    cmos_w = power.total_w_per_end - power.led_drive_w + (power.led_drive_w - led_electric_w) - board_w
    return led_electric_w - optical_w, cmos_w, board_w, optical_w


def junction_temperatures(
    design: MosaicDesign,
    case_c: float,
    thermal: ThermalSpec | None = None,
    power_spec: PowerSpec | None = None,
) -> ModuleTemperatures:
    """Junction temperatures of one end at a case temperature, with the module's own heat."""
    if not CASE_MIN_C <= case_c <= CASE_MAX_C:
        raise ModelRangeError(f"case temperature = {case_c!r} C: allowed {CASE_MIN_C:g} to {CASE_MAX_C:g} C")
    thermal = thermal or ThermalSpec()
    spec = power_spec or PowerSpec()
    power = mosaic_power(design, spec)
    r_emit = float(spreading_resistance_k_per_w(design.led.diameter_um, thermal.gan_conductivity_w_per_m_k))
    temps = None
    current = design
    for _ in range(3):
        led_w, cmos_w, board_w, optical_w = module_heat(current, power, spec, thermal)
        temps = module_temperatures(
            case_c,
            led_w,
            cmos_w,
            power.lit_channels,
            r_emit,
            thermal.led_bond_k_per_w,
            thermal.die_to_case_k_per_w,
            board_w,
            optical_w,
        )
        current = _with_temperatures(design, temps)
    assert temps is not None
    return temps


def _with_temperatures(design: MosaicDesign, temps: ModuleTemperatures) -> MosaicDesign:
    hottest = max(temps.led_junction_c, temps.cmos_c)
    if hottest > JUNCTION_MAX_C:
        raise ModelRangeError(
            f"case temperature = {temps.case_c:g} C: the junctions reach {hottest:.0f} C, above the "
            f"{JUNCTION_MAX_C:g} C the LED and CMOS models hold; lower the case temperature or the module's power"
        )
    return design.replace(
        led={"temperature_c": round(temps.led_junction_c, 9)},
        receiver={"temperature_c": round(temps.cmos_c, 9)},
    )


def at_case_temperature(
    design: MosaicDesign,
    case_c: float,
    thermal: ThermalSpec | None = None,
    power_spec: PowerSpec | None = None,
) -> tuple[MosaicDesign, ModuleTemperatures]:
    """The design with its LED junction and receiver temperatures set by the thermal model, and the
    temperatures (which :func:`mosaiclink.system.reliability.mosaic_reliability` also takes)."""
    temps = junction_temperatures(design, case_c, thermal, power_spec)
    return _with_temperatures(design, temps), temps


def link_at_case(
    design: MosaicDesign,
    case_c: float,
    thermal: ThermalSpec | None = None,
    power_spec: PowerSpec | None = None,
    seed: int = 0,
) -> tuple[MosaicDesign, ModuleTemperatures, LinkReport]:
    """The full link model (:func:`~mosaiclink.physics.link.evaluate_link`) at the junctions of
    ``case_c`` (:func:`at_case_temperature`): the envelope, the life model and the qualified length
    ask for the same points, so each is evaluated once per process (the report's arrays are
    read-only: one report serves every caller). The report's channels only: its
    ``nominal_log10_ber`` is ``None`` (none of them reads the nominal channel)."""
    thermal, power_spec = thermal or ThermalSpec(), power_spec or PowerSpec()
    return _link_at_case(
        design.model_dump_json(), float(case_c), thermal.model_dump_json(), power_spec.model_dump_json(), int(seed)
    )


@functools.lru_cache(maxsize=64)
def _link_at_case(design_json: str, case_c: float, thermal_json: str, power_json: str, seed: int):
    design = MosaicDesign.model_validate_json(design_json)
    thermal, power = ThermalSpec.model_validate_json(thermal_json), PowerSpec.model_validate_json(power_json)
    hot, temps = at_case_temperature(design, case_c, thermal, power)
    report = evaluate_link(hot, seed=seed, nominal=False)
    for field in dataclasses.fields(report):
        value = getattr(report, field.name)
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return hot, temps, report
