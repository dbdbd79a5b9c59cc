"""``mosaic simulate --out`` eye PNGs: volts at the TIA output with the compliance mask, drawn by the
report's own eye (issue 25: the CLI's eyes were in photocurrent, without the mask)."""

from __future__ import annotations

import numpy as np
import pytest

import mosaiclink as ml
from mosaiclink.cli.plots import eye_png_figure
from mosaiclink.report.sections.simulation import eye_plot_data


@pytest.fixture(scope="module")
def result_and_design():
    design = ml.load_preset("mosaic-prototype").with_link(length_m=20.0)
    return ml.simulate(design, 20_000, channels=[3], path="waveform"), design


def test_the_cli_eye_is_the_reports_eye_in_volts_with_its_mask(result_and_design):
    result, design = result_and_design
    transimpedance_ohm = design.receiver.feedback_resistance_kohm * 1e3
    fig = eye_png_figure(result, 3, transimpedance_ohm, design.link.target_ber)
    eye_ax, tub_ax = fig.axes[0], fig.axes[1]  # the colorbar is added last
    assert eye_ax.get_ylabel().startswith(f"TIA output (mV, {transimpedance_ohm / 1e3:g} kOhm")
    data = eye_plot_data(result.eyes[3], transimpedance_ohm)
    # mV = photocurrent (A) x feedback resistance (ohm) x 1e3: the threshold line sits there
    assert data["threshold_mv"] == pytest.approx(result.eyes[3].threshold * transimpedance_ohm * 1e3, rel=1e-12)
    (mask,) = [line for line in eye_ax.get_lines() if line.get_label().startswith("mask")]
    np.testing.assert_allclose(mask.get_ydata(), data["mask_mv"])
    assert tub_ax.get_yscale() == "log"
    target = [line for line in tub_ax.get_lines() if line.get_label() == "target"]
    assert target and target[0].get_ydata()[0] == design.link.target_ber


def test_simulate_out_writes_the_volts_eye_png(mosaic, tmp_path):
    args = ("simulate", "--preset", "mosaic-prototype", "--bits", "20000", "--channels", "3", "--path", "waveform")
    result = mosaic(*args, "-o", str(tmp_path), timeout_s=120.0)
    assert result.returncode == 0, result.stderr
    png = (tmp_path / "eye_ch3.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and oct((tmp_path / "eye_ch3.png").stat().st_mode)[-3:] == "644"
