"""The mosaic cluster command: JSON, CSV events, errors."""

import csv
import json


def test_default_json_side_by_side(mosaic, tmp_path):
    events = tmp_path / "events.csv"
    out = mosaic("cluster", "--json", "--gpus", "20000", "--csv-events", str(events), "--seed", "4")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [d["name"] for d in data] == ["800G optics", "800G MOSAIC"]
    assert all(d["gpus"] == 20_000 for d in data)
    assert data[1]["fleet_savings_vs_first"]["facility_mw"] > 0
    rows = list(csv.DictReader(events.open()))
    assert len(rows) == sum(d["monte_carlo_year"]["link_failures"] for d in data)
    assert {r["kind"] for r in rows} <= {"copper", "optical", "mosaic"}


def test_table_and_scenario_columns(mosaic):
    out = mosaic("cluster", "--scenario", "scale-up", "--gpus", "7200")
    assert out.returncode == 0, out.stderr
    assert "NVL72 copper" in out.stdout and "NVL576 MOSAIC" in out.stdout


def test_bad_scenario_is_one_line(mosaic, tmp_path):
    out = mosaic("cluster", "--scenario", "nope")
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "shipped scenario" in out.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[cluster]]\ngpu = 5\n')
    out = mosaic("cluster", "--scenario", str(bad))
    assert out.returncode == 2 and "did you mean 'gpus'" in out.stderr
