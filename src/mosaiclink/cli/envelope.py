"""``mosaic envelope``: the link over its module case temperature, with the thermal model's junctions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mosaiclink.cli.common import resolve_design
from mosaiclink.cli.options import ConfigOpt, JsonOpt, LengthOpt, PresetOpt, SeedOpt, within_each

CASE_MIN_C, CASE_MAX_C = -40.0, 125.0  # as system.thermal (kept here so `--help` imports no model)
REACH_EVALUATIONS = 8  # link evaluations one reach search takes (bracket and secant steps)

CaseOpt = Annotated[
    list[float] | None,
    typer.Option(
        "--case-c",
        callback=within_each(CASE_MIN_C, CASE_MAX_C, "C"),
        help="Module case temperature to evaluate (C); repeat for several (default 0, 25, 55, 70, 85).",
    ),
]
ThermalOpt = Annotated[
    Path | None,
    typer.Option("--thermal", help="Thermal-path spec file (TOML/YAML/JSON, fields of ThermalSpec)."),
]


def envelope(
    preset: PresetOpt = None,
    config: ConfigOpt = None,
    length_m: LengthOpt = None,
    case_c: CaseOpt = None,
    thermal: ThermalOpt = None,
    reach: Annotated[
        bool, typer.Option("--reach/--no-reach", help="Search the reach at each case temperature.")
    ] = True,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """Channels meeting the target, margin, reach and FIT over the module case temperature.

    Example: mosaic envelope --preset mosaic-800g --case-c 0 --case-c 70

    The LED and receiver junctions come from the thermal model (the module's own power through its
    thermal path) at each case temperature; the reliability model reads the same temperatures.
    """
    from mosaiclink.config.envelope import ThermalSpec
    from mosaiclink.config.io import load_spec
    from mosaiclink.finite import require_finite
    from mosaiclink.system.envelope import DEFAULT_CASES_C, check_cases
    from mosaiclink.system.envelope import envelope as run_envelope
    from mosaiclink.workload import check_link_evaluations

    design = resolve_design(preset, config, length_m)
    cases = check_cases(case_c or DEFAULT_CASES_C)
    thermal_spec = load_spec(thermal, ThermalSpec) if thermal else ThermalSpec()
    evaluations = len(cases) * (1 + (REACH_EVALUATIONS if reach else 0)) + 14
    check_link_evaluations(
        "mosaic envelope",
        evaluations,
        design.array.total_channels,
        design.link.samples_per_bit,
        design.link.isi_span_bits,
    )
    result = run_envelope(design, cases, thermal_spec, seed=seed, reach=reach)
    payload = require_finite(result.to_dict(), f"envelope of design '{design.name}'")
    if as_json:
        typer.echo(json.dumps(payload, separators=(",", ":")))
        return
    _print(result)


def _print(result) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"{result.design}: {result.length_m:g} m over the module case temperature")
    headers = ("case C", "LED Tj C", "CMOS Tj C", "meeting", "link", "margin dB", "link margin", "reach m", "FIT")
    for column in headers:
        table.add_column(column, justify="right")
    for p in result.points:
        table.add_row(
            f"{p.case_c:g}",
            f"{p.led_junction_c:.1f}",
            f"{p.cmos_c:.1f}",
            f"{p.channels_meeting}/{p.channels}",
            "[green]OK[/]" if p.link_ok else "[red]FAIL[/]",
            f"{p.median_margin_db:+.2f}",
            f"{p.link_excess_db:+.2f}",
            "-" if p.reach_m is None else f"{p.reach_m:.1f}",
            f"{p.link_fit:.3g}",
        )
    console.print(table)
    if result.max_case_c is None:
        console.print(f"The link does not meet {result.length_m:g} m even at the coldest case evaluated.")
    else:
        bound = {"found": "", "at or above": " or more (the hottest the models take)"}.get(result.max_case_bound, "")
        console.print(f"Highest case temperature meeting {result.length_m:g} m: {result.max_case_c:.1f} C{bound}")
    verdict = "[green]holds[/]" if result.commercial_ok else "[red]does not hold[/]"
    console.print(f'"temperature-insensitive" (meets {result.length_m:g} m over 0-70 C case): {verdict}')
