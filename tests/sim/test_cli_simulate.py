import json


def test_simulate_json_and_pngs(mosaic, tmp_path):
    out = tmp_path / "run"
    r = mosaic(
        "simulate",
        "--preset",
        "mosaic-prototype",
        "--length-m",
        "30",
        "--bits",
        "50000",
        "--channels",
        "0-2,5",
        "--seed",
        "3",
        "--out",
        str(out),
        "--json",
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    rows = data["per_channel"]
    assert [row["channel"] for row in rows] == [0, 1, 2, 5]
    for row in rows:
        assert row["bits"] == 50000 and row["ci_low"] <= row["ber"] <= row["ci_high"]
        assert 0 < row["ber_analytic"] < 0.5
    assert (out / "eye_ch0.png").stat().st_size > 10_000
    assert json.loads((out / "simulate.json").read_text())["per_channel"] == rows
    again = mosaic(
        "simulate",
        "--preset",
        "mosaic-prototype",
        "--length-m",
        "30",
        "--bits",
        "50000",
        "--channels",
        "0-2,5",
        "--seed",
        "3",
        "--json",
    )
    assert json.loads(again.stdout)["per_channel"] == rows  # same seed, same counts


def test_simulate_bad_input_is_one_line_exit_2(mosaic):
    r = mosaic("simulate", "--preset", "mosaic-prototype", "--channels", "5-2", "--bits", "10")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--channels" in r.stderr
