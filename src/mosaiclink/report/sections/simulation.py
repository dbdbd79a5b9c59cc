"""Monte Carlo section: counted BER beside the analytic prediction, an eye and its bathtub.

The channels counted are the design's worst live channels at its length (the only ones
whose BER a report-sized Monte Carlo can reach); the eye is drawn on the oversampled
waveform path for the median channel.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mosaiclink.config.design import MosaicDesign
from mosaiclink.physics.link import evaluate_link
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.theme import PALETTE, base_layout, fmt_ber
from mosaiclink.sim.runner import EyeData, SimResult, simulate

COUNTED_CHANNELS = 6
BITS_PER_CHANNEL = 2_000_000
EYE_BITS = 20_000
COUNTABLE_LOG10_BER = (-7.0, -2.0)  # a 2e6-bit count resolves these


def _fixed(value: float | None, spec: str, scale: float = 1.0) -> str:
    """``value * scale`` formatted with ``spec``; 'n/a' for a metric a closed eye does not have."""
    return "n/a" if value is None else format(value * scale, spec)


def channels_to_count(design: MosaicDesign, seed: int) -> tuple[list[int], int]:
    """The worst live channels whose BER is countable, and the median channel for the eye."""
    report = evaluate_link(design, seed=seed)
    log_ber = np.where(report.dead, np.inf, report.log10_ber_stateye)
    order = np.argsort(log_ber)
    live = order[np.isfinite(log_ber[order])]
    low, high = COUNTABLE_LOG10_BER
    countable = [int(c) for c in live[::-1] if low <= log_ber[c] <= high][:COUNTED_CHANNELS]
    return sorted(countable) or [int(live[-1])], int(live[len(live) // 2])


def counted_figure(result: SimResult) -> Figure:
    """Counted BER with its confidence interval beside the statistical-eye prediction."""
    labels = [f"ch {c}" for c in result.channels]
    counted = go.Scatter(
        x=labels,
        y=result.ber,
        mode="markers",
        name="counted (Monte Carlo)",
        marker=dict(size=10, color=PALETTE[0]),
        error_y=dict(
            type="data", symmetric=False, array=result.ci_high - result.ber, arrayminus=result.ber - result.ci_low
        ),
    )
    analytic = go.Scatter(
        x=labels,
        y=result.ber_analytic,
        mode="markers",
        name="statistical eye (analytic)",
        marker=dict(size=12, symbol="x", color=PALETTE[1]),
    )
    layout = base_layout(
        f"Counted vs analytic BER ({int(result.confidence * 100)} % Clopper-Pearson)",
        yaxis=dict(type="log", title="BER", exponentformat="power"),
        height=400,
    )
    return Figure(
        "fig-counted-ber",
        "Counted vs analytic BER",
        go.Figure([counted, analytic], layout),
        "Symbol-rate Monte Carlo with the chain's ISI taps, neighbours' crosstalk and filtered noise.",
    )


def eye_figure(eye: EyeData) -> Figure:
    """The eye diagram as a 2-D histogram of the received waveform."""
    counts = eye.histogram.counts[0].T.astype(float)
    edges = eye.histogram.amplitude_edges
    centres_ua = 0.5 * (edges[:-1] + edges[1:]) * 1e6
    trace = go.Heatmap(
        x=eye.histogram.time_ui,
        y=centres_ua,
        z=np.log10(counts + 1.0),
        colorscale="Viridis",
        colorbar=dict(title="log10 hits"),
    )
    layout = base_layout(
        f"Eye diagram, channel {eye.channel} (waveform path, {eye.samples_per_bit} samples/bit)",
        xaxis=dict(title="time (UI)"),
        yaxis=dict(title="photocurrent (uA)"),
        height=400,
    )
    return Figure(
        "fig-eye",
        "Eye diagram",
        go.Figure([trace], layout),
        f"{EYE_BITS:,} random bits through the LED's large-signal response, fibre, receiver noise and equalizer.",
    )


def bathtub_figure(eye: EyeData) -> Figure:
    """BER vs sampling phase with the dual-Dirac eye width at 1e-12."""
    phase = eye.metrics.phase_ui
    trace = go.Scatter(
        x=phase,
        y=np.maximum(eye.bathtub_ber, 1e-30),
        mode="lines+markers",
        name="per-phase BER",
        line=dict(color=PALETTE[0]),
    )
    floor = go.Scatter(
        x=[phase.min(), phase.max()], y=[1e-12, 1e-12], mode="lines", name="1e-12", line=dict(color="#333", dash="dash")
    )
    layout = base_layout(
        f"Bathtub, channel {eye.channel}: eye width at 1e-12 = {eye.bathtub_fit.width_ui[0]:.2f} UI",
        xaxis=dict(title="sampling phase (UI)"),
        yaxis=dict(type="log", title="BER", range=[-30, 0], exponentformat="power"),
        height=400,
    )
    return Figure(
        "fig-bathtub",
        "Bathtub",
        go.Figure([trace, floor], layout),
        "Gaussian BER at each sampling phase; walls extrapolated with a dual-Dirac fit in Q scale.",
    )


def simulation_section(design: MosaicDesign, seed: int) -> Section:
    """Count errors on the worst channels and draw the median channel's eye."""
    counted_channels, eye_channel = channels_to_count(design, seed)
    counted = simulate(
        design, bits=BITS_PER_CHANNEL, channels=counted_channels, path="symbol", seed=seed, variation_seed=seed
    )
    eye_run = simulate(
        design,
        bits=EYE_BITS,
        channels=[eye_channel],
        path="waveform",
        seed=seed,
        variation_seed=seed,
        eye_channels=[eye_channel],
        eye_bits=EYE_BITS,
    )
    eye = eye_run.eyes[eye_channel]
    inside = counted.within_interval
    rows = tuple(
        (str(c), f"{e:,}", f"{b:,}", fmt_ber(r), f"{fmt_ber(lo)} - {fmt_ber(hi)}", fmt_ber(a), "yes" if ok else "no")
        for c, e, b, r, lo, hi, a, ok in zip(
            counted.channels,
            counted.errors,
            counted.bits,
            counted.ber,
            counted.ci_low,
            counted.ci_high,
            counted.ber_analytic,
            inside,
            strict=True,
        )
    )
    table = Table(
        columns=("channel", "errors", "bits", "counted BER", "interval", "analytic", "inside"),
        rows=rows,
        caption=f"{design.link.length_m:g} m, {design.link.rate_gbps:g} Gb/s, symbol-rate path",
    )
    metrics = eye.summary()
    return Section(
        section_id="simulation",
        title="Monte Carlo check",
        paragraphs=(
            f"{int(inside.sum())} of {len(inside)} counted channels agree with the analytic statistical eye within the "
            f"{int(counted.confidence * 100)} % interval; "
            f"the symbol-rate path ran at {counted.throughput_mbps:.1f} Mbit/s.",
            f"Eye of channel {eye_channel}: height {_fixed(metrics['eye_height'], '.2f', 1e6)} uA, width "
            f"{_fixed(metrics['eye_width_ui'], '.2f')} UI, Q {_fixed(metrics['q'], '.1f')}.",
        ),
        tables=(table,),
        figures=(counted_figure(counted), eye_figure(eye), bathtub_figure(eye)),
        headline=(
            ("counted channels inside the analytic interval", f"{int(inside.sum())}/{len(inside)}"),
            (f"eye Q (channel {eye_channel})", _fixed(metrics["q"], ".1f")),
        ),
        data={"counted": counted.to_dict(), "eye": {"channel": eye_channel, **metrics}},
    )
