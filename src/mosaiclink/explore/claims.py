"""The published claims (DESIGN.md calibration table): the probability each holds given the data.

This is the one claims table: ``mosaic uncertainty`` prints it, ``mosaic report`` shows it in its
summary strip and ``report.json``; both call :func:`assess_claims`. A claim holds when its metric
lies in ``[low, high]`` (either end open). The estimate ranges are the prior; the shipped published
BER points and any measurements given condition them (:mod:`mosaiclink.explore.posterior`), and
over the posterior draws

* :math:`P(\\text{holds} \\mid \\text{data})` is the fraction of draws that satisfy the claim;
* the verdict follows from it: ``holds`` (>= 0.95), ``likely`` (>= 0.5), ``unlikely`` (>= 0.05),
  ``does not hold`` (< 0.05);
* the nominal design's percentile in the posterior band says where the preset sits (a nominal at
  the 96th percentile is an optimistic corner, not a typical value).

The deciding inputs are the metric's drivers over the posterior draws (rank correlation,
:func:`mosaiclink.explore.uncertainty.sensitivity`). The prior band and its probability are kept
beside the posterior's. The headline claims concern the 800G production design, so they are
checked only for a design carrying 800 Gb/s; the published BER points (:func:`dataset_claims`) are
checked for the design their dataset names as its base.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from mosaiclink.config.datasets import DEFAULT_DATASET, dataset_path
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.estimate_ranges import InputRange
from mosaiclink.config.measurements import BerDataset, load_ber_dataset
from mosaiclink.config.system import PowerSpec, ReliabilitySpec
from mosaiclink.explore.calibrate import check_points
from mosaiclink.explore.posterior import PosteriorResult, conditioned
from mosaiclink.explore.spec import load_base
from mosaiclink.explore.uncertainty import UncertaintyResult, fleet, propagate, reference_entry, unranged_estimates

HOLDS = "holds"
LIKELY = "likely"
UNLIKELY = "unlikely"
FAILS = "does not hold"
HOLDS_FROM = 0.95  # P(holds | data) at or above: holds
FAILS_BELOW = 0.05  # below: does not hold
HEADLINE_RATE_GBPS = 800.0  # the published headline claims are about the 800G design
COPPER_REACH_FACTOR = 10.0  # "10x the reach of copper"
# Source tags of the research notes (docs/research/mosaic.md, docs/sources.md): P primary, S secondary.
SOURCES = {
    "P1": "https://doi.org/10.1145/3718958.3750510",
    "P2": "https://www.microsoft.com/en-us/research/blog/breaking-the-networking-wall-in-ai-infrastructure/",
    "S1": "secondary reading of the paper (docs/research/mosaic.md, claims CLM-116..119)",
    "S2": "display-industry column paraphrasing the paper (2026-10-06; docs/research/mosaic.md)",
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


def decide(p_holds: float) -> str:
    """The verdict from :math:`P(\\text{holds} \\mid \\text{data})` (module Notes)."""
    if p_holds >= HOLDS_FROM:
        return HOLDS
    if p_holds < FAILS_BELOW:
        return FAILS
    return LIKELY if p_holds >= 0.5 else UNLIKELY


def probability_holds(claim: Claim, values: np.ndarray) -> float:
    """Fraction of draws that satisfy the claim."""
    ok = np.ones(values.shape, dtype=bool)
    if claim.low is not None:
        ok &= values >= claim.low
    if claim.high is not None:
        ok &= values <= claim.high
    return float(np.mean(ok))


@dataclass(frozen=True)
class ClaimVerdict:
    """A claim: our nominal value, posterior 5/50/95 % band, P(holds | data), the verdict, where
    the nominal design sits in the band, the deciding inputs, and the prior's band and probability."""

    claim: Claim
    nominal: float
    p5: float
    p50: float
    p95: float
    p_holds: float | None  # None: a band of corners without a distribution (the temperature claim)
    verdict: str
    nominal_percentile: float | None
    deciding_inputs: tuple[str, ...]
    prior: dict[str, float]  # p5, p50, p95, p_holds of the prior draws (empty without draws)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the claim's fields, its condition, the values and the verdict)."""
        values = {k: getattr(self, k) for k in ("nominal", "p5", "p50", "p95", "p_holds", "verdict")}
        return {
            **asdict(self.claim),
            "condition": self.claim.condition,
            **values,
            "nominal_percentile": self.nominal_percentile,
            "deciding_inputs": list(self.deciding_inputs),
            "prior": dict(self.prior),
        }


