"""The link across its envelope and its life: case temperature, years of wear, yield, bends."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from mosaiclink.assess.assessment import Assessment
from mosaiclink.assess.envelope import EnvelopeAssessment
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.numbers import fmt
from mosaiclink.report.theme import PALETTE, base_layout


def margin_temperature_figure(env: EnvelopeAssessment) -> Figure:
    """Median and link (N-th best) margin over case temperature, channels meeting on a second axis."""
    points = env.envelope.points
    cases = [p.case_c for p in points]
    traces = [
        go.Scatter(x=cases, y=[p.median_margin_db for p in points], name="median channel margin", mode="lines+markers"),
        go.Scatter(x=cases, y=[p.link_excess_db for p in points], name="link margin (N-th best)", mode="lines+markers"),
        go.Scatter(
            x=cases,
            y=[p.channels_meeting for p in points],
            name="channels meeting the target",
            yaxis="y2",
            mode="lines+markers",
            line=dict(dash="dot", color=PALETTE[5]),
        ),
    ]
    layout = base_layout(
        f"Margin over module case temperature ({fmt(env.envelope.length_m)} m)",
        xaxis=dict(title="module case temperature (C)"),
        yaxis=dict(title="margin (dB, implementation penalty included)", zeroline=True),
        yaxis2=dict(title="channels meeting", overlaying="y", side="right", rangemode="tozero"),
        height=420,
    )
    return Figure(
        "fig-margin-case",
        "Margin vs case temperature",
        go.Figure(traces, layout),
        "Junction temperatures from the thermal model at each case temperature; the link physics and the "
        "reliability model read the same ones.",
    )


def margin_years_figure(env: EnvelopeAssessment) -> Figure:
    """The link's excess over its target over the years, per case temperature."""
    traces = [
        go.Scatter(x=r.years, y=r.link_excess_db_median, name=f"{r.case_c:g} C case", mode="lines+markers")
        for r in env.lives
    ]
    layout = base_layout(
        "Link excess over the target over the years (median simulated link)",
        xaxis=dict(title="years in service"),
        yaxis=dict(title="excess of the N-th best channel (dB)", zeroline=True),
        height=400,
    )
    return Figure(
        "fig-margin-years",
        "Margin over life",
        go.Figure(traces, layout),
        "TM-21 light decay of every emitter (current- and temperature-accelerated), receiver drift and hard "
        "channel failures; below 0 dB the link has run out of spares.",
    )


def yield_figure(env: EnvelopeAssessment) -> Figure:
    """Module yield vs spare count per test limit, with 95 % intervals."""
    assert env.yields is not None
    traces = []
    for i, limit in enumerate(sorted({r.test_limit_db for r in env.yields.rows})):
        rows = [r for r in env.yields.rows if r.test_limit_db == limit]
        traces.append(
            go.Scatter(
                x=[r.spares for r in rows],
                y=[100 * r.yield_spares for r in rows],
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=[100 * (r.ci_spares[1] - r.yield_spares) for r in rows],
                    arrayminus=[100 * (r.yield_spares - r.ci_spares[0]) for r in rows],
                ),
                name=f"test limit {limit:+g} dB",
                mode="lines+markers",
                line=dict(color=PALETTE[i % len(PALETTE)]),
            )
        )
    layout = base_layout(
        f"Module yield vs spare channels ({env.yields.modules:,} simulated modules)",
        xaxis=dict(title="spare channels"),
        yaxis=dict(title="yield (%)", range=[0, 101]),
        height=400,
    )
    return Figure(
        "fig-yield-spares",
        "Yield vs spares",
        go.Figure(traces, layout),
        "Spare remapping at test only (the FEC's erasures kept for service); 95 % Wilson intervals.",
    )


def _years(value: float) -> str:
    return "> 30 y" if math.isinf(value) else f"{value:.1f} y"


def envelope_section(assessment: Assessment) -> Section:
    """Render the envelope assessment (or say why there is none)."""
    env = assessment.envelope
    if env is None:
        return Section(
            "envelope",
            "Envelope and life",
            ("The design's junctions leave the models' range at the case temperatures evaluated.",),
        )
    e = env.envelope
    where = (
        f"meets {fmt(e.length_m)} m up to {e.max_case_c:.1f} C case"
        if e.max_case_c is not None
        else f"does not meet {fmt(e.length_m)} m even at {e.points[0].case_c:g} C case"
    )
    p55 = next((p for p in e.points if p.case_c == 55.0), e.points[-1])
    paragraphs = [
        f"The module's own power heats its junctions: at {p55.case_c:g} C case the LED array runs at "
        f"{p55.led_junction_c:.1f} C and the CMOS die at {p55.cmos_c:.1f} C (thermal network, docs/envelope.md). "
        f"The link {where}; {p55.channels_meeting}/{p55.channels} channels meet the target at {p55.case_c:g} C. "
        f"The 'temperature-insensitive' claim (meets its length over 0-70 C case) "
        f"{'holds' if e.commercial_ok else 'does not hold'} for this design.",
        "Over its life: "
        + "; ".join(
            f"at {r.case_c:g} C case the emitters reach 70 % light after {r.emitter_l70_years:.1f} y and a link runs "
            f"out of spares after {_years(r.exhaustion_years_median)} (median; "
            f"{r.exhausted_at_start:.0%} short of channels on day one)"
            for r in env.lives
        )
        + f". Fleet figures are for {env.fleet_links:,.0f} optical links at 100k GPUs.",
        f"The {env.route.strand_diameter_mm:.2f} mm glass strand needs a bend radius of at least "
        f"{env.route.long_term_radius_mm:.0f} mm for its service life ({env.route.short_term_radius_mm:.0f} mm "
        f"briefly while laid); one bend there loses at most {env.route.loss_at_long_term_db:.3f} dB "
        f"({env.route.loss_at_short_term_db:.3f} dB at the installation radius).",
    ]
    temp_table = Table(
        ("case C", "LED junction C", "CMOS C", "channels meeting", "link", "median margin dB", "link FIT"),
        tuple(
            (
                f"{p.case_c:g}",
                f"{p.led_junction_c:.1f}",
                f"{p.cmos_c:.1f}",
                f"{p.channels_meeting}/{p.channels}",
                "OK" if p.link_ok else "FAIL",
                f"{p.median_margin_db:+.2f}",
                f"{p.link_fit:.3g}",
            )
            for p in e.points
        ),
        "The link over the module case temperature at its design length.",
    )
    fleet_table = Table(
        ("year", *(f"{r.case_c:g} C case" for r in env.lives)),
        tuple((str(y + 1), *(f"{r.fleet[y].total:,.0f}" for r in env.lives)) for y in range(len(env.lives[0].fleet))),
        f"Expected link failures per service year among {env.fleet_links:,.0f} links installed together "
        "(spares run out, shared parts, connector contamination).",
    )
    figures = [margin_temperature_figure(env), margin_years_figure(env)]
    tables = [temp_table, fleet_table]
    if env.yields is not None:
        figures.append(yield_figure(env))
    headline = (("highest case C at length", "none" if e.max_case_c is None else f"{e.max_case_c:.1f}"),)
    data = {
        "envelope": e.to_dict(),
        "life": [r.to_dict() for r in env.lives],
        **({"yield": env.yields.to_dict()} if env.yields is not None else {}),
        "route_limits": vars(env.route),
    }
    return Section(
        "envelope",
        "Envelope and life: case temperature, ageing, yield and bends",
        tuple(paragraphs),
        tuple(tables),
        tuple(figures),
        headline,
        data,
    )
