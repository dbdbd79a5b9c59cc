"""Link physics section: the per-channel BER mosaic, the budget waterfall, BER vs length."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mosaiclink.config.design import MosaicDesign
from mosaiclink.physics.array import grid_positions
from mosaiclink.physics.link import LinkReport, evaluate_link
from mosaiclink.physics.reach import max_reach_m
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.theme import KP4_THRESHOLD_BER, PALETTE, base_layout, fmt, fmt_ber

LENGTHS_M = (5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0, 55.0, 60.0, 70.0)
RATE_FACTORS = (0.8, 1.0, 1.25)  # rates shown around the design's own


def ber_mosaic_figure(design: MosaicDesign, report: LinkReport) -> Figure:
    """Per-channel log10 BER drawn at each channel's place in the emitter array."""
    rows_cols = grid_positions(design.array)
    log_ber = np.clip(report.log10_ber_stateye, -30.0, 0.0)
    spare = np.arange(report.channels) >= report.data_channels
    hover = [
        f"channel {i}<br>row {r}, col {c}<br>BER {fmt_ber(10.0**b)}{' (spare)' if s else ''}"
        for i, ((r, c), b, s) in enumerate(zip(rows_cols, log_ber, spare, strict=True))
    ]
    trace = go.Scatter(
        x=rows_cols[:, 1],
        y=rows_cols[:, 0],
        mode="markers",
        text=hover,
        hoverinfo="text",
        marker=dict(
            symbol="square",
            size=15,
            color=log_ber,
            colorscale="RdYlGn_r",
            cmin=-20,
            cmax=-2,
            colorbar=dict(title="log10 BER"),
            line=dict(width=[1.5 if s else 0 for s in spare], color="#333"),
        ),
    )
    layout = base_layout(
        f"Per-channel BER at {report.length_m:g} m, {report.rate_gbps:g} Gb/s (spares outlined)",
        height=460,
        yaxis=dict(autorange="reversed", title="row", scaleanchor="x"),
        xaxis=dict(title="column"),
    )
    return Figure(
        "fig-ber-mosaic",
        "Per-channel BER mosaic",
        go.Figure([trace], layout),
        "Statistical-eye BER of every channel (data and spare) at its position in the array; "
        "manufacturing variation is drawn with the report's seed.",
    )


def budget_figure(report: LinkReport) -> Figure:
    """IEEE-style waterfall of the median channel.

    Launch OMA, minus each loss, gives the received OMA; minus each penalty, the OMA left for
    the decision. The receiver sensitivity at the target BER is drawn as a line, and the gap
    between the last bar and that line is the margin.
    """
    levels = [line for line in report.budget.lines if line.kind == "level"]
    launch, received, sensitivity = levels[0], levels[1], levels[2]
    names, measures, values = [launch.name], ["absolute"], [launch.value_db]
    for line in report.budget.lines:
        if line.kind == "loss":
            names.append(line.name)
            measures.append("relative")
            values.append(-line.value_db)
    names.append(received.name)
    measures.append("total")
    values.append(0.0)
    for line in report.budget.lines:
        if line.kind == "penalty":
            names.append(line.name)
            measures.append("relative")
            values.append(-line.value_db)
    names.append("OMA left for the decision")
    measures.append("total")
    values.append(0.0)
    margin_db = next(line.value_db for line in report.budget.lines if line.kind == "margin")
    trace = go.Waterfall(
        x=names,
        y=values,
        measure=measures,
        decreasing=dict(marker=dict(color=PALETTE[3])),
        increasing=dict(marker=dict(color=PALETTE[2])),
        totals=dict(marker=dict(color=PALETTE[0])),
        base=0,
    )
    fig = go.Figure(
        [trace],
        base_layout(
            "Link budget of the median channel (dBm, dB)",
            height=440,
            xaxis=dict(tickangle=-35),
            yaxis=dict(title="dBm"),
            margin=dict(l=60, r=20, t=50, b=150),
            showlegend=False,
        ),
    )
    fig.add_hline(
        y=sensitivity.value_db,
        line=dict(color="#333", dash="dash"),
        annotation_text=f"sensitivity at BER {report.target_ber:g}: {sensitivity.value_db:.1f} dBm; "
        f"margin {margin_db:+.2f} dB",
        annotation_position="bottom left",
    )
    return Figure(
        "fig-budget",
        "Link budget waterfall",
        fig,
        "Launch optical modulation amplitude through every loss and penalty, against the receiver "
        "sensitivity at the target BER.",
    )