def verdict(claim: Claim, result: UncertaintyResult, prior: UncertaintyResult | None = None) -> ClaimVerdict:
    """Our value, band, probability, verdict and deciding inputs for one claim over ``result``'s
    draws (the posterior; ``prior`` the prior draws, default the same)."""
    prior = prior or result
    draws = result.metrics[claim.metric]
    p5, p50, p95 = result.band(claim.metric)
    nominal = result.nominal[claim.metric]
    p_holds = probability_holds(claim, draws)
    drivers = tuple(d["input"] for d in result.sensitivity.get(claim.metric, []))
    q5, q50, q95 = prior.band(claim.metric)
    return ClaimVerdict(
        claim,
        nominal,
        p5,
        p50,
        p95,
        p_holds,
        decide(p_holds),
        float(100.0 * np.mean(draws <= nominal)),
        drivers,
        {"p5": q5, "p50": q50, "p95": q95, "p_holds": probability_holds(claim, prior.metrics[claim.metric])},
    )


def claims_table(
    result: UncertaintyResult, claims: tuple[Claim, ...], prior: UncertaintyResult | None = None
) -> tuple[ClaimVerdict, ...]:
    """Verdicts of every claim whose metric the result holds with a finite nominal value."""
    return tuple(
        verdict(c, result, prior)
        for c in claims
        if c.metric in result.metrics and math.isfinite(result.nominal[c.metric])
    )


TEMPERATURE_CLAIM = Claim(
    "temperature_insensitive",
    "temperature-insensitive: meets its length over the 0-70 C commercial case range",
    "P2",
    "link_margin_db_at_70c",
    low=0.0,
)


def temperature_verdict(design: MosaicDesign) -> ClaimVerdict:
    """The "temperature-insensitive" claim from the thermal model and the link physics at 70 C case
    (:func:`mosaiclink.system.envelope.commercial_excess_db`). Its band is not the Latin hypercube's:
    ``p5`` and ``p95`` are the link excess with the thermal path at the cool and hot ends of its
    estimate ranges, ``p50`` at its estimates."""
    from mosaiclink.system.envelope import commercial_excess_db

    v = commercial_excess_db(design)
    ends = [TEMPERATURE_CLAIM.satisfied(v[k]) for k in ("cool", "hot")]
    if all(ends):
        verdict_text = HOLDS
    elif not any(ends) and not TEMPERATURE_CLAIM.satisfied(v["nominal"]):
        verdict_text = FAILS
    else:  # three thermal corners, no distribution: no probability, the nominal leans the word
        verdict_text = LIKELY if TEMPERATURE_CLAIM.satisfied(v["nominal"]) else UNLIKELY
    inputs = ("thermal.die_to_case_k_per_w", "thermal.led_bond_k_per_w", "led.srh_temperature_coeff_per_k")
    return ClaimVerdict(
        TEMPERATURE_CLAIM, v["nominal"], v["hot"], v["nominal"], v["cool"], None, verdict_text, None, inputs, {}
    )


def design_claims(design: MosaicDesign) -> tuple[Claim, ...]:
    """The headline claims when the design carries ``HEADLINE_RATE_GBPS``, else none."""
    if abs(design.data_rate_gbps - HEADLINE_RATE_GBPS) > 1e-6 * HEADLINE_RATE_GBPS:
        return ()
    return (*HEADLINE_CLAIMS[:1], copper_claim(design), *HEADLINE_CLAIMS[1:])


