"""Report section for a memory-pool or scale-up-sweep scenario (``mosaic report --scenario NAME``)."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mosaiclink.assessment.scenario import ScenarioAssessment
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.numbers import fmt_hours
from mosaiclink.report.theme import MOSAIC_COLOR, PALETTE, base_layout


def _color(tech: str, index: int) -> str:
    return MOSAIC_COLOR if tech == "mosaic" else PALETTE[index % len(PALETTE)]


def memory_section(summary: dict) -> Section:
    """Memory per GPU and load-to-use per technology and latency budget."""
    rows = summary["rows"]
    budgets = list(dict.fromkeys(r["latency_budget_ns"] for r in rows))
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("memory per GPU within the budget (GB)", "load-to-use at the loosest budget")
    )
    for k, budget in enumerate(budgets):
        cells = [r for r in rows if r["latency_budget_ns"] == budget]
        fig.add_trace(
            go.Bar(
                x=[r["technology"] for r in cells],
                y=[r["capacity_gb_per_gpu"] for r in cells],
                name=f"{budget:g} ns budget",
                marker_color=PALETTE[k % len(PALETTE)],
            ),
            1,
            1,
        )
    loose = [r for r in rows if r["latency_budget_ns"] == budgets[-1] and r["mean_load_to_use_ns"] is not None]
    device_ns = summary["device"]["load_to_use_ns"]
    ends_ns = [2 * summary["latency_components_ns"][r["technology"]]["ends_ns"] for r in loose]
    parts = (
        ("device, direct-attached", [device_ns] * len(loose), "#999999"),
        ("cable ends (DSP / data path), both ways", ends_ns, PALETTE[1]),
        (
            "time of flight and switch, both ways",
            [r["mean_load_to_use_ns"] - device_ns - e for r, e in zip(loose, ends_ns, strict=True)],
            PALETTE[2],
        ),
    )
    base = [0.0] * len(loose)
    for label, values, color in parts:  # stacked by hand: one offset group, each part starting on the last
        fig.add_trace(
            go.Bar(
                x=[r["technology"] for r in loose],
                y=values,
                base=list(base),
                name=label,
                marker_color=color,
                offsetgroup="load-to-use",
            ),
            1,
            2,
        )
        base = [b + v for b, v in zip(base, values, strict=True)]
    fig.update_layout(base_layout(summary["name"], barmode="group", height=420))
    fig.update_yaxes(title_text="ns", row=1, col=2)
    table = Table(
        columns=(
            "budget",
            "technology",
            "GPUs served",
            "GB / GPU (min)",
            "GB/s / GPU",
            "load-to-use",
            "cable share",
            "fabric W / GPU",
            "fabric failure every",
            "fabric cost",
        ),
        rows=tuple(
            (
                f"{r['latency_budget_ns']:g} ns",
                r["technology"],
                f"{100 * r['gpus_served'] / summary['gpus']:.0f} %",
                f"{r['capacity_gb_per_gpu']:.0f} ({r['capacity_gb_per_gpu_min']:.0f})",
                f"{r['bandwidth_gbyte_s_per_gpu']:.1f}",
                "-" if r["mean_load_to_use_ns"] is None else f"{r['mean_load_to_use_ns']:.0f} ns",
                "-" if r["interconnect_share"] is None else f"{100 * r['interconnect_share']:.0f} %",
                f"{r['fabric_w_per_gpu']:.1f} W",
                fmt_hours(r["fabric_failure_interval_h"]),
                "-" if r["fabric_cost_musd"] is None else f"${r['fabric_cost_musd']:.2f} M",
            )
            for r in rows
        ),
        caption="Mean over GPUs (minimum in brackets); load-to-use and cable share are link-weighted means.",
    )
    mosaic = [r for r in rows if r["technology"] == "mosaic"]
    paragraphs = (
        f"{summary['gpus']:,} GPUs share {summary['pool_capacity_tb']:,.0f} TB in {summary['devices']:,.0f} "
        f"devices ({summary['device']['name']}, {device_ns:g} ns direct-attached). A technology serves a "
        "GPU-rack-to-pool pair when the cable is within its reach and the load-to-use (device + 2 x (ends + "
        "time of flight)) fits the budget; each pool is shared equally by the racks that reach it.",
        "MOSAIC (reach from the link model, "
        + (f"{summary['mosaic_reach_m']:.1f} m" if summary["mosaic_reach_m"] else "n/a")
        + "): "
        + "; ".join(
            f"{r['latency_budget_ns']:g} ns: {r['capacity_gb_per_gpu']:.0f} GB per GPU on average, "
            f"{100 * r['gpus_served'] / summary['gpus']:.0f} % of GPUs served, fabric failure every "
            f"{fmt_hours(r['fabric_failure_interval_h'])}"
            for r in mosaic
        )
        + ".",
    )
    figure = Figure(
        "fig-memory-pool",
        "Memory per GPU within a latency budget",
        fig,
        "Capacity per GPU by technology and budget; load-to-use split into the device, the cable's ends and the "
        "time of flight (floor-plan cable lengths).",
    )
    return Section(
        section_id="memory-pool",
        title="Memory pools: memory per GPU within a latency budget",
        paragraphs=paragraphs,
        tables=(table,),
        figures=(figure,),
        headline=tuple(
            (
                f"MOSAIC memory per GPU within {r['latency_budget_ns']:g} ns",
                f"{r['capacity_gb_per_gpu']:.0f} GB, {100 * r['gpus_served'] / summary['gpus']:.0f} % of GPUs",
            )
            for r in mosaic
        ),
        data=summary,
    )


def sweep_section(summary: dict) -> Section:
    """Largest scale-up domain under each rack power limit, per technology."""
    limits = summary["rack_limits"]
    largest = summary["largest_domain"]
    fig = go.Figure(
        [
            go.Scatter(
                x=[limit["kw"] for limit in limits],
                y=[largest[tech][format(limit["kw"], "g")] or None for limit in limits],
                mode="lines+markers",
                name=tech,
                line=dict(color=_color(tech, k), width=4 if tech == "mosaic" else 2),
            )
            for k, tech in enumerate(largest)
        ],
        base_layout(
            "Largest scale-up domain under a rack power limit",
            xaxis=dict(title="rack power limit (kW)"),
            yaxis=dict(title="GPUs in one scale-up domain", type="log"),
            height=420,
        ),
    )
    table = Table(
        columns=("technology", *(f"{limit['kw']:g} kW ({limit['cooling']})" for limit in limits)),
        rows=tuple(
            (tech, *(f"{n:,}" if n else "-" for n in (largest[tech][format(lim["kw"], "g")] for lim in limits)))
            for tech in largest
        ),
        caption="0: no domain of the swept sizes fits (cables beyond reach or racks over the limit).",
    )
    best = {
        (r["technology"], r["rack_limit_kw"]): r
        for r in summary["rows"]
        if r["feasible"] and r["domain_gpus"] == largest[r["technology"]][format(r["rack_limit_kw"], "g")]
    }
    detail = Table(
        columns=(
            "technology",
            "limit",
            "GPUs",
            "racks x GPUs",
            "longest cable",
            "domain power",
            "link failure every",
            "ETTR",
        ),
        rows=tuple(
            (
                tech,
                f"{kw:g} kW",
                f"{r['domain_gpus']:,}",
                f"{r['racks']} x {r['gpus_per_rack']}",
                f"{r['longest_cable_m']:.1f} m",
                f"{r['domain_kw'] / 1e3:.2f} MW",
                fmt_hours(r["link_failure_interval_h"]),
                f"{r['ettr']:.3f}",
            )
            for (tech, kw), r in best.items()
        ),
    )
    return Section(
        section_id="scale-up-sweep",
        title="Scale-up domains across racks",
        paragraphs=(
            "For each technology, domain size and rack power limit: the densest rack layout whose GPU racks stay "
            "under the limit and whose GPU-to-switch cables are all within reach (passive copper inside a rack). "
            "MOSAIC's reach comes from the link model"
            + (f" ({summary['mosaic_reach_m']:.1f} m)." if summary["mosaic_reach_m"] else "."),
        ),
        tables=(table, detail),
        figures=(
            Figure("fig-scale-up-sweep", "Largest scale-up domain", fig, "Log scale; missing points: none fits."),
        ),
        headline=tuple(
            (
                f"largest MOSAIC domain under {limit['kw']:g} kW",
                f"{largest.get('mosaic', {}).get(format(limit['kw'], 'g'), 0):,} GPUs",
            )
            for limit in limits
            if "mosaic" in largest
        ),
        data=summary,
    )


def scenario_section(scenario: ScenarioAssessment) -> Section:
    """The section of one evaluated memory-pool or scale-up-sweep scenario."""
    if scenario.kind == "memory-pool":
        return memory_section(scenario.summary)
    return sweep_section(scenario.summary)
