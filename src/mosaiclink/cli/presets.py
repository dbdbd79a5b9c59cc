"""``mosaic presets``: list the shipped preset designs."""

from __future__ import annotations

import json
from typing import Any

import typer

from mosaiclink.cli.options import JsonOpt


def presets(as_json: JsonOpt = False) -> None:
    """List the preset designs with their channel counts, rate and length.

    Example: mosaic presets
    """
    from rich.console import Console
    from rich.table import Table

    from mosaiclink.config.presets import load_preset, preset_names

    rows: list[dict[str, Any]] = []
    for name in preset_names():
        design = load_preset(name)
        rows.append(
            {
                "name": name,
                "data_channels": design.array.data_channels,
                "spare_channels": design.array.spare_channels,
                "rate_gbps": design.link.rate_gbps,
                "length_m": design.link.length_m,
                "description": design.description,
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(title="MOSAIC presets")
    for column in ("name", "data", "spares", "Gb/s", "m", "description"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["name"],
            str(row["data_channels"]),
            str(row["spare_channels"]),
            f"{row['rate_gbps']:g}",
            f"{row['length_m']:g}",
            row["description"],
        )
    Console().print(table)
