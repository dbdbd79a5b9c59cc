"""Random unit text through every quantity field: a finite float in the field's unit or one line.

The fields are every leaf of a design (and the measurement-point conditions) whose name carries
a unit; the text mixes a number with fragments of pint's grammar (operators, powers, brackets,
numbers inside the unit) and arbitrary characters, the forms that reached pint's parser raw
(``"1/0 m"``, ``"meter**(((2)))"``, an unclosed parenthesis).
"""

from __future__ import annotations

import math
import typing

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.quantities import convert, field_unit
from mosaiclink.errors import ConfigError


def _leaves(model: type[BaseModel]) -> list[str]:
    out = []
    for name, field in model.model_fields.items():
        options = [a for a in typing.get_args(field.annotation) if a is not type(None)] or [field.annotation]
        nested = next((a for a in options if isinstance(a, type) and issubclass(a, BaseModel)), None)
        out += _leaves(nested) if nested else [name]
    return out


FIELDS = sorted({n for n in _leaves(MosaicDesign) if field_unit(n)} | {"length_m", "rate_gbps", "temperature_c"})
FRAGMENTS = ["m", "km", "um", "dB", "dBm", "W", "mW", "Hz", "GHz", "s", "degC", "K", "meter", "percent", "ohm"]
FRAGMENTS += ["*", "/", "**", "^", "(", ")", "**2", "**-1", "^0.5", "0", "1", "e", " ", ".", "-", "**(", "[", "%"]
NUMBERS = st.sampled_from(["1", "0", "-1", "0.3", "1e308", "1e-320", "5e-324", "1e999", "-0", ".5"])
UNIT_TEXT = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join),
    st.text(max_size=40),
    st.text(alphabet="m()*/^0123456789.- ", max_size=80),
)


def test_there_are_many_quantity_fields():
    assert len(FIELDS) >= 40  # the design's unit-carrying leaves: the fuzz below covers them all


@settings(max_examples=1500, deadline=None)
@given(field=st.sampled_from(FIELDS), number=NUMBERS, unit=UNIT_TEXT)
def test_random_unit_text_is_a_finite_number_or_one_line(field, number, unit):
    text = f"{number} {unit}"
    try:
        value = convert(field, text, "fuzz.toml: point 1")
    except ConfigError as exc:
        message = str(exc)
        assert "\n" not in message and field in message and len(message) < 400
    else:
        assert math.isfinite(value)


def test_the_review_cases_are_one_line():
    for text in ("1/0 m", "1 (m", "1 meter**(((2)))", "1 m**2**3", "1e400 W", "x" * 5000):
        try:
            convert("tia_power_dbm", text)
        except ConfigError as exc:
            assert "tia_power_dbm" in str(exc) and "\n" not in str(exc)
        else:
            raise AssertionError(f"{text!r} accepted")
