"""``mosaic simulate``: Monte Carlo BER of selected channels beside the analytic prediction,
with eye-diagram PNGs and a JSON of per-channel counted BER and confidence intervals."""

from __future__ import annotations

import functools
import json
import os
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from mosaiclink.cli.common import resolve_design, writable_dir
from mosaiclink.cli.options import (
    BitsOpt,
    ConfigOpt,
    JsonOpt,
    LengthOpt,
    OutOpt,
    PresetOpt,
    RateOpt,
    SamplesPerBitOpt,
    SeedOpt,
    VariationSeedOpt,
    within,
)
from mosaiclink.config.design import MAX_TOTAL_CHANNELS
from mosaiclink.errors import ConfigError
from mosaiclink.workload import check_simulation_bits

SIMULATE_FILES = ("simulate.json", "eye_ch*.png")  # what --out receives: no input may be one of them
MAX_LOCAL_WORKERS = 64  # worker processes of a local cluster: beyond this the machine runs out of memory first

if TYPE_CHECKING:
    from mosaiclink.sim.runner import Path_ as SimPath


def parse_channels(text: str | None) -> list[int] | None:
    """``"0-9,15"`` -> [0, ..., 9, 15]; ``None``/``"all"`` -> None (every channel)."""
    if text is None or text.strip().lower() == "all":
        return None
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                lo, hi = (int(v) for v in part.split("-", 1))
                if hi < lo:
                    raise ValueError
                out.extend(range(lo, min(hi, MAX_TOTAL_CHANNELS) + 1))
            else:
                out.append(int(part))
        except ValueError:
            raise ConfigError(f"--channels = {text[:60]!r}: use numbers and ranges, e.g. 0-9,15") from None
        if out and out[-1] >= MAX_TOTAL_CHANNELS:
            raise ConfigError(f"--channels = {text[:60]!r}: channel numbers stop below {MAX_TOTAL_CHANNELS}")
    return out


def simulate(
    preset: PresetOpt = None,
    config: ConfigOpt = None,
    length_m: LengthOpt = None,
    rate_gbps: RateOpt = None,
    bits: BitsOpt = 1_000_000,
    channels: Annotated[str, typer.Option("--channels", help="Channels, e.g. 0-9,15 or all.")] = "0-9",
    path: Annotated[str, typer.Option("--path", help="symbol (fast, 1 sample/bit) or waveform.")] = "symbol",
    samples_per_bit: SamplesPerBitOpt = 8,
    seed: SeedOpt = 0,
    variation_seed: VariationSeedOpt = 0,
    target_errors: Annotated[
        int | None,
        typer.Option("--target-errors", callback=within(1), help="Stop a channel after this many errors."),
    ] = None,
    pattern: Annotated[str, typer.Option("--pattern", help="random, prbs7, prbs15 or prbs31.")] = "random",
    eye_channels: Annotated[
        str | None, typer.Option("--eye-channels", help="Channels to draw eyes for (default: first selected).")
    ] = None,
    jitter_rms_ps: Annotated[
        float,
        typer.Option(
            "--jitter-rms-ps", callback=within(0.0, 1e6, "ps"), help="Random sampling jitter (waveform path)."
        ),
    ] = 0.0,
    led_model: Annotated[
        str, typer.Option("--led-model", help="superposition (physics pulse) or first-order.")
    ] = "superposition",
    forwarded_clock: Annotated[
        bool,
        typer.Option(
            "--forwarded-clock",
            help="Shared clock: each channel samples off its peak by its fibre skew (waveform path).",
        ),
    ] = False,
    out: OutOpt = None,
    as_json: JsonOpt = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            callback=within(1, MAX_LOCAL_WORKERS),
            help="Run the symbol path on a local Dask cluster of N worker processes (127.0.0.1).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run the symbol path on an existing Dask cluster, e.g. tcp://HOST:8786."),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="DuckDB file of counted blocks: an interrupted run resumes from it."),
    ] = None,
    block_bits: Annotated[
        int | None,
        typer.Option(
            "--block-bits",
            callback=within(1),
            help="Bits per block (default 1048576); --target-errors stops a channel at a block's end.",
        ),
    ] = None,
) -> None:
    """Count bit errors by Monte Carlo and compare with the statistical-eye prediction.

    Example: mosaic simulate --preset mosaic-prototype --length-m 30 --bits 1000000 --channels 0-9

    ``--out`` receives one eye-diagram PNG per drawn channel and ``simulate.json``.
    """
    from mosaiclink.config.io import write_text_atomic
    from mosaiclink.sim.runner import simulate as run_simulation

    if (workers is not None or scheduler is not None) and path != "symbol":
        raise ConfigError(f"--path = {path!r}: distributed Monte Carlo runs the symbol path only")
    if workers is not None and scheduler is not None:
        raise ConfigError("--workers and --scheduler: give one (a local cluster or an existing one)")
    if workers is not None:
        workers = _capped_workers(workers)
    design = resolve_design(preset, config, length_m, rate_gbps)
    if out is not None:
        writable_dir(out, inputs=(config, store), written=SIMULATE_FILES)  # one line now, not after the run
    selected = parse_channels(channels)
    check_simulation_bits(bits, len(selected) if selected is not None else design.array.total_channels)
    run = functools.partial(
        run_simulation,
        design,
        bits,
        channels=selected,
        samples_per_bit=samples_per_bit,
        path=cast("SimPath", path),  # simulate() refuses anything but symbol or waveform
        seed=seed,
        target_errors=target_errors,
        pattern=pattern,
        eye_channels=parse_channels(eye_channels),
        variation_seed=variation_seed,
        jitter_rms_ps=jitter_rms_ps,
        led_model=led_model,
        forwarded_clock=forwarded_clock,
    )
    if block_bits is not None:
        run = functools.partial(run, block_bits=block_bits)
    with ExitStack() as stack:
        if store is not None:
            from mosaiclink.cli._mc_store import BlockStore, run_key
            from mosaiclink.explore.spec import canonical_json

            blocks = stack.enter_context(BlockStore(store))
            key = run_key(
                canonical_json(design),
                seed=seed,
                variation_seed=variation_seed,
                pattern=pattern,
                block_bits=block_bits or "default",
                led_model=led_model,
                jitter_rms_ps=jitter_rms_ps,
                forwarded_clock=forwarded_clock,
            )
            run = functools.partial(
                run, done=blocks.done(key), on_result=lambda c, b, e, n: blocks.add(key, c, b, e, n)
            )
        if workers is not None or scheduler is not None:
            run = functools.partial(run, client=stack.enter_context(_dask_client(workers, scheduler)))
        result = _run(run, bits, as_json)
    data = result.to_dict()
    if out is not None:
        from mosaiclink.cli.plots import write_eye_pngs

        data["eye_pngs"] = write_eye_pngs(
            result, out, design.receiver.feedback_resistance_kohm * 1e3, design.link.target_ber
        )
        write_text_atomic(out / "simulate.json", json.dumps(data, indent=1))
    if as_json:
        typer.echo(json.dumps(data, separators=(",", ":")))
        return
    _print(result, data)


