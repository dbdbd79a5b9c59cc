r"""Measurement files: BER points, LED small-signal response, receiver sensitivity, fibre datasheets.

Every file names its format and version on its first line (``format = "mosaic-ber-points/1"`` in
TOML, ``# format = mosaic-led-response/1`` in CSV), so a future version can change a format
without misreading old files. Quantities may carry their own units (``"0.3 dB/km"``, ``"50 um"``);
they are converted into the unit of the field name (:mod:`mosaiclink.config.quantities`).
Every problem is one :class:`~mosaiclink.errors.ConfigError` line naming the file, the row and
the field. The formats are documented with examples in ``docs/calibration.md``.

Formats
-------
``mosaic-ber-points/1`` (TOML)
    ``name``, ``source``, optional ``base`` (a preset or design file the data belong to),
    optional ``statistic`` (which channel the BER describes: ``"median"``, the default, the
    median over the array's channels as ``mosaic link`` headlines it; ``"worst"``; or
    ``"nominal"``, the nominal interior channel of the fast path),
    optional ``led_response``, ``sensitivity`` and ``datasheets`` (files beside it), optional
    ``[free."dotted.path"]`` tables (``low``, ``high``, optional ``prior_mean``/``prior_sigma``:
    the parameters a fit may move), and ``[[point]]`` rows. A point gives its conditions
    (``length_m``, ``rate_gbps``, optionally ``temperature_c``, ``received_oma_dbm``,
    ``received_power_dbm`` and a ``set`` table of other dotted-path values) and exactly one BER
    observation: ``errors`` and ``bits`` (counted), ``ber`` (with ``sigma_decades``),
    ``ber_low`` and ``ber_high`` (a 95 % interval), ``ber_upper`` (a published "BER < x") or
    ``ber_lower`` ("BER > x").
``mosaic-led-response/1`` (CSV) or a Touchstone ``.s2p``
    columns ``frequency_<unit>``, ``magnitude_db`` and optionally ``phase_deg``; for ``.s2p``
    the S21 of scikit-rf's reader. The magnitude is normalised to its lowest-frequency value.
``mosaic-rx-sensitivity/1`` (CSV)
    columns ``received_oma_dbm`` and either ``ber`` or ``errors`` and ``bits``.
``mosaic-datasheet/1`` (TOML)
    ``section`` (the design section the values belong to, e.g. ``"fiber"``), ``source`` and a
    ``[values]`` table of that section's leaves, with units.

Notes
-----
Every BER observation becomes a value in :math:`\log_{10}` BER with a standard deviation
:math:`\sigma` in decades. Counted errors are Poisson: :math:`\hat p = k/n` and
:math:`\sigma = 1/(\ln 10\,\sqrt{k})` (delta method); zero errors give the one-sided 95 %
bound :math:`p < 3/n` ("rule of three", Hanley & Lippman-Hand, JAMA 249, 1983). A 95 % interval
:math:`[p_l, p_h]` gives the geometric centre and :math:`\sigma = \log_{10}(p_h/p_l)/(2 \cdot 1.96)`.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from mosaiclink.config.io import read_bytes, read_csv_rows, read_toml, require_table
from mosaiclink.config.quantities import convert, field_unit, registry
from mosaiclink.errors import ConfigError

BER_POINTS_FORMAT = "mosaic-ber-points/1"
LED_RESPONSE_FORMAT = "mosaic-led-response/1"
SENSITIVITY_FORMAT = "mosaic-rx-sensitivity/1"
DATASHEET_FORMAT = "mosaic-datasheet/1"
STATISTICS = ("median", "nominal", "worst")  # which channel of the array a BER point describes
DEFAULT_STATISTIC = "median"
DEFAULT_SIGMA_DECADES = 0.2  # a published BER read off a figure or quoted in text (documented choice)
Z95 = 1.959963984540054

# The conditions of a BER point and the design leaves they set. The one place that names spec
# leaves for measurement conditions; a dataset may add others per point with ``set``.
CONDITION_PATHS = {
    "length_m": ("link.length_m",),
    "rate_gbps": ("link.rate_gbps",),
    "temperature_c": ("led.temperature_c",),
}
# The design leaf a variable attenuator in the optical path adds to (sensitivity curves), in dB.
ATTENUATION_PATH = "coupling.interface_loss_db"
_POINT_FIELDS = frozenset(
    {
        *CONDITION_PATHS,
        "received_oma_dbm",
        "received_power_dbm",
        "errors",
        "bits",
        "ber",
        "sigma_decades",
        "ber_low",
        "ber_high",
        "ber_upper",
        "ber_lower",
        "label",
        "set",
    }
)
_DATASET_KEYS = frozenset(
    {"format", "name", "source", "base", "statistic", "led_response", "sensitivity", "datasheets", "free", "point"}
)
_FREE_KEYS = frozenset({"low", "high", "prior_mean", "prior_sigma"})

Kind = Literal["value", "upper", "lower"]


@dataclass(frozen=True)
class BerObservation:
    """One BER observation as :math:`\\log_{10}` BER and its sigma in decades.

    ``kind`` is ``"value"`` (a measurement), ``"upper"`` (the BER is below ``10**log10_ber``) or
    ``"lower"`` (above it).
    """

    log10_ber: float
    sigma_decades: float
    kind: Kind = "value"


@dataclass(frozen=True)
class BerPoint:
    """One measured BER at its conditions: ``overrides`` maps dotted design paths to values."""

    row: int
    label: str
    overrides: dict[str, float]
    observation: BerObservation
    received_oma_dbm: float | None = None
    received_power_dbm: float | None = None


@dataclass(frozen=True)
class FreeParameter:
    """A parameter a fit may move: bounds and an optional Gaussian prior (same unit)."""

    path: str
    low: float
    high: float
    prior_mean: float | None = None
    prior_sigma: float | None = None


@dataclass(frozen=True)
class LedResponse:
    """A measured LED small-signal response: |H| in dB (normalised to DC) and phase (deg or None)."""

    path: Path
    frequency_hz: np.ndarray
    magnitude_db: np.ndarray
    phase_deg: np.ndarray | None


@dataclass(frozen=True)
class SensitivityCurve:
    """Measured BER vs received OMA of one receiver."""

    path: Path
    received_oma_dbm: np.ndarray
    observations: tuple[BerObservation, ...]


@dataclass(frozen=True)
class Datasheet:
    """Datasheet values of one design section, converted: ``{dotted.path: value}``."""

    path: Path
    source: str
    values: dict[str, float]


@dataclass(frozen=True)
class BerDataset:
    """A ``mosaic-ber-points/1`` file with the files it refers to, loaded and checked."""

    path: Path
    name: str
    source: str
    base: str | None
    sha256: str
    points: tuple[BerPoint, ...]
    free: tuple[FreeParameter, ...] = ()
    datasheets: tuple[Datasheet, ...] = ()
    led_response: LedResponse | None = None
    sensitivity: SensitivityCurve | None = None
    statistic: str = DEFAULT_STATISTIC  # one of STATISTICS

    def input_files(self) -> tuple[Path, ...]:
        """The files this dataset was read from besides itself (LED response, sensitivity, datasheets)."""
        named = (self.led_response, self.sensitivity, *self.datasheets)
        return tuple(item.path for item in named if item is not None)

    def datasheet_overrides(self) -> dict[str, float]:
        """All datasheet values as one ``{dotted.path: value}`` mapping."""
        return {k: v for sheet in self.datasheets for k, v in sheet.values.items()}


def observation_from_counts(errors: float, bits: float) -> BerObservation:
    """Counted errors: Poisson estimate, or the rule-of-three bound for zero errors (module Notes)."""
    if errors == 0:
        return BerObservation(math.log10(3.0 / bits), DEFAULT_SIGMA_DECADES, "upper")
    return BerObservation(math.log10(errors / bits), 1.0 / (math.log(10.0) * math.sqrt(errors)))


def observation_from_interval(low: float, high: float) -> BerObservation:
    """A 95 % interval: geometric centre, sigma = decades spanned / (2 x 1.96)."""
    return BerObservation(0.5 * (math.log10(low) + math.log10(high)), math.log10(high / low) / (2.0 * Z95))


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (the dataset identity written into fitted provenance)."""
    return hashlib.sha256(read_bytes(path, "measurement file")).hexdigest()


