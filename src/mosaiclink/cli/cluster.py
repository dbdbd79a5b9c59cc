"""``mosaic cluster``: what each link technology does to a GPU cluster, side by side."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from mosaiclink.cli.common import writable_file
from mosaiclink.cli.options import CatalogOpt, JsonOpt, SeedOpt, within
from mosaiclink.cluster.scenarios import DEFAULT_SCENARIOS, load_scenario, scenario_names
from mosaiclink.config.cluster import ScenarioSpec
from mosaiclink.config.io import SUFFIXES, load_spec, write_text_atomic
from mosaiclink.errors import ConfigError

if TYPE_CHECKING:
    from mosaiclink.cluster.failures import FailureYear
    from mosaiclink.cluster.model import ClusterResult


def _scenario(name_or_path: str) -> ScenarioSpec:
    """A shipped scenario by name, or a scenario file."""
    if name_or_path in scenario_names():
        return load_scenario(name_or_path)
    if Path(name_or_path).suffix not in SUFFIXES:
        shown = name_or_path if len(name_or_path) <= 80 else name_or_path[:77] + "..."
        raise ConfigError(
            f"--scenario = {shown!r}: neither a scenario file ({', '.join(SUFFIXES)}) nor a shipped scenario "
            f"({', '.join(scenario_names())})"
        )
    return load_spec(name_or_path, ScenarioSpec)  # the safe reader: missing, too long or hostile is one line


def _events_csv(results: Sequence[ClusterResult], years: Sequence[FailureYear]) -> str:
    """The failure events of every column as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["cluster", "time_h", "fabric", "technology", "kind", "link_index", "repair_h"])
    for result, year in zip(results, years, strict=True):
        classes = result.classes
        for t, c, i, r in zip(year.time_h, year.link_class, year.link_index, year.repair_h, strict=True):
            writer.writerow(
                [
                    result.spec.name,
                    f"{t:.4f}",
                    classes.fabric[c],
                    classes.technology[c],
                    classes.kind[c],
                    int(i),
                    f"{r:.4f}",
                ]
            )
    return buffer.getvalue()


def _hours(value: float | None) -> str:
    if value is None:
        return "never"
    if value >= 24 * 365:
        return f"{value / 8766:.3g} y"
    if value >= 48:
        return f"{value / 24:.3g} d"
    return f"{value:.3g} h"


