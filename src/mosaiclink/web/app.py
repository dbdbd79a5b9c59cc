"""FastAPI app of the design explorer: one page, its JSON endpoints, Plotly served locally.

``GET /`` is the page (grouped knobs, headline numbers, BER-vs-length chart, A/B, sweep);
``GET /api/point`` takes the design as query parameters (the preset and dotted design paths) and
returns its metrics; ``GET /api/sweep`` the fast path over one knob; ``GET /api/design.toml``
the design as a file and ``POST /api/design`` a design file back as a query; ``GET /report``
opens a page that builds the full report of the design with its progress
(``POST /api/report``, ``GET /api/report/{id}``, ``GET /report/{id}``).
Every design goes through the one design validation before any work: invalid input answers 400
with ``{"error": "<one line>"}`` (the CLI's message), which the page shows in place.
"""

from __future__ import annotations

import tempfile
from functools import cache
from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from plotly.offline import get_plotlyjs

from mosaiclink import __version__
from mosaiclink.config.io import MAX_CONFIG_BYTES, read_package_text
from mosaiclink.config.presets import DEFAULT_PRESET, preset_names
from mosaiclink.errors import ConfigError, MosaicError
from mosaiclink.web.explorer import (
    KNOBS,
    Knob,
    design_file_query,
    design_file_text,
    explore_point,
    query_design,
    sweep_knob,
)

GROUPS = ("link", "array", "LED", "optics", "fibre", "receiver", "equalizer")
OPEN_GROUPS = ("link", "array")


def knob_html(k: Knob) -> str:
    """One control: a drop-down, a check box, a number box alone, or a slider with a number box beside it."""
    label = escape(k.label)
    if k.choices:
        options = "".join(f'<option value="{c}">{c}</option>' for c in k.choices)
        control = f'<select name="{k.path}" data-kind="choice" aria-label="{label}">{options}</select>'
    elif k.step == 0.0:
        control = f'<input type="checkbox" name="{k.path}" data-kind="flag" aria-label="{label}">'
    else:
        slider = (
            f'<input type="range" name="{k.path}" min="{k.min_value}" max="{k.max_value}" step="{k.step}" '
            f'aria-label="{label} slider">'
            if k.min_value is not None
            else "<span></span>"
        )
        control = f'{slider}<input type="number" name="{k.path}" step="any" data-kind="number" aria-label="{label}">'
    return f'<label class="knob" data-path="{k.path}"><span>{label}</span>{control}<small class="note"></small></label>'


@cache
def page_html() -> str:
    """The page with the grouped controls and the preset list filled in."""
    template = read_package_text("mosaiclink.web", "explorer.html")
    groups = "".join(
        f'<details class="group"{" open" if group in OPEN_GROUPS else ""}><summary>{group}</summary>'
        + "".join(knob_html(k) for k in KNOBS if k.group == group)
        + "</details>"
        for group in GROUPS
    )
    sweepable = "".join(
        f'<option value="{k.path}">{escape(k.label)}</option>' for k in KNOBS if k.min_value is not None
    )
    presets = "".join(
        f'<option value="{name}"{" selected" if name == DEFAULT_PRESET else ""}>{name}</option>'
        for name in preset_names()
    )
    return (
        template.replace("{{KNOBS}}", groups)
        .replace("{{SWEEPABLE}}", sweepable)
        .replace("{{PRESETS}}", presets)
        .replace("{{VERSION}}", __version__)
    )


def _refused(exc: MosaicError) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=400)


async def _body_text(request: Request) -> str:
    """The request body as text, read no further than a design file may be long."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(f"design file: larger than {MAX_CONFIG_BYTES // 2**20} MiB; a design file is a few kB")
        chunks.append(chunk)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError("design file: not UTF-8 text; is it a binary file?") from None


def create_app() -> FastAPI:
    """The explorer application."""
    from mosaiclink.web.report_page import ReportJobs, progress_page, refused_page

    app = FastAPI(title="mosaiclink explorer", version=__version__, docs_url=None, redoc_url=None)
    jobs = ReportJobs()

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return page_html()

    @app.get("/plotly.js")
    def plotly_js() -> Response:
        return Response(get_plotlyjs(), media_type="application/javascript", headers={"Cache-Control": "max-age=86400"})

    @app.get("/api/point")
    def point(request: Request) -> JSONResponse:
        try:
            return JSONResponse(explore_point(dict(request.query_params)))
        except MosaicError as exc:
            return _refused(exc)

    @app.get("/api/sweep")
    def sweep(request: Request) -> JSONResponse:
        try:
            return JSONResponse(sweep_knob(dict(request.query_params)))
        except MosaicError as exc:
            return _refused(exc)

    @app.get("/api/design.toml")
    def save_design(request: Request) -> Response:
        try:
            params = dict(request.query_params)
            text = design_file_text(params)
        except MosaicError as exc:
            return _refused(exc)
        name = f"{params.get('preset', DEFAULT_PRESET)}-edited.toml"
        return Response(
            text, media_type="application/toml", headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )

    @app.post("/api/design")
    async def load_design(request: Request) -> JSONResponse:
        try:
            text = await _body_text(request)
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "uploaded.toml"
                path.write_text(text, encoding="utf-8")
                return JSONResponse(design_file_query(path))
        except MosaicError as exc:
            return _refused(exc)

    @app.get("/report", response_class=HTMLResponse)
    def report(request: Request) -> HTMLResponse:
        try:
            query_design(dict(request.query_params))
        except MosaicError as exc:
            return HTMLResponse(refused_page(str(exc)), status_code=400)
        return HTMLResponse(progress_page(request.url.query))

    @app.post("/api/report")
    def start_report(request: Request) -> JSONResponse:
        try:
            return JSONResponse({"id": jobs.start(dict(request.query_params))})
        except MosaicError as exc:
            return _refused(exc)

    @app.get("/api/report/{job_id}")
    def report_status(job_id: str) -> JSONResponse:
        try:
            return JSONResponse(jobs.get(job_id).status())
        except MosaicError as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)

    @app.get("/report/{job_id}", response_class=HTMLResponse)
    def report_page(job_id: str) -> HTMLResponse:
        try:
            job = jobs.get(job_id)
        except MosaicError as exc:
            return HTMLResponse(refused_page(str(exc)), status_code=404)
        if job.page is None:
            return HTMLResponse(refused_page(job.error or "the report is not finished yet"), status_code=409)
        return HTMLResponse(job.page)

    return app
