"""The summary strip at the top of the report: the answer first.

MOSAIC beside every alternative on W per end, pJ/bit, reach, link FIT and $ per link; the
cluster's link-failure interval and the power it saves; the 5/50/95 % bands of the headline
numbers; and the published claims beside ours with a verdict and the inputs that decide it (the
claims table of :mod:`mosaiclink.explore.claims`, the same result ``mosaic uncertainty`` prints).
Renders an assessment; computes nothing.
"""

from __future__ import annotations

from mosaiclink.assessment.design_assessment import Assessment
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


def _probability(c) -> str:
    """P(holds | data) beside the prior's, or why there is none (a band of corners)."""
    if c.p_holds is None:
        return "n/a (corners only)"
    return f"{c.p_holds:.2f} (prior {c.prior['p_holds']:.2f})"


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
    """Prior and posterior 5/50/95 % bands and the drivers of every headline metric."""
    result = claims.result
    prior = claims.prior or result
    rows = []
    for metric in result.metrics:
        p5, p50, p95 = result.band(metric)
        drivers = ", ".join(f"{d['input']} ({d['spearman']:+.2f})" for d in result.sensitivity[metric])
        q5, _, q95 = prior.band(metric)
        cells = (result.nominal[metric], q5, q95, p5, p50, p95)
        label = METRICS.get(metric, metric)
        if any(metric.endswith(suffix) for suffix in UNITS):  # the values carry their unit ('8.16 h', '2.18 days')
            label = label.rsplit(" (", 1)[0]
        rows.append((label, *(_value(metric, v) for v in cells), drivers or "-"))
    fleet = result.fleet
    return Table(
        columns=(
            "quantity",
            "nominal",
            "prior 5 %",
            "prior 95 %",
            "posterior 5 %",
            "50 %",
            "95 %",
            "driven by (rank correlation)",
        ),
        rows=tuple(rows),
        caption=f"{result.unit.shape[0]} draws (seed {result.seed}) over {len(result.inputs)} estimated inputs: "
        "the prior is a Latin hypercube over their ranges, the posterior the same draws with the inputs the "
        "published BER points inform taken from the MCMC chain; evaluated on the fast path (the median channel at "
        f"{fmt_length_m(report_length_m)} and the design's line rate; power with the {claims.host_interface} host "
        f"interface beside the AOC's catalog spread, FIT at {claims.temperature_c:g} C). The sections below evaluate "
        "every channel (so their reach can differ slightly) and pair the ends of the power ranges (pluggable with "
        f"the dearest AOC, co-packaged with the cheapest). Cluster figures: {fleet.optical_links:,.0f} optical fabric "
        f"links of the '{fleet.scenario}' scenario ({fleet.gpus:,} GPUs).",
    )


def claims_rows(claims: ClaimsAssessment) -> Table:
    """Each published claim: P(holds | data), the verdict from it, our nominal value and where it sits in
    the band, the band, and the inputs that decide it."""
    rows = tuple(
        (
            c.claim.text,
            c.claim.condition,
            _probability(c),
            c.verdict,
            _value(c.claim.metric, c.nominal)
            + ("" if c.nominal_percentile is None else f" ({c.nominal_percentile:.0f}th pct.)"),
            f"{_value(c.claim.metric, c.p5)} to {_value(c.claim.metric, c.p95)}",
            ", ".join(c.deciding_inputs) or "-",
            c.claim.source,
        )
        for c in claims.claims
    )
    chain = claims.posterior
    conditioned = (
        f"conditioned on {', '.join(chain.datasets)} ({chain.walkers} walkers, {chain.source}, "
        f"{'converged' if chain.converged else 'NOT converged'}: R-hat < 1.05 and ESS >= 400 per sampled input)"
        if chain
        else f"the ranges alone ({claims.unconditioned or 'no data'})"
    )
    return Table(
        columns=(
            "published claim",
            "condition",
            "P(holds | data)",
            "verdict",
            "ours: nominal (percentile)",
            "ours: 5-95 %",
            "deciding inputs",
            "source",
        ),
        rows=rows,
        caption=f"P(holds | data): the fraction of the posterior draws, {conditioned}, that satisfy the claim. "
        "Verdict: holds at P >= 0.95, likely at >= 0.5, unlikely at >= 0.05, does not hold below. The nominal "
        "design's percentile says where the preset sits in the posterior band.",
    )


def posterior_inputs_table(claims: ClaimsAssessment) -> Table:
    """The inputs the data inform: the preset's value, where it sits in the posterior (a percentile
    near 0 or 100 is a corner of what the data allow), the posterior median and the chain's diagnostics."""
    chain = claims.posterior
    assert chain is not None
    percentiles, medians = chain.nominal_percentiles(), chain.medians()
    rows = tuple(
        (
            inp.path,
            f"{fmt(inp.low)} to {fmt(inp.high)}",
            fmt(inp.nominal),
            f"{percentiles[inp.path]:.0f}",
            fmt(medians[inp.path]),
            f"{chain.rhat[inp.path]:.3f}",
            f"{chain.ess[inp.path]:.0f}",
            f"{chain.ess_tail[inp.path]:.0f}",
        )
        for inp in chain.sampled
    )
    return Table(
        columns=(
            "input",
            "prior range",
            "preset value",
            "its posterior pct.",
            "posterior median",
            "R-hat",
            "ESS",
            "tail ESS",
        ),
        rows=rows,
        caption=f"The inputs the published BER points inform ({chain.source}; {chain.walkers} walkers x {chain.steps} "
        f"steps, acceptance {chain.acceptance:.2f}, "
        f"{'converged' if chain.converged else 'NOT converged'}: R-hat < 1.05, bulk and tail ESS >= 400 per input). "
        "Inputs "
        "named after a dataset are its own nuisance parameters (the lab prototype's optics), not the design's.",
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
        if claims.posterior is not None:
            tables.append(posterior_inputs_table(claims))
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
