"""``mosaic link``: evaluate every channel of a MOSAIC link and print the budget and BER stats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mosaiclink.cli.common import measured_blocks, replaced_files, resolve_design, writable_file, write_frame
from mosaiclink.cli.options import ConfigOpt, JsonOpt, LengthOpt, PresetOpt, RateOpt, SeedOpt


def link(
    preset: PresetOpt = None,
    config: ConfigOpt = None,
    length_m: LengthOpt = None,
    rate_gbps: RateOpt = None,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
    route: Annotated[
        Path | None,
        typer.Option(
            "--route",
            help="Route file (TOML/YAML/JSON: tail_m, [[bends]] radius_mm/angle_deg/after_m, connectors): sets the "
            "length, bend loss and connector allowance.",
        ),
    ] = None,
    table: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Also write the per-channel results to this file (CSV; Parquet if it ends in .parquet)."
        ),
    ] = None,
    replace: Annotated[
        list[str] | None,
        typer.Option(
            "--replace",
            help="STAGE=FILE.s2p: a measured fiber, receiver or ctle in place of the modelled stage, in every "
            "channel's pulse and BER (repeat).",
        ),
    ] = None,
    budget: Annotated[
        Path | None,
        typer.Option(
            "--budget",
            help="Also write the link budget: .xlsx (IEEE 802.3 link-model style, with formulas) or .csv.",
        ),
    ] = None,
) -> None:
    """Evaluate the analog channel of every microLED channel: waterfall and per-channel BER.

    Example: mosaic link --preset mosaic-800g --length-m 30 --csv channels.csv --budget budget.xlsx
    """
    from mosaiclink.finite import require_finite
    from mosaiclink.physics.link import evaluate_link

    if table is not None:
        writable_file(table, "--csv", inputs=(config, route, *replaced_files(replace)), others=(budget,))
    if budget is not None:
        inputs = (config, route, *replaced_files(replace))
        writable_file(budget, "--budget", inputs=inputs, others=(table,), suffixes=(".xlsx", ".csv"))
    design = resolve_design(preset, config, length_m, rate_gbps)
    routed = None
    if route is not None:
        from mosaiclink.config.envelope import RouteSpec
        from mosaiclink.config.io import load_spec
        from mosaiclink.errors import ConfigError
        from mosaiclink.physics.bend import route_design

        if length_m is not None:
            raise ConfigError("options --route and --length-m: give one (the route sets the length)")
        design, routed = route_design(design, load_spec(route, RouteSpec))
    measured = None
    if replace:
        from mosaiclink.physics.networks import measured_responses

        measured = measured_responses(design, measured_blocks(replace))
    report = require_finite(evaluate_link(design, seed=seed, measured=measured), f"link of design '{design.name}'")
    if table is not None:
        write_frame(report.to_dataframe(), table)
    if budget is not None:
        _write_budget(report, design, budget)
    if as_json:
        payload = report.to_dict() | ({"route": routed.to_dict()} if routed is not None else {})
        if replace:
            payload["measured"] = {stage.strip(): file for stage, _, file in (r.partition("=") for r in replace)}
        typer.echo(json.dumps(payload, separators=(",", ":")))
        return
    if routed is not None:
        _print_route(routed)
    for item in replace or []:
        stage, _, file = item.partition("=")
        typer.echo(f"measured {stage.strip()}: {file} in place of the modelled stage (pulse and BER of every channel)")
    _print_report(report)


def _write_budget(report, design, path: Path) -> None:
    from mosaiclink.config.io import write_bytes_atomic
    from mosaiclink.report.budget_sheet import budget_frame, budget_workbook

    if path.suffix.lower() == ".xlsx":
        write_bytes_atomic(path, budget_workbook(report, design), "--budget")
    else:
        write_bytes_atomic(path, budget_frame(report).to_csv().encode("utf-8"), "--budget")


def _print_route(routed) -> None:
    typer.echo(
        f"route '{routed.route}': {routed.length_m:.2f} m, {routed.bends} bends (tightest "
        f"{routed.tightest_radius_mm or 0:g} mm) losing {routed.bend_loss_db:.3f} dB "
        f"({routed.bend_loss_full_fill_db:.3f} dB with every mode filled), {routed.connectors} connectors at "
        f"{routed.connector_allowance_db:.2f} dB each"
    )
    typer.echo(
        f"  {routed.strand_diameter_mm:.2f} mm strand: long-term radius {routed.long_term_radius_mm:.0f} mm "
        f"({routed.below_long_term} bends tighter), installation radius {routed.short_term_radius_mm:.0f} mm"
    )


def _print_report(report) -> None:
    from rich.console import Console
    from rich.table import Table

    from mosaiclink.units import format_ber

    console = Console()
    budget = Table(
        title=f"{report.design_name}: {report.rate_gbps:.4g} Gb/s x {report.channels} channels, "
        f"{report.length_m:g} m (median channel)"
    )
    budget.add_column("step")
    budget.add_column("value", justify="right")
    for line in report.budget.lines:
        # losses and penalties are stored positive (worse); the waterfall shows them as drops
        value = -line.value_db if line.kind in ("loss", "penalty") else line.value_db
        unit = "dBm" if line.kind == "level" else "dB"
        style = {"level": "bold", "margin": "bold green" if value >= 0 else "bold red"}.get(line.kind, "")
        text = f"{round(value, 2) + 0.0:+.2f} {unit}"  # + 0.0: a zero loss reads +0.00, never -0.00
        budget.add_row(line.name, f"[{style}]{text}[/]" if style else text)
    console.print(budget)
    summary = report.ber_summary()
    stats = Table(title="Per-channel BER (statistical eye)")
    for column in (
        "best",
        "median",
        "worst",
        f"margin >= 0 ({report.target_ber:g} + reserve)",
        "data channels",
        "spares",
        "link",
    ):
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
    if report.nominal_log10_ber is not None:
        nominal = format_ber(10.0**report.nominal_log10_ber, log10_ber=report.nominal_log10_ber)
        console.print(f"nominal interior channel (no manufacturing spread): BER {nominal}")
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
    for r, c, lb, dead in zip(report.grid_row, report.grid_col, report.log10_ber_stateye, report.dead, strict=True):
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