def _read_toml(path: Path, expected_format: str) -> dict[str, Any]:
    data = read_toml(path, "measurement file")
    found = data.get("format")
    if found != expected_format:
        raise ConfigError(f"{path}: field 'format' = {found!r}: expected {expected_format!r}")
    return data


def _unknown(keys, allowed: frozenset[str], where: str, what: str) -> None:
    import difflib

    for key in keys:
        if key not in allowed:
            near = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.5)
            hint = f"; did you mean '{near[0]}'?" if near else f"; allowed: {', '.join(sorted(allowed))}"
            raise ConfigError(f"{where}: unknown {what} '{key}'{hint}")


def load_ber_dataset(path: str | Path) -> BerDataset:
    """Read a ``mosaic-ber-points/1`` file and the LED response, sensitivity and datasheets it names."""
    path = Path(path)
    data = _read_toml(path, BER_POINTS_FORMAT)
    _unknown(data, _DATASET_KEYS, str(path), "key")
    raw_points = data.get("point", [])
    if not isinstance(raw_points, list) or not raw_points:
        raise ConfigError(f"{path}: field 'point': needs at least one [[point]] row")
    points = tuple(_point(p, i + 1, path) for i, p in enumerate(raw_points))
    free = tuple(_free(name, spec, path) for name, spec in _table(data.get("free", {}), path, "free").items())
    statistic = data.get("statistic", DEFAULT_STATISTIC)
    if statistic not in STATISTICS:
        raise ConfigError(f"{path}: field 'statistic' = {statistic!r}: allowed {', '.join(STATISTICS)}")
    here = path.parent
    sheets = data.get("datasheets", [])
    if not isinstance(sheets, list) or not all(isinstance(s, str) and s for s in sheets):
        raise ConfigError(f"{path}: field 'datasheets' = {_short(sheets)}: expected a list of file names")
    for key in ("name", "source", "base", "led_response", "sensitivity"):
        if key in data and (not isinstance(data[key], str) or not data[key]):
            raise ConfigError(f"{path}: field '{key}' = {_short(data[key])}: expected a non-empty string")
    return BerDataset(
        path=path,
        name=str(data.get("name", path.stem)),
        source=str(data.get("source", "")),
        base=data.get("base"),
        sha256=file_sha256(path),
        points=points,
        free=free,
        datasheets=tuple(load_datasheet(here / s) for s in sheets),
        led_response=load_led_response(here / data["led_response"]) if "led_response" in data else None,
        sensitivity=load_sensitivity(here / data["sensitivity"]) if "sensitivity" in data else None,
        statistic=statistic,
    )


