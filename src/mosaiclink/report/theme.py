"""Shared look of the Plotly figures (one template, one palette) and number formatting."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from mosaiclink.units import format_ber as fmt_ber  # noqa: F401  (one BER formatter, shared with the CLI)

PALETTE = ("#0b6bcb", "#e0771a", "#2a9d5c", "#c23b4b", "#7b5cc4", "#5b6677", "#b8860b", "#1aa3b8")
MOSAIC_COLOR = PALETTE[0]
KP4_THRESHOLD_BER = 2.4e-4  # RS(544,514) pre-FEC BER threshold used for 100G/lane Ethernet


def base_layout(title: str, **overrides) -> go.Layout:
    """White, compact layout with the title inside the figure."""
    layout = dict(
        title=dict(text=title, x=0.02, font=dict(size=15)),
        template="plotly_white",
        margin=dict(l=60, r=20, t=50, b=50),
        height=380,
        font=dict(family="system-ui, sans-serif", size=12),
        legend=dict(orientation="h", y=-0.2),
    )
    layout.update(overrides)
    return go.Layout(**layout)


def fmt(value: float | None, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, thousands separators for large ones."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"