def _table(summaries: list[dict]) -> Table:
    """One row per figure, one column per cluster."""
    table = Table(title="mosaic cluster", show_lines=False)
    table.add_column("figure")
    for s in summaries:
        table.add_column(s["name"], justify="right")

    def row(label: str, cells) -> None:
        table.add_row(label, *cells)

    row("GPUs / GPU racks", [f"{s['gpus']:,} / {s['gpu_racks']:,}" for s in summaries])
    row(
        "scale-up domain (GPUs / racks)",
        [f"{s['scale_up']['domain_gpus']} / {s['scale_up']['racks_per_domain']}" for s in summaries],
    )
    row("fabric tiers / switches", [f"{s['fabric']['tiers']} / {s['fabric']['switches']:,}" for s in summaries])
    tiers = list(dict.fromkeys(t["tier"] for s in summaries for t in s["tiers"]))
    for tier in tiers:
        cells = []
        for s in summaries:
            hit = [t for t in s["tiers"] if t["tier"] == tier]
            cells.append(
                f"{hit[0]['links']:,.0f} @ {hit[0]['mean_length_m']:.1f} m (p99 {hit[0]['p99_length_m']:.0f})"
                if hit
                else "-"
            )
        row(f"links {tier}", cells)
    techs = list(dict.fromkeys((t["fabric"], t["technology"]) for s in summaries for t in s["technologies"]))
    for fabric, tech in techs:
        cells = []
        for s in summaries:
            hit = [t for t in s["technologies"] if (t["fabric"], t["technology"]) == (fabric, tech)]
            cells.append(f"{hit[0]['links']:,.0f}" if hit else "-")
        row(f"  {fabric} {tech}", cells)
    row("GPU rack power", [_rack_power(s["power"]) for s in summaries])
    row(
        "interconnect power",
        [
            f"{s['power']['interconnect_kw'] / 1e3:.2f} MW ({100 * s['power']['interconnect_share']:.1f} % of IT)"
            for s in summaries
        ],
    )
    row("interconnect per GPU", [f"{s['power']['interconnect_w_per_gpu']:.0f} W" for s in summaries])
    row("IT / facility power", [f"{s['power']['it_mw']:.1f} / {s['power']['facility_mw']:.1f} MW" for s in summaries])
    row(
        "energy per year",
        [
            f"{s['power']['energy_gwh_per_year']:.0f} GWh, ${s['power']['energy_cost_musd_per_year']:.1f} M"
            for s in summaries
        ],
    )
    row("link failures per day", [f"{s['failures']['link_failures_per_day']:.2f}" for s in summaries])
    row("one optical-link failure every", [_hours(s["failures"]["mtbf_optical_h"]) for s in summaries])
    row("one MOSAIC-link failure every", [_hours(s["failures"]["mtbf_mosaic_h"]) for s in summaries])
    row("one copper-link failure every", [_hours(s["failures"]["mtbf_copper_h"]) for s in summaries])
    row("one fabric-link failure every", [_hours(s["failures"]["mtbf_scale_out_h"]) for s in summaries])
    row(
        "job interruptions per day (links)",
        [f"{s['job']['interruptions_per_day']:.2f} ({s['job']['link_interruptions_per_day']:.2f})" for s in summaries],
    )
    row(
        "Daly checkpoint interval",
        [f"{s['job']['daly_interval_min']:.1f} min" if s["job"]["daly_interval_min"] else "-" for s in summaries],
    )
    row(
        "ETTR all causes / links",
        [f"{s['job']['ettr']:.3f} / {s['job']['ettr_links_only']:.4f}" for s in summaries],
    )
    row("MC year: link failures", [f"{s['monte_carlo_year']['link_failures']:,}" for s in summaries])
    row("MC year: all links up", [f"{100 * s['monte_carlo_year']['all_links_up_fraction']:.2f} %" for s in summaries])
    if len(summaries) > 1:
        row(
            "fleet saving vs first column",
            ["-"]
            + [
                f"{s['fleet_savings_vs_first']['facility_mw']:.1f} MW at "
                f"{s['fleet_savings_vs_first']['deployment_gpus']:,} GPUs"
                for s in summaries[1:]
            ],
        )
    return table


def _rack_power(power: dict) -> str:
    text = f"{power['rack_kw']:.1f} kW"
    if "rack_limit_kw" in power:
        text += f" ({'within' if power['rack_within_limit'] else 'OVER'} {power['rack_limit_kw']:g} kW)"
    return text


