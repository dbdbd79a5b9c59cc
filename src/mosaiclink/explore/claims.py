"""The published claims (DESIGN.md calibration table) checked against our value and its band.

A claim holds when its metric lies in ``[low, high]`` (either end open). Against the 5-95 %
band of :mod:`mosaiclink.explore.uncertainty` the verdict is

* ``holds across the band`` - the 5 % and the 95 % points both satisfy it;
* ``holds at typical values only`` - the nominal design (every estimate at its preset value)
  satisfies it, but part of the band does not;
* ``does not hold`` - not even the nominal design satisfies it.

The deciding inputs are the metric's drivers (first-order sensitivity and rank correlation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from mosaiclink.config.measurements import BerDataset
from mosaiclink.explore.uncertainty import UncertaintyResult

HOLDS = "holds across the band"
TYPICAL_ONLY = "holds at typical values only"
FAILS = "does not hold"


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


CLAIMS = (
    Claim("reach", "800G up to 50 m", "paper / blog [P1][S1]", "reach_m", low=50.0),
    Claim("power", "3.1-5.3 W per end (800G)", "paper [S1]", "power_w_per_end", low=3.1, high=5.3),
    Claim("power_vs_aoc", "56-68 % less power than an 800G AOC", "paper [S1]", "percent_below_aoc", low=56.0),
    Claim("link_fit", "link < 20 FIT with ~5 % spares", "paper, secondary [S1 CLM-118]", "link_fit", high=20.0),
    Claim(
        "fit_vs_optics", "100x the reliability of laser optics", "paper, secondary [S1]", "fit_ratio_vs_aoc", low=100.0
    ),
    Claim(
        "fleet_failures",
        "at 100k GPUs an optical link fails every 6-12 h today",
        "paper, secondary [S1]",
        "aoc_failure_interval_h",
        low=6.0,
        high=12.0,
    ),
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


def verdict(claim: Claim, result: UncertaintyResult) -> dict[str, Any]:
    """Our value, band, verdict and deciding inputs for one claim."""
    p5, p50, p95 = result.band(claim.metric)
    nominal = result.nominal[claim.metric]
    if claim.satisfied(p5) and claim.satisfied(p95):
        outcome = HOLDS
    elif claim.satisfied(nominal):
        outcome = TYPICAL_ONLY
    else:
        outcome = FAILS
    return {
        "claim": claim.key,
        "text": claim.text,
        "source": claim.source,
        "metric": claim.metric,
        "condition": _condition(claim),
        "nominal": nominal,
        "p5": p5,
        "p50": p50,
        "p95": p95,
        "verdict": outcome,
        "deciding_inputs": [d["input"] for d in result.sensitivity.get(claim.metric, [])],
    }


def _condition(claim: Claim) -> str:
    if claim.low is not None and claim.high is not None:
        return f"{claim.low:g} <= {claim.metric} <= {claim.high:g}"
    if claim.low is not None:
        return f"{claim.metric} >= {claim.low:g}"
    return f"{claim.metric} <= {claim.high:g}" if claim.high is not None else "always"


def claims_table(result: UncertaintyResult, extra: tuple[Claim, ...] = ()) -> list[dict[str, Any]]:
    """Verdicts of every claim whose metric the result holds."""
    return [verdict(c, result) for c in CLAIMS + extra if c.metric in result.metrics and _finite(result, c.metric)]


def _finite(result: UncertaintyResult, metric: str) -> bool:
    return math.isfinite(result.nominal[metric])
