"""The report's content model: sections of prose, tables and interactive figures.

Each capability contributes a :class:`Section`; :mod:`mosaiclink.report.html` renders
them into one self-contained page. Keeping content separate from rendering lets the same
sections feed the HTML, the terminal summary and the JSON dump.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go


@dataclass(frozen=True)
class Table:
    """A small table: column headers and rows of already-formatted cells."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class Figure:
    """An interactive Plotly figure with a stable id (used by the browser tests)."""

    figure_id: str
    title: str
    plotly: go.Figure
    caption: str = ""


@dataclass(frozen=True)
class Section:
    """One capability's part of the report."""

    section_id: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    headline: tuple[tuple[str, str], ...] = ()  # (label, value) pairs for the terminal summary
    data: dict[str, Any] = field(default_factory=dict)
