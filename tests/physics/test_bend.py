"""Bends and connectors: Gloge's bend loss, the glass's radius limit, a route in the link budget."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config.design import FiberSpec
from mosaiclink.config.envelope import MAX_ROUTE_SEGMENTS, GlassSpec, RouteSpec
from mosaiclink.config.presets import load_preset, preset_names
from mosaiclink.errors import ConfigError
from mosaiclink.physics.bend import (
    bend_loss_db,
    connector_allowance_db,
    design_bend_loss_db,
    guided_mode_fraction,
    minimum_radius_mm,
    route_budget,
    route_design,
    strand_diameter_mm,
)
from mosaiclink.physics.link import evaluate_link

GLASS = GlassSpec()


def test_gloge_fraction_by_hand():
    """Step-index 50 um core, NA 0.2, n 1.46, 850 nm, R = 10 mm: Delta = 0.04 / (2 * 1.46^2) = 9.383e-3;
    2a/R = 5e-3; (3 / (2 n k R))^(2/3) = (3 / (2 * 1.46 * 7.392e6 * 0.01))^(2/3) = 5.785e-4;
    N_eff/N = 1 - (5e-3 + 5.785e-4) / (2 * 9.383e-3) = 0.7027 (Gloge 1972)."""
    assert guided_mode_fraction(10.0, 50.0, 0.2, 1.46, 850.0) == pytest.approx(0.7027, abs=2e-4)
    assert bend_loss_db(10.0, 50.0, 0.2, 1.46, 850.0) == pytest.approx(-10 * np.log10(0.7027), abs=2e-3)


@settings(max_examples=50, deadline=None)
@given(r1=st.floats(1.0, 1e4), r2=st.floats(1.0, 1e4), fill=st.floats(0.01, 1.0))
def test_loss_falls_with_radius_and_vanishes_for_an_underfilled_launch(r1, r2, fill):
    lo, hi = sorted((r1, r2))
    tight, loose = bend_loss_db(np.array([lo, hi]), 3.0, 0.2, 1.465, 450.0, fill)
    assert tight >= loose >= 0.0
    kept = guided_mode_fraction(hi, 3.0, 0.2, 1.465, 450.0)
    if kept >= fill:
        assert loose == 0.0


def test_long_term_radius_of_a_telecom_fibre_is_the_familiar_30_mm():
    """R = E r / (sigma_proof / 5): a 125 um silica fibre proof-tested at 100 kpsi gives 72 GPa * 62.5 um /
    0.138 GPa = 32.6 mm, the 30 mm long-term radius of G.652 fibre."""
    one_core = FiberSpec(core_count=1, core_pitch_um=1.0, core_diameter_um=1.0)
    glass = GLASS.replace(outer_cladding_um=(125.0 - 1.0501) / 2)
    assert strand_diameter_mm(one_core, glass) == pytest.approx(0.125, abs=1e-4)
    assert minimum_radius_mm(one_core, glass) == pytest.approx(32.6, abs=0.1)


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_has_a_bend_loss_and_a_minimum_radius(name):
    design = load_preset(name)
    long, short = minimum_radius_mm(design.fiber, GLASS), minimum_radius_mm(design.fiber, GLASS, long_term=False)
    assert 10.0 < short < long < 1000.0
    losses = design_bend_loss_db(design, [short, long], "full")
    assert np.all(np.isfinite(losses)) and losses[0] >= losses[1] > 0.0


def test_the_100k_core_guide_needs_a_radius_of_hundreds_of_mm():
    """The 800G fibre (100,000 cores, ~1.7 mm, research 3) needs >= 442 mm for the service life."""
    fib = load_preset("mosaic-800g").fiber
    assert strand_diameter_mm(fib, GLASS) == pytest.approx(1.70, abs=0.01)
    assert minimum_radius_mm(fib, GLASS) == pytest.approx(442.3, abs=0.5)


def test_connector_allowance_is_the_percentile_of_the_summed_loss():
    one = RouteSpec(tail_m=1.0, connectors=1)
    assert connector_allowance_db(one) == pytest.approx(0.5 + 1.6448536 * 0.15, abs=1e-6)
    two = RouteSpec(tail_m=1.0, connectors=2)
    assert 2 * connector_allowance_db(two) == pytest.approx(1.0 + 1.6448536 * 0.15 * np.sqrt(2), abs=1e-6)
    assert connector_allowance_db(RouteSpec(tail_m=1.0, connectors=0)) == 0.0


def _route(bends: int, radius_mm: float = 180.0, fill: str = "full") -> RouteSpec:
    return RouteSpec.from_mapping(
        {"tail_m": 10.0, "mode_fill": fill, "bends": [{"radius_mm": radius_mm, "after_m": 1.0}] * bends}
    )


def test_a_route_with_bends_lowers_the_margin_by_its_bend_loss():
    """The same route with and without 20 bends: the received OMA drops by exactly the bend loss and the
    margin drops too (the rest of the budget is the same light)."""
    design = load_preset("mosaic-800g")
    bent, budget = route_design(design, _route(20))
    straight = bent.with_link(bend_loss_db=0.0)
    assert budget.bend_loss_db > 0.2
    a, b = evaluate_link(straight), evaluate_link(bent)
    oma_drop = a.budget.value("Received OMA") - b.budget.value("Received OMA")
    assert oma_drop == pytest.approx(budget.bend_loss_db, abs=1e-9)
    assert b.budget.value("Margin") < a.budget.value("Margin") - 0.5 * budget.bend_loss_db


def test_route_length_adds_arcs():
    bend = {"radius_mm": 1000.0, "angle_deg": 180.0, "after_m": 3.0}
    route = RouteSpec.from_mapping({"tail_m": 2.0, "bends": [bend]})
    assert route.length_m == pytest.approx(5.0 + np.pi)


@pytest.mark.parametrize(
    "mapping",
    [
        {"tail_m": 5.0, "bends": [{"radius_mm": 30.0}]},  # would break when laid
        {"tail_m": 5.0, "bends": [{"radius_mm": float("nan")}]},
        {"tail_m": -1.0},
        {"tail_m": 0.0},
        {"tail_m": 1.0, "bends": [{"radius_mm": 500.0}] * (MAX_ROUTE_SEGMENTS + 1)},
        {"tail_m": 1.0, "bendz": []},
    ],
)
def test_hostile_routes_are_one_line(mapping):
    with pytest.raises(ConfigError) as err:
        route_budget(load_preset("mosaic-800g"), RouteSpec.from_mapping(mapping))
    assert "\n" not in str(err.value)


def test_link_route_command(mosaic, tmp_path):
    route = tmp_path / "route.toml"
    route.write_text('tail_m = 20.0\nmode_fill = "full"\n[[bends]]\nradius_mm = 200.0\nafter_m = 10.0\n')
    done = mosaic("link", "--route", str(route), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["route"]["bends"] == 1 and data["length_m"] == pytest.approx(30.0 + 0.2 * np.pi / 2)
    bad = tmp_path / "bad.toml"
    bad.write_text("tail_m = 5\n[[bends]]\nradius_mm = 1e-3\n")
    for args in (("--route", str(bad)), ("--route", str(route), "--length-m", "3")):
        out = mosaic("link", *args)
        assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


_NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**6), 10**6), st.text(max_size=3))


@settings(max_examples=80, deadline=None)
@given(
    tail=_NUMBERS,
    bends=st.lists(st.fixed_dictionaries({"radius_mm": _NUMBERS, "after_m": _NUMBERS}), max_size=4),
    connectors=st.one_of(st.integers(-3, 30), st.floats(allow_nan=True)),
)
def test_any_route_mapping_is_a_finite_budget_or_one_line(tail, bends, connectors):
    """Fuzz: whatever a route file holds, the route is a finite budget or one ConfigError line."""
    design = load_preset("mosaic-800g")
    try:
        route = RouteSpec.from_mapping({"tail_m": tail, "bends": bends, "connectors": connectors})
        budget = route_budget(design, route)
    except ConfigError as err:
        assert "\n" not in str(err)
        return
    values = [budget.length_m, budget.bend_loss_db, budget.connector_allowance_db, budget.long_term_radius_mm]
    assert all(np.isfinite(v) and v >= 0 for v in values)
