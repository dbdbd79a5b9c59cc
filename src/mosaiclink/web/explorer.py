"""What the explorer computes for one set of slider values (no HTTP here).

The controls address design fields by dotted path (the query may name any field of the design);
every request goes through the one design validation
(:func:`mosaiclink.config.overrides.with_overrides`, also behind ``mosaic link --length-m`` /
``--rate-gbps``, the API, the sweeps and the fast path's batches), so a refused design gets the
CLI's one-line message, and a design the CLI accepts is shown (a 500 m link too, failing). A
design with a host protocol runs at the line rate its data channels need (shown, derived);
it is evaluated with the population fast path of :mod:`mosaiclink.explore.evaluate` (the
reaches and the median channel's BER-vs-length curve) plus the full per-channel model
:func:`~mosaiclink.physics.link.evaluate_link` for the point's channel population (what
``mosaic link`` reports).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, get_args

import numpy as np
import tomli_w

from mosaiclink.config.design import CouplingSpec, LinkSpec
from mosaiclink.config.io import read_mapping
from mosaiclink.config.overrides import rate_follows_channels, with_overrides
from mosaiclink.config.presets import DEFAULT_PRESET, load_design, load_preset, preset_names
from mosaiclink.errors import ConfigError
from mosaiclink.explore.evaluate import evaluate_rows, population_pass
from mosaiclink.explore.spec import nearest_path
from mosaiclink.finite import require_finite
from mosaiclink.physics.ber import q_from_ber, q_from_log10_ber
from mosaiclink.physics.budget import shown_margin_db
from mosaiclink.physics.link import LinkReport, evaluate_link
from mosaiclink.units import BER_FLOOR

CURVE_TOP_M = 100.0
CURVE_POINTS = 100
LOG10_BER_FLOOR = -20.0  # the chart's and the histogram's floor: below any decade a reader needs to see
LOG10_BER_TEXT_FLOOR = math.log10(BER_FLOOR)  # numbers below it read "< 1e-40", as in the CLI and the report
SPREAD_BIN_DECADES = 0.5
HOST_PROTOCOLS = get_args(LinkSpec.model_fields["host_protocol"].annotation)
LENSES = get_args(CouplingSpec.model_fields["lens"].annotation)


@dataclass(frozen=True)
class Knob:
    """One control of the page: the design field it sets, its group and its slider.

    ``choices`` makes it a drop-down (a text field), ``min_value is None`` a number box alone
    (no slider), ``step = 0`` a check box. The slider's range is only where it slides: the number
    box beside it takes any value, and every value goes through the one design validation.
    """

    path: str
    label: str
    group: str
    min_value: float | None = None
    max_value: float | None = None
    step: float = 1.0
    choices: tuple[str, ...] = ()


KNOBS = (
    Knob("link.host_protocol", "host protocol (none: a custom rate)", "link", choices=HOST_PROTOCOLS),
    Knob("link.rate_gbps", "line rate per channel (Gb/s)", "link", 0.5, 4.0, 0.01),
    Knob("link.length_m", "fibre length (m)", "link", 1.0, 100.0, 1.0),
    Knob("link.target_ber", "target pre-FEC BER", "link"),
    Knob("array.rows", "array rows", "array", 1, 64, 1),
    Knob("array.cols", "array columns", "array", 1, 64, 1),
    Knob("array.spare_channels", "spare channels", "array", 0, 200, 1),
    Knob("array.pitch_um", "channel pitch (um)", "array", 10.0, 200.0, 1.0),
    Knob("led.diameter_um", "LED diameter (um)", "LED", 1.0, 20.0, 0.1),
    Knob("led.peak_current_ma", "LED peak current (mA)", "LED", 0.5, 10.0, 0.1),
    Knob("led.bias_current_ma", "LED bias current (mA)", "LED", 0.0, 2.0, 0.05),
    Knob("led.temperature_c", "LED junction temperature (C)", "LED", -40.0, 125.0, 1.0),
    Knob("led.wavelength_nm", "LED wavelength (nm)", "LED", 400.0, 650.0, 1.0),
    Knob("coupling.lens", "transmit optic", "optics", choices=LENSES),
    Knob("coupling.relay_na", "relay NA onto the fibre (launch stop)", "optics", 0.02, 0.5, 0.005),
    Knob("coupling.spot_magnification", "spot magnification", "optics", 0.1, 2.0, 0.05),
    Knob("coupling.collection_efficiency", "micro-optic collection efficiency", "optics", 0.05, 1.0, 0.01),
    Knob("fiber.na", "fibre NA", "fibre", 0.1, 0.5, 0.01),
    Knob("fiber.attenuation_db_per_m", "fibre loss (dB/m)", "fibre", 0.01, 1.0, 0.01),
    Knob("fiber.core_pitch_um", "core pitch (um)", "fibre", 1.0, 10.0, 0.1),
    Knob("fiber.core_diameter_um", "core diameter (um)", "fibre", 0.5, 8.0, 0.1),
    Knob("receiver.temperature_c", "receiver temperature (C)", "receiver", -40.0, 125.0, 1.0),
    Knob("receiver.tia_bandwidth_ghz", "TIA bandwidth (GHz)", "receiver", 0.2, 5.0, 0.05),
    Knob("receiver.photodiode_size_um", "photodiode side (um)", "receiver", 5.0, 100.0, 1.0),
    Knob("receiver.tia_noise_pa_per_sqrt_hz", "TIA input noise (pA/rtHz)", "receiver", 0.5, 10.0, 0.1),
    Knob("equalizer.enable", "equalizer on", "equalizer", step=0.0),
    Knob("equalizer.ctle_peaking_db", "CTLE peaking (dB)", "equalizer", 0.0, 12.0, 0.5),
    Knob("equalizer.ffe_taps", "FFE taps", "equalizer", 0, 15, 1),
)
KNOB_BY_PATH = {knob.path: knob for knob in KNOBS}


def parse_request(params: Mapping[str, str], reserved: tuple[str, ...] = ()) -> tuple[str, dict[str, Any]]:
    """Preset name and the design edits of query parameters (any design field, by dotted path).

    The values are only parsed (numbers as numbers, an integer field's whole number as an
    integer); whether they make a valid design is for the one design validation
    (:func:`mosaiclink.config.overrides.with_overrides`) to say, as for the CLI. Parameters named
    in ``reserved`` belong to the caller (e.g. a sweep's) and are skipped.
    """
    preset = params.get("preset", DEFAULT_PRESET)
    if preset not in preset_names():
        raise ConfigError(f"preset = {preset!r}: unknown; valid presets: {', '.join(preset_names())}")
    leaves = design_leaves(preset)
    overrides: dict[str, Any] = {}
    for name, text in params.items():
        if name == "preset" or name in reserved:
            continue
        if name not in leaves:
            near = nearest_path(name, leaves)
            hint = f"; did you mean '{near}'?" if near else ""
            raise ConfigError(f"parameter {name[:60]!r}: not a field of the design{hint}")
        overrides[name] = parse_value(text, leaves[name])
    return preset, overrides


@cache
def design_leaves(preset: str) -> dict[str, type]:
    """Every scalar leaf of a preset's design (numbers, flags and named choices) and its type."""
    leaves: dict[str, type] = {}
    for section, fields in load_preset(preset).to_mapping().items():
        if isinstance(fields, dict):
            for leaf, value in fields.items():
                if isinstance(value, (bool, int, float, str)):
                    leaves[f"{section}.{leaf}"] = type(value)
    return leaves


def parse_value(text: str, kind: type) -> Any:
    """A query value as the field's type where it reads as one; otherwise the text itself, for the
    design validation to refuse in its own words (``must be a finite number``, ``valid integer``)."""
    if kind is str:
        return text
    if kind is bool:
        return {"true": True, "false": False, "1": True, "0": False}.get(text.strip().lower(), text)
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if kind is int and value.is_integer() else value


def query_design(params: Mapping[str, str], reserved: tuple[str, ...] = ()):
    """The design a query names, through the one design validation; with its preset and edits."""
    preset, overrides = parse_request(params, reserved)
    return with_overrides(load_preset(preset), overrides), preset, overrides


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
    design, preset, _ = query_design(params)
    what = f"explorer point of '{design.name}'"
    here_m = design.link.length_m
    curve_lengths_m = curve_lengths(here_m)
    point = require_finite(evaluate_rows(design, ("link.length_m",), np.array([[here_m]])), what)
    curve = population_pass(
        design, ("link.length_m",), curve_lengths_m[:, None], reaches=False, reference_length_m=here_m
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
        margin_db=float(
            shown_margin_db(q, q_from_ber(design.link.target_ber), design.receiver.implementation_penalty_db)
        ),
    )
    return {
        "preset": preset,
        "design": {knob.path: _leaf(design, knob.path) for knob in KNOBS},
        "derived": derived_facts(design),
        "metrics": here,
        "link_ok": report.link_ok,
        "curve": {
            "length_m": curve_lengths_m.tolist(),
            "log10_ber": np.maximum(require_finite(curve, what), LOG10_BER_FLOOR).tolist(),
        },
        "spread": channel_spread(report),
        "target_ber": design.link.target_ber,
        "log10_ber_floor": LOG10_BER_FLOOR,
        "log10_ber_text_floor": LOG10_BER_TEXT_FLOOR,
    }


def channel_spread(report: LinkReport) -> dict:
    """Per-channel statistical-eye BER of the full model: percentiles and a histogram (log10, floored).

    Dead channels (no light) are counted apart (``dead``); the percentiles, ``log10_ber_live``, are
    over the live channels, so their median is not the headline's (``metrics.log10_ber_median``,
    ``mosaic link``'s median over every channel, a dead one at BER 1/2): the key says which.
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
        "log10_ber_live": dict(
            zip(("best", "p10", "median", "p90", "worst"), (float(q) for q in quantiles), strict=True)
        ),
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
    }


def curve_lengths(length_m: float) -> np.ndarray:
    """Lengths of the BER-vs-length curve: 1-100 m, stretched to hold a longer design's own length."""
    top = max(CURVE_TOP_M, 1.25 * length_m)
    return np.linspace(1.0, top, CURVE_POINTS)


def derived_facts(design) -> dict:
    """What the design's fields imply and the page shows beside them (not knobs)."""
    need = design.required_rate_gbps
    return {
        "rate_derived": need is not None and rate_follows_channels(design),
        "required_rate_gbps": need,
        "data_rate_gbps": design.data_rate_gbps,
        "data_channels": design.array.data_channels,
        "total_channels": design.array.total_channels,
    }


def _leaf(design, path: str):
    section, leaf = path.split(".")
    value = getattr(getattr(design, section), leaf)
    return value if isinstance(value, (bool, str, int)) else float(value)


SWEEP_PARAMS = ("sweep.path", "sweep.from", "sweep.to", "sweep.steps")
SWEEP_MAX_STEPS = 200  # a plot's worth of points: one fast-path batch of at most this many designs


def sweep_knob(params: Mapping[str, str]) -> dict:
    """The fast path's metrics over one knob of the design on screen (the page's in-place sweep).

    ``sweep.path`` names a numeric design field, ``sweep.from``/``sweep.to`` its end values and
    ``sweep.steps`` the number of designs (2-200, an integer field's values rounded and deduplicated);
    every design of the sweep passes the one design validation (a refused one refuses the sweep with
    its message), and the batch is :func:`~mosaiclink.explore.evaluate.evaluate_rows`'s.
    """
    design, preset, _ = query_design(params, SWEEP_PARAMS)
    path = params.get("sweep.path", "")
    kind = design_leaves(preset).get(path)
    if kind not in (int, float):
        numeric = ", ".join(k.path for k in KNOBS if k.min_value is not None)
        raise ConfigError(f"sweep.path = {path[:60]!r}: must be a numeric design field, e.g. {numeric}")
    low, high = (_sweep_number(params, name) for name in ("sweep.from", "sweep.to"))
    steps = _sweep_number(params, "sweep.steps")
    if not (steps.is_integer() and 2 <= steps <= SWEEP_MAX_STEPS):
        raise ConfigError(f"sweep.steps = {steps:g}: allowed a whole number from 2 to {SWEEP_MAX_STEPS}")
    values = np.linspace(low, high, int(steps))
    if kind is int:
        values = np.unique(np.rint(values))
    metrics = require_finite(evaluate_rows(design, (path,), values[:, None]), f"sweep of {path}")
    return {"path": path, "values": values.tolist(), "metrics": {k: v.tolist() for k, v in metrics.items()}}


def _sweep_number(params: Mapping[str, str], name: str) -> float:
    text = params.get(name, "")
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{name} = {text[:40]!r}: must be a number") from None
    if not np.isfinite(value):
        raise ConfigError(f"{name} = {text[:40]!r}: must be a finite number")
    return value


def design_file_text(params: Mapping[str, str]) -> str:
    """The design on screen as a design file: ``extends = "<preset>"`` and the edited fields (TOML).

    ``mosaic link --config`` reads it, and loading it back (:func:`design_file_query`) gives the
    same query; only a valid design is written.
    """
    design, preset, overrides = query_design(params)
    tables: dict[str, dict[str, Any]] = {}
    for path, value in overrides.items():
        section, leaf = path.split(".")
        tables.setdefault(section, {})[leaf] = _leaf(design, path) if not isinstance(value, str) else value
    body = tomli_w.dumps({"extends": preset, **tables})
    return f"# MOSAIC design saved by the mosaiclink explorer: the preset and the fields changed from it\n{body}"


def design_file_query(path: Path) -> dict[str, Any]:
    """The explorer's state (preset and edits) for a design file, read by the one safe reader.

    The preset is the file's ``extends`` (the default preset without one); the edits are every
    field whose value differs from that preset's, the line rate only where it is not derived.
    """
    data = read_mapping(path)
    design = load_design(path)
    base = data.get("extends", DEFAULT_PRESET)
    preset = base if base in preset_names() else DEFAULT_PRESET
    reference = load_preset(preset).to_mapping()
    edits: dict[str, Any] = {}
    for section, fields in design.to_mapping().items():
        if not isinstance(fields, dict):
            continue
        for leaf, value in fields.items():
            if value == reference[section][leaf]:
                continue
            if f"{section}.{leaf}" == "link.rate_gbps" and derived_facts(design)["rate_derived"]:
                continue
            if not isinstance(value, (bool, int, float, str)):
                raise ConfigError(f"{section}.{leaf}: a table the explorer does not edit; use mosaic link --config")
            edits[f"{section}.{leaf}"] = value
    return {"preset": preset, "edits": edits}
