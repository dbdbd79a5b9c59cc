"""Reliability: Arrhenius, closed form vs Monte Carlo, spare calibration, 100x vs laser optics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mosaiclink.config.presets import load_preset
from mosaiclink.config.system import ComponentReliability, ReliabilitySpec
from mosaiclink.errors import ConfigError
from mosaiclink.system.catalog import load_catalog
from mosaiclink.system.reliability import (
    MODULE_PARTS,
    arrhenius_factor,
    erasure_tolerance,
    link_survival,
    monte_carlo_survival,
    mosaic_link_fit,
    mosaic_reliability,
    spare_sweep,
    without_module_parts,
)
from mosaiclink.units import HOURS_PER_YEAR


@pytest.fixture(scope="module")
def design():
    return load_preset("mosaic-800g")


def test_arrhenius_textbook_value():
    # Ea 0.7 eV, 55 C use vs 40 C reference: exp(0.7/8.617e-5 * (1/313.15 - 1/328.15)) = 3.27
    assert float(arrhenius_factor(0.7, 55.0, 40.0)) == pytest.approx(3.273, abs=2e-3)
    # baselines.md 3.5 worked example: Ea 0.55, 85 C stress vs 55 C use -> 5.1x
    assert float(arrhenius_factor(0.55, 85.0, 55.0)) == pytest.approx(5.1, abs=0.05)
    assert float(arrhenius_factor(0.7, 40.0, 40.0)) == 1.0


def test_no_spares_is_a_series_system(design):
    spec = ReliabilitySpec()
    module = 2 * (5.0 + 10.0 + 10.0 + 20.0)  # board, regulators, controller, host interface per end
    expected = 2 * 400 * (1.0 + 0.1 + 0.1) + 2 * 11.0 + 2 * 0.5 + 0.5 + module  # every channel in series; die: UG116
    assert mosaic_link_fit(design, spec, spares=0) == pytest.approx(expected, rel=1e-9)
    t_h = 5 * HOURS_PER_YEAR
    assert float(link_survival(design, spec, t_h, 55.0, 0)) == pytest.approx(math.exp(-expected * 1e-9 * t_h))


@pytest.mark.parametrize("led_fit", [1.0, 0.1])
def test_five_percent_spares_leave_only_the_shared_parts(design, led_fit):
    """The paper's model (channels and optical parts, no module parts): 5 % spares remove the
    channels' FIT, leaving the shared die, connectors and fibre. Its "< 20 FIT" holds only for a die
    below (20 - 1.5) / 2 = 9.25 FIT: with UG116's 11 FIT die the floor is 23.5 FIT."""
    spec = without_module_parts(ReliabilitySpec(led=ComponentReliability(fit=led_fit, activation_energy_ev=0.65)))
    rows = {r["spares"]: r for r in spare_sweep(design, spec, spares=(0, 20))}
    assert rows[0]["link_fit"] > 200  # without spares every channel is a single point of failure
    assert rows[20]["spare_pct"] == pytest.approx(5.0)
    floor = 2 * spec.cmos_die.fit + 2 * spec.connector.fit + spec.fiber.fit
    assert rows[20]["link_fit"] == pytest.approx(floor, rel=0.01)
    assert rows[20]["survival_10y"] < rows[20]["survival_5y"] < 1
    small_die = spec.replace(cmos_die=ComponentReliability(fit=1.0, activation_energy_ev=0.7))
    assert spare_sweep(design, small_die, spares=(20,))[0]["link_fit"] < 20 < rows[20]["link_fit"]


def test_100x_lower_fit_than_laser_optics_needs_a_1_fit_die_and_no_module_parts(design):
    """100x holds only in the paper's model with a ~1 FIT die: with UG116's 11 FIT die the ratio is
    ~23 without module parts, and counting the module's own board, regulators, controller and host
    interface (which the AOC's fleet FIT includes) it falls below 10."""
    laser_link_fit = 2 * load_catalog().get("aoc-800g").fit.typical
    paper = without_module_parts(ReliabilitySpec())
    small_die = paper.replace(cmos_die=ComponentReliability(fit=1.0, activation_energy_ev=0.7))
    assert laser_link_fit / mosaic_link_fit(design, small_die, 55.0) >= 100
    assert 10 < laser_link_fit / mosaic_link_fit(design, paper, 55.0) < 100
    assert laser_link_fit / mosaic_link_fit(design, ReliabilitySpec(), 55.0) < 10


