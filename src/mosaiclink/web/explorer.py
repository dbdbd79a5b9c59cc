"""What the explorer computes for one set of slider values (no HTTP here).

The sliders address design fields by dotted path; every request is validated through the
design spec (so a bad value gets the same one-line error as a bad file), refused outside the
slider's range, and evaluated with the population fast path of
:mod:`mosaiclink.explore.evaluate` (the reaches and the median channel's BER-vs-length curve)
plus the full per-channel model :func:`~mosaiclink.physics.link.evaluate_link` for the point's
channel population (what ``mosaic link`` reports).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from mosaiclink.config.presets import DEFAULT_PRESET, load_preset, preset_names
from mosaiclink.errors import ConfigError
from mosaiclink.explore.evaluate import evaluate_rows, population_pass
from mosaiclink.explore.spec import with_overrides
from mosaiclink.finite import require_finite
from mosaiclink.physics.ber import q_from_ber, q_from_log10_ber
from mosaiclink.physics.link import LinkReport, evaluate_link

CURVE_LENGTHS_M = np.linspace(1.0, 100.0, 100)
LOG10_BER_FLOOR = -20.0  # shown as "< 1e-20": below any decade a reader needs
SPREAD_BIN_DECADES = 0.5


@dataclass(frozen=True)
class Knob:
    """One slider: the design field it sets, its range and step."""

    path: str
    label: str
    min_value: float
    max_value: float
    step: float


KNOBS = (
    Knob("link.length_m", "fibre length (m)", 1.0, 100.0, 1.0),
    Knob("link.rate_gbps", "rate per channel (Gb/s)", 0.5, 4.0, 0.05),
    Knob("led.peak_current_ma", "LED peak current (mA)", 0.5, 10.0, 0.1),
    Knob("fiber.na", "fibre NA", 0.1, 0.5, 0.01),
    Knob("coupling.relay_na", "relay NA onto the fibre (launch stop)", 0.02, 0.5, 0.005),
    Knob("fiber.attenuation_db_per_m", "fibre loss (dB/m)", 0.01, 1.0, 0.01),
    Knob("array.spare_channels", "spare channels", 0.0, 120.0, 1.0),
)
KNOB_BY_PATH = {knob.path: knob for knob in KNOBS}
KNOB_PATHS = set(KNOB_BY_PATH)


def parse_request(params: Mapping[str, str]) -> tuple[str, dict[str, float]]:
    """Preset name and numeric overrides from query parameters; unknown names are errors."""
    preset = params.get("preset", DEFAULT_PRESET)
    if preset not in preset_names():
        raise ConfigError(f"preset = {preset!r}: unknown; valid presets: {', '.join(preset_names())}")
    overrides: dict[str, float] = {}
    for name, text in params.items():
        if name == "preset":
            continue
        if name not in KNOB_PATHS:
            raise ConfigError(f"parameter {name!r}: not adjustable here; adjustable: {', '.join(sorted(KNOB_PATHS))}")
        value = _number(name, text)
        knob = KNOB_BY_PATH[name]
        if not knob.min_value <= value <= knob.max_value:
            raise ConfigError(
                f"{name} = {value:g}: outside the explorer's range {knob.min_value:g}-{knob.max_value:g} "
                "(use a design file with mosaic link for other values)"
            )
        overrides[name] = value
    return preset, overrides


def _number(name: str, text: str) -> float:
    """A finite number from a query value (an integer for a count); anything else is a ConfigError."""
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{name} = {text[:40]!r}: must be a number") from None
    if not math.isfinite(value):
        raise ConfigError(f"{name} = {text[:40]!r}: must be a finite number (NaN and infinity are refused)")
    if name == "array.spare_channels":
        if value != int(value):
            raise ConfigError(f"{name} = {text[:40]!r}: must be a whole number of channels")
        return int(value)
    return value


def explore_point(params: Mapping[str, str]) -> dict:
    """Metrics of the requested design and its BER-vs-length curve (JSON-ready).

    The headline is the channel population ``mosaic link`` reports: the point's median channel,
    channels meeting the target and worst data channel in service are the full model's own
    (:func:`~mosaiclink.physics.link.evaluate_link`, seed 0, computed for the spread card
    anyway); the reaches and the curve (the median channel's BER against length) are the
    population fast path's (:func:`mosaiclink.explore.evaluate.evaluate_rows`, the same draw),
    within its measured agreement (docs/models.md). ``log10_ber_nominal`` is the nominal
    interior channel, labelled, never the headline.
    """
    preset, overrides = parse_request(params)
    design = with_overrides(load_preset(preset), overrides)
    what = f"explorer point of '{design.name}'"
    here_m = design.link.length_m
    point = require_finite(evaluate_rows(design, ("link.length_m",), np.array([[here_m]])), what)
    curve = population_pass(
        design, ("link.length_m",), CURVE_LENGTHS_M[:, None], reaches=False, reference_length_m=here_m
    )["log10_ber_median"]
    report = require_finite(evaluate_link(design, seed=0), what)
    here = {name: float(values[0]) for name, values in point.items()}
    median = float(np.median(report.log10_ber_stateye))
    q = float(q_from_log10_ber(median))
    here.update(
        log10_ber_median=median,
        ber_median=10.0**median,
        channels_meeting=float(report.channels_meeting_target),
        log10_ber_worst_in_service=report.nth_best_log10_ber(report.data_channels),
        log10_ber=median,
        ber=10.0**median,
        q_factor=q,
        q_margin_db=float(20.0 * np.log10(max(q, 1e-300) / q_from_ber(design.link.target_ber))),
    )
    return {
        "preset": preset,
        "design": {knob.path: _leaf(design, knob.path) for knob in KNOBS},
        "metrics": here,
        "link_ok": report.link_ok,
        "curve": {
            "length_m": CURVE_LENGTHS_M.tolist(),
            "log10_ber": np.maximum(require_finite(curve, what), LOG10_BER_FLOOR).tolist(),
        },
        "spread": channel_spread(report),
        "target_ber": design.link.target_ber,
        "log10_ber_floor": LOG10_BER_FLOOR,
    }


def channel_spread(report: LinkReport) -> dict:
    """Per-channel statistical-eye BER of the full model: percentiles and a histogram (log10, floored).

    Dead channels (no light) are counted apart; the percentiles are over live channels.
    """
    live = report.log10_ber_stateye[~report.dead]
    shown = np.maximum(live, LOG10_BER_FLOOR)
    edges = np.arange(LOG10_BER_FLOOR, 0.0 + SPREAD_BIN_DECADES, SPREAD_BIN_DECADES)
    counts, _ = np.histogram(shown, bins=edges)
    quantiles = np.quantile(live, [0.0, 0.1, 0.5, 0.9, 1.0]) if live.size else np.full(5, np.nan)
    return {
        "channels": report.channels,
        "data_channels": report.data_channels,
        "dead": int(report.dead.sum()),
        "meeting_target": report.channels_meeting_target,
        "link_ok": report.link_ok,
        "log10_ber": dict(zip(("best", "p10", "median", "p90", "worst"), (float(q) for q in quantiles), strict=True)),
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
    }


def _leaf(design, path: str) -> float:
    section, leaf = path.split(".")
    return float(getattr(getattr(design, section), leaf))
