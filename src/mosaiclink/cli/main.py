"""Entry point of the ``mosaic`` command: a group that loads its commands lazily from one table.

The commands are declared in :data:`mosaiclink.cli._registry.COMMANDS`. :class:`LazyCommandGroup`
imports a command's module only when the command is invoked (or asked for its own help), so
``mosaic link`` does not pay for the plotting, Numba or DuckDB imports of other commands, and
``mosaic --help`` imports no command module at all. :func:`run` turns every
:class:`~mosaiclink.errors.MosaicError` into one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Annotated, Any

import typer
import typer.core
import typer.main

from mosaiclink.cli import helptext
from mosaiclink.cli._registry import COMMANDS, CommandEntry
from mosaiclink.errors import ConfigError, MosaicError
from mosaiclink.process import fewer_collections, reuse_freed_memory

helptext.install()


def load_command(name: str, entry: CommandEntry) -> Any:
    """Import ``entry``'s module and build the Click command of its function, named ``name``."""
    function = getattr(importlib.import_module(entry.module), entry.function)
    single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    single.command(name=name)(function)
    return typer.main.get_command(single)


class LazyCommandGroup(typer.core.TyperGroup):
    """A Typer group whose commands come from the table, imported on first use."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        if self._listing:  # the group's own help shows summaries only: import nothing
            return typer.core.TyperCommand(name=cmd_name, help=entry.summary, short_help=entry.summary)
        return load_command(cmd_name, entry)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="mosaic",
    cls=LazyCommandGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        from mosaiclink import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Design, simulate and evaluate MOSAIC wide-and-slow microLED optical links.

    Example: mosaic report (the 800G design end to end; `mosaic COMMAND --help` shows each command's example)
    """


BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """Ask the BLAS NumPy will load for one thread, unless the user chose a count.

    The models' matrix products are small (per-channel pulse samples, FFE solves): a second
    OpenBLAS thread only spins beside the first. Measured on the default report: 8.2-8.3 s of CPU
    with one thread against 9.1-9.4 s with two, the same 8.1-8.4 s wall. Effective only before
    NumPy is imported (OpenBLAS reads the variable when it loads), which the lazy command table
    guarantees here; the Monte Carlo's worker processes inherit it.
    """
    if not any(name in os.environ for name in BLAS_THREAD_VARIABLES):
        os.environ["OPENBLAS_NUM_THREADS"] = "1"


HUGE_PAGE_VARIABLE = "NUMPY_MADVISE_HUGEPAGE"


def no_huge_page_stalls() -> None:
    """Ask NumPy not to advise transparent huge pages for its large arrays, unless the user chose.

    NumPy marks every allocation of 4 MB or more ``madvise(MADV_HUGEPAGE)`` on Linux; where the
    kernel's huge-page policy is ``madvise`` (Debian's and this machine's default, defrag
    ``madvise`` too), the first touch of such a block compacts memory synchronously to find 2 MB
    pages. The models' large temporaries (a waveform's 460 x 8,193 complex response, the reach
    searches' rows x samples) then stall in the kernel: on the default ``mosaic report``, five runs
    each way at load ~1, system time 0.16-0.88 s (three runs at 0.74-0.88 s, one 60 MB matrix product
    taking 0.43 s of it) against 0.22-0.31 s with the advice off, the same user time (4.18-4.26 s
    against 4.12-4.49 s). The variable is NumPy's own (``numpy.org/doc/stable/reference/global_state``)
    and read when NumPy is imported, which the lazy command table leaves until after this call. A
    value of the user's that NumPy cannot read (it takes an integer, and its import raises on any
    other) is refused here in one line.
    """
    chosen = os.environ.setdefault(HUGE_PAGE_VARIABLE, "0")
    try:
        int(chosen)
    except ValueError:
        raise ConfigError(
            f"{HUGE_PAGE_VARIABLE} = {chosen!r}: NumPy reads an integer (0: no huge pages, 1: huge pages); "
            "unset it for the default (0)"
        ) from None


def skip_final_collection() -> None:
    """Freeze every object the collector tracks (``gc.freeze``) as the process ends.

    At exit the interpreter's last collections traverse every object of the ~1,500 imported
    modules and the command's results: ~0.45 s of CPU after a default ``mosaic report``, 0.05 s
    once they are frozen. The process ends right after: the files are written and closed, and
    ``atexit`` handlers (temporary folders) still run; only objects in reference cycles are left
    to the operating system instead of being collected one by one.
    """
    gc.freeze()


def run(argv: list[str] | None = None) -> None:
    """Run the CLI; a MosaicError becomes one line on stderr and exit code 2.

    Typer's standalone mode already reports usage errors (unknown option, bad type) in one
    block with exit code 2; only our own errors (including the option bounds of
    :mod:`mosaiclink.cli.options`) need catching here. Without ``argv`` this is the process's
    entry point (the ``mosaic`` script, ``python -m mosaiclink``), which also tunes the process:
    :func:`no_huge_page_stalls`, :func:`reuse_freed_memory`, :func:`fewer_collections` and, as it ends,
    :func:`skip_final_collection`; a caller passing ``argv`` (a test, a notebook) keeps its own.
    """
    one_blas_thread()
    entry = argv is None
    try:
        if entry:
            no_huge_page_stalls()
            reuse_freed_memory()
            fewer_collections()
        app(args=argv)
    except MosaicError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    finally:
        if entry:
            skip_final_collection()
