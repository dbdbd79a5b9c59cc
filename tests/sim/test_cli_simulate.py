import json

# one seeded run, repeated to check that the same seed gives the same counts
RUN = (
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
)


def test_simulate_json_and_pngs(mosaic, tmp_path):
    out = tmp_path / "run"
    r = mosaic(*RUN, "--out", str(out), "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    rows = data["per_channel"]
    assert [row["channel"] for row in rows] == [0, 1, 2, 5]
    for row in rows:
        assert row["bits"] == 50000 and row["ci_low"] <= row["ber"] <= row["ci_high"]
        assert 0 < row["ber_analytic"] < 0.5
    assert (out / "eye_ch0.png").stat().st_size > 10_000
    assert json.loads((out / "simulate.json").read_text())["per_channel"] == rows
    again = mosaic(*RUN, "--json")
    assert json.loads(again.stdout)["per_channel"] == rows  # same seed, same counts


def test_simulate_bad_input_is_one_line_exit_2(mosaic):
    r = mosaic("simulate", "--preset", "mosaic-prototype", "--channels", "5-2", "--bits", "10")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--channels" in r.stderr


def test_simulate_store_resumes_and_a_longer_run_reuses_the_stored_blocks(mosaic, tmp_path):
    import duckdb

    store = tmp_path / "mc.duckdb"
    common = ("simulate", "--preset", "mosaic-prototype", "--length-m", "30", "--channels", "0-3", "--seed", "4")
    common += ("--block-bits", "16384", "--eye-channels", "0", "--json", "--store", str(store))
    short = mosaic(*common, "--bits", "32768")
    assert short.returncode == 0, short.stderr
    with duckdb.connect(str(store)) as con:
        assert con.execute("SELECT count(*) FROM mc_blocks").fetchone()[0] == 4 * 2
    longer = mosaic(*common, "--bits", "65536")
    with duckdb.connect(str(store)) as con:
        assert con.execute("SELECT count(*) FROM mc_blocks").fetchone()[0] == 4 * 4  # only the new blocks added
    plain = mosaic(*common[:-2], "--bits", "65536")  # no store: the same counts from scratch
    assert json.loads(longer.stdout)["per_channel"] == json.loads(plain.stdout)["per_channel"]


def test_simulate_distributed_options_are_checked(mosaic):
    r = mosaic("simulate", "--preset", "mosaic-prototype", "--workers", "0", "--bits", "10")
    assert r.returncode == 2 and "--workers" in r.stderr and r.stderr.count("\n") == 1
    r = mosaic("simulate", "--preset", "mosaic-prototype", "--path", "waveform", "--workers", "1", "--bits", "10")
    assert r.returncode == 2 and "symbol path only" in r.stderr
