"""``mosaic report``: the main job. Evaluate a design end to end and write the HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mosaiclink.cli.common import resolve_design, writable_dir
from mosaiclink.cli.options import ConfigOpt, OutOpt, PresetOpt, SeedOpt

DEFAULT_OUT = Path("mosaic-report")
REPORT_FILES = ("index.html", "report.json", "figures/*")  # what --out receives: no input may be one of them


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
    paper_figures: Annotated[
        bool,
        typer.Option(
            "--paper-figures", help="Also draw every figure with Matplotlib as figures/*.png and *.svg (for papers)."
        ),
    ] = False,
) -> None:
    """Evaluate the design end to end and write a self-contained HTML report plus a summary.

    Example: mosaic report --preset mosaic-1.6t --out report-1.6t --paper-figures

    The folder ``--out`` receives ``index.html``, ``report.json`` and, with ``--paper-figures``,
    ``figures/*.png|svg``.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from mosaiclink.assessment.design_assessment import STEPS, assess
    from mosaiclink.report.build import labelled_sections, write_report

    design = resolve_design(preset, config)
    scenarios = tuple(scenario or ())
    if scenarios:
        from mosaiclink.assessment.scenario import load_cluster_scenario

        for name in scenarios:  # a bad name or file fails before the long evaluation starts
            load_cluster_scenario(name)
    out = out or DEFAULT_OUT
    writable_dir(out, inputs=(config, *map(Path, scenario or ())), written=REPORT_FILES)  # before minutes of work
    origin = f"file {config}" if config else f"preset {design.name}"
    console = Console(stderr=True)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=len(STEPS))

        def on_step(index: int, label: str) -> None:
            progress.update(task, description=f"evaluating {label}", completed=index)

        assessment = assess(design, seed, origin, on_step=on_step, scenarios=scenarios)
        progress.update(task, completed=len(STEPS))
    labelled = labelled_sections(assessment)
    index = write_report(assessment, [section for _, section in labelled], out or DEFAULT_OUT, paper_figures)

    summary = Table(title=f"{design.name}: end-to-end summary")
    summary.add_column("section")
    summary.add_column("quantity")
    summary.add_column("value", justify="right")
    for label, section in labelled:
        for quantity, value in section.headline:
            summary.add_row(label, quantity, value)
    Console().print(summary)
    Console().print(f"report written to [bold]{index}[/bold]")
