"""``mosaic workload``: what each link technology does to an AI training job."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from mosaiclink.cli.options import CatalogOpt, GpusListOpt, JsonOpt
from mosaiclink.errors import ConfigError

DEFAULT_JOBS = ("llama3-70b", "deepseek-v3")
DEFAULT_GPUS = (16_384, 98_304)


def _table(summary: dict) -> Table:
    """One row per technology, with MOSAIC's gain over it split into its three factors."""
    par = summary["parallel"]
    table = Table(
        title=f"{summary['job']} on {summary['gpus']:,} x {summary['gpu']} "
        f"(TP{par['tensor']} PP{par['pipeline']} EP{par['expert']} DP{par['data']})",
        caption="MOSAIC gain: goodput per facility MW = scale-up domain x failures x power",
    )
    for name in ("tech", "domain", "step s", "MFU", "ETTR", "Mtok/s", "link MW", "tok/s/MW", "MOSAIC gain"):
        table.add_column(name, justify="left" if name == "tech" else "right")
    gains = {g["over"]: g for g in summary["mosaic_gain"]}
    for r in summary["rows"]:
        g = gains.get(r["technology"])
        gain = (
            f"{g['goodput_per_facility_mw_ratio']:.3f} = "
            + " x ".join(f"{g['factors'][k]:.3f}" for k in ("scale_up_domain", "failures", "power"))
            if g
            else "-"
        )
        table.add_row(
            r["technology"],
            f"{r['domain_gpus']:,}",
            f"{r['step_s']:.3f}",
            f"{100 * r['mfu']:.1f} %",
            f"{r['ettr']:.3f}",
            f"{r['goodput_tokens_per_s'] / 1e6:.2f}",
            f"{r['interconnect_mw']:.1f}",
            f"{r['tokens_per_s_per_facility_mw']:,.0f}",
            gain,
        )
    if summary["infeasible"]:
        table.caption = (
            f"{table.caption}; no scale-up domain under {summary['rack_limit_kw']:g} kW: "
            f"{', '.join(summary['infeasible'])}"
        )
    return table


def _inference_table(summary: dict) -> Table:
    """One row per (technology, cable length): latency, TPOT and the batch at each budget."""
    budgets = sorted({r["latency_budget_ms"] for r in summary["rows"]})
    table = Table(
        title=f"{summary['model']} decoding on {summary['tensor']} x {summary['gpu']}, "
        f"{summary['context_tokens']:,}-token contexts, KV beyond HBM in a CXL pool "
        f"({summary['link_gbyte_s_per_gpu']:.0f} GB/s per GPU)",
        caption=f"HBM alone holds {summary['hbm_only_batch']} sequences; TPOT at "
        f"{summary['rows'][0]['reference_batch']} (the rest in the pool)",
    )
    for name in ("tech", "length m", "load-to-use ns", "TPOT ms", *[f"batch @{b:g} ms" for b in budgets], "link W/GPU"):
        table.add_column(name, justify="left" if name == "tech" else "right")
    cells: dict[tuple, list] = {}
    for r in summary["rows"]:
        cells.setdefault((r["technology"], r["length_m"]), []).append(r)
    for (tech, length), rows in cells.items():
        first = rows[0]
        reach = first["within_reach"]
        table.add_row(
            tech,
            f"{length:g}",
            f"{first['load_to_use_ns']:.0f}" if reach else "beyond reach",
            f"{first['tpot_ms_at_reference_batch']:.1f}" if reach else "-",
            *[str(r["batch"]) if reach else "-" for r in sorted(rows, key=lambda r: r["latency_budget_ms"])],
            f"{first['link_w_per_gpu']:.1f}",
        )
    return table


def _domain_table(name: str, gpus: int, rows: list[dict]) -> Table:
    """Technologies x domain sizes: step time, ETTR and goodput per facility MW (- where none fits)."""
    sizes = sorted({r["domain_gpus"] for r in rows})
    table = Table(
        title=f"{name} on {gpus:,} GPUs: scale-up domain size under the rack power limit",
        caption="cell: step s / ETTR / tokens per s per facility MW; - : no layout fits the rack limit",
    )
    table.add_column("tech")
    for size in sizes:
        table.add_column(f"{size:,} GPUs", justify="right")
    for tech in dict.fromkeys(r["technology"] for r in rows):
        cells = {r["domain_gpus"]: r for r in rows if r["technology"] == tech}
        table.add_row(
            tech,
            *[
                f"{c['step_s']:.3f} / {c['ettr']:.3f} / {c['tokens_per_s_per_facility_mw']:,.0f}"
                if (c := cells[size])["feasible"]
                else "-"
                for size in sizes
            ],
        )
    return table


