"""Every code name the docs cite exists: a backticked dotted name that starts at one of the package's
subpackages (``physics.link.evaluate_link``, ``explore.evaluate.BLOCK_ROWS``) resolves to a module
and its attributes. docs/explore.md named two functions and a phase search that no longer existed
(``optics.launch_coupling``, ``optics.square_aperture_capture``, ``physics.link._candidate_samples``)
and described a retired model around them; nothing failed (session 15)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
SUBPACKAGES = ("mosaiclink", "physics", "explore", "system", "config", "cluster", "datapath", "report", "web",
               "cli", "workloads", "assessment", "sim")  # fmt: skip
FILE_SUFFIXES = (".py", ".md", ".json", ".toml", ".npz", ".csv", ".txt", ".html")
NAME = re.compile(r"`((?:[A-Za-z_][A-Za-z0-9_]*\.)+[A-Za-z_][A-Za-z0-9_]*)(?:\(\))?`")


def cited_names(text: str) -> list[str]:
    """The dotted names in backticks that start at a subpackage (file names left out)."""
    return sorted(
        {name for name in NAME.findall(text) if name.split(".")[0] in SUBPACKAGES and not name.endswith(FILE_SUFFIXES)}
    )


def resolves(name: str) -> bool:
    """Whether ``name`` (``mosaiclink.`` implied) is a module, or a module and attributes of it."""
    parts = name.split(".")
    if parts[0] != "mosaiclink":
        parts = ["mosaiclink", *parts]
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attribute in parts[split:]:
            if not hasattr(obj, attribute):
                return False
            obj = getattr(obj, attribute)
        return True
    return False


def test_the_check_finds_names_and_tells_a_missing_one():
    text = "`physics.link.evaluate_link`, `optics.py`, `np.median`, `physics.link._candidate_samples`"
    assert cited_names(text) == ["physics.link._candidate_samples", "physics.link.evaluate_link"]
    assert resolves("physics.link.evaluate_link") and resolves("mosaiclink.explore.evaluate.BLOCK_ROWS")
    assert not resolves("physics.link._candidate_samples") and not resolves("physics.no_such_module.x")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_code_name_a_page_cites_exists(page):
    missing = [name for name in cited_names(page.read_text(encoding="utf-8")) if not resolves(name)]
    assert not missing, f"{page.name} cites names the code does not have: {missing}"
