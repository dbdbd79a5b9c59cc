"""``mosaic design`` and ``mosaic results``: the chosen design is confirmed by an independent full-model run."""

from __future__ import annotations

import json

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.explore.pareto import pareto_mask
from mosaiclink.explore.store import ResultStore
from mosaiclink.physics.link import evaluate_link

from .conftest import sweep_mapping


def test_design_800g_30m_is_confirmed_by_the_full_link_model(mosaic):
    result = mosaic("design", "--rate", "800g", "--reach-m", "30", "--ber", "2.4e-4", "--minimize", "power", "--json")
    assert result.returncode == 0, result.stderr
    choice = json.loads(result.stdout)
    design = MosaicDesign.from_mapping(choice["design"])
    assert design.link.length_m == 30.0 and design.link.target_ber == 2.4e-4
    assert design.array.data_channels * design.link.rate_gbps >= 800.0
    report = evaluate_link(design, seed=0)  # independent re-run of the full model
    assert report.link_ok
    assert choice["confirmation"]["confirmed"] and choice["margins"]["ber_decades"] > 0
    assert choice["runner_up"]["metrics"]["power_w"] >= choice["metrics"]["power_w"]
    assert choice["runner_up"]["why_lost"]
    # nothing feasible in the candidate set has lower power than the choice
    assert all(r["metrics"]["power_w"] <= choice["metrics"]["power_w"] for r in choice["rejected_by_full_model"])


def test_design_bad_rate_is_one_line_error(mosaic):
    result = mosaic("design", "--rate", "fast")
    assert result.returncode == 2
    # the one rate parser of every command (config.catalog.parse_rate_gbps)
    assert (
        result.stderr.strip()
        == "error: rate = 'fast': expected one of 400g, 800g, 1.6t, 3.2t or a positive Gb/s number"
    )


def test_results_pareto_sql_and_export(tmp_path, mosaic):
    from mosaiclink.explore.evaluate import METRICS, code_version, evaluate_rows
    from mosaiclink.explore.runner import run_sweep
    from mosaiclink.explore.spec import load_sweep

    store = tmp_path / "r.duckdb"
    with ResultStore(store) as rs:
        run_sweep(load_sweep(sweep_mapping(chunk_size=100, steps=5), METRICS), rs, evaluate_rows, code_version())
    out = tmp_path / "front.parquet"
    result = mosaic("results", "--store", str(store), "--pareto", "--json", "--export", str(out))
    assert result.returncode == 0, result.stderr
    front = json.loads(result.stdout)
    with ResultStore(store, read_only=True) as rs:
        table = rs.sql("SELECT key, power_w, reach_m, fit FROM designs WHERE ber <= 2.4e-4").to_pydict()
    values = np.column_stack([table["power_w"], table["reach_m"], table["fit"]])
    expected = set(np.asarray(table["key"])[pareto_mask(values, ["minimize", "maximize", "minimize"])])
    assert {row["key"] for row in front} == expected and expected
    import pyarrow.parquet as pq

    assert set(pq.read_table(out).column("key").to_pylist()) == expected
    query = mosaic("results", "--store", str(store), "--sql", "SELECT count(*) AS n FROM designs", "--json")
    assert json.loads(query.stdout) == [{"n": 75}]
    bad = mosaic("results", "--store", str(store), "--sql", "SELECT nope FROM designs")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
