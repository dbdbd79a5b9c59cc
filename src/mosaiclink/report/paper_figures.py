"""Static PNG and SVG versions of the report's key figures, drawn with Matplotlib for papers.

They are drawn from the sections' ``data`` (the same numbers as ``report.json``), so a paper
figure and the interactive page can never disagree.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import PIL.Image  # noqa: E402

from mosaiclink.config.io import write_bytes_atomic  # noqa: E402
from mosaiclink.report.document import Section  # noqa: E402
from mosaiclink.report.sections.simulation import bathtub_fit  # noqa: E402
from mosaiclink.report.sections.system import POWER_PARTS  # noqa: E402
from mosaiclink.report.theme import BER_AXIS_LOG10, MOSAIC_COLOR, PALETTE  # noqa: E402

BER_YLIM = tuple(10.0**v for v in BER_AXIS_LOG10)

DPI = 150
SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


class PlainLogFormatter(matplotlib.ticker.LogFormatterSciNotation):
    """Log-axis labels as plain text ``10⁻⁵``, ``2×10⁻⁵`` and ``3``, the same labels Matplotlib picks
    without mathtext: parsing TeX-like labels cost more than every other part of drawing a figure."""

    def __call__(self, x, pos=None):
        label = super().__call__(x, pos)
        if not label:
            return label
        exponent = int(np.floor(np.log10(abs(x)) + 1e-9))
        coefficient = x / 10.0**exponent
        power = "10" + str(exponent).translate(SUPERSCRIPT)
        if abs(coefficient - 1.0) < 1e-6:
            return power
        return f"{x:g}" if exponent == 0 else f"{coefficient:g}\u00d7{power}"


def plain_log_labels(fig) -> None:
    """Put :class:`PlainLogFormatter` on every log axis of ``fig`` (same ticks, same labelling rules)."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() != "log":
                continue
            for old, setter in (
                (axis.get_major_formatter(), axis.set_major_formatter),
                (axis.get_minor_formatter(), axis.set_minor_formatter),
            ):
                if isinstance(old, matplotlib.ticker.LogFormatterSciNotation):
                    setter(
                        PlainLogFormatter(
                            axis.get_transform().base,
                            labelOnlyBase=old.labelOnlyBase,
                            minor_thresholds=old.minor_thresholds,
                        )
                    )


def ber_mosaic(data: dict):
    rows_cols = np.asarray(data["grid_row_col"])
    log_ber = np.clip(np.asarray(data["log10_ber_per_channel"]), -20.0, 0.0)
    grid = np.full((rows_cols[:, 0].max() + 1, rows_cols[:, 1].max() + 1), np.nan)
    grid[rows_cols[:, 0], rows_cols[:, 1]] = log_ber
    fig, ax = plt.subplots(layout="constrained", figsize=(5.0, 5.2))
    image = ax.imshow(grid, cmap="RdYlGn_r", vmin=-20, vmax=-2)
    fig.colorbar(image, ax=ax, label="log10 BER", shrink=0.8)
    ax.set(xlabel="column", ylabel="row", title="Per-channel BER (spares in the last rows)")
    return fig


def ber_vs_length(data: dict):
    curves = data["ber_vs_length"]
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    floor = BER_AXIS_LOG10[0]
    rates = [key.split("@")[1] for key in curves if key.startswith("median@")]
    for color, rate in zip(PALETTE, rates, strict=False):
        values = np.power(10.0, np.maximum(curves[f"median@{rate}"], floor))
        ax.semilogy(curves["length_m"], values, color=color, label=f"{rate} Gb/s median channel")
    point = curves["design_point"]
    ax.semilogy(point["length_m"], 10.0 ** max(point["log10_ber_median"], floor), "ko", label="every channel: median")
    ax.semilogy(point["length_m"], 10.0 ** max(point["log10_ber_kth_best"], floor), "kD", label="k-th best")
    ax.axhline(data["report"]["target_ber"], color="k", ls="--", lw=1, label="target")
    ax.set(xlabel="length (m)", ylabel="BER", ylim=BER_YLIM, title="BER vs length")
    ax.legend(fontsize=7)
    return fig


