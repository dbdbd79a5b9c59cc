"""Report section: an AI training job on clusters of each link technology (the workloads layer)."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mosaiclink.assessment.design_assessment import Assessment
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.theme import PALETTE, base_layout

FACTORS = (("scale_up_domain", "scale-up domain"), ("failures", "failures (ETTR)"), ("power", "power"))


def workload_section(assessment: Assessment) -> Section:
    """Step time, MFU, ETTR and goodput per MW per technology, and MOSAIC's gain in three factors."""
    summary = assessment.workload
    if summary is None:
        return Section("workload", "AI training job", paragraphs=("Not evaluated.",))
    rows, gains = summary["rows"], summary["mosaic_gain"]
    table = Table(
        columns=(
            "technology",
            "domain GPUs",
            "step s",
            "MFU",
            "interruptions / day",
            "ETTR",
            "goodput Mtok/s",
            "interconnect MW",
            "tok/s per facility MW",
            "MOSAIC gain",
        ),
        rows=tuple(
            (
                r["technology"],
                f"{r['domain_gpus']:,}",
                f"{r['step_s']:.3f}",
                f"{100 * r['mfu']:.1f} %",
                f"{r['interruptions_per_day']:.1f}",
                f"{r['ettr']:.3f}",
                f"{r['goodput_tokens_per_s'] / 1e6:.1f}",
                f"{r['interconnect_mw']:.2f}",
                f"{r['tokens_per_s_per_facility_mw']:,.0f}",
                next(
                    (f"x{g['goodput_per_facility_mw_ratio']:.3f}" for g in gains if g["over"] == r["technology"]),
                    "-",
                ),
            )
            for r in rows
        ),
        caption="Gain: MOSAIC's goodput per facility MW over the row's technology (docs/workloads.md).",
    )
    fig = go.Figure()
    for k, (key, label) in enumerate(FACTORS):
        fig.add_trace(
            go.Bar(
                x=[g["over"] for g in gains],
                y=[g["factors"][key] for g in gains],
                name=label,
                marker_color=PALETTE[k % len(PALETTE)],
            )
        )
    fig.add_hline(y=1.0, line_dash="dot")
    fig.update_layout(base_layout("MOSAIC's gain in goodput per facility MW, by factor", barmode="group", height=400))
    fig.update_yaxes(title_text="ratio (MOSAIC / technology)")
    par = summary["parallel"]
    over_dr8 = next((g for g in gains if g["over"] == "dr8"), None)
    paragraphs = (
        f"{summary['model']} trained on {summary['gpus']:,} x {summary['gpu']} (TP{par['tensor']} "
        f"PP{par['pipeline']} EP{par['expert']} DP{par['data']}), on a cluster built with each technology: the "
        f"largest scale-up domain it builds under a {summary['rack_limit_kw']:g} kW rack, alpha-beta collectives "
        "(ring, tree, hierarchical, all-to-all; NCCL's step latencies), ETTR at Daly's checkpoint interval under "
        "link and other failures.",
        "MOSAIC's gain splits exactly into the scale-up domain (throughput), failures (ETTR) and power: goodput per "
        "MW = tokens/s x ETTR / MW.",
    )
    lane_tables, lane_figures = _lanes_and_media(summary)
    return Section(
        section_id="workload",
        title="AI training: step time, goodput and tokens per MW per technology",
        paragraphs=paragraphs,
        tables=(table, *lane_tables),
        figures=(
            Figure("fig-workload-gain", "MOSAIC's gain by factor", fig, "One group per technology MOSAIC replaces."),
            *lane_figures,
        ),
        headline=(
            (
                f"{summary['job']} goodput per MW, MOSAIC over DR8",
                f"x{over_dr8['goodput_per_facility_mw_ratio']:.3f}" if over_dr8 else "-",
            ),
        ),
        data=summary,
    )


def _span(row: dict, key: str, fmt: str) -> str:
    """``typical (worse..better)``, '-' where the value has no end (short of margin, nothing reaches)."""

    def one(v) -> str:
        return "-" if v is None else format(v, fmt)

    values = [row.get(key), row.get(f"{key}_worse"), row.get(f"{key}_better")]
    return one(values[0]) if len(set(values)) == 1 else f"{one(values[0])} ({one(values[1])}..{one(values[2])})"


def _lanes_and_media(summary: dict) -> tuple[tuple[Table, ...], tuple[Figure, ...]]:
    """Lane rate against margin and failures (figure and table) and wide-and-slow on other media (table)."""
    rows, media = summary.get("lane_margin") or [], summary.get("media") or []
    if not rows:
        return (), ()
    fig = make_subplots(rows=1, cols=2, subplot_titles=("margin (dB)", "failures (FIT per link)"))
    for k, tech in enumerate(dict.fromkeys(r["technology"] for r in rows)):
        mine = [r for r in rows if r["technology"] == tech]
        steps = [f"x{2**i}" for i in range(len(mine))]
        colour = PALETTE[k % len(PALETTE)]
        band = {
            "type": "data",
            "symmetric": False,
            "array": [(r["margin_db_better"] or 0) - r["margin_db"] for r in mine],
            "arrayminus": [r["margin_db"] - (r["margin_db_worse"] or 0) for r in mine],
        }
        fig.add_trace(
            go.Scatter(x=steps, y=[r["margin_db"] for r in mine], name=tech, error_y=band, marker_color=colour),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(x=steps, y=[r["fit_per_link"] for r in mine], name=tech, showlegend=False, marker_color=colour),
            row=1,
            col=2,
        )
    fig.add_hline(y=0.0, line_dash="dot", row=1, col=1)
    fig.update_yaxes(type="log", row=1, col=2)
    fig.update_xaxes(title_text="lane rate (x 100 Gb/s; MOSAIC: x 2.15 Gb/s channels at 800G)")
    fig.update_layout(base_layout("Faster lanes, less margin, more failures", height=420))
    lane_table = Table(
        columns=("medium", "technology", "lane Gb/s", "length m", "margin dB", "FIT per link"),
        rows=tuple(
            (
                r["medium"],
                r["technology"] if r["medium"] != "copper" else (r.get("serving") or "no copper reaches"),
                f"{r['lane_rate_gbps']:g}"
                if r["medium"] != "mosaic"
                else f"{r['channel_rate_gbps']:.3g} x {r['channels']}",
                f"{r['length_m']:g}",
                _span(r, "margin_db", "+.1f"),
                _span(r, "fit_per_link", ",.0f"),
            )
            for r in rows
        ),
        caption="Typical (worse..better end of the estimate ranges); copper and lasers from sourced points and "
        "labelled estimates, MOSAIC from the link and life models; '-': short of margin on day one or no copper "
        "cable reaches (docs/workloads.md).",
    )
    media_table = Table(
        columns=("medium", "W per end", "reach m", "cable mm", "connectors per end", "FIT per link"),
        rows=tuple(
            (
                r["medium"],
                _span(r, "power_w_per_end", ".1f"),
                _span(r, "reach_m", ".0f"),
                _span(r, "cable_diameter_mm", ".1f"),
                _span(r, "connectors_per_end", ".0f"),
                _span(r, "fit_per_link", ".0f"),
            )
            for r in media
        ),
        caption="Wide-and-slow (the design's channel plan) on other media; typical (worse..better).",
    )
    figure = Figure(
        "fig-lane-margin",
        "Lane rate against margin and failures",
        fig,
        "Copper at 0.6 m, laser optics and MOSAIC at 30 m; MOSAIC's channels double in rate at a fixed 800 Gb/s.",
    )
    return (lane_table, media_table) if media else (lane_table,), (figure,)
