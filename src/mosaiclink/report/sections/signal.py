"""Signal-integrity section: frequency responses, the pulse before and after the FFE, BER vs received OMA.

Renders :class:`~mosaiclink.assessment.SignalAssessment` for the median and the worst live
channel of the design point; computes nothing.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mosaiclink.assessment.design_assessment import Assessment, SignalAssessment
from mosaiclink.report.document import Figure, Section
from mosaiclink.report.numbers import fmt_ber, fmt_length_m, fmt_rate_gbps
from mosaiclink.report.theme import BER_AXIS_LOG10, PALETTE, base_layout

RESPONSE_PARTS = ("led", "fiber", "receiver", "ctle", "ffe", "total")
RESPONSE_DB_RANGE = (-30.0, 10.0)
PULSE_LAGS_UI = (-3, 6)  # symbol lags shown around the cursor


def response_figure(signal: SignalAssessment, rate_gbps: float) -> Figure:
    """|H(f)| of each block of the median channel and of the whole chain, with Nyquist marked."""
    freq_ghz = signal.freq_hz / 1e9
    traces = [
        go.Scatter(
            x=freq_ghz,
            y=signal.response_db[part],
            name=part,
            line=dict(color=color, width=3 if part == "total" else 1.8, dash="solid" if part == "total" else "dot"),
        )
        for part, color in zip(RESPONSE_PARTS, (*PALETTE[:5], "#10233f"), strict=False)
    ]
    fig = go.Figure(
        traces,
        base_layout(
            f"Frequency responses, channel {signal.channels[0]} (median)",
            xaxis=dict(type="log", title="frequency (GHz)"),
            yaxis=dict(title="|H| (dB)", range=list(RESPONSE_DB_RANGE)),
            height=420,
        ),
    )
    fig.add_vline(x=rate_gbps / 2.0, line=dict(color="#333", dash="dash"), annotation_text="Nyquist")
    return Figure(
        "fig-responses",
        "Frequency responses",
        fig,
        "Small-signal LED (mean current), fibre (modal walk-off x chromatic spread at the design length), "
        "receiver, CTLE and the channel's solved FFE, each normalized to unit gain at DC; total is their product.",
    )


def pulse_figure(signal: SignalAssessment) -> Figure:
    """The receiver's pulse (CTLE included) and its symbol samples before and after the FFE."""
    lo, hi = PULSE_LAGS_UI
    keep_t = (signal.pulse_t_ui >= lo - 0.5) & (signal.pulse_t_ui <= hi + 0.5)
    keep_lag = (signal.cursor_lags_ui >= lo) & (signal.cursor_lags_ui <= hi)
    traces = []
    for i, (label, color) in enumerate((("median", PALETTE[0]), ("worst", PALETTE[3]))):
        channel = signal.channels[i]
        traces.append(
            go.Scatter(
                x=signal.pulse_t_ui[keep_t],
                y=signal.pulse_pre_ffe[i, keep_t],
                name=f"ch {channel} ({label}) pulse before FFE",
                line=dict(color=color, width=1.5),
            )
        )
        traces.append(
            go.Scatter(
                x=signal.cursor_lags_ui[keep_lag],
                y=signal.cursor_post_ffe[i, keep_lag],
                name=f"ch {channel} symbol samples after FFE",
                mode="markers",
                marker=dict(color=color, symbol="diamond", size=9),
            )
        )
    layout = base_layout(
        "Pulse response before and after the FFE",
        xaxis=dict(title="time from the decision instant (UI)", dtick=1),
        yaxis=dict(title="normalized amplitude"),
        height=420,
    )
    return Figure(
        "fig-pulse-ffe",
        "Pulse before and after FFE",
        go.Figure(traces, layout),
        "Lines: one '1' bit through LED, fibre, receiver and CTLE, normalized to its peak and aligned on the "
        "chosen decision instant. Diamonds: the FFE output at symbol spacing, normalized to the cursor "
        "(ISI left after equalization).",
    )


