"""Technology catalog: the sourced figures of every alternative to MOSAIC.

The built-in catalog is package data (``system/catalog/*.toml``); users add their own files
with the same layout (``load_catalog(["my.toml"])``, ``mosaic compare --catalog my.toml``).
An entry in a user file with the id of a built-in entry replaces it.

Every problem in a file becomes one :class:`~mosaiclink.errors.CatalogError` line naming the
file, the entry id, the field path and the value, e.g.::

    catalog 'my.toml' entry 'aoc-800g': power_w_per_end.low = -1.0: Input should be greater than or equal to 0
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from mosaiclink.config.catalog import CatalogEntry, parse_rate_gbps
from mosaiclink.config.io import read_mapping
from mosaiclink.errors import CatalogError, ConfigError

BUILTIN_PACKAGE = __name__


@dataclass(frozen=True)
class Catalog:
    """An ordered, id-unique set of :class:`CatalogEntry` (built-in first, then user files)."""

    all_entries: tuple[CatalogEntry, ...]

    def entries(
        self,
        rate: str | float | None = None,
        technology: str | None = None,
        include_reference: bool = False,
    ) -> list[CatalogEntry]:
        """Entries at a rate (``'800g'``, ``'1.6t'``, ``800``) and/or of one technology.

        Reference-only rows (MOSAIC's published figures) are left out unless asked for.
        """
        rate_gbps = None if rate is None else parse_rate_gbps(rate)
        return [
            e
            for e in self.all_entries
            if (rate_gbps is None or abs(e.rate_gbps - rate_gbps) < 1e-9)
            and (technology is None or e.technology == technology)
            and (include_reference or not e.reference_only)
        ]

    def get(self, entry_id: str) -> CatalogEntry:
        """The entry with this id; a CatalogError names the nearest ids otherwise."""
        for entry in self.all_entries:
            if entry.id == entry_id:
                return entry
        near = difflib.get_close_matches(entry_id, [e.id for e in self.all_entries], n=3, cutoff=0.4)
        raise CatalogError(f"catalog entry = {entry_id!r}: unknown; nearest: {', '.join(near) or 'none'}")

    def technologies(self) -> list[str]:
        """Technology keys in catalog order."""
        return list(dict.fromkeys(e.technology for e in self.all_entries))

    def rates_gbps(self) -> list[float]:
        """Aggregate rates present, ascending."""
        return sorted({e.rate_gbps for e in self.all_entries})


def parse_entries(data: dict, where: str) -> list[CatalogEntry]:
    """Validate the ``[[entry]]`` tables of one parsed catalog file."""
    extra = sorted(set(data) - {"entry"})
    if extra:
        raise CatalogError(f"catalog {where}: unknown top-level key '{extra[0]}'; expected [[entry]] tables")
    raw_entries = data.get("entry")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise CatalogError(f"catalog {where}: needs at least one [[entry]] table")
    parsed: list[CatalogEntry] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_entries):
        label = raw.get("id", f"#{index}") if isinstance(raw, dict) else f"#{index}"
        if not isinstance(raw, dict):
            raise CatalogError(f"catalog {where} entry {label}: must be a table")
        try:
            entry = CatalogEntry.from_mapping(raw)
        except ConfigError as exc:
            raise CatalogError(f"catalog {where} entry '{label}': {exc}") from None
        if entry.id in seen:
            raise CatalogError(f"catalog {where} entry '{entry.id}': id appears twice in this file")
        seen.add(entry.id)
        parsed.append(entry)
    return parsed


def builtin_paths() -> list[Path]:
    """The catalog files shipped with mosaiclink, sorted by name."""
    folder = resources.files(BUILTIN_PACKAGE)
    return sorted((Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)


def load_catalog(paths: Iterable[str | Path] | None = None, include_builtin: bool = True) -> Catalog:
    """Load the built-in catalog plus user files (later ids replace earlier ones).

    Parameters
    ----------
    paths
        Extra catalog files (TOML, YAML or JSON with a list ``entry``).
    include_builtin
        Start from the shipped catalog (default) or from the given files alone.
    """
    files = [Path(p) for p in (paths or [])]
    if not files and not include_builtin:
        raise CatalogError("catalog: no files given and include_builtin is False")
    by_id: dict[str, CatalogEntry] = {}
    for entry in [*(_builtin_entries() if include_builtin else ()), *(e for f in files for e in _file_entries(f))]:
        by_id[entry.id] = entry
    return Catalog(tuple(by_id.values()))


@functools.cache
def _builtin_entries() -> tuple[CatalogEntry, ...]:
    """The shipped files' entries in file order, read and validated once per process: they are
    package data and the entries frozen (a report loads the catalog a dozen times, ~20 ms each)."""
    return tuple(entry for path in builtin_paths() for entry in _file_entries(path))


def _file_entries(path: Path) -> list[CatalogEntry]:
    try:
        data = read_mapping(path)
    except ConfigError as exc:
        raise CatalogError(f"catalog: {exc}") from None
    return parse_entries(data, f"'{path.name}'")