def power_vs_alternatives(data: dict):
    rows = sorted((r for r in data["compare"]["rows"] if not r["reference_only"]), key=lambda r: r["power_w_per_end"])
    fig, ax = plt.subplots(layout="constrained", figsize=(7.0, 4.0))
    x = np.arange(len(rows))
    power = np.array([r["power_w_per_end"] for r in rows])
    err = np.array(
        [[p - r["power_w_per_end_low"], r["power_w_per_end_high"] - p] for p, r in zip(power, rows, strict=True)]
    ).T
    colors = [MOSAIC_COLOR if r["is_mosaic"] else ("#b0b8c4" if r["feasible"] is False else PALETTE[1]) for r in rows]
    ax.bar(x, power, yerr=np.clip(err, 0.0, None), color=colors, capsize=3)  # a value at its range end: 0
    ax.set_xticks(x, [r["technology"] for r in rows], rotation=35, ha="right")
    ax.set(
        ylabel="W per end",
        title=f"Power per end at {data['compare']['rate']} (grey: cannot reach {data['compare']['reach_m']:g} m)",
    )
    return fig


def fit_vs_spares(data: dict):
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    for color, (led_fit, rows) in zip(PALETTE, data["fit_vs_spares"].items(), strict=False):
        ax.semilogy(
            [r["spares"] for r in rows],
            [r["link_fit"] for r in rows],
            "o-",
            color=color,
            label=f"{float(led_fit):g} FIT per microLED",
        )
    ax.axhline(20.0, color="k", ls=":", lw=1, label="20 FIT")
    ax.set(xlabel="spare channels", ylabel="link FIT", title="Link FIT vs spares")
    ax.legend(fontsize=8)
    return fig


def dead_channels(data: dict):
    curves = data["dead_channel_curves"]
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    mappings = [k for k in curves if k != "dead" and "erasures" not in k]
    for color, mapping in zip(PALETTE, mappings, strict=False):
        ax.semilogy(curves["dead"], np.power(10.0, curves[mapping]), color=color, label=mapping)
        ax.semilogy(
            curves["dead"],
            np.power(10.0, curves[f"{mapping} + erasures"]),
            color=color,
            ls=":",
            label=f"{mapping} + erasures",
        )
    ax.set(
        xlabel="dead channels (not replaced)",
        ylabel="P(uncorrectable codeword)",
        ylim=(1e-40, 2),
        title="RS(544,514) vs dead channels",
    )
    ax.set_xticks(curves["dead"])
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10.0, numticks=9))
    ax.legend(fontsize=7)
    return fig


def reach_vs_rate(data: dict):
    curves = data["reach_vs_rate"]
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    ax.plot(curves["rate_gbps"], curves["median_m"], "o-", color=PALETTE[0], label="median channel (fast path)")
    rate = data["report"]["rate_gbps"]
    ax.plot(
        [rate, rate],
        [data["reach_median_m"], data["reach_all_data_channels_m"]],
        "kx",
        ms=9,
        label="every channel: median, every data channel",
    )
    ax.set(xlabel="per-channel rate (Gb/s)", ylabel="reach (m)", ylim=(0, None), title="Reach vs per-channel rate")
    ax.legend(fontsize=8)
    return fig


def responses(data: dict):
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    freq_ghz = np.asarray(data["freq_hz"]) / 1e9
    for color, (part, values) in zip((*PALETTE, "#10233f"), data["response_db"].items(), strict=False):
        total = part == "total"
        ax.semilogx(freq_ghz, values, color="#10233f" if total else color, lw=2.5 if total else 1.2, label=part)
    ax.axvline(data["rate_gbps"] / 2.0, color="k", ls="--", lw=1, label="Nyquist")
    ax.set(xlabel="frequency (GHz)", ylabel="|H| (dB)", ylim=(-30, 10), title="Frequency responses (median channel)")
    ax.legend(fontsize=7, ncol=2)
    return fig