def _lanes_table(rows: list[dict]) -> Table:
    """Technologies by aggregate rate: lane rate, reach, pJ/bit and FIT per end."""
    table = Table(
        title="Lane rate against reach and power (catalog; MOSAIC from the link and system models)",
        caption="reach ratio: reach over the same technology's reach at its lowest rate; failures vs lane "
        "rate are not modelled (catalog FITs do not depend on it)",
    )
    for name in ("tech", "rate", "lanes x Gb/s", "reach m", "reach ratio", "pJ/bit", "FIT/end"):
        table.add_column(name, justify="left" if name == "tech" else "right")
    for r in rows:
        table.add_row(
            r["technology"],
            f"{r['rate_gbps']:g}G",
            f"{r['lanes']} x {r['lane_rate_gbps']:.4g}",
            f"{r['reach_m']:.3g}",
            f"{r['reach_vs_lowest_rate']:.2f}",
            f"{r['pj_per_bit']:.2f}",
            f"{r['fit_per_end']:.0f}",
        )
    return table


def _range(row: dict, key: str, fmt: str) -> str:
    """``typical (worse..better)``; '-' for a missing value (no cable reaches, short on day one)."""

    def one(v: Any) -> str:
        return "-" if v is None else format(v, fmt)

    typical, worse, better = row.get(key), row.get(f"{key}_worse"), row.get(f"{key}_better")
    if worse == typical == better:
        return one(typical)
    return f"{one(typical)} ({one(worse)}..{one(better)})"


def _margin_table(rows: list[dict]) -> Table:
    """Per medium and lane rate: margin at a fixed length and FIT per link, with the estimates' ranges."""
    table = Table(
        title="Lane rate against margin and failures (copper and lasers: sourced points, labelled estimates; "
        "MOSAIC: the link and life models)",
        caption="typical (worse..better end of the estimate ranges); MOSAIC: 800 Gb/s on 400/200/100 channels; "
        "FIT '-': short of margin on day one, or no copper cable reaches; * not catalogued (FIT from the 100G "
        "calibration and the margin); copper: the cable that serves the length; docs/workloads.md",
    )
    for name in ("medium", "tech", "lane Gb/s", "length m", "margin dB", "FIT/link"):
        table.add_column(name, justify="left" if name in ("medium", "tech") else "right")
    for r in rows:
        lane = (
            f"{r['lane_rate_gbps']:g}" if r["medium"] != "mosaic" else f"{r['channel_rate_gbps']:.3g} x {r['channels']}"
        )
        table.add_row(
            r["medium"],
            r["technology"] if r["medium"] != "copper" else (r.get("serving") or "no copper reaches"),
            lane if r.get("catalogued", True) else f"{lane}*",
            f"{r['length_m']:g}",
            _range(r, "margin_db", "+.1f"),
            _range(r, "fit_per_link", ",.0f"),
        )
    return table


def _media_table(rows: list[dict]) -> Table:
    """Wide-and-slow on each medium: power, reach, size, connectors, failures."""
    first = rows[0]
    table = Table(
        title=f"Wide-and-slow on other media: {first['channels_per_direction']} channels per direction at "
        f"{first['channel_rate_gbps']:.3g} Gb/s, both directions in one cable",
        caption="typical (worse..better end of the estimate ranges); docs/workloads.md",
    )
    for name in ("medium", "W/end", "reach m", "cable mm", "connectors/end", "FIT/link"):
        table.add_column(name, justify="left" if name == "medium" else "right")
    for r in rows:
        table.add_row(
            r["medium"],
            _range(r, "power_w_per_end", ".1f"),
            _range(r, "reach_m", ".0f"),
            _range(r, "cable_diameter_mm", ".1f"),
            _range(r, "connectors_per_end", ".0f"),
            _range(r, "fit_per_link", ".0f"),
        )
    return table


