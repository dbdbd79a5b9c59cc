"""The published claims (DESIGN.md calibration table): our value, its band, a verdict and the inputs that decide it.

This is the one claims table: ``mosaic uncertainty`` prints it, ``mosaic report`` shows it in its
summary strip and ``report.json``; both call :func:`assess_claims`. A claim holds when its metric
lies in ``[low, high]`` (either end open). Against the 5-95 % band of
:mod:`mosaiclink.explore.uncertainty` the verdict is

* ``holds across the band`` - the 5 % and the 95 % points both satisfy it (for a one- or
  two-sided interval this is the whole band between them);
* ``holds at typical values only`` - the nominal design (every estimate at its preset value, every
  catalog figure at its typical value) satisfies it, but part of the band does not;
* ``does not hold`` - neither the band nor the nominal design satisfies it.

The deciding inputs are the metric's drivers (first-order RBD-FAST index and rank correlation,
:func:`mosaiclink.explore.uncertainty.sensitivity`). The headline claims concern the 800G
production design, so they are checked only for a design carrying 800 Gb/s; the published BER
points (:func:`dataset_claims`) are checked for the design their dataset names as its base.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from mosaiclink.config.datasets import DEFAULT_DATASET, dataset_path
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.estimate_ranges import InputRange
from mosaiclink.config.measurements import BerDataset, load_ber_dataset
from mosaiclink.config.system import PowerSpec, ReliabilitySpec
from mosaiclink.explore.uncertainty import UncertaintyResult, propagate, reference_entry, unranged_estimates

HOLDS = "holds across the band"
TYPICAL_ONLY = "holds at typical values only"
FAILS = "does not hold"
HEADLINE_RATE_GBPS = 800.0  # the published headline claims are about the 800G design
COPPER_REACH_FACTOR = 10.0  # "10x the reach of copper"
# Source tags of the research notes (docs/research/mosaic.md, docs/sources.md): P primary, S secondary.
SOURCES = {
    "P1": "https://doi.org/10.1145/3718958.3750510",
    "P2": "https://www.microsoft.com/en-us/research/blog/breaking-the-networking-wall-in-ai-infrastructure/",
    "S1": "https://github.com/Nur-Alp/cpo-research-private (claim ledger CLM-116..119)",
    "S2": "display-industry column paraphrasing the paper (2026-10-06)",
    "S4": "https://firstpasslab.com/blog/2026-03-22-microsoft-mosaic-microled-data-center-networking-power-ccie-guide/",
}


@dataclass(frozen=True)
class Claim:
    """One published claim as a condition ``low <= metric <= high`` (None: open end)."""

    key: str
    text: str
    source: str
    metric: str
    low: float | None = None
    high: float | None = None

    def satisfied(self, value: float) -> bool:
        """Whether a value satisfies the claim."""
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    @property
    def condition(self) -> str:
        """The condition as text: ``'3.1 <= power_w_per_end <= 5.3'``."""
        if self.low is not None and self.high is not None:
            return f"{self.low:g} <= {self.metric} <= {self.high:g}"
        if self.low is not None:
            return f"{self.metric} >= {self.low:g}"
        return f"{self.metric} <= {self.high:g}" if self.high is not None else "always"


HEADLINE_CLAIMS = (
    Claim("reach", "800G up to 50 m", "P1, P2", "reach_m", low=50.0),
    Claim("power", "3.1-5.3 W per end (800G)", "S1, S4", "power_w_per_end", low=3.1, high=5.3),
    Claim("power_vs_aoc", "56-68 % less power than an 800G AOC", "P1, S1", "percent_below_aoc", low=56.0),
    Claim("link_fit", "link < 20 FIT with ~5 % spares", "S1 (CLM-118)", "link_fit", high=20.0),
    Claim("fit_vs_optics", "100x the reliability of laser optics", "P1, P2", "fit_ratio_vs_aoc", low=100.0),
    Claim(
        "fleet_failures",
        "at 100k GPUs an optical link fails every 6-12 h today",
        "S2, S4",
        "aoc_failure_interval_h",
        low=6.0,
        high=12.0,
    ),
)


def copper_claim(design: MosaicDesign) -> Claim:
    """ "10x the reach of copper" as a reach condition: at least ``COPPER_REACH_FACTOR`` times the
    catalog's passive copper (DAC) reach at the design's rate."""
    copper_m = reference_entry(design, "passive-dac").max_reach_m.typical
    return Claim(
        "reach_vs_copper",
        f"10x the reach of passive copper ({copper_m:g} m)",
        "P1, P2",
        "reach_m",
        low=COPPER_REACH_FACTOR * copper_m,
    )


def dataset_claims(dataset: BerDataset) -> tuple[tuple[Claim, dict[str, float]], ...]:
    """The BER points of a dataset as claims on ``log10_ber@<row>``, with the conditions to probe."""
    out = []
    for point in dataset.points:
        obs = point.observation
        name = f"point{point.row}"
        if obs.kind == "upper":
            low, high = None, obs.log10_ber
        elif obs.kind == "lower":
            low, high = obs.log10_ber, None
        else:  # the 95 % interval around the value
            half = 1.959963984540054 * obs.sigma_decades
            low, high = obs.log10_ber - half, obs.log10_ber + half
        claim = Claim(name, point.label, dataset.source, f"log10_ber@{name}", low, high)
        out.append((claim, dict(point.overrides)))
    return tuple(out)


def decide(claim: Claim, nominal: float, p5: float, p95: float) -> str:
    """The verdict of a claim from the nominal value and the 5 % and 95 % points (module Notes)."""
    if claim.satisfied(p5) and claim.satisfied(p95):
        return HOLDS
    return TYPICAL_ONLY if claim.satisfied(nominal) else FAILS


@dataclass(frozen=True)
class ClaimVerdict:
    """A claim, our nominal value and 5/50/95 % band, the verdict and the inputs that decide it."""

    claim: Claim
    nominal: float
    p5: float
    p50: float
    p95: float
    verdict: str
    deciding_inputs: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the claim's fields, its condition, the values and the verdict)."""
        values = {k: getattr(self, k) for k in ("nominal", "p5", "p50", "p95", "verdict")}
        return {
            **asdict(self.claim),
            "condition": self.claim.condition,
            **values,
            "deciding_inputs": list(self.deciding_inputs),
        }