def _capped_workers(workers: int) -> int:
    """At most one local worker process per CPU (more only contend for the cores): a note on stderr
    when capped. ``--workers 64`` started 65 processes (4.4 GiB) on 2 cores (issue 26)."""
    cpus = os.cpu_count() or 1
    if workers > cpus:
        typer.echo(f"note: --workers = {workers} capped to {cpus}, the CPUs of this machine", err=True)
    return min(workers, cpus)


@contextmanager
def _dask_client(workers: int | None, scheduler: str | None):
    """A client of a new local cluster (``workers`` processes on 127.0.0.1) or of ``scheduler``.

    Dask's own logging is silenced below CRITICAL: a worker closing its comm at shutdown is
    routine and printed tracebacks (``CommClosedError``) after a successful run.
    """
    import logging

    from dask.distributed import Client, LocalCluster

    for name in ("distributed", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=10)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(f"--scheduler = {scheduler!r}: cannot connect ({exc})") from None
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            processes=True,
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _run(run, bits: int, as_json: bool):
    """The run, with a progress bar unless the output is JSON."""
    if as_json:
        return run()
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} bits"),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("bits", total=bits)
        return run(progress=lambda done, total: bar.update(task, completed=done))


def _print(result, data) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{result.design_name}: {result.rate_gbps:g} Gb/s, {result.length_m:g} m, {result.path} path",
        caption=f"simulator throughput {result.throughput_mbps:.3g} Mbit/s of counted bits per second "
        f"(all channels; the speed of this run, not the link's {result.rate_gbps:g} Gb/s)",
    )
    for name in ("channel", "errors", "bits", "BER", f"{result.confidence:.0%} interval", "stat-eye BER", "inside"):
        table.add_column(name, justify="right")
    for row, inside, judged in zip(data["per_channel"], result.within_interval, result.can_judge, strict=True):
        verdict = ("[green]yes[/]" if inside else "[red]no[/]") if judged else "[yellow]too few bits[/]"
        table.add_row(
            str(row["channel"]),
            f"{row['errors']:,}",
            f"{row['bits']:,}",
            f"{row['ber']:.3g}",
            f"[{row['ci_low']:.3g}, {row['ci_high']:.3g}]",
            f"{row['ber_analytic']:.3g}",
            verdict,
        )
    console = Console()
    console.print(table)
    for channel, eye in data["eyes"].items():
        console.print(
            f"eye of channel {channel}: "
            + ", ".join(f"{k} = {v:.3g}" if v is not None else f"{k} = n/a" for k, v in eye.items())
        )
    for png in data.get("eye_pngs", []):
        console.print(f"wrote {png}")
    unjudged = [int(c) for c, ok in zip(result.channels, result.can_judge, strict=True) if not ok]
    if unjudged:
        typer.echo(
            f"warning: channel(s) {', '.join(map(str, unjudged))}: too few bits to judge the analytic BER (the "
            f"interval admits both 10x above and 10x below it); count at least {result.bits_to_judge():,} bits "
            "per channel (~30 expected errors)",
            err=True,
        )
