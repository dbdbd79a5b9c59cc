"""The documentation site (mkdocs-material + mkdocstrings) builds with --strict: no broken link or reference."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")

ROOT = Path(__file__).resolve().parents[2]


def test_site_builds_strict_and_documents_every_layer(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for layer in ("config", "physics", "sim", "datapath", "system", "cluster", "explore", "report"):
        assert (tmp_path / "api" / layer / "index.html").is_file()
    api = (tmp_path / "api" / "index.html").read_text()
    for name in ("load_design", "evaluate_cluster", "write_report", "plot", "assess"):
        assert f'id="mosaiclink.api.{name}"' in api or f'id="mosaiclink.assess.{name}"' in api, name
