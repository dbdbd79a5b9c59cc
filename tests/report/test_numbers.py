"""The shared number formatter: no exponent for everyday magnitudes, one BER style, km above 1 km."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from mosaiclink.report.numbers import fmt, fmt_ber, fmt_hours, fmt_length_m, fmt_log10_ber, fmt_range


def test_everyday_values():
    assert fmt(2000.0) == "2,000"
    assert fmt(53.94) == "53.9"
    assert fmt(0.0123) == "0.0123"
    assert fmt(float("nan")) == "n/a" and fmt(None) == "n/a"
    assert fmt_length_m(2000.0) == "2 km" and fmt_length_m(53.5) == "53.5 m"
    assert fmt_ber(6.14e-7) == "6.1e-07" and fmt_ber(1e-45) == "< 1e-40" and fmt_ber(1e-25, 1e-30) == "1.0e-25"
    assert fmt_log10_ber(-400.0) == "< 1e-40"  # no underflow to 0
    assert fmt_hours(8.16) == "8.16 h" and fmt_hours(1365.6) == "56.9 days" and fmt_hours(math.inf) == "never"
    assert fmt_range(3.068, 5.268, unit="W") == "3.07-5.27 W" and fmt_range(2.0, 2.0) == "2"


@given(st.floats(min_value=1e-3, max_value=999_999.0))
def test_no_exponent_in_everyday_range_and_three_significant_digits(value):
    text = fmt(value)
    assert "e" not in text
    assert math.isclose(float(text.replace(",", "")), value, rel_tol=6e-3)


@given(st.floats(min_value=1e-300, max_value=0.5))
def test_ber_style_reads_back(ber):
    text = fmt_ber(ber)
    if ber < 1e-40:
        assert text == "< 1e-40"
    else:
        assert math.isclose(float(text), ber, rel_tol=0.06)
