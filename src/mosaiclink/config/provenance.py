"""Provenance of each value of a shipped preset, read from the comment after it.

Preset files say where each value comes from in a trailing comment (``# [S2] ...`` a source
tag, ``# estimate: ...`` ours, ``# fitted: ...`` written by ``mosaic calibrate``, ``# analysis
setting``). :func:`preset_provenance` classifies every leaf, following ``extends``, so tools can
list the estimates that have no range yet.
"""

from __future__ import annotations

import re

from mosaiclink.config.io import read_package_text, read_package_toml

_PRESET_PACKAGE = "mosaiclink.config.presets"
_TABLE = re.compile(r"^\s*\[([A-Za-z0-9_.]+)\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_]+)\s*=\s*[^#]*?(?:#\s*(.*))?$")


def classify(comment: str) -> str:
    """``fitted``, ``estimate``, ``setting``, ``source`` or ``unknown`` from a value's comment."""
    text = comment.lower()
    if text.startswith("fitted"):
        return "fitted"
    if "estimate" in text:
        return "estimate"
    if "analysis setting" in text:
        return "setting"
    return "source" if text else "unknown"


def preset_provenance(name: str) -> dict[str, str]:
    """``{dotted.path: kind}`` for every leaf a preset sets (its ``extends`` chain included)."""
    text = read_package_text(_PRESET_PACKAGE, f"{name}.toml")
    base = read_package_toml(_PRESET_PACKAGE, f"{name}.toml").get("extends")
    out = preset_provenance(base) if isinstance(base, str) else {}
    section = ""
    for line in text.splitlines():
        table = _TABLE.match(line)
        if table:
            section = table.group(1) + "."
            continue
        key = _KEY.match(line)
        if key and section:
            out[section + key.group(1)] = classify(key.group(2) or "")
    return out