def pulse_ffe(data: dict):
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    t = np.asarray(data["pulse_t_ui"])
    lags = np.asarray(data["cursor_lags_ui"])
    keep_t, keep_lag = (t >= -3.5) & (t <= 6.5), (lags >= -3) & (lags <= 6)
    for i, (label, color) in enumerate((("median", PALETTE[0]), ("worst", PALETTE[3]))):
        ax.plot(
            t[keep_t], np.asarray(data["pulse_pre_ffe"][i])[keep_t], color=color, lw=1.2, label=f"{label}: before FFE"
        )
        ax.plot(
            lags[keep_lag],
            np.asarray(data["cursor_post_ffe"][i])[keep_lag],
            "D",
            color=color,
            ms=5,
            label=f"{label}: after FFE",
        )
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set(
        xlabel="time from the decision instant (UI)", ylabel="normalized amplitude", title="Pulse before and after FFE"
    )
    ax.legend(fontsize=7)
    return fig


def sensitivity(data: dict):
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    oma = np.asarray(data["oma_dbm"])
    for i, (label, color) in enumerate((("median", PALETTE[0]), ("worst", PALETTE[3]))):
        ax.semilogy(oma, np.power(10.0, data["log10_ber_vs_oma"][i]), color=color, label=f"{label} channel")
        ax.semilogy(
            oma,
            np.power(10.0, data["log10_ber_vs_oma_noise_only"][i]),
            color=color,
            ls=":",
            label=f"{label}, noise only",
        )
    now = [
        np.power(10.0, np.interp(x, oma, c))
        for x, c in zip(data["received_oma_dbm"], data["log10_ber_vs_oma"], strict=True)
    ]
    ax.semilogy(data["received_oma_dbm"], now, "kx", ms=8, label="received today")
    ax.axhline(data["target_ber"], color="k", ls="--", lw=1, label="target")
    ax.set(xlabel="received OMA (dBm)", ylabel="BER (Gaussian Q)", ylim=BER_YLIM, title="BER vs received OMA")
    ax.legend(fontsize=7)
    return fig


def draw_eye(fig, ax, eye_data: dict, channel: int) -> None:
    """The eye of :func:`mosaiclink.report.sections.simulation.eye_plot_data` on ``ax``: volts at
    the TIA output, the threshold, the decision instant and the hexagon compliance mask with its
    margin (the report's paper figure and ``mosaic simulate --out``'s PNGs draw this one)."""
    t, amp = np.asarray(eye_data["time_ui"]), np.asarray(eye_data["amplitude_mv"])
    image = ax.pcolormesh(
        t, amp, np.asarray(eye_data["log10_hits"]), cmap="viridis", shading="nearest", rasterized=True
    )
    fig.colorbar(image, ax=ax, label="log10 hits")
    ax.axhline(eye_data["threshold_mv"], color="w", ls="--", lw=1)
    ax.axvline(0.0, color="w", ls=":", lw=1)
    margin = eye_data["mask_margin"]
    label = "mask" if margin is None else f"mask (margin {margin:+.0%})"
    ax.plot(eye_data["mask_x_ui"], eye_data["mask_mv"], color="#ff4d4d", lw=1.5, label=label)
    legend = ax.legend(fontsize=8, loc="upper left", facecolor="black", framealpha=0.6)
    for text in legend.get_texts():
        text.set_color("white")
    ax.set(
        xlabel="time from the decision instant (UI)",
        ylabel=f"TIA output (mV, {eye_data['transimpedance_ohm'] / 1e3:g} kOhm x photocurrent)",
        title=f"Eye, channel {channel} ({eye_data['samples_per_ui']} samples/UI)",
    )


def draw_bathtub(ax, tub: dict) -> None:
    """The per-phase BER and its dual-Dirac walls of
    :func:`mosaiclink.report.sections.simulation.bathtub_data` on ``ax``, with the target."""
    phase = np.asarray(tub["phase_ui"])
    ax.semilogy(phase, np.maximum(tub["ber"], 1e-30), ".", color=PALETTE[0], label="per-phase BER")
    dense = np.linspace(phase.min(), phase.max(), 400)
    fit = bathtub_fit(tub, dense)
    if fit is not None:
        ax.semilogy(dense, fit, ":", color=PALETTE[1], label="dual-Dirac fit")
    ax.axhline(tub["target_ber"], color="k", ls="--", lw=1, label="target")
    ax.set(xlabel="sampling phase (UI)", ylabel="BER", ylim=BER_YLIM, title="Bathtub with dual-Dirac walls")
    ax.legend(fontsize=8)


