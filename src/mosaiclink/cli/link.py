"""``mosaic link``: evaluate every channel of a MOSAIC link and print the budget and BER stats."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from mosaiclink.cli.common import check_seeds, resolve_design
from mosaiclink.cli.main import app


@app.command()
def link(
    preset: str = typer.Option(
        None, "--preset", "-p", help="Preset design name (see `mosaic presets`); default mosaic-800g."
    ),
    config: Path = typer.Option(
        None, "--config", "-c", help='Design file (TOML/YAML/JSON); may start with extends = "<preset>".'
    ),
    length_m: float = typer.Option(None, "--length-m", help="Override the fibre length (m)."),
    rate_gbps: float = typer.Option(None, "--rate-gbps", help="Override the per-channel line rate (Gb/s)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the manufacturing variation."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON only (all per-channel arrays included)."),
) -> None:
    """Evaluate the analog channel of every microLED channel: waterfall and per-channel BER."""
    from mosaiclink.finite import require_finite
    from mosaiclink.physics.link import evaluate_link

    check_seeds(seed=seed)
    design = resolve_design(preset, config, length_m, rate_gbps)
    report = require_finite(evaluate_link(design, seed=seed), f"link of design '{design.name}'")
    if as_json:
        typer.echo(json.dumps(report.to_dict(), separators=(",", ":")))
        return
    _print_report(report)


def _print_report(report) -> None:
    from rich.console import Console
    from rich.table import Table

    from mosaiclink.units import format_ber

    console = Console()
    budget = Table(
        title=f"{report.design_name}: {report.rate_gbps:g} Gb/s x {report.channels} channels, "
        f"{report.length_m:g} m (median channel)"
    )
    budget.add_column("step")
    budget.add_column("value", justify="right")
    for line in report.budget.lines:
        # losses and penalties are stored positive (worse); the waterfall shows them as drops
        value = -line.value_db if line.kind in ("loss", "penalty") else line.value_db
        unit = "dBm" if line.kind == "level" else "dB"
        style = {"level": "bold", "margin": "bold green" if value >= 0 else "bold red"}.get(line.kind, "")
        text = f"{value:+.2f} {unit}"
        budget.add_row(line.name, f"[{style}]{text}[/]" if style else text)
    console.print(budget)
    summary = report.ber_summary()
    stats = Table(title="Per-channel BER (statistical eye)")
    for column in ("best", "median", "worst", f"meet {report.target_ber:g}", "data channels", "spares", "link"):
        stats.add_column(column, justify="right")
    stats.add_row(
        format_ber(summary["min"], log10_ber=summary["log10_min"]),
        format_ber(summary["median"], log10_ber=summary["log10_median"]),
        format_ber(summary["worst"], log10_ber=summary["log10_worst"]),
        f"{report.channels_meeting_target}/{report.channels}",
        str(report.data_channels),
        f"{report.spare_channels} (needed {report.spares_needed})",
        "[green]OK[/]" if report.link_ok else "[red]FAIL[/]",
    )
    console.print(stats)
    if report.channels and int(report.grid_col.max()) < 80:
        console.print(_ber_map(report))
    console.print(
        f"modal walk-off {report.walkoff_ps:.0f} ps, chromatic spread {report.chromatic_spread_ps:.0f} ps, "
        f"~{report.cores_per_channel:.0f} cores per channel"
    )


def _ber_map(report) -> str:
    """Rich markup of the array, one glyph per channel by its stat-eye BER."""
    import numpy as np

    target = np.log10(report.target_ber)
    rows = int(report.grid_row.max()) + 1
    cols = int(report.grid_col.max()) + 1
    cells = [[" "] * cols for _ in range(rows)]
    for r, c, lb, dead in zip(report.grid_row, report.grid_col, report.log10_ber_stateye, report.dead):
        glyph = (
            "[red]x[/]"
            if dead
            else "[green]#[/]"
            if lb <= -12
            else "[green]+[/]"
            if lb <= -6
            else "[yellow]o[/]"
            if lb <= target
            else "[red]![/]"
        )
        cells[int(r)][int(c)] = glyph
    legend = f"BER map (rows x cols; spares last): # <=1e-12, + <=1e-6, o <={report.target_ber:g}, ! fails, x dead"
    return legend + "\n" + "\n".join("".join(row) for row in cells)
