"""Monte Carlo section: counted BER beside the analytic prediction, an eye and its bathtub.

Renders :class:`~mosaiclink.assess.SimulationAssessment`: the counted channels are the
design's worst live channels whose BER a report-sized count resolves; the eye is the median
channel's, on the oversampled waveform path.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from scipy.special import ndtr

from mosaiclink.assess.assessment import EYE_BITS, Assessment
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.numbers import fmt_ber, fmt_length_m, fmt_rate_gbps
from mosaiclink.report.theme import BER_AXIS_LOG10, PALETTE, base_layout
from mosaiclink.sim.eye import extrapolate_bathtub
from mosaiclink.sim.runner import EyeData, SimResult

TRANSITION_DENSITY = 0.5  # dual-Dirac transition density used by the bathtub fit (random data)


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
        yaxis=dict(type="log", title="BER", range=list(BER_AXIS_LOG10), exponentformat="power"),
        height=400,
    )
    return Figure(
        "fig-counted-ber",
        "Counted vs analytic BER",
        go.Figure([counted, analytic], layout),
        "Symbol-rate Monte Carlo with the chain's ISI taps, neighbours' crosstalk and filtered noise.",
    )


def eye_figure(eye: EyeData, transimpedance_ohm: float) -> Figure:
    """The eye diagram in volts at the TIA output (photocurrent x feedback resistance), with the
    threshold, the decision instant and the hexagon compliance mask (:func:`mosaiclink.sim.eye.mask_vertices`,
    its margin in the legend). Labels are white on a dark box: readable on the dark colour map."""
    data = eye_plot_data(eye, transimpedance_ohm)
    trace = go.Heatmap(
        x=data["time_ui"],
        y=data["amplitude_mv"],
        z=data["log10_hits"],
        colorscale="Viridis",
        colorbar=dict(title="log10 hits"),
        showscale=True,
    )
    margin = eye.metrics.mask_margin[0]
    mask = go.Scatter(
        x=data["mask_x_ui"],
        y=data["mask_mv"],
        mode="lines",
        line=dict(color="#ff4d4d", width=2),
        name=f"mask (margin {margin:+.0%})" if np.isfinite(margin) else "mask",
    )
    fig = go.Figure(
        [trace, mask],
        base_layout(
            f"Eye diagram, channel {eye.channel} ({eye.samples_per_bit} samples/UI)",
            xaxis=dict(title="time from the decision instant (UI)"),
            yaxis=dict(title=f"TIA output (mV, {transimpedance_ohm / 1e3:g} kOhm x photocurrent)"),
            legend=dict(x=0.01, y=0.99, bgcolor="rgba(0,0,0,0.55)", font=dict(color="#fff")),
            height=420,
        ),
    )
    label = dict(font=dict(color="#fff", size=12), bgcolor="rgba(0,0,0,0.6)")
    fig.add_hline(
        y=data["threshold_mv"], line=dict(color="#fff", dash="dash"), annotation_text="threshold", annotation=label
    )
    fig.add_vline(
        x=0.0,
        line=dict(color="#fff", dash="dot"),
        annotation_text="decision instant",
        annotation_position="bottom right",
        annotation=label,
    )
    return Figure(
        "fig-eye",
        "Eye diagram",
        fig,
        f"{EYE_BITS:,} random bits through the LED's large-signal response, fibre, receiver noise and equalizer, "
        "folded on the channel's decision instant, in volts at the TIA output; dashed: the decision threshold; "
        "red: the hexagon mask (half-width 0.25 UI at the threshold, 0.1 UI at +-20 % of the eye amplitude; "
        "our mask, not a standard's), its margin the scale at which the first sample touches it.",
    )


def bathtub_fit(tub: dict, phase_ui: np.ndarray) -> np.ndarray | None:
    """The fitted dual-Dirac bathtub of :func:`bathtub_data` (None without a fit): both walls summed,
    ``BER = rho Phi((mu_L - x)/sigma_L) + rho Phi((x - mu_R)/sigma_R)``, one U-shaped curve (each
    wall alone, drawn across the whole UI, crossed the other in an X below the data).
    """
    keys = ("left_mu_ui", "left_sigma_ui", "right_mu_ui", "right_sigma_ui")
    if any(tub[k] is None for k in keys):
        return None
    rho = tub["transition_density"]
    left = rho * ndtr((tub["left_mu_ui"] - phase_ui) / tub["left_sigma_ui"])
    right = rho * ndtr((phase_ui - tub["right_mu_ui"]) / tub["right_sigma_ui"])
    return left + right


def bathtub_figure(tub: dict, channel: int) -> Figure:
    """BER vs sampling phase, its dual-Dirac walls extrapolated to the link's own target BER."""
    phase = np.asarray(tub["phase_ui"])
    target_ber = tub["target_ber"]
    traces = [
        go.Scatter(
            x=phase,
            y=np.maximum(tub["ber"], 1e-30),
            mode="markers",
            name="per-phase BER (Gaussian, from the waveform)",
            marker=dict(color=PALETTE[0], size=5),
        )
    ]
    dense = np.linspace(phase.min(), phase.max(), 400)
    fit = bathtub_fit(tub, dense)
    if fit is not None:
        line = dict(color=PALETTE[1], dash="dot")
        traces.append(go.Scatter(x=dense, y=fit, mode="lines", name="dual-Dirac fit (both walls)", line=line))
    traces.append(
        go.Scatter(
            x=[phase.min(), phase.max()],
            y=[target_ber] * 2,
            mode="lines",
            name=f"target {fmt_ber(target_ber)}",
            line=dict(color="#333", dash="dash"),
        )
    )
    width = tub["width_ui"]
    width_text = "n/a (no wall in the fit range)" if width is None else f"{width:.2f} UI"
    layout = base_layout(
        f"Bathtub, channel {channel}: eye width at {fmt_ber(target_ber)} = {width_text}",
        xaxis=dict(title="sampling phase (UI)"),
        yaxis=dict(type="log", title="BER", range=list(BER_AXIS_LOG10), exponentformat="power"),
        height=400,
    )
    return Figure(
        "fig-bathtub",
        "Bathtub",
        go.Figure(traces, layout),
        "Gaussian BER at each sampling phase of the simulated waveform (markers); the walls are fitted in Q scale "
        "between 1e-3 and 1e-10 and extrapolated (dotted) to the link's target BER.",
    )


