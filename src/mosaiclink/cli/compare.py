"""``mosaic compare``: MOSAIC beside copper, AOC, DSP optics, LPO, LRO and CPO."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from mosaiclink.cli.common import resolve_design
from mosaiclink.cli.options import CatalogOpt, ConfigOpt, JsonOpt, PresetOpt, ReachOpt, aggregate_rate, within
from mosaiclink.config.catalog import CONFIDENCE_MEANING, parse_rate_gbps
from mosaiclink.config.io import SUFFIXES
from mosaiclink.config.system import ComponentReliability, PowerSpec, ReliabilitySpec
from mosaiclink.report.numbers import fmt, fmt_hours

if TYPE_CHECKING:
    from mosaiclink.system.compare import ComparisonResult

SWEEP_SPARES = (0, 1, 2, 5, 10, 20, 40, 60)
SWEEP_LED_FITS = (1.0, 0.1)
DEFAULT_COLUMNS = 100  # the default table fits here; --wide prints every column
WIDE_COLUMNS = 180


def _finite(value):
    """JSON has no infinity: map inf/nan to None, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _fmt(value: float | None, spec: str = ".3g") -> str:
    return "-" if value is None else format(value, spec)


def _sweep_rows(design, temperature_c: float) -> list[dict]:
    from mosaiclink.system.reliability import spare_sweep  # lazy: scipy.stats costs ~1 s at CLI start

    rows: dict[int, dict] = {}
    for led_fit in SWEEP_LED_FITS:
        spec = ReliabilitySpec(
            led=ComponentReliability(fit=led_fit, activation_energy_ev=ReliabilitySpec().led.activation_energy_ev)
        )
        for r in spare_sweep(design, spec, temperature_c, spares=SWEEP_SPARES):
            row = rows.setdefault(r["spares"], {"spares": r["spares"], "spare_pct": r["spare_pct"]})
            row[f"link_fit_led_{led_fit:g}"] = r["link_fit"]
            row[f"survival_5y_led_{led_fit:g}"] = r["survival_5y"]
            row[f"survival_10y_led_{led_fit:g}"] = r["survival_10y"]
    return list(rows.values())


def _print_table(result: ComparisonResult, console: Console, wide: bool = False, rows: tuple = ()) -> None:
    """The comparison (``rows``: the ones to show, default all); ``wide`` adds full names, ratios and
    reasons inline (about 180 columns)."""
    rows = rows or result.rows
    table = Table(
        title=f"MOSAIC vs alternatives: {result.rate_gbps:g} Gb/s, {result.reach_m:g} m, {result.temperature_c:g} C"
        + (" (ratios = alternative / MOSAIC)" if wide else "")
    )
    columns = ["technology", "ok", "reach m", "W/end", "pJ/bit", "link FIT", "$/link", "conf P/F/$"]
    if wide:
        columns[1:2] = ["feasible"]
        columns[-2:-2] = ["MTBF"]
        columns[-1:-1] = ["W ratio", "FIT ratio", "$ ratio"]
    for column in columns:
        table.add_column(column, justify="left" if column in ("technology", "ok", "feasible") else "right")
    for r in rows:
        if wide:
            feasible = "?" if r.feasible is None else ("yes" if r.feasible else "no: " + "; ".join(r.reasons))
        else:
            feasible = "ref" if r.reference_only else ("?" if r.feasible is None else ("yes" if r.feasible else "no"))
        name = r.name + (" (ref.)" if r.reference_only else "") if wide else r.technology
        style = "bold green" if r.is_mosaic else ("dim" if r.reference_only or r.feasible is False else None)
        cells = [
            name,
            feasible,
            fmt(r.max_reach_m),
            f"{r.power_w_per_end:.2f}",
            f"{r.pj_per_bit:.2f}",
            f"{r.link_fit:.3g}",
            "-" if r.cost_usd_per_link is None else fmt(r.cost_usd_per_link),
            "/".join(r.confidence.get(k, "-") for k in ("power", "fit", "cost")),
        ]
        if wide:
            cells[-2:-2] = [fmt_hours(r.mtbf_h)]
            cells[-1:-1] = [_fmt(r.power_ratio, ".2f"), _fmt(r.fit_ratio, ".3g"), _fmt(r.cost_ratio, ".2f")]
        table.add_row(*cells, style=style)
    console.print(table)
    if not wide:
        for r in rows:
            if r.feasible is False and not r.reference_only:
                console.print(f"[dim]{r.technology}: {'; '.join(r.reasons)}[/dim]")
        if any(r.reference_only for r in rows):
            console.print("[dim]ref: published MOSAIC figures, shown for reference[/dim]")
        console.print("[dim]--wide: full names, MTBF, ratios and reasons[/dim]")
    codes = sorted({c for r in rows for c in r.confidence.values() if c in CONFIDENCE_MEANING})
    console.print(
        "confidence of power/FIT/cost: " + ", ".join(f"{c} {CONFIDENCE_MEANING[c]}" for c in codes),
        highlight=False,
    )
    h = result.headline()
    lo, hi = h["mosaic_power_w_per_end_range"]
    console.print(f"MOSAIC power per end: {lo:.2f} W (co-packaged host) to {hi:.2f} W (pluggable host)")
    if "percent_below_aoc_range" in h:
        a, b = h["percent_below_aoc_range"]
        s1, s2 = h["w_saved_per_cable_range"]
        saved = f"{s1:.1f}" if abs(s1 - s2) < 0.05 else f"{min(s1, s2):.1f}-{max(s1, s2):.1f}"
        console.print(
            f"vs AOC (pluggable vs pluggable): {a:.0f}-{b:.0f} % less power, {saved} W saved per cable; "
            f"FIT ratio {h['fit_ratio_vs_aoc']:.0f}x"
        )
    if "reach_ratio_vs_passive_copper" in h:
        console.print(f"reach vs passive copper: {h['reach_ratio_vs_passive_copper']:.1f}x")
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}")


