"""MOSAIC beside every alternative at one rate, reach and temperature.

MOSAIC's row is computed from the design (bottom-up power, k-out-of-n reliability, the
physics reach, parametric cost); every other row comes from the catalog, its FIT scaled to
the temperature with the entry's Arrhenius activation energy. Ratios are alternative / MOSAIC.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from mosaiclink.config.catalog import CatalogEntry, parse_rate_gbps, rate_key
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.presets import load_preset
from mosaiclink.config.system import CostSpec, PowerSpec, ReliabilitySpec
from mosaiclink.errors import ConfigError, ModelRangeError, require_instance
from mosaiclink.system.catalog import Catalog, load_catalog
from mosaiclink.system.cost import mosaic_cost
from mosaiclink.system.power import mosaic_power, mosaic_power_range
from mosaiclink.system.reach import ReachFn, mosaic_reach_m
from mosaiclink.system.reliability import catalog_fit_per_end, link_mtbf_h, mosaic_link_fit
from mosaiclink.units import FIT_HOURS

PRESET_BY_RATE = {400.0: "mosaic-400g", 800.0: "mosaic-800g", 1600.0: "mosaic-1.6t", 3200.0: "mosaic-3.2t"}
ENDS_PER_LINK = 2


def percent_below(power_w, reference_w):
    """Power saved relative to a reference, percent: the "x % less power" claim (scalars or arrays)."""
    return 100.0 * (1.0 - power_w / reference_w)


def fit_ratio(reference_fit, fit):
    """How many times more reliable than a reference: the "100x the reliability" claim."""
    return reference_fit / fit


@dataclass(frozen=True)
class ComparisonRow:
    """One technology at the comparison's rate, reach and temperature (per link = two ends)."""

    technology: str
    entry_id: str
    name: str
    feasible: bool | None
    reasons: tuple[str, ...]
    max_reach_m: float | None
    power_w_per_end: float
    power_w_per_end_low: float
    power_w_per_end_high: float
    pj_per_bit: float
    link_fit: float
    mtbf_h: float
    cost_usd_per_link: float | None
    laser_based: bool
    reference_only: bool = False
    is_mosaic: bool = False
    confidence: dict[str, str] = field(default_factory=dict)
    power_ratio: float | None = None
    fit_ratio: float | None = None
    cost_ratio: float | None = None

    def to_dict(self) -> dict:
        """Plain dict of the row."""
        return {**asdict(self), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class ComparisonResult:
    """Rows for every technology at one operating point, MOSAIC first.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> result = ml.compare("800g", reach_m=30)
    >>> result.row("aoc").power_w_per_end, round(result.headline()["fit_ratio_vs_aoc"], 2)
    (11.0, 4.85)
    >>> result.row("aoc").link_fit, round(result.mosaic.link_fit, 1)  # 275 FIT per AOC end x 2 ends
    (550.0, 113.5)
    """

    rate_gbps: float
    reach_m: float
    temperature_c: float
    design_name: str
    rows: tuple[ComparisonRow, ...]
    mosaic_power_range_w: tuple[float, float]
    notes: tuple[str, ...] = ()

    @property
    def mosaic(self) -> ComparisonRow:
        """The computed MOSAIC row."""
        return next(r for r in self.rows if r.is_mosaic)

    def row(self, technology: str) -> ComparisonRow:
        """The (non-reference) row of a technology."""
        for r in self.rows:
            if r.technology == technology and not r.reference_only:
                return r
        raise ConfigError(
            f"technology = {technology!r}: not in this comparison; have {', '.join(r.technology for r in self.rows)}"
        )

    def headline(self) -> dict:
        """The published claims recomputed: power vs AOC, FIT vs laser optics, reach vs copper.

        Power is like against like: the AOC is a pluggable module, so MOSAIC's pluggable-host power
        (the top of its range) against the AOC's catalog spread, cheapest AOC first (a co-packaged
        MOSAIC end against a pluggable AOC would mix two products).
        """
        out: dict = {"mosaic_power_w_per_end_range": list(self.mosaic_power_range_w)}
        aoc = next((r for r in self.rows if r.technology == "aoc" and not r.reference_only), None)
        pluggable_w = self.mosaic_power_range_w[1]
        if aoc is not None:
            out["percent_below_aoc_range"] = [
                percent_below(pluggable_w, aoc.power_w_per_end_low),
                percent_below(pluggable_w, aoc.power_w_per_end_high),
            ]
            out["w_saved_per_cable_range"] = [
                ENDS_PER_LINK * (aoc.power_w_per_end_low - pluggable_w),
                ENDS_PER_LINK * (aoc.power_w_per_end_high - pluggable_w),
            ]
        lasers = [r.link_fit for r in self.rows if r.laser_based and not r.reference_only]
        if aoc is not None:
            out["fit_ratio_vs_aoc"] = fit_ratio(aoc.link_fit, self.mosaic.link_fit)
        if lasers:
            out["fit_ratio_vs_laser_optics_range"] = [
                fit_ratio(min(lasers), self.mosaic.link_fit),
                fit_ratio(max(lasers), self.mosaic.link_fit),
            ]
        dac = next((r for r in self.rows if r.technology == "passive-dac"), None)
        if dac is not None and dac.max_reach_m and self.mosaic.max_reach_m is not None:
            out["reach_ratio_vs_passive_copper"] = self.mosaic.max_reach_m / dac.max_reach_m
        return out

    def to_dict(self) -> dict:
        """Plain dict for JSON."""
        return {
            "rate": rate_key(self.rate_gbps),
            "rate_gbps": self.rate_gbps,
            "reach_m": self.reach_m,
            "temperature_c": self.temperature_c,
            "design": self.design_name,
            "rows": [r.to_dict() for r in self.rows],
            "headline": self.headline(),
            "notes": list(self.notes),
        }

    # --- views for notebooks and scripts ---

    def __repr__(self) -> str:
        low, high = self.mosaic_power_range_w
        return (
            f"<ComparisonResult {self.rate_gbps:g} Gb/s, {self.reach_m:g} m, {self.temperature_c:g} C: "
            f"{len(self.rows)} rows, MOSAIC {low:.3g}-{high:.3g} W/end, link FIT {self.mosaic.link_fit:.3g}>"
        )

    def to_dataframe(self):
        """One row per technology as a :class:`pandas.DataFrame` (pandas imported here)."""
        import pandas as pd

        return pd.DataFrame([r.to_dict() for r in self.rows]).set_index("technology")

    def _repr_html_(self) -> str:
        import html

        columns = ["name", "feasible", "max_reach_m", "power_w_per_end", "pj_per_bit", "link_fit", "cost_usd_per_link"]
        table = self.to_dataframe()[columns].to_html(float_format=lambda v: f"{v:.4g}")
        return f"<p><code>{html.escape(repr(self))}</code></p>" + table


def default_design(rate_gbps: float) -> MosaicDesign:
    """The shipped MOSAIC preset for a rate."""
    if rate_gbps not in PRESET_BY_RATE:
        raise ConfigError(
            f"rate = {rate_key(rate_gbps)!r}: no MOSAIC preset; presets exist for "
            f"{', '.join(rate_key(r) for r in PRESET_BY_RATE)} (pass a design)"
        )
    return load_preset(PRESET_BY_RATE[rate_gbps])


def catalog_row(entry: CatalogEntry, reach_m: float, temperature_c: float) -> ComparisonRow:
    """A catalog technology at an operating point; FIT Arrhenius-scaled to ``temperature_c``."""
    reasons = []
    if reach_m > entry.max_reach_m.typical:
        reasons.append(f"reach {entry.max_reach_m.typical:g} m < {reach_m:g} m")
    if temperature_c > entry.max_operating_temperature_c.typical:
        reasons.append(f"max case {entry.max_operating_temperature_c.typical:g} C < {temperature_c:g} C")
    link_fit = ENDS_PER_LINK * catalog_fit_per_end(entry, temperature_c)
    cost = entry.cost_usd_per_end
    return ComparisonRow(
        technology=entry.technology,
        entry_id=entry.id,
        name=entry.name,
        feasible=not reasons,
        reasons=tuple(reasons),
        max_reach_m=entry.max_reach_m.typical,
        power_w_per_end=entry.power_w_per_end.typical,
        power_w_per_end_low=entry.power_w_per_end.low,
        power_w_per_end_high=entry.power_w_per_end.high,
        pj_per_bit=entry.pj_per_bit(),
        link_fit=link_fit,
        mtbf_h=FIT_HOURS / link_fit if link_fit > 0 else float("inf"),
        cost_usd_per_link=None if cost is None else ENDS_PER_LINK * cost.typical,
        laser_based=entry.laser_based,
        reference_only=entry.reference_only,
        confidence={
            "power": entry.power_w_per_end.confidence,
            "reach": entry.max_reach_m.confidence,
            "fit": entry.fit.confidence,
            "cost": cost.confidence if cost else "-",
        },
    )


def mosaic_row(
    design: MosaicDesign,
    reach_m: float,
    temperature_c: float,
    power_spec: PowerSpec,
    reliability_spec: ReliabilitySpec,
    cost_spec: CostSpec,
    reach_fn: ReachFn | None,
) -> tuple[ComparisonRow, tuple[str, ...]]:
    """The computed MOSAIC row, plus notes (e.g. when no reach model is available)."""
    notes: list[str] = []
    try:
        max_reach = mosaic_reach_m(design, reach_fn=reach_fn)
    except ModelRangeError as exc:
        max_reach = None
        notes.append(f"MOSAIC reach unknown: {exc}")
    reasons = [] if max_reach is None or reach_m <= max_reach else [f"reach {max_reach:.3g} m < {reach_m:g} m"]
    power = mosaic_power(design, power_spec)
    low_w, high_w = (p.total_w_per_end for p in mosaic_power_range(design, power_spec))
    # the FIT and MTBF of mosaic_reliability, without its repair-free MTTF (an integral the row never shows)
    link_fit = mosaic_link_fit(design, reliability_spec, temperature_c)
    cost = mosaic_cost(design, cost_spec, length_m=reach_m)
    row = ComparisonRow(
        technology="mosaic",
        entry_id=design.name,
        name=f"MOSAIC {design.name} (computed, {power_spec.host_interface})",
        feasible=None if max_reach is None else not reasons,
        reasons=tuple(reasons),
        max_reach_m=max_reach,
        power_w_per_end=power.total_w_per_end,
        power_w_per_end_low=low_w,
        power_w_per_end_high=high_w,
        pj_per_bit=power.pj_per_bit,
        link_fit=link_fit,
        mtbf_h=link_mtbf_h(link_fit),
        cost_usd_per_link=ENDS_PER_LINK * cost.total_usd_per_end(),
        laser_based=False,
        is_mosaic=True,
        confidence={"power": "E", "reach": "E", "fit": "E", "cost": "E"},
    )
    return row, tuple(notes)


def _with_ratios(row: ComparisonRow, ref: ComparisonRow) -> ComparisonRow:
    def ratio(a: float | None, b: float | None) -> float | None:
        return None if a is None or not b else a / b

    return ComparisonRow(
        **{
            **row.__dict__,
            "power_ratio": ratio(row.power_w_per_end, ref.power_w_per_end),
            "fit_ratio": ratio(row.link_fit, ref.link_fit),
            "cost_ratio": ratio(row.cost_usd_per_link, ref.cost_usd_per_link),
        }
    )


def compare(
    rate: str | float = "800g",
    reach_m: float = 30.0,
    temperature_c: float = 55.0,
    design: MosaicDesign | None = None,
    catalog: Catalog | None = None,
    power_spec: PowerSpec | None = None,
    reliability_spec: ReliabilitySpec | None = None,
    cost_spec: CostSpec | None = None,
    reach_fn: ReachFn | None = None,
) -> ComparisonResult:
    """Compare MOSAIC with every catalog technology at ``rate``, ``reach_m`` and ``temperature_c``.

    Parameters
    ----------
    rate
        ``'400g'``, ``'800g'``, ``'1.6t'``, ``'3.2t'`` or Gb/s.
    reach_m
        Link length the technologies must reach (feasibility, MOSAIC fibre cost).
    temperature_c
        Operating (case) temperature: FIT acceleration and the maximum-temperature check.
    design
        MOSAIC design; default the shipped preset for the rate.
    catalog
        Technology catalog; default :func:`load_catalog`.
    reach_fn
        MOSAIC reach model ``(design, target_ber) -> m``; default the physics layer's.

    Notes
    -----
    Per-link figures are two ends: ``FIT_link = 2 FIT_end AF(T)`` for catalog rows (the
    fibre or cable between pluggable modules is not counted), MOSAIC's from
    :func:`~mosaiclink.system.reliability.mosaic_reliability`. Power is per end at the
    module boundary (host ASIC SerDes excluded for every row; MOSAIC's host-interface SerDes
    inside its module included).

    Examples
    --------
    >>> import mosaiclink as ml
    >>> ml.compare("800g", reach_m=30)
    <ComparisonResult 800 Gb/s, 30 m, 55 C: 12 rows, MOSAIC 3.1-5.3 W/end, link FIT 114>
    """
    if design is not None:
        require_instance(design, MosaicDesign, "design")
    for name, value in (("reach_m", reach_m), ("temperature_c", temperature_c)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{name} = {value!r}: expected a number")
    if not reach_m > 0:
        raise ConfigError(f"reach_m = {reach_m!r}: must be > 0")
    if not -40.0 <= temperature_c <= 150.0:
        raise ConfigError(f"temperature_c = {temperature_c!r}: must be within [-40, 150] C")
    rate_gbps = parse_rate_gbps(rate)
    catalog = catalog or load_catalog()
    design = design or default_design(rate_gbps)
    entries = catalog.entries(rate=rate_gbps, include_reference=True)
    if not entries:
        raise ConfigError(
            f"rate = {rate_key(rate_gbps)!r}: no catalog entries; "
            f"rates: {', '.join(rate_key(r) for r in catalog.rates_gbps())}"
        )
    mosaic, notes = mosaic_row(
        design,
        reach_m,
        temperature_c,
        power_spec or PowerSpec(),
        reliability_spec or ReliabilitySpec(),
        cost_spec or CostSpec(),
        reach_fn,
    )
    others = sorted(
        (catalog_row(e, reach_m, temperature_c) for e in entries), key=lambda r: (r.reference_only, r.power_w_per_end)
    )
    return ComparisonResult(
        rate_gbps=rate_gbps,
        reach_m=float(reach_m),
        temperature_c=float(temperature_c),
        design_name=design.name,
        rows=tuple(_with_ratios(r, mosaic) for r in (mosaic, *others)),
        mosaic_power_range_w=(mosaic.power_w_per_end_low, mosaic.power_w_per_end_high),
        notes=notes,
    )
