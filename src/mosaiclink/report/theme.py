"""Shared look of the Plotly figures: one template, one palette, one BER axis (numbers: :mod:`.numbers`)."""

from __future__ import annotations

import plotly.graph_objects as go

PALETTE = ("#0b6bcb", "#e0771a", "#2a9d5c", "#c23b4b", "#7b5cc4", "#5b6677", "#b8860b", "#1aa3b8")
MOSAIC_COLOR = PALETTE[0]
KP4_THRESHOLD_BER = 2.4e-4  # RS(544,514) pre-FEC BER threshold used for 100G/lane Ethernet
BER_AXIS_LOG10 = (-16.0, 0.0)  # the useful decades: from a countable BER to below any FEC threshold
# One template for every figure. Layouts do not carry it (Plotly validates and copies a template
# into each figure, which cost more than building all the report's figures): the report page
# applies it once to every figure, and :func:`themed` to a figure handed to a user.
TEMPLATE = "plotly_white"


def base_layout(title: str, **overrides) -> go.Layout:
    """White, compact layout with the title inside the figure."""
    layout = dict(
        title=dict(text=title, x=0.02, font=dict(size=15)),
        margin=dict(l=60, r=20, t=50, b=50),
        height=380,
        font=dict(family="system-ui, sans-serif", size=12),
        legend=dict(orientation="h", y=-0.2),
    )
    layout.update(overrides)
    return go.Layout(**layout)


def themed(figure: go.Figure) -> go.Figure:
    """``figure`` with the report's template, as the report page draws it (for notebooks and scripts)."""
    return go.Figure(figure).update_layout(template=TEMPLATE)


def template_json() -> str:
    """The template as JSON, inlined once in the report page."""
    import plotly.io as pio
    from plotly.io.json import to_json_plotly

    return to_json_plotly(pio.templates[TEMPLATE].to_plotly_json())
