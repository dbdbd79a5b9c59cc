"""The published MOSAIC headline claims, recomputed from an assessment, each with a verdict.

Each claim is a published interval (one-sided claims use an infinite end) with its source tag
from the research notes (``P`` primary, ``S`` secondary reading of the paper; URLs in
:data:`SOURCES`). :func:`claim_rows` puts our computed value beside each; :func:`verdict` says
whether ours lies inside the published interval (within ``TOLERANCE``), overlaps it, or not.
The claims concern the 800G design, so they are recomputed only for an 800 Gb/s design.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mosaiclink.report.assess import Assessment

CLAIM_RATE_GBPS = 800.0
TOLERANCE = 0.05  # relative slack on a published end before "reproduced" becomes "overlaps"/"differs"
SOURCES = {
    "P1": "https://doi.org/10.1145/3718958.3750510",
    "P2": "https://www.microsoft.com/en-us/research/blog/breaking-the-networking-wall-in-ai-infrastructure/",
    "S1": "https://github.com/Nur-Alp/cpo-research-private (claim ledger CLM-116..119)",
    "S2": "display-industry column paraphrasing the paper (2026-10-06)",
    "S4": "https://firstpasslab.com/blog/2026-03-22-microsoft-mosaic-microled-data-center-networking-power-ccie-guide/",
}


@dataclass(frozen=True)
class Claim:
    """A published figure as an interval ``[low, high]`` in ``unit``."""

    key: str
    text: str
    low: float
    high: float
    unit: str
    sources: str


CLAIMS = (
    Claim("power_w_per_end", "800G power per end", 3.1, 5.3, "W", "S1, S4"),
    Claim("percent_below_aoc", "less power than an 800G AOC", 56.0, 68.0, "%", "P1, S1"),
    Claim("reach_m", "reach", 50.0, math.inf, "m", "P1, P2"),
    Claim("reach_vs_copper", "reach vs passive copper", 10.0, math.inf, "x", "P1, P2"),
    Claim("link_fit", "link FIT with ~5 % spares", 0.0, 20.0, "FIT", "S1 (CLM-118)"),
    Claim("fit_vs_laser_optics", "reliability vs laser optics", 100.0, math.inf, "x", "P1, P2"),
    Claim("optical_failure_h", "100k GPUs: an optical link fails every", 6.0, 12.0, "h", "S2, S4"),
)


def verdict(low: float, high: float, claim_low: float, claim_high: float, tolerance: float = TOLERANCE) -> str:
    """``'reproduced'`` when ``[low, high]`` lies inside the claim (ends relaxed by ``tolerance``),
    ``'overlaps'`` when the two intervals share a point, else ``'differs'``."""
    lo_ok = low >= claim_low * (1.0 - tolerance)
    hi_ok = high <= claim_high * (1.0 + tolerance)
    if lo_ok and hi_ok:
        return "reproduced"
    if low <= claim_high and high >= claim_low:
        return "overlaps"
    return "differs"


def computed_values(assessment: Assessment) -> dict[str, tuple[float, float]]:
    """Our value of each claim as ``(low, high)`` (equal ends for a single number); missing if not computed."""
    system, cluster = assessment.system, assessment.cluster
    out: dict[str, tuple[float, float]] = {
        "power_w_per_end": (system.power_co_packaged.total_w_per_end, system.power_pluggable.total_w_per_end),
        "reach_m": (assessment.link.reach_all_data_m,) * 2,
        "optical_failure_h": (cluster.fabric[0]["failures"]["mtbf_optical_h"],) * 2,
    }
    if system.comparison is not None:
        head = system.comparison.headline()
        out["link_fit"] = (system.comparison.mosaic.link_fit,) * 2
        for key, name in (
            ("percent_below_aoc", "percent_below_aoc_range"),
            ("fit_vs_laser_optics", "fit_ratio_vs_laser_optics_range"),
        ):
            if name in head:
                out[key] = (min(head[name]), max(head[name]))
        if "reach_ratio_vs_passive_copper" in head:
            out["reach_vs_copper"] = (head["reach_ratio_vs_passive_copper"],) * 2
    return out


@dataclass(frozen=True)
class ClaimRow:
    """A claim, our value and the verdict."""

    claim: Claim
    ours_low: float
    ours_high: float
    verdict: str


def claim_rows(assessment: Assessment) -> tuple[ClaimRow, ...]:
    """Every published claim we recompute for this design (none unless it is an 800 Gb/s design)."""
    if assessment.system.rate_gbps != CLAIM_RATE_GBPS:
        return ()
    values = computed_values(assessment)
    return tuple(ClaimRow(c, *values[c.key], verdict(*values[c.key], c.low, c.high)) for c in CLAIMS if c.key in values)
