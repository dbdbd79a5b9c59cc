"""FastAPI app of the design explorer: one page, one JSON endpoint, Plotly served locally.

``GET /`` is the page (sliders, headline numbers, BER-vs-length chart); ``GET /api/point``
takes the slider values as query parameters (dotted design paths) and returns the metrics;
``GET /report`` with the same query runs the full report on that design.
Invalid input answers 400 with ``{"error": "<one line>"}``, which the page shows in place;
the page keeps its state in the URL's query string so a design can be shared as a link.
"""

from __future__ import annotations

import html
from functools import cache

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from plotly.offline import get_plotlyjs

from mosaiclink import __version__
from mosaiclink.config.io import read_package_text
from mosaiclink.config.presets import DEFAULT_PRESET, preset_names
from mosaiclink.errors import MosaicError
from mosaiclink.web.explorer import KNOBS, explore_point


@cache
def page_html() -> str:
    """The page with the slider definitions and preset list filled in."""
    template = read_package_text("mosaiclink.web", "explorer.html")
    knobs = "".join(
        f'<label class="knob"><span>{k.label}</span><input type="range" name="{k.path}" min="{k.min_value}" '
        f'max="{k.max_value}" step="{k.step}" aria-label="{k.label}"><input type="number" name="{k.path}" '
        f'min="{k.min_value}" max="{k.max_value}" step="{k.step}" aria-label="{k.label} value"></label>'
        for k in KNOBS
    )
    presets = "".join(
        f'<option value="{name}"{" selected" if name == DEFAULT_PRESET else ""}>{name}</option>'
        for name in preset_names()
    )
    return template.replace("{{KNOBS}}", knobs).replace("{{PRESETS}}", presets).replace("{{VERSION}}", __version__)


def create_app() -> FastAPI:
    """The explorer application."""
    app = FastAPI(title="mosaiclink explorer", version=__version__, docs_url=None, redoc_url=None)

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return page_html()

    @app.get("/plotly.js")
    def plotly_js() -> Response:
        return Response(get_plotlyjs(), media_type="application/javascript", headers={"Cache-Control": "max-age=86400"})

    @app.get("/report", response_class=HTMLResponse)
    def report(request: Request) -> Response:
        from mosaiclink.web.report_page import report_html  # the whole report stack, only when asked

        try:
            return HTMLResponse(report_html(dict(request.query_params)))
        except MosaicError as exc:
            return HTMLResponse(f"<p>error: {html.escape(str(exc))}</p>", status_code=400)

    @app.get("/api/point")
    def point(request: Request) -> JSONResponse:
        try:
            return JSONResponse(explore_point(dict(request.query_params)))
        except MosaicError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    return app
