"""Power arithmetic: PUE, energy, cost, fleet savings."""

import pytest

from mosaiclink.cluster.power import fleet_savings, link_power_w, power_budget
from mosaiclink.config.cluster import ClusterPowerSpec

SPEC = ClusterPowerSpec(gpu_node_power_w=1000.0, power_conversion_efficiency=1.0, pue=1.2, electricity_usd_per_kwh=0.1)


def budget(link_w):
    return power_budget(
        gpus=1_000,
        gpus_per_rack=10,
        scale_up_w=0.0,
        scale_out_w=link_w,
        nic_end_w=0.0,
        scale_up_switch_w=0.0,
        scale_out_switch_w=0.0,
        spec=SPEC,
    )


def test_link_power_counts_both_ends():
    assert link_power_w(100, 16.0) == 3_200.0


def test_energy_and_cost():
    b = budget(100_000.0)
    assert b.it_kw == pytest.approx(1_100.0)
    assert b.interconnect_share == pytest.approx(100 / 1100)
    assert b.facility_kw == pytest.approx(1_320.0)
    assert b.energy_mwh_per_year == pytest.approx(1_320.0 * 8766 / 1e3)
    assert b.cost_usd_per_year == pytest.approx(1_320.0 * 8766 * 0.1)
    assert b.rack_kw == pytest.approx(10.0)


def test_fleet_savings_scale_with_deployment():
    saved = fleet_savings(budget(100_000.0), budget(40_000.0), deployment_gpus=1_000_000)
    assert saved.it_w_per_gpu == pytest.approx(60.0)
    assert saved.facility_mw == pytest.approx(60.0 * 1.2)
    assert saved.cost_usd_per_year == pytest.approx(72.0 * 1e3 * 8766 * 0.1)
