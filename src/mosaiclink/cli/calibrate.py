"""``mosaic calibrate``: fit free design parameters to measured BER points and write the calibrated design."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mosaiclink.cli.common import writable_file
from mosaiclink.cli.options import JsonOpt


def calibrate(
    dataset: Annotated[
        str, typer.Argument(help="A mosaic-ber-points/1 file, or 'published' (the paper's points, the default).")
    ] = "published",
    base: Annotated[
        str | None, typer.Option("--base", help="Preset name or design file; default the dataset's 'base'.")
    ] = None,
    free: Annotated[
        list[str] | None, typer.Option("--free", help="Dotted path to fit (repeat); default the dataset's free table.")
    ] = None,
    ranges: Annotated[
        Path | None, typer.Option("--ranges", help="mosaic-ranges/1 file giving bounds of --free parameters.")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the calibrated design (TOML) here.")] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the residual plot here (.png, .pdf or .svg, by suffix).")
    ] = None,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Exit 1 and write nothing when the model cannot describe the data (p < 0.01)."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Fit free design parameters to measured BER points, with 95 % profile-likelihood intervals.

    Weighted least squares in log10 BER on the statistic the dataset declares (the median channel
    by default); every fitted value is written with its provenance (dataset hash, residual, interval).
    The fit's chi2/dof and p-value are printed and stored; a fit the model cannot make (p < 0.01)
    is a warning on stderr, and with --strict exit code 1 with nothing written. DATASET may be a
    mosaic-ber-points/1 TOML file or a CSV of points with units in its header (docs/calibration.md).

    Example: mosaic calibrate published --base mosaic-prototype --out prototype-fitted.toml"""
    from mosaiclink.config.io import PLOT_SUFFIXES
    from mosaiclink.explore.calibrate import calibrate as fit
    from mosaiclink.explore.calibrate import calibration_inputs

    outputs = ((out, "--out", plot, (".toml",)), (plot, "--plot", out, PLOT_SUFFIXES))
    for path, option, other, suffixes in outputs:
        if path is not None:
            writable_file(path, option, others=(other,), suffixes=suffixes)  # before the fit: no computing lost
    data, design, free_params = calibration_inputs(dataset, base, list(free or []), ranges)
    inputs = (data.path, ranges, Path(str(base or data.base)), *data.input_files())
    for path, option, other, suffixes in outputs:
        if path is not None:
            writable_file(path, option, inputs=inputs, others=(other,), suffixes=suffixes)
    result = fit(data, design, free_params)
    refused = strict and not result.fit_acceptable
    if out and not refused:
        from mosaiclink.config.io import write_text_atomic
        from mosaiclink.explore.calibration_file import calibrated_toml

        write_text_atomic(out, calibrated_toml(result), "--out")
    if plot and not refused:
        from mosaiclink.cli.calibration_plots import calibration_figure

        calibration_figure(result, plot)
    if as_json:
        typer.echo(json.dumps(result.to_dict()))
    else:
        _print(result, None if refused else out, None if refused else plot)
    if result.warning:
        typer.echo(f"warning: {result.warning}" + (" Nothing written (--strict)." if refused else ""), err=True)
    if refused:
        raise typer.Exit(code=1)


def _print(result, out, plot) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    params = Table(
        title=f"{result.dataset.name} ({result.dataset.statistic} channel): {result.fit_quality}, "
        f"rms residual {result.rms_residual:.3g} sigma, {result.evaluations} model evaluations"
    )
    for column in ("parameter", "start", "fitted", "95 % interval"):
        params.add_column(column, justify="left" if column == "parameter" else "right")
    for f in result.fitted:
        interval = f"{f.low:.4g}{'*' if f.low_at_bound else ''} - {f.high:.4g}{'*' if f.high_at_bound else ''}"
        params.add_row(f.path, f"{f.start:.4g}", f"{f.value:.4g}", interval)
    console.print(params)
    points = Table(title="BER points (log10)")
    for column in ("point", "observed", "model", "residual (sigma)"):
        points.add_column(column, justify="left" if column == "point" else "right")
    for p in result.to_dict()["points"]:
        sign = {"upper": "< ", "lower": "> "}.get(p["kind"], "")
        points.add_row(
            p["label"],
            f"{sign}{p['observed_log10_ber']:.2f}",
            f"{p['model_log10_ber']:.2f}",
            f"{p['residual_sigma']:+.2f}",
        )
    console.print(points)
    led = result.led_response_table()
    if led:
        _print_led(console, led)
    console.print("* interval end at the parameter's bound: the data do not constrain it there.")
    for path, what in ((out, "calibrated design"), (plot, "residual plot")):
        if path:
            console.print(f"{what}: {path}")


LED_ROWS_SHOWN = 9  # frequencies of a measured LED response in the terminal table (every one is in --json)


def _print_led(console, rows: list[dict[str, float]]) -> None:
    """The measured LED |S21| beside the fitted model's, at up to :data:`LED_ROWS_SHOWN` frequencies."""
    from rich.table import Table

    picked = sorted({round(i * (len(rows) - 1) / (LED_ROWS_SHOWN - 1)) for i in range(LED_ROWS_SHOWN)})
    shown = f", {len(picked)} of {len(rows)} frequencies" if len(picked) < len(rows) else ""
    table = Table(title=f"LED response |S21| (dB, normalised to the lowest frequency{shown})")
    for column in ("frequency GHz", "measured", "model", "residual (sigma)"):
        table.add_column(column, justify="right")
    for i in picked:
        r = rows[i]
        table.add_row(
            f"{r['frequency_hz'] / 1e9:.4g}",
            f"{r['measured_db']:.2f}",
            f"{r['model_db']:.2f}",
            f"{r['residual_sigma']:+.2f}",
        )
    console.print(table)
