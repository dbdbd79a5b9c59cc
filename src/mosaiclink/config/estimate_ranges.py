"""Ranges of estimated inputs (``mosaic-ranges/1`` files): what ``mosaic uncertainty`` propagates.

A ranges file maps dotted paths to ``low``, ``high``, ``scale`` (``"linear"``: uniform,
``"log"``: log-uniform) and ``basis`` (where the range comes from, a tag of
``docs/research``). Paths name design leaves (``fiber.attenuation_db_per_m``), power-spec
leaves (``power.tia_power_mw``) or reliability-spec leaves (``reliability.cmos_die.fit``).
Values may carry units, converted into the unit of the leaf's name. ``extends = "other"``
starts from another ranges file. The shipped files live in ``config/ranges/<preset>.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from mosaiclink.config.io import read_package_toml, read_toml
from mosaiclink.config.quantities import convert
from mosaiclink.errors import ConfigError

RANGES_FORMAT = "mosaic-ranges/1"
_RANGES_PACKAGE = "mosaiclink.config.ranges"
_ENTRY_KEYS = frozenset({"low", "high", "scale", "basis"})
MAX_EXTENDS = 8  # longest 'extends' chain of ranges files (the shipped ones use 1)

Scale = Literal["linear", "log"]


@dataclass(frozen=True)
class InputRange:
    """The range of one uncertain input."""

    path: str
    low: float
    high: float
    scale: Scale
    basis: str


def shipped_ranges_names() -> list[str]:
    """Presets that ship a ranges file."""
    files = resources.files(_RANGES_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def load_ranges(name_or_path: str | Path, _seen: tuple[str, ...] = ()) -> dict[str, InputRange]:
    """Ranges of a preset (by name) or from a file, ``extends`` resolved; ``{path: InputRange}``."""
    data, where = _mapping(name_or_path)
    if where in _seen:
        raise ConfigError(f"{where}: 'extends' chain loops ({' -> '.join(_seen + (where,))})")
    if data.get("format") != RANGES_FORMAT:
        raise ConfigError(f"{where}: field 'format' = {str(data.get('format'))[:60]!r}: expected {RANGES_FORMAT!r}")
    unknown = set(data) - {"format", "extends", "range"}
    if unknown:
        raise ConfigError(f"{where}: unknown key '{sorted(unknown)[0]}'; allowed: format, extends, range")
    base = data.get("extends")
    if base is not None and (not isinstance(base, str) or not base):
        raise ConfigError(f"{where}: field 'extends' = {base!r}: expected a shipped ranges name or a .toml file")
    if len(_seen) >= MAX_EXTENDS:
        raise ConfigError(f"{where}: 'extends' chain longer than {MAX_EXTENDS} files")
    out = load_ranges(base, _seen + (where,)) if base is not None else {}
    table = data.get("range", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: field 'range': expected tables [range.\"dotted.path\"]")
    for path, entry in table.items():
        out[path] = _entry(path, entry, where)
    return out


def _mapping(name_or_path: str | Path) -> tuple[dict[str, Any], str]:
    path = Path(name_or_path)
    if path.suffix == ".toml":
        return read_toml(path, "ranges file"), str(path)[:80]
    names = shipped_ranges_names()
    if str(name_or_path) not in names:
        raise ConfigError(
            f"ranges = {str(name_or_path)[:80]!r}: no shipped ranges for this design; shipped: {', '.join(names)} "
            "(or give a mosaic-ranges/1 file with --ranges)"
        )
    return read_package_toml(_RANGES_PACKAGE, f"{name_or_path}.toml"), f"ranges/{name_or_path}.toml"


def _entry(path: str, entry: Any, where: str) -> InputRange:
    shown = path if len(path) <= 80 else path[:77] + "..."
    here = f"{where}: range '{shown}'"
    if not isinstance(entry, dict):
        raise ConfigError(f"{here}: expected a table with low, high, scale, basis")
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise ConfigError(f"{here}: unknown field '{sorted(unknown)[0]}'; allowed: {', '.join(sorted(_ENTRY_KEYS))}")
    for key in ("low", "high", "basis"):
        if key not in entry:
            raise ConfigError(f"{here}: field '{key}' is required")
    leaf = path.rsplit(".", 1)[-1]
    low, high = convert(leaf, entry["low"], f"{here}: low"), convert(leaf, entry["high"], f"{here}: high")
    scale = entry.get("scale", "linear")
    if scale not in ("linear", "log"):
        raise ConfigError(f"{here}: field 'scale' = {scale!r}: expected 'linear' or 'log'")
    if not low < high:
        raise ConfigError(f"{here}: low = {low:g} must be below high = {high:g}")
    if scale == "log" and low <= 0:
        raise ConfigError(f"{here}: low = {low:g}: a log range needs low > 0")
    return InputRange(path, low, high, scale, str(entry["basis"]))
