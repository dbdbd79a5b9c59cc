"""The one reader of every file the tool reads, and the atomic writer of every file it writes.

Readers (each a one-line :class:`ConfigError` naming the file on any problem, whatever the
bytes: binary, huge, deeply nested, malformed, a FIFO, a device or a folder):

- :func:`read_bytes` -- regular files only (checked with ``os.stat`` before opening and
  ``os.fstat`` after, opened with ``O_NONBLOCK`` so a FIFO swapped in cannot hang), at most
  ``max_bytes`` read whatever size the file reports;
- :func:`read_text` -- the same, decoded as UTF-8;
- :func:`read_toml` -- TOML of any suffix (measurement, ranges, datasheet files), parser
  recursion and nesting depth capped; :func:`read_mapping` -- TOML/YAML/JSON by extension
  (designs, sweeps, scenarios, catalogs);
- :func:`read_csv_rows` -- CSV rows with a field-size and row-count cap;
- :func:`read_package_toml` -- a TOML file shipped inside the package (presets, scenarios, ranges);
- :func:`require_table` -- the type check of a table before it is used (``extends = 1``, ``led = 3``).

A test (``tests/config/test_one_reader.py``) fails on any file read elsewhere in the package.

Writes go to a temporary file that is atomically renamed over the target, so an error
midway never leaves a truncated file behind.
"""

from __future__ import annotations

import csv
import json
import os
import stat
import tempfile
import tomllib
from collections.abc import Mapping
from importlib import resources
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
MAX_DATA_BYTES = 64 * 2**20  # 64 MiB: a measurement CSV/Touchstone of ~1 M rows; the shipped ones are < 10 kB
MAX_CSV_FIELD_CHARS = 4096  # one CSV cell: a number or a short label, never kilobytes
MAX_CSV_ROWS = 1_000_000  # rows of one measurement CSV (a VNA sweep has ~10^3-10^4 points)
MAX_SHOWN_CHARS = 160  # longest path echoed in an error message
MAX_NAME_CHARS = 255  # longest file name most file systems take (NAME_MAX)


def _open_regular(path: Path, what: str, shown: str) -> int:
    """A read-only descriptor of the regular file ``path``: its type checked before opening
    (``os.stat``) and on the open descriptor (``os.fstat``), ``O_NONBLOCK`` so a FIFO never waits."""
    try:
        _require_regular(os.stat(path).st_mode, what, shown)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ConfigError(f"{what} = '{shown}': cannot be read ({exc.strerror or exc})") from None
    try:
        _require_regular(os.fstat(fd).st_mode, what, shown)
    except OSError as exc:
        os.close(fd)
        raise ConfigError(f"{what} = '{shown}': cannot be read ({exc.strerror or exc})") from None
    except ConfigError:
        os.close(fd)
        raise
    return fd


