"""The command table of ``mosaic``: every sub-command, the module that holds it, and its summary.

This is the one place a command is declared. :mod:`mosaiclink.cli.main` reads the table and
imports a command's module only when that command runs or shows its own help; ``mosaic --help``
lists the summaries below without importing any command module. A command module defines a plain
function (its options typed with :mod:`mosaiclink.cli.options`) and imports nothing from
``cli.main``. The summary is the first paragraph of the function's docstring (a test checks it).
"""

from __future__ import annotations

from typing import NamedTuple


class CommandEntry(NamedTuple):
    """Where a command lives: ``module:function``, and its one-line summary for ``mosaic --help``."""

    module: str
    function: str
    summary: str


COMMANDS: dict[str, CommandEntry] = {
    "calibrate": CommandEntry(
        "mosaiclink.cli.calibrate",
        "calibrate",
        "Fit free design parameters to measured BER points, with 95 % profile-likelihood intervals.",
    ),
    "cluster": CommandEntry(
        "mosaiclink.cli.cluster",
        "cluster",
        "Evaluate clusters side by side, memory pools or scale-up domain sweeps.",
    ),
    "compare": CommandEntry(
        "mosaiclink.cli.compare", "compare", "Power, reliability, reach and cost of MOSAIC beside every alternative."
    ),
    "datapath": CommandEntry(
        "mosaiclink.cli.datapath",
        "datapath",
        "Emulate a host protocol over many slow channels: pre/post-FEC BER, frame loss, failover, latency.",
    ),
    "design": CommandEntry(
        "mosaiclink.cli.design",
        "design",
        "Search the design space for a target, explain the choice, confirm it with the full link model.",
    ),
    "envelope": CommandEntry(
        "mosaiclink.cli.envelope",
        "envelope",
        "Channels meeting the target, margin, reach and FIT over the module case temperature.",
    ),
    "life": CommandEntry(
        "mosaiclink.cli.life",
        "life",
        "Margin over the years, spares exhaustion and fleet failures per year at 100k GPUs.",
    ),
    "link": CommandEntry(
        "mosaiclink.cli.link",
        "link",
        "Evaluate the analog channel of every microLED channel: waterfall and per-channel BER.",
    ),
    "network": CommandEntry(
        "mosaiclink.cli.network",
        "network",
        "Export the modelled channel and each stage as Touchstone two-ports; cascade measured blocks in.",
    ),
    "presets": CommandEntry(
        "mosaiclink.cli.presets", "presets", "List the preset designs with their channel counts, rate and length."
    ),
    "report": CommandEntry(
        "mosaiclink.cli.report",
        "report",
        "Evaluate the design end to end and write a self-contained HTML report plus a summary.",
    ),
    "results": CommandEntry(
        "mosaiclink.cli.results",
        "results",
        "Show stored designs: a summary, an SQL query, or the Pareto front; optionally export it.",
    ),
    "serve": CommandEntry(
        "mosaiclink.cli.serve",
        "serve",
        "Open the interactive explorer: sliders for the key parameters, live reach, BER, power and FIT.",
    ),
    "simulate": CommandEntry(
        "mosaiclink.cli.simulate",
        "simulate",
        "Count bit errors by Monte Carlo and compare with the statistical-eye prediction.",
    ),
    "sweep": CommandEntry(
        "mosaiclink.cli.sweep",
        "sweep",
        "Evaluate every design of SPEC that the store lacks; killed runs resume where they stopped.",
    ),
    "uncertainty": CommandEntry(
        "mosaiclink.cli.uncertainty",
        "uncertainty",
        "Bands of the headline numbers conditioned on data, and P(holds | data) of each published claim.",
    ),
    "workload": CommandEntry(
        "mosaiclink.cli.workload",
        "workload",
        "Train an AI model on clusters built with each link technology: step time, MFU, goodput, tokens per MW.",
    ),
    "yield": CommandEntry(
        "mosaiclink.cli.yield_",
        "yield_",
        "Module yield versus spare count and test limit, with 95 % intervals and cost per good module.",
    ),
    "version": CommandEntry("mosaiclink.cli.version", "version", "Print the mosaiclink version."),
}
