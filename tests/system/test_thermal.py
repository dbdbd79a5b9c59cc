"""One junction temperature: the thermal model feeds the link physics and the reliability model."""

import numpy as np
import pytest

from mosaiclink.config.envelope import ThermalSpec
from mosaiclink.config.presets import load_preset
from mosaiclink.errors import ModelRangeError
from mosaiclink.physics import microled, receiver
from mosaiclink.system.power import mosaic_power
from mosaiclink.system.reliability import mosaic_reliability
from mosaiclink.system.thermal import at_case_temperature, junction_temperatures


@pytest.fixture(scope="module")
def design():
    return load_preset("mosaic-800g")


def test_heat_of_the_end_is_its_electrical_power(design):
    """Energy conservation against the power model: LED heat + CMOS heat + board heat + emitted light
    equals the end's total electrical power."""
    t = junction_temperatures(design, 55.0)
    total = t.led_heat_w + t.cmos_heat_w + t.board_heat_w + t.optical_w
    assert np.isclose(total, mosaic_power(design).total_w_per_end, rtol=1e-12)
    assert 0.0 < t.optical_w < t.led_heat_w  # a blue microLED converts a minority of its power to light


def test_self_heating_follows_the_resistances(design):
    """The rise over the case is the self-heating, nearly independent of the case (only the LED's light,
    ~10 % of its power, changes with temperature: < 0.02 K); doubling the die's resistance doubles the
    die's rise (linear network)."""
    cold, hot = junction_temperatures(design, 0.0), junction_temperatures(design, 70.0)
    assert hot.cmos_c - hot.case_c == pytest.approx(cold.cmos_c - cold.case_c, abs=0.02)
    assert hot.led_junction_c > hot.led_array_c > hot.cmos_c > hot.case_c
    base = ThermalSpec()
    doubled = junction_temperatures(design, 55.0, base.replace(die_to_case_k_per_w=2 * base.die_to_case_k_per_w))
    assert doubled.cmos_c - 55.0 == pytest.approx(2 * (junction_temperatures(design, 55.0).cmos_c - 55.0), rel=1e-3)


def test_a_hotter_case_moves_both_the_physics_and_the_reliability(design):
    """The acceptance test: raise the case from 25 to 70 C; the LED's junction (efficiency, wavelength),
    the TIA's noise and the Arrhenius-scaled FIT all read the same computed temperatures."""
    cool, t_cool = at_case_temperature(design, 25.0)
    warm, t_warm = at_case_temperature(design, 70.0)
    assert cool.led.temperature_c == pytest.approx(t_cool.led_junction_c, abs=1e-6)
    assert warm.receiver.temperature_c == pytest.approx(t_warm.cmos_c, abs=1e-6)
    # physics: less light per mA (SRH grows), a redder peak, more thermal noise
    p_cool = microled.operating_point(cool.led, cool.led.peak_current_ma)["power_w"]
    p_warm = microled.operating_point(warm.led, warm.led.peak_current_ma)["power_w"]
    assert p_warm < p_cool
    assert microled.peak_wavelength_nm(warm.led) - microled.peak_wavelength_nm(cool.led) == pytest.approx(
        design.led.wavelength_shift_nm_per_k * (t_warm.led_junction_c - t_cool.led_junction_c)
    )
    assert receiver.thermal_noise_a2_per_hz(warm.receiver) > receiver.thermal_noise_a2_per_hz(cool.receiver)
    # reliability: the same temperatures, each part at its node
    fit_cool = mosaic_reliability(design, temperature_c=t_cool).link_fit
    fit_warm = mosaic_reliability(design, temperature_c=t_warm).link_fit
    assert fit_warm > fit_cool
    assert mosaic_reliability(design, temperature_c=t_warm).temperature_c == 70.0


def test_junctions_above_the_models_range_are_refused(design):
    with pytest.raises(ModelRangeError, match="case temperature"):
        at_case_temperature(design, 200.0)
    with pytest.raises(ModelRangeError, match="150 C"):
        at_case_temperature(design, 125.0, ThermalSpec(die_to_case_k_per_w=20.0))
