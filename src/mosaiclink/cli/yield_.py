"""``mosaic yield``: module yield over spare counts and test limits, with the cost per good module."""

from __future__ import annotations

import json
from contextlib import ExitStack
from typing import Annotated

import typer

from mosaiclink.cli.common import resolve_design
from mosaiclink.cli.options import ConfigOpt, JsonOpt, LengthOpt, PresetOpt, SeedOpt, within, within_each

MODULES_MAX = 1_000_000  # as system.production.MAX_MODULES
MAX_LOCAL_WORKERS = 64
POOL_EVALUATIONS = 14  # full link evaluations of the channel pool beyond its seeds (system.production)


def yield_(
    preset: PresetOpt = None,
    config: ConfigOpt = None,
    length_m: LengthOpt = None,
    spares: Annotated[
        list[int] | None,
        typer.Option("--spares", callback=within_each(0, 1000), help="Spare count; repeat (default 0, 20, 40, 60)."),
    ] = None,
    test_limit_db: Annotated[
        list[float] | None,
        typer.Option(
            "--test-limit-db",
            callback=within_each(-10.0, 10.0, "dB"),
            help="Budget margin (dB, reserve included) a channel must show at test; repeat (default 0).",
        ),
    ] = None,
    modules: Annotated[
        int, typer.Option("--modules", callback=within(1, MODULES_MAX), help="Modules simulated.")
    ] = 10_000,
    case_c: Annotated[
        float | None,
        typer.Option(
            "--case-c",
            callback=within(-40.0, 125.0, "C"),
            help="Test at this module case temperature (thermal model); default: the design's own temperatures.",
        ),
    ] = None,
    pool: Annotated[
        int, typer.Option("--pool", callback=within(1, 32), help="Full link evaluations of the per-channel spread.")
    ] = 8,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", callback=within(1, MAX_LOCAL_WORKERS), help="Run the modules on N local Dask worker processes."
        ),
    ] = None,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """Module yield versus spare count and test limit, with 95 % intervals and cost per good module.

    Example: mosaic yield --preset mosaic-800g --spares 0 --spares 40 --test-limit-db 0.5

    Each simulated module draws its channels through the per-channel link model, adds wafer-level LED
    efficiency and wavelength shifts, optic placement error, dead emitters and fibre-core defects,
    and remaps failing channels onto spares at test (also with the FEC's erasure tolerance).
    """
    from mosaiclink.finite import require_finite
    from mosaiclink.system.production import module_yield
    from mosaiclink.workload import check_link_evaluations

    design = resolve_design(preset, config, length_m)
    spare_counts = tuple(spares or (0, 20, 40, 60))
    channels = design.array.data_channels + max(spare_counts)
    check_link_evaluations(
        "mosaic yield", pool + POOL_EVALUATIONS, channels, design.link.samples_per_bit, design.link.isi_span_bits
    )
    if case_c is not None:
        from mosaiclink.system.thermal import at_case_temperature

        design, _ = at_case_temperature(design, case_c)
    with ExitStack() as stack:
        client = None
        if workers is not None:
            from mosaiclink.cli.simulate import _dask_client

            client = stack.enter_context(_dask_client(workers, None))
        result = module_yield(
            design, spare_counts, tuple(test_limit_db or (0.0,)), modules, seed=seed, pool_modules=pool, client=client
        )
    payload = require_finite(result.to_dict(), f"yield of design '{design.name}'")
    if as_json:
        typer.echo(json.dumps(payload, separators=(",", ":")))
        return
    _print(result)


def _print(result) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{result.design}: module yield over {result.modules:,} modules (seed {result.seed}, 95 % intervals)"
    )
    for column in ("spares", "test limit dB", "yield (spares)", "yield (+FEC erasures)", "USD per good end"):
        table.add_column(column, justify="right")
    for r in result.rows:
        table.add_row(
            str(r.spares),
            f"{r.test_limit_db:+.2f}",
            f"{r.yield_spares:.2%} [{r.ci_spares[0]:.2%}, {r.ci_spares[1]:.2%}]",
            f"{r.yield_with_erasures:.2%} [{r.ci_with_erasures[0]:.2%}, {r.ci_with_erasures[1]:.2%}]",
            "-" if r.usd_per_good_module is None else f"{r.usd_per_good_module:,.0f}",
        )
    Console().print(table)
    Console().print(f"FEC erasure tolerance: {result.erasure_tolerance} channels per direction")
