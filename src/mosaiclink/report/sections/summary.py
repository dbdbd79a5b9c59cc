"""The summary strip at the top of the report: the answer first.

MOSAIC beside every alternative on W per end, pJ/bit, reach, link FIT and $ per link; the
cluster's link-failure interval and the power it saves; the 5/50/95 % bands of the headline
numbers; and the published claims beside ours with a verdict and the inputs that decide it (the
claims table of :mod:`mosaiclink.explore.claims`, the same result ``mosaic uncertainty`` prints).
Renders an assessment; computes nothing.
"""

from __future__ import annotations

from mosaiclink.assess.assessment import Assessment
from mosaiclink.explore.claims import SOURCES, ClaimsAssessment
from mosaiclink.explore.uncertainty import METRICS
from mosaiclink.report.document import Section, Table
from mosaiclink.report.numbers import fmt, fmt_hours, fmt_length_m, fmt_range, fmt_rate_gbps

UNITS = {"_h": fmt_hours, "reach_m": fmt_length_m}


def _value(metric: str, value: float) -> str:
    """A metric's value in its own style: hours as '8.16 h' / '2.13 days', reach as a length."""
    for suffix, style in UNITS.items():
        if metric.endswith(suffix):
            return style(value)
    return fmt(value)


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


def bands_table(claims: ClaimsAssessment, report_length_m: float) -> Table:
    """5/50/95 % band and drivers of every headline metric."""
    result = claims.result
    rows = []
    for metric in result.metrics:
        p5, p50, p95 = result.band(metric)
        drivers = ", ".join(f"{d['input']} ({d['spearman']:+.2f})" for d in result.sensitivity[metric])
        cells = (result.nominal[metric], p5, p50, p95)
        label = METRICS.get(metric, metric)
        if any(metric.endswith(suffix) for suffix in UNITS):  # the values carry their unit ('8.16 h', '2.18 days')
            label = label.rsplit(" (", 1)[0]
        rows.append((label, *(_value(metric, v) for v in cells), drivers or "-"))
    fleet = result.fleet
    return Table(
        columns=("quantity", "nominal", "5 %", "50 %", "95 %", "driven by (rank correlation)"),
        rows=tuple(rows),
        caption=f"{result.unit.shape[0]} Latin hypercube samples (seed {result.seed}) over {len(result.inputs)} "
        f"estimated inputs and their ranges, evaluated on the fast path (the median channel at "
        f"{fmt_length_m(report_length_m)} and the design's line rate; power with the {claims.host_interface} host "
        f"interface beside the AOC's catalog spread, FIT at {claims.temperature_c:g} C). The sections below evaluate "
        "every channel (so their reach can differ slightly) and pair the ends of the power ranges (pluggable with "
        f"the dearest AOC, co-packaged with the cheapest). Cluster figures: {fleet.optical_links:,.0f} optical fabric "
        f"links of the '{fleet.scenario}' scenario ({fleet.gpus:,} GPUs).",
    )


def claims_rows(claims: ClaimsAssessment) -> Table:
    """Each published claim, our nominal value and band, the verdict and the inputs that decide it."""
    rows = tuple(
        (
            c.claim.text,
            c.claim.condition,
            _value(c.claim.metric, c.nominal),
            f"{_value(c.claim.metric, c.p5)} to {_value(c.claim.metric, c.p95)}",
            c.verdict,
            ", ".join(c.deciding_inputs) or "-",
            c.claim.source,
        )
        for c in claims.claims
    )
    return Table(
        columns=(
            "published claim",
            "condition",
            "ours (nominal)",
            "ours (5-95 %)",
            "verdict",
            "deciding inputs",
            "source",
        ),
        rows=rows,
        caption="Holds across the band: the 5 % and 95 % points both satisfy the claim; at typical values only: "
        "the nominal design does, part of the band does not; does not hold: neither.",
    )


def summary_section(assessment: Assessment) -> Section:
    """The answer: how MOSAIC compares, what it does to a cluster, the bands, and whether the claims hold."""
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
        f"{fmt(saved_mw)} MW less (cluster model at {cluster.temperature_c:g} C, seed {assessment.seed}).",
    ]
    tables = []
    alternatives = alternatives_table(assessment)
    if alternatives is not None:
        tables.append(alternatives)
    claims = assessment.claims
    data: dict = {
        "optical_link_failure_every_h": optical_h,
        "mosaic_link_failure_every_h": mosaic_h,
        "interconnect_power_saved_mw": saved_mw,
    }
    if claims is None:
        paragraphs.append(f"No bands or claim verdicts: {assessment.claims_note}.")
    else:
        tables.append(bands_table(claims, report.length_m))
        if claims.claims:
            tables.append(claims_rows(claims))
            paragraphs.append("Sources: " + "; ".join(f"{tag} {url}" for tag, url in SOURCES.items()) + ".")
        data["uncertainty"] = claims.to_dict()
    return Section(
        section_id="summary",
        title="The answer",
        paragraphs=tuple(paragraphs),
        tables=tuple(tables),
        headline=tuple((f"claim: {c.claim.text}", c.verdict) for c in (claims.claims if claims else ())),
        data=data,
    )
