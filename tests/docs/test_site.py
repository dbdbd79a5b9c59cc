"""The documentation site (mkdocs-material + mkdocstrings + mkdocs-jupyter) builds with --strict: no
broken link or reference; every page is in the nav, every public module in the API reference, the
notebooks are rendered with their outputs, and no Sphinx role shows as raw text."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("mkdocstrings")

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
RAW_ROLE = re.compile(r":(func|class|meth|mod|attr|data|exc|obj|math):(<code>|`)")


def public_modules() -> list[str]:
    """Every module of the package (not a package's ``__init__``) with no leading underscore in its path."""
    import mosaiclink

    return [
        m.name
        for m in pkgutil.walk_packages(mosaiclink.__path__, "mosaiclink.")
        if not m.ispkg and not any(part.startswith("_") for part in m.name.split("."))
    ]


def test_every_public_module_is_in_the_api_reference():
    documented = set(re.findall(r"^::: (\S+)", "".join(p.read_text() for p in (DOCS / "api").glob("*.md")), re.M))
    modules = public_modules()
    assert len(modules) > 100
    missing = [m for m in modules if m not in documented]
    assert not missing, f"add to docs/api/<layer>.md: {missing}"
    import mosaiclink

    defining = {
        getattr(importlib.import_module(module), name).__module__ for name, module in mosaiclink._EXPORTS.items()
    }
    assert defining <= documented, defining - documented  # every exported name's module is documented


def test_every_page_is_in_the_nav():
    nav = (ROOT / "mkdocs.yml").read_text().split("\nnav:", 1)[1]
    pages = {
        p.relative_to(DOCS).as_posix()
        for p in [*DOCS.rglob("*.md"), *(DOCS / "notebooks").glob("*.py")]
        if p.relative_to(DOCS).parts[0] not in ("snippets", "hooks")
    }
    missing = sorted(page for page in pages if page not in nav)
    assert not missing, f"pages not in mkdocs.yml's nav: {missing}"


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
        assert f'id="mosaiclink.api.{name}"' in api or f'id="mosaiclink.assessment.{name}"' in api, name
    # Sphinx roles in docstrings are links (documented targets) or code, never raw text
    pages = list(tmp_path.rglob("*.html"))
    raw = [p.relative_to(tmp_path).as_posix() for p in pages if RAW_ROLE.search(p.read_text())]
    assert not raw, f"raw Sphinx roles in {raw}"
    assert 'href="physics/#mosaiclink.physics.link.evaluate_link"' in api  # a role became a link
    # the notebooks are rendered with the outputs of their execution at build time
    for notebook in (DOCS / "notebooks").glob("*.py"):
        page = (tmp_path / "notebooks" / notebook.stem / "index.html").read_text()
        assert page.count("jp-OutputArea-output") >= 2, notebook.stem
        assert "Traceback" not in page, notebook.stem
    assert (tmp_path / "gallery" / "index.html").is_file()
