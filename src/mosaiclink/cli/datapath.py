"""``mosaic datapath``: emulate the digital data path (gearbox, framing, failover, RS FEC)."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from mosaiclink.cli.main import app
from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.units import format_ber


@app.command()
def datapath(
    host: str = typer.Option("800gbe", help="host protocol: 800gbe, 1.6tbe, pcie6, raw"),
    channels: int = typer.Option(400, help="data channels"),
    spares: int = typer.Option(20, help="spare channels"),
    mapping: str = typer.Option("symbol-aligned", help="bit-interleaved, symbol-aligned, codeword-diagonal"),
    ber: float = typer.Option(1e-5, help="pre-FEC BER of every channel"),
    dead: int = typer.Option(0, help="channels killed at --kill-at-us"),
    dead_at_start: int = typer.Option(0, help="channels known dead at link-up"),
    kill_at_us: float = typer.Option(5.0, help="time the --dead channels fail, us"),
    duration_us: float = typer.Option(50.0, help="emulated time, us"),
    mode: str = typer.Option("pattern", help="payload (real frames) or pattern (error positions only)"),
    erasures: bool = typer.Option(True, "--erasures/--no-erasures", help="feed declared-dead channels as erasures"),
    detection_time_us: float = typer.Option(2.0, help="bad-marker time before a channel is declared dead, us"),
    seed: int = typer.Option(0, help="random seed"),
    json_out: bool = typer.Option(False, "--json", help="print machine-readable JSON only"),
) -> None:
    """Emulate a host protocol over many slow channels: pre/post-FEC BER, frame loss, failover, latency."""
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
    from mosaiclink.cli.common import check_seeds
    from mosaiclink.datapath.emulator import emulate  # Numba and SciPy: only when run
    from mosaiclink.datapath.protocols import host_protocol
    from mosaiclink.workload import PAYLOAD_BYTES_PER_BIT, require_memory

    check_seeds(seed=seed)
    if spec.mode == "payload":
        bits = spec.duration_us * 1e3 * host_protocol(spec.host).rate_gbps
        require_memory(
            f"payload mode over {spec.duration_us:g} us ({bits / 1e6:,.0f} Mbit)",
            bits * PAYLOAD_BYTES_PER_BIT,
            "shorten --duration-us or use --mode pattern (processed in blocks)",
        )

    result = emulate(spec, seed=seed)
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
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
