"""Every source tag and research-section reference in the code and docs resolves inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
RESEARCH = {"research": "mosaic.md", "baselines": "baselines.md"}


def _texts() -> dict[Path, str]:
    files = [*(ROOT / "src").rglob("*.py"), *(ROOT / "src").rglob("*.toml"), *(ROOT / "docs").glob("*.md")]
    files += [ROOT / "README.md"]
    return {path: path.read_text(encoding="utf-8") for path in files}


def _defined(pattern: str) -> set[str]:
    return set(re.findall(pattern, SOURCES, flags=re.MULTILINE))


def test_every_source_id_and_confidence_tag_is_defined_in_sources_md():
    ids = _defined(r"^\| ([PS]\d+) \|")
    letters = _defined(r"^\| \[([A-Z])\] \|")
    assert {"P1", "S1", "S11"} <= ids and {"P", "S", "N", "T", "E", "R", "D"} <= letters
    missing = {}
    for path, text in _texts().items():
        for tag in re.findall(r"\[([PS]\d+)[\] ]", text):
            if tag not in ids:
                missing.setdefault(tag, path.relative_to(ROOT))
        for letter in re.findall(r"\[([PSNTERDVB])\](?!\()", text):  # not a markdown link [x](...)
            if letter not in letters:
                missing.setdefault(letter, path.relative_to(ROOT))
    assert not missing, missing


def _sections(path: Path) -> set[str]:
    """Section numbers of a research note: its headings (``## 3.``, ``### 2.1``) and numbered items of
    sections without subsections (``7.6`` is item 6 of section 7)."""
    found: set[str] = set()
    section = None
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#{2,3} (\d+(?:\.\d+)?)\.?\s", line)
        if heading:
            found.add(heading[1])
            section = heading[1] if "." not in heading[1] else None
        elif section is not None and (item := re.match(r"^(\d+)\. ", line)):
            found.add(f"{section}.{item[1]}")
    return found


def test_every_research_section_reference_resolves_to_a_copied_note():
    sections = {name: _sections(ROOT / "docs" / "research" / file) for name, file in RESEARCH.items()}
    assert {"3", "2.1", "7"} <= sections["research"] and {"4.4", "7.6", "3.5"} <= sections["baselines"]
    unresolved = [
        (path.relative_to(ROOT), f"{name} {number}")
        for path, text in _texts().items()
        for name, number in re.findall(r"\b(research|baselines) (\d+(?:\.\d+)?)\b", text)
        if number not in sections[name]
    ]
    assert not unresolved, unresolved


def test_research_notes_state_their_origin():
    for file in RESEARCH.values():
        copied = (ROOT / "docs" / "research" / file).read_text(encoding="utf-8")
        assert copied.startswith("<!-- Copied verbatim from the project's research notes")
        assert "## How to read" in copied and "## " in copied.split("\n", 3)[-1]
