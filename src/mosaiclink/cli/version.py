"""``mosaic version`` (also ``mosaic --version``): the installed package's version."""

from __future__ import annotations

import typer


def version() -> None:
    """Print the mosaiclink version.

    Example: mosaic version
    """
    from mosaiclink import __version__

    typer.echo(__version__)