def _table(value: Any, path: Path, name: str) -> dict[str, Any]:
    return require_table(value, f"{path}: field '{name}'")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _free(name: str, spec: Any, path: Path) -> FreeParameter:
    where = f"{path}: free '{name}'"
    spec = _table(spec, path, f"free.{name}")
    _unknown(spec, _FREE_KEYS, where, "field")
    leaf = name.rsplit(".", 1)[-1]
    missing = [k for k in ("low", "high") if k not in spec]
    if missing:
        raise ConfigError(f"{where}: field '{missing[0]}' is required")
    values = {k: convert(leaf, v, f"{where}: {k}") for k, v in spec.items()}
    if values["low"] >= values["high"]:
        raise ConfigError(f"{where}: low = {values['low']!r} must be below high = {values['high']!r}")
    if ("prior_mean" in values) != ("prior_sigma" in values):
        raise ConfigError(f"{where}: give prior_mean and prior_sigma together")
    if values.get("prior_sigma", 1.0) <= 0:
        raise ConfigError(f"{where}: field 'prior_sigma' = {values['prior_sigma']!r}: must be > 0")
    return FreeParameter(name, values["low"], values["high"], values.get("prior_mean"), values.get("prior_sigma"))


def _positive(where: str, name: str, value: float, allow_zero: bool = False) -> float:
    if value < 0 or (value == 0 and not allow_zero):
        raise ConfigError(f"{where}: field '{name}' = {value:g}: must be {'>= 0' if allow_zero else '> 0'}")
    return value


def _probability(where: str, name: str, value: float) -> float:
    if not 0.0 < value < 1.0:
        raise ConfigError(f"{where}: field '{name}' = {value:g}: a BER must lie in (0, 1)")
    return value


def _point(raw: Any, row: int, path: Path) -> BerPoint:
    where = f"{path}: point {row}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a table of fields")
    _unknown(raw, _POINT_FIELDS, where, "field")
    number = {k: convert(k, v, where) for k, v in raw.items() if k not in ("label", "set")}
    for name in ("length_m", "rate_gbps"):
        if name not in number:
            raise ConfigError(f"{where}: field '{name}' is required")
    _positive(where, "length_m", number["length_m"], allow_zero=True)
    _positive(where, "rate_gbps", number["rate_gbps"])
    overrides = {p: number[k] for k, paths in CONDITION_PATHS.items() if k in number for p in paths}
    for key, value in _table(raw.get("set", {}), path, f"point {row} set").items():
        overrides[key] = convert(key.rsplit(".", 1)[-1], value, f"{where}: set")
    return BerPoint(
        row=row,
        label=str(raw.get("label", f"{number['length_m']:g} m, {number['rate_gbps']:g} Gb/s")),
        overrides=overrides,
        observation=_observation(number, where),
        received_oma_dbm=number.get("received_oma_dbm"),
        received_power_dbm=number.get("received_power_dbm"),
    )


