"""Figures of stored sweep results (Matplotlib, no I/O): a Pareto front over its feasible designs,
or any two numeric columns of a query."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa
    from matplotlib.figure import Figure

LOG_SPAN = 100.0  # a positive column spanning this ratio or more is drawn on a log axis


def _values(table: pa.Table, column: str) -> np.ndarray:
    return np.asarray(table.column(column).to_numpy(zero_copy_only=False), dtype=float)


def _axis(ax, which: str, values: np.ndarray, name: str) -> None:
    finite = values[np.isfinite(values)]
    if finite.size and finite.min() > 0 and finite.max() / finite.min() >= LOG_SPAN:
        getattr(ax, f"set_{which}scale")("log")
    getattr(ax, f"set_{which}label")(name)


def scatter_figure(table: pa.Table, x: str, y: str, title: str, highlight: pa.Table | None = None) -> Figure:
    """``y`` against ``x`` for every row of ``table`` (grey), and the rows of ``highlight`` (a front,
    red points: with more than two objectives its projection on two is not a curve) when given.
    Returns the figure (the caller saves it)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.6), layout="constrained")
    ax = fig.subplots()
    xs, ys = _values(table, x), _values(table, y)
    ax.scatter(xs, ys, s=8, color="0.6", label=f"{table.num_rows:,} designs")
    if highlight is not None and highlight.num_rows:
        hx, hy = _values(highlight, x), _values(highlight, y)
        ax.scatter(hx, hy, s=14, color="tab:red", label=f"Pareto front ({highlight.num_rows})")
    _axis(ax, "x", xs, x)
    _axis(ax, "y", ys, y)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return fig
