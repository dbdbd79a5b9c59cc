"""Every code name the docs cite exists: a backticked dotted name that starts at one of the package's
subpackages (``physics.link.evaluate_link``) or modules (``optics.launch``, ``evaluate.BLOCK_ROWS``)
resolves to a module and its attributes, or is a design's field path (``link.length_m``). docs/explore.md
named two functions and a phase search that no longer existed (``optics.launch_coupling``,
``optics.square_aperture_capture``, ``physics.link._candidate_samples``) and described a retired
model around them; nothing failed (session 15)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from pathlib import Path

import pytest

import mosaiclink
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.system import PowerSpec, ReliabilitySpec

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
SUBPACKAGES = ("mosaiclink", "physics", "explore", "system", "config", "cluster", "datapath", "report", "web",
               "cli", "workloads", "assessment", "sim")  # fmt: skip
FILE_SUFFIXES = (".py", ".md", ".json", ".toml", ".npz", ".csv", ".txt", ".html")
NAME = re.compile(r"`((?:[A-Za-z_][A-Za-z0-9_]*\.)+[A-Za-z_][A-Za-z0-9_]*)(?:\(\))?`")
NOT_CODE = {
    "posterior.full_model_reweight": "a key of mosaic uncertainty's --json",
    "distributed.Client": "Dask's client, not mosaiclink.sim.distributed",
}


@cache
def modules_by_name() -> dict[str, tuple[str, ...]]:
    """Every module of the package by its last name (``optics`` -> ``mosaiclink.physics.optics``)."""
    found: dict[str, list[str]] = {}
    for module in pkgutil.walk_packages(mosaiclink.__path__, "mosaiclink."):
        found.setdefault(module.name.rsplit(".", 1)[-1], []).append(module.name)
    return {name: tuple(full) for name, full in found.items()}


def cited_names(text: str) -> list[str]:
    """The dotted names in backticks that start at a subpackage or a module (file names left out)."""
    starts = set(SUBPACKAGES) | set(modules_by_name())
    return sorted(
        name
        for name in set(NAME.findall(text))
        if name.split(".")[0] in starts and not name.endswith(FILE_SUFFIXES) and name not in NOT_CODE
    )


def is_field_path(name: str) -> bool:
    """A dotted path of a design's fields (``link.length_m``, ``design.array.rows``) or of the power
    and reliability specs (``power.host_interface``)."""
    parts = name.removeprefix("design.").split(".")
    specs = {"power": PowerSpec, "reliability": ReliabilitySpec}
    model: type | None = specs.get(parts[0], MosaicDesign)
    for part in parts[1:] if parts[0] in specs else parts:
        fields = getattr(model, "model_fields", None)
        if not fields or part not in fields:
            return False
        model = fields[part].annotation
    return True


def cites_code(name: str) -> bool:
    """Whether ``name`` is a module and attributes (:func:`resolves`), by its subpackage or by any
    module of its first name, or a field path."""
    first, rest = name.split(".", 1)[0], name[len(name.split(".", 1)[0]) :]
    modules = modules_by_name().get(first, ())
    return resolves(name) or any(resolves(module + rest) for module in modules) or is_field_path(name)


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
    text = "`physics.link.evaluate_link`, `optics.py`, `np.median`, `optics.launch_coupling`, `link.length_m`"
    assert cited_names(text) == ["link.length_m", "optics.launch_coupling", "physics.link.evaluate_link"]
    assert cites_code("physics.link.evaluate_link") and cites_code("evaluate.BLOCK_ROWS")
    assert cites_code("optics.launch") and cites_code("link.length_m") and cites_code("design.array.rows")
    assert cites_code("power.host_interface") and not cites_code("power.no_such_field")
    assert not cites_code("optics.launch_coupling") and not cites_code("physics.link._candidate_samples")
    assert not cites_code("link.no_such_field") and not cites_code("physics.no_such_module.x")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_code_name_a_page_cites_exists(page):
    missing = [name for name in cited_names(page.read_text(encoding="utf-8")) if not cites_code(name)]
    assert not missing, f"{page.name} cites names the code does not have: {missing}"
