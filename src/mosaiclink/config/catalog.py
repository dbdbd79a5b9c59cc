"""Typed specs of the technology catalog: sourced figures with a low/typical/high range.

A catalog entry describes one interconnect technology at one aggregate rate (e.g. an 800G
AOC): power per end, reach, FIT, cost and operating temperature. Every figure carries the
range a user should sweep, the source it came from, the source's date and a confidence tag
(the tags of ``docs/research/baselines.md``).

Confidence tags
---------------
D datasheet/standard, R peer-reviewed or operator fleet data, V vendor claim, N trade press or
secondary reading, B reseller blog, E our own estimate (the formula is in ``note``), P/S
MOSAIC primary/secondary text (reference rows only).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from mosaiclink.config.base import Spec
from mosaiclink.errors import ConfigError

Confidence = Literal["D", "R", "V", "N", "B", "E", "P", "S"]
Medium = Literal["copper", "multimode", "singlemode", "imaging-fibre"]
CONFIDENCE_MEANING = {
    "D": "datasheet or standard",
    "R": "peer-reviewed or operator fleet data",
    "V": "vendor claim (optimistic)",
    "N": "trade press / secondary reading",
    "B": "reseller blog (low)",
    "E": "our estimate",
    "P": "MOSAIC primary text",
    "S": "MOSAIC paper, secondary reading",
}


class Figure(Spec):
    """One sourced quantity with its range.

    ``low <= typical <= high``; the unit is in the name of the field that holds the figure
    (``power_w_per_end``, ``max_reach_m``, ...). ``source_url`` must be an http(s) address; an
    estimate (confidence ``E``) cites the page its inputs come from and gives its formula in
    ``note``. ``research:baselines.md#3.3`` points into ``docs/research`` when the original
    address of a figure read during research was not retained; ``estimate:SLUG`` marks an
    estimate without a source page (confidence ``E``, basis in ``note``).
    """

    low: float = Field(..., description="lower end of the range to sweep")
    typical: float = Field(..., description="default value")
    high: float = Field(..., description="upper end of the range to sweep")
    source_url: str = Field(
        ...,
        pattern=r"^(https?://\S+|research:\S+|estimate:\S+)$",
        description="http(s) address of the source; 'research:FILE#SECTION' when our research notes hold "
        "a figure whose original address was not retained; 'estimate:SLUG' for an estimate (confidence E) "
        "with no source page, its basis in note",
    )
    date: str = Field(..., min_length=4, description="publication date of the source, YYYY[-MM[-DD]] or 'n.d.'")
    confidence: Confidence = Field(..., description="confidence tag (see module docstring)")
    note: str = Field("", description="conditions, or the formula of an estimate")

    @model_validator(mode="after")
    def _ordered(self) -> Figure:
        if not self.low <= self.typical <= self.high:
            raise ValueError(f"need low <= typical <= high, got {self.low}, {self.typical}, {self.high}")
        if self.source_url.startswith("estimate:") and (self.confidence != "E" or not self.note):
            raise ValueError("source_url 'estimate:...' needs confidence 'E' and a note giving the basis")
        return self


class NonNegativeFigure(Figure):
    """A figure that cannot be negative (power, FIT, cost, activation energy)."""

    low: float = Field(..., ge=0, description="lower end of the range to sweep")


class PositiveFigure(Figure):
    """A figure that must be strictly positive (reach)."""

    low: float = Field(..., gt=0, description="lower end of the range to sweep")


class CatalogEntry(Spec):
    """One technology at one aggregate rate.

    Notes
    -----
    ``fit`` is the failure rate of one end (one module, or one end of a cable assembly) at
    ``fit_reference_temperature_c``; :mod:`mosaiclink.system.reliability` scales it to another
    temperature with the Arrhenius factor of ``activation_energy_ev``. Power excludes the
    host ASIC's own SerDes (the module boundary of datasheets, baselines.md section 1.2).
    """

    id: str = Field(..., pattern=r"^[a-z0-9][a-z0-9.-]*$", description="unique key, e.g. 'aoc-800g'")
    technology: str = Field(..., pattern=r"^[a-z0-9][a-z0-9-]*$", description="technology key, e.g. 'aoc'")
    name: str = Field(..., min_length=1, description="human-readable name")
    rate_gbps: float = Field(..., gt=0, description="aggregate rate per direction")
    lanes: int = Field(..., ge=1, description="host electrical lanes")
    lane_rate_gbps: float = Field(..., gt=0, description="rate per host lane")
    medium: Medium = Field(..., description="transmission medium")
    laser_based: bool = Field(..., description="uses lasers (VCSEL/DFB/EML/CW source)")
    reference_only: bool = Field(False, description="published figures shown for reference, never used to compute")
    power_w_per_end: NonNegativeFigure
    max_reach_m: PositiveFigure
    fit: NonNegativeFigure = Field(..., description="FIT per end at fit_reference_temperature_c")
    fit_reference_temperature_c: float = Field(55.0, ge=-40, le=150, description="temperature the FIT refers to")
    activation_energy_ev: NonNegativeFigure = Field(..., description="Arrhenius activation energy of the FIT")
    cost_usd_per_end: NonNegativeFigure | None = Field(None, description="street price per end; None if none published")
    max_operating_temperature_c: Figure = Field(..., description="maximum case temperature")
    latency_ns_per_end: NonNegativeFigure | None = Field(
        None,
        description="one-way latency one end adds in each direction (DSP, retimer, linear driver/TIA), without "
        "time of flight and the host's own FEC; a link adds two ends; None if not catalogued",
    )

    @model_validator(mode="after")
    def _lanes_make_rate(self) -> CatalogEntry:
        if abs(self.lanes * self.lane_rate_gbps - self.rate_gbps) > 1e-6 * self.rate_gbps:
            raise ValueError(
                f"lanes x lane_rate_gbps = {self.lanes} x {self.lane_rate_gbps} must equal rate_gbps = {self.rate_gbps}"
            )
        return self

    def pj_per_bit(self, power_w: float | None = None) -> float:
        """Energy per bit per end: ``P / rate * 1000`` (pJ/bit), typical power by default."""
        watts = self.power_w_per_end.typical if power_w is None else power_w
        return watts / self.rate_gbps * 1e3


class CatalogFile(Spec):
    """The content of one catalog file: a list of ``[[entry]]`` tables."""

    entry: list[CatalogEntry] = Field(..., min_length=1)


RATE_KEYS_GBPS = {"400g": 400.0, "800g": 800.0, "1.6t": 1600.0, "3.2t": 3200.0}


def parse_rate_gbps(rate: str | float) -> float:
    """Aggregate rate in Gb/s from ``'800g'``, ``'1.6t'``, ``'800'``, ``'800 Gb/s'``, ``'1.6Tbps'`` or a number.

    The one rate parser of every command (``compare --rate``, ``design --rate``, the catalog).
    """
    if isinstance(rate, int | float):
        if rate <= 0:
            raise ConfigError(f"rate = {rate!r}: must be > 0 Gb/s")
        return float(rate)
    key = str(rate).strip().lower().replace(" ", "").removesuffix("b/s").removesuffix("bps")
    if key in RATE_KEYS_GBPS:
        return RATE_KEYS_GBPS[key]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([gt]?)", key)
    if match is None or float(match.group(1)) <= 0:
        raise ConfigError(f"rate = {rate!r}: expected one of {', '.join(RATE_KEYS_GBPS)} or a positive Gb/s number")
    return float(match.group(1)) * (1000.0 if match.group(2) == "t" else 1.0)


def rate_key(rate_gbps: float) -> str:
    """``800.0 -> '800g'``, ``1600.0 -> '1.6t'``."""
    return f"{rate_gbps / 1000:g}t" if rate_gbps >= 1000 else f"{rate_gbps:g}g"
