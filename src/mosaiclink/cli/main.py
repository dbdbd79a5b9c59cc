"""Entry point of the ``mosaic`` command.

Each sub-command lives in its own module under ``mosaiclink.cli`` and registers itself on
:data:`app` here. :func:`run` turns every :class:`~mosaiclink.errors.MosaicError` into one
line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys

import typer

from mosaiclink import __version__
from mosaiclink.cli import helptext
from mosaiclink.errors import MosaicError

helptext.install()

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


def _register_commands(argv: list[str] | None = None) -> None:
    """Import the sub-command modules so that each adds itself to ``app``.

    When ``argv`` names a command whose module has the same name (``mosaic link`` ->
    ``mosaiclink.cli.link``), only that module is imported, so one command does not pay the
    start-up cost of every other layer (numba, scipy.stats, plotting, ...). Anything else
    (``--help``, a command living in a differently named module) imports them all.
    """
    import importlib
    import importlib.util

    name = next((arg for arg in (argv or []) if not arg.startswith("-")), None)
    module = f"mosaiclink.cli.{name.replace('-', '_')}" if name else None
    if (
        module
        and name.replace("-", "_").isidentifier()
        and not name.startswith("_")
        and name != "main"
        and importlib.util.find_spec(module) is not None
    ):
        importlib.import_module(module)
        if any(_command_name(cmd) == name for cmd in app.registered_commands):
            return
    # Each module adds its commands with @app.command(); keep the registry sorted.
    from mosaiclink.cli import _registry  # noqa: F401


def _command_name(command) -> str:
    """The CLI name Typer gives a registered command."""
    return command.name or command.callback.__name__.replace("_", "-")


def run(argv: list[str] | None = None) -> None:
    """Run the CLI; a MosaicError becomes one line on stderr and exit code 2.

    Typer's standalone mode already reports usage errors (unknown option, bad type) in one
    block with exit code 2; only our own errors need catching here.
    """
    _register_commands(sys.argv[1:] if argv is None else argv)
    try:
        app(args=argv)
    except MosaicError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
