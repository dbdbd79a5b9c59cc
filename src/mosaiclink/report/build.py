"""Run every capability on one design and collect the report's sections.

This is the main job behind ``mosaic report``: each step evaluates one layer (link
physics, Monte Carlo check, data path, power/reliability/cost beside the alternatives,
cluster impact) and returns a :class:`~mosaiclink.report.document.Section`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from mosaiclink import __version__
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.io import write_text_atomic
from mosaiclink.report.document import Section
from mosaiclink.report.html import render_page, sections_to_json
from mosaiclink.report.paper_figures import write_paper_figures
from mosaiclink.report.sections.cluster import cluster_section
from mosaiclink.report.sections.cluster_scenario import scenario_section
from mosaiclink.report.sections.datapath import datapath_section
from mosaiclink.report.sections.inputs import inputs_section
from mosaiclink.report.sections.link import link_section
from mosaiclink.report.sections.simulation import simulation_section
from mosaiclink.report.sections.system import system_section


@dataclass(frozen=True)
class ReportStep:
    """One named step of the report and the function that builds its section."""

    label: str
    build: Callable[[MosaicDesign, int], Section]


def _scenario_step(name: str, design: MosaicDesign, seed: int) -> Section:
    """A memory-pool or scale-up-sweep section (deterministic: ``seed`` is unused)."""
    return scenario_section(name, design)


def report_steps(origin: str, scenarios: tuple[str, ...] = ()) -> tuple[ReportStep, ...]:
    """The steps in the order the report shows them; ``scenarios`` adds a memory-pool or scale-up-sweep
    section each (shipped name or file) after the cluster impact."""
    extra = tuple(ReportStep(f"scenario {name}", partial(_scenario_step, name)) for name in scenarios)
    return (
        ReportStep("link physics", link_section),
        ReportStep("Monte Carlo check", simulation_section),
        ReportStep("data path and FEC", datapath_section),
        ReportStep("power, reliability and cost vs alternatives", system_section),
        ReportStep("cluster impact", cluster_section),
        *extra,
        ReportStep("inputs and provenance", lambda design, seed: inputs_section(design, origin)),
    )


def build_sections(
    design: MosaicDesign,
    origin: str,
    seed: int = 0,
    on_step: Callable[[int, str], None] | None = None,
    scenarios: tuple[str, ...] = (),
) -> list[Section]:
    """Evaluate every step; ``on_step(index, label)`` is called before each (for a progress bar)."""
    sections = []
    for index, step in enumerate(report_steps(origin, scenarios)):
        if on_step:
            on_step(index, step.label)
        sections.append(step.build(design, seed))
    return sections


def write_report(sections: list[Section], design: MosaicDesign, out_dir: Path, seed: int) -> Path:
    """Write ``index.html`` (self-contained), ``report.json`` and ``figures/*.png|svg`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    page = render_page(
        title=f"MOSAIC link report: {design.name}",
        subtitle=design.description,
        sections=sections,
        footer=f"mosaiclink {__version__} · seed {seed} · every number computed by the models named in docs/",
    )
    index = out_dir / "index.html"
    write_text_atomic(index, page)
    write_text_atomic(out_dir / "report.json", sections_to_json(sections))
    write_paper_figures(sections, out_dir / "figures")
    return index
