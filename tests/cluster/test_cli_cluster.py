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


def test_memory_pool_json_and_csv(mosaic, tmp_path):
    rows_csv = tmp_path / "rows.csv"
    out = mosaic("cluster", "--scenario", "memory-pool", "--json", "--csv", str(rows_csv))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["type"] == "memory-pool"
    rows = list(csv.DictReader(rows_csv.open()))
    assert len(rows) == len(data["rows"]) == 3 * 8  # budgets x technologies
    copper = [r for r in data["rows"] if r["technology"] == "passive-dac"]
    assert all(r["capacity_gb_per_gpu"] == 0 for r in copper)  # pool racks stand > 2 m away
    assert data["mosaic_reach_m"] > 2.0


def test_scale_up_sweep_table(mosaic):
    out = mosaic("cluster", "--scenario", "scale-up-sweep")
    assert out.returncode == 0, out.stderr
    assert "largest scale-up domain" in out.stdout and "mosaic" in out.stdout


def test_special_scenarios_run_alone_and_bad_files_are_one_line(mosaic, tmp_path):
    out = mosaic("cluster", "--scenario", "memory-pool", "--scenario", "scale-up")
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0 and "runs alone" in out.stderr
    out = mosaic("cluster", "--scenario", "scale-up", "--csv", str(tmp_path / "x.csv"))
    assert out.returncode == 2 and "--csv-events" in out.stderr
    for text, expect in (
        ('name = "x"\ntype = "memory-pool"\n', "needs a [memory_pool] table"),
        (
            'name = "x"\ntype = "memory-pool"\n[memory_pool]\nplacement = "row-end"\npool_racks_per_row = 0\n',
            "pool_racks_per_row",
        ),
        ('name = "x"\ntype = "memory-pool"\n[memory_pool]\ngpu_rack = 3\n', "did you mean 'gpu_racks'"),
        (
            'name = "x"\ntype = "scale-up-sweep"\n[scale_up_sweep]\nrack_limits = [{ kw = -5, cooling = "air" }]\n',
            "kw = -5",
        ),
        (
            'name = "x"\ntype = "scale-up-sweep"\n[scale_up_sweep]\n'
            'rack_limits = [{ kw = 50, cooling = "air" }]\ntechnologies = ["warp"]\n',
            "warp",
        ),
    ):
        bad = tmp_path / "bad.toml"
        bad.write_text(text)
        out = mosaic("cluster", "--scenario", str(bad))
        assert out.returncode == 2, out.stderr
        assert out.stderr.strip().count("\n") == 0 and expect in out.stderr, out.stderr


def test_report_checks_its_scenarios_before_evaluating(mosaic, tmp_path):
    out = mosaic("report", "--scenario", "scale-up", "--out", str(tmp_path / "r"))
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0
    assert "memory-pool or scale-up-sweep" in out.stderr
    assert not (tmp_path / "r").exists()