def eye(data: dict):
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    draw_eye(fig, ax, data["eye_plot"], data["eye"]["channel"])
    return fig


def bathtub(data: dict):
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    draw_bathtub(ax, data["bathtub"])
    return fig


def energy_vs_reach(data: dict):
    rows = [r for r in data["compare"]["rows"] if not r["reference_only"] and r["max_reach_m"]]
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    for r in rows:
        ax.semilogx(
            r["max_reach_m"],
            r["pj_per_bit"],
            "*" if r["is_mosaic"] else "o",
            ms=12 if r["is_mosaic"] else 6,
            color=MOSAIC_COLOR if r["is_mosaic"] else PALETTE[1],
        )
        ax.annotate(
            r["technology"], (r["max_reach_m"], r["pj_per_bit"]), fontsize=7, xytext=(3, 3), textcoords="offset points"
        )
    ax.set(
        xlabel="maximum reach (m)",
        ylabel="pJ/bit per end",
        ylim=(0, None),
        title=f"Energy per bit vs reach at {data['compare']['rate']}",
    )
    return fig


def cluster_fabric(data: dict):
    """Interconnect power, link failures per day and ETTR of each cluster: bars from 0, each labelled
    with its value (a log axis hid the smaller failure rate's value and did not start at 0)."""
    summaries = data["fabric"]
    names = [s["name"] for s in summaries]
    colors = [MOSAIC_COLOR if "mosaic" in n.lower() else PALETTE[1] for n in names]
    panels = (
        ("interconnect power (MW)", [s["power"]["interconnect_kw"] / 1e3 for s in summaries], "{:.2f}"),
        ("link failures per day", [s["failures"]["link_failures_per_day"] for s in summaries], "{:.2f}"),
        ("ETTR, link failures only", [s["job"]["ettr_links_only"] for s in summaries], "{:.3f}"),
    )
    fig, axes = plt.subplots(1, 3, figsize=(9.6, 3.6), layout="constrained")
    for ax, (label, values, spec) in zip(axes, panels, strict=True):
        bars = ax.bar(names, values, color=colors)
        ax.bar_label(bars, [spec.format(v) for v in values], fontsize=8, padding=2)
        ax.set_ylim(0, max(values) * 1.15)
        ax.set_title(label, fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
    fig.suptitle("100k-GPU cluster: incumbent optics vs MOSAIC")
    return fig


def budget(data: dict):
    """Waterfall of the median channel's budget: launch OMA, each loss, received OMA, each penalty."""
    lines = data["report"]["budget"]
    levels = [line for line in lines if line["kind"] == "level"]
    launch, received, sensitivity = levels[0], levels[1], levels[2]
    margin_db = next(line["value_db"] for line in lines if line["kind"] == "margin")
    names, bottoms, heights, colors = [], [], [], []
    level = launch["value_db"]

    def total(name: str, value_db: float) -> None:
        names.append(name)
        bottoms.append(min(value_db, 0.0))
        heights.append(abs(value_db))
        colors.append(PALETTE[0])

    total(launch["name"], level)
    for kind, total_name in (("loss", received["name"]), ("penalty", "OMA left for the decision")):
        for line in (entry for entry in lines if entry["kind"] == kind):
            names.append(line["name"])
            bottoms.append(level - line["value_db"])
            heights.append(line["value_db"])
            colors.append(PALETTE[3])
            level -= line["value_db"]
        total(total_name, level)
    fig, ax = plt.subplots(layout="constrained", figsize=(7.0, 4.6))
    x = np.arange(len(names))
    ax.bar(x, heights, bottom=bottoms, color=colors)
    ax.axhline(sensitivity["value_db"], color="k", ls="--", lw=1)
    ax.annotate(
        f"sensitivity at BER {data['report']['target_ber']:.1e}: {sensitivity['value_db']:.1f} dBm; "
        f"margin {margin_db:+.2f} dB",
        (-0.4, sensitivity["value_db"]),
        xytext=(0, 3),
        textcoords="offset points",
        va="bottom",
        fontsize=7,
    )
    ax.set_xticks(x, names, rotation=40, ha="right", fontsize=7)
    ax.set(ylabel="dBm", title="Link budget of the median channel")
    return fig


def counted(data: dict):
    """Counted BER with its interval beside the statistical-eye prediction, per counted channel."""
    run = data["counted"]
    rows = run["per_channel"]
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    x = np.arange(len(rows))
    ber = np.array([r["ber"] for r in rows])
    err = np.array([[r["ber"] - r["ci_low"], r["ci_high"] - r["ber"]] for r in rows]).T
    ax.errorbar(
        x, ber, yerr=np.clip(err, 0.0, None), fmt="o", color=PALETTE[0], capsize=3, label="counted (Monte Carlo)"
    )
    ax.semilogy(x, [r["ber_analytic"] for r in rows], "x", ms=9, color=PALETTE[1], label="statistical eye (analytic)")
    ax.set_xticks(x, [f"ch {r['channel']}" for r in rows])
    ax.set(
        ylabel="BER",
        title=f"Counted vs analytic BER ({run['confidence'] * 100:g} % Clopper-Pearson)",
    )
    ax.legend(fontsize=8)
    return fig


def power_breakdown(data: dict):
    """Stacked bottom-up power of one MOSAIC end for both host interfaces."""
    ends = [data["power"]["co_packaged"], data["power"]["pluggable"]]
    fig, ax = plt.subplots(layout="constrained", figsize=(5.0, 4.2))
    labels = [f"{end['host_interface']} host" for end in ends]
    bottom = np.zeros(len(ends))
    for color, (name, key) in zip((*PALETTE, "#10233f"), POWER_PARTS, strict=False):
        values = np.array([end[key] for end in ends])
        ax.bar(labels, values, bottom=bottom, color=color, label=name)
        bottom += values
    ax.set(ylabel="W", title="MOSAIC power breakdown per end")
    ax.legend(fontsize=7, loc="upper left")
    return fig


def cluster_racks(data: dict):
    """GPU rack power of each scale-up option."""
    summaries = data["scale_up"]
    names = [s["name"] for s in summaries]
    kw = [s["power"]["rack_kw"] for s in summaries]
    fig, ax = plt.subplots(layout="constrained", figsize=(5.5, 3.8))
    bars = ax.bar(names, kw, color=[MOSAIC_COLOR if "mosaic" in n.lower() else PALETTE[1] for n in names])
    ax.bar_label(bars, [f"{v:.0f} kW" for v in kw], fontsize=8)
    ax.set(ylabel="kW per rack", title="GPU rack power by scale-up design")
    return fig


def margin_vs_case(data: dict):
    """Median and link margin over module case temperature (the envelope)."""
    points = data["envelope"]["points"]
    cases = [p["case_c"] for p in points]
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    ax.plot(cases, [p["median_margin_db"] for p in points], "o-", color=MOSAIC_COLOR, label="median channel")
    ax.plot(cases, [p["link_excess_db"] for p in points], "s-", color=PALETTE[1], label="link (N-th best)")
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set(xlabel="module case temperature (C)", ylabel="margin (dB)", title="Margin vs case temperature")
    ax.legend(fontsize=8)
    return fig


def margin_vs_years(data: dict):
    """The link's excess over its target over the years, per case temperature."""
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    for color, life in zip(PALETTE, data["life"], strict=False):
        ax.plot(life["years"], life["link_excess_db_median"], "o-", color=color, label=f"{life['case_c']:g} C case")
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set(xlabel="years in service", ylabel="link excess (dB)", title="Margin over life")
    ax.legend(fontsize=8)
    return fig


def yield_vs_spares(data: dict):
    """Module yield vs spare channels per test limit, 95 % intervals."""
    rows = data["yield"]["rows"]
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 4.0))
    for color, limit in zip(PALETTE, sorted({r["test_limit_db"] for r in rows}), strict=False):
        sel = [r for r in rows if r["test_limit_db"] == limit]
        y = np.array([100 * r["yield_spares"] for r in sel])
        err = np.array([[100 * r["ci_spares"][0], 100 * r["ci_spares"][1]] for r in sel]).T
        bars = np.clip([y - err[0], err[1] - y], 0.0, None)
        ax.errorbar([r["spares"] for r in sel], y, yerr=bars, fmt="o-", color=color,
                    capsize=3, label=f"test limit {limit:+g} dB")  # fmt: skip
    ax.set(xlabel="spare channels", ylabel="yield (%)", ylim=(0, 101), title="Module yield vs spares")
    ax.legend(fontsize=8)
    return fig


