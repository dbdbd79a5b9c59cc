"""``mosaic report`` on the default design in a fresh process: its CPU (children included) beside the
same report with the Matplotlib paper figures (what every report drew before ``--paper-figures``),
interleaved so the machine's load hits both alike; target 5 s of CPU with warm caches: Numba's
compiled kernels and Python's bytecode, as an installed package has them (a first, untimed run
writes both; ``PYTHONDONTWRITEBYTECODE`` is dropped for the runs, or every run would compile the
package's ~150 modules from source again: ~0.25 s of CPU)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import Result, interleave

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 5.0


def _report(*extra: str):
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT / "src")

    def run():
        with tempfile.TemporaryDirectory() as out:
            command = [sys.executable, "-m", "mosaiclink", "report", "--out", out, *extra]
            subprocess.run(command, check=True, capture_output=True, env=env)
        return 1, 0

    return run


def run(quick: bool) -> list[Result]:
    default, with_figures = _report(), _report("--paper-figures")
    default()  # warm the file cache, Numba's on-disk cache and the bytecode
    mine, theirs = interleave(default, with_figures, 1 if quick else 3)
    return [
        Result(
            "report",
            f"`mosaic report` (default design, warm Numba cache and bytecode; target {TARGET_S:g} s of CPU) "
            "vs the same with --paper-figures",
            "run",
            mine,
            theirs,
            "with paper figures",
            goal=1 / TARGET_S,
        )
    ]
