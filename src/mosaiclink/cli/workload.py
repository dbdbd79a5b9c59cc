"""``mosaic workload``: what each link technology does to an AI training job."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mosaiclink.cli.options import CatalogOpt, GpusListOpt, JsonOpt

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


def workload(
    job: Annotated[
        list[str] | None,
        typer.Option("--job", help=f"Shipped job name or job file; repeatable (default: {', '.join(DEFAULT_JOBS)})."),
    ] = None,
    gpus: GpusListOpt = None,
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
    from mosaiclink.workloads.training import evaluate_training

    jobs = job or list(DEFAULT_JOBS)
    sizes: list[int | None] = [*gpus] if gpus else ([None] if job else [*DEFAULT_GPUS])
    specs = [load_job(name, **({} if n is None else {"gpus": n})) for name in jobs for n in sizes]
    check_workload_columns(len(jobs), len(sizes), max(len(s.technologies) for s in specs))
    catalog = load_catalog(catalog_files or [])
    summaries = [evaluate_training(s, catalog=catalog).summary() for s in specs]
    if as_json:
        typer.echo(json.dumps(summaries, indent=2))
        return
    console = Console(width=max(Console().width, 120))
    for summary in summaries:
        console.print(_table(summary))
