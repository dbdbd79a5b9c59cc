"""`mosaic report` keeps its start-up lean: scipy.stats (~0.5 s of import) and scipy.integrate with
the scipy.optimize it loads (~0.1 s) stay off its path, so the saving does not silently come back with
a new module-level import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

PROGRAM = """
import json, runpy, sys
sys.argv = ["mosaic", "report", "--out", sys.argv[1]]
try:
    runpy.run_module("mosaiclink", run_name="__main__")
except SystemExit as exit_:
    assert not exit_.code, exit_.code
print(json.dumps(sorted(name for name in sys.modules if name.startswith("scipy."))))
"""


def test_the_default_report_never_imports_scipy_stats_integrate_or_optimize(tmp_path):
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(tmp_path)], capture_output=True, text=True, env=env, timeout=600
    )
    assert result.returncode == 0, result.stderr
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert (tmp_path / "report.json").exists()
    assert "scipy.special" in imported  # the check sees the report's own imports
    heavy = ("scipy.stats", "scipy.integrate", "scipy.optimize")
    assert not [name for name in imported if name in heavy or name.startswith(tuple(f"{h}." for h in heavy))]