def workload_gain(data: dict):
    """MOSAIC's gain in goodput per facility MW over each technology, split into its three factors."""
    gains = data["mosaic_gain"]
    names = [g["over"] for g in gains]
    keys = (("scale_up_domain", "scale-up domain"), ("failures", "failures (ETTR)"), ("power", "power"))
    x = np.arange(len(names))
    fig, ax = plt.subplots(layout="constrained", figsize=(6.0, 3.8))
    for k, (key, label) in enumerate(keys):
        ax.bar(x + (k - 1) * 0.27, [g["factors"][key] for g in gains], 0.27, label=label, color=PALETTE[k])
    ax.axhline(1.0, color="0.4", linewidth=0.8, linestyle=":")
    ax.set_xticks(x, names)
    ax.set(ylabel="MOSAIC / technology", title=f"{data['job']} on {data['gpus']:,} GPUs: goodput per MW")
    ax.legend(fontsize=8)
    return fig


def lane_margin(data: dict):
    """Margin and FIT per link as the lane rate doubles (``mosaic workload --lanes``): copper at 0.6 m,
    laser optics and MOSAIC at 30 m; bars span the ends of the estimate ranges."""
    rows = data["lane_margin"]
    if not rows:
        return None
    fig, (ax_m, ax_f) = plt.subplots(1, 2, layout="constrained", figsize=(7.5, 3.6))
    for k, tech in enumerate(dict.fromkeys(r["technology"] for r in rows)):
        mine = [r for r in rows if r["technology"] == tech]
        x = np.arange(len(mine))
        margin = np.array([r["margin_db"] for r in mine])
        spread = np.array(
            [[m - r["margin_db_worse"], r["margin_db_better"] - m] for m, r in zip(margin, mine, strict=True)]
        ).T
        colour = MOSAIC_COLOR if tech == "mosaic" else PALETTE[(k + 1) % len(PALETTE)]
        ax_m.errorbar(x, margin, yerr=np.maximum(spread, 0.0), marker="o", capsize=3, label=tech, color=colour)
        fit = np.array([np.nan if r["fit_per_link"] is None else r["fit_per_link"] for r in mine])
        ax_f.plot(x, fit, marker="o", color=colour)
    ax_m.axhline(0.0, color="0.4", linewidth=0.8, linestyle=":")
    for ax in (ax_m, ax_f):
        ax.set_xticks(range(3), ["x1", "x2", "x4"])
        ax.set_xlabel("lane rate step")
    ax_m.set(ylabel="margin (dB)", title="Margin")
    ax_f.set(ylabel="FIT per link", yscale="log", title="Failures")
    fig.suptitle(
        "Lane rate x1 = 100 Gb/s (MOSAIC: 2.15 Gb/s channels at 800G); no FIT point: short on day one", fontsize=8
    )
    ax_m.legend(fontsize=7)
    return fig


