"""The issue's must-show figures, computed from the shipped scenarios and the system catalog."""

import numpy as np
import pytest

from mosaiclink.cluster.model import evaluate
from mosaiclink.cluster.scenarios import load_scenario, scenario_names
from mosaiclink.cluster.techs import cluster_techs
from mosaiclink.system.catalog import load_catalog

TECHS = cluster_techs(800.0)


def run(scenario: str, column: int = 0, **changes):
    spec = load_scenario(scenario).cluster[column]
    if changes:
        spec = spec.replace(**changes)
    return evaluate(spec, TECHS, TECHS)


@pytest.fixture(scope="module")
def incumbent():
    return run("100k-optics")


@pytest.fixture(scope="module")
def mosaic():
    return run("100k-mosaic")


@pytest.fixture(scope="module")
def scale_up():
    return [run("scale-up", i) for i in range(3)]


def test_shipped_scenarios_load():
    assert {"100k-optics", "100k-mosaic", "scale-up"} <= set(scenario_names())


def test_incumbent_optical_link_fails_every_6_to_12_hours(incumbent):
    hours = incumbent.mtbf_h("optical")
    assert 6.0 <= hours <= 12.0
    # Independent recount: fabric links longer than every copper reach, times the catalog's AOC FIT.
    catalog = load_catalog()
    copper_reach_m = max(e.max_reach_m.typical for e in catalog.entries(rate=800) if e.medium == "copper")
    links = incumbent.links
    out = np.array([f == "scale-out" for f in links.tier_fabric])[links.tier]
    optical_links = links.count[out & (links.length_m > copper_reach_m)].sum()
    fit_per_link = 2 * catalog.get("aoc-800g").fit.typical
    assert hours == pytest.approx(1e9 / (optical_links * fit_per_link), rel=1e-9)


def test_mosaic_interval_follows_the_fit_ratio(incumbent, mosaic):
    # Per link, MOSAIC fails 2 x 275 / 113.5 = 4.8x less often than an AOC at 55 C (the module's own
    # board, regulators, controller, host interface and a UG116 11 FIT die counted: not the paper's
    # 100x). Recounted from the intervals at each FIT, MOSAIC serves every link the optics served
    # (and the few copper links it reaches beyond).
    assert mosaic.mtbf_h("optical") == np.inf  # every optical fabric link became MOSAIC
    optical_links = 1e9 / (incumbent.mtbf_h("optical") * 2 * 275.0)
    mosaic_links = 1e9 / (mosaic.mtbf_h("mosaic") * 113.5)
    assert optical_links <= mosaic_links <= 1.05 * optical_links
    # The whole fabric (MOSAIC plus the copper that stays) also fails less often.
    assert mosaic.mtbf_h(fabric="scale-out") > 4 * incumbent.mtbf_h(fabric="scale-out")


def test_nvl72_rack_power_and_optical_penalty(scale_up):
    copper, optical, multi_rack = scale_up
    assert copper.power.rack_kw == pytest.approx(120.0, rel=0.05)
    added_kw = optical.power.rack_kw - copper.power.rack_kw
    assert 17.0 <= added_kw <= 24.0  # NVIDIA: ~20 kW of optics per rack
    # The penalty is the scale-up modules: 648 links x 2 ends x the chosen module's power, at the rack input.
    chosen = TECHS.power_w_per_end[TECHS.index("2xsr4")]
    eta = optical.spec.power.power_conversion_efficiency
    assert added_kw == pytest.approx(648 * 2 * (chosen - TECHS.power_w_per_end[0]) / eta / 1e3, rel=1e-6)


def test_multi_rack_mosaic_domain(scale_up):
    copper, _, multi_rack = scale_up
    assert multi_rack.scale_up.racks_per_domain == 16
    assert multi_rack.power.rack_kw < 0.6 * copper.power.rack_kw  # half the GPUs per rack
    up = [i for i, f in enumerate(multi_rack.classes.fabric) if f == "scale-up"]
    techs = {multi_rack.classes.technology[i]: multi_rack.classes.links[i] for i in up}
    assert techs["mosaic"] == pytest.approx(100_000 * 9 * 15 / 16, rel=0.01)  # every cross-rack link
    p_mosaic = TECHS.power_w_per_end[TECHS.index("mosaic")]
    expected_kw = 2 * (techs["mosaic"] * p_mosaic + techs["passive-dac"] * 0.1) / 0.95 / 1e3
    assert multi_rack.power.interconnect_scale_up_kw == pytest.approx(expected_kw, rel=1e-6)


def test_mosaic_halves_interconnect_power_and_lifts_ettr(incumbent, mosaic):
    assert mosaic.power.interconnect_kw < 0.6 * incumbent.power.interconnect_kw
    assert mosaic.job.ettr > incumbent.job.ettr
    assert mosaic.job.ettr_links_only > incumbent.job.ettr_links_only > incumbent.job.ettr


def test_million_gpus_evaluates():
    result = run("100k-optics", gpus=1_000_000)
    assert result.tree.tiers == 3 or result.tree.tiers == 4
    assert result.links.links_per_tier().sum() == pytest.approx(1_000_000 * 9 + result.tree.links, rel=1e-6)


def test_hotter_modules_fail_sooner():
    spec = load_scenario("100k-optics").cluster[0]
    hot = cluster_techs(800.0, temperature_c=70.0)
    hot_result = evaluate(spec.replace(temperature_c=70.0), hot, hot)
    assert hot_result.mtbf_h("optical") < 0.8 * run("100k-optics").mtbf_h("optical")


def test_1p6t_fabric_with_mosaic():
    techs = cluster_techs(1600.0)
    spec = load_scenario("100k-mosaic").cluster[0]
    spec = spec.replace(scale_out={**spec.scale_out.model_dump(), "rate_gbps": 1600.0, "technologies": None})
    result = evaluate(spec, TECHS, techs)
    assert "mosaic" in result.classes.technology
    i = techs.index("mosaic")
    assert techs.power_w_per_end[i] > TECHS.power_w_per_end[TECHS.index("mosaic")]  # a bigger array


def test_interval_follows_the_catalog_fit(tmp_path):
    import tomllib
    from importlib import resources

    import tomli_w

    optics = tomllib.loads(resources.files("mosaiclink.system.catalog").joinpath("optics.toml").read_text())
    aoc = next(e for e in optics["entry"] if e["id"] == "aoc-800g")
    aoc["fit"].update(low=100.0, typical=137.5)  # half the built-in 275 FIT per end
    user = tmp_path / "user.toml"
    user.write_text(tomli_w.dumps({"entry": [aoc]}))
    techs = cluster_techs(800.0, catalog=load_catalog([user]))
    spec = load_scenario("100k-optics").cluster[0]
    halved = evaluate(spec, techs, techs)
    assert halved.mtbf_h("optical") == pytest.approx(2 * run("100k-optics").mtbf_h("optical"), rel=1e-9)
