"""The explorer's "report this design": ``mosaic report`` on the design on screen, as one page, with progress.

The query is the explorer's (preset plus edited fields), validated by the one design validation
before any work (a refused design is a one-line 400, never a report with parts silently missing);
the design is assessed once (:func:`~mosaiclink.assessment.design_assessment.assess`) and rendered like the
report's ``index.html``, without writing files. A report takes tens of seconds, so it runs as a
job on a worker thread: :class:`ReportJobs` records the assessment's step (its ``on_step``
callback) for the page to poll, and keeps the few most recent pages.
"""

from __future__ import annotations

import html
import itertools
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

from mosaiclink.assessment.design_assessment import STEPS, assess
from mosaiclink.config.io import read_package_text
from mosaiclink.errors import ConfigError, MosaicError
from mosaiclink.report.build import build_sections
from mosaiclink.report.html import render_page
from mosaiclink.web.explorer import query_design

KEPT_JOBS = 4  # finished pages kept for their tab to fetch (each a few MB)
MAX_RUNNING_JOBS = 2  # a report keeps a core busy; more at once only slows each down


def report_html(params: Mapping[str, str], seed: int = 0, on_step=None) -> str:
    """The full report of the explorer's design (tens of seconds: every model runs)."""
    design, preset, overrides = query_design(params)
    changed = ", ".join(f"{k} = {v:g}" if not isinstance(v, str) else f"{k} = {v}" for k, v in overrides.items())
    changed = changed or "no changes"
    assessment = assess(design, seed=seed, origin=f"the explorer: preset {preset} with {changed}", on_step=on_step)
    return render_page(
        title=f"MOSAIC link report: {design.name} (from the explorer)",
        subtitle=f"Preset {preset} with {changed}. Generated {assessment.generated_utc} by mosaiclink "
        f"{assessment.version}, seed {seed}; the same as mosaic report on this design.",
        sections=build_sections(assessment),
        footer=f"mosaiclink {assessment.version} · generated {assessment.generated_utc} · seed {seed}",
    )


@dataclass
class ReportJob:
    """One report being built: its step, and its page or error when done."""

    step: int = 0
    label: str = "starting"
    started: float = field(default_factory=time.monotonic)
    page: str | None = None
    error: str | None = None

    def status(self) -> dict:
        return {
            "step": self.step,
            "steps": len(STEPS) + 1,  # the steps, then rendering the page
            "label": self.label,
            "elapsed_s": round(time.monotonic() - self.started, 1),
            "done": self.page is not None,
            "error": self.error,
        }


class ReportJobs:
    """Report jobs by id, built on worker threads (the server keeps answering meanwhile)."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, ReportJob] = OrderedDict()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def start(self, params: Mapping[str, str]) -> str:
        """Validate the design now (ConfigError as for any entry point), then build its report on a thread."""
        query_design(params)
        with self._lock:
            running = sum(job.page is None and job.error is None for job in self._jobs.values())
            if running >= MAX_RUNNING_JOBS:
                raise ConfigError(f"{running} reports are being built: wait for one to finish")
            job_id = str(next(self._ids))
            self._jobs[job_id] = ReportJob()
            while len(self._jobs) > KEPT_JOBS + MAX_RUNNING_JOBS:
                self._jobs.popitem(last=False)
        threading.Thread(target=self._run, args=(job_id, dict(params)), daemon=True).start()
        return job_id

    def get(self, job_id: str) -> ReportJob:
        job = self._jobs.get(job_id)
        if job is None:
            raise ConfigError(f"report {job_id[:20]!r}: unknown or expired; ask for it again")
        return job

    def _run(self, job_id: str, params: dict[str, str]) -> None:
        job = self._jobs[job_id]

        def on_step(index: int, label: str) -> None:
            job.step, job.label = index, label

        try:
            page = report_html(params, on_step=on_step)
            job.step, job.label = len(STEPS), "rendering the page"
            job.page = page
        except MosaicError as exc:
            job.error = str(exc)
        except Exception as exc:  # a failed job must not look like a running one forever  # noqa: BLE001
            job.error = f"the report failed ({type(exc).__name__}: {str(exc)[:120]})"


def refused_page(message: str) -> str:
    """The one-line refusal of a design, as a page (status 400)."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Design refused</title></head>'
        f'<body style="font:15px system-ui,sans-serif;margin:40px"><p role="alert">error: {html.escape(message)}</p>'
        "<p>Nothing was computed: the design is refused exactly as <code>mosaic link</code> refuses it.</p>"
        "</body></html>"
    )


def progress_page(query: str) -> str:
    """The page a "report this design" tab opens at once: the steps as they run, then the report."""
    q = json.dumps(query).replace("<", "\\u003c")  # a JS string literal that cannot close the script
    template = read_package_text("mosaiclink.web", "report_progress.html")
    return template.replace("{{QUERY}}", q)
