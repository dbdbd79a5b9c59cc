"""The bounds of the shared CLI options (``mosaiclink.cli.options.within``), fuzzed."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mosaiclink.cli.options import within
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
