"""``mosaic results``: query the result store (summary, SQL, Pareto front, export)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mosaiclink.cli.options import JsonOpt, StoreOpt, within
from mosaiclink.config.sweep import DEFAULT_STORE
from mosaiclink.errors import ConfigError

LIMIT_MAX = 10**6  # rows a terminal table may show; export the rest with --export

if TYPE_CHECKING:
    import pyarrow as pa


def _is_ber(column: str) -> bool:
    """A linear BER column (``ber``, ``..._ber``): stored floored at 1e-300, shown as ``< 1e-300``."""
    return column == "ber" or (column.endswith("_ber") and not column.startswith("log10"))


def _rows(table: pa.Table) -> list[dict]:
    """Rows for JSON: a BER at the store's floor (the model's clip, 1e-300: its value is that or less)
    is ``null`` there, never the floor passed off as a number; ``log10_ber`` keeps the floored log."""
    from mosaiclink.physics.ber import LOG10_BER_FLOOR

    floor = 10.0**LOG10_BER_FLOOR
    rows = table.to_pylist()
    for row in rows:
        for key, value in row.items():
            if _is_ber(key) and isinstance(value, float) and value <= floor:
                row[key] = None
            else:
                row[key] = _json_value(value)
    return rows


def _cell(column: str, value: object) -> str:
    """A table cell: floats to 4 digits, a BER at the floor as ``< 1e-300``, a non-finite float says so."""
    from mosaiclink.units import format_ber

    if isinstance(value, float):
        if not math.isfinite(value):  # never a bare inf: say it
            return f"{value} (non-finite)"
        if _is_ber(column):  # at the floor means at or below it: the log says so
            return format_ber(value, log10_ber=math.log10(value) if value > 0 else None)
        return f"{value:.4g}"
    return str(value)


def _print_table(table: pa.Table, title: str, limit: int) -> None:
    from rich.console import Console
    from rich.table import Table

    view = Table(title=f"{title} ({table.num_rows} rows{', first ' + str(limit) if table.num_rows > limit else ''})")
    for name in table.column_names:
        view.add_column(name, overflow="fold")
    for row in table.slice(0, limit).to_pylist():
        view.add_row(*(_cell(key, value) for key, value in row.items()))
    Console().print(view)


def _json_value(value: object) -> object:
    """JSON has no inf/NaN: a non-finite float becomes the string ``"inf"``, ``"-inf"`` or ``"nan"``."""
    return str(value) if isinstance(value, float) and not math.isfinite(value) else value


def _non_finite_count(table: pa.Table) -> int:
    return sum(1 for row in table.to_pylist() for v in row.values() if isinstance(v, float) and not math.isfinite(v))


def _pareto_columns(table: pa.Table, sweep: dict | None) -> list[str]:
    """Terminal view of a front: the swept parameters, then objectives and constrained metrics."""
    spec = (sweep or {}).get("spec", {})
    metrics = list(spec.get("objectives", {})) + [c.split()[0] for c in spec.get("constraints", [])]
    wanted = list(spec.get("parameters", {})) + list(dict.fromkeys(metrics))
    return [c for c in wanted if c in table.column_names]


def _front_figure(store, front: pa.Table):
    """The front over every feasible design of the store, on the last sweep's first two objectives."""
    from mosaiclink.config.sweep import ConstraintSpec
    from mosaiclink.explore.results import feasible_where
    from mosaiclink.report.results_plot import scatter_figure

    spec = (store.last_sweep() or {}).get("spec", {})
    objectives = list(spec.get("objectives", {}))
    if len(objectives) < 2:
        raise ConfigError("--plot: the last sweep names fewer than two objectives; use --sql to choose the axes")
    feasible = store.table(feasible_where([ConstraintSpec.parse(c) for c in spec.get("constraints", [])]))
    x, y = objectives[:2]
    return scatter_figure(feasible, x, y, f"{spec.get('name', 'sweep')}: {y} vs {x}", highlight=front)


def _query_figure(table: pa.Table):
    """The first two numeric columns of a query's result, the second against the first."""
    import pyarrow.types as pt

    from mosaiclink.report.results_plot import scatter_figure

    numeric = [f.name for f in table.schema if pt.is_integer(f.type) or pt.is_floating(f.type)]
    if len(numeric) < 2:
        raise ConfigError(f"--plot: the query gives {len(numeric)} numeric column(s); select two to draw")
    return scatter_figure(table, numeric[0], numeric[1], f"{numeric[1]} vs {numeric[0]}")


def results(
    store: StoreOpt = Path(DEFAULT_STORE),
    pareto: Annotated[
        bool, typer.Option("--pareto", help="Feasible Pareto front of the last sweep's objectives.")
    ] = False,
    sql: Annotated[
        str | None, typer.Option("--sql", help="SQL query over the 'designs', 'sweeps' and 'bases' tables.")
    ] = None,
    export: Annotated[
        Path | None, typer.Option("--export", help="Write the result to FILE.parquet or FILE.csv.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", callback=within(1, LIMIT_MAX), help="Rows shown in the terminal.")
    ] = 20,
    as_json: JsonOpt = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Draw it (.png, .pdf or .svg): with --pareto the front over every feasible design on the first "
            "two objectives; with --sql the first two numeric columns.",
        ),
    ] = None,
) -> None:
    """Show stored designs: a summary, an SQL query, or the Pareto front; optionally export it.

    Example: mosaic results --pareto
    """
    from rich.console import Console

    from mosaiclink.cli.common import writable_file
    from mosaiclink.explore.results import pareto_front
    from mosaiclink.explore.store import ResultStore

    if export is not None:
        writable_file(export, "--export", inputs=(store,), others=(plot,), suffixes=(".parquet", ".csv"))
    if plot is not None:
        from mosaiclink.config.io import PLOT_SUFFIXES

        if not (pareto or sql):
            raise ConfigError("--plot: give --pareto or --sql (the summary has nothing to draw)")
        writable_file(plot, "--plot", inputs=(store,), others=(export,), suffixes=PLOT_SUFFIXES)
    figure = None
    with ResultStore(store, read_only=True) as results_store:
        if pareto:
            table, title = pareto_front(results_store), "Pareto front"
            if plot is not None:
                figure = _front_figure(results_store, table)
            if not export and not as_json:
                table = table.select(_pareto_columns(table, results_store.last_sweep()))
        elif sql:
            table, title = results_store.sql(sql), "query"
            if plot is not None:
                figure = _query_figure(table)
        else:
            table = results_store.sql(
                "SELECT sweep, code_version, count(*) AS designs FROM designs GROUP BY ALL ORDER BY sweep"
            )
            title = f"{results_store.path}: {results_store.count()} designs"
        if export:
            results_store.export_table(table, export)
    if figure is not None and plot is not None:
        from mosaiclink.cli.calibration_plots import save_figure

        save_figure(figure, plot, dpi=120)
    non_finite = _non_finite_count(table)
    if non_finite:
        typer.echo(f"note: {non_finite} non-finite values (inf or NaN) in the result", err=True)
    if as_json:
        typer.echo(json.dumps(_rows(table), indent=2, default=str, allow_nan=False))
        return
    _print_table(table, title, limit)
    if export:
        Console().print(f"wrote {table.num_rows} rows to {export}")