def _counts(where: str, errors: float, bits: float) -> tuple[float, float]:
    """Counted errors and bits: whole numbers, at least one bit, fewer errors than bits."""
    for name, value, low in (("errors", errors, 0.0), ("bits", bits, 1.0)):
        if not (value >= low and float(value).is_integer()):
            raise ConfigError(f"{where}: field '{name}' = {value:g}: must be a whole number >= {low:g}")
    if errors >= bits:
        raise ConfigError(f"{where}: field 'errors' = {errors:g}: must be below bits = {bits:g} (a BER below 1)")
    return errors, bits


_OBSERVATIONS = (("errors", "bits"), ("ber",), ("ber_low", "ber_high"), ("ber_upper",), ("ber_lower",))


def _observation(number: dict[str, float], where: str) -> BerObservation:
    given = [group for group in _OBSERVATIONS if any(k in number for k in group)]
    if len(given) != 1:
        names = " | ".join("+".join(g) for g in _OBSERVATIONS)
        found = ", ".join("+".join(g) for g in given) or "none"
        raise ConfigError(f"{where}: field 'ber': give exactly one of {names} (found {found})")
    group = given[0]
    for key in group:
        if key not in number:
            raise ConfigError(f"{where}: field '{key}' is required with '{'+'.join(group)}'")
    sigma = _positive(where, "sigma_decades", number.get("sigma_decades", DEFAULT_SIGMA_DECADES))
    if group == ("errors", "bits"):
        return observation_from_counts(*_counts(where, number["errors"], number["bits"]))
    if group == ("ber_low", "ber_high"):
        low, high = (_probability(where, k, number[k]) for k in group)
        if low >= high:
            raise ConfigError(f"{where}: field 'ber_low' = {low!r}: must be below ber_high = {high!r}")
        return observation_from_interval(low, high)
    key = group[0]
    kind: Kind = {"ber": "value", "ber_upper": "upper", "ber_lower": "lower"}[key]  # type: ignore[assignment]
    return BerObservation(math.log10(_probability(where, key, number[key])), sigma, kind)


def load_datasheet(path: str | Path) -> Datasheet:
    """Read a ``mosaic-datasheet/1`` file into dotted-path values in the spec's units."""
    path = Path(path)
    data = _read_toml(path, DATASHEET_FORMAT)
    _unknown(data, frozenset({"format", "section", "source", "values"}), str(path), "key")
    section = data.get("section")
    if not isinstance(section, str) or not section:
        raise ConfigError(f"{path}: field 'section' = {section!r}: expected a design section name, e.g. 'fiber'")
    values = _table(data.get("values", {}), path, "values")
    return Datasheet(
        path,
        str(data.get("source", "")),
        {f"{section}.{k}": convert(k, v, f"{path}: values") for k, v in values.items()},
    )


def _read_csv(path: Path, expected_format: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, cells) rows of a CSV whose first line is ``# format = ...``."""
    cells_by_row = read_csv_rows(path, "measurement file")
    first = ",".join(cells_by_row[0]).lstrip("#").strip().replace(" ", "") if cells_by_row else ""
    if first != f"format={expected_format}":
        raise ConfigError(f"{path}: row 1: first line must be '# format = {expected_format}'")
    rows = [(i + 1, cells) for i, cells in enumerate(cells_by_row) if i > 0 and cells and cells[0][:1] != "#"]
    if not rows:
        raise ConfigError(f"{path}: no header row")
    header = [c.strip() for c in rows[0][1]]
    return header, rows[1:]


