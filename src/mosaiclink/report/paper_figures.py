"""Static PNG and SVG versions of the report's key figures, drawn with Matplotlib for papers.

They are drawn from the sections' ``data`` (the same numbers as ``report.json``), so a paper
figure and the interactive page can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mosaiclink.report.document import Section  # noqa: E402
from mosaiclink.report.theme import KP4_THRESHOLD_BER, MOSAIC_COLOR, PALETTE  # noqa: E402

FORMATS = ("png", "svg")


def ber_mosaic(data: dict):
    rows_cols = np.asarray(data["grid_row_col"])
    log_ber = np.clip(np.asarray(data["log10_ber_per_channel"]), -20.0, 0.0)
    grid = np.full((rows_cols[:, 0].max() + 1, rows_cols[:, 1].max() + 1), np.nan)
    grid[rows_cols[:, 0], rows_cols[:, 1]] = log_ber
    fig, ax = plt.subplots(figsize=(5.0, 5.2))
    image = ax.imshow(grid, cmap="RdYlGn_r", vmin=-20, vmax=-2)
    fig.colorbar(image, ax=ax, label="log10 BER", shrink=0.8)
    ax.set(xlabel="column", ylabel="row", title="Per-channel BER (spares in the last rows)")
    return fig


def ber_vs_length(data: dict):
    curves = data["ber_vs_length"]
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    rates = [key.split("@")[1] for key in curves if key.startswith("median@")]
    for color, rate in zip(PALETTE, rates, strict=False):
        ax.semilogy(
            curves["length_m"], np.power(10.0, curves[f"median@{rate}"]), color=color, label=f"{rate} Gb/s median"
        )
        ax.semilogy(
            curves["length_m"],
            np.power(10.0, curves[f"needed@{rate}"]),
            color=color,
            ls=":",
            label=f"{rate} Gb/s worst needed",
        )
    ax.axhline(KP4_THRESHOLD_BER, color="k", ls="--", lw=1, label="KP4 threshold")
    ax.set(xlabel="length (m)", ylabel="BER", ylim=(1e-16, 1), title="BER vs length")
    ax.legend(fontsize=7, ncol=2)
    return fig


def power_vs_alternatives(data: dict):
    rows = sorted((r for r in data["compare"]["rows"] if not r["reference_only"]), key=lambda r: r["power_w_per_end"])
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    x = np.arange(len(rows))
    power = np.array([r["power_w_per_end"] for r in rows])
    err = np.array(
        [[p - r["power_w_per_end_low"], r["power_w_per_end_high"] - p] for p, r in zip(power, rows, strict=True)]
    ).T
    colors = [MOSAIC_COLOR if r["is_mosaic"] else ("#b0b8c4" if r["feasible"] is False else PALETTE[1]) for r in rows]
    ax.bar(x, power, yerr=err, color=colors, capsize=3)
    ax.set_xticks(x, [r["technology"] for r in rows], rotation=35, ha="right")
    ax.set(
        ylabel="W per end",
        title=f"Power per end at {data['compare']['rate']} (grey: cannot reach {data['compare']['reach_m']:g} m)",
    )
    fig.tight_layout()
    return fig


def fit_vs_spares(data: dict):
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
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
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
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
    ax.legend(fontsize=7)
    return fig


# (section id, data key that must be present, figure name, builder)
PAPER_FIGURES: tuple[tuple[str, str, str, Callable[[dict], plt.Figure]], ...] = (
    ("link", "log10_ber_per_channel", "ber-mosaic", ber_mosaic),
    ("link", "ber_vs_length", "ber-vs-length", ber_vs_length),
    ("system", "compare", "power-vs-alternatives", power_vs_alternatives),
    ("system", "fit_vs_spares", "fit-vs-spares", fit_vs_spares),
    ("datapath", "dead_channel_curves", "dead-channels", dead_channels),
)


def write_paper_figures(sections: Sequence[Section], out_dir: Path) -> list[Path]:
    """Draw every paper figure whose data the sections hold; return the files written."""
    data = {s.section_id: s.data for s in sections}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for section_id, key, name, build in PAPER_FIGURES:
        if key not in data.get(section_id, {}):
            continue
        fig = build(data[section_id])
        for fmt in FORMATS:
            path = out_dir / f"{name}.{fmt}"
            fig.savefig(path, dpi=150, bbox_inches="tight")
            written.append(path)
        plt.close(fig)
    return written
