"""Process hygiene and damaged stores: no orphans after SIGKILL, one line for a damaged store."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mosaiclink.errors import ConfigError, StoreError
from mosaiclink.explore.runner import PARENT_POLL_S, check_scheduler
from mosaiclink.explore.store import ResultStore

from .conftest import sweep_mapping
from .test_runner import run_inline

SRC = Path(__file__).resolve().parents[2] / "src"


def _children(pid: int) -> set[int]:
    """Direct children of ``pid`` (Linux /proc)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(c) for c in text)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_sigkill_of_sweep_leaves_no_worker_processes(tmp_path, write_sweep):
    spec = write_sweep(sweep_mapping(chunk_size=20, steps=20))  # 1200 designs in 60 chunks
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mosaiclink",
            "sweep",
            str(spec),
            "--store",
            str(tmp_path / "r.duckdb"),
            "--workers",
            "2",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    for line in proc.stderr:
        if line.startswith("chunk 2 committed"):
            children = _children(proc.pid)
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert len(children) >= 2, children  # two workers (plus the resource tracker)
    deadline = time.monotonic() + 20 * PARENT_POLL_S + 10
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    orphans = [pid for pid in children if _alive(pid)]
    for pid in orphans:  # clean up before failing
        os.kill(pid, signal.SIGKILL)
    assert not orphans, f"worker processes outlived the killed sweep: {orphans}"


@pytest.fixture(scope="module")
def good_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "good.duckdb"
    run_inline(sweep_mapping(chunk_size=64, steps=12), path)
    return path


def _damage(source: Path, target: Path, how: str) -> Path:
    shutil.copy(source, target)
    size = target.stat().st_size
    if how == "truncated":
        os.truncate(target, size // 2)
    else:  # zeroed blocks in the middle
        with target.open("r+b") as handle:
            handle.seek(3 * 4096)
            handle.write(b"\0" * min(262_144, size - 3 * 4096))
    return target


@pytest.mark.parametrize("how", ["truncated", "zeroed"])
def test_damaged_store_is_one_line_from_every_command(tmp_path, good_store, write_sweep, mosaic, how):
    spec = write_sweep(sweep_mapping(chunk_size=64, steps=12))
    for args in (["sweep", str(spec)], ["results"], ["results", "--pareto"], ["results", "--export", "x.csv"]):
        path = _damage(good_store, tmp_path / f"{how}.duckdb", how)
        result = mosaic(*args, "--store", str(path))
        assert result.returncode == 2, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, (args, result.stderr)
        assert lines[0].startswith(f"error: store = '{path}': damaged (") and "rerun the sweep" in lines[0]


def test_damaged_store_from_the_api_is_a_store_error(tmp_path, good_store):
    path = _damage(good_store, tmp_path / "t.duckdb", "truncated")
    with pytest.raises(StoreError, match="damaged"):
        with ResultStore(path, read_only=True) as store:
            store.table()


@pytest.mark.parametrize("address", ["", "garbage", "tcp://", "tcp://host", "tcp://h:0", "tcp://h:99999", "inproc://x"])
def test_malformed_scheduler_address_is_a_config_error(address):
    with pytest.raises(ConfigError, match=r"^--scheduler = .*: must be tcp://HOST:PORT"):
        check_scheduler(address)
    assert check_scheduler("tcp://127.0.0.1:8786") == "tcp://127.0.0.1:8786"
    assert check_scheduler("tls://[::1]:8786") == "tls://[::1]:8786"


def test_worker_count_is_bounded_by_the_machine():
    from mosaiclink.explore.runner import check_workers

    assert check_workers(1) == 1
    with pytest.raises(ConfigError, match=r"^--workers = 99999999999: must be 1-\d+ \(4 per CPU"):
        check_workers(99_999_999_999)
