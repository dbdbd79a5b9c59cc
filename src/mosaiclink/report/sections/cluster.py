"""Cluster impact section: the shipped 100k-GPU and scale-up scenarios side by side."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mosaiclink.cluster.run import evaluate_columns
from mosaiclink.cluster.scenarios import DEFAULT_SCENARIOS, load_scenario
from mosaiclink.config.design import MosaicDesign
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.theme import MOSAIC_COLOR, PALETTE, base_layout, fmt

SCALE_UP_SCENARIO = "scale-up"


def hours_text(value_h: float | None) -> str:
    """A mean time between failures in hours, days or years."""
    if value_h is None:
        return "never"
    if value_h >= 8766:
        return f"{value_h / 8766:.3g} years"
    if value_h >= 48:
        return f"{value_h / 24:.3g} days"
    return f"{value_h:.3g} h"


def _color(name: str, index: int) -> str:
    return MOSAIC_COLOR if "mosaic" in name.lower() else PALETTE[1 + index % 3]


def fabric_figure(summaries: tuple[dict, ...]) -> Figure:
    """Interconnect power, link failures per day and ETTR of each cluster."""
    fig = make_subplots(
        rows=1, cols=3, subplot_titles=("interconnect power (MW)", "link failures per day", "ETTR, link failures only")
    )
    names = [s["name"] for s in summaries]
    colors = [_color(n, i) for i, n in enumerate(names)]
    fig.add_trace(
        go.Bar(x=names, y=[s["power"]["interconnect_kw"] / 1e3 for s in summaries], marker_color=colors), 1, 1
    )
    fig.add_trace(
        go.Bar(x=names, y=[s["failures"]["link_failures_per_day"] for s in summaries], marker_color=colors), 1, 2
    )
    fig.add_trace(go.Bar(x=names, y=[s["job"]["ettr_links_only"] for s in summaries], marker_color=colors), 1, 3)
    fig.update_layout(base_layout("100k-GPU cluster: incumbent optics vs MOSAIC", showlegend=False, height=400))
    fig.update_yaxes(type="log", row=1, col=2)
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


def cluster_section(design: MosaicDesign, seed: int) -> Section:
    """Evaluate the default 100k-GPU comparison and the scale-up scenario."""
    fabric_specs = [c for name in DEFAULT_SCENARIOS for c in load_scenario(name).clusters]
    fabric = evaluate_columns(fabric_specs, seed=seed, design=design).summaries
    scale_up = evaluate_columns(load_scenario(SCALE_UP_SCENARIO).clusters, seed=seed, design=design).summaries
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
        ("one optical-link failure every", lambda s: hours_text(s["failures"]["mtbf_optical_h"])),
        ("one MOSAIC-link failure every", lambda s: hours_text(s["failures"]["mtbf_mosaic_h"])),
        ("ETTR (links only)", lambda s: f"{s['job']['ettr']:.3f} ({s['job']['ettr_links_only']:.4f})"),
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
    paragraphs = (
        f"With 800G optics, {incumbent['name']} loses an optical link every {hours_text(optical_h)}; with MOSAIC "
        f"a MOSAIC link fails every {hours_text(mosaic_h)} ({fmt(ratio)}x longer).",
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
            ("optical link failure every (100k GPUs)", hours_text(optical_h)),
            ("MOSAIC link failure every", f"{hours_text(mosaic_h)} ({fmt(ratio)}x)"),
            (
                "interconnect power saved",
                f"{(incumbent['power']['interconnect_kw'] - mosaic['power']['interconnect_kw']) / 1e3:.2f} MW",
            ),
        ),
        data={"fabric": list(fabric), "scale_up": list(scale_up)},
    )