def _columns(path: Path, header: list[str], rows, wanted: dict[str, str], required: set[str]) -> dict[str, np.ndarray]:
    """Columns converted to the canonical unit: ``wanted`` maps a column's first word to its canonical name."""
    ureg = registry()
    mapping: dict[int, tuple[str, float]] = {}
    for j, name in enumerate(header):
        if name in header[:j]:
            raise ConfigError(f"{path}: row header: column '{name}' appears twice")
        word = name.split("_")[0]
        canonical = (
            name if name in wanted.values() else next((c for c in wanted.values() if c.split("_")[0] == word), None)
        )
        if canonical is None:
            raise ConfigError(f"{path}: row header: unknown column '{name}'; allowed: {', '.join(wanted.values())}")
        factor = 1.0
        if name != canonical:
            src, dst = field_unit(name), field_unit(canonical)
            try:
                factor = float(ureg.Quantity(1.0, src).to(dst).magnitude) if src and dst else math.nan
            except Exception:
                factor = math.nan
            if not math.isfinite(factor):
                raise ConfigError(f"{path}: row header: column '{name}' cannot convert to {canonical}")
        mapping[j] = (canonical, factor)
    present = [c for c, _ in mapping.values()]
    if len(set(present)) != len(present):
        twice = next(c for c in present if present.count(c) > 1)
        raise ConfigError(f"{path}: row header: two columns give '{twice}' (in different units); keep one")
    for name in sorted(required - set(present)):
        raise ConfigError(f"{path}: row header: column '{name}' is required")
    out: dict[str, list[float]] = {c: [] for c in present}
    for line, cells in rows:
        if len(cells) != len(header):
            raise ConfigError(f"{path}: row {line}: {len(cells)} cells, the header has {len(header)}")
        for j, cell in enumerate(cells):
            canonical, factor = mapping[j]
            try:
                value = float(cell)
            except ValueError:
                raise ConfigError(f"{path}: row {line}: column '{header[j]}' = {cell!r}: not a number") from None
            if not math.isfinite(value):
                raise ConfigError(f"{path}: row {line}: column '{header[j]}' = {cell!r}: must be finite")
            out[canonical].append(value * factor)
    return {k: np.asarray(v) for k, v in out.items()}


def load_led_response(path: str | Path) -> LedResponse:
    """A measured LED response: ``mosaic-led-response/1`` CSV or a Touchstone ``.s2p`` (S21)."""
    path = Path(path)
    if path.suffix.lower() == ".s2p":
        return _led_response_touchstone(path)
    header, rows = _read_csv(path, LED_RESPONSE_FORMAT)
    wanted = {"frequency_hz": "frequency_hz", "magnitude_db": "magnitude_db", "phase_deg": "phase_deg"}
    cols = _columns(path, header, rows, wanted, {"frequency_hz", "magnitude_db"})
    return _led_response(path, cols["frequency_hz"], cols["magnitude_db"], cols.get("phase_deg"))


def _led_response_touchstone(path: Path) -> LedResponse:
    from mosaiclink.config.touchstone import load_two_port

    network = load_two_port(path)
    s21 = network.s[:, 1, 0]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # a zero |S21|: refused as non-finite
        magnitude_db = 20.0 * np.log10(np.abs(s21))
        phase_deg = np.degrees(np.unwrap(np.angle(s21)))
    return _led_response(path, network.f, magnitude_db, phase_deg)


def _led_response(path: Path, f_hz, magnitude_db, phase_deg) -> LedResponse:
    if f_hz.size < 2:
        raise ConfigError(f"{path}: needs at least two frequencies")
    for name, values in (("frequency", f_hz), ("magnitude_db", magnitude_db), ("phase_deg", phase_deg)):
        bad = np.flatnonzero(~np.isfinite(values)) if values is not None else np.array([], dtype=int)
        if bad.size:
            raise ConfigError(
                f"{path}: point {int(bad[0]) + 1}: {name} = {values[bad[0]]!r}: must be finite (a zero |S21| has no dB)"
            )
    bad = np.flatnonzero(~(np.diff(f_hz) > 0))
    if bad.size or f_hz[0] < 0:
        raise ConfigError(
            f"{path}: row {int(bad[0]) + 3 if bad.size else 2}: column 'frequency' must increase from >= 0"
        )
    order = np.argsort(f_hz)
    return LedResponse(path, f_hz[order], magnitude_db[order] - magnitude_db[order][0], phase_deg)


def load_sensitivity(path: str | Path) -> SensitivityCurve:
    """A measured receiver sensitivity curve (``mosaic-rx-sensitivity/1`` CSV)."""
    path = Path(path)
    header, rows = _read_csv(path, SENSITIVITY_FORMAT)
    wanted = {"received_oma_dbm": "received_oma_dbm", "ber": "ber", "errors": "errors", "bits": "bits"}
    cols = _columns(path, header, rows, wanted, {"received_oma_dbm"})
    observations = []
    for i, (line, _) in enumerate(rows):
        where = f"{path}: row {line}"
        if "ber" in cols:
            observations.append(
                BerObservation(math.log10(_probability(where, "ber", float(cols["ber"][i]))), DEFAULT_SIGMA_DECADES)
            )
        elif "errors" in cols and "bits" in cols:
            observations.append(
                observation_from_counts(*_counts(where, float(cols["errors"][i]), float(cols["bits"][i])))
            )
        else:
            raise ConfigError(f"{path}: row header: give a 'ber' column or 'errors' and 'bits'")
    return SensitivityCurve(path, cols["received_oma_dbm"], tuple(observations))