def read_bytes(path: str | Path, what: str = "file", max_bytes: int = MAX_CONFIG_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else is one ConfigError line.

    The type is checked before opening (``os.stat``: a FIFO, device or folder is refused without
    being opened) and again on the open descriptor (``os.fstat``: a file swapped for a FIFO in
    between is refused too); ``O_NONBLOCK`` keeps that open from waiting for a FIFO's writer. The
    read stops at ``max_bytes + 1`` whatever size the file reports.
    """
    path = Path(path)
    shown = _shown(path)
    if len(path.name.encode("utf-8", "surrogateescape")) > MAX_NAME_CHARS:
        raise ConfigError(f"{what} = '{shown}': name longer than {MAX_NAME_CHARS} bytes")
    fd = _open_regular(path, what, shown)
    try:
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(2**20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ConfigError(f"{what} = '{shown}': cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if size > max_bytes:
        limit = f"{max_bytes // 2**20} MiB" if max_bytes >= 2**20 else f"{max_bytes:,} bytes"
        raise ConfigError(f"{what} = '{shown}': larger than {limit}; is it the right file?")
    return b"".join(chunks)


def check_file_path(path: str | Path, what: str = "file") -> Path:
    """``path`` if it names a regular file or nothing yet (a store to create); one line otherwise.

    Refused: a name longer than :data:`MAX_NAME_CHARS`, a folder, FIFO or device, and a path
    that cannot exist (a file where a folder should be).
    """
    path = Path(path)
    shown = _shown(path)
    if len(path.name.encode("utf-8", "surrogateescape")) > MAX_NAME_CHARS:
        raise ConfigError(f"{what} = '{shown}': name longer than {MAX_NAME_CHARS} bytes")
    try:
        _require_regular(os.stat(path).st_mode, what, shown)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise ConfigError(f"{what} = '{shown}': cannot be used ({exc.strerror or exc})") from None
    return path


def read_head(path: str | Path, nbytes: int, what: str = "file") -> bytes:
    """The first ``nbytes`` of a regular file (a store's magic number), with :func:`read_bytes`'s checks."""
    path = Path(path)
    shown = _shown(path)
    fd = _open_regular(path, what, shown)
    try:
        return os.read(fd, nbytes)
    except OSError as exc:
        raise ConfigError(f"{what} = '{shown}': cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _require_regular(mode: int, what: str, shown: str) -> None:
    if stat.S_ISREG(mode):
        return
    kind = (
        "a folder"
        if stat.S_ISDIR(mode)
        else "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "not a regular file"
    )
    raise ConfigError(f"{what} = '{shown}': is {kind}; give a regular file")


def _shown(path: Path) -> str:
    """A path as echoed in an error, its middle cut past :data:`MAX_SHOWN_CHARS` (a 5,000-character
    name stays a short line)."""
    text = str(path)
    if len(text) <= MAX_SHOWN_CHARS:
        return text
    return text[:40] + "..." + text[-(MAX_SHOWN_CHARS - 43) :]


def read_npz(path: str | Path, what: str = "array file", max_bytes: int = MAX_DATA_BYTES) -> dict[str, Any]:
    """The arrays of a NumPy ``.npz`` file, read through :func:`read_bytes` (no pickles: object
    arrays are refused); a damaged archive is one line."""
    import io
    import zipfile

    import numpy as np

    raw = read_bytes(path, what, max_bytes)  # its own one-line refusals (FIFO, device, size)
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ConfigError(f"{what} = '{_shown(Path(path))}': not a readable .npz archive ({exc})") from None


def read_text(path: str | Path, what: str = "file", max_bytes: int = MAX_CONFIG_BYTES) -> str:
    """A regular file's UTF-8 text (:func:`read_bytes`); a binary file is one ConfigError line."""
    raw = read_bytes(path, what, max_bytes)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{what} = '{_shown(Path(path))}': not UTF-8 text (byte {exc.start}: "
            f"{raw[exc.start : exc.start + 1]!r}); is it a binary file?"
        ) from None


def read_mapping(path: str | Path, what: str = "config file") -> dict[str, Any]:
    """Parse a TOML/YAML/JSON file into a dict; any problem is a one-line ConfigError naming the file.

    Guards, in order: the extension, the file type and size (:func:`read_bytes`), UTF-8
    decoding, the parser's own errors, the parser's recursion (a file of 100,000 nested
    brackets) and a nesting-depth limit (:data:`MAX_CONFIG_DEPTH`) on the parsed value.
    """
    path = Path(path)
    if path.suffix not in SUFFIXES:
        raise ConfigError(f"{what} = '{_shown(path)}': extension must be one of {', '.join(SUFFIXES)}")
    return _parse(read_text(path, what), path.suffix, f"{what} = '{_shown(path)}'")


def read_toml(path: str | Path, what: str = "file") -> dict[str, Any]:
    """Parse a TOML file whatever its suffix (measurement, ranges and datasheet files)."""
    path = Path(path)
    return _parse(read_text(path, what), ".toml", f"{what} = '{_shown(path)}'")


def read_package_text(package: str, name: str) -> str:
    """The text of ``name`` shipped inside ``package`` (a preset, scenario, ranges or page template)."""
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def read_package_toml(package: str, name: str) -> dict[str, Any]:
    """Parse the TOML file ``name`` shipped inside ``package``."""
    return _parse(read_package_text(package, name), ".toml", f"{package}/{name}")


def _parse(text: str, suffix: str, where: str) -> dict[str, Any]:
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except RecursionError:
        raise _nested_too_deep(where) from None
    except (ValueError, yaml.YAMLError) as exc:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ConfigError(f"{where}: not valid {suffix[1:].upper()} ({first_line})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: top level must be a table of keys, got {type(data).__name__}")
    if _depth(data) > MAX_CONFIG_DEPTH:
        raise _nested_too_deep(where)
    return data


def require_table(value: Any, where: str) -> dict[str, Any]:
    """``value`` if it is a table (mapping); else one line: ``where = value: expected a table``."""
    if not isinstance(value, Mapping):
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise ConfigError(f"{where} = {shown}: expected a table of keys, got {type(value).__name__}")
    return dict(value)


def read_csv_rows(path: str | Path, what: str = "CSV file") -> list[list[str]]:
    """The rows of a UTF-8 CSV file, each cell at most :data:`MAX_CSV_FIELD_CHARS` characters.

    The size cap is :data:`MAX_DATA_BYTES`; the csv module's own errors (a NUL byte, an
    oversized field) and more than :data:`MAX_CSV_ROWS` rows are one ConfigError line.
    """
    path = Path(path)
    where = f"{what} = '{_shown(path)}'"
    lines = read_text(path, what, MAX_DATA_BYTES).splitlines()
    if len(lines) > MAX_CSV_ROWS:
        raise ConfigError(f"{where}: {len(lines):,} lines, more than {MAX_CSV_ROWS:,}")
    rows: list[list[str]] = []
    reader = csv.reader(lines)
    try:
        for cells in reader:
            longest = max((len(c) for c in cells), default=0)
            if longest > MAX_CSV_FIELD_CHARS:
                raise ConfigError(
                    f"{where}: row {reader.line_num}: a cell of {longest:,} characters, more than "
                    f"{MAX_CSV_FIELD_CHARS:,}; a cell holds a number or a short label"
                )
            rows.append(cells)
    except csv.Error as exc:
        raise ConfigError(f"{where}: row {reader.line_num}: not valid CSV ({exc})") from None
    return rows


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


def _nested_too_deep(where: str) -> ConfigError:
    return ConfigError(f"{where}: nested deeper than {MAX_CONFIG_DEPTH} levels; a spec has at most 4")


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
PLOT_SUFFIXES = (".png", ".pdf", ".svg")  # formats a plot is written in, chosen by the file's suffix


def check_output(
    path: str | Path,
    option: str,
    inputs: tuple[str | Path | None, ...] = (),
    others: tuple[str | Path | None, ...] = (),
    suffixes: tuple[str, ...] = (),
) -> Path:
    """``path`` as a file this command may (re)write, checked before any work is done; else one line.

    Refused: an empty or folder name, a name longer than :data:`MAX_NAME_CHARS`, a suffix not in
    ``suffixes`` (when given), an existing symbolic link, folder, FIFO or device (a write never
    follows a link onto another file nor replaces a device node), the same file as one of
    ``inputs`` (an output never destroys what the command reads) or as one of ``others`` (two
    outputs of one run never overwrite each other), and a folder that cannot be written (probed
    by creating and removing a temporary file there).
    """
    path = Path(path)
    shown = _shown(path)
    if path.name in ("", ".", "..") or str(path).endswith(os.sep):
        raise ConfigError(f"{option} = '{shown}': names a folder; give a file name")
    if len(path.name.encode("utf-8", "surrogateescape")) > MAX_NAME_CHARS:
        raise ConfigError(f"{option} = '{shown}': cannot write it (File name too long)")
    _check_target(path, option, shown)
    if suffixes and path.suffix.lower() not in suffixes:
        raise ConfigError(f"{option} = '{shown}': suffix must be one of {', '.join(suffixes)}")
    for kind, paths in (("an input of this command", inputs), ("another output of this command", others)):
        for other in paths:
            if other is not None and _same_file(path, Path(other)):
                raise ConfigError(f"{option} = '{shown}': is {kind} ('{_shown(Path(other))}'); give another name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".probe.", suffix=".tmp"):
            pass
    except OSError as exc:
        raise ConfigError(f"{option} = '{shown}': cannot write it ({exc.strerror or exc})") from None
    return path


def _check_target(path: Path, option: str, shown: str) -> None:
    """Refuse an existing target that is not a plain file (a link, folder, FIFO or device)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ConfigError(f"{option} = '{shown}': cannot write it ({exc.strerror or exc})") from None
    if stat.S_ISLNK(mode):
        raise ConfigError(f"{option} = '{shown}': is a symbolic link; give the file itself or a new name")
    if stat.S_ISDIR(mode):
        raise ConfigError(f"{option} = '{shown}': names a folder; give a file name")
    _require_regular(mode, option, shown)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one does not exist (yet): compare the names
        return os.path.abspath(a) == os.path.abspath(b)


def write_text_atomic(path: str | Path, text: str, option: str = "output file") -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename: never a partial file."""
    return write_bytes_atomic(path, text.encode("utf-8"), option)


def write_bytes_atomic(path: str | Path, data: bytes, option: str = "output file") -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    The file is :data:`OUTPUT_MODE` (0644). An existing link, folder, FIFO or device at ``path``
    is refused (the rename would replace the link or node, not write through it); an unwritable
    place (read-only folder, a file where a folder should be, a full disk) is a one-line
    ConfigError naming the file.
    """
    path = Path(path)
    shown = _shown(path)
    _check_target(path, option, shown)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".out.", suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"{option} = '{shown}': cannot be written ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, OUTPUT_MODE)  # mkstemp makes it 0600: readable only by its owner
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ConfigError(f"{option} = '{shown}': cannot be written ({exc.strerror or exc})") from None
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
