"""Report section: an AI training job on clusters of each link technology (the workloads layer)."""

from __future__ import annotations

import plotly.graph_objects as go

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
    return Section(
        section_id="workload",
        title="AI training: step time, goodput and tokens per MW per technology",
        paragraphs=paragraphs,
        tables=(table,),
        figures=(
            Figure("fig-workload-gain", "MOSAIC's gain by factor", fig, "One group per technology MOSAIC replaces."),
        ),
        headline=(
            (
                f"{summary['job']} goodput per MW, MOSAIC over DR8",
                f"x{over_dr8['goodput_per_facility_mw_ratio']:.3f}" if over_dr8 else "-",
            ),
        ),
        data=summary,
    )
