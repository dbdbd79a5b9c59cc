"""One number style for every report, table and repr: lengths, rates, BERs, durations, ratios.

Every text that shows a number goes through these functions so that a 2 km reach never reads
``2e+03``, a BER always reads ``6.1e-07`` (two significant digits, or ``< 1e-40`` below the
floor) and a failure interval picks hours, days or years.
"""

from __future__ import annotations

import math

from mosaiclink.units import BER_FLOOR  # one display floor: "< 1e-40" in the CLI and the report

POST_FEC_FLOOR = 1e-40  # post-FEC probabilities are compared with specs near 1e-13 and below; keep their decades
HOURS_PER_DAY = 24.0
HOURS_PER_YEAR = 8766.0  # 365.25 days


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def fmt(value: float | None, digits: int = 3) -> str:
    """``digits`` significant digits without exponent for 1e-3 <= |value| < 1e6, else scientific.

    Integers of 1e4 and more get thousands separators: ``fmt(2000.0) == '2,000'``,
    ``fmt(53.94) == '53.9'``, ``fmt(0.0123) == '0.0123'``, ``fmt(None) == 'n/a'``.
    """
    if not _finite(value):
        return "n/a"
    assert value is not None
    magnitude = abs(value)
    if magnitude == 0.0:
        return "0"
    if magnitude >= 1e6 or magnitude < 1e-3:
        return f"{value:.{max(digits - 1, 0)}e}"
    if magnitude >= 10 ** (digits - 1):  # no fractional digits needed
        return f"{value:,.0f}"
    decimals = digits - 1 - math.floor(math.log10(magnitude))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_ber(ber: float | None, floor: float = BER_FLOOR) -> str:
    """A probability in one style: ``6.1e-07``; ``< 1e-40`` below ``floor``; ``n/a`` if unknown."""
    if ber is None or math.isnan(ber):
        return "n/a"
    if ber < floor:
        return f"< {floor:.0e}".replace("e-0", "e-")
    return f"{ber:.1e}"


def fmt_log10_ber(log10_ber: float, floor: float = BER_FLOOR) -> str:
    """:func:`fmt_ber` of ``10**log10_ber`` without underflow for very negative logs."""
    if math.isnan(log10_ber):
        return "n/a"
    if log10_ber < math.log10(floor):
        return fmt_ber(0.0, floor)
    return fmt_ber(10.0**log10_ber, floor)


def fmt_length_m(length_m: float | None) -> str:
    """A length in m below 1 km, in km above: ``'53.9 m'``, ``'2 km'``."""
    if not _finite(length_m):
        return "n/a"
    assert length_m is not None
    if abs(length_m) >= 1000.0:
        return f"{fmt(length_m / 1000.0)} km"
    return f"{fmt(length_m)} m"


def fmt_rate_gbps(rate_gbps: float) -> str:
    """A rate in Gb/s below 1 Tb/s, else Tb/s: ``'2.146 Gb/s'``, ``'800 Gb/s'``, ``'1.6 Tb/s'``."""
    if rate_gbps >= 1000.0:
        return f"{fmt(rate_gbps / 1000.0, 4)} Tb/s"
    return f"{fmt(rate_gbps, 4)} Gb/s"


def fmt_hours(hours: float | None) -> str:
    """A mean time between events in hours, days or years; ``'never'`` when infinite or None."""
    if hours is None or (math.isinf(hours) and hours > 0):
        return "never"
    if math.isnan(hours):
        return "n/a"
    if hours >= HOURS_PER_YEAR:
        return f"{fmt(hours / HOURS_PER_YEAR)} years"
    if hours >= 2 * HOURS_PER_DAY:
        return f"{fmt(hours / HOURS_PER_DAY)} days"
    return f"{fmt(hours)} h"


def fmt_range(low: float, high: float, digits: int = 3, unit: str = "") -> str:
    """``'3.07-5.27 W'``, or one value when both ends print the same."""
    a, b = fmt(low, digits), fmt(high, digits)
    text = a if a == b else f"{a}-{b}"
    return f"{text} {unit}".rstrip()
