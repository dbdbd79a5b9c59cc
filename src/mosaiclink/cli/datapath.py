"""``mosaic datapath``: emulate the digital data path (gearbox, framing, failover, RS FEC)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from mosaiclink.cli.options import JsonOpt, SeedOpt, finite
from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.units import format_ber


def datapath(
    host: Annotated[
        str, typer.Option(help="Host protocol: 400gbe, 800gbe, 1.6tbe, 2x1.6tbe, pcie6, ualink, raw.")
    ] = "800gbe",
    channels: Annotated[int, typer.Option(help="Data channels.")] = 400,
    spares: Annotated[int, typer.Option(help="Spare channels.")] = 20,
    mapping: Annotated[
        str, typer.Option(help="bit-interleaved, symbol-aligned or codeword-diagonal.")
    ] = "symbol-aligned",
    ber: Annotated[float, typer.Option(callback=finite, help="Pre-FEC BER of every channel.")] = 1e-5,
    dead: Annotated[int, typer.Option(help="Channels killed at --kill-at-us.")] = 0,
    dead_at_start: Annotated[int, typer.Option(help="Channels known dead at link-up.")] = 0,
    kill_at_us: Annotated[float, typer.Option(callback=finite, help="Time the --dead channels fail (us).")] = 5.0,
    duration_us: Annotated[float, typer.Option(callback=finite, help="Emulated time (us).")] = 50.0,
    mode: Annotated[str, typer.Option(help="payload (real frames) or pattern (error positions only).")] = "pattern",
    erasures: Annotated[
        bool, typer.Option("--erasures/--no-erasures", help="Feed declared-dead channels as erasures.")
    ] = True,
    detection_time_us: Annotated[
        float, typer.Option(callback=finite, help="Bad-marker time before a channel is declared dead (us).")
    ] = 2.0,
    seed: SeedOpt = 0,
    json_out: JsonOpt = False,
) -> None:
    """Emulate a host protocol over many slow channels: pre/post-FEC BER, frame loss, failover, latency.

    Example: mosaic datapath --host 800gbe --channels 400 --spares 20 --ber 1e-5 --dead 3
    """
    from rich.console import Console
    from rich.table import Table

    spec = DatapathSpec.from_mapping(
        dict(
            host=host,
            channels=channels,
            spares=spares,
            mapping=mapping,
            ber=ber,
            dead=dead,
            dead_at_start=dead_at_start,
            kill_at_us=kill_at_us,
            duration_us=duration_us,
            mode=mode,
            erasures=erasures,
            detection_time_us=detection_time_us,
        )
    )
    from mosaiclink.datapath.emulator import emulate  # Numba and SciPy: only when run

    with _progress(quiet=json_out, mode=spec.mode) as progress:
        result = emulate(spec, seed=seed, progress=progress)
    if json_out:
        typer.echo(json.dumps(result.to_dict(), default=float))
        return
    console = Console()
    table = Table(
        title=f"{result.host} over {result.channels}+{result.spares} channels, {result.mapping}, "
        f"{result.mode} mode, {result.duration_us:.1f} us"
    )
    table.add_column("quantity")
    table.add_column("value", justify="right")
    rows = [
        ("line rate per channel", f"{result.line_rate_gbps:.4f} Gb/s"),
        ("link bits", f"{result.link_bits:,}"),
        ("pre-FEC bit errors / BER", f"{result.pre_fec_bit_errors:,} / {result.pre_fec_ber:.3e}"),
        ("codewords", f"{result.codewords:,}"),
        ("uncorrectable codewords / ratio", f"{result.uncorrectable_codewords} / {result.uncorrectable_ratio:.3e}"),
        ("miscorrected codewords", str(result.miscorrected_codewords)),
        ("post-FEC bit errors / BER", f"{result.post_fec_bit_errors} / {result.post_fec_ber:.3e}"),
        ("frames / lost / ratio", f"{result.frames:,} / {result.frames_lost} / {result.frame_loss_ratio:.3e}"),
        ("caught by CRC / silently corrupted", f"{result.frames_caught_by_crc} / {result.silent_corruptions}"),
        ("analytic P(uncorrectable) healthy", format_ber(result.analytic.p_uncorrectable, digits=3)),
        ("analytic post-FEC BER healthy", format_ber(result.analytic.post_fec_ber, digits=3)),
        ("deskew buffer", f"{result.deskew_buffer_bits} bits"),
    ]
    rows += [(f"latency {k.removesuffix('_ns')}", f"{v:.1f} ns") for k, v in result.latency_ns.items()]
    rows += [
        (f"dead channels absorbed, {mp}", f"{t['errors_only']} (errors) / {t['with_erasures']} (erasures)")
        for mp, t in result.tolerance.items()
    ]
    for ev in result.events:
        rows.append(
            (
                f"channel {ev.channel}",
                f"dead {ev.dead_us} us, declared {ev.declared_us} us, spare {ev.spare} at {ev.switched_us} us",
            )
        )
    retry = result.link_retry
    if retry is not None:
        rows += [
            (
                "link-level retry: flits lost / replays",
                f"{retry['flits_lost']} / {retry['replays']} ({retry['retrains']} retrains)",
            ),
            (
                "replay added latency mean / p99 / max",
                f"{retry['added_latency_mean_ns']:.0f} / {retry['added_latency_p99_ns']:.0f} / "
                f"{retry['added_latency_max_ns']:.0f} ns",
            ),
            ("replay buffer needed", f"{retry['replay_buffer_needed_bytes'] / 1024:.1f} KiB"),
        ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)


@contextmanager
def _progress(quiet: bool, mode: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on stderr while the emulator runs; none with ``--json`` or when stderr is no terminal."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("marker periods" if mode == "payload" else "interleave blocks"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        # until the first block is done the kernels may be compiling (first run only: Numba caches them)
        task = bar.add_task(f"emulating ({mode} mode; first block, compiling kernels on a first run)", total=None)

        def update(done: int, total: int) -> None:
            description = f"emulating ({mode} mode)" if done else None
            bar.update(task, completed=done, total=total, description=description)

        yield update
