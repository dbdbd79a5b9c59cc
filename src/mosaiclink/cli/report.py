"""``mosaic report``: the main job. Evaluate a design end to end and write the HTML report."""

from __future__ import annotations

from pathlib import Path

import typer

from mosaiclink.cli.common import check_seeds, resolve_design, writable_dir
from mosaiclink.cli.main import app


@app.command()
def report(
    preset: str = typer.Option(None, "--preset", "-p", help="Preset design name; default mosaic-800g."),
    config: Path = typer.Option(None, "--config", "-c", help="Design file (TOML/YAML/JSON)."),
    out: Path = typer.Option(
        Path("mosaic-report"), "--out", "-o", help="Output folder for index.html and report.json."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of every stochastic step (variation, Monte Carlo)."),
) -> None:
    """Evaluate the design end to end and write a self-contained HTML report plus a summary."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from mosaiclink.report.build import build_sections, report_steps, write_report

    check_seeds(seed=seed)
    design = resolve_design(preset, config)
    writable_dir(out)  # fail in one line now, not after minutes of evaluation
    origin = f"file {config}" if config else f"preset {design.name}"
    console = Console(stderr=True)
    steps = report_steps(origin)
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

        sections = build_sections(design, origin, seed, on_step=on_step)
        progress.update(task, completed=len(steps))
    index = write_report(sections, design, out, seed)

    summary = Table(title=f"{design.name}: end-to-end summary")
    summary.add_column("section")
    summary.add_column("quantity")
    summary.add_column("value", justify="right")
    for step, section in zip(steps, sections):
        for label, value in section.headline:
            summary.add_row(step.label, label, value)
    Console().print(summary)
    Console().print(f"report written to [bold]{index}[/bold]")
