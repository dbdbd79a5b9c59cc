"""``mosaic sweep SPEC.toml``: evaluate a design sweep into the result store (resumable)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from mosaiclink.cli.options import JsonOpt, StoreOpt, within
from mosaiclink.config.sweep import DEFAULT_STORE

SWEEP_NOTE_S = 60.0  # sweeps estimated longer than this say so before they start


def sweep(
    spec: Annotated[Path, typer.Argument(help="Sweep file (TOML/YAML/JSON), see docs/explore.md.")],
    store: StoreOpt = Path(DEFAULT_STORE),
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Address of an existing Dask scheduler, tcp://HOST:PORT.")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", callback=within(1), help="Local worker processes (ignored with --scheduler).")
    ] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Evaluate every design of SPEC that the store lacks; killed runs resume where they stopped.

    Example: mosaic sweep examples/sweep-800g-grid.toml --workers 2
    """
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from mosaiclink.explore.evaluate import METRICS, code_version, evaluate_rows
    from mosaiclink.explore.results import feasible_where
    from mosaiclink.explore.runner import check_scheduler, check_workers, run_sweep
    from mosaiclink.explore.spec import load_sweep
    from mosaiclink.explore.store import ResultStore
    from mosaiclink.workload import sweep_estimate, sweep_seconds

    resolved = load_sweep(spec, METRICS)  # every spec or option error surfaces before the store is touched
    if scheduler is not None:
        check_scheduler(scheduler)
    check_workers(workers)
    version = code_version()
    err = Console(stderr=True)
    if sweep_seconds(resolved.n_designs)[1] > SWEEP_NOTE_S:
        err.print(
            f"{resolved.spec.name}: {resolved.n_designs:,} designs, estimated "
            f"{sweep_estimate(resolved.n_designs)} on one core"
        )
    with ResultStore(store) as results:
        if err.is_terminal and not as_json:
            columns = (
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("designs"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
            )
            with Progress(*columns, console=err) as bar:
                task = bar.add_task(resolved.spec.name, total=resolved.n_designs)
                summary = run_sweep(
                    resolved,
                    results,
                    evaluate_rows,
                    version,
                    workers=workers,
                    scheduler=scheduler,
                    on_progress=lambda done, total: bar.update(task, completed=done),
                )
        else:

            def log(chunks: int) -> None:
                print(f"chunk {chunks} committed", file=sys.stderr, flush=True)

            summary = run_sweep(
                resolved, results, evaluate_rows, version, workers=workers, scheduler=scheduler, on_chunk=log
            )
        where = feasible_where(resolved.constraints)
        feasible = (
            results.sql(
                f"SELECT count(*) AS n FROM designs WHERE code_version = '{version}'"
                + (f" AND {where}" if where else "")
            )
            .column("n")[0]
            .as_py()
        )
    report = {
        "sweep": resolved.spec.name,
        "store": str(store),
        "code_version": version,
        "designs": summary.n_designs,
        "already_stored": summary.n_already_stored,
        "computed": summary.n_computed,
        "chunks_written": summary.n_chunks_written,
        "seconds": round(summary.seconds, 3),
        "designs_per_s": round(summary.n_computed / summary.seconds, 1) if summary.seconds > 0 else None,
        "feasible_in_store": feasible,
    }
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    Console().print(
        f"[bold]{report['sweep']}[/]: {report['designs']} designs, {report['already_stored']} already stored, "
        f"{report['computed']} computed in {report['seconds']} s -> {store} "
        f"({report['feasible_in_store']} feasible rows of this code version)"
    )
