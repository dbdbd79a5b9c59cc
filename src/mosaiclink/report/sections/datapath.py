"""Data path section: the link's per-channel BER through the gearbox and RS(544,514).

The link is re-evaluated at the line rate the gearbox needs (the host's coded rate plus
alignment markers, spread over the data channels), the best channels carry data (spares
replace the worst), and the analytic post-FEC model and the error-pattern emulator turn
those BERs into uncorrectable-codeword and frame-loss ratios.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.config.design import MosaicDesign
from mosaiclink.datapath.analytic import analytic_post_fec
from mosaiclink.datapath.emulator import emulate
from mosaiclink.datapath.framing import Framing
from mosaiclink.datapath.gearbox import MAPPINGS, Gearbox
from mosaiclink.datapath.protocols import host_protocol
from mosaiclink.physics.link import evaluate_link
from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.theme import PALETTE, base_layout, fmt_ber

HOST_BY_RATE_GBPS = {800.0: "800gbe", 1600.0: "1.6tbe"}
DEAD_COUNTS = (0, 1, 2, 3, 5, 8, 12, 16, 20)
KILLED_MID_RUN = 3
EMULATED_US = 50.0


def gearbox_line_rate_gbps(host: str, channels: int, mapping: str) -> float:
    """Per-channel line rate the gearbox needs: host payload share plus marker overhead."""
    gearbox = Gearbox(host_protocol(host), channels, mapping)
    return Framing(DatapathSpec().marker_period_bits).line_rate_gbps(gearbox.payload_rate_gbps())


def dead_channel_curves(host: str, channels: int, ber: np.ndarray) -> dict[str, list[float]]:
    """log10 P(uncorrectable codeword) vs dead channels, per mapping, with and without erasures."""
    curves: dict[str, list[float]] = {"dead": list(DEAD_COUNTS)}
    for mapping in MAPPINGS:
        for erasures in (False, True):
            values = []
            for dead in DEAD_COUNTS:
                ber_dead = ber.copy()
                ber_dead[:dead] = 0.5
                result = analytic_post_fec(
                    host, channels, mapping, ber_dead, erased_channels=range(dead) if erasures else ()
                )
                values.append(max(result.log10_p_uncorrectable, -40.0))
            curves[f"{mapping}{' + erasures' if erasures else ''}"] = values
    return curves


def dead_channel_figure(curves: dict[str, list[float]], spares: int) -> Figure:
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
        yaxis=dict(type="log", title="P(uncorrectable codeword)", range=[-40, 0.5]),
        xaxis=dict(title="dead channels (not replaced)"),
        height=420,
    )
    return Figure(
        "fig-dead-channels",
        "Post-FEC vs dead channels",
        go.Figure(traces, layout),
        "Analytic RS(544,514) model at the link's per-channel BER: a dead channel is a BER-0.5 channel, "
        "or an erasure when declared dead; floored at 1e-40 for display.",
    )


def datapath_section(design: MosaicDesign, seed: int) -> Section:
    """Post-FEC behaviour of the design's link for its host protocol."""
    channels = design.array.data_channels
    aggregate_gbps = design.data_rate_gbps
    stated = design.link.host_protocol
    host = stated if stated != "none" else HOST_BY_RATE_GBPS.get(aggregate_gbps)
    if host is None:
        return Section(
            section_id="datapath",
            title="Data path and FEC",
            paragraphs=(
                f"No standard host protocol runs at {aggregate_gbps:g} Gb/s "
                f"({channels} x {design.link.rate_gbps:g} Gb/s); "
                f"the data path is modelled for {', '.join(f'{r:g} Gb/s' for r in HOST_BY_RATE_GBPS)} designs. "
                "Use `mosaic datapath` to study this link with a chosen host.",
            ),
        )
    mapping = "symbol-aligned"
    line_rate_gbps = gearbox_line_rate_gbps(host, channels, mapping)
    report = evaluate_link(design.with_link(rate_gbps=line_rate_gbps, host_protocol=host), seed=seed)
    sorted_ber = np.sort(np.power(10.0, report.log10_ber_stateye))  # best channels carry data, spares the rest
    data_ber = sorted_ber[:channels]
    analytic = {m: analytic_post_fec(host, channels, m, data_ber) for m in MAPPINGS}
    run = emulate(
        DatapathSpec.from_mapping(
            dict(
                host=host,
                channels=channels,
                spares=design.array.spare_channels,
                mapping=mapping,
                ber_per_channel=tuple(float(b) for b in sorted_ber),
                dead=KILLED_MID_RUN,
                kill_at_us=5.0,
                duration_us=EMULATED_US,
                mode="pattern",
            )
        ),
        seed=seed,
    )
    curves = dead_channel_curves(host, channels, data_ber)
    rows = tuple(
        (
            m,
            f"{a.symbol_error_ratio:.2e}",
            fmt_ber(a.p_uncorrectable),
            fmt_ber(a.post_fec_ber),
            fmt_ber(a.frame_loss_ratio),
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
        caption=f"{host} over {channels} channels at {line_rate_gbps:.4g} Gb/s each (analytic model)",
    )
    latency = run.latency_ns
    paragraphs = (
        f"The {host} host stream needs {line_rate_gbps:.4g} Gb/s per channel (coded host rate plus alignment markers) "
        f"instead of the nominal {design.link.rate_gbps:g} Gb/s; the link is evaluated at that rate. Its "
        f"{channels} best channels carry data at a mean pre-FEC BER of {data_ber.mean():.2e}.",
        f"Emulated {EMULATED_US:g} us in error-pattern mode with {KILLED_MID_RUN} channels killed at 5 us: "
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
            ("line rate per channel", f"{line_rate_gbps:.4g} Gb/s"),
            ("post-FEC P(uncorrectable)", fmt_ber(analytic[mapping].p_uncorrectable)),
            ("frames lost (emulated, 3 killed)", f"{run.frames_lost}/{run.frames}"),
        ),
        data={
            "host": host,
            "line_rate_gbps": line_rate_gbps,
            "mean_pre_fec_ber": float(data_ber.mean()),
            "analytic": {m: vars(a) for m, a in analytic.items()},
            "emulated": {k: v for k, v in run.to_dict().items() if k not in ("events",)},
            "dead_channel_curves": curves,
        },
    )