def _list_scenarios(as_json: bool) -> None:
    """The shipped scenarios: name, type and description."""
    rows = []
    for name in scenario_names():
        spec = load_scenario(name)
        rows.append({"name": name, "type": spec.type, "description": spec.description})
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="shipped scenarios (mosaic cluster --scenario NAME; a file works too)")
    for column in ("name", "type", "what it compares"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(r["name"], r["type"], r["description"])
    Console(width=100).print(table)


def _rows_csv(rows: list[dict]) -> str:
    """Rows of a memory-pool or scale-up-sweep result as CSV (missing cells empty)."""
    buffer = io.StringIO()
    fields = list(dict.fromkeys(k for r in rows for k in r))
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    return buffer.getvalue()


def _cell(value, spec: str = ".3g", unit: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{unit}"


def memory_table(summary: dict) -> Table:
    """One row per (latency budget, technology) of a memory-pool result; fits 100 columns."""
    from rich import box

    device = summary["device"]
    table = Table(
        title=f"{summary['name']}: {summary['gpus']:,} GPUs, {summary['pool_capacity_tb']:,.0f} TB in "
        f"{summary['devices']:,.0f} x {device['name']} ({device['load_to_use_ns']:g} ns direct-attached)",
        box=box.SIMPLE_HEAD,
        padding=(0, 0),
        pad_edge=False,
        caption="served: GPUs within the budget; GB/GPU: mean (minimum); load-to-use: mean ns (cable share); "
        "W/GPU, fails (one link every), M$: the memory fabric",
    )
    columns = ("budget", "technology", "reach", "served", "GB/GPU", "GB/s/GPU", "load-to-use", "W/GPU", "fails", "M$")
    for col in columns:
        table.add_column(col, justify="left" if col == "technology" else "right", no_wrap=True)
    for r in summary["rows"]:
        share = r["interconnect_share"]
        table.add_row(
            f"{r['latency_budget_ns']:g} ns",
            r["technology"],
            f"{r['reach_m']:.3g} m",
            f"{100 * r['gpus_served'] / summary['gpus']:.0f} %",
            f"{r['capacity_gb_per_gpu']:.0f} ({r['capacity_gb_per_gpu_min']:.0f})",
            f"{r['bandwidth_gbyte_s_per_gpu']:.1f}",
            "-" if share is None else f"{r['mean_load_to_use_ns']:.0f} ({100 * share:.0f} %)",
            f"{r['fabric_w_per_gpu']:.1f}",
            _hours(r["fabric_failure_interval_h"]),
            _cell(r["fabric_cost_musd"], ".2f"),
        )
    return table


def largest_domain_table(summary: dict) -> Table:
    """Largest scale-up domain per technology (rows) under each rack power limit (columns)."""
    table = Table(title="largest scale-up domain (GPUs) under a rack power limit")
    table.add_column("technology")
    for limit in summary["rack_limits"]:
        table.add_column(f"{limit['kw']:g} kW ({limit['cooling']})", justify="right")
    top = max(summary["domain_sizes"])
    for tech, cells in summary["largest_domain"].items():
        values = [cells[format(limit["kw"], "g")] for limit in summary["rack_limits"]]
        table.add_row(tech, *((">= " if v == top else "") + f"{v:,}" if v else "-" for v in values))
    table.caption = (
        f">= {top:,}: the largest size the scenario tries (domain_sizes), not a limit; larger ones were not evaluated"
    )
    return table


def domain_detail_table(summary: dict) -> Table:
    """The largest domain of each technology at each limit: racks, links, power, failures, ETTR."""
    from rich import box

    table = Table(
        title="that domain: layout, power, link failures, ETTR",
        box=box.SIMPLE_HEAD,
        padding=(0, 0),
        pad_edge=False,
        caption="fails: one link of the domain every; ETTR: all causes / links only",
    )
    for col in ("limit", "technology", "GPUs", "racks x GPUs", "longest cable", "rack", "domain", "fails", "ETTR"):
        table.add_column(col, justify="left" if col == "technology" else "right", no_wrap=True)
    largest = summary["largest_domain"]
    for r in summary["rows"]:
        if not r["feasible"] or r["domain_gpus"] != largest[r["technology"]][f"{r['rack_limit_kw']:g}"]:
            continue
        table.add_row(
            f"{r['rack_limit_kw']:g} kW",
            r["technology"],
            f"{r['domain_gpus']:,}",
            f"{r['racks']} x {r['gpus_per_rack']}",
            f"{r['longest_cable_m']:.1f} m",
            f"{r['rack_kw']:.1f} kW",
            f"{r['domain_kw'] / 1e3:.2f} MW",
            _hours(r["link_failure_interval_h"]),
            f"{r['ettr']:.3f} / {r['ettr_links_only']:.4f}",
        )
    return table


def _single_scenario(names: list[str]) -> ScenarioSpec | None:
    """The one memory-pool or scale-up-sweep scenario asked for, or None for cluster columns."""
    specs = [_scenario(n) for n in names]
    special = [s for s in specs if s.type != "clusters"]
    if special and len(specs) > 1:
        raise ConfigError(
            f"--scenario = {special[0].name!r} (type {special[0].type}): runs alone; give it as the only --scenario"
        )
    return special[0] if special else None


def _run_special(spec: ScenarioSpec, catalog_files: list[Path], csv_path: Path | None, as_json: bool) -> None:
    """Evaluate a memory-pool or scale-up-sweep scenario and print or write it."""
    from mosaiclink.cluster.memory import evaluate_memory_pool  # the models import SciPy: only when run
    from mosaiclink.cluster.scale_up_sweep import evaluate_scale_up_sweep
    from mosaiclink.system.catalog import load_catalog

    catalog = load_catalog(catalog_files)
    if spec.memory_pool is not None:
        summary = evaluate_memory_pool(spec.memory_pool, catalog).summary()
        tables = [memory_table(summary)]
    else:
        assert spec.scale_up_sweep is not None  # the spec's validator guarantees the table of its type
        summary = evaluate_scale_up_sweep(spec.scale_up_sweep, catalog).summary()
        tables = [largest_domain_table(summary), domain_detail_table(summary)]
    if csv_path is not None:
        write_text_atomic(csv_path, _rows_csv(summary["rows"]), "--csv")
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    for table in tables:
        Console().print(table)


def cluster(
    gpus: Annotated[
        int | None, typer.Option("--gpus", callback=within(1), help="GPUs in every cluster (overrides the scenario).")
    ] = None,
    scenario: Annotated[
        list[str] | None,
        typer.Option(
            "--scenario",
            help="Shipped scenario name or scenario file; repeat to add columns "
            f"(default: {' + '.join(DEFAULT_SCENARIOS)}). memory-pool and scale-up-sweep scenarios run alone.",
        ),
    ] = None,
    catalog_files: CatalogOpt = None,
    csv_events: Annotated[
        Path | None, typer.Option("--csv-events", help="Write the Monte Carlo year's link failures as CSV.")
    ] = None,
    csv_rows: Annotated[
        Path | None, typer.Option("--csv", help="Write the rows of a memory-pool or scale-up-sweep scenario as CSV.")
    ] = None,
    seed: SeedOpt = 1,
    as_json: JsonOpt = False,
    max_rack_kw: Annotated[
        float | None,
        typer.Option(
            "--max-rack-kw",
            callback=within(1.0, 2_000.0, "kW"),
            help="Rack power limit: the only limit of a scale-up sweep; cluster columns are checked against it.",
        ),
    ] = None,
    list_scenarios: Annotated[
        bool, typer.Option("--list", help="List the shipped scenarios (name, type, what each compares) and exit.")
    ] = False,
) -> None:
    """Evaluate clusters side by side, memory pools or scale-up domain sweeps.

    Cluster columns report links, power, rack density, failures and ETTR.

    Example: mosaic cluster --scenario scale-up-sweep --max-rack-kw 132
    """
    if list_scenarios:
        _list_scenarios(as_json)
        return
    from mosaiclink.cluster.run import evaluate_columns  # the models import SciPy: only when run
    from mosaiclink.system.catalog import load_catalog

    inputs = (*(Path(s) for s in scenario or []), *(catalog_files or []))
    for path, option, other in ((csv_events, "--csv-events", csv_rows), (csv_rows, "--csv", csv_events)):
        if path is not None:
            writable_file(path, option, inputs=inputs, others=(other,))
    special = _single_scenario(scenario or list(DEFAULT_SCENARIOS))
    if special is not None:
        if gpus is not None or csv_events is not None:
            raise ConfigError(f"--gpus and --csv-events: only for cluster scenarios, not {special.type}")
        if max_rack_kw is not None:
            if special.scale_up_sweep is None:
                raise ConfigError(f"--max-rack-kw: for cluster and scale-up-sweep scenarios, not {special.type}")
            limit = {"kw": max_rack_kw, "cooling": "--max-rack-kw"}
            sweep = special.scale_up_sweep.replace(rack_limits=[limit])
            special = special.replace(scale_up_sweep=sweep.model_dump())
        _run_special(special, catalog_files or [], csv_rows, as_json)
        return
    if csv_rows is not None:
        raise ConfigError("--csv: only for memory-pool and scale-up-sweep scenarios (use --csv-events here)")
    specs = [c for name in (scenario or DEFAULT_SCENARIOS) for c in _scenario(name).clusters]
    if gpus is not None:
        specs = [s.replace(gpus=gpus) for s in specs]
    columns = evaluate_columns(specs, load_catalog(catalog_files or []), seed=seed)
    summaries = list(columns.summaries)
    if max_rack_kw is not None:
        for s in summaries:
            s["power"]["rack_limit_kw"] = max_rack_kw
            s["power"]["rack_within_limit"] = bool(s["power"]["rack_kw"] <= max_rack_kw)
    if csv_events is not None:
        write_text_atomic(csv_events, _events_csv(columns.results, columns.years), "--csv-events")
    if as_json:
        typer.echo(json.dumps(summaries, indent=2))
        return
    Console().print(_table(summaries))
