"""``mosaic uncertainty``: prior and posterior 5/50/95 % bands, their drivers, the chain's diagnostics and
P(holds | data) of every published claim."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from mosaiclink.cli.options import ConfigOpt, JsonOpt, PresetOpt, SeedOpt, within
from mosaiclink.workload import UNCERTAINTY_PROGRESS_S, check_uncertainty_samples, uncertainty_estimate


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
    data: Annotated[
        list[Path] | None,
        typer.Option(
            "--data",
            help="Measured BER points (mosaic-ber-points/1, as `mosaic calibrate` reads) that condition the "
            "bands, beside the shipped published points; repeatable.",
        ),
    ] = None,
    prior_only: Annotated[
        bool, typer.Option("--prior-only", help="Bands of the ranges alone: no data, no chain.")
    ] = False,
    resample: Annotated[
        bool,
        typer.Option(
            "--resample", help="Run the chain even when the preset's shipped posterior matches (minutes of CPU)."
        ),
    ] = False,
    baseline: Annotated[
        str, typer.Option("--baseline", help="Catalog technology the power and FIT claims compare with.")
    ] = "aoc",
    as_json: JsonOpt = False,
) -> None:
    """Bands of the headline numbers conditioned on data, and P(holds | data) of each published claim.

    The ranges are the prior; the shipped published BER points (and any --data files) condition
    them through an MCMC chain whose R-hat and effective sample size are printed. A preset's chain on
    the published points ships with the tool (tools/posteriors.py) and is read when its key matches
    the design, ranges and data; --data files or --resample run the chain now.

    Example: mosaic uncertainty --preset mosaic-800g --samples 1000 --seed 1 --data my-points.toml"""
    from mosaiclink.cli.common import resolve_design
    from mosaiclink.config.datasets import DEFAULT_DATASET, dataset_path
    from mosaiclink.config.estimate_ranges import load_ranges
    from mosaiclink.config.measurements import load_ber_dataset
    from mosaiclink.config.presets import DEFAULT_PRESET
    from mosaiclink.errors import ConfigError
    from mosaiclink.explore.claims import assess_claims

    if config and not ranges:
        raise ConfigError("option --config: give --ranges too (a design file has no shipped ranges)")
    design = resolve_design(preset, config)
    # before any work: refused with its estimate
    seconds = check_uncertainty_samples(samples, design.array.total_channels)
    table = load_ranges(ranges if ranges else (preset or DEFAULT_PRESET))
    if prior_only and data:
        raise ConfigError("option --prior-only: give no --data with it (the prior ignores data)")
    conditioning = () if prior_only else (dataset_path(DEFAULT_DATASET), *(data or ()))
    # every file read and every point checked before the estimate is printed: a refusal stays one line
    checked = load_ber_dataset(dataset) if dataset else None
    if checked is not None:
        from mosaiclink.explore.calibrate import check_points

        check_points(checked, design)
    conditioning_data = tuple(load_ber_dataset(path) for path in conditioning)
    with _progress(samples, seconds, uncertainty_estimate(samples, design.array.total_channels), as_json) as progress:
        assessed = assess_claims(
            design,
            table,
            samples,
            seed,
            dataset=checked,
            baseline=baseline,
            preset=None if config else (preset or DEFAULT_PRESET),
            progress=progress,
            data=conditioning_data,
            resample=resample,
        )
    if as_json:
        typer.echo(json.dumps(assessed.to_dict()))
        return
    _print(assessed)
    if assessed.unranged:
        typer.echo(f"Estimates without a range (held at their preset value): {', '.join(assessed.unranged)}")


@contextmanager
def _progress(samples: int, seconds: float, estimate: str, quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """Above :data:`~mosaiclink.workload.UNCERTAINTY_PROGRESS_S` (the worst case, ``seconds``): the
    ``estimate`` on stderr, then a progress bar while the samples run (when stderr is a terminal)."""
    if seconds <= UNCERTAINTY_PROGRESS_S:
        yield None
        return
    typer.echo(
        f"uncertainty: {samples:,} samples, estimated {estimate} (the most if every draw is ranked by itself)", err=True
    )
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

    from mosaiclink.explore.claims import FAILS, HOLDS, LIKELY, UNLIKELY
    from mosaiclink.explore.uncertainty import METRICS

    name, result = assessed.design, assessed.result
    prior = assessed.prior or result
    console = Console()
    chain = assessed.posterior
    where = "posterior" if chain else "prior"
    bands = Table(title=f"{name}: {result.unit.shape[0]} draws over {len(result.inputs)} inputs, prior beside {where}")
    columns = ("metric", "nominal", "prior 5 %", "prior 50 %", "prior 95 %", "5 %", "50 %", "95 %", "driven by")
    for column in columns:
        bands.add_column(column, justify="left" if column in ("metric", "driven by") else "right")
    for metric in result.metrics:
        drivers = ", ".join(f"{d['input']} ({d['spearman']:+.2f})" for d in result.sensitivity[metric])
        label = METRICS.get(metric, metric)
        cells = (result.nominal[metric], *prior.band(metric), *result.band(metric))
        bands.add_row(label, *(f"{v:.4g}" for v in cells), drivers)
    console.print(bands)
    if chain:
        console.print(
            f"Chain ({chain.source}): {chain.walkers} walkers x {chain.steps} steps (first {chain.burn} "
            f"discarded, every {chain.thin} kept), acceptance {chain.acceptance:.2f}, "
            f"data: {', '.join(chain.datasets)}; "
            f"{'converged' if chain.converged else '[red]NOT converged[/]'} (R-hat < 1.05, bulk and tail ESS >= 400 "
            "per input)"
            + (
                f"; its {len(chain.kept_unit):,} draws re-weighted by the full model (`mosaic link`'s median "
                f"channel): effective {chain.full_model_draws:,.0f}"
                if chain.full_model_draws is not None
                else ""
            )
        )
        diag = Table(title="Sampled inputs: convergence")
        diag_columns = (
            "input",
            "R-hat",
            "ESS",
            "tail ESS",
            "autocorr. (steps)",
            "preset value",
            "its posterior pct.",
            "median",
        )
        for column in diag_columns:
            diag.add_column(column, justify="left" if column == "input" else "right")
        percentiles, medians = chain.nominal_percentiles(), chain.medians()
        for inp in chain.sampled:
            tau = chain.autocorr_steps.get(inp.path)
            diag.add_row(
                inp.path,
                f"{chain.rhat[inp.path]:.3f}",
                f"{chain.ess[inp.path]:.0f}",
                f"{chain.ess_tail[inp.path]:.0f}",
                "n/a" if tau is None else f"{tau:.0f}",
                f"{inp.nominal:.4g}",
                f"{percentiles[inp.path]:.0f} %",
                f"{medians[inp.path]:.4g}",
            )
        console.print(diag)
    table = Table(title="Published claims: P(holds | data)")
    for column in ("claim", "condition", "nominal (pct.)", "5-95 %", "P(holds)", "prior P", "verdict", "deciding"):
        table.add_column(column)
    style = {HOLDS: "green", LIKELY: "yellow", UNLIKELY: "yellow", FAILS: "red"}
    for c in assessed.claims:
        table.add_row(
            c.claim.text,
            c.claim.condition,
            f"{c.nominal:.4g}" + ("" if c.nominal_percentile is None else f" ({c.nominal_percentile:.0f} %)"),
            f"{c.p5:.3g} - {c.p95:.3g}",
            "n/a" if c.p_holds is None else f"{c.p_holds:.2f}",
            f"{c.prior['p_holds']:.2f}" if "p_holds" in c.prior else "n/a",
            f"[{style[c.verdict]}]{c.verdict}[/]",
            ", ".join(c.deciding_inputs),
        )
    console.print(table)
    console.print(
        f"Cluster figures: {result.fleet.optical_links:,.0f} optical fabric links of the "
        f"'{result.fleet.scenario}' scenario ({result.fleet.gpus:,} GPUs). Power with the "
        f"{assessed.host_interface} host interface; FIT at {assessed.temperature_c:g} C."
    )
