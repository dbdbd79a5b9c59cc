"""Quantities with their own units, converted into the unit a field's name carries.

A field name ends in its unit (``attenuation_db_per_m``, ``diameter_um``,
``tia_noise_pa_per_sqrt_hz``, ``chromatic_dispersion_ps_per_nm_km``). :func:`field_unit`
parses that suffix into a `pint <https://pint.readthedocs.io>`_ unit; :func:`convert` turns a
value given in a file (a number already in the field's unit, or a string such as
``"0.3 dB/km"``, ``"50 um"``, ``"45 degC"``) into a float in that unit. A value whose
dimension does not match is a one-line :class:`~mosaiclink.errors.ConfigError` naming the field.

Notes
-----
Suffix grammar: unit tokens joined by ``_``; ``per`` moves the tokens after it to the
denominator; ``sqrt`` takes the square root of the next token. Decibels are a ratio of their
own dimension (``dB/km`` converts to ``dB/m``, never to a plain number) and ``dBm`` is a level:
a power in W converts to dBm by ``10 log10(P / 1 mW)``. Temperatures are absolute (``degC``,
``K``, ``degF``), converted with pint's offset units.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

import pint

from mosaiclink.errors import ConfigError

TOKENS = {
    "m": "m",
    "km": "km",
    "cm": "cm",
    "mm": "mm",
    "um": "um",
    "nm": "nm",
    "um2": "um**2",
    "mm2": "mm**2",
    "cm3": "cm**3",
    "cm6": "cm**6",
    "db": "dB_ratio",
    "dbm": "dBm_level",
    "gbps": "Gbit/s",
    "mbps": "Mbit/s",
    "hz": "Hz",
    "khz": "kHz",
    "mhz": "MHz",
    "ghz": "GHz",
    "s": "s",
    "ms": "ms",
    "us": "us",
    "ns": "ns",
    "ps": "ps",
    "h": "hour",
    "years": "year",
    "a": "A",
    "ma": "mA",
    "ua": "uA",
    "na": "nA",
    "pa": "pA",
    "v": "V",
    "ohm": "ohm",
    "kohm": "kohm",
    "ff": "fF",
    "pf": "pF",
    "w": "W",
    "mw": "mW",
    "uw": "uW",
    "c": "degC",
    "k": "K",
    "ev": "eV",
    "pj": "pJ",
    "fj": "fJ",
    "bit": "bit",
    "pct": "percent",
    "fit": "FIT",
    "ppm": "ppm",
    "deg": "degree",
    "rad": "radian",
}
_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")
_DB_WORD = re.compile(r"(?<![A-Za-z_])dB(?![A-Za-z_])")
_DBM_WORD = re.compile(r"(?<![A-Za-z_])dBm(?![A-Za-z_])")


@functools.cache
def registry() -> pint.UnitRegistry:
    """The unit registry, with dB and dBm as units of their own dimensions and FIT."""
    ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    ureg.define("dB_ratio = [log_ratio]")
    ureg.define("dBm_level = [power_level]")
    ureg.define("FIT = 1e-9 / hour")
    return ureg


@functools.cache
def field_unit(name: str) -> str | None:
    """The pint unit expression of a field name's unit suffix, or None when it has none.

    The longest run of trailing ``_``-separated tokens after the first word that parses wins:
    ``attenuation_db_per_m`` -> ``dB_ratio / (m)``; ``quantum_efficiency`` -> None; a name
    that is only a unit word (``na``, the numerical aperture) has no unit suffix.
    """
    parts = name.lower().split("_")
    for start in range(1, len(parts)):
        expression = _suffix_expression(parts[start:])
        if expression is not None:
            return expression
    return None


def _suffix_expression(tokens: list[str]) -> str | None:
    if not tokens or tokens[0] in ("per", "sqrt"):
        return None
    numerator: list[str] = []
    denominator: list[str] = []
    side = numerator
    root = False
    for token in tokens:
        if token == "per":
            if side is denominator:
                return None
            side = denominator
            continue
        if token == "sqrt":
            root = True
            continue
        unit = TOKENS.get(token)
        if unit is None:
            return None
        side.append(f"({unit})**0.5" if root else f"({unit})")
        root = False
    if root or (side is denominator and not denominator):
        return None
    text = " * ".join(numerator)
    return f"{text} / ({' * '.join(denominator)})" if denominator else text


def convert(field: str, value: Any, where: str = "") -> float:
    """``value`` (number or ``"<number> <unit>"``) as a float in the unit of ``field``'s name.

    A bare number is taken to be in the field's own unit already. ``where`` prefixes the
    error message (e.g. ``"data.toml: point 3"``).
    """
    prefix = f"{where}: " if where else ""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ConfigError(f"{prefix}field '{field}' = {value!r}: expected a number or a '<number> <unit>' string")
    if not isinstance(value, str):
        return _finite(field, float(value), prefix)
    match = _NUMBER_UNIT.match(value)
    if match is None:
        raise ConfigError(f"{prefix}field '{field}' = {value!r}: expected '<number> <unit>', e.g. '0.3 dB/km'")
    number, unit_text = float(match.group(1)), match.group(2)
    target = field_unit(field)
    if not unit_text:
        return _finite(field, number, prefix)
    ureg = registry()
    source = _DB_WORD.sub("dB_ratio", _DBM_WORD.sub("dBm_level", unit_text))
    try:
        quantity = ureg.Quantity(number, source)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError, TypeError) as exc:
        raise ConfigError(f"{prefix}field '{field}' = {value!r}: unknown unit '{unit_text}' ({exc})") from None
    if target is None:
        target = "dimensionless"
    if target == "(dBm_level)" and quantity.check("[power]"):
        watts = quantity.to("W").magnitude
        if watts <= 0:
            raise ConfigError(f"{prefix}field '{field}' = {value!r}: a power must be > 0 W to express in dBm")
        return 10.0 * math.log10(watts / 1e-3)
    try:
        return _finite(field, float(quantity.to(target).magnitude), prefix)
    except pint.errors.DimensionalityError:
        wanted = ureg.Unit(target) if target != "dimensionless" else "a plain number"
        raise ConfigError(
            f"{prefix}field '{field}' = {value!r}: wrong dimension, {field} needs {_plain(wanted)}"
        ) from None


def _plain(unit: Any) -> str:
    return str(unit).replace("dB_ratio", "dB").replace("dBm_level", "dBm")


def _finite(field: str, number: float, prefix: str) -> float:
    if not math.isfinite(number):
        raise ConfigError(f"{prefix}field '{field}' = {number!r}: must be a finite number")
    return number