def sensitivity_figure(signal: SignalAssessment, target_ber: float, oma_now_dbm: np.ndarray) -> Figure:
    """BER vs received OMA for the median and worst channels, with and without ISI and crosstalk."""
    traces = []
    for i, (label, color) in enumerate((("median", PALETTE[0]), ("worst", PALETTE[3]))):
        channel = signal.channels[i]
        traces.append(
            go.Scatter(
                x=signal.oma_dbm,
                y=np.power(10.0, signal.log10_ber_vs_oma[i]),
                name=f"ch {channel} ({label})",
                line=dict(color=color, width=2.2),
            )
        )
        traces.append(
            go.Scatter(
                x=signal.oma_dbm,
                y=np.power(10.0, signal.log10_ber_vs_oma_noise_only[i]),
                name=f"ch {channel} noise only",
                line=dict(color=color, dash="dot"),
            )
        )
    traces.append(
        go.Scatter(
            x=oma_now_dbm,
            y=[
                np.power(10.0, np.interp(x, signal.oma_dbm, c))
                for x, c in zip(oma_now_dbm, signal.log10_ber_vs_oma, strict=False)
            ],
            name="received today",
            mode="markers",
            marker=dict(color="#333", size=10, symbol="x"),
        )
    )
    traces.append(
        go.Scatter(
            x=[signal.oma_dbm[0], signal.oma_dbm[-1]],
            y=[target_ber] * 2,
            name=f"target {fmt_ber(target_ber)}",
            mode="lines",
            line=dict(color="#333", dash="dash"),
        )
    )
    layout = base_layout(
        "BER vs received OMA (sensitivity)",
        xaxis=dict(title="received OMA (dBm)"),
        yaxis=dict(type="log", title="BER (Gaussian Q)", range=list(BER_AXIS_LOG10), exponentformat="power"),
        height=420,
    )
    return Figure(
        "fig-sensitivity",
        "BER vs received OMA",
        go.Figure(traces, layout),
        "Each channel's Gaussian-Q BER as its received OMA moves, every impairment held (thermal-noise limit: "
        "Q proportional to optical power). The gap between solid and dotted is the ISI and crosstalk penalty.",
    )


def signal_section(assessment: Assessment) -> Section:
    """Render the signal-integrity views of an assessment."""
    signal, report = assessment.signal, assessment.link.report
    picked = list(signal.channels)
    oma_now = report.received_oma_dbm[picked]
    return Section(
        section_id="signal",
        title="Signal integrity",
        paragraphs=(
            f"At the design point ({fmt_length_m(report.length_m)}, {fmt_rate_gbps(report.rate_gbps)}), for the "
            f"median channel {picked[0]} and the worst live channel {picked[1]}: what each block does to the "
            "signal, what the FFE leaves, and how far each channel sits from its sensitivity.",
        ),
        figures=(
            response_figure(signal, report.rate_gbps),
            pulse_figure(signal),
            sensitivity_figure(signal, report.target_ber, oma_now),
        ),
        data={
            "channels": picked,
            "freq_hz": signal.freq_hz.tolist(),
            "response_db": {k: v.tolist() for k, v in signal.response_db.items()},
            "pulse_t_ui": signal.pulse_t_ui.tolist(),
            "pulse_pre_ffe": signal.pulse_pre_ffe.tolist(),
            "cursor_lags_ui": signal.cursor_lags_ui.tolist(),
            "cursor_post_ffe": signal.cursor_post_ffe.tolist(),
            "oma_dbm": signal.oma_dbm.tolist(),
            "received_oma_dbm": oma_now.tolist(),
            "log10_ber_vs_oma": signal.log10_ber_vs_oma.tolist(),
            "log10_ber_vs_oma_noise_only": signal.log10_ber_vs_oma_noise_only.tolist(),
            "target_ber": report.target_ber,
            "rate_gbps": report.rate_gbps,
        },
    )