def _selected(result: ComparisonResult, names: list[str]) -> tuple:
    """The rows to show: every row, or MOSAIC's (computed and published) and the named technologies'
    (an unknown name is one line listing the known ones; the headline still reads every row)."""
    if not names:
        return result.rows
    for name in names:
        result.row(name)  # refuses a name the comparison does not have
    return tuple(r for r in result.rows if r.is_mosaic or r.reference_only or r.technology in names)


def _print_sweep(rows: list[dict], temperature_c: float, console: Console) -> None:
    table = Table(title=f"MOSAIC link FIT and survival vs spare channels ({temperature_c:g} C)")
    for column in ("spares", "% of data", "FIT (LED 1)", "5 y", "10 y", "FIT (LED 0.1)", "5 y", "10 y"):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(
            str(r["spares"]),
            f"{r['spare_pct']:.1f}",
            f"{r['link_fit_led_1']:.3g}",
            f"{r['survival_5y_led_1']:.6f}",
            f"{r['survival_10y_led_1']:.6f}",
            f"{r['link_fit_led_0.1']:.3g}",
            f"{r['survival_5y_led_0.1']:.6f}",
            f"{r['survival_10y_led_0.1']:.6f}",
        )
    console.print(table)


def compare(
    rate: Annotated[
        str,
        typer.Option(
            "--rate",
            callback=aggregate_rate,
            help="Aggregate rate: 400g, 800g, 1.6t or 3.2t (MOSAIC is the shipped preset of that rate); "
            "another rate needs --preset or --config.",
        ),
    ] = "800g",
    reach_m: ReachOpt = 30.0,
    temperature_c: Annotated[
        float,
        typer.Option("--temperature-c", callback=within(-55.0, 150.0, "C"), help="Operating case temperature (C)."),
    ] = 55.0,
    preset: PresetOpt = None,
    config: ConfigOpt = None,
    catalog: CatalogOpt = None,
    host_interface: Annotated[
        str, typer.Option("--host-interface", help="MOSAIC host interface: pluggable or co-packaged.")
    ] = "pluggable",
    sweep_spares: Annotated[
        bool, typer.Option("--sweep-spares", help="Also print link FIT and survival vs spare count.")
    ] = False,
    as_json: JsonOpt = False,
    wide: Annotated[
        bool, typer.Option("--wide", help="Every column (full names, MTBF, ratios, reasons): ~180 columns.")
    ] = False,
    tech: Annotated[
        list[str] | None,
        typer.Option(
            "--tech", help="Show only MOSAIC and this catalog technology (repeat), e.g. --tech aoc --tech lpo."
        ),
    ] = None,
    table_csv: Annotated[
        Path | None, typer.Option("--csv", help="Also write the rows shown to this CSV file (one per technology).")
    ] = None,
) -> None:
    """Power, reliability, reach and cost of MOSAIC beside every alternative.

    Example: mosaic compare --rate 1.6t --reach-m 50 --wide --tech aoc --tech lpo --csv compare.csv

    Without ``--preset`` or ``--config`` MOSAIC is the shipped preset for ``--rate``. A design file
    given to ``--preset`` (by its suffix) is read as ``--config``.
    """
    # lazy: the system layer pulls in scipy.stats (~1 s), which every other command would pay
    from mosaiclink.system.catalog import load_catalog
    from mosaiclink.system.compare import compare as run_compare
    from mosaiclink.system.compare import default_design

    if table_csv is not None:
        from mosaiclink.cli.common import writable_file

        writable_file(table_csv, "--csv", inputs=(config, *(catalog or ())), suffixes=(".csv",))
    if preset is not None and Path(preset).suffix in SUFFIXES:
        config = config or Path(preset)
        preset = None
    if preset is None and config is None:
        design = default_design(parse_rate_gbps(rate))
    else:
        design = resolve_design(preset, config)
    power_spec = PowerSpec.from_mapping({"host_interface": host_interface})
    result = run_compare(
        rate=rate,
        reach_m=reach_m,
        temperature_c=temperature_c,
        design=design,
        catalog=load_catalog(catalog),
        power_spec=power_spec,
    )
    rows = _selected(result, tech or [])
    if table_csv is not None:
        from mosaiclink.cli.common import write_frame

        frame = result.to_dataframe()
        write_frame(frame[[r in rows for r in result.rows]], table_csv)
    sweep = _sweep_rows(design, temperature_c) if sweep_spares else None
    if as_json:
        payload = result.to_dict() | ({"spare_sweep": sweep} if sweep is not None else {})
        payload["rows"] = [r.to_dict() for r in rows]
        typer.echo(json.dumps(_finite(payload), indent=2))
        return
    if wide:
        console = Console(width=WIDE_COLUMNS)
    else:  # at most DEFAULT_COLUMNS, narrower if the terminal is
        console = Console(width=min(Console().width, DEFAULT_COLUMNS) if sys.stdout.isatty() else DEFAULT_COLUMNS)
    _print_table(result, console, wide, rows)
    if sweep is not None:
        _print_sweep(sweep, temperature_c, console)
