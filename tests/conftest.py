"""Shared test helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def mosaic():
    """Run ``python -m mosaiclink ARGS`` in a subprocess with this checkout's sources."""

    def run(*args: str, timeout_s: float = 120.0) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        return subprocess.run(
            [sys.executable, "-m", "mosaiclink", *args],
            capture_output=True, text=True, env=env, timeout=timeout_s,
        )

    return run
