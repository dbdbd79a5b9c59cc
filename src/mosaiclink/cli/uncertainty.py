"""``mosaic uncertainty``: 5/50/95 % bands of the headline numbers, their drivers and the claims table."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from mosaiclink.cli.options import ConfigOpt, JsonOpt, PresetOpt, SeedOpt, within
from mosaiclink.workload import UNCERTAINTY_PROGRESS_S, check_uncertainty_samples


def uncertainty(
    preset: PresetOpt = None,
    config: ConfigOpt = None,
    ranges: Annotated[
        Path | None, typer.Option("--ranges", help="A mosaic-ranges/1 file; default the preset's shipped ranges.")
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", "-n", callback=within(2, 1_000_000), help="Latin hypercube samples.")
    ] = 1000,
    seed: SeedOpt = 0,
    dataset: Annotated[
        Path | None,
        typer.Option(
            "--dataset", help="BER points checked as claims (default: the published points when they fit the design)."
        ),
    ] = None,
    baseline: Annotated[
        str, typer.Option("--baseline", help="Catalog technology the power and FIT claims compare with.")
    ] = "aoc",
    as_json: JsonOpt = False,
) -> None:
    """Propagate every estimate's range: 5/50/95 % bands, their drivers and the published claims' verdicts.

    Example: mosaic uncertainty --preset mosaic-800g --samples 1000 --seed 1"""
    from mosaiclink.cli.common import resolve_design
    from mosaiclink.config.estimate_ranges import load_ranges
    from mosaiclink.config.measurements import load_ber_dataset
    from mosaiclink.config.presets import DEFAULT_PRESET
    from mosaiclink.errors import ConfigError
    from mosaiclink.explore.claims import assess_claims

    if config and not ranges:
        raise ConfigError("option --config: give --ranges too (a design file has no shipped ranges)")
    seconds = check_uncertainty_samples(samples)  # before any work: refused with its estimate
    design = resolve_design(preset, config)
    table = load_ranges(ranges if ranges else (preset or DEFAULT_PRESET))
    with _progress(samples, seconds, quiet=as_json) as progress:
        assessed = assess_claims(
            design,
            table,
            samples,
            seed,
            dataset=load_ber_dataset(dataset) if dataset else None,
            baseline=baseline,
            preset=None if config else (preset or DEFAULT_PRESET),
            progress=progress,
        )
    if as_json:
        typer.echo(json.dumps(assessed.to_dict()))
        return
    _print(assessed)
    if assessed.unranged:
        typer.echo(f"Estimates without a range (held at their preset value): {', '.join(assessed.unranged)}")


@contextmanager
def _progress(samples: int, seconds: float, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """Above :data:`~mosaiclink.workload.UNCERTAINTY_PROGRESS_S`: the estimate on stderr, then a
    progress bar while the samples run (when stderr is a terminal)."""
    if seconds <= UNCERTAINTY_PROGRESS_S:
        yield None
        return
    typer.echo(f"uncertainty: {samples:,} samples, estimated {seconds:,.0f} s", err=True)
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("sampling"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("samples", total=samples)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _print(assessed) -> None:
    from rich.console import Console
    from rich.table import Table

    from mosaiclink.explore.claims import FAILS, HOLDS, TYPICAL_ONLY
    from mosaiclink.explore.uncertainty import METRICS

    name, result = assessed.design, assessed.result
    console = Console()
    bands = Table(title=f"{name}: {result.unit.shape[0]} Latin hypercube samples over {len(result.inputs)} inputs")
    for column in ("metric", "nominal", "5 %", "50 %", "95 %", "driven by (S1, rank corr.)"):
        bands.add_column(column, justify="left" if column in ("metric", "driven by (S1, rank corr.)") else "right")
    for metric in result.metrics:
        p5, p50, p95 = result.band(metric)
        drivers = ", ".join(f"{d['input']} ({d['s1']:.2f}, {d['spearman']:+.2f})" for d in result.sensitivity[metric])
        label = METRICS.get(metric, metric)
        bands.add_row(label, *(f"{v:.4g}" for v in (result.nominal[metric], p5, p50, p95)), drivers)
    console.print(bands)
    table = Table(title="Published claims")
    for column in ("claim", "condition", "nominal", "5-95 %", "verdict", "deciding inputs"):
        table.add_column(column)
    style = {HOLDS: "green", TYPICAL_ONLY: "yellow", FAILS: "red"}
    for c in assessed.claims:
        table.add_row(
            c.claim.text,
            c.claim.condition,
            f"{c.nominal:.4g}",
            f"{c.p5:.3g} - {c.p95:.3g}",
            f"[{style[c.verdict]}]{c.verdict}[/]",
            ", ".join(c.deciding_inputs),
        )
    console.print(table)
    console.print(
        f"Cluster figures: {result.fleet.optical_links:,.0f} optical fabric links of the "
        f"'{result.fleet.scenario}' scenario ({result.fleet.gpus:,} GPUs). Power with the "
        f"{assessed.host_interface} host interface; FIT at {assessed.temperature_c:g} C."
    )
