"""``mosaic life``: margin over the years, spares used up and fleet failures by year, per case temperature."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from mosaiclink.cli.common import resolve_design
from mosaiclink.cli.options import ConfigOpt, JsonOpt, LengthOpt, PresetOpt, SeedOpt, within, within_each

CASE_MIN_C, CASE_MAX_C = -40.0, 125.0  # as system.thermal (kept here so `--help` imports no model)
LINKS_MAX = 50_000  # as system.life.MAX_LINKS


def life(
    preset: PresetOpt = None,
    config: ConfigOpt = None,
    length_m: LengthOpt = None,
    case_c: Annotated[
        list[float] | None,
        typer.Option(
            "--case-c",
            callback=within_each(CASE_MIN_C, CASE_MAX_C, "C"),
            help="Module case temperature (C); repeat for several (default 55 and 70).",
        ),
    ] = None,
    links: Annotated[
        int, typer.Option("--links", callback=within(1, LINKS_MAX), help="Links simulated per case temperature.")
    ] = 2000,
    ageing: Annotated[
        Path | None, typer.Option("--ageing", help="Ageing spec file (TOML/YAML/JSON, fields of AgeingSpec).")
    ] = None,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """Margin over the years, spares exhaustion and fleet failures per year at 100k GPUs.

    Example: mosaic life --preset mosaic-800g --length-m 30 --case-c 55 --case-c 70

    Each emitter's light decays by a current- and temperature-accelerated law at the thermal model's
    junctions; receivers drift; channels that fall below the target use up spares.
    """
    from mosaiclink.config.envelope import AgeingSpec
    from mosaiclink.config.io import load_spec
    from mosaiclink.explore.uncertainty import fleet
    from mosaiclink.finite import require_finite
    from mosaiclink.system.envelope import check_cases
    from mosaiclink.system.life import life as run_life
    from mosaiclink.workload import check_link_evaluations

    design = resolve_design(preset, config, length_m)
    cases = check_cases(case_c or (55.0, 70.0))
    ageing_spec = load_spec(ageing, AgeingSpec) if ageing else AgeingSpec()
    check_link_evaluations(
        "mosaic life", len(cases), design.array.total_channels, design.link.samples_per_bit, design.link.isi_span_bits
    )
    population = fleet()
    results = [run_life(design, c, population.optical_links, ageing=ageing_spec, links=links, seed=seed) for c in cases]
    payload = {
        "fleet": {"scenario": population.scenario, "gpus": population.gpus, "optical_links": population.optical_links},
        "ageing": ageing_spec.to_mapping(),
        "cases": [r.to_dict() for r in results],
    }
    payload = require_finite(payload, f"life of design '{design.name}'")
    if as_json:
        typer.echo(json.dumps(payload, separators=(",", ":")))
        return
    _print(results, population)


def _fmt_years(value: float) -> str:
    return "> 30" if value == float("inf") else f"{value:.1f}"


def _fmt_fit(fit: float) -> str:
    """A FIT, or 'inf' for a link short of channels on day one."""
    return "inf" if not math.isfinite(fit) else (f"{fit:.1f}" if fit < 1e5 else f"{fit:.2g}")


def _print(results, population) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    first = results[0]
    summary = Table(title=f"{first.design}: {first.length_m:g} m over its life ({first.links_simulated} links each)")
    columns = ("case C", "LED Tj C", "L70 y", "short at start", "spares out y (5 %)", "median y", "by 10 y")
    for column in (*columns, "FIT life / const"):
        summary.add_column(column, justify="right")
    for r in results:
        summary.add_row(
            f"{r.case_c:g}",
            f"{r.led_junction_c:.1f}",
            f"{r.emitter_l70_years:.1f}",
            f"{r.exhausted_at_start:.0%}",
            _fmt_years(r.exhaustion_years_p5),
            _fmt_years(r.exhaustion_years_median),
            f"{r.exhausted_by_10y:.0%}",
            f"{_fmt_fit(r.mission_fit_per_link)} / {r.constant_fit_per_link:.1f}",
        )
    summary.caption = (
        "FIT: the life model's mission average in closed form (wear, spares, contamination) against the "
        "constant-FIT model at the same junctions (docs/workloads.md)"
    )
    console.print(summary)
    margin = Table(title="Link excess over its target (dB, the N-th best channel, median link)")
    margin.add_column("year", justify="right")
    for r in results:
        margin.add_column(f"{r.case_c:g} C", justify="right")
    for i, year in enumerate(first.years):
        margin.add_row(f"{year:g}", *(f"{r.link_excess_db_median[i]:+.2f}" for r in results))
    console.print(margin)
    fleet = Table(title=f"Link failures per year at {population.gpus:,} GPUs ({population.optical_links:,.0f} links)")
    fleet.add_column("year", justify="right")
    for r in results:
        fleet.add_column(f"{r.case_c:g} C total", justify="right")
        fleet.add_column("spares / shared / connectors", justify="right")
    for i, year in enumerate(first.fleet):
        cells = []
        for r in results:
            f = r.fleet[i]
            cells += [f"{f.total:,.0f}", f"{f.spares_exhausted:,.0f} / {f.shared_parts:,.0f} / "
                      f"{f.connector_contamination:,.0f}"]  # fmt: skip
        fleet.add_row(str(year.year), *cells)
    console.print(fleet)
