"""The explorer's "report this design" link: ``mosaic report`` on the design on screen, as one page.

The query is the explorer's (preset plus changed slider values), validated the same way; the
design is assessed once (:func:`~mosaiclink.assess.assess`) and rendered like the
report's ``index.html``, without writing files.
"""

from __future__ import annotations

from collections.abc import Mapping

from mosaiclink.assess.assessment import assess
from mosaiclink.config.presets import load_preset
from mosaiclink.explore.spec import with_overrides
from mosaiclink.report.build import build_sections
from mosaiclink.report.html import render_page
from mosaiclink.web.explorer import parse_request


def report_html(params: Mapping[str, str], seed: int = 0) -> str:
    """The full report of the explorer's design (tens of seconds: every model runs)."""
    preset, overrides = parse_request(params)
    design = with_overrides(load_preset(preset), overrides)
    changed = ", ".join(f"{k} = {v:g}" for k, v in overrides.items()) or "no changes"
    assessment = assess(design, seed=seed, origin=f"the explorer: preset {preset} with {changed}")
    return render_page(
        title=f"MOSAIC link report: {design.name} (from the explorer)",
        subtitle=f"Preset {preset} with {changed}. Generated {assessment.generated_utc} by mosaiclink "
        f"{assessment.version}, seed {seed}; the same as mosaic report on this design.",
        sections=build_sections(assessment),
        footer=f"mosaiclink {assessment.version} · generated {assessment.generated_utc} · seed {seed}",
    )
