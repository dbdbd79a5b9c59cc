"""The operating envelope: a link over its module case temperature, with the thermal model's junctions.

At each case temperature the design's LED and receiver temperatures come from
:func:`mosaiclink.system.thermal.at_case_temperature`, the link physics evaluates every channel
(:func:`mosaiclink.physics.link.evaluate_link`), its reach is searched
(:func:`mosaiclink.physics.reach.max_reaches_m`, judged as the link is: ``data_channels``
channels meet the target), and the reliability model reads the same junction temperatures.

Notes
-----
The link's excess at a case temperature is the budget margin (:math:`10\\log_{10}(Q/Q_t)` less the
implementation reserve, optical dB) of its :math:`N`-th best channel (:math:`N` = data channels):
at least 0 exactly when the link meets its target (``LinkReport.link_ok``, the one pass criterion).
The highest case temperature meeting the design's length is the root of the excess, bracketed
on the evaluated grid and found by the Illinois variant of regula falsi to
:data:`CASE_TOLERANCE_C` (the excess is smooth in temperature: the SRH rate, wavelength and
noise move continuously; the integer channel count only jumps where the excess crosses 0).

The "temperature-insensitive" claim of the seed articles is read as: the link meets its declared
length over the commercial case range of optical modules, 0-70 C (QSFP-DD/OSFP MSA commercial
class; SFF-8472 lists 0-70 C commercial, -40-85 C industrial).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.envelope import ThermalSpec
from mosaiclink.config.system import PowerSpec, ReliabilitySpec
from mosaiclink.errors import ConfigError, ModelRangeError
from mosaiclink.physics.link import LinkReport
from mosaiclink.physics.reach import max_reaches_m
from mosaiclink.physics.thermal import ModuleTemperatures
from mosaiclink.system.reliability import mosaic_link_fit
from mosaiclink.system.thermal import CASE_MAX_C, CASE_MIN_C, JUNCTION_MAX_C, at_case_temperature, link_at_case

DEFAULT_CASES_C = (0.0, 25.0, 55.0, 70.0, 85.0)
COMMERCIAL_RANGE_C = (0.0, 70.0)  # the commercial case-temperature class of pluggable optics (module Notes)
CASE_TOLERANCE_C = 0.5
MAX_CASES = 32  # a grid finer than ~5 K adds nothing; each point is a full link evaluation


@dataclass(frozen=True)
class EnvelopePoint:
    """The link at one case temperature."""

    case_c: float
    led_junction_c: float
    cmos_c: float
    channels_meeting: int
    channels: int
    data_channels: int
    link_ok: bool
    median_margin_db: float  # the budget's margin (median live channel, implementation penalty included)
    link_excess_db: float  # the same margin of the data_channels-th best channel: >= 0 exactly when link_ok
    reach_m: float | None  # longest length at which data_channels channels meet the target
    link_fit: float  # reliability at the same junction temperatures


@dataclass(frozen=True)
class Envelope:
    """A design over case temperature, the highest case temperature meeting its length, the claim."""

    design: str
    length_m: float
    points: tuple[EnvelopePoint, ...]
    max_case_c: float | None  # None: the link fails even at the coldest case evaluated
    max_case_bound: str  # "found", "at or above" (the limit searched), or "below" (the coldest)
    commercial_ok: bool  # meets its length at both ends of COMMERCIAL_RANGE_C (and between, on the grid)

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return {
            "design": self.design,
            "length_m": self.length_m,
            "points": [asdict(p) for p in self.points],
            "max_case_c": self.max_case_c,
            "max_case_bound": self.max_case_bound,
            "commercial_range_c": list(COMMERCIAL_RANGE_C),
            "temperature_insensitive": self.commercial_ok,
        }


def link_excess_db(report: LinkReport) -> float:
    """The budget margin (reserve included) of the ``N``-th best channel, ``N`` = data channels (module Notes)."""
    margins = np.sort(np.asarray(report.budget_per_channel["margin_db"], dtype=float))[::-1]
    return float(margins[report.data_channels - 1])


def case_limit_c(temps: ModuleTemperatures) -> float:
    """Highest case temperature the models take for this module: the junctions stay <= 150 C."""
    rise = max(temps.led_junction_c, temps.cmos_c) - temps.case_c
    return float(min(CASE_MAX_C, JUNCTION_MAX_C - rise - 1e-6))


def evaluate_at_case(
    design: MosaicDesign,
    case_c: float,
    thermal: ThermalSpec | None = None,
    power_spec: PowerSpec | None = None,
    reliability_spec: ReliabilitySpec | None = None,
    seed: int = 0,
    reach: bool = True,
) -> EnvelopePoint:
    """The link, its reach and its FIT at one case temperature (module Notes)."""
    hot, temps, report = link_at_case(design, case_c, thermal, power_spec, seed)
    reach_m = max_reaches_m(hot, (hot.array.data_channels,), seed=seed)[0] if reach else None
    return EnvelopePoint(
        case_c=float(case_c),
        led_junction_c=temps.led_junction_c,
        cmos_c=temps.cmos_c,
        channels_meeting=report.channels_meeting_target,
        channels=report.channels,
        data_channels=report.data_channels,
        link_ok=report.link_ok,
        median_margin_db=report.budget.value("Margin"),
        link_excess_db=link_excess_db(report),
        reach_m=reach_m,
        link_fit=mosaic_link_fit(design, reliability_spec, temps),
    )


def check_cases(cases_c: Sequence[float]) -> tuple[float, ...]:
    """The case temperatures, sorted and unique; a hostile list is one ConfigError line."""
    values = tuple(sorted({float(c) for c in cases_c}))
    if not values or len(values) > MAX_CASES:
        raise ConfigError(f"case temperatures: give 1 to {MAX_CASES}, got {len(values)}")
    for c in values:
        if not (np.isfinite(c) and CASE_MIN_C <= c <= CASE_MAX_C):
            raise ConfigError(f"case temperature = {c!r} C: allowed {CASE_MIN_C:g} to {CASE_MAX_C:g} C, finite")
    return values


def envelope(
    design: MosaicDesign,
    cases_c: Sequence[float] = DEFAULT_CASES_C,
    thermal: ThermalSpec | None = None,
    power_spec: PowerSpec | None = None,
    reliability_spec: ReliabilitySpec | None = None,
    seed: int = 0,
    reach: bool = True,
) -> Envelope:
    """The design over ``cases_c`` and the highest case temperature at which it meets its length.

    A case temperature whose junctions would pass the models' 150 C is reported as refused
    (a :class:`~mosaiclink.errors.ModelRangeError`), naming it.
    """
    cases = check_cases(cases_c)
    points = [evaluate_at_case(design, c, thermal, power_spec, reliability_spec, seed, reach) for c in cases]
    max_case, bound = _max_case(design, points, thermal, power_spec, seed)
    low, high = COMMERCIAL_RANGE_C
    commercial = max_case is not None and max_case >= high and _ok_at(design, points, low, thermal, power_spec, seed)
    return Envelope(design.name, design.link.length_m, tuple(points), max_case, bound, commercial)


def _ok_at(design, points, case_c, thermal, power_spec, seed) -> bool:
    known = [p.link_ok for p in points if p.case_c == case_c]
    if known:
        return known[0]
    return evaluate_at_case(design, case_c, thermal, power_spec, None, seed, reach=False).link_ok


def _max_case(design, points, thermal, power_spec, seed) -> tuple[float | None, str]:
    """Root of the link excess over case temperature above the coldest passing grid point."""

    def excess(case_c: float) -> float:
        return evaluate_at_case(design, case_c, thermal, power_spec, None, seed, reach=False).link_excess_db

    if points[0].link_excess_db < 0.0:
        return None, "below"
    failing = next((i for i, p in enumerate(points) if p.link_excess_db < 0.0), None)
    if failing is None:  # passes on the whole grid: try the hottest case the models take
        _, temps = at_case_temperature(design, points[-1].case_c, thermal, power_spec)
        limit = case_limit_c(temps)
        if limit <= points[-1].case_c:
            return points[-1].case_c, "at or above"
        try:
            f_limit = excess(limit)
        except ModelRangeError:  # pragma: no cover - the limit keeps the junctions in range
            return points[-1].case_c, "at or above"
        if f_limit >= 0.0:
            return limit, "at or above"
        lo, f_lo, hi, f_hi = points[-1].case_c, points[-1].link_excess_db, limit, f_limit
    else:
        lo, f_lo = points[failing - 1].case_c, points[failing - 1].link_excess_db
        hi, f_hi = points[failing].case_c, points[failing].link_excess_db
    side = 0
    for _ in range(12):  # Illinois regula falsi: superlinear on a smooth excess
        if hi - lo <= CASE_TOLERANCE_C:
            break
        mid = float(np.clip((lo * f_hi - hi * f_lo) / (f_hi - f_lo), lo + 0.1, hi - 0.1))
        f_mid = excess(mid)
        if f_mid >= 0.0:
            lo, f_lo = mid, f_mid
            if side == -1:
                f_hi *= 0.5
            side = -1
        else:
            hi, f_hi = mid, f_mid
            if side == 1:
                f_lo *= 0.5
            side = 1
    return lo, "found"


THERMAL_RANGE_ENDS = {  # the estimate ranges of ThermalSpec's resistances (their descriptions)
    "cool": {"led_bond_k_per_w": 0.5, "die_to_case_k_per_w": 1.5, "gan_conductivity_w_per_m_k": 230.0},
    "hot": {"led_bond_k_per_w": 8.0, "die_to_case_k_per_w": 6.0, "gan_conductivity_w_per_m_k": 130.0},
}


def commercial_excess_db(
    design: MosaicDesign, thermal: ThermalSpec | None = None, power_spec: PowerSpec | None = None, seed: int = 0
) -> dict[str, float]:
    """The link excess (dB, module Notes) at the hot end of the commercial case range, with the thermal
    path at its estimates (``nominal``) and at the ends of their ranges (``cool``, ``hot``).

    The excess falls with case temperature (the envelope's grid shows it for every preset), so it is
    lowest at 70 C: the "temperature-insensitive" claim holds where it is >= 0.
    """
    thermal = thermal or ThermalSpec()
    high = COMMERCIAL_RANGE_C[1]
    out = {}
    for name, spec in (("nominal", thermal), *((k, thermal.replace(**v)) for k, v in THERMAL_RANGE_ENDS.items())):
        out[name] = evaluate_at_case(design, high, spec, power_spec, None, seed, reach=False).link_excess_db
    return out
