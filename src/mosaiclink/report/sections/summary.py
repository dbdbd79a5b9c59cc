"""The summary strip at the top of the report: the answer first.

MOSAIC beside every alternative on W per end, pJ/bit, reach, link FIT and $ per link; the
cluster's link-failure interval and the power it saves; and the published claims beside ours
with a verdict (:mod:`mosaiclink.report.claims`). Renders an assessment; computes nothing.
"""

from __future__ import annotations

import math

from mosaiclink.report.assess import Assessment
from mosaiclink.report.claims import SOURCES, claim_rows
from mosaiclink.report.document import Section, Table
from mosaiclink.report.numbers import fmt, fmt_hours, fmt_length_m, fmt_range, fmt_rate_gbps


def _interval_text(low: float, high: float, unit: str) -> str:
    """A published interval: '3.1-5.3 W', '>= 50 m', '<= 20 FIT'."""
    if math.isinf(high):
        return f">= {fmt(low)} {unit}"
    if low == 0.0:
        return f"<= {fmt(high)} {unit}"
    return fmt_range(low, high, unit=unit)


def _value_text(low: float, high: float, unit: str) -> str:
    if unit == "h":
        return fmt_hours(low) if fmt_hours(low) == fmt_hours(high) else f"{fmt_hours(low)}-{fmt_hours(high)}"
    if unit == "m":
        return fmt_length_m(low)
    return fmt_range(low, high, unit=unit)


def alternatives_table(assessment: Assessment) -> Table | None:
    """Every technology at the design's aggregate rate (None when the catalog has none)."""
    result = assessment.system.comparison
    if result is None:
        return None
    rows = tuple(
        (
            ("MOSAIC (this design)" if r.is_mosaic else r.name),
            fmt_range(r.power_w_per_end_low, r.power_w_per_end_high) if r.is_mosaic else fmt(r.power_w_per_end),
            fmt(r.pj_per_bit),
            fmt_length_m(r.max_reach_m),
            fmt(r.link_fit),
            "-" if r.cost_usd_per_link is None else f"{r.cost_usd_per_link:,.0f}",
        )
        for r in result.rows
        if not r.reference_only
    )
    return Table(
        columns=("technology", "W per end", "pJ/bit", "reach", "link FIT", "$ per link"),
        rows=rows,
        caption=f"{fmt_rate_gbps(result.rate_gbps)} links, FIT at {result.temperature_c:g} C; MOSAIC computed "
        "(power co-packaged to pluggable host), the others from the technology catalog",
    )


def summary_section(assessment: Assessment) -> Section:
    """The answer: how MOSAIC compares, what it does to a cluster, and whether the claims hold."""
    link, cluster, system = assessment.link, assessment.cluster, assessment.system
    report = link.report
    incumbent, mosaic = cluster.fabric[0], cluster.fabric[1]
    optical_h = incumbent["failures"]["mtbf_optical_h"]
    mosaic_h = mosaic["failures"]["mtbf_mosaic_h"]
    saved_mw = (incumbent["power"]["interconnect_kw"] - mosaic["power"]["interconnect_kw"]) / 1e3
    verdict_word = "meets" if report.link_ok else "misses"
    paragraphs = [
        f"{assessment.design.name}: {report.channels} channels at {fmt_rate_gbps(report.rate_gbps)} over "
        f"{fmt_length_m(report.length_m)} {verdict_word} its BER target ({report.channels_meeting_target} of "
        f"{report.channels} channels, {report.data_channels} needed) and reaches {fmt_length_m(link.reach_all_data_m)} "
        f"with every data channel. It draws {fmt_range(system.power_co_packaged.total_w_per_end, system.power_pluggable.total_w_per_end, unit='W')} "  # noqa: E501
        "per end.",
        f"In a 100k-GPU cluster, an optical link fails every {fmt_hours(optical_h)} today; with MOSAIC in the "
        f"scale-out fabric a MOSAIC link fails every {fmt_hours(mosaic_h)}, and the interconnect draws "
        f"{fmt(saved_mw)} MW less.",
    ]
    tables = []
    alternatives = alternatives_table(assessment)
    if alternatives is not None:
        tables.append(alternatives)
    claims = claim_rows(assessment)
    if claims:
        tables.append(
            Table(
                columns=("published claim", "published", "ours", "verdict", "source"),
                rows=tuple(
                    (
                        c.claim.text,
                        _interval_text(c.claim.low, c.claim.high, c.claim.unit),
                        _value_text(c.ours_low, c.ours_high, c.claim.unit),
                        c.verdict,
                        c.claim.sources,
                    )
                    for c in claims
                ),
                caption="Published claims recomputed by the models (reproduced: inside the published range within 5 %)",
            )
        )
        paragraphs.append("Sources: " + "; ".join(f"{tag} {url}" for tag, url in SOURCES.items()) + ".")
    return Section(
        section_id="summary",
        title="The answer",
        paragraphs=tuple(paragraphs),
        tables=tuple(tables),
        headline=tuple((f"claim: {c.claim.text}", c.verdict) for c in claims),
        data={
            "optical_link_failure_every_h": optical_h,
            "mosaic_link_failure_every_h": mosaic_h,
            "interconnect_power_saved_mw": saved_mw,
            "claims": [
                {
                    "claim": c.claim.text,
                    "published": [c.claim.low, c.claim.high if math.isfinite(c.claim.high) else None],
                    "unit": c.claim.unit,
                    "ours": [c.ours_low, c.ours_high],
                    "verdict": c.verdict,
                    "sources": c.claim.sources,
                }
                for c in claims
            ],
        },
    )
