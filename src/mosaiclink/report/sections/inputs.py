"""Inputs and provenance: every design parameter, its value, meaning and source.

The source of each preset value is the comment beside it in the preset's TOML file
(a tag of ``docs/research/mosaic.md`` or "estimate"); values inherited through
``extends`` take the comment of the preset they come from.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.io import read_package_text, read_package_toml
from mosaiclink.config.presets import preset_names
from mosaiclink.report.document import Section, Table

_TABLE = re.compile(r"^\s*\[([\w.]+)\]\s*$")
_KEY_COMMENT = re.compile(r"^\s*(\w+)\s*=[^#]*#\s*(.+?)\s*$")


def preset_sources(name: str) -> dict[tuple[str, str], str]:
    """``{(table, key): comment}`` for a shipped preset, following its ``extends`` chain."""
    if name not in preset_names():
        return {}
    text = read_package_text("mosaiclink.config.presets", f"{name}.toml")
    base = read_package_toml("mosaiclink.config.presets", f"{name}.toml").get("extends")
    sources = preset_sources(base) if isinstance(base, str) else {}
    table = ""
    for line in text.splitlines():
        if match := _TABLE.match(line):
            table = match.group(1)
        elif match := _KEY_COMMENT.match(line):
            sources[(table, match.group(1))] = match.group(2)
    return sources


def inputs_section(design: MosaicDesign, origin: str) -> Section:
    """A table of every parameter of the design with its description and source."""
    sources = preset_sources(design.name)
    rows = []
    for table_name in type(design).model_fields:
        sub = getattr(design, table_name)
        if not isinstance(sub, BaseModel):
            continue
        for key, info in type(sub).model_fields.items():
            rows.append(
                (
                    f"{table_name}.{key}",
                    str(getattr(sub, key)),
                    info.description or "",
                    sources.get((table_name, key), "default (see docs/models.md)"),
                )
            )
    return Section(
        section_id="inputs",
        title="Inputs and provenance",
        paragraphs=(
            f"Design '{design.name}' from {origin}. {design.description}",
            "Sources are tags of docs/research/mosaic.md: [P] primary, [S] secondary reading of the paper, "
            "[T] third-party modelling, [N] news, [E]/estimate our own choice.",
        ),
        tables=(Table(columns=("parameter", "value", "meaning", "source"), rows=tuple(rows)),),
        data={"design": design.to_mapping(), "origin": origin},
    )
