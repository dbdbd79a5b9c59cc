"""The link budget as data: a DataFrame, a CSV and an IEEE 802.3-style spreadsheet whose formulas
give the model's margin."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import mosaiclink as ml
from mosaiclink.physics.budget import LINES, NEEDS_LIGHT
from mosaiclink.report.budget_sheet import budget_frame, budget_workbook


@pytest.fixture(scope="module")
def design():
    return ml.load_design("mosaic-800g")


@pytest.fixture(scope="module")
def report(design):
    return ml.evaluate_link(design)


def test_budget_dataframe_is_the_waterfall(report):
    frame = report.budget.to_dataframe()
    assert list(frame.index) == [name for name, _, _ in LINES]
    assert frame.loc["Received OMA", "unit"] == "dBm" and frame.loc["Margin", "unit"] == "dB"
    assert frame.loc["Margin", "value"] == report.budget.value("Margin")
    assert frame.value.notna().all()


def test_one_channels_waterfall_sums_exactly(report):
    """Hand-worked: received = launch - losses, margin = received - sensitivity - penalties, for the
    median-margin channel, and that margin is the median of the live channels' margins."""
    frame = report.channel_budget().to_dataframe().value
    kinds = report.channel_budget().to_dataframe().kind
    losses = frame[kinds == "loss"].sum()
    penalties = frame[kinds == "penalty"].sum()
    assert frame["Received OMA"] == pytest.approx(frame["Launch OMA (LED)"] - losses, abs=1e-9)
    margin = frame["Received OMA"] - frame["Receiver sensitivity (target BER)"] - penalties
    assert frame["Margin"] == pytest.approx(margin, abs=1e-9)
    live = report.budget_per_channel["margin_db"][~report.dead]
    assert frame["Margin"] == np.sort(live)[(live.size - 1) // 2]
    assert not report.dead[report.median_channel]


def test_spreadsheet_formulas_reproduce_the_models_margin(report, design):
    """Read back with openpyxl: the inputs are numbers, received OMA and margin are formulas over
    them; evaluating those formulas by hand gives the model's values (and the cached ones)."""
    openpyxl = pytest.importorskip("openpyxl")
    data = budget_workbook(report, design)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Budget", "Channels", "Design"]
    sheet = book["Budget"]
    rows = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    value = {name: sheet.cell(rows[name], 2).value for name, _, _ in LINES}
    assert str(value["Received OMA"]).startswith("=B") and str(value["Margin"]).startswith("=B")

    def evaluate(formula: str) -> float:
        expression = formula.lstrip("=").replace("SUM(", "(").replace(",", "+")
        for r in sorted(rows.values(), reverse=True):
            cell = sheet.cell(r, 2).value
            expression = expression.replace(f"B{r}", f"({cell!r})" if not isinstance(cell, str) else "(0)")
        return float(eval(expression))  # noqa: S307 - arithmetic over numbers we wrote

    exact = report.channel_budget().to_dataframe().value
    assert evaluate(value["Received OMA"]) == pytest.approx(exact["Received OMA"], abs=1e-9)
    received_formula = value["Received OMA"]
    margin_formula = value["Margin"].replace(f"B{rows['Received OMA']}", f"({received_formula.lstrip('=')})")
    assert evaluate(margin_formula) == pytest.approx(exact["Margin"], abs=1e-9)
    channels = pd.read_excel(io.BytesIO(data), sheet_name="Channels", index_col=0)
    dead = channels[channels.status == "dead"]
    assert len(dead) == int(report.dead.sum()) and dead[sorted(NEEDS_LIGHT)].isna().all().all()
    assert channels.loc[channels.status == "live", "margin_db"].notna().all()
    inputs = pd.read_excel(io.BytesIO(data), sheet_name="Design", index_col=0)["value"]
    assert float(inputs["link.length_m"]) == design.link.length_m


def test_csv_budget_and_cli(report, mosaic, tmp_path, sentinels):
    frame = budget_frame(report)
    assert list(frame.columns[:2]) == ["median_channel", "median_of_lines"] and sentinels(frame) == []
    xlsx, csv = tmp_path / "b.xlsx", tmp_path / "b.csv"
    for path in (xlsx, csv):
        done = mosaic("link", "--budget", str(path))
        assert done.returncode == 0, done.stderr
    assert xlsx.read_bytes()[:2] == b"PK"  # a zip container
    back = pd.read_csv(csv, index_col=0)
    np.testing.assert_allclose(back.median_channel, frame.median_channel)
    bad = mosaic("link", "--budget", str(tmp_path / "b.txt"))
    assert bad.returncode == 2 and "suffix must be one of .xlsx, .csv" in bad.stderr
