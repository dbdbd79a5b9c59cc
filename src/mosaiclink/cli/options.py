"""Option types shared by the ``mosaic`` commands: one flag, one help text and one range each.

Use them as annotations, with the command's default as the parameter default::

    def link(preset: PresetOpt = None, seed: SeedOpt = 0, as_json: JsonOpt = False) -> None: ...

This is the one place option bounds live: every bounded option declares them with
:func:`within` (numbers) or :func:`aggregate_rate` (``--rate``), and :func:`check` is the one test
behind both. A value outside its range, or NaN/inf, is refused with one line naming the option,
the value and what is allowed (a :class:`~mosaiclink.errors.ConfigError`, which
:func:`mosaiclink.cli.main.run` prints to stderr with exit code 2), before the command's body
runs. Options that only one command has stay in that command, typed the same way and bounded
with :func:`within`; command bodies check no option ranges of their own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from mosaiclink.errors import SEED_MAX, out_of_range

Number = TypeVar("Number", int, float, int | None, float | None)

BITS_MAX = 10**10  # 1e10 bits per channel: hours of Monte Carlo, far past any CI or laptop run
AGGREGATE_MIN_GBPS, AGGREGATE_MAX_GBPS = 1.0, 100_000.0
REACH_MAX_M = 10_000.0  # 10 km: past every data-center link


def _describe(low: float, high: float, unit: str) -> str:
    """``allowed 2 to 64``, ``allowed >= 0 m``, ``allowed any`` -- always followed by ``, finite``."""
    suffix = f" {unit}" if unit else ""
    if math.isinf(low) and math.isinf(high):
        return "must be a finite number"
    if math.isinf(high):
        return f"allowed >= {low:g}{suffix}, finite"
    bounds = f"{low} to {high}" if isinstance(low, int) and isinstance(high, int) else f"{low:g} to {high:g}"
    return f"allowed {bounds}{suffix}, finite"


def check(flag: str, value: Number, low: float = -math.inf, high: float = math.inf, unit: str = "") -> Number:
    """``value`` if it is ``None`` or a finite number in ``[low, high]``; else a one-line ConfigError."""
    if value is None:
        return value
    if not ((isinstance(value, int) or math.isfinite(value)) and low <= value <= high):
        raise out_of_range(flag, value, _describe(low, high, unit))
    return value


def _flag(param: typer.CallbackParam) -> str:
    return param.opts[0] if param.opts else str(param.name)


def within(low: float = -math.inf, high: float = math.inf, unit: str = "") -> Callable[..., object]:
    """A Typer callback refusing values outside ``[low, high]`` and NaN/inf; ``None`` passes."""

    def callback(param: typer.CallbackParam, value: Number) -> Number:
        return check(_flag(param), value, low, high, unit)

    return callback


def within_each(low: float = -math.inf, high: float = math.inf, unit: str = "") -> Callable[..., object]:
    """:func:`within` for a repeatable option: every value given must lie in ``[low, high]``."""

    def callback(param: typer.CallbackParam, value: list[float] | None) -> list[float] | None:
        return [check(_flag(param), v, low, high, unit) for v in value] if value else value

    return callback


def aggregate_rate(param: typer.CallbackParam, value: str) -> str:
    """A Typer callback: ``--rate`` must parse (``400g``, ``3.2t``, Gb/s) to 1 Gb/s .. 100 Tb/s."""
    from mosaiclink.config.catalog import parse_rate_gbps

    check(_flag(param), parse_rate_gbps(value), AGGREGATE_MIN_GBPS, AGGREGATE_MAX_GBPS, "Gb/s")
    return value


def each_within(param: typer.CallbackParam, values: list[int] | None, low: float, high: float) -> list[int] | None:
    """Check every value of a repeatable option (``None`` when none was given)."""
    return [check(_flag(param), v, low, high) for v in values] if values else None


finite = within()  # for options whose range the spec they feed checks: refuse NaN and inf here


PresetOpt = Annotated[
    str | None, typer.Option("--preset", "-p", help="Preset design name (see `mosaic presets`); omit for the default.")
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help='Design file (TOML/YAML/JSON); may start with extends = "<preset>".'),
]
SeedOpt = Annotated[
    int,
    typer.Option(
        "--seed",
        callback=within(0, SEED_MAX),
        help="Seed of the command's random streams; the same seed gives bit-identical results.",
    ),
]
VariationSeedOpt = Annotated[
    int,
    typer.Option(
        "--variation-seed",
        callback=within(0, SEED_MAX),
        help="Seed of the manufacturing variation (as `mosaic link --seed`).",
    ),
]
LengthOpt = Annotated[
    float | None,
    typer.Option(
        "--length-m",
        help="Fibre length (m); overrides the design's (judged by the design's own validation, as everywhere).",
    ),
]
ReachOpt = Annotated[
    float, typer.Option("--reach-m", callback=within(0.0, REACH_MAX_M, "m"), help="Link length to span (m).")
]
RateOpt = Annotated[
    float | None,
    typer.Option(
        "--rate-gbps",
        help="Per-channel line rate (Gb/s); overrides the design's (with a host protocol: never below what its "
        "data channels need; judged by the design's own validation, as everywhere).",
    ),
]
AggregateRateOpt = Annotated[
    str,
    typer.Option(
        "--rate", callback=aggregate_rate, help="Aggregate data rate: 400g, 800g, 1.6t, 3.2t or a number of Gb/s."
    ),
]
BitsOpt = Annotated[int, typer.Option("--bits", callback=within(1, BITS_MAX), help="Bits counted per channel.")]
SamplesPerBitOpt = Annotated[
    int,
    typer.Option("--samples-per-bit", callback=within(2, 64), help="Samples per bit of waveforms and eyes."),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Output folder for the command's files (created if absent).")
]
StoreOpt = Annotated[Path, typer.Option("--store", help="DuckDB result file (created by `mosaic sweep` if absent).")]
CatalogOpt = Annotated[
    list[Path] | None,
    typer.Option("--catalog", help="Extra technology catalog file; same ids replace built-in entries; repeatable."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON only.")]
GPUS_MAX = 10_000_000  # the cluster model's bound (ClusterSpec.gpus)


def _gpus_within(param: typer.CallbackParam, values: list[int] | None) -> list[int] | None:
    return each_within(param, values, 1, GPUS_MAX)


GpusListOpt = Annotated[
    list[int] | None,
    typer.Option(
        "--gpus",
        callback=_gpus_within,
        help="GPUs the job runs on; repeat for several sizes (the batch scales with the data-parallel degree).",
    ),
]