# (section id, data key that must be present, figure name, builder)
CORNER_INPUTS = 4  # the sampled inputs the data narrow most


def posterior_corner(data: dict):
    """Corner plot (``corner``, Foreman-Mackey, JOSS 1(2) 24, 2016) of the posterior of the
    :data:`CORNER_INPUTS` design inputs the data narrow most, on their prior ranges."""
    import corner

    chain = data["uncertainty"]["posterior"]
    if not chain:  # bands of the ranges alone: no chain to draw
        return None
    shrink = chain["shrinkage"]
    paths = sorted(shrink, key=shrink.get)[:CORNER_INPUTS]
    prior = {i["path"]: i["prior"] for i in chain["inputs"]}
    samples = np.column_stack([chain["draws"][p] for p in paths])
    fig = corner.corner(
        samples,
        labels=[p.split(".", 1)[1] for p in paths],
        range=[tuple(prior[p]) for p in paths],
        quantiles=(0.05, 0.5, 0.95),
        color=MOSAIC_COLOR,
        label_kwargs={"fontsize": 8},
    )
    fig.suptitle(f"Posterior given {', '.join(chain['datasets'])} (axes: the prior ranges)", fontsize=9)
    return fig


PAPER_FIGURES: tuple[tuple[str, str, str, Callable[[dict], plt.Figure | None]], ...] = (
    ("link", "log10_ber_per_channel", "ber-mosaic", ber_mosaic),
    ("link", "report", "link-budget", budget),
    ("link", "ber_vs_length", "ber-vs-length", ber_vs_length),
    ("link", "reach_vs_rate", "reach-vs-rate", reach_vs_rate),
    ("signal", "response_db", "frequency-responses", responses),
    ("signal", "pulse_pre_ffe", "pulse-ffe", pulse_ffe),
    ("signal", "log10_ber_vs_oma", "ber-vs-oma", sensitivity),
    ("simulation", "counted", "counted-vs-analytic", counted),
    ("simulation", "eye_plot", "eye", eye),
    ("simulation", "bathtub", "bathtub", bathtub),
    ("system", "compare", "energy-vs-reach", energy_vs_reach),
    ("cluster", "fabric", "cluster-fabric", cluster_fabric),
    ("cluster", "scale_up", "cluster-racks", cluster_racks),
    ("system", "compare", "power-vs-alternatives", power_vs_alternatives),
    ("system", "power", "power-breakdown", power_breakdown),
    ("system", "fit_vs_spares", "fit-vs-spares", fit_vs_spares),
    ("datapath", "dead_channel_curves", "dead-channels", dead_channels),
    ("summary", "uncertainty", "posterior-corner", posterior_corner),
    ("workload", "mosaic_gain", "workload-gain", workload_gain),
    ("workload", "lane_margin", "lane-margin", lane_margin),
    ("envelope", "envelope", "margin-vs-case", margin_vs_case),
    ("envelope", "life", "margin-vs-years", margin_vs_years),
    ("envelope", "yield", "yield-vs-spares", yield_vs_spares),
)


