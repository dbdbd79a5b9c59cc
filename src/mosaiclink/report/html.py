"""Render report sections into one self-contained HTML page (works offline, no CDN).

Plotly's JavaScript bundle and the figures' template are inlined once; every figure is a ``<div class="figure">``
drawn by ``Plotly.newPlot`` and marked ``data-rendered="true"`` when drawing finishes, so a
browser test can check that every figure rendered.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence

import plotly.io as pio
from plotly.offline import get_plotlyjs

from mosaiclink.report.document import Figure, Section, Table
from mosaiclink.report.theme import template_json

STYLE = """
:root { --ink:#1d2430; --muted:#5b6677; --line:#d9dee7; --accent:#0b6bcb; --bg:#f6f8fb; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
       color:var(--ink); background:var(--bg); }
header { background:#10233f; color:#fff; padding:22px 40px; }
header h1 { margin:0 0 4px; font-size:24px; font-weight:600; }
header p { margin:0; color:#b9c7dc; }
nav { padding:10px 40px; background:#fff; border-bottom:1px solid var(--line); position:sticky; top:0; z-index:5; }
nav a { margin-right:18px; color:var(--accent); text-decoration:none; font-size:14px; }
main { max-width:1200px; margin:0 auto; padding:10px 40px 60px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:18px 24px; margin:22px 0; }
section h2 { margin:0 0 10px; font-size:19px; }
table { border-collapse:collapse; margin:10px 0 16px; font-size:13.5px; width:100%; }
th, td { border-bottom:1px solid var(--line); padding:5px 8px; text-align:left; }
th.num, td.num { text-align:right; font-variant-numeric:tabular-nums; }
#summary { border-left:5px solid var(--accent); }
th { background:#eef2f8; font-weight:600; }
caption { caption-side:top; text-align:left; color:var(--muted); padding-bottom:4px; }
.figures { display:grid; grid-template-columns:repeat(auto-fit,minmax(520px,1fr)); gap:14px; }
.figure { min-height:360px; }
.figcap { color:var(--muted); font-size:13px; margin:2px 0 10px; }
footer { color:var(--muted); font-size:12.5px; text-align:center; padding:20px; }
"""

DRAW_SCRIPT = """
var template = JSON.parse(document.getElementById('plotly-template').textContent);
document.querySelectorAll('div.figure').forEach(function (el) {
  var spec = JSON.parse(document.getElementById(el.id + '-data').textContent);
  spec.layout.template = spec.layout.template || template;
  Plotly.newPlot(el, spec.data, spec.layout, {displaylogo: false, responsive: true})
    .then(function () { el.dataset.rendered = 'true'; });
});
"""


_NUMERIC = re.compile(r"^[<>=~+\-−]*\s*[\d.,]")


def numeric_columns(table: Table) -> tuple[bool, ...]:
    """A column is numeric (right-aligned) when every non-placeholder cell starts with a number."""
    out = []
    for index in range(len(table.columns)):
        cells = [row[index] for row in table.rows if row[index] not in ("-", "n/a", "")]
        out.append(bool(cells) and all(_NUMERIC.match(cell) for cell in cells))
    return tuple(out)


def render_table(table: Table) -> str:
    numeric = numeric_columns(table)
    cls = ["" if not n else ' class="num"' for n in numeric]
    head = "".join(f"<th{c}>{html.escape(col)}</th>" for col, c in zip(table.columns, cls, strict=True))
    body = "".join(
        "<tr>" + "".join(f"<td{c}>{html.escape(cell)}</td>" for cell, c in zip(row, cls, strict=True)) + "</tr>"
        for row in table.rows
    )
    caption = f"<caption>{html.escape(table.caption)}</caption>" if table.caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def json_script(element_id: str, text: str) -> str:
    """A JSON data block the page's script reads by id."""
    safe = text.replace("</", "<\\/")  # never close the script tag early
    return f'<script type="application/json" id="{html.escape(element_id)}">{safe}</script>'


def render_figure(figure: Figure) -> str:
    spec = pio.to_json(figure.plotly, validate=False, pretty=False)
    caption = f'<p class="figcap">{html.escape(figure.caption)}</p>' if figure.caption else ""
    return (
        f'<div><div class="figure" id="{html.escape(figure.figure_id)}" '
        f'data-title="{html.escape(figure.title)}"></div>{caption}'
        f"{json_script(figure.figure_id + '-data', spec)}</div>"
    )


def render_section(section: Section) -> str:
    parts = [f'<section id="{html.escape(section.section_id)}"><h2>{html.escape(section.title)}</h2>']
    parts += [f"<p>{html.escape(p)}</p>" for p in section.paragraphs]
    parts += [render_table(t) for t in section.tables]
    if section.figures:
        parts.append('<div class="figures">' + "".join(render_figure(f) for f in section.figures) + "</div>")
    parts.append("</section>")
    return "".join(parts)


def render_page(title: str, subtitle: str, sections: Sequence[Section], footer: str = "") -> str:
    """The whole report as one HTML string with Plotly's JavaScript inlined."""
    nav = "".join(f'<a href="#{html.escape(s.section_id)}">{html.escape(s.title)}</a>' for s in sections)
    body = "".join(render_section(s) for s in sections)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style><script>{get_plotlyjs()}</script></head><body>"
        f"<header><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{body}</main><footer>{html.escape(footer)}</footer>"
        f"{json_script('plotly-template', template_json())}"
        f"<script>{DRAW_SCRIPT}</script></body></html>"
    )


def sections_to_json(sections: Sequence[Section]) -> str:
    """The numbers behind the report, keyed by section id (for ``report.json``)."""
    return json.dumps({s.section_id: s.data for s in sections}, indent=2, default=float)
