"""`mosaic compare` end to end: JSON shape, spare sweep, exit code 2 on bad input."""

from __future__ import annotations

import json


def test_compare_json_and_sweep(mosaic):
    done = mosaic("compare", "--json", "--sweep-spares", "--reach-m", "20")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["rate"] == "800g" and data["rows"][0]["technology"] == "mosaic"
    sweep = {r["spares"]: r for r in data["spare_sweep"]}
    assert sweep[20]["link_fit_led_1"] < 20 < sweep[0]["link_fit_led_1"]


def test_compare_table(mosaic):
    done = mosaic("compare", "--rate", "1.6t", "--temperature-c", "40")
    assert done.returncode == 0, done.stderr
    assert "MOSAIC vs alternatives" in done.stdout and "dr8" in done.stdout


def test_compare_bad_input_exits_2(mosaic, tmp_path):
    bad = mosaic("compare", "--rate", "fast")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "rate" in bad.stderr
    catalog = tmp_path / "bad.toml"
    catalog.write_text('[[entry]]\nid = "x"\n')
    bad = mosaic("compare", "--catalog", str(catalog))
    assert bad.returncode == 2 and "entry 'x'" in bad.stderr and "Traceback" not in bad.stderr
