"""Cluster impact section: the shipped 100k-GPU and scale-up scenarios side by side.

Renders :class:`~mosaiclink.assess.ClusterAssessment`; computes nothing.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mosaiclink.assess.assessment import Assessment
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.numbers import fmt, fmt_hours
from mosaiclink.report.theme import MOSAIC_COLOR, PALETTE, base_layout


def _color(name: str, index: int) -> str:
    return MOSAIC_COLOR if "mosaic" in name.lower() else PALETTE[1 + index % 3]


def fabric_figure(summaries: tuple[dict, ...]) -> Figure:
    """Interconnect power, link failures per day and ETTR of each cluster.

    Three bar panels from 0, each bar labelled with its value (outside the bar, never clipped: the
    axis runs to 1.25x the largest); the panel names sit on the y axes, with room between panels
    so that no axis title overlaps its neighbour (a log axis of markers clipped the smaller failure
    rate's label and did not start at 0).
    """
    names = [s["name"] for s in summaries]
    colors = [_color(n, i) for i, n in enumerate(names)]
    panels = (
        ("interconnect power (MW)", [s["power"]["interconnect_kw"] / 1e3 for s in summaries], "{:.2f}"),
        ("link failures per day", [s["failures"]["link_failures_per_day"] for s in summaries], "{:.2f}"),
        ("ETTR, link failures only", [s["job"]["ettr_links_only"] for s in summaries], "{:.3f}"),
    )
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.16)
    for col, (title, values, spec) in enumerate(panels, start=1):
        bar = go.Bar(
            x=names,
            y=values,
            marker_color=colors,
            text=[spec.format(v) for v in values],
            textposition="outside",
            cliponaxis=False,
        )
        fig.add_trace(bar, 1, col)
        fig.update_yaxes(title_text=title, range=[0, 1.25 * max(values)], rangemode="tozero", row=1, col=col)
    fig.update_layout(base_layout("100k-GPU cluster: incumbent optics vs MOSAIC", showlegend=False, height=400))
    return Figure(
        "fig-cluster-fabric",
        "Cluster power, failures, ETTR",
        fig,
        "Link counts from the fat-tree and floor plan, technologies assigned per link length by the "
        "scenario's policy, FITs from the catalog (Arrhenius-scaled) and MOSAIC's reliability model.",
    )


def rack_figure(summaries: tuple[dict, ...]) -> Figure:
    """GPU rack power density of each scale-up option."""
    names = [s["name"] for s in summaries]
    trace = go.Bar(
        x=names,
        y=[s["power"]["rack_kw"] for s in summaries],
        marker_color=[_color(n, i) for i, n in enumerate(names)],
        text=[f"{s['power']['rack_kw']:.0f} kW" for s in summaries],
        textposition="outside",
    )
    layout = base_layout("GPU rack power by scale-up design", yaxis=dict(title="kW per rack"), height=400)
    return Figure(
        "fig-cluster-racks",
        "Rack power density",
        go.Figure([trace], layout),
        "NVL72 on copper in one rack, the same domain on optics, and a multi-rack MOSAIC domain.",
    )


def cluster_section(assessment: Assessment) -> Section:
    """Render the 100k-GPU comparison and the scale-up scenario of an assessment."""
    fabric, scale_up = assessment.cluster.fabric, assessment.cluster.scale_up
    incumbent, mosaic = fabric[0], fabric[1]
    rows = []
    for label, cell in (
        ("GPUs", lambda s: f"{s['gpus']:,}"),
        (
            "interconnect power",
            lambda s: (
                f"{s['power']['interconnect_kw'] / 1e3:.2f} MW ({100 * s['power']['interconnect_share']:.1f} % of IT)"
            ),
        ),
        ("link failures per day", lambda s: f"{s['failures']['link_failures_per_day']:.2f}"),
        ("one optical-link failure every", lambda s: fmt_hours(s["failures"]["mtbf_optical_h"])),
        ("one MOSAIC-link failure every", lambda s: fmt_hours(s["failures"]["mtbf_mosaic_h"])),
        ("ETTR all causes / links", lambda s: f"{s['job']['ettr']:.3f} / {s['job']['ettr_links_only']:.4f}"),
        ("energy per year", lambda s: f"{s['power']['energy_gwh_per_year']:.0f} GWh"),
    ):
        rows.append((label, *(cell(s) for s in fabric)))
    table = Table(columns=("figure", *(s["name"] for s in fabric)), rows=tuple(rows))
    rack_rows = tuple(
        (
            s["name"],
            f"{s['power']['rack_kw']:.1f} kW",
            f"{s['power']['interconnect_kw'] / 1e3:.2f} MW",
            f"{s['scale_up']['racks_per_domain']}",
        )
        for s in scale_up
    )
    rack_table = Table(
        columns=("scale-up design", "GPU rack power", "interconnect power (whole cluster)", "racks per domain"),
        rows=rack_rows,
    )
    optical_h = incumbent["failures"]["mtbf_optical_h"]
    mosaic_h = mosaic["failures"]["mtbf_mosaic_h"]
    ratio = mosaic_h / optical_h if optical_h and mosaic_h else float("nan")
    lengths = [t["mean_length_m"] for t in incumbent["tiers"] if t["fabric"] == "scale-out"]
    paragraphs = (
        f"Evaluated per link at each fabric tier's own length (scale-out tiers average {fmt(min(lengths))}-"
        f"{fmt(max(lengths))} m, from the floor plan), at the scenarios' {assessment.cluster.temperature_c:g} C "
        "and at each technology's rate; MOSAIC "
        "takes the lengths its reach covers, as the scenario's policy assigns.",
        f"With 800G optics, {incumbent['name']} loses an optical link every {fmt_hours(optical_h)}; with MOSAIC "
        f"a MOSAIC link fails every {fmt_hours(mosaic_h)} ({fmt(ratio)}x longer).",
        f"Copper NVL72 racks draw {scale_up[0]['power']['rack_kw']:.0f} kW; "
        + "; ".join(f"{s['name']}: {s['power']['rack_kw']:.0f} kW" for s in scale_up[1:])
        + ".",
    )
    return Section(
        section_id="cluster",
        title="Cluster impact",
        paragraphs=paragraphs,
        tables=(table, rack_table),
        figures=(fabric_figure(fabric), rack_figure(scale_up)),
        headline=(
            ("optical link failure every (100k GPUs)", fmt_hours(optical_h)),
            ("MOSAIC link failure every", f"{fmt_hours(mosaic_h)} ({fmt(ratio)}x)"),
            (
                "interconnect power saved",
                f"{(incumbent['power']['interconnect_kw'] - mosaic['power']['interconnect_kw']) / 1e3:.2f} MW",
            ),
        ),
        data={"fabric": list(fabric), "scale_up": list(scale_up)},
    )
