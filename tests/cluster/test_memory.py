"""Memory pools: capacity per GPU within a latency budget, from the floor plan and link latency."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.cluster.floorplan import rack_positions, route_m
from mosaiclink.cluster.latency import medium_group_index, time_of_flight_ns
from mosaiclink.cluster.memory import evaluate_memory_pool, pool_layout
from mosaiclink.config.cluster import MemoryPoolSpec
from mosaiclink.datapath.protocols import host_protocol
from mosaiclink.system.catalog import load_catalog
from mosaiclink.system.compare import default_design
from mosaiclink.system.reach import mosaic_reach_m

CATALOG = load_catalog()
DESIGN = default_design(800.0)
BIG_BUDGET = [1e5]


def rows_by(result, budget):
    return {r["technology"]: r for r in result.rows if r["latency_budget_ns"] == budget}


def test_pool_in_the_gpu_rack_with_copper_is_the_analytic_capacity():
    spec = MemoryPoolSpec(
        gpu_racks=6,
        gpus_per_rack=36,
        placement="in-rack",
        devices_per_gpu_rack=16,
        latency_budgets_ns=BIG_BUDGET,
        technologies=["passive-dac"],
    )
    row = rows_by(evaluate_memory_pool(spec, CATALOG, DESIGN), 1e5)["passive-dac"]
    assert row["capacity_gb_per_gpu"] == pytest.approx(16 * spec.device.capacity_gb / 36)
    assert row["capacity_gb_per_gpu_min"] == pytest.approx(row["capacity_gb_per_gpu"])
    assert row["pools_reached_per_rack"] == 1.0  # only its own rack: the next one is > 2 m of cable away
    host = host_protocol("pcie6")
    link = host.rate_gbps * host.k / host.n / 8
    assert row["bandwidth_gbyte_s_per_gpu"] == pytest.approx(min(link, 16 * spec.device.bandwidth_gbyte_s / 36))
    assert row["mean_length_m"] == spec.floor.in_rack_m
    assert row["links"] == 6 * 36


def test_copper_cannot_reach_a_pool_rack_beyond_its_reach():
    spec = MemoryPoolSpec(latency_budgets_ns=BIG_BUDGET, technologies=["passive-dac", "dr8"], mosaic_reach_m=50.0)
    layout = pool_layout(spec)
    assert layout.length_m.min() > 2.0  # nearest pool rack: next slot, (0.6 + 3) x 1.1 = 3.96 m
    assert layout.length_m.min() == pytest.approx((spec.floor.rack_width_m + spec.floor.rise_drop_m) * 1.1)
    rows = rows_by(evaluate_memory_pool(spec, CATALOG, DESIGN), 1e5)
    assert rows["passive-dac"]["capacity_gb_per_gpu"] == 0.0
    assert rows["passive-dac"]["links"] == 0.0
    assert rows["passive-dac"]["max_load_to_use_ns"] is None
    total_gb = layout.devices.sum() * spec.device.capacity_gb
    assert rows["dr8"]["capacity_gb_per_gpu"] * spec.gpu_racks * spec.gpus_per_rack == pytest.approx(total_gb)


def test_mosaic_serves_only_pools_within_its_reach():
    spec = MemoryPoolSpec(latency_budgets_ns=BIG_BUDGET, technologies=["mosaic"], mosaic_reach_m=8.0)
    layout = pool_layout(spec)
    row = rows_by(evaluate_memory_pool(spec, CATALOG, DESIGN), 1e5)["mosaic"]
    assert row["pools_reached_per_rack"] == pytest.approx((layout.length_m <= 8.0).sum(axis=1).mean())
    assert row["max_load_to_use_ns"] is not None


def test_mosaic_reach_comes_from_the_system_reach_model():
    spec = MemoryPoolSpec(gpu_racks=4, technologies=["mosaic"])
    result = evaluate_memory_pool(spec, CATALOG, DESIGN, reach_fn=lambda design, ber: 12.5)
    assert result.mosaic_reach_m == 12.5
    assert rows_by(result, 400.0)["mosaic"]["reach_m"] == 12.5
    assert evaluate_memory_pool(spec, CATALOG, DESIGN).mosaic_reach_m == pytest.approx(mosaic_reach_m(DESIGN))


def test_layout_follows_the_floor_plan():
    spec = MemoryPoolSpec(gpu_racks=18, placement="row-end", pool_racks_per_row=2)
    layout = pool_layout(spec)
    x, y, _ = rack_positions(20, spec.floor)
    expected = route_m(x[:18, None] - x[None, 18:], y[:18, None] - y[None, 18:], spec.floor)
    np.testing.assert_allclose(layout.length_m, expected)
    middle = pool_layout(spec.replace(placement="row-middle"))
    assert middle.length_m.max() < layout.length_m.max()  # pools mid-row halve the longest run


def test_time_of_flight_follows_the_floor_plan():
    spec = MemoryPoolSpec(latency_budgets_ns=BIG_BUDGET, technologies=["dr8"])
    row = rows_by(evaluate_memory_pool(spec, CATALOG, DESIGN), 1e5)["dr8"]
    entry = CATALOG.entries(rate=800, technology="dr8")[0]
    flight = time_of_flight_ns(row["mean_length_m"], medium_group_index("singlemode", spec.propagation))
    expected = spec.device.load_to_use_ns + 2 * (2 * entry.latency_ns_per_end.typical + flight)
    assert row["mean_load_to_use_ns"] == pytest.approx(expected)


@settings(max_examples=25, deadline=None)
@given(
    gpu_racks=st.integers(1, 40),
    gpus_per_rack=st.sampled_from([8, 36, 72]),
    placement=st.sampled_from(["in-rack", "row-end", "row-middle"]),
    budgets=st.lists(st.floats(200.0, 2_000.0), min_size=2, max_size=3, unique=True).map(sorted),
    tech=st.sampled_from(["passive-dac", "aec", "aoc", "lpo", "mosaic"]),
)
def test_capacity_is_conserved_and_grows_with_the_budget(gpu_racks, gpus_per_rack, placement, budgets, tech):
    spec = MemoryPoolSpec(
        gpu_racks=gpu_racks,
        gpus_per_rack=gpus_per_rack,
        placement=placement,
        devices_per_gpu_rack=8,
        latency_budgets_ns=budgets,
        technologies=[tech],
        mosaic_reach_m=50.0,
    )
    result = evaluate_memory_pool(spec, CATALOG, DESIGN)
    total_gb = result.layout.devices.sum() * spec.device.capacity_gb
    capacity = [r["capacity_gb_per_gpu"] for r in result.rows]
    for r in result.rows:
        assert r["capacity_gb_per_gpu"] * gpu_racks * gpus_per_rack <= total_gb * (1 + 1e-9)
        assert r["max_load_to_use_ns"] is None or r["max_load_to_use_ns"] <= r["latency_budget_ns"]
        assert all(v is None or np.isfinite(v) for v in r.values() if not isinstance(v, str))
    assert np.all(np.diff(capacity) >= -1e-9 * total_gb)  # mean share = reachable pools' capacity / GPUs
