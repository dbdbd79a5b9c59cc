"""``mosaic report``: the main job. Evaluate a design end to end and write the HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mosaiclink.cli.common import resolve_design, writable_dir
from mosaiclink.cli.options import ConfigOpt, OutOpt, PresetOpt, SeedOpt

DEFAULT_OUT = Path("mosaic-report")


def report(
    preset: PresetOpt = None,
    config: ConfigOpt = None,
    out: OutOpt = DEFAULT_OUT,
    seed: SeedOpt = 0,
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario", help="Add a memory-pool or scale-up-sweep scenario section (name or file); repeatable."
        ),
    ] = None,
) -> None:
    """Evaluate the design end to end and write a self-contained HTML report plus a summary.

    The folder ``--out`` receives ``index.html`` and ``report.json``.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from mosaiclink.report.build import build_sections, report_steps, write_report

    design = resolve_design(preset, config)
    out = out or DEFAULT_OUT
    writable_dir(out)  # fail in one line now, not after minutes of evaluation
    origin = f"file {config}" if config else f"preset {design.name}"
    console = Console(stderr=True)
    scenarios = tuple(scenario or ())
    if scenarios:
        from mosaiclink.report.sections.cluster_scenario import load_cluster_scenario

        for name in scenarios:  # a bad name or file fails before the long evaluation starts
            load_cluster_scenario(name)
    steps = report_steps(origin, scenarios)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=len(steps))

        def on_step(index: int, label: str) -> None:
            progress.update(task, description=f"evaluating {label}", completed=index)

        sections = build_sections(design, origin, seed, on_step=on_step, scenarios=scenarios)
        progress.update(task, completed=len(steps))
    index = write_report(sections, design, out or DEFAULT_OUT, seed)

    summary = Table(title=f"{design.name}: end-to-end summary")
    summary.add_column("section")
    summary.add_column("quantity")
    summary.add_column("value", justify="right")
    for step, section in zip(steps, sections, strict=True):
        for label, value in section.headline:
            summary.add_row(step.label, label, value)
    Console().print(summary)
    Console().print(f"report written to [bold]{index}[/bold]")