def verdict(claim: Claim, result: UncertaintyResult) -> ClaimVerdict:
    """Our value, band, verdict and deciding inputs for one claim."""
    p5, p50, p95 = result.band(claim.metric)
    nominal = result.nominal[claim.metric]
    drivers = tuple(d["input"] for d in result.sensitivity.get(claim.metric, []))
    return ClaimVerdict(claim, nominal, p5, p50, p95, decide(claim, nominal, p5, p95), drivers)


def claims_table(result: UncertaintyResult, claims: tuple[Claim, ...]) -> tuple[ClaimVerdict, ...]:
    """Verdicts of every claim whose metric the result holds with a finite nominal value."""
    return tuple(
        verdict(c, result) for c in claims if c.metric in result.metrics and math.isfinite(result.nominal[c.metric])
    )


TEMPERATURE_CLAIM = Claim(
    "temperature_insensitive",
    "temperature-insensitive: meets its length over the 0-70 C commercial case range",
    "P2",
    "link_excess_db_at_70c",
    low=0.0,
)


def temperature_verdict(design: MosaicDesign) -> ClaimVerdict:
    """The "temperature-insensitive" claim from the thermal model and the link physics at 70 C case
    (:func:`mosaiclink.system.envelope.commercial_excess_db`). Its band is not the Latin hypercube's:
    ``p5`` and ``p95`` are the link excess with the thermal path at the cool and hot ends of its
    estimate ranges, ``p50`` at its estimates."""
    from mosaiclink.system.envelope import commercial_excess_db

    v = commercial_excess_db(design)
    verdict_text = decide(TEMPERATURE_CLAIM, v["nominal"], v["cool"], v["hot"])
    inputs = ("thermal.die_to_case_k_per_w", "thermal.led_bond_k_per_w", "led.srh_temperature_coeff_per_k")
    return ClaimVerdict(TEMPERATURE_CLAIM, v["nominal"], v["hot"], v["nominal"], v["cool"], verdict_text, inputs)


def design_claims(design: MosaicDesign) -> tuple[Claim, ...]:
    """The headline claims when the design carries ``HEADLINE_RATE_GBPS``, else none."""
    if abs(design.data_rate_gbps - HEADLINE_RATE_GBPS) > 1e-6 * HEADLINE_RATE_GBPS:
        return ()
    return (*HEADLINE_CLAIMS[:1], copper_claim(design), *HEADLINE_CLAIMS[1:])


@dataclass(frozen=True)
class ClaimsAssessment:
    """The uncertainty result and the claims table it decides; every view renders this one result."""

    design: str
    result: UncertaintyResult
    claims: tuple[ClaimVerdict, ...]
    unranged: tuple[str, ...]  # estimated leaves no range covers (held at their value)
    host_interface: str  # of the power figures
    temperature_c: float  # the reliability figures refer to

    def to_dict(self) -> dict[str, Any]:
        """Bands, drivers, inputs, claims and unranged leaves as plain JSON-ready data."""
        return {
            "design": self.design,
            **self.result.to_dict(),
            "claims": [c.to_dict() for c in self.claims],
            "unranged": list(self.unranged),
            "host_interface": self.host_interface,
            "temperature_c": self.temperature_c,
        }


def assess_claims(
    design: MosaicDesign,
    ranges: dict[str, InputRange],
    samples: int,
    seed: int = 0,
    dataset: BerDataset | None = None,
    baseline: str = "aoc",
    preset: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ClaimsAssessment:
    """Propagate ``ranges`` (:func:`~mosaiclink.explore.uncertainty.propagate`) and decide every claim.

    Parameters
    ----------
    design, ranges, samples, seed, baseline
        As :func:`~mosaiclink.explore.uncertainty.propagate`, with the default power and reliability
        specs (their host interface and reference temperature are recorded in the result).
    dataset
        Measured BER points checked as claims; by default the shipped published points
        (:data:`~mosaiclink.config.datasets.DEFAULT_DATASET`) when their base is this design.
    preset
        The preset the design and ranges come from; names the estimates no range covers.
    progress
        Called as ``progress(done, total)`` while the samples are evaluated.
    """
    if dataset is None:
        published = load_ber_dataset(dataset_path(DEFAULT_DATASET))
        checks = dataset_claims(published) if published.base == design.name else ()
    else:
        checks = dataset_claims(dataset)
    probes = {c.metric.split("@")[1]: conditions for c, conditions in checks}
    power, reliability = PowerSpec(), ReliabilitySpec()
    result = propagate(
        design, ranges, samples, seed, power, reliability, probes=probes, baseline=baseline, progress=progress
    )
    claims = claims_table(result, design_claims(design) + tuple(c for c, _ in checks))
    if design_claims(design):
        claims = (*claims, temperature_verdict(design))
    unranged = tuple(unranged_estimates(preset, ranges)) if preset else ()
    return ClaimsAssessment(
        design.name, result, claims, unranged, power.host_interface, reliability.reference_temperature_c
    )
