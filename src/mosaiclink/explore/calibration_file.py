"""The calibrated design as TOML text, each fitted value followed by its ``fitted`` provenance comment.

Provenance in design files is a comment after the value (as in ``config/presets/*.toml``:
a source tag, "estimate", or here "fitted: dataset ... sha256:..., rms residual ..., 95 %
profile interval [...]"), so a calibrated file loads like any design file.
"""

from __future__ import annotations

import tomli_w

from mosaiclink.explore.calibrate import Calibration


def calibrated_toml(result: Calibration) -> str:
    """TOML of ``result.design`` with a provenance comment on every fitted leaf and a header."""
    fitted = {f.path: result.provenance(f.path) for f in result.fitted}
    lines = [
        f"# Calibrated by mosaic calibrate on {result.dataset.name} ({result.dataset.path.name}, "
        f"sha256 {result.dataset.sha256}).",
        f"# {result.fit_quality} over {len(result.dataset.points)} BER points; fitted leaves say 'fitted:'.",
    ]
    if result.warning:
        lines.append(f"# WARNING: {result.warning}")
    section = ""
    for line in tomli_w.dumps(result.design.to_mapping()).splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped.strip("[]") + "."
        key = stripped.split("=", 1)[0].strip() if "=" in stripped else None
        path = f"{section}{key}" if key else None
        lines.append(f"{line}  # {fitted[path]}" if path in fitted else line)
    return "\n".join(lines) + "\n"
