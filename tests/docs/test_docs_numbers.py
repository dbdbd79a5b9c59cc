"""Numbers in the docs come from the code: every marked number matches what the code gives.

The fast set (:data:`docs_numbers.NUMBERS`) is recomputed here; the slow reaches and the generated
tables are rewritten by ``python tools/docs_numbers.py --write --tables``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

TOOL = Path(__file__).resolve().parents[2] / "tools" / "docs_numbers.py"
_spec = importlib.util.spec_from_file_location("docs_numbers", TOOL)
assert _spec is not None and _spec.loader is not None
docs_numbers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(docs_numbers)


def test_every_fast_docs_number_matches_the_code():
    assert docs_numbers.mismatches(docs_numbers.NUMBERS) == []


def test_models_md_crosstalk_is_marked_and_the_old_figures_are_gone():
    text = (TOOL.parents[1] / "docs" / "models.md").read_text(encoding="utf-8")
    found = docs_numbers.committed()
    assert {"crosstalk-800g-30m", "crosstalk-800g-50m"} <= set(found)
    assert "−75 dB" not in text and "−53 dB" not in text


def test_a_changed_number_is_caught(tmp_path):
    doc = tmp_path / "x.md"
    doc.write_text("crosstalk <!-- n:crosstalk-800g-30m -->−75<!-- /n --> dB\n", encoding="utf-8")
    bad = docs_numbers.mismatches({"crosstalk-800g-30m": docs_numbers.NUMBERS["crosstalk-800g-30m"]}, files=(doc,))
    assert len(bad) == 1 and "−75" in bad[0]