def _fixed(value: float | None, spec: str, scale: float = 1.0) -> str:
    """``value * scale`` formatted with ``spec``; 'n/a' for a metric a closed eye does not have."""
    return "n/a" if value is None else format(value * scale, spec)


def eye_plot_data(eye: EyeData, transimpedance_ohm: float) -> dict:
    """The eye histogram as plain lists (for ``report.json`` and the paper figure), in photocurrent
    and in volts at the TIA output, with the hexagon mask's polygon."""
    from mosaiclink.sim.eye import mask_vertices

    edges = eye.histogram.amplitude_edges
    centres_a = 0.5 * (edges[:-1] + edges[1:])
    m, centre = eye.metrics, eye.samples_per_bit // 2
    amplitude_a = float(m.mean_one[0, centre] - m.mean_zero[0, centre])
    mask_x, mask_a = mask_vertices(eye.threshold, amplitude_a)
    mv = transimpedance_ohm * 1e3  # A -> mV
    return {
        "time_ui": eye.histogram.time_ui.tolist(),
        "amplitude_ua": (centres_a * 1e6).tolist(),
        "amplitude_mv": (centres_a * mv).tolist(),
        "log10_hits": np.log10(eye.histogram.counts[0].T + 1.0).round(3).tolist(),
        "threshold_ua": eye.threshold * 1e6,
        "threshold_mv": eye.threshold * mv,
        "transimpedance_ohm": transimpedance_ohm,
        "mask_x_ui": mask_x.tolist(),
        "mask_mv": (mask_a * mv).tolist(),
        "mask_margin": float(m.mask_margin[0]) if np.isfinite(m.mask_margin[0]) else None,
        "samples_per_ui": eye.samples_per_bit,
    }


def bathtub_data(eye: EyeData, target_ber: float) -> dict:
    """Per-phase BER and the dual-Dirac fit at the link's target BER."""
    fit = extrapolate_bathtub(
        eye.metrics.phase_ui, eye.bathtub_ber, target_ber=target_ber, transition_density=TRANSITION_DENSITY
    )
    values = (fit.width_ui[0], fit.left_mu_ui[0], fit.left_sigma_ui[0], fit.right_mu_ui[0], fit.right_sigma_ui[0])
    names = ("width_ui", "left_mu_ui", "left_sigma_ui", "right_mu_ui", "right_sigma_ui")
    return {
        "phase_ui": eye.metrics.phase_ui.tolist(),
        "ber": np.maximum(eye.bathtub_ber, 1e-300).tolist(),
        "target_ber": target_ber,
        "transition_density": TRANSITION_DENSITY,
        **{k: float(v) if np.isfinite(v) else None for k, v in zip(names, values, strict=False)},
    }


def simulation_section(assessment: Assessment) -> Section:
    """Render the Monte Carlo check of an assessment."""
    counted, eye = assessment.simulation.counted, assessment.simulation.eye
    eye_channel = eye.channel
    target_ber = assessment.link.report.target_ber
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
            strict=False,
        )
    )
    table = Table(
        columns=("channel", "errors", "bits", "counted BER", "interval", "analytic", "inside"),
        rows=rows,
        caption=f"{fmt_length_m(counted.length_m)}, {fmt_rate_gbps(counted.rate_gbps)}, symbol-rate path",
    )
    metrics = eye.summary()
    tub = bathtub_data(eye, target_ber)
    transimpedance = assessment.design.receiver.feedback_resistance_kohm * 1e3
    return Section(
        section_id="simulation",
        title="Monte Carlo check",
        paragraphs=(
            f"At the design point ({fmt_length_m(counted.length_m)}, {fmt_rate_gbps(counted.rate_gbps)}): the worst "
            "live channels are counted because only they have BERs a 2-million-bit count can resolve; the eye is the "
            "median channel's.",
            f"{int(inside.sum())} of {len(inside)} counted channels agree with the analytic statistical eye within the "
            f"{int(counted.confidence * 100)} % interval (simulator throughput "
            f"{counted.throughput_mbps:.1f} Mbit/s on the symbol-rate path).",
            f"Eye of channel {eye_channel}: height {_fixed(metrics['eye_height'], '.2f', 1e6)} uA, width "
            f"{_fixed(metrics['eye_width_ui'], '.2f')} UI, Q {_fixed(metrics['q'], '.1f')}.",
        ),
        tables=(table,),
        figures=(counted_figure(counted), eye_figure(eye, transimpedance), bathtub_figure(tub, eye_channel)),
        headline=(
            ("counted channels inside the analytic interval", f"{int(inside.sum())}/{len(inside)}"),
            (f"eye Q (channel {eye_channel})", _fixed(metrics["q"], ".1f")),
        ),
        data={
            "counted": counted.to_dict(),
            "eye": {"channel": eye_channel, **metrics},
            "eye_plot": eye_plot_data(eye, transimpedance),
            "bathtub": tub,
        },
    )
