"""``mosaic serve``: the interactive design explorer on a local port."""

from __future__ import annotations

from typing import Annotated

import typer

from mosaiclink.cli.options import within


def serve(
    port: Annotated[int, typer.Option("--port", callback=within(1, 65535), help="TCP port to listen on.")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to bind (default: this machine only).")] = "127.0.0.1",
) -> None:
    """Open the interactive explorer: sliders for the key parameters, live reach, BER, power and FIT.

    Example: mosaic serve --port 8765
    """
    import socket

    import uvicorn

    from mosaiclink.errors import ConfigError
    from mosaiclink.web.app import create_app

    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ConfigError(f"--host = {host[:60]!r}: not an address this machine can bind ({exc})") from None

    typer.echo(f"mosaic explorer on http://{host}:{port}/  (Ctrl-C to stop)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
