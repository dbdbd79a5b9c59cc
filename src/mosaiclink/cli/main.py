"""Entry point of the ``mosaic`` command.

Each sub-command lives in its own module under ``mosaiclink.cli`` and registers itself on
:data:`app` here. :func:`run` turns every :class:`~mosaiclink.errors.MosaicError` into one
line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys

import typer

from mosaiclink import __version__
from mosaiclink.errors import MosaicError

app = typer.Typer(
    name="mosaic",
    help="Design, simulate and evaluate MOSAIC wide-and-slow microLED optical links.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def version() -> None:
    """Print the mosaiclink version."""
    typer.echo(__version__)


def _register_commands() -> None:
    """Import the sub-command modules so that each adds itself to ``app``."""
    # Each module adds its commands with @app.command(); keep this list sorted.
    from mosaiclink.cli import _registry  # noqa: F401


def run(argv: list[str] | None = None) -> None:
    """Run the CLI; a MosaicError becomes one line on stderr and exit code 2.

    Typer's standalone mode already reports usage errors (unknown option, bad type) in one
    block with exit code 2; only our own errors need catching here.
    """
    _register_commands()
    try:
        app(args=argv)
    except MosaicError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
