"""``import mosaiclink as ml``: lazy entry points, short reprs, DataFrames, CSV/Parquet, plots."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import mosaiclink as ml
from mosaiclink.config.io import save_spec


def test_import_is_lazy():
    """``import mosaiclink`` loads none of the numeric or plotting stack."""
    code = (
        "import sys, mosaiclink; print(sorted(m for m in ('numpy', 'pandas', 'plotly', 'scipy') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(ml.__file__).parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip() == "[]"


def test_every_exported_name_resolves():
    for name in ml.__all__:
        assert getattr(ml, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ml.nope  # noqa: B018


@pytest.fixture(scope="module")
def prototype_report():
    return ml.evaluate_link(ml.load_design("mosaic-prototype"))


def test_link_report_repr_states_its_numbers(prototype_report):
    r = prototype_report
    text = repr(r)
    match = re.fullmatch(
        r"<LinkReport mosaic-prototype: (\d+) ch @ ([\d.]+) Gb/s, ([\d.]+) m, "
        r"median BER (\S+), (\d+)/(\d+) meet (\S+)>",
        text,
    )
    assert match, text
    assert int(match[1]) == r.channels and float(match[2]) == pytest.approx(r.rate_gbps)
    assert float(match[3]) == r.length_m and int(match[5]) == r.channels_meeting_target
    median = 10 ** np.median(r.log10_ber_stateye)
    assert float(match[4]) == pytest.approx(median, rel=0.1)
    assert float(match[7]) == pytest.approx(r.target_ber)
    assert html.escape(text) in r._repr_html_()


def test_per_channel_dataframe_round_trips_through_csv_and_parquet(prototype_report, tmp_path):
    frame = prototype_report.to_dataframe()
    assert len(frame) == prototype_report.channels and frame.index.name == "channel"
    assert int(frame["meets_target"].sum()) == prototype_report.channels_meeting_target
    np.testing.assert_allclose(frame["log10_ber_stateye"], prototype_report.log10_ber_stateye)
    frame.to_csv(tmp_path / "c.csv")
    frame.to_parquet(tmp_path / "c.parquet")
    back = pd.read_csv(tmp_path / "c.csv", index_col="channel")
    np.testing.assert_allclose(back["q"], frame["q"], rtol=1e-12)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "c.parquet"), frame)


def test_mosaic_link_writes_the_same_table(mosaic, prototype_report, tmp_path):
    out = tmp_path / "channels.csv"
    result = mosaic("link", "--preset", "mosaic-prototype", "--csv", str(out))
    assert result.returncode == 0, result.stderr
    np.testing.assert_allclose(
        pd.read_csv(out, index_col="channel")["log10_ber_stateye"], prototype_report.log10_ber_stateye, rtol=1e-12
    )


def test_load_design_takes_a_preset_or_a_file(tmp_path):
    design = ml.load_design("mosaic-prototype")
    path = save_spec(design.with_link(length_m=12.0), tmp_path / "d.toml")
    assert ml.load_design(path).link.length_m == 12.0
    with pytest.raises(ml.ConfigError, match=r"design = 'mosaic-9t': neither a preset \(mosaic-1.6t"):
        ml.load_design("mosaic-9t")


def test_compare_and_cluster_results_have_frames_and_reprs():
    result = ml.compare("800g")
    frame = result.to_dataframe()
    assert frame.loc["mosaic", "link_fit"] == pytest.approx(result.mosaic.link_fit)
    assert repr(result).startswith("<ComparisonResult 800 Gb/s, 30 m, 55 C:")
    cluster = ml.evaluate_cluster("100k", seed=0)
    table = cluster.to_dataframe()
    assert list(table.index) == [s["name"] for s in cluster.summaries]
    assert table["failures.link_failures_per_day"].iloc[0] > table["failures.link_failures_per_day"].iloc[1]
    with pytest.raises(ml.ConfigError, match="scenario = 'nope': unknown"):
        ml.evaluate_cluster("nope")


def test_plot_reuses_the_report_figures(prototype_report):
    fig = ml.plot(prototype_report)
    assert isinstance(fig, go.Figure) and len(fig.data[0].x) == prototype_report.channels
    with pytest.raises(ml.ConfigError, match="plot\\(\\) takes"):
        ml.plot(3)


def test_replace_changes_only_the_named_nested_fields():
    design = ml.load_design("mosaic-800g")
    changed = design.replace(fiber={"na": 0.3})
    assert changed.fiber.na == 0.3
    assert changed.fiber.model_dump() == {**design.fiber.model_dump(), "na": 0.3}
    assert changed.link == design.link
    with pytest.raises(ml.ConfigError, match="fiber"):
        design.replace(fiber={"nx": 0.3})
