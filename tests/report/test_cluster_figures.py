"""Cluster figures read right: every panel from 0, every bar labelled with its value, no label
clipped by its axis (the review found a log axis that hid '1.35' and did not start at 0)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest

import mosaiclink as ml
from mosaiclink.report.paper_figures import cluster_fabric
from mosaiclink.report.sections.cluster import fabric_figure


@pytest.fixture(scope="module")
def summaries():
    return ml.evaluate_cluster("100k").summaries


def test_plotly_panels_start_at_zero_and_show_every_value(summaries):
    fig = fabric_figure(summaries).plotly
    layout = fig.to_dict()["layout"]
    for trace, axis in zip(fig.data, ("yaxis", "yaxis2", "yaxis3"), strict=True):
        low, high = layout[axis]["range"]
        assert low == 0 and high >= max(trace.y) * 1.2  # room for the label above the tallest bar
        assert layout[axis].get("type", "linear") != "log"
        assert list(trace.text) == [t for t in trace.text if t]  # every bar carries its value
    failures = [s["failures"]["link_failures_per_day"] for s in summaries]
    assert [float(t) for t in fig.data[1].text] == pytest.approx(failures, abs=0.005)


def test_paper_figure_labels_sit_inside_the_axes(summaries):
    fig = cluster_fabric({"fabric": list(summaries)})
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        assert ax.get_ylim()[0] == 0
        box = ax.get_window_extent(renderer)
        labels = [t for t in ax.texts if t.get_text()]
        assert len(labels) == len(summaries)
        for text in labels:
            extent = text.get_window_extent(renderer)
            assert box.y0 <= extent.y0 and extent.y1 <= box.y1, text.get_text()
    titles = [ax.get_title() for ax in fig.axes]
    boxes = [ax.title.get_window_extent(renderer) for ax in fig.axes]
    assert all(a.x1 <= b.x0 for a, b in zip(boxes, boxes[1:], strict=False)), titles  # no overlap
