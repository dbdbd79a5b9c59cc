"""The bounds of the CLI options (``mosaiclink.cli.options``: one rule, declared on each option), fuzzed."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mosaiclink.cli.options import aggregate_rate, within
from mosaiclink.cli.options import check as check_value
from mosaiclink.errors import ConfigError

PARAM = SimpleNamespace(opts=["--rate-gbps"], name="rate_gbps")
check = within(0.01, 1000.0, "Gb/s")


@given(st.floats(min_value=0.01, max_value=1000.0))
def test_values_inside_the_range_pass_unchanged(value):
    assert check(PARAM, value) == value


@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda v: not (0.01 <= v <= 1000.0)))
def test_values_outside_the_range_or_non_finite_are_refused_naming_the_option(value):
    with pytest.raises(ConfigError) as err:
        check(PARAM, value)
    message = str(err.value)
    assert message.startswith(f"--rate-gbps = {value!r}:") and "\n" not in message
    assert "0.01 to 1000 Gb/s" in message


@given(st.integers() | st.integers(min_value=10**400, max_value=10**401))
def test_integer_bounds_are_exact(value):
    seed = within(0, 2**63 - 1)
    if 0 <= value <= 2**63 - 1:
        assert seed(PARAM, value) == value
    else:
        with pytest.raises(ConfigError, match="allowed 0 to 9223372036854775807"):
            seed(PARAM, value)


def test_absent_optional_value_passes():
    assert check(PARAM, None) is None
    assert within()(PARAM, -math.pi) == -math.pi


RATE = SimpleNamespace(opts=["--rate"], name="rate")


@given(st.floats(min_value=1.0, max_value=100_000.0))
def test_aggregate_rate_in_gbps_passes_unchanged(gbps):
    text = f"{gbps:.6f}"  # the rate parser reads decimals (and 400g, 1.6t, ...), not exponents
    assert aggregate_rate(RATE, text) == text


@given(st.floats(min_value=1e-3, max_value=1e12).filter(lambda v: not 1.0 <= float(f"{v:.6f}") <= 100_000.0))
def test_aggregate_rate_outside_1_gbps_to_100_tbps_is_refused_in_one_line(gbps):
    text = f"{gbps:.6f}"
    with pytest.raises(ConfigError) as err:
        aggregate_rate(RATE, text)
    assert str(err.value) == f"--rate = {float(text)!r}: allowed 1 to 100000 Gb/s, finite"


def test_named_rates_parse_to_their_gbps_and_pass():
    for text in ("400g", "800g", "1.6t", "3.2t", "3.2 Tb/s"):
        assert aggregate_rate(RATE, text) == text


def test_the_callback_and_the_check_are_one_rule():
    flag = PARAM.opts[0]
    for value in (0.0, 0.01, 1000.0, 1e4, math.nan):
        try:
            expected = check(PARAM, value)
        except ConfigError as exc:
            with pytest.raises(ConfigError, match=re.escape(str(exc))):
                check_value(flag, value, 0.01, 1000.0, "Gb/s")
        else:
            assert check_value(flag, value, 0.01, 1000.0, "Gb/s") == expected
