"""``mosaic network``: the modelled channel and each stage as scikit-rf networks and Touchstone files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mosaiclink.cli.common import measured_blocks, replaced_files, resolve_design, writable_dir, writable_file
from mosaiclink.cli.options import ConfigOpt, JsonOpt, LengthOpt, OutOpt, PresetOpt, RateOpt, SeedOpt, within

NETWORK_FILES = ("model-*.s2p", "measured-*.s2p")  # what --out receives: no input may be one of them
POINTS_MAX = 20_001  # frequencies: a VNA sweep has 201-10,001; the stages of every channel are computed at each
BYTES_PER_CHANNEL_POINT = 16 * 8  # complex128, the stages and their products


def network(
    preset: PresetOpt = None,
    config: ConfigOpt = None,
    length_m: LengthOpt = None,
    rate_gbps: RateOpt = None,
    seed: SeedOpt = 0,
    channel: Annotated[int, typer.Option("--channel", callback=within(0), help="Channel to export.")] = 0,
    f_max_ghz: Annotated[
        float | None,
        typer.Option(
            "--f-max-ghz", callback=within(1e-3, 1000.0, "GHz"), help="Highest frequency; default 3x the line rate."
        ),
    ] = None,
    points: Annotated[
        int, typer.Option("--points", callback=within(2, POINTS_MAX), help="Frequencies, evenly spaced up to the top.")
    ] = 401,
    replace: Annotated[
        list[str] | None,
        typer.Option("--replace", help="STAGE=FILE.s2p: a measured block in place of a modelled stage (repeat)."),
    ] = None,
    out: OutOpt = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the |H(f)| figure here (.png, .pdf or .svg, by suffix).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Export the modelled channel and each stage as Touchstone two-ports; cascade measured blocks in.

    Stages in signal order: gain (A/W), led, fiber, receiver, ctle; their cascade is the model's
    small-signal chain. --replace fiber=fibre.s2p puts a measured block in place of a stage.

    Example: mosaic network --preset mosaic-800g --out networks --replace fiber=fibre.s2p --plot h.png
    """
    import numpy as np

    from mosaiclink.config.io import PLOT_SUFFIXES
    from mosaiclink.physics.networks import channel_networks
    from mosaiclink.workload import require_memory

    inputs = (config, *replaced_files(replace))
    if plot is not None:
        writable_file(plot, "--plot", inputs=inputs, suffixes=PLOT_SUFFIXES)
    if out is not None:
        writable_dir(out, inputs=(*inputs, plot), written=NETWORK_FILES)
    design = resolve_design(preset, config, length_m, rate_gbps)
    require_memory(
        f"mosaic network ({design.array.total_channels} channels x {points} frequencies)",
        design.array.total_channels * points * BYTES_PER_CHANNEL_POINT,
        "lower --points",
    )
    measured = measured_blocks(replace)
    top_hz = (f_max_ghz or 3.0 * design.link.rate_gbps) * 1e9
    freq_hz = np.linspace(top_hz / points, top_hz, points)
    model = channel_networks(design, freq_hz, channel, seed)
    with_measured = channel_networks(design, freq_hz, channel, seed, measured) if measured else None
    written = _write(model, with_measured, out) if out is not None else []
    if plot is not None:
        _plot(model, with_measured, plot)
    summary = _summary(design, channel, model, with_measured, written)
    if as_json:
        typer.echo(json.dumps(summary))
        return
    _print(summary)


def _touchstone(network, comment: str) -> str:
    text = network.write_touchstone(
        return_string=True, format_spec_A="{:.17g}", format_spec_B="{:.17g}", format_spec_freq="{:.17g}"
    )
    return f"! {comment}\n{text}"


def _write(model, with_measured, out: Path) -> list[str]:
    from mosaiclink.config.io import write_text_atomic

    written = []
    for label, networks in (("model", model), ("measured", with_measured)):
        if networks is None:
            continue
        for name, network in networks.items():
            if label == "measured" and name != "chain" and "measured" not in network.name:
                continue  # the modelled stages are written once, under "model"
            unit = "A/W (photocurrent per watt of LED modulation)" if name in ("gain", "chain") else "unitless"
            path = out / f"{label}-{name}.s2p"
            write_text_atomic(path, _touchstone(network, f"mosaiclink: {network.name}; S21 in {unit}"), "--out")
            written.append(str(path))
    return written


def _plot(model, with_measured, path: Path) -> None:
    from mosaiclink.cli.calibration_plots import save_figure
    from mosaiclink.report.network_plots import network_figure

    save_figure(network_figure(model, with_measured), path, dpi=120)


def _bandwidth_ghz(network) -> float | None:
    """-3 dB frequency of |S21| relative to the lowest frequency (None if it stays above)."""
    import numpy as np

    db = 20 * np.log10(np.maximum(np.abs(network.s[:, 1, 0]), 1e-300))
    below = np.flatnonzero(db - db[0] <= -3.0)
    return float(network.frequency.f[below[0]] / 1e9) if below.size else None


def _summary(design, channel, model, with_measured, written) -> dict:
    import numpy as np

    def row(network):
        s21 = network.s[:, 1, 0]
        return {
            "name": network.name,
            "s21_lowest_frequency": float(np.abs(s21[0])),
            "bandwidth_3db_ghz": _bandwidth_ghz(network),
        }

    return {
        "design": design.name,
        "channel": channel,
        "frequency_hz": [float(model["chain"].frequency.f[0]), float(model["chain"].frequency.f[-1])],
        "points": int(model["chain"].frequency.npoints),
        "model": {name: row(n) for name, n in model.items()},
        "with_measured": None if with_measured is None else {name: row(n) for name, n in with_measured.items()},
        "written": written,
    }


def _print(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    low, high = (f / 1e9 for f in summary["frequency_hz"])
    table = Table(
        title=f"{summary['design']} channel {summary['channel']}: {summary['points']} frequencies, "
        f"{low:.4g}-{high:.4g} GHz"
    )
    for column in ("block", "|S21| at the lowest frequency", "-3 dB bandwidth"):
        table.add_column(column, justify="left" if column == "block" else "right")
    for group in ("model", "with_measured"):
        for r in (summary[group] or {}).values():
            if group == "with_measured" and "measured" not in r["name"]:
                continue
            bw = "flat" if r["bandwidth_3db_ghz"] is None else f"{r['bandwidth_3db_ghz']:.3g} GHz"
            table.add_row(r["name"], f"{r['s21_lowest_frequency']:.4g}", bw)
    console.print(table)
    console.print("gain and chain S21 are in A/W (photocurrent per watt of LED modulation); the others unitless")
    for path in summary["written"]:
        console.print(f"wrote {path}")
