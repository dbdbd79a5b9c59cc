"""Power, reliability, reach and cost beside every alternative (the `mosaic compare` numbers)."""

from __future__ import annotations

import plotly.graph_objects as go

from mosaiclink.assess.assessment import COMPARE_REACH_M, COMPARE_TEMPERATURE_C, Assessment
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.numbers import fmt, fmt_hours, fmt_length_m, fmt_range
from mosaiclink.report.theme import MOSAIC_COLOR, PALETTE, base_layout
from mosaiclink.system.compare import ComparisonResult
from mosaiclink.system.power import PowerBreakdown

POWER_PARTS = (
    ("LED drive", "led_drive_w"),
    ("pre-driver", "predriver_w"),
    ("TIA", "tia_w"),
    ("equalizer", "equalizer_w"),
    ("slicer/CDR", "slicer_cdr_w"),
    ("gearbox", "gearbox_w"),
    ("host SerDes", "host_serdes_w"),
    ("control", "control_w"),
)


def power_figure(result: ComparisonResult) -> Figure:
    """Typical W per end of every technology with its low-high range, MOSAIC highlighted."""
    rows = sorted((r for r in result.rows if not r.reference_only), key=lambda r: r.power_w_per_end)
    trace = go.Bar(
        x=[r.technology for r in rows],
        y=[r.power_w_per_end for r in rows],
        error_y=dict(
            type="data",
            symmetric=False,
            array=[r.power_w_per_end_high - r.power_w_per_end for r in rows],
            arrayminus=[r.power_w_per_end - r.power_w_per_end_low for r in rows],
        ),
        marker=dict(
            color=[MOSAIC_COLOR if r.is_mosaic else ("#b0b8c4" if r.feasible is False else PALETTE[1]) for r in rows]
        ),
        hovertext=[f"{r.name}: " + ("feasible" if r.feasible else "; ".join(r.reasons) or "feasible") for r in rows],
    )
    layout = base_layout(
        f"Power per end at {result.rate_gbps:g} Gb/s (grey: cannot reach {result.reach_m:g} m)",
        yaxis=dict(title="W per end"),
        xaxis=dict(tickangle=-30),
        height=420,
        margin=dict(l=60, r=20, t=50, b=120),
    )
    return Figure(
        "fig-power-compare",
        "Power per end vs alternatives",
        go.Figure([trace], layout),
        "MOSAIC's bar is the bottom-up model (range: co-packaged to pluggable host interface); "
        "the others are catalog figures with their published low-high range.",
    )


def energy_reach_figure(result: ComparisonResult) -> Figure:
    """pJ/bit vs maximum reach of every technology at the comparison rate (log reach axis)."""
    rows = [r for r in result.rows if not r.reference_only and r.max_reach_m]
    trace = go.Scatter(
        x=[r.max_reach_m for r in rows],
        y=[r.pj_per_bit for r in rows],
        mode="markers+text",
        text=[r.technology for r in rows],
        textposition="top center",
        hovertext=[r.name for r in rows],
        marker=dict(
            size=[16 if r.is_mosaic else 10 for r in rows],
            color=[MOSAIC_COLOR if r.is_mosaic else PALETTE[1] for r in rows],
            symbol=["star" if r.is_mosaic else "circle" for r in rows],
        ),
        showlegend=False,
    )
    layout = base_layout(
        f"Energy per bit vs reach at {result.rate_gbps:g} Gb/s",
        xaxis=dict(type="log", title="maximum reach (m)"),
        yaxis=dict(title="pJ/bit (per end)", rangemode="tozero"),
        height=420,
    )
    return Figure(
        "fig-energy-reach",
        "pJ/bit vs reach",
        go.Figure([trace], layout),
        "Typical figures of every catalog technology (published, with the catalog's source) and MOSAIC's computed "
        "row (reach: every data channel meets the target). Lower and further right is better.",
    )


def breakdown_figure(low: PowerBreakdown, high: PowerBreakdown) -> Figure:
    """Stacked power breakdown of one MOSAIC end for both host interfaces."""
    labels = [f"{b.host_interface} host" for b in (low, high)]
    traces = [
        go.Bar(name=name, x=labels, y=[getattr(b, attr) for b in (low, high)], marker=dict(color=color))
        for (name, attr), color in zip(POWER_PARTS, PALETTE, strict=False)
    ]
    layout = base_layout("MOSAIC power breakdown per end", barmode="stack", yaxis=dict(title="W"), height=420)
    return Figure(
        "fig-power-breakdown",
        "MOSAIC power breakdown",
        go.Figure(traces, layout),
        "Bottom-up: LED drive from current and forward voltage, per-channel receive chain, gearbox, "
        "host interface and control.",
    )