@dataclass(frozen=True)
class ClaimsAssessment:
    """The uncertainty result and the claims table it decides; every view renders this one result."""

    design: str
    result: UncertaintyResult  # the posterior draws (the prior's when no data reach the design)
    claims: tuple[ClaimVerdict, ...]
    unranged: tuple[str, ...]  # estimated leaves no range covers (held at their value)
    host_interface: str  # of the power figures
    temperature_c: float  # the reliability figures refer to
    prior: UncertaintyResult | None = None  # the Latin hypercube over the ranges alone
    posterior: PosteriorResult | None = None  # the chain and its diagnostics
    unconditioned: str = ""  # why the bands are the prior's (no data, or no shipped posterior and no chain run)

    def to_dict(self) -> dict[str, Any]:
        """Bands, drivers, inputs, claims, diagnostics and unranged leaves as plain JSON-ready data."""
        prior = self.prior or self.result
        return {
            "design": self.design,
            **self.result.to_dict(),
            "prior_bands": {m: dict(zip(("p5", "p50", "p95"), prior.band(m), strict=True)) for m in prior.metrics},
            "posterior": self.posterior.to_dict() if self.posterior else None,
            "unconditioned": self.unconditioned or None,
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
    data: tuple[BerDataset, ...] | None = None,
    progress: Callable[[int, int], None] | None = None,
    resample: bool = False,
    run_chain: bool = True,
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
    data
        BER datasets the bands are conditioned on (:func:`~mosaiclink.explore.posterior.conditioned`: the shipped
        posterior when its key matches, else a chain run now);
        by default the shipped published points; ``()`` keeps the prior.
    progress
        Called as ``progress(done, total)`` while the samples are evaluated.
    resample
        Run the chain even when a shipped posterior's key matches
        (:func:`~mosaiclink.explore.posterior.conditioned`).
    run_chain
        False: without a matching shipped posterior keep the prior (``unconditioned`` says why)
        instead of running the chain (the report's choice: minutes of CPU stay out of it).
    """
    if dataset is None:
        published = load_ber_dataset(dataset_path(DEFAULT_DATASET))
        checks = dataset_claims(published) if published.base == design.name else ()
    else:
        check_points(dataset, design)  # conditions through the design's validation, as calibrate does
        checks = dataset_claims(dataset)
    probes = {c.metric.split("@")[1]: conditions for c, conditions in checks}
    power, reliability = PowerSpec(), ReliabilitySpec()
    context = fleet()
    prior = propagate(
        design,
        ranges,
        samples,
        seed,
        power,
        reliability,
        probes=probes,
        baseline=baseline,
        fleet_figures=context,
        progress=progress,
    )
    if data is None:
        data = (load_ber_dataset(dataset_path(DEFAULT_DATASET)),)
    chain = None
    result = prior
    unconditioned = "" if data else "no data given"
    found = conditioned(design, prior.inputs, tuple(data), load_base, seed, resample, run_chain) if data else None
    if data and found is None:
        unconditioned = (
            f"no shipped posterior matches '{design.name}' (tools/posteriors.py ships one; "
            "mosaic uncertainty --resample runs the chain, minutes of CPU)"
        )
    if found is not None:
        chain, order = found
        unit = prior.unit.copy()
        unit[:, list(order)] = chain.draws_unit(samples, seed)[:, : len(order)]
        result = propagate(
            design,
            ranges,
            samples,
            seed,
            power,
            reliability,
            probes=probes,
            baseline=baseline,
            fleet_figures=context,
            unit=unit,
        )
    claims = claims_table(result, design_claims(design) + tuple(c for c, _ in checks), prior)
    if design_claims(design):
        claims = (*claims, temperature_verdict(design))
    unranged = tuple(unranged_estimates(preset, ranges)) if preset else ()
    return ClaimsAssessment(
        design.name,
        result,
        claims,
        unranged,
        power.host_interface,
        reliability.reference_temperature_c,
        prior,
        chain,
        unconditioned,
    )
