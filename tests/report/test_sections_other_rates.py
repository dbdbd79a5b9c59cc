"""The report on a design whose aggregate rate has no host protocol or catalog alternatives."""

from __future__ import annotations

import json

from mosaiclink.config.presets import load_preset
from mosaiclink.report.build import build_sections, write_report


def test_prototype_report_says_what_it_cannot_compare(tmp_path):
    design = load_preset("mosaic-prototype")  # 100 x 2 Gb/s = 200 Gb/s
    steps = []
    sections = build_sections(design, "preset mosaic-prototype", seed=0, on_step=lambda i, label: steps.append(i))
    by_id = {s.section_id: s for s in sections}
    assert steps == list(range(len(sections)))
    assert "No standard host protocol runs at 200 Gb/s" in by_id["datapath"].paragraphs[0]
    assert "no catalog alternatives" in by_id["system"].title
    assert "compare" not in by_id["system"].data
    # the prototype's own power is computed bottom-up, far below the 800G design's
    pluggable_w = by_id["system"].data["power"]["pluggable"]["total_w_per_end"]
    assert 0.5 < pluggable_w < 3.0
    index = write_report(sections, design, tmp_path, seed=0)
    html = index.read_text()
    for section in sections:
        for figure in section.figures:
            assert f'id="{figure.figure_id}"' in html
    assert json.loads((tmp_path / "report.json").read_text())["link"]["report"]["design"] == "mosaic-prototype"