def save_figure(fig, stem: Path) -> list[Path]:
    """Write ``fig`` as ``stem.png`` and ``stem.svg`` with two draws in all.

    Every figure is built with constrained layout (labels, legends and colorbars inside the
    canvas), so one Agg draw at
    ``DPI`` both lays the figure out and renders the PNG's pixels (written from that buffer); the
    SVG then draws once with the layout kept. ``savefig(bbox_inches="tight")`` would lay the figure
    out again for every file.
    """
    fig.set_dpi(DPI)
    fig.canvas.draw()
    fig.set_layout_engine("none")  # keep the layout just computed
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    buffer = io.BytesIO()
    PIL.Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).save(buffer, format="png", dpi=(DPI, DPI))
    write_bytes_atomic(png, buffer.getvalue(), "--paper-figures")
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # SVG text stays text: editable, and no glyph paths
        fig.savefig(buffer, dpi=DPI, format="svg")
    write_bytes_atomic(svg, buffer.getvalue(), "--paper-figures")
    return [png, svg]


def write_paper_figures(sections: Sequence[Section], out_dir: Path) -> list[Path]:
    """Draw every paper figure whose data the sections hold; return the files written."""
    data = {s.section_id: s.data for s in sections}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for section_id, key, name, build in PAPER_FIGURES:
        if key not in data.get(section_id, {}):
            continue
        fig = build(data[section_id])
        if fig is None:
            continue
        plain_log_labels(fig)
        written.extend(save_figure(fig, out_dir / name))
        plt.close(fig)
    return written
