"""``mosaic compare``: MOSAIC beside copper, AOC, DSP optics, LPO, LRO and CPO."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from mosaiclink.cli.main import app
from mosaiclink.config.catalog import parse_rate_gbps
from mosaiclink.config.io import SUFFIXES
from mosaiclink.config.presets import load_design, load_preset
from mosaiclink.config.system import ComponentReliability, PowerSpec, ReliabilitySpec

if TYPE_CHECKING:
    from mosaiclink.system.compare import ComparisonResult

SWEEP_SPARES = (0, 1, 2, 5, 10, 20, 40, 60)
SWEEP_LED_FITS = (1.0, 0.1)
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


def _print_table(result: ComparisonResult, console: Console) -> None:
    table = Table(
        title=f"MOSAIC vs alternatives: {result.rate_gbps:g} Gb/s, {result.reach_m:g} m, {result.temperature_c:g} C (ratios = alternative / MOSAIC)"
    )
    for column in (
        "technology",
        "feasible",
        "reach m",
        "W/end",
        "pJ/bit",
        "link FIT",
        "MTBF h",
        "$/link",
        "W ratio",
        "FIT ratio",
        "$ ratio",
        "conf P/F/$",
    ):
        table.add_column(column, justify="left" if column in ("technology", "feasible") else "right")
    for r in result.rows:
        feasible = "?" if r.feasible is None else ("yes" if r.feasible else "no: " + "; ".join(r.reasons))
        name = r.technology + (" (published, ref.)" if r.reference_only else "")
        style = "bold green" if r.is_mosaic else ("dim" if r.reference_only or r.feasible is False else None)
        table.add_row(
            name,
            feasible,
            _fmt(r.max_reach_m),
            f"{r.power_w_per_end:.2f}",
            f"{r.pj_per_bit:.2f}",
            f"{r.link_fit:.3g}",
            f"{r.mtbf_h:.3g}",
            _fmt(r.cost_usd_per_link, ".0f"),
            _fmt(r.power_ratio, ".2f"),
            _fmt(r.fit_ratio, ".3g"),
            _fmt(r.cost_ratio, ".2f"),
            "/".join(r.confidence.get(k, "-") for k in ("power", "fit", "cost")),
            style=style,
        )
    console.print(table)
    h = result.headline()
    lo, hi = h["mosaic_power_w_per_end_range"]
    console.print(f"MOSAIC power per end: {lo:.2f} W (co-packaged host) to {hi:.2f} W (pluggable host)")
    if "percent_below_aoc_range" in h:
        a, b = h["percent_below_aoc_range"]
        s1, s2 = h["w_saved_per_cable_range"]
        saved = f"{s1:.1f}" if abs(s1 - s2) < 0.05 else f"{min(s1, s2):.1f}-{max(s1, s2):.1f}"
        console.print(
            f"vs AOC: {a:.0f}-{b:.0f} % less power, {saved} W saved per cable; FIT ratio {h['fit_ratio_vs_aoc']:.0f}x"
        )
    if "reach_ratio_vs_passive_copper" in h:
        console.print(f"reach vs passive copper: {h['reach_ratio_vs_passive_copper']:.1f}x")
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}")


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


@app.command()
def compare(
    rate: str = typer.Option("800g", "--rate", help="Aggregate rate: 400g, 800g, 1.6t, 3.2t."),
    reach_m: float = typer.Option(30.0, "--reach-m", help="Link length every technology must reach (m)."),
    temperature_c: float = typer.Option(55.0, "--temperature-c", help="Operating case temperature (C)."),
    preset: str | None = typer.Option(
        None, "--preset", help="MOSAIC preset name or design file (default: the preset for the rate)."
    ),
    catalog: list[Path] | None = typer.Option(
        None, "--catalog", help="Extra catalog file (repeatable); same ids replace built-in entries."
    ),
    host_interface: str = typer.Option(
        "pluggable", "--host-interface", help="MOSAIC host interface: pluggable or co-packaged."
    ),
    sweep_spares: bool = typer.Option(False, "--sweep-spares", help="Also print link FIT and survival vs spare count."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
) -> None:
    """Power, reliability, reach and cost of MOSAIC beside every alternative."""
    # lazy: the system layer pulls in scipy.stats (~1 s), which every other command would pay
    from mosaiclink.system.catalog import load_catalog
    from mosaiclink.system.compare import compare as run_compare
    from mosaiclink.system.compare import default_design

    from mosaiclink.cli.common import check_option

    check_option("--reach-m", reach_m, 0.0, 10_000.0)
    check_option("--temperature-c", temperature_c, -55.0, 150.0)
    if preset is None:
        design = default_design(parse_rate_gbps(rate))
    elif Path(preset).suffix in SUFFIXES:
        design = load_design(preset)
    else:
        design = load_preset(preset)
    power_spec = PowerSpec.from_mapping({"host_interface": host_interface})
    result = run_compare(
        rate=rate,
        reach_m=reach_m,
        temperature_c=temperature_c,
        design=design,
        catalog=load_catalog(catalog),
        power_spec=power_spec,
    )
    sweep = _sweep_rows(design, temperature_c) if sweep_spares else None
    if as_json:
        payload = result.to_dict() | ({"spare_sweep": sweep} if sweep is not None else {})
        typer.echo(json.dumps(_finite(payload), indent=2))
        return
    console = Console(width=None if sys.stdout.isatty() else WIDE_COLUMNS)  # piped: do not squash to 80
    _print_table(result, console)
    if sweep is not None:
        _print_sweep(sweep, temperature_c, console)
