"""BER points as CSV, units in the header: the table form of ``mosaic-ber-points/1``.

A bench log is a table, so the points of a dataset can be a CSV whose first line names the
format and whose header names each column with its unit::

    # format = mosaic-ber-points/1
    label,length_m,rate_mbps,temperature_c,errors,bits
    20 m bench,20,2000,25,123,1e12
    30 m bench,30,2000,25,4100,1e9

A column is a point field of the TOML format (``config.measurements``: ``length``, ``rate``,
``temperature``, ``received_oma``, ``received_power``, ``errors``, ``bits``, ``ber``,
``sigma_decades``, ``ber_low``, ``ber_high``, ``ber_upper``, ``ber_lower``, ``label``) with any
unit pint converts to the field's (``length_km``, ``rate_mbps``, ``temperature_k``,
``received_oma_mw``); an empty cell is absent, so rows may give different kinds of observation.
Each row is checked exactly as a ``[[point]]`` table is (one :class:`ConfigError` line naming the
file, the row and the field). The dataset's name is the file's stem; ``base``, ``--free`` and the
ranges come from the command line (``mosaic calibrate points.csv --base mosaic-prototype``), and
the statistic is the median channel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mosaiclink.config.measurements import (
    _POINT_FIELDS,
    BER_POINTS_FORMAT,
    BerDataset,
    _point,
    _read_csv,
    file_sha256,
    load_ber_dataset,
)
from mosaiclink.config.quantities import field_unit
from mosaiclink.errors import ConfigError

_TEXT = frozenset({"label"})
_BARE = frozenset({"errors", "bits", "ber", "sigma_decades", "ber_low", "ber_high", "ber_upper", "ber_lower"})
_WITH_UNIT = {
    "length": "length_m",
    "rate": "rate_gbps",
    "temperature": "temperature_c",
    "received_oma": "received_oma_dbm",
    "received_power": "received_power_dbm",
}


def load_ber_data(path: str | Path) -> BerDataset:
    """A BER dataset from a ``mosaic-ber-points/1`` TOML file or its CSV form (by the suffix)."""
    path = Path(path)
    return load_ber_points_csv(path) if path.suffix.lower() == ".csv" else load_ber_dataset(path)


def _field(path: Path, column: str) -> tuple[str, str | None]:
    """The point field a header column feeds and the unit its cells carry (None: bare numbers or text)."""
    if column in _TEXT or column in _BARE:
        return column, None
    for stem, field in _WITH_UNIT.items():
        if column.startswith(stem + "_") and field_unit(column) is not None:
            unit = field_unit(column)
            return field, (None if column == field else unit)
    allowed = ", ".join(sorted(_BARE | _TEXT | {f"{s}_<unit>" for s in _WITH_UNIT}))
    raise ConfigError(f"{path}: row header: unknown column '{column}'; allowed: {allowed}")


def load_ber_points_csv(path: str | Path) -> BerDataset:
    """Read the CSV form of ``mosaic-ber-points/1`` (module docstring) into a :class:`BerDataset`."""
    path = Path(path)
    header, rows = _read_csv(path, BER_POINTS_FORMAT)
    fields = [_field(path, column) for column in header]
    seen = [f for f, _ in fields]
    for field in seen:
        if seen.count(field) > 1:
            raise ConfigError(f"{path}: row header: two columns give '{field}'")
    assert set(seen) <= _POINT_FIELDS  # every column feeds a field of the TOML point format
    if not rows:
        raise ConfigError(f"{path}: no point rows under the header")
    points = []
    for line, cells in rows:
        if len(cells) != len(header):
            raise ConfigError(f"{path}: row {line}: {len(cells)} cells, the header has {len(header)}")
        raw: dict[str, Any] = {}
        for (field, unit), cell in zip(fields, cells, strict=True):
            text = cell.strip()
            if not text:
                continue
            if field in _TEXT:
                raw[field] = text
            elif unit is None:
                raw[field] = _number(path, line, field, text)
            else:
                raw[field] = f"{_number(path, line, field, text)!r} {unit}"
        points.append(_point(raw, line, path))
    return BerDataset(
        path=path,
        name=path.stem,
        source=f"{path.name} (CSV)",
        base=None,
        sha256=file_sha256(path),
        points=tuple(points),
    )


def _number(path: Path, line: int, field: str, text: str) -> float:
    import math

    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{path}: row {line}: column '{field}' = {text!r}: not a number") from None
    if not math.isfinite(value):
        raise ConfigError(f"{path}: row {line}: column '{field}' = {text!r}: must be finite")
    return value
