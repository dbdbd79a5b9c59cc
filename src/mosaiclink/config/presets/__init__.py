"""Named preset designs shipped as TOML files beside this module (``config/presets/*.toml``).

A preset (or any design file) may start with ``extends = "other-preset"``: its tables are then
deep-merged over that preset, so a scaled design states only what differs.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from mosaiclink.config.base import deep_merge
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.io import read_mapping, read_package_toml
from mosaiclink.errors import ConfigError

_PRESET_PACKAGE = "mosaiclink.config.presets"
DEFAULT_PRESET = "mosaic-800g"


def preset_names() -> list[str]:
    """Names of the shipped presets, sorted.

    Examples
    --------
    >>> from mosaiclink.config.presets import preset_names
    >>> preset_names()
    ['mosaic-1.6t', 'mosaic-3.2t', 'mosaic-400g', 'mosaic-800g', 'mosaic-prototype']
    """
    files = resources.files(_PRESET_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def _preset_mapping(name: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    names = preset_names()
    if name not in names:
        raise ConfigError(f"preset = {name!r}: unknown; valid presets: {', '.join(names)}")
    if name in seen:
        raise ConfigError(f"preset = {name!r}: 'extends' chain loops ({' -> '.join(seen + (name,))})")
    return _resolve(read_package_toml(_PRESET_PACKAGE, f"{name}.toml"), seen + (name,))


def _resolve(data: dict[str, Any], seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Apply an ``extends`` key by deep-merging ``data`` over the named preset."""
    data = dict(data)
    base_name = data.pop("extends", None)
    if base_name is None:
        return data
    if not isinstance(base_name, str):
        raise ConfigError(f"extends = {str(base_name)[:60]!r}: must be a preset name (a string)")
    return deep_merge(_preset_mapping(base_name, seen), data)


def load_preset(name: str) -> MosaicDesign:
    """The validated :class:`MosaicDesign` of a shipped preset; unknown names list the valid ones.

    Examples
    --------
    >>> from mosaiclink.config.presets import load_preset
    >>> proto = load_preset("mosaic-prototype")
    >>> proto.array.data_channels, proto.link.rate_gbps, proto.link.length_m
    (100, 2.0, 20.0)
    """
    return MosaicDesign.from_mapping(_preset_mapping(name), where="")


def load_design(path: str | Path) -> MosaicDesign:
    """Load a design file (TOML/YAML/JSON), honouring ``extends = "<preset>"``."""
    return MosaicDesign.from_mapping(_resolve(read_mapping(path)))
