"""Technology assignment by policy on a small hand-made table."""

import numpy as np
import pytest

from mosaiclink.cluster.assignment import assign, tech_table
from mosaiclink.errors import ModelRangeError

ROWS = [
    {
        "technology": "dac",
        "kind": "copper",
        "power_w_per_end": 0.1,
        "reach_m": 2,
        "fit_per_link": 40,
        "cost_usd_per_end": 75,
    },
    {
        "technology": "aoc",
        "kind": "optical",
        "power_w_per_end": 11,
        "reach_m": 50,
        "fit_per_link": 600,
        "cost_usd_per_end": 600,
    },
    {
        "technology": "dr8",
        "kind": "optical",
        "power_w_per_end": 16,
        "reach_m": 500,
        "fit_per_link": 600,
        "cost_usd_per_end": 1200,
    },
    {
        "technology": "led",
        "kind": "mosaic",
        "power_w_per_end": 5,
        "reach_m": 50,
        "fit_per_link": 4,
        "cost_usd_per_end": None,
    },
]
TABLE = tech_table(ROWS, 800.0)
LENGTHS = np.array([1.0, 10.0, 49.0, 120.0])


def names(idx):
    return [TABLE.technology[i] for i in idx]


def test_cheapest_feasible():
    assert names(assign(LENGTHS, TABLE, "cheapest")) == ["dac", "aoc", "aoc", "dr8"]


def test_lowest_power_and_most_reliable():
    assert names(assign(LENGTHS, TABLE, "lowest-power")) == ["dac", "led", "led", "dr8"]
    assert names(assign(LENGTHS, TABLE, "most-reliable")) == ["led", "led", "led", "dr8"]


def test_subset_and_out_of_reach():
    copper = TABLE.subset(["dac"])
    with pytest.raises(ModelRangeError, match="beyond the reach"):
        assign(LENGTHS, copper, "cheapest")
    from mosaiclink.errors import ConfigError

    with pytest.raises(ConfigError, match="not in the catalog"):
        TABLE.subset(["nope"])
