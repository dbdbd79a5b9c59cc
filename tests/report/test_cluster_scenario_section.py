"""Report sections of memory-pool and scale-up-sweep scenarios: figure, table and data agree."""

import json

import pytest

from mosaiclink.assessment.scenario import assess_scenario, load_cluster_scenario
from mosaiclink.cluster.memory import evaluate_memory_pool
from mosaiclink.cluster.scale_up_sweep import evaluate_scale_up_sweep
from mosaiclink.config.cluster import MemoryPoolSpec, ScaleUpSweepSpec
from mosaiclink.errors import ConfigError
from mosaiclink.report.html import render_page, sections_to_json
from mosaiclink.report.sections.cluster_scenario import memory_section, scenario_section, sweep_section
from mosaiclink.system.compare import default_design


def test_memory_section_table_matches_the_model():
    spec = MemoryPoolSpec(gpu_racks=8, gpus_per_rack=36, mosaic_reach_m=50.0, technologies=["aec", "dr8", "mosaic"])
    summary = evaluate_memory_pool(spec).summary()
    section = memory_section(summary)
    assert section.figures[0].figure_id == "fig-memory-pool"
    table = section.tables[0]
    assert len(table.rows) == len(summary["rows"])
    for cells, row in zip(table.rows, summary["rows"], strict=True):
        assert cells[1] == row["technology"]
        assert cells[3].startswith(f"{row['capacity_gb_per_gpu']:.0f} ")
    # stacked load-to-use bars add up to the model's mean load-to-use
    stacked = [t for t in section.figures[0].plotly.data if t.offsetgroup == "load-to-use"]
    top = [b + y for b, y in zip(stacked[-1].base, stacked[-1].y, strict=True)]
    loose = [r for r in summary["rows"] if r["latency_budget_ns"] == spec.latency_budgets_ns[-1]]
    assert top == pytest.approx([r["mean_load_to_use_ns"] for r in loose if r["mean_load_to_use_ns"] is not None])
    json.loads(sections_to_json([section]))
    assert "fig-memory-pool" in render_page(title="t", subtitle="", sections=[section], footer="")


def test_sweep_section_largest_domain_table():
    spec = ScaleUpSweepSpec.from_mapping(
        {
            "rack_limits": [{"kw": 80, "cooling": "rdhx"}, {"kw": 132, "cooling": "dlc"}],
            "technologies": ["passive-dac", "mosaic"],
            "domain_sizes": [72, 576],
            "mosaic_reach_m": 50.0,
        }
    )
    summary = evaluate_scale_up_sweep(spec).summary()
    section = sweep_section(summary)
    table = section.tables[0]
    assert table.rows[0] == ("passive-dac", "-", "72")
    assert table.rows[1] == ("mosaic", "576", "576")
    json.loads(sections_to_json([section]))


def test_scenario_section_by_name_and_bad_names():
    section = scenario_section(assess_scenario("memory-pool", default_design(800.0)))
    assert section.section_id == "memory-pool"
    with pytest.raises(ConfigError, match="memory-pool or scale-up-sweep"):
        load_cluster_scenario("scale-up")
    with pytest.raises(ConfigError):
        load_cluster_scenario("no-such-file.toml")
