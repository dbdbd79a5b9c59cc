"""Data path section: the link's per-channel BER through the gearbox and RS(544,514).

Renders :class:`~mosaiclink.assessment.DatapathAssessment`: the link at the line rate the
gearbox needs (the host's coded rate plus alignment markers, spread over the data channels), the
best channels carrying data (spares replace the worst), the analytic post-FEC model and the
error-pattern emulator.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mosaiclink.assessment.design_assessment import (
    EMULATED_US,
    KILL_AT_US,
    KILLED_MID_RUN,
    LOG10_P_FLOOR,
    Assessment,
)
from mosaiclink.datapath.gearbox import MAPPINGS
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.numbers import POST_FEC_FLOOR, fmt_ber, fmt_length_m, fmt_rate_gbps
from mosaiclink.report.theme import PALETTE, base_layout


def dead_channel_figure(curves: dict, spares: int) -> Figure:
    """P(uncorrectable codeword) vs dead channels per mapping, with and without erasure decoding."""
    traces = []
    for index, mapping in enumerate(MAPPINGS):
        for erasures, dash in ((False, "solid"), (True, "dot")):
            key = f"{mapping}{' + erasures' if erasures else ''}"
            traces.append(
                go.Scatter(
                    x=curves["dead"],
                    y=np.power(10.0, curves[key]),
                    name=key,
                    line=dict(color=PALETTE[index], dash=dash),
                )
            )
    layout = base_layout(
        f"Uncorrectable codewords vs dead channels without spares ({spares} spares absorb the first {spares})",
        yaxis=dict(
            type="log",
            title="P(uncorrectable codeword)",
            range=[LOG10_P_FLOOR, 0.5],
            dtick=5,
            exponentformat="power",
        ),
        xaxis=dict(title="dead channels (not replaced)", tickmode="array", tickvals=curves["dead"]),
        height=420,
    )
    return Figure(
        "fig-dead-channels",
        "Post-FEC vs dead channels",
        go.Figure(traces, layout),
        "Analytic RS(544,514) model at the link's per-channel BER: a dead channel is a BER-0.5 channel, "
        "or an erasure when declared dead; floored at 1e-40 for display.",
    )


def datapath_section(assessment: Assessment) -> Section:
    """Render the post-FEC behaviour of an assessment (a note when the rate has no host protocol)."""
    design, dp = assessment.design, assessment.datapath
    channels = design.array.data_channels
    if dp is None:
        return Section(
            section_id="datapath",
            title="Data path and FEC",
            paragraphs=(
                f"This design has no host protocol (link.host_protocol = none): its {channels} channels at "
                f"{fmt_rate_gbps(design.link.rate_gbps)} carry a test pattern, so there is no gearbox or host FEC "
                "to evaluate. Use `mosaic datapath` to study this link with a chosen host.",
            ),
        )
    run, analytic = dp.emulated, dp.analytic
    rows = tuple(
        (
            m,
            fmt_ber(a.symbol_error_ratio),
            fmt_ber(a.p_uncorrectable, POST_FEC_FLOOR),
            fmt_ber(a.post_fec_ber, POST_FEC_FLOOR),
            fmt_ber(a.frame_loss_ratio, POST_FEC_FLOOR),
            str(run.tolerance[m]["errors_only"]),
            str(run.tolerance[m]["with_erasures"]),
        )
        for m, a in analytic.items()
    )
    table = Table(
        columns=(
            "mapping",
            "symbol error ratio",
            "P(uncorrectable)",
            "post-FEC BER",
            "frame loss",
            "dead tolerated",
            "with erasures",
        ),
        rows=rows,
        caption=f"{dp.host} over {channels} channels at {fmt_rate_gbps(dp.line_rate_gbps)} each (analytic model)",
    )
    latency = run.latency_ns
    curves = {"dead": list(dp.dead_counts), **{k: list(v) for k, v in dp.log10_p_uncorrectable_vs_dead.items()}}
    paragraphs = (
        f"Evaluated at {fmt_length_m(dp.link.length_m)} and {fmt_rate_gbps(dp.line_rate_gbps)} per channel, the "
        f"line rate the {dp.host} host stream needs (coded host lanes plus alignment markers over {channels} data "
        f"channels): the link physics section's evaluation. Its {channels} best channels carry data at a mean "
        f"pre-FEC BER of {fmt_ber(float(dp.data_ber.mean()))}.",
        f"Emulated {EMULATED_US:g} us in error-pattern mode with {KILLED_MID_RUN} channels killed at "
        f"{KILL_AT_US:g} us: "
        f"{run.pre_fec_bit_errors} pre-FEC bit errors in {run.codewords} codewords, {run.uncorrectable_codewords} "
        f"uncorrectable, {run.frames_lost} of {run.frames} frames lost, {run.silent_corruptions} silent corruptions; "
        f"failover onto spares took over every killed channel. Added latency {latency['total_ns']:.0f} ns "
        f"(gearbox {latency['gearbox_ns']:.0f}, deskew {latency['deskew_ns']:.0f}, "
        f"framing {latency['framing_ns']:.0f}, "
        f"FEC {latency['fec_ns']:.0f}).",
    )
    return Section(
        section_id="datapath",
        title="Data path and FEC",
        paragraphs=paragraphs,
        tables=(table,),
        figures=(dead_channel_figure(curves, design.array.spare_channels),),
        headline=(
            ("line rate per channel", fmt_rate_gbps(dp.line_rate_gbps)),
            ("post-FEC P(uncorrectable)", fmt_ber(analytic[dp.mapping].p_uncorrectable, POST_FEC_FLOOR)),
            (f"frames lost (emulated, {KILLED_MID_RUN} killed)", f"{run.frames_lost}/{run.frames}"),
        ),
        data={
            "host": dp.host,
            "line_rate_gbps": dp.line_rate_gbps,
            "mean_pre_fec_ber": float(dp.data_ber.mean()),
            "analytic": {m: vars(a) for m, a in analytic.items()},
            "emulated": {k: v for k, v in run.to_dict().items() if k not in ("events",)},
            "dead_channel_curves": curves,
        },
    )
