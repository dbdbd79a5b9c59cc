"""Read and write specs as TOML, YAML or JSON, chosen by file extension.

:func:`read_mapping` is the one reader of user-supplied config files: whatever the bytes (binary,
huge, deeply nested, malformed), it returns a dict or raises one :class:`ConfigError` line that
names the file.

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
MAX_CONFIG_BYTES = 4 * 2**20  # 4 MiB: the largest shipped file is a few kB; a sweep's value list fits easily
MAX_CONFIG_DEPTH = 16  # tables and lists nested deeper than this are never a spec (designs nest 3 levels)


def read_mapping(path: str | Path) -> dict[str, Any]:
    """Parse a TOML/YAML/JSON file into a dict; any problem is a one-line ConfigError naming the file.

    Guards, in order: the extension, a size limit (:data:`MAX_CONFIG_BYTES`, read without
    trusting the file's reported size, so a pipe or device cannot stream forever), UTF-8
    decoding, the parser's own errors, the parser's recursion (a file of 100,000 nested
    brackets) and a nesting-depth limit (:data:`MAX_CONFIG_DEPTH`) on the parsed value.
    """
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise ConfigError(f"config file = '{path}': extension must be one of {', '.join(SUFFIXES)}")
    text = _read_text(path)
    try:
        if path.suffix == ".toml":
            data = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except RecursionError:
        raise _nested_too_deep(path) from None
    except (ValueError, yaml.YAMLError) as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ConfigError(f"config file = '{path}': not valid {path.suffix[1:].upper()} ({first_line})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file = '{path}': top level must be a table of keys, got {type(data).__name__}")
    if _depth(data) > MAX_CONFIG_DEPTH:
        raise _nested_too_deep(path)
    return data


def _read_text(path: Path) -> str:
    """The file's text, refusing unreadable, oversized and non-UTF-8 files in one line."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"config file = '{path}': cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"config file = '{path}': larger than {MAX_CONFIG_BYTES // 2**20} MiB; a spec file is a few kB"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"config file = '{path}': not UTF-8 text (byte {exc.start}: {raw[exc.start : exc.start + 1]!r}); "
            "is it a binary file?"
        ) from None


def _depth(value: Any, limit: int = MAX_CONFIG_DEPTH) -> int:
    """Nesting depth of dicts and lists, counted iteratively and stopped just past ``limit``.

    YAML anchors can make one object appear many times (a "billion laughs" file); each object
    is visited once, so the walk stays linear in the file size.
    """
    deepest, seen, stack = 0, set(), [(value, 0)]
    while stack:
        item, level = stack.pop()
        if not isinstance(item, (dict, list)) or id(item) in seen:
            continue
        seen.add(id(item))
        deepest = max(deepest, level + 1)
        if deepest > limit:
            return deepest
        stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _nested_too_deep(path: Path) -> ConfigError:
    return ConfigError(f"config file = '{path}': nested deeper than {MAX_CONFIG_DEPTH} levels; a spec has at most 4")


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


OUTPUT_MODE = 0o644  # written files are world-readable like any other output


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename: never a partial file.

    The file is :data:`OUTPUT_MODE` (0644). An unwritable place (read-only folder, a file where
    a folder should be, a full disk) is a one-line ConfigError naming the file.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"output file = '{path}': cannot be written ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, OUTPUT_MODE)  # mkstemp makes it 0600: readable only by its owner
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ConfigError(f"output file = '{path}': cannot be written ({exc.strerror or exc})") from None
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