def test_spares_cannot_buy_below_the_module_parts_floor(design):
    spec = ReliabilitySpec()
    r = mosaic_reliability(design, spec, 55.0, spares=60)
    floor = 2 * sum(getattr(spec, p).fit for p in MODULE_PARTS)
    assert floor <= r.shared_fit and r.channels_fit < 1e-3 * floor


def test_erasures_act_as_extra_spares(design):
    tolerance = erasure_tolerance(design, "800gbe")
    assert tolerance >= 1  # RS(544,514) erasures absorb at least one dead channel spread over 400
    plain = without_module_parts(ReliabilitySpec())
    absorbed = mosaic_link_fit(design, plain.replace(erasure_tolerance_channels=tolerance), spares=0)
    assert absorbed < 0.1 * mosaic_link_fit(design, plain, spares=0)  # no longer every channel in series


def test_fit_rises_with_temperature_and_wearout_needs_spares(design):
    cool = mosaic_link_fit(design, ReliabilitySpec(), 40.0)
    hot = mosaic_link_fit(design, ReliabilitySpec(), 85.0)
    assert hot > 3 * cool
    worn = without_module_parts(
        ReliabilitySpec(
            led=ComponentReliability(fit=1.0, activation_energy_ev=0.65, weibull_shape=4.0, weibull_scale_years=30.0)
        )
    )
    few = mosaic_link_fit(design, worn, spares=2)
    many = mosaic_link_fit(design, worn, spares=20)
    floor = 2 * worn.cmos_die.fit + 2 * worn.connector.fit + worn.fiber.fit  # the shared parts alone
    assert few > 5 * floor and many == pytest.approx(floor, rel=1e-3)


@pytest.mark.slow  # Monte Carlo survival vs closed form
def test_closed_form_inside_monte_carlo_interval(design):
    spec = ReliabilitySpec(
        led=ComponentReliability(fit=50.0, activation_energy_ev=0.65, weibull_shape=3.0, weibull_scale_years=40.0),
        cmos_die=ComponentReliability(fit=2000.0),
    )
    for temperature_c, spares in ((40.0, 2), (60.0, 4)):
        mc = monte_carlo_survival(design, spec, temperature_c, trials=12_000, seed=7, spares=spares)
        exact = float(link_survival(design, spec, mc.t_h, temperature_c, spares))
        assert 0.05 < mc.failures / mc.trials < 0.95  # a regime where the check has teeth
        assert mc.ci_low <= exact <= mc.ci_high
        fit, fit_low, fit_high = mc.fit_interval()
        assert fit_low <= mosaic_link_fit(design, spec, temperature_c, spares) <= fit_high


def test_monte_carlo_is_seeded(design):
    spec = ReliabilitySpec(led=ComponentReliability(fit=100.0))
    a = monte_carlo_survival(design, spec, trials=3000, seed=3, spares=1)
    b = monte_carlo_survival(design, spec, trials=3000, seed=3, spares=1)
    c = monte_carlo_survival(design, spec, trials=3000, seed=4, spares=1)
    assert a == b and a.failures != c.failures


def test_mttf_of_series_system_is_inverse_rate(design):
    r = mosaic_reliability(design, ReliabilitySpec(), spares=0)
    assert r.mttf_h == pytest.approx(1e9 / r.link_fit, rel=1e-4)
    assert r.channels_fit + r.shared_fit == pytest.approx(r.link_fit)


def test_weibull_pair_validated():
    with pytest.raises(ConfigError, match="together"):
        ComponentReliability.from_mapping({"fit": 1.0, "weibull_shape": 2.0})
    assert np.isfinite(mosaic_link_fit(load_preset("mosaic-800g")))
