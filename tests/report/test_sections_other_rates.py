"""The report on a design whose aggregate rate has no host protocol or catalog alternatives."""

from __future__ import annotations

import json
import stat

import numpy as np
import pytest

from mosaiclink.assessment.design_assessment import STEPS, assess
from mosaiclink.config.presets import load_preset
from mosaiclink.report.build import build_sections, write_report


@pytest.fixture(scope="module")
def prototype():
    steps = []
    design = load_preset("mosaic-prototype")  # 100 x 2 Gb/s = 200 Gb/s
    assessment = assess(design, seed=0, origin="preset mosaic-prototype", on_step=lambda i, label: steps.append(i))
    return assessment, steps


def test_prototype_report_says_what_it_cannot_compare(prototype, tmp_path):
    assessment, steps = prototype
    assert steps == list(range(len(STEPS)))
    sections = build_sections(assessment)
    by_id = {s.section_id: s for s in sections}
    assert "This design has no host protocol" in by_id["datapath"].paragraphs[0]
    assert "no catalog alternatives" in by_id["system"].title
    assert "compare" not in by_id["system"].data
    # the headline claims are about the 800G design; the prototype is checked against the published BER points
    claims = by_id["summary"].data["uncertainty"]["claims"]
    assert claims and all(c["metric"].startswith("log10_ber@point") for c in claims)
    # the prototype's own power is computed bottom-up, far below the 800G design's
    pluggable_w = by_id["system"].data["power"]["pluggable"]["total_w_per_end"]
    assert 0.5 < pluggable_w < 3.0
    index = write_report(assessment, sections, tmp_path)
    html = index.read_text()
    for section in sections:
        for figure in section.figures:
            assert f'id="{figure.figure_id}"' in html
    assert json.loads((tmp_path / "report.json").read_text())["link"]["report"]["design"] == "mosaic-prototype"
    for path in (index, tmp_path / "report.json", *sorted((tmp_path / "figures").iterdir())):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_assessment_reuses_the_design_point(prototype):
    """The Monte Carlo checks the very channels and BERs of the link report (same design point, same seed)."""
    assessment, _ = prototype
    report, counted = assessment.link.report, assessment.simulation.counted
    assert counted.ber_analytic_design == pytest.approx(report.ber_stateye[counted.channels], rel=1e-9)
    assert assessment.simulation.eye.samples_per_bit >= 32


def test_fast_path_sweep_sits_in_the_full_models_spread(prototype):
    """The sweep's median channel at the design point is the full model's median within the population
    fast path's acceptance bound (0.3 decade where BER >= 1e-15)."""
    link = prototype[0].link
    report = link.report
    design_rate = int(np.argmin(np.abs(link.sweep_rates_gbps - report.rate_gbps)))
    assert link.sweep_rates_gbps[design_rate] == pytest.approx(report.rate_gbps)
    median = np.interp(report.length_m, link.sweep_lengths_m, link.sweep_log10_ber_median[design_rate])
    full = report.ber_summary()["log10_median"]
    assert abs(median - full) <= 0.3 if full >= -15.0 else median < -12.0
    # slower channels reach further (the wide-and-slow trade)
    assert (np.diff(link.sweep_reach_median_m) <= 1e-9).all()
