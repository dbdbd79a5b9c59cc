"""`mosaic compare` end to end: JSON shape, spare sweep, exit code 2 on bad input."""

from __future__ import annotations

import json

import pytest


def test_compare_json_and_sweep(mosaic):
    done = mosaic("compare", "--json", "--sweep-spares", "--reach-m", "20")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["rate"] == "800g" and data["rows"][0]["technology"] == "mosaic"
    mosaic = data["rows"][0]
    assert mosaic["feasible"] is True and mosaic["max_reach_m"] > 20
    assert data["headline"]["reach_ratio_vs_passive_copper"] >= 10
    sweep = {r["spares"]: r for r in data["spare_sweep"]}
    # spares remove the channels' series FIT: without spares every data channel of both directions
    # (microLED 1 FIT, photodiode 0.1, electronics 0.1 at the reference temperature) is in series;
    # what remains with spares is the shared parts' floor
    from mosaiclink.config.presets import load_preset
    from mosaiclink.config.system import ReliabilitySpec

    rel, channels = ReliabilitySpec(), load_preset("mosaic-800g").array.data_channels
    per_channel = rel.led.fit + rel.photodiode.fit + rel.channel_electronics.fit
    series = sweep[0]["link_fit_led_1"] - sweep[60]["link_fit_led_1"]
    assert series == pytest.approx(2 * channels * per_channel, rel=0.01)
    assert sweep[20]["link_fit_led_1"] == pytest.approx(sweep[60]["link_fit_led_1"], rel=0.01)


def test_compare_table(mosaic):
    done = mosaic("compare", "--temperature-c", "40", "--reach-m", "80")
    assert done.returncode == 0, done.stderr
    assert "MOSAIC vs alternatives" in done.stdout and "dr8" in done.stdout
    mosaic_line = next(line for line in done.stdout.splitlines() if "│ mosaic " in line)
    assert "│ no " in mosaic_line  # 80 m is beyond the 800G design's reach; the reason follows the table
    assert any(line.startswith("mosaic: reach") for line in done.stdout.splitlines())


def test_compare_bad_input_exits_2(mosaic, tmp_path):
    bad = mosaic("compare", "--rate", "fast")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "rate" in bad.stderr
    catalog = tmp_path / "bad.toml"
    catalog.write_text('[[entry]]\nid = "x"\n')
    bad = mosaic("compare", "--catalog", str(catalog))
    assert bad.returncode == 2 and "entry 'x'" in bad.stderr and "Traceback" not in bad.stderr
    bad = mosaic("compare", "--host-interface", "cpo")
    assert bad.returncode == 2 and "host_interface = 'cpo'" in bad.stderr
