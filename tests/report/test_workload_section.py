"""The report's AI training section renders the workload summary it is given, and its paper figure."""

from types import SimpleNamespace

import matplotlib.pyplot as plt

from mosaiclink.report.paper_figures import workload_gain
from mosaiclink.report.sections.workloads import workload_section
from mosaiclink.workloads.presets import load_job
from mosaiclink.workloads.training import evaluate_training


def test_section_and_figure_read_the_same_summary():
    summary = evaluate_training(load_job("deepseek-v3", technologies=["copper", "dr8", "mosaic"])).summary()
    section = workload_section(SimpleNamespace(workload=summary))
    (table,) = section.tables
    assert [row[0] for row in table.rows] == ["copper", "dr8", "mosaic"]
    over_dr8 = next(g for g in summary["mosaic_gain"] if g["over"] == "dr8")
    assert table.rows[1][-1] == f"x{over_dr8['goodput_per_facility_mw_ratio']:.3f}"
    assert section.headline[0][1] == table.rows[1][-1]
    fig = workload_gain(section.data)
    assert len(fig.axes[0].patches) == 3 * len(summary["mosaic_gain"])  # three factors per technology
    plt.close(fig)
    assert workload_section(SimpleNamespace(workload=None)).tables == ()


def test_section_shows_lane_margin_and_media_from_the_summary():
    """The report reads the same rows as ``mosaic workload --lanes`` and ``--media`` (assess_workload adds them)."""
    from mosaiclink.workloads.lanes import lane_margin_table
    from mosaiclink.workloads.media import wide_slow_media_table

    summary = evaluate_training(load_job("deepseek-v3", technologies=["dr8", "mosaic"])).summary()
    summary["lane_margin"], summary["media"] = lane_margin_table(), wide_slow_media_table()
    section = workload_section(SimpleNamespace(workload=summary))
    _, lanes, media = section.tables
    assert len(lanes.rows) == len(summary["lane_margin"]) and len(media.rows) == 4
    mosaic = [row for row in lanes.rows if row[0] == "mosaic"]
    assert mosaic[0][-1] != "-" and mosaic[1][-1] == "-"  # 2.15 Gb/s holds, 4.3 Gb/s is short on day one
    assert {f.figure_id for f in section.figures} == {"fig-workload-gain", "fig-lane-margin"}
    from mosaiclink.report.paper_figures import lane_margin

    fig = lane_margin(section.data)  # the paper version of the same rows: one margin line per technology
    assert len(fig.axes[0].lines) >= len({r["technology"] for r in summary["lane_margin"]})
    plt.close(fig)
