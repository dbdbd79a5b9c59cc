"""Scale-up domain sweep: which technology builds each domain under a rack power limit."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.cluster.scale_up_sweep import evaluate_scale_up_sweep, rack_options
from mosaiclink.cluster.scenarios import load_scenario
from mosaiclink.cluster.techs import cluster_techs
from mosaiclink.config.cluster import ScaleUpSweepSpec
from mosaiclink.system.catalog import load_catalog
from mosaiclink.system.compare import default_design

CATALOG = load_catalog()
DESIGN = default_design(800.0)
LIMITS = [{"kw": 20.0, "cooling": "air"}, {"kw": 80.0, "cooling": "rdhx"}, {"kw": 132.0, "cooling": "dlc"}]


def sweep(**changes):
    data = {"rack_limits": LIMITS, "mosaic_reach_m": 50.0, **changes}
    return evaluate_scale_up_sweep(ScaleUpSweepSpec.from_mapping(data), CATALOG, DESIGN)


@pytest.fixture(scope="module")
def result():
    return sweep(technologies=["passive-dac", "aec", "dr8", "mosaic"], domain_sizes=[72, 144, 288, 576, 1152, 4608])


def test_rack_options_are_divisors_densest_first():
    spec = ScaleUpSweepSpec.from_mapping({"rack_limits": LIMITS, "max_gpus_per_rack": 72, "min_gpus_per_rack": 8})
    assert rack_options(144, spec) == [72, 48, 36, 24, 18, 16, 12, 9, 8]
    assert rack_options(72, spec)[0] == 72


def test_domain_power_grows_with_domain_size(result):
    for tech in result.technologies:
        for limit in LIMITS:
            cells = [r for r in result.rows if r["technology"] == tech and r["rack_limit_kw"] == limit["kw"]]
            power = [r["domain_kw"] for r in cells if r["feasible"]]
            assert power == sorted(power)
            assert all(r["rack_kw"] <= limit["kw"] for r in cells if r["feasible"])
            links = [r["links"] for r in cells if r["feasible"]]
            assert links == sorted(links)


def test_passive_copper_builds_only_one_rack_domains(result):
    copper = [r for r in result.rows if r["technology"] == "passive-dac" and r["feasible"]]
    assert copper, "NVL72 in one direct-liquid rack must be feasible"
    assert all(r["racks"] == 1 and r["longest_cable_m"] <= 2.0 for r in copper)
    assert result.largest_domain()["passive-dac"] == {20.0: 0, 80.0: 0, 132.0: 72}


def test_no_cable_beyond_its_technology_reach(result):
    table = cluster_techs(800.0, catalog=CATALOG, design=DESIGN, mosaic_reach_m=50.0)
    reach = {t: table.reach_m[table.index(t)] for t in result.technologies}
    for r in result.rows:
        if r["feasible"] and r["technology"] in reach and r["racks"] > 1:
            assert r["longest_cable_m"] <= reach[r["technology"]]
    # MOSAIC at 50 m cannot spread 4608 GPUs over the racks an air-cooled limit allows; DR optics can
    largest = result.largest_domain()
    assert largest["mosaic"][20.0] < largest["dr8"][20.0]


def test_links_count_is_domain_times_links_per_gpu(result):
    for r in result.rows:
        if r["feasible"]:
            assert r["links"] == pytest.approx(r["domain_gpus"] * 9)
            assert r["racks"] * r["gpus_per_rack"] == r["domain_gpus"]


def test_mosaic_reach_comes_from_the_system_reach_model():
    spec = ScaleUpSweepSpec.from_mapping({"rack_limits": LIMITS[:1], "technologies": ["mosaic"], "domain_sizes": [72]})
    got = evaluate_scale_up_sweep(spec, CATALOG, DESIGN, reach_fn=lambda design, ber: 7.0)
    assert got.mosaic_reach_m == 7.0


def test_shipped_sweep_scenario_runs_the_issue_sizes():
    spec = load_scenario("scale-up-sweep").scale_up_sweep
    assert spec is not None
    assert {72, 144, 288, 576, 1152} <= set(spec.domain_sizes)


@settings(max_examples=8, deadline=None)
@given(
    limits_kw=st.lists(st.floats(15.0, 250.0), min_size=1, max_size=3, unique=True),
    tech=st.sampled_from(["linear-acc", "aoc", "cpo", "mosaic"]),
    reach_m=st.floats(3.0, 60.0),
)
def test_every_feasible_cell_respects_its_limit_and_reach(limits_kw, tech, reach_m):
    limits = [{"kw": kw, "cooling": "any"} for kw in limits_kw]
    got = sweep(rack_limits=limits, technologies=[tech], domain_sizes=[72, 288], mosaic_reach_m=reach_m)
    table = cluster_techs(800.0, catalog=CATALOG, design=DESIGN, mosaic_reach_m=reach_m)
    for r in got.rows:
        if r["feasible"]:
            assert r["rack_kw"] <= r["rack_limit_kw"]
            assert r["racks"] * r["gpus_per_rack"] == r["domain_gpus"]
            assert r["longest_cable_m"] <= max(table.reach_m[table.index(tech)], 2.0)
    # a looser limit never builds a smaller largest domain
    largest = got.largest_domain()[tech]
    ordered = [largest[kw] for kw in sorted(largest)]
    assert ordered == sorted(ordered)
