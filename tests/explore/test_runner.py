"""Runner and store together: exactly-once results, resume after SIGKILL, Dask with a dying worker."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mosaiclink.explore.evaluate import METRICS, code_version, evaluate_rows
from mosaiclink.explore.runner import run_sweep
from mosaiclink.explore.spec import load_sweep
from mosaiclink.explore.store import ResultStore

from .conftest import sweep_mapping

SRC = Path(__file__).resolve().parents[2] / "src"
# a guard against a hung subprocess, not a speed check (benchmarks/ measures the sweep's speed):
# the resume evaluates ~1,100 designs with their population reaches, ~15 s of CPU idle, and a
# shared CI or developer machine may stretch that several times in wall time
HANG_GUARD_S = 600


def stored(path) -> dict[str, np.ndarray]:
    with ResultStore(path, read_only=True) as store:
        table = store.table()
    return {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names}


def assert_same_results(a: dict, b: dict) -> None:
    np.testing.assert_array_equal(a["key"], b["key"])
    assert len(set(a["key"])) == len(a["key"])
    for name in METRICS + ("link.length_m", "link.rate_gbps", "array.spare_channels"):
        np.testing.assert_allclose(a[name], b[name], rtol=1e-9, atol=0, err_msg=name)


def run_inline(mapping, path) -> None:
    with ResultStore(path) as store:
        run_sweep(load_sweep(mapping, METRICS), store, evaluate_rows, code_version())


def test_rerun_computes_nothing_and_process_pool_matches_inline(tmp_path):
    mapping = sweep_mapping(chunk_size=40)
    run_inline(mapping, tmp_path / "a.duckdb")
    with ResultStore(tmp_path / "a.duckdb") as store:
        again = run_sweep(load_sweep(mapping, METRICS), store, evaluate_rows, code_version())
    assert again.n_computed == 0 and again.n_already_stored == 108
    with ResultStore(tmp_path / "b.duckdb") as store:
        summary = run_sweep(load_sweep(mapping, METRICS), store, evaluate_rows, code_version(), workers=2)
    assert summary.n_computed == 108 and summary.n_chunks_written == 3
    assert_same_results(stored(tmp_path / "a.duckdb"), stored(tmp_path / "b.duckdb"))


@pytest.mark.slow  # kills and restarts a sweep process
def test_sigkill_mid_sweep_then_resume_equals_uninterrupted_run(tmp_path, write_sweep):
    mapping = sweep_mapping(chunk_size=40, steps=20)  # 1200 designs in 30 chunks
    spec = write_sweep(mapping)
    killed = tmp_path / "killed.duckdb"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mosaiclink", "sweep", str(spec), "--store", str(killed)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    for line in proc.stderr:
        if line.startswith("chunk 3 committed"):
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=HANG_GUARD_S)
    assert proc.returncode == -signal.SIGKILL
    partial = stored(killed)
    assert 3 * 40 <= len(partial["key"]) < 1200  # killed mid-way, whole chunks only
    assert len(partial["key"]) % 40 == 0

    resume = subprocess.run(
        [sys.executable, "-m", "mosaiclink", "sweep", str(spec), "--store", str(killed), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=HANG_GUARD_S,
    )
    assert resume.returncode == 0, resume.stderr
    assert f'"already_stored": {len(partial["key"])}' in resume.stdout
    run_inline(mapping, tmp_path / "clean.duckdb")
    assert_same_results(stored(killed), stored(tmp_path / "clean.duckdb"))


@pytest.mark.slow  # starts a local Dask cluster
def test_dask_local_cluster_worker_killed_mid_run_every_result_once(tmp_path):
    from distributed import LocalCluster

    mapping = sweep_mapping(chunk_size=150, steps=20)  # 1200 designs in 8 chunks
    killed_pids: list[int] = []
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        nanny = next(iter(cluster.workers.values()))

        def kill_one_worker(chunks_written: int) -> None:
            if chunks_written == 1:  # the other chunks are still queued or running on the workers
                killed_pids.append(nanny.process.process.pid)
                os.kill(killed_pids[0], signal.SIGKILL)

        with ResultStore(tmp_path / "dask.duckdb") as store:
            summary = run_sweep(
                load_sweep(mapping, METRICS),
                store,
                evaluate_rows,
                code_version(),
                scheduler=cluster.scheduler_address,
                on_chunk=kill_one_worker,
            )
    assert killed_pids, "no worker was killed"
    with pytest.raises(ProcessLookupError):
        os.kill(killed_pids[0], 0)
    assert summary.n_computed == 1200 and summary.n_chunks_written == 8
    run_inline(mapping, tmp_path / "inline.duckdb")
    assert_same_results(stored(tmp_path / "dask.duckdb"), stored(tmp_path / "inline.duckdb"))


def test_bad_spec_is_one_line_exit_2_and_store_untouched(tmp_path, write_sweep, mosaic):
    good = write_sweep(sweep_mapping(chunk_size=50, steps=3))
    path = tmp_path / "r.duckdb"
    run_inline(sweep_mapping(chunk_size=50, steps=3), path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    before = stored(path)
    bad = sweep_mapping()
    bad["parameters"]["fiber.numerical_aperture"] = {"values": [0.2]}
    result = mosaic("sweep", str(write_sweep(bad, "bad.toml")), "--store", str(path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: unknown parameter path 'parameters.fiber.numerical_aperture'; did you mean 'fiber.na'?"
    ]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    not_a_store = tmp_path / "notes.csv"
    not_a_store.write_text("a,b\n1,2\n")
    result = mosaic("sweep", str(good), "--store", str(not_a_store))
    assert result.returncode == 2 and "not a DuckDB result store" in result.stderr
    assert not_a_store.read_text() == "a,b\n1,2\n"
    assert_same_results(stored(path), before)
