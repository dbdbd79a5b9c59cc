"""``mosaic design``: the best design for a target rate, reach and BER, confirmed by the full model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mosaiclink.cli.options import AggregateRateOpt, JsonOpt, ReachOpt, SeedOpt, within


def _knob_text(knobs: dict) -> str:
    return ", ".join(f"{k}={v:g}" for k, v in knobs.items())


def design(
    rate: AggregateRateOpt = "800g",
    reach_m: ReachOpt = 30.0,
    ber: Annotated[
        float, typer.Option("--ber", callback=within(1e-30, 0.5), help="Pre-FEC BER every data channel must meet.")
    ] = 2.4e-4,
    minimize: Annotated[str, typer.Option("--minimize", help="Objective: power, fit or channels.")] = "power",
    max_fit: Annotated[
        float | None, typer.Option("--max-fit", callback=within(1e-6, 1e9, "FIT"), help="Upper bound on link FIT.")
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            help="Preset or design file giving the device technology and optics; "
            "default: the shipped preset of that rate (mosaic-3.2t for 3.2t), else mosaic-800g.",
        ),
    ] = None,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write the chosen design to this file (.toml, .yaml or .json): `mosaic link -c FILE`."
        ),
    ] = None,
) -> None:
    """Search the design space for a target, explain the choice, confirm it with the full link model.

    Example: mosaic design --rate 800g --reach-m 30 --ber 2.4e-4 --minimize power --out best.toml
    """
    from rich.console import Console
    from rich.table import Table

    from mosaiclink.cli.common import check_design_work
    from mosaiclink.config.catalog import parse_rate_gbps
    from mosaiclink.config.presets import DEFAULT_PRESET
    from mosaiclink.explore.optimize import design_for_target
    from mosaiclink.explore.spec import load_base

    if out is not None:
        from mosaiclink.cli.common import writable_file
        from mosaiclink.config.io import SUFFIXES

        base_file = Path(base) if base and Path(base).suffix in SUFFIXES else None
        writable_file(out, "--out", inputs=(base_file,), suffixes=SUFFIXES)
    rate_gbps = parse_rate_gbps(rate)
    from mosaiclink.system.compare import PRESET_BY_RATE

    base_design = load_base(base or PRESET_BY_RATE.get(rate_gbps, DEFAULT_PRESET))
    check_design_work(base_design)  # the choice is confirmed with the full link model
    choice = design_for_target(rate_gbps, reach_m, ber, minimize, base=base_design, max_fit=max_fit, seed=seed)
    if out is not None:
        from mosaiclink.config.io import save_spec

        save_spec(choice.design, out)
    if as_json:
        typer.echo(json.dumps(choice.to_dict(), indent=2, default=float))
        return
    from mosaiclink.units import format_ber

    console = Console()
    met = choice.metrics
    table = Table(title=f"Best design for {rate} at {reach_m:g} m, BER <= {ber:g} (minimize {minimize})")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for key, value in choice.knobs.items():
        table.add_row(key, f"{value:g}")
    link = choice.design.link
    if link.host_protocol != "none":  # the host fixes the line rate: say what it is and why
        table.add_row(
            "line rate per channel",
            f"{link.rate_gbps:.4f} Gb/s ({link.host_protocol} over {choice.design.array.data_channels} channels)",
        )
    for key, fmt in (
        ("rate_gbps_total", "{:.1f} Gb/s"),
        ("power_w", "{:.3f} W per end"),
        ("pj_per_bit", "{:.2f} pJ/bit"),
        ("fit", "{:.3g} FIT"),
        ("ber", format_ber),
        ("reach_m", "{:.1f} m"),
        ("channels_total", "{:.0f}"),
    ):
        table.add_row(key, fmt(met[key]) if callable(fmt) else fmt.format(met[key]))
    for key, value in choice.margins.items():
        table.add_row(f"margin: {key}", f"{value:.3g}")
    console.print(table)
    conf = choice.confirmation
    console.print(
        f"full link model ({conf['model']}, seed {seed}): "
        f"{'[green]confirmed[/]' if conf['confirmed'] else '[red]not confirmed[/]'} - "
        f"{conf['channels_meeting_target']} channels meet the target ({conf['data_channels']} needed), "
        f"median BER {format_ber(conf['median_ber'])}"
    )
    if choice.runner_up:
        console.print(f"runner-up: {_knob_text(choice.runner_up['knobs'])}\n  lost: {choice.runner_up['why_lost']}")
    if choice.closest_miss:
        console.print(
            f"closest miss: {_knob_text(choice.closest_miss['knobs'])}\n"
            f"  infeasible: {choice.closest_miss['why_infeasible']}"
        )
    for rejected in choice.rejected_by_full_model:
        console.print(
            f"rejected by the full model: {_knob_text(rejected['knobs'])} ({rejected['full_model'].get('reason', '')})"
        )
    console.print(f"{choice.candidates} candidates, {choice.feasible} feasible in the fast path (channel population)")
    if out is not None:
        console.print(f"design written to {out}")
