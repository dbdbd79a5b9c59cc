"""The quick benchmark run (``python -m benchmarks --quick``) meets its per-core floors.

Speed targets live in the benchmarks, not in timed unit tests (DESIGN.md); this runs that one
command as CI's check of them. Every floor there is a ratio to a peer or a baseline timed in the
same run (interleaved rounds, per core: CPU time, one thread each side), never an absolute rate,
so a loaded machine slows both sides of each ratio alike.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_benchmarks_meet_their_floors(tmp_path):
    pytest.importorskip("optic")
    pytest.importorskip("galois")
    pytest.importorskip("reedsolo")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(tmp_path / "quick.json")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "| sim-symbol |" in out.stdout and "| rs-galois |" in out.stdout
    rows = json.loads((tmp_path / "quick.json").read_text())["results"]
    floored = [r for r in rows if r["floor"] is not None]
    assert floored and all(r["peer"] is not None for r in floored), [r["name"] for r in floored if r["peer"] is None]
