"""Render an :class:`~mosaiclink.assessment.Assessment` into the report's sections and files.

This is the main job behind ``mosaic report``: :func:`~mosaiclink.assessment.assess` computes
every number once; each section module only renders it; :func:`write_report` writes the HTML,
``report.json`` and the paper figures from those same sections.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mosaiclink.assessment.design_assessment import Assessment
from mosaiclink.config.io import OUTPUT_MODE, write_text_atomic
from mosaiclink.errors import ConfigError
from mosaiclink.report.document import Section
from mosaiclink.report.html import render_page, sections_to_json
from mosaiclink.report.sections.cluster import cluster_section
from mosaiclink.report.sections.cluster_scenario import scenario_section
from mosaiclink.report.sections.datapath import datapath_section
from mosaiclink.report.sections.envelope import envelope_section
from mosaiclink.report.sections.inputs import inputs_section
from mosaiclink.report.sections.link import link_section
from mosaiclink.report.sections.signal import signal_section
from mosaiclink.report.sections.simulation import simulation_section
from mosaiclink.report.sections.summary import summary_section
from mosaiclink.report.sections.system import system_section
from mosaiclink.report.sections.workloads import workload_section

# (terminal label, renderer) in the order the page shows them
SECTIONS: tuple[tuple[str, Callable[[Assessment], Section]], ...] = (
    ("summary", summary_section),
    ("link physics", link_section),
    ("signal integrity", signal_section),
    ("Monte Carlo check", simulation_section),
    ("data path and FEC", datapath_section),
    ("power, reliability and cost vs alternatives", system_section),
    ("envelope and life", envelope_section),
    ("cluster impact", cluster_section),
    ("AI training job", workload_section),
    ("inputs and provenance", lambda a: inputs_section(a.design, a.origin)),
)


def labelled_sections(assessment: Assessment) -> list[tuple[str, Section]]:
    """``(terminal label, section)`` of every section in page order; the assessment's memory-pool or
    scale-up-sweep scenario sections (``mosaic report --scenario``) follow the cluster impact."""
    out = [(label, render(assessment)) for label, render in SECTIONS]
    after_cluster = next(i for i, (label, _) in enumerate(out) if label == "cluster impact") + 1
    scenarios = [(f"scenario {s.name}", scenario_section(s)) for s in assessment.scenarios]
    return out[:after_cluster] + scenarios + out[after_cluster:]


def build_sections(assessment: Assessment) -> list[Section]:
    """Every section of the report, rendered from one assessment."""
    return [section for _, section in labelled_sections(assessment)]


def figure_ids(assessment: Assessment) -> list[str]:
    """Ids of every figure of the report on ``assessment``."""
    return [f.figure_id for s in build_sections(assessment) for f in s.figures]


def report_figure(assessment: Assessment, figure_id: str = "fig-ber-length"):
    """The report's Plotly figure with id ``figure_id`` (ids: :func:`figure_ids`), as the page draws it."""
    from mosaiclink.report.theme import themed

    for section in build_sections(assessment):
        for figure in section.figures:
            if figure.figure_id == figure_id:
                return themed(figure.plotly)
    raise ConfigError(f"figure_id = {figure_id!r}: unknown; report figures: {', '.join(figure_ids(assessment))}")


def write_report(assessment: Assessment, sections: list[Section], out_dir: Path, paper_figures: bool = True) -> Path:
    """Write ``index.html`` (self-contained), ``report.json`` and, with ``paper_figures``, the
    Matplotlib ``figures/*.png|svg`` into ``out_dir`` (they took ~40 % of a report's CPU)."""
    design = assessment.design
    out_dir.mkdir(parents=True, exist_ok=True)
    page = render_page(
        title=f"MOSAIC link report: {design.name}",
        subtitle=f"{design.description.rstrip('.')}. Generated {assessment.generated_utc} by mosaiclink "
        f"{assessment.version} from {assessment.origin}, seed {assessment.seed}.",
        sections=sections,
        footer=f"mosaiclink {assessment.version} · generated {assessment.generated_utc} · seed {assessment.seed} · "
        "every number computed by the models named in docs/",
    )
    index = out_dir / "index.html"
    write_text_atomic(index, page)
    write_text_atomic(out_dir / "report.json", sections_to_json(sections))
    figures = []
    if paper_figures:  # Matplotlib is imported only when asked for (~0.6 s of CPU)
        from mosaiclink.report.paper_figures import write_paper_figures

        figures = write_paper_figures(sections, out_dir / "figures")
    written = [index, out_dir / "report.json", *figures]
    for path in written:
        path.chmod(OUTPUT_MODE)
    return index
