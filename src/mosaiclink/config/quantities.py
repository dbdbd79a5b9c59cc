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

A value written in the field's own unit (``"50 fF"`` for ``capacitance_ff``, ``"0.1 dB/m"`` for
``attenuation_db_per_m``: :func:`own_unit_texts`) is its number: pint's conversion between equal
units returns the magnitude unchanged, so the registry (pint's import and its definitions file:
~0.6 s of CPU) is built only for a value that needs converting.
"""

from __future__ import annotations

import functools
import math
import re
from typing import TYPE_CHECKING, Any

from mosaiclink.errors import ConfigError

if TYPE_CHECKING:
    import pint

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
MAX_QUANTITY_CHARS = 64  # longest '<number> <unit>' text: "0.3 dB/km", "12 pA/Hz**0.5" need ~15
MAX_UNIT_PARENS = 2  # parentheses nested deeper than "(ps/(nm*km))" are never a unit
_UNIT_TOKEN = re.compile(
    r"\s*(?:(?P<word>[A-Za-z_\u00b5\u03bc\u2126\u00b0%][A-Za-z0-9_\u00b5\u03bc\u2126\u00b0%]*)"
    r"|(?P<power>(?:\*\*|\^)\s*[-+]?\d+(?:\.\d+)?)|(?P<op>[*/])|(?P<open>\()|(?P<close>\)))"
)
_DB_WORD = re.compile(r"(?<![A-Za-z_])dB(?![A-Za-z_])")
_DBM_WORD = re.compile(r"(?<![A-Za-z_])dBm(?![A-Za-z_])")


@functools.cache
def registry() -> pint.UnitRegistry:
    """The unit registry, with dB and dBm as units of their own dimensions and FIT."""
    import pint  # deferred: most values are in their field's own unit (module Notes)

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


_OWN_UNIT_FORMS = (  # field_unit's expression -> the texts that write exactly that unit
    (re.compile(r"\(([^()]+)\)"), ("{0}",)),  # one token: "fF", "Gbit/s", "um**2"
    (re.compile(r"\((\w+)\) / \(\((\w+)\)\)"), ("{0}/{1}",)),  # one word per one word: "dB_ratio/m"
    (re.compile(r"\((\w+)\) / \(\((\w+)\)\*\*0\.5\)"), ("{0}/{1}**0.5", "{0}/{1}^0.5")),  # "pA/Hz**0.5"
)
_OPERATOR_SPACE = re.compile(r"\s*(\*\*|\^|[*/])\s*")


@functools.cache
def own_unit_texts(name: str) -> frozenset[str]:
    """The unit texts that are exactly the field's own unit (none when it has none): its suffix's one
    unit (``"fF"`` for ``capacitance_ff``, ``"Gbit/s"`` for ``rate_gbps``), one unit per one unit
    (``"dB_ratio/m"`` for ``attenuation_db_per_m``, the dB words in their pint names) or per the
    root of one (``"pA/Hz**0.5"`` or ``"pA/Hz^0.5"`` for ``tia_noise_pa_per_sqrt_hz``); spaces
    around operators do not count (:func:`convert` removes them)."""
    expression = field_unit(name) or ""
    for pattern, forms in _OWN_UNIT_FORMS:
        match = pattern.fullmatch(expression)
        if match is not None:
            return frozenset(form.format(*match.groups()) for form in forms)
    return frozenset()


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
        raise ConfigError(f"{prefix}field '{field}' = {_cut(value)}: expected a number or a '<number> <unit>' string")
    if isinstance(value, str) and len(value) > MAX_QUANTITY_CHARS:
        raise ConfigError(
            f"{prefix}field '{field}' = {_cut(value)}: longer than {MAX_QUANTITY_CHARS} characters; "
            f"expected '<number> <unit>', e.g. '0.3 dB/km'"
        )
    if not isinstance(value, str):
        return _finite(field, float(value), prefix)
    match = _NUMBER_UNIT.match(value)
    if match is None:
        raise ConfigError(f"{prefix}field '{field}' = {value!r}: expected '<number> <unit>', e.g. '0.3 dB/km'")
    problem = unit_text_problem(match.group(2))
    if problem:
        raise ConfigError(f"{prefix}field '{field}' = {value!r}: {problem}; {field} needs {_expected(field)}")
    number, unit_text = float(match.group(1)), match.group(2)
    target = field_unit(field)
    if not unit_text:
        return _finite(field, number, prefix)
    source = _DB_WORD.sub("dB_ratio", _DBM_WORD.sub("dBm_level", unit_text))
    if _OPERATOR_SPACE.sub(r"\1", source) in own_unit_texts(field):  # its own unit: no conversion (module Notes)
        return _finite(field, number, prefix, value)
    ureg = registry()
    import pint

    try:
        quantity = ureg.Quantity(number, source)
        if target is None:
            target = "dimensionless"
        if target == "(dBm_level)" and quantity.check("[power]"):
            watts = float(quantity.to("W").magnitude)
            if not watts > 0:
                raise ConfigError(f"{prefix}field '{field}' = {value!r}: a power must be > 0 W to express in dBm")
            return _finite(field, 10.0 * math.log10(watts / 1e-3), prefix, value)
        return _finite(field, float(quantity.to(target).magnitude), prefix, value)
    except pint.errors.DimensionalityError:
        raise ConfigError(
            f"{prefix}field '{field}' = {value!r}: wrong dimension, {field} needs {_expected(field)}"
        ) from None
    except ConfigError:
        raise
    except Exception as exc:  # pint's parser raises many types (KeyError, AssertionError, TokenError, ...)
        reason = "unknown unit" if isinstance(exc, pint.errors.UndefinedUnitError) else "not a unit pint can read"
        raise ConfigError(
            f"{prefix}field '{field}' = {value!r}: {reason} '{unit_text}'; {field} needs {_expected(field)}"
        ) from None


def unit_text_problem(text: str) -> str | None:
    """Why ``text`` cannot be a unit expression, checked before pint's parser sees it; None if it may be.

    Allowed: unit words, ``*`` and ``/``, a power (``**`` or ``^``) of a plain number after a word
    or a closing parenthesis, and parentheses nested at most :data:`MAX_UNIT_PARENS` deep. Refused:
    numbers in the unit (``"1/0 m"`` would divide by zero), nested or symbolic exponents
    (``"m**(2**3)"``), unbalanced parentheses and any other character.
    """
    depth, position, previous = 0, 0, ""
    while position < len(text):
        token = _UNIT_TOKEN.match(text, position)
        if token is None or token.end() == position:
            rest = text[position:].strip()
            if not rest:
                break
            return f"unit '{text}' has '{rest[0]}' where a unit word, '*', '/', '**<number>' or '(' is allowed"
        kind = token.lastgroup
        if kind == "op" and text[token.start() :].lstrip().startswith(("**", "^")):
            return f"unit '{text}' has a power that is not a plain number (no nested exponents)"
        if kind == "power" and previous not in ("word", "close"):
            return f"unit '{text}' has a power not after a unit word"
        if kind == "open":
            depth += 1
            if depth > MAX_UNIT_PARENS:
                return f"unit '{text}' nests parentheses deeper than {MAX_UNIT_PARENS}"
        if kind == "close":
            depth -= 1
            if depth < 0 or previous in ("open", "op"):
                return f"unit '{text}' has an unbalanced or empty parenthesis"
        if kind in ("op", "close") and previous in ("", "op", "open"):
            return f"unit '{text}' has '{token.group(kind).strip()}' without a unit before it"
        previous, position = kind or "", token.end()
    if depth:
        return f"unit '{text}' has an unclosed parenthesis"
    if previous == "op":
        return f"unit '{text}' ends with an operator"
    return None


def _expected(field: str) -> str:
    """What a field's unit is, in words: ``dB / m`` or ``a plain number``."""
    target = field_unit(field)
    if target is None:
        return "a plain number (no unit)"
    return _plain(registry().Unit(target))


def _cut(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _plain(unit: Any) -> str:
    return str(unit).replace("dB_ratio", "dB").replace("dBm_level", "dBm")


def _finite(field: str, number: float, prefix: str, given: Any = None) -> float:
    if not math.isfinite(number):
        shown = f"{_cut(given)} (= {number!r} {_expected(field)})" if given is not None else repr(number)
        raise ConfigError(f"{prefix}field '{field}' = {shown}: must be a finite number")
    return number
