"""Read and write specs as TOML, YAML or JSON, chosen by file extension.

Writes go to a temporary file that is atomically renamed over the target, so an error
midway never leaves a truncated file behind.
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any, TypeVar

import tomli_w
import yaml

from mosaiclink.config.base import Spec
from mosaiclink.errors import ConfigError

SpecT = TypeVar("SpecT", bound=Spec)
SUFFIXES = (".toml", ".yaml", ".yml", ".json")


def read_mapping(path: str | Path) -> dict[str, Any]:
    """Parse a TOML/YAML/JSON file into a dict; any problem is a one-line ConfigError."""
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise ConfigError(f"config file = '{path}': extension must be one of {', '.join(SUFFIXES)}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"config file = '{path}': cannot be read ({exc.strerror})") from None
    try:
        if path.suffix == ".toml":
            data = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        first_line = str(exc).splitlines()[0]
        raise ConfigError(f"config file = '{path}': not valid {path.suffix[1:].upper()} ({first_line})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file = '{path}': top level must be a table of keys")
    return data


def load_spec(path: str | Path, spec_type: type[SpecT]) -> SpecT:
    """Load and validate a spec of ``spec_type`` from a file."""
    return spec_type.from_mapping(read_mapping(path))


def dump_text(data: dict[str, Any], suffix: str) -> str:
    """Serialise a mapping in the format named by a file suffix."""
    if suffix == ".toml":
        return tomli_w.dumps(_drop_none(data))
    if suffix == ".json":
        return json.dumps(data, indent=2) + "\n"
    if suffix in (".yaml", ".yml"):
        return yaml.safe_dump(data, sort_keys=False)
    raise ConfigError(f"output file suffix = '{suffix}': must be one of {', '.join(SUFFIXES)}")


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename: never a partial file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_spec(spec: Spec, path: str | Path) -> Path:
    """Write a spec atomically (temp file + rename) in the format of the file extension."""
    path = Path(path)
    return write_text_atomic(path, dump_text(spec.to_mapping(), path.suffix))


def _drop_none(value: Any) -> Any:
    """TOML has no null: drop keys whose value is None."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value
