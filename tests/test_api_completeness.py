"""CLI and API completeness: design --out, compare --tech/--csv, cluster --list/--max-rack-kw,
results --plot, ml.sweep / ml.calibrate / ml.uncertainty at the top level."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import mosaiclink as ml

NOISE = "receiver.tia_noise_pa_per_sqrt_hz"
SWEEP = {
    "name": "api-grid",
    "base": "mosaic-800g",
    "sampler": "grid",
    "constraints": ["rate_gbps_total >= 800"],
    "parameters": {"led.peak_current_ma": {"values": [2.0, 3.0]}, "link.length_m": {"values": [10.0, 30.0]}},
    "objectives": {"power_w": "minimize", "reach_m": "maximize"},
}


def test_top_level_names():
    for name in ("sweep", "calibrate", "uncertainty"):
        assert name in ml.__all__ and callable(getattr(ml, name))


def test_ml_sweep_returns_the_sweeps_rows_and_results_plots_them(tmp_path, mosaic):
    store = tmp_path / "s.duckdb"
    frame = ml.sweep(SWEEP, store=store)
    assert isinstance(frame, pd.DataFrame) and len(frame) == 4
    assert set(frame["led.peak_current_ma"]) == {2.0, 3.0}
    assert (frame.power_w > 0).all() and frame.reach_m.notna().all()
    again = ml.sweep(SWEEP, store=store)  # resumable: nothing recomputed, the same rows
    assert sorted(again.power_w) == sorted(frame.power_w)
    png = tmp_path / "front.png"
    done = mosaic("results", "--store", str(store), "--pareto", "--plot", str(png))
    assert done.returncode == 0, done.stderr
    assert png.read_bytes()[:4] == b"\x89PNG"
    svg = tmp_path / "q.svg"
    done = mosaic("results", "--store", str(store), "--sql", "SELECT power_w, reach_m FROM designs", "--plot", str(svg))
    assert done.returncode == 0 and svg.read_text().lstrip().startswith("<?xml")
    bad = mosaic("results", "--store", str(store), "--plot", str(png))
    assert bad.returncode == 2 and "give --pareto or --sql" in bad.stderr


def test_ml_calibrate_is_mosaic_calibrate(tmp_path):
    data = tmp_path / "d.toml"
    data.write_text(
        'format = "mosaic-ber-points/1"\nname = "d"\nbase = "mosaic-prototype"\nstatistic = "nominal"\n'
        "[[point]]\nlength_m = 25\nrate_gbps = 2\nerrors = 40\nbits = 1e8\n"
        "[[point]]\nlength_m = 30\nrate_gbps = 2\nerrors = 900\nbits = 1e7\n"
    )
    result = ml.calibrate(data, free=[NOISE])
    assert result.fitted[0].path == NOISE and result.dof == 1
    assert result.fitted[0].low <= result.fitted[0].value <= result.fitted[0].high
    with pytest.raises(ml.ConfigError, match="no free parameters"):
        ml.calibrate(data)


def test_ml_uncertainty_refuses_a_design_without_ranges():
    design = ml.load_design("mosaic-800g")
    with pytest.raises(ml.ConfigError, match="ranges: give a mosaic-ranges/1 file"):
        ml.uncertainty(design)


def test_compare_tech_and_csv(mosaic, tmp_path):
    out = tmp_path / "c.csv"
    done = mosaic("compare", "--tech", "aoc", "--tech", "lpo", "--csv", str(out), "--json")
    assert done.returncode == 0, done.stderr
    rows = [r["technology"] for r in json.loads(done.stdout)["rows"]]
    assert rows == ["mosaic", "lpo", "aoc", "mosaic-published"]
    frame = pd.read_csv(out, index_col=0)
    assert list(frame.index) == rows and frame.loc["aoc", "power_w_per_end"] > frame.loc["mosaic", "power_w_per_end"]
    bad = mosaic("compare", "--tech", "aocc")
    assert bad.returncode == 2 and "technology = 'aocc': not in this comparison" in bad.stderr


def test_cluster_list_and_rack_limit(mosaic):
    listed = mosaic("cluster", "--list", "--json")
    assert listed.returncode == 0
    names = {r["name"]: r["type"] for r in json.loads(listed.stdout)}
    assert names["scale-up-sweep"] == "scale-up-sweep" and names["100k-mosaic"] == "clusters"
    done = mosaic("cluster", "--gpus", "1000", "--max-rack-kw", "100", "--json")
    assert done.returncode == 0, done.stderr
    for summary in json.loads(done.stdout):
        power = summary["power"]
        assert power["rack_limit_kw"] == 100 and power["rack_within_limit"] == (power["rack_kw"] <= 100)
    sweep = mosaic("cluster", "--scenario", "scale-up-sweep", "--max-rack-kw", "60", "--json")
    assert sweep.returncode == 0, sweep.stderr
    data = json.loads(sweep.stdout)
    assert [limit["kw"] for limit in data["rack_limits"]] == [60.0]
    assert all(r["rack_kw"] <= 60.0 for r in data["rows"] if r["feasible"])
    bad = mosaic("cluster", "--scenario", "memory-pool", "--max-rack-kw", "60")
    assert bad.returncode == 2 and "--max-rack-kw" in bad.stderr


@pytest.mark.slow  # the optimizer and the full-model confirmation: tens of seconds of CPU
def test_design_out_writes_a_loadable_design(mosaic, tmp_path):
    out = tmp_path / "best.toml"
    done = mosaic("design", "--rate", "400g", "--out", str(out), "--json", timeout_s=600.0)
    assert done.returncode == 0, done.stderr
    chosen = json.loads(done.stdout)["design"]
    written = ml.load_design(out)
    assert written.to_mapping() == ml.MosaicDesign.from_mapping(chosen).to_mapping()


def test_plot_returns_figure_objects_for_networks_and_calibrations(tmp_path):
    import numpy as np
    from matplotlib.figure import Figure

    from mosaiclink.physics.networks import channel_networks

    networks = channel_networks(ml.load_design("mosaic-800g"), np.linspace(1e7, 6e9, 60), channel=3)
    assert isinstance(ml.plot(networks), Figure)
    data = tmp_path / "d.toml"
    data.write_text(
        'format = "mosaic-ber-points/1"\nname = "d"\nbase = "mosaic-prototype"\nstatistic = "nominal"\n'
        "[[point]]\nlength_m = 30\nrate_gbps = 2\nerrors = 900\nbits = 1e7\n"
    )
    figure = ml.plot(ml.calibrate(data, free=[NOISE]))
    assert isinstance(figure, Figure) and len(figure.axes) == 2
    with pytest.raises(ml.ConfigError, match="plot\\(\\) takes"):
        ml.plot(object())
