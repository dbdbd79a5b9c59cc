"""Link physics section: the per-channel BER mosaic, the budget waterfall, BER vs length, reach vs rate.

Renders :class:`~mosaiclink.assessment.LinkAssessment`; computes nothing.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mosaiclink.assessment.design_assessment import BER_CURVE_RATE_FACTORS, Assessment, LinkAssessment
from mosaiclink.physics.link import LinkReport
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.numbers import fmt_ber, fmt_length_m, fmt_log10_ber, fmt_rate_gbps
from mosaiclink.report.theme import BER_AXIS_LOG10, PALETTE, base_layout


def ber_mosaic_figure(report: LinkReport) -> Figure:
    """Per-channel log10 BER drawn at each channel's place in the emitter array."""
    log_ber = np.clip(report.log10_ber_stateye, -30.0, 0.0)
    spare = np.arange(report.channels) >= report.data_channels
    hover = [
        f"channel {i}<br>row {r}, col {c}<br>BER {fmt_log10_ber(b)}{' (spare)' if s else ''}"
        for i, (r, c, b, s) in enumerate(zip(report.grid_row, report.grid_col, log_ber, spare, strict=False))
    ]
    trace = go.Scatter(
        x=report.grid_col,
        y=report.grid_row,
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
        f"Per-channel BER at {fmt_length_m(report.length_m)}, {fmt_rate_gbps(report.rate_gbps)} (spares outlined)",
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
    for kind, total_name in (("loss", received.name), ("penalty", "OMA left for the decision")):
        for line in report.budget.lines:
            if line.kind == kind:
                names.append(line.name)
                measures.append("relative")
                values.append(-line.value_db)
        names.append(total_name)
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
        annotation_text=f"sensitivity at BER {fmt_ber(report.target_ber)}: {sensitivity.value_db:.1f} dBm; "
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


def curve_rows(link: LinkAssessment) -> list[int]:
    """Sweep rows of the rates the BER-vs-length figure draws (nearest to BER_CURVE_RATE_FACTORS)."""
    rate = link.report.rate_gbps
    return [int(np.argmin(np.abs(link.sweep_rates_gbps - f * rate))) for f in BER_CURVE_RATE_FACTORS]


def ber_length_figure(link: LinkAssessment) -> Figure:
    """Median-channel BER vs length at three rates (fast path), with the full model's spread at the design point."""
    report = link.report
    floor = BER_AXIS_LOG10[0]
    traces = [
        go.Scatter(
            x=link.sweep_lengths_m,
            y=np.power(10.0, np.maximum(link.sweep_log10_ber_median[i], floor)),
            name=f"{link.sweep_rates_gbps[i]:.4g} Gb/s median channel",
            line=dict(color=color, width=2.5 if link.sweep_rates_gbps[i] == report.rate_gbps else 1.6),
        )
        for i, color in zip(curve_rows(link), PALETTE, strict=False)
    ]
    summary = report.ber_summary()
    points = (
        ("median channel", summary["log10_median"], "circle"),
        ("k-th best channel (k = data channels)", report.nth_best_log10_ber(report.data_channels), "diamond"),
    )
    for label, log10_ber, symbol in points:
        traces.append(
            go.Scatter(
                x=[report.length_m],
                y=[10.0 ** max(log10_ber, floor)],
                name=f"every channel at the design point: {label}",
                mode="markers",
                marker=dict(symbol=symbol, size=11, color="#333"),
            )
        )
    traces.append(
        go.Scatter(
            x=[link.sweep_lengths_m[0], link.sweep_lengths_m[-1]],
            y=[report.target_ber] * 2,
            name=f"target {fmt_ber(report.target_ber)}",
            mode="lines",
            line=dict(color="#333", dash="dash"),
        )
    )
    layout = base_layout(
        "BER vs length",
        yaxis=dict(type="log", title="BER", range=list(BER_AXIS_LOG10), exponentformat="power"),
        xaxis=dict(title="length (m)"),
        height=420,
    )
    return Figure(
        "fig-ber-length",
        "BER vs length",
        go.Figure(traces, layout),
        "Curves: the median channel on the population fast path (the array's seeded channels, ranked at the "
        "design length). Markers: the full per-channel model at the design point.",
    )


def reach_rate_figure(link: LinkAssessment) -> Figure:
    """Reach vs per-channel rate: the wide-and-slow trade in one picture."""
    traces = [
        go.Scatter(
            x=link.sweep_rates_gbps,
            y=link.sweep_reach_median_m,
            name="median channel (fast path)",
            mode="lines+markers",
            line=dict(color=PALETTE[0]),
        ),
        go.Scatter(
            x=[link.report.rate_gbps] * 2,
            y=[link.reach_median_m, link.reach_all_data_m],
            name="every channel at the design rate: median, every data channel",
            mode="markers",
            marker=dict(symbol="x", size=11, color="#333"),
        ),
    ]
    layout = base_layout(
        f"Reach at BER {fmt_ber(link.report.target_ber)} vs per-channel rate",
        xaxis=dict(title="per-channel rate (Gb/s)"),
        yaxis=dict(title="reach (m)", rangemode="tozero"),
        height=400,
    )
    return Figure(
        "fig-reach-rate",
        "Reach vs per-channel rate",
        go.Figure(traces, layout),
        "Slower channels reach further: the wide-and-slow trade. Line: the median channel's reach search on "
        "the fast path at each rate; crosses: the full model's reach search at the design rate.",
    )


def link_section(assessment: Assessment) -> Section:
    """Render the link physics of an assessment."""
    link = assessment.link
    report = link.report
    summary = report.ber_summary()
    table = Table(
        columns=("quantity", "value"),
        rows=(
            ("rate per channel", fmt_rate_gbps(report.rate_gbps)),
            ("length", fmt_length_m(report.length_m)),
            ("channels (data + spare)", f"{report.data_channels} + {report.spare_channels}"),
            (
                "BER best / median / worst",
                " / ".join(fmt_log10_ber(summary[k]) for k in ("log10_min", "log10_median", "log10_worst")),
            ),
            (
                f"channels meeting {fmt_ber(report.target_ber)}",
                f"{report.channels_meeting_target} of {report.channels}",
            ),
            ("spares needed at this length", str(report.spares_needed)),
            ("reach, median channel", fmt_length_m(link.reach_median_m)),
            ("reach, every data channel", fmt_length_m(link.reach_all_data_m)),
            ("modal walk-off / chromatic spread", f"{report.walkoff_ps:.0f} ps / {report.chromatic_spread_ps:.0f} ps"),
        ),
        caption="Analytic link model (statistical eye over ISI and crosstalk patterns with Gaussian noise)",
    )
    verdict = "meets" if report.link_ok else "misses"
    design = assessment.design
    return Section(
        section_id="link",
        title="Link physics",
        paragraphs=(
            f"Evaluated at the design point: {fmt_length_m(report.length_m)} (the design's length), "
            f"{fmt_rate_gbps(report.rate_gbps)} per channel (the design's rate), LED junction at "
            f"{design.led.temperature_c:g} C and receiver at {design.receiver.temperature_c:g} C (the design's "
            "operating temperatures). The sweeps vary length and rate around it.",
            f"{design.name}: {report.channels} channels. The link {verdict} its target: "
            f"{report.channels_meeting_target} channels reach BER {fmt_ber(report.target_ber)} and "
            f"{report.data_channels} are needed.",
        ),
        tables=(table,),
        figures=(ber_mosaic_figure(report), budget_figure(report), ber_length_figure(link), reach_rate_figure(link)),
        headline=(
            ("median BER", fmt_log10_ber(summary["log10_median"])),
            (f"channels meeting {fmt_ber(report.target_ber)}", f"{report.channels_meeting_target}/{report.channels}"),
            (
                "reach: median channel / every data channel",
                f"{fmt_length_m(link.reach_median_m)} / {fmt_length_m(link.reach_all_data_m)}",
            ),
        ),
        data={
            "report": report.to_dict(per_channel=False),
            "reach_median_m": link.reach_median_m,
            "reach_all_data_channels_m": link.reach_all_data_m,
            "grid_row_col": np.column_stack([report.grid_row, report.grid_col]).tolist(),
            "log10_ber_per_channel": report.log10_ber_stateye.tolist(),
            "ber_vs_length": {
                "length_m": link.sweep_lengths_m.tolist(),
                **{
                    f"median@{link.sweep_rates_gbps[i]:.4g}": link.sweep_log10_ber_median[i].tolist()
                    for i in curve_rows(link)
                },
                "design_point": {
                    "length_m": report.length_m,
                    "log10_ber_median": summary["log10_median"],
                    "log10_ber_kth_best": report.nth_best_log10_ber(report.data_channels),
                },
            },
            "reach_vs_rate": {
                "rate_gbps": link.sweep_rates_gbps.tolist(),
                "median_m": link.sweep_reach_median_m.tolist(),
            },
        },
    )
