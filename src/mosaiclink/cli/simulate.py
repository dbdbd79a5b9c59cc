"""``mosaic simulate``: Monte Carlo BER of selected channels beside the analytic prediction,
with eye-diagram PNGs and a JSON of per-channel counted BER and confidence intervals."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from mosaiclink.cli.common import check_option, check_seeds, resolve_design, writable_dir
from mosaiclink.cli.main import app
from mosaiclink.config.design import MAX_TOTAL_CHANNELS
from mosaiclink.config.io import write_text_atomic
from mosaiclink.errors import ConfigError
from mosaiclink.workload import check_simulation_bits


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


@app.command()
def simulate(
    preset: str = typer.Option(None, "--preset", "-p", help="Preset design name; default mosaic-800g."),
    config: Path = typer.Option(None, "--config", "-c", help="Design file (TOML/YAML/JSON)."),
    length_m: float = typer.Option(None, "--length-m", help="Override the fibre length (m)."),
    rate_gbps: float = typer.Option(None, "--rate-gbps", help="Override the line rate (Gb/s)."),
    bits: int = typer.Option(1_000_000, "--bits", help="Bits counted per channel."),
    channels: str = typer.Option("0-9", "--channels", help="Channels, e.g. 0-9,15 or all."),
    path: str = typer.Option("symbol", "--path", help="symbol (fast, 1 sample/bit) or waveform."),
    samples_per_bit: int = typer.Option(8, "--samples-per-bit", help="Oversampling of waveforms and eyes."),
    seed: int = typer.Option(0, "--seed", help="Monte Carlo seed (bits, noise, jitter)."),
    variation_seed: int = typer.Option(
        0, "--variation-seed", help="Manufacturing-variation seed (as mosaic link --seed)."
    ),
    target_errors: int = typer.Option(None, "--target-errors", help="Stop a channel after this many errors."),
    pattern: str = typer.Option("random", "--pattern", help="random, prbs7, prbs15 or prbs31."),
    eye_channels: str = typer.Option(
        None, "--eye-channels", help="Channels to draw eyes for (default: first selected)."
    ),
    jitter_rms_ps: float = typer.Option(0.0, "--jitter-rms-ps", help="Random sampling jitter (waveform path)."),
    led_model: str = typer.Option("superposition", "--led-model", help="superposition (physics pulse) or first-order."),
    forwarded_clock: bool = typer.Option(
        False,
        "--forwarded-clock",
        help="Shared clock: each channel samples off its peak by its fibre skew (waveform path).",
    ),
    out: Path = typer.Option(None, "--out", help="Directory for eye PNGs and simulate.json."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON only."),
) -> None:
    """Count bit errors by Monte Carlo and compare with the statistical-eye prediction."""
    from mosaiclink.sim.runner import simulate as run_simulation

    check_seeds(seed=seed, variation_seed=variation_seed)
    check_option("--samples-per-bit", samples_per_bit, 1, 256)
    check_option("--jitter-rms-ps", jitter_rms_ps, 0, 1e6)
    design = resolve_design(preset, config, length_m, rate_gbps)
    if out is not None:
        writable_dir(out)  # fail in one line now, not after the Monte Carlo run
    selected = parse_channels(channels)
    check_simulation_bits(bits, len(selected) if selected is not None else design.array.total_channels)
    kwargs = dict(
        channels=selected,
        samples_per_bit=samples_per_bit,
        path=path,
        seed=seed,
        target_errors=target_errors,
        pattern=pattern,
        eye_channels=parse_channels(eye_channels),
        variation_seed=variation_seed,
        jitter_rms_ps=jitter_rms_ps,
        led_model=led_model,
        forwarded_clock=forwarded_clock,
    )
    if as_json:
        result = run_simulation(design, bits, **kwargs)
    else:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(
            TextColumn("simulating"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} bits"),
            TimeRemainingColumn(),
            transient=True,
        ) as bar:
            task = bar.add_task("bits", total=bits)
            result = run_simulation(
                design, bits, progress=lambda done, total: bar.update(task, completed=done), **kwargs
            )
    data = result.to_dict()
    if out is not None:
        from mosaiclink.cli.plots import write_eye_pngs

        data["eye_pngs"] = write_eye_pngs(result, out)
        write_text_atomic(out / "simulate.json", json.dumps(data, indent=1))
    if as_json:
        typer.echo(json.dumps(data, separators=(",", ":")))
        return
    _print(result, data)


def _print(result, data) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"{result.design_name}: {result.rate_gbps:g} Gb/s, {result.length_m:g} m, "
        f"{result.path} path, {result.throughput_mbps:.1f} Mbit/s counted"
    )
    for name in ("channel", "errors", "bits", "BER", f"{result.confidence:.0%} interval", "stat-eye BER", "inside"):
        table.add_column(name, justify="right")
    for row, inside in zip(data["per_channel"], result.within_interval):
        table.add_row(
            str(row["channel"]),
            f"{row['errors']:,}",
            f"{row['bits']:,}",
            f"{row['ber']:.3g}",
            f"[{row['ci_low']:.3g}, {row['ci_high']:.3g}]",
            f"{row['ber_analytic']:.3g}",
            "[green]yes[/]" if inside else "[red]no[/]",
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