def workload(
    job: Annotated[
        list[str] | None,
        typer.Option("--job", help=f"Shipped job name or job file; repeatable (default: {', '.join(DEFAULT_JOBS)})."),
    ] = None,
    gpus: GpusListOpt = None,
    inference: Annotated[
        str | None,
        typer.Option(
            "--inference",
            help="Instead of training: an inference case (inference-llama3-70b or a file): KV-cache offload to a "
            "memory pool, time per output token and batch per technology at 10-50 m.",
        ),
    ] = None,
    lanes: Annotated[
        bool,
        typer.Option(
            "--lanes",
            help="Instead of a job: lane rate against reach and energy per bit, and against margin and failures, "
            "per technology.",
        ),
    ] = False,
    media: Annotated[
        bool,
        typer.Option(
            "--media",
            help="Instead of a job: wide-and-slow on copper pairs, VCSELs, one core per emitter and MOSAIC's imaging "
            "fibre (power, reach, size, failures).",
        ),
    ] = False,
    domains: Annotated[
        bool,
        typer.Option("--domains", help="Sweep the scale-up domain size per technology instead of taking the largest."),
    ] = False,
    catalog_files: CatalogOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Train an AI model on clusters built with each link technology: step time, MFU, goodput, tokens per MW.

    Per technology: the largest scale-up domain under the rack power limit, the step time of the
    job's parallel plan (alpha-beta collectives), ETTR under link and other failures, and MOSAIC's
    gain split into scale-up domain, failures and power.

    Example: mosaic workload --job deepseek-v3 --gpus 16384
    """
    from mosaiclink.system.catalog import load_catalog  # the models import SciPy: only when run
    from mosaiclink.workload import check_workload_columns
    from mosaiclink.workloads.presets import load_job
    from mosaiclink.workloads.training import evaluate_domain_sweep, evaluate_training

    catalog = load_catalog(catalog_files or [])
    for flag, on in (("--lanes", lanes), ("--media", media)):
        others = job or gpus or inference is not None or domains or (lanes and media)
        if on and others:
            raise ConfigError(
                f"{flag}: give it alone, without --job, --gpus, --inference, --domains, --lanes or --media"
            )
    if lanes:
        from mosaiclink.workloads.lanes import lane_margin_table, lane_rate_table

        reach_rows, margin_rows = lane_rate_table(catalog), lane_margin_table(catalog)
        if as_json:
            typer.echo(json.dumps({"reach": reach_rows, "margin": margin_rows}, indent=2))
        else:
            wide = Console(width=max(Console().width, 120))
            wide.print(_lanes_table(reach_rows))
            wide.print(_margin_table(margin_rows))
        return
    if media:
        from mosaiclink.workloads.media import wide_slow_media_table

        media_rows = wide_slow_media_table(catalog=catalog)
        if as_json:
            typer.echo(json.dumps(media_rows, indent=2))
        else:
            Console(width=max(Console().width, 120)).print(_media_table(media_rows))
        return
    if inference is not None:
        from mosaiclink.workloads.inference import evaluate_inference
        from mosaiclink.workloads.presets import load_inference

        if job or gpus:
            raise ConfigError("--inference: give it alone, without --job or --gpus")
        result = evaluate_inference(load_inference(inference), catalog=catalog).summary()
        if as_json:
            typer.echo(json.dumps(result, indent=2))
        else:
            Console(width=max(Console().width, 120)).print(_inference_table(result))
        return
    jobs = job or list(DEFAULT_JOBS)
    sizes: list[int | None] = [*gpus] if gpus else ([None] if job else [*DEFAULT_GPUS])
    specs = [load_job(name, **({} if n is None else {"gpus": n})) for name in jobs for n in sizes]
    check_workload_columns(len(jobs), len(sizes), max(len(s.technologies) for s in specs))
    if domains:
        sweeps: list[dict[str, Any]] = [
            {"job": s.name, "gpus": s.gpus, "rows": evaluate_domain_sweep(s, catalog=catalog)} for s in specs
        ]
        if as_json:
            typer.echo(json.dumps(sweeps, indent=2))
        else:
            wide = Console(width=max(Console().width, 160))
            for sweep in sweeps:
                wide.print(_domain_table(sweep["job"], sweep["gpus"], sweep["rows"]))
        return
    summaries = [evaluate_training(s, catalog=catalog).summary() for s in specs]
    if as_json:
        typer.echo(json.dumps(summaries, indent=2))
        return
    console = Console(width=max(Console().width, 120))
    for summary in summaries:
        console.print(_table(summary))