def ber_vs_length(design: MosaicDesign, seed: int) -> dict[str, list[float]]:
    """Median and k-th best (k = data channels) log10 BER vs length at several rates."""
    curves: dict[str, list[float]] = {"length_m": list(LENGTHS_M)}
    for factor in RATE_FACTORS:
        rate_gbps = round(design.link.rate_gbps * factor, 3)
        medians, worst_needed = [], []
        for length_m in LENGTHS_M:
            # the same hardware driven at another rate: a pattern-generator link (no host protocol)
            at_rate = design.with_link(length_m=length_m, rate_gbps=rate_gbps, host_protocol="none")
            report = evaluate_link(at_rate, seed=seed)
            medians.append(float(np.median(report.log10_ber_stateye)))
            worst_needed.append(report.nth_best_log10_ber(report.data_channels))
        curves[f"median@{rate_gbps:g}"] = medians
        curves[f"needed@{rate_gbps:g}"] = worst_needed
    return curves


def ber_length_figure(curves: dict[str, list[float]]) -> Figure:
    lengths = curves["length_m"]
    traces = []
    rates = [key.split("@")[1] for key in curves if key.startswith("median@")]
    for color, rate in zip(PALETTE, rates, strict=False):
        traces.append(
            go.Scatter(
                x=lengths,
                y=np.power(10.0, curves[f"median@{rate}"]),
                name=f"{rate} Gb/s median",
                line=dict(color=color, width=2.5),
            )
        )
        traces.append(
            go.Scatter(
                x=lengths,
                y=np.power(10.0, curves[f"needed@{rate}"]),
                name=f"{rate} Gb/s worst channel needed",
                line=dict(color=color, dash="dot"),
            )
        )
    traces.append(
        go.Scatter(
            x=[lengths[0], lengths[-1]],
            y=[KP4_THRESHOLD_BER] * 2,
            name="KP4 pre-FEC threshold",
            mode="lines",
            line=dict(color="#333", dash="dash"),
        )
    )
    layout = base_layout(
        "BER vs length",
        yaxis=dict(type="log", title="BER", range=[-16, 0], exponentformat="power"),
        xaxis=dict(title="length (m)"),
        height=420,
    )
    return Figure(
        "fig-ber-length",
        "BER vs length",
        go.Figure(traces, layout),
        "Median channel (solid) and the worst channel the link still needs (dotted: the k-th best, "
        "k = data channels) at three rates.",
    )


def link_section(design: MosaicDesign, seed: int) -> Section:
    """Evaluate the design's link and build its section."""
    report = evaluate_link(design, seed=seed)
    reach_median_m = max_reach_m(design, seed=seed)
    reach_all_m = max_reach_m(design, seed=seed, channels_required=report.data_channels)
    curves = ber_vs_length(design, seed)
    summary = report.ber_summary()
    table = Table(
        columns=("quantity", "value"),
        rows=(
            ("rate per channel", f"{report.rate_gbps:g} Gb/s"),
            ("length", f"{report.length_m:g} m"),
            ("channels (data + spare)", f"{report.data_channels} + {report.spare_channels}"),
            (
                "BER best / median / worst",
                f"{fmt_ber(summary['min'])} / {fmt_ber(summary['median'])} / {fmt_ber(summary['worst'])}",
            ),
            (f"channels meeting {report.target_ber:g}", f"{report.channels_meeting_target} of {report.channels}"),
            ("spares needed at this length", str(report.spares_needed)),
            ("reach, median channel", f"{fmt(reach_median_m)} m"),
            ("reach, every data channel", f"{fmt(reach_all_m)} m"),
            ("modal walk-off / chromatic spread", f"{report.walkoff_ps:.0f} ps / {report.chromatic_spread_ps:.0f} ps"),
        ),
        caption="Analytic link model (statistical eye over ISI and crosstalk patterns with Gaussian noise)",
    )
    verdict = "meets" if report.link_ok else "misses"
    return Section(
        section_id="link",
        title="Link physics",
        paragraphs=(
            f"{design.name}: {report.channels} channels at {report.rate_gbps:g} Gb/s over {report.length_m:g} m. "
            f"The link {verdict} its target: {report.channels_meeting_target} channels reach BER "
            f"{report.target_ber:g} and {report.data_channels} are needed.",
        ),
        tables=(table,),
        figures=(ber_mosaic_figure(design, report), budget_figure(report), ber_length_figure(curves)),
        headline=(
            ("median BER", fmt_ber(summary["median"])),
            (f"channels meeting {report.target_ber:g}", f"{report.channels_meeting_target}/{report.channels}"),
            ("reach: median channel / every data channel", f"{fmt(reach_median_m)} m / {fmt(reach_all_m)} m"),
        ),
        data={
            "report": report.to_dict(per_channel=False),
            "reach_median_m": reach_median_m,
            "grid_row_col": grid_positions(design.array).tolist(),
            "log10_ber_per_channel": report.log10_ber_stateye.tolist(),
            "reach_all_data_channels_m": reach_all_m,
            "ber_vs_length": curves,
        },
    )