def fit_spares_figure(curves: dict[float, list[dict]], laser_fit: float | None) -> Figure:
    """Link FIT vs spare channels for each per-microLED FIT, with the laser-optics reference."""
    traces = [
        go.Scatter(
            x=[row["spares"] for row in rows],
            y=[row["link_fit"] for row in rows],
            name=f"{led_fit:g} FIT per microLED",
            mode="lines+markers",
            line=dict(color=color),
        )
        for (led_fit, rows), color in zip(curves.items(), PALETTE, strict=False)
    ]
    spares = [row["spares"] for row in next(iter(curves.values()))]
    if laser_fit is not None:
        traces.append(
            go.Scatter(
                x=[spares[0], spares[-1]],
                y=[laser_fit] * 2,
                name="laser optics (AOC, catalog)",
                mode="lines",
                line=dict(color="#c23b4b", dash="dash"),
            )
        )
    traces.append(
        go.Scatter(
            x=[spares[0], spares[-1]], y=[20.0] * 2, name="20 FIT", mode="lines", line=dict(color="#333", dash="dot")
        )
    )
    layout = base_layout(
        "Link FIT vs spare channels",
        yaxis=dict(type="log", title="link FIT"),
        xaxis=dict(title="spare channels"),
        height=420,
    )
    return Figure(
        "fig-fit-spares",
        "FIT vs spares",
        go.Figure(traces, layout),
        "k-out-of-n channels with Arrhenius-accelerated component FITs plus shared parts in series, "
        "averaged over the mission time.",
    )


def _comparison_parts(result: ComparisonResult, low: PowerBreakdown, high: PowerBreakdown):
    """Table, paragraphs and headline of a comparison; AOC sentences only where the rate has an AOC."""
    head = result.headline()
    rows = tuple(
        (
            r.name,
            "yes" if r.feasible else ("no" if r.feasible is False else "-"),
            fmt_length_m(r.max_reach_m),
            f"{r.power_w_per_end:.2f}",
            f"{r.pj_per_bit:.2f}",
            fmt(r.link_fit),
            fmt_hours(r.mtbf_h),
            fmt(r.cost_usd_per_link) if r.cost_usd_per_link is not None else "-",
            fmt(r.power_ratio) if r.power_ratio is not None else "-",
            fmt(r.fit_ratio) if r.fit_ratio is not None else "-",
        )
        for r in result.rows
    )
    table = Table(
        columns=(
            "technology",
            f"reaches {COMPARE_REACH_M:g} m",
            "max reach",
            "W/end",
            "pJ/bit",
            "link FIT",
            "MTBF",
            "$/link",
            "W ratio",
            "FIT ratio",
        ),
        rows=rows,
        caption=f"{result.rate_gbps:g} Gb/s, {COMPARE_REACH_M:g} m, {COMPARE_TEMPERATURE_C:g} C; "
        "ratios are alternative / MOSAIC",
    )
    aoc = next((r for r in result.rows if r.technology == "aoc" and not r.reference_only), None)
    paragraphs = [
        f"Link FIT {result.mosaic.link_fit:.1f}; reach {fmt_length_m(result.mosaic.max_reach_m)}, "
        f"{head.get('reach_ratio_vs_passive_copper', float('nan')):.1f}x passive copper."
    ]
    headline = [
        ("link FIT", f"{result.mosaic.link_fit:.1f}"),
        ("reach vs passive copper", f"{head.get('reach_ratio_vs_passive_copper', float('nan')):.1f}x"),
    ]
    if aoc is not None:
        saved_low, saved_high = head["w_saved_per_cable_range"]
        pct = head["percent_below_aoc_range"]
        paragraphs.insert(
            0,
            f"The pluggable MOSAIC end is {pct[0]:.0f}-{pct[1]:.0f} % below the pluggable AOC's "
            f"{aoc.power_w_per_end_low:g}-{aoc.power_w_per_end_high:g} W, saving "
            f"{fmt_range(saved_low, saved_high, digits=2)} W per "
            f"cable; the AOC link's FIT is {aoc.link_fit:.0f} ({head['fit_ratio_vs_aoc']:.0f}x MOSAIC's).",
        )
        headline.insert(0, ("less power than AOC (pluggable vs pluggable)", f"{pct[0]:.0f}-{pct[1]:.0f} %"))
    return table, tuple(paragraphs), tuple(headline), aoc


def system_section(assessment: Assessment) -> Section:
    """Render power, reliability and the comparison of an assessment."""
    system = assessment.system
    low, high = system.power_co_packaged, system.power_pluggable
    curves = system.fit_vs_spares
    own = (
        f"Evaluated at {fmt_length_m(COMPARE_REACH_M)} and {COMPARE_TEMPERATURE_C:g} C case temperature (the paper's "
        f"30 m claim in a warm module), {system.rate_gbps:g} Gb/s aggregate. MOSAIC draws "
        f"{fmt_range(low.total_w_per_end, high.total_w_per_end, unit='W')} per end (co-packaged to pluggable host).",
    )
    data = {
        "power": {"co_packaged": low.to_dict(), "pluggable": high.to_dict()},
        "fit_vs_spares": {str(k): v for k, v in curves.items()},
    }
    power_headline = (("W per end", fmt_range(low.total_w_per_end, high.total_w_per_end)),)
    result = system.comparison
    if result is None:
        return Section(
            section_id="system",
            title="Power and reliability (no catalog alternatives at this rate)",
            paragraphs=own
            + (f"The technology catalog has no entries at {system.rate_gbps:g} Gb/s, so nothing is compared.",),
            figures=(breakdown_figure(low, high), fit_spares_figure(curves, None)),
            headline=power_headline,
            data=data,
        )
    table, paragraphs, headline, aoc = _comparison_parts(result, low, high)
    return Section(
        section_id="system",
        title="Power, reliability, reach and cost beside the alternatives",
        paragraphs=own + paragraphs,
        tables=(table,),
        figures=(
            power_figure(result),
            energy_reach_figure(result),
            breakdown_figure(low, high),
            fit_spares_figure(curves, aoc.link_fit if aoc else None),
        ),
        headline=power_headline + headline,
        data={"compare": result.to_dict(), **data},
    )
