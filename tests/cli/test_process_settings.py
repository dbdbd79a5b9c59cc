"""The ``mosaic`` command's process settings: NumPy advises no transparent huge pages and glibc's malloc
keeps freed blocks for reuse unless the user tuned them, and Python's cycle collector runs less often."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

import mosaiclink.cli.main as cli_main
import mosaiclink.process as process
from mosaiclink.process import MALLOC_VARIABLES, reuse_freed_memory


class _Libc:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def mallopt(self, parameter: int, value: int) -> int:
        self.calls.append((parameter, value))
        return 1


def test_both_thresholds_are_set_by_default(monkeypatch):
    for name in MALLOC_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    libc = _Libc()
    monkeypatch.setattr(process.ctypes, "CDLL", lambda _name: libc)
    reuse_freed_memory()
    assert libc.calls == [(-3, 32 * 2**20), (-1, 256 * 2**20)]  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD


@pytest.mark.parametrize("name", MALLOC_VARIABLES)
def test_a_users_malloc_settings_are_left_alone(monkeypatch, name):
    monkeypatch.setenv(name, "")
    libc = _Libc()
    monkeypatch.setattr(process.ctypes, "CDLL", lambda _name: libc)
    reuse_freed_memory()
    assert libc.calls == []


def test_a_16_mb_array_comes_from_the_heap_in_a_fresh_process():
    """Regression test for the report's system time: with the setting a 16 MB temporary is served
    from the heap, which keeps its pages for the next one; glibc's default maps it afresh (its
    initial threshold is 128 kB), and each later one whose size beats the freed block's faults its
    pages in again. glibc's own count of mapped bytes (``mallinfo2().hblkhd``) tells which."""
    code = (
        "import ctypes, os, sys\n"
        "from mosaiclink.process import reuse_freed_memory\n"
        "if sys.argv[1] == 'on': reuse_freed_memory()\n"
        "import numpy as np\n"
        "class Info(ctypes.Structure):\n"
        "    _fields_ = [(n, ctypes.c_size_t) for n in ('arena', 'ordblks', 'smblks', 'hblks', 'hblkhd',"
        " 'usmblks', 'fsmblks', 'uordblks', 'fordblks', 'keepcost')]\n"
        "libc = ctypes.CDLL(None)\n"
        "libc.mallinfo2.restype = Info\n"
        "array = np.ones(2**21)\n"
        "print(libc.mallinfo2().hblkhd)\n"
    )
    try:
        ctypes.CDLL(None).mallinfo2  # noqa: B018 - glibc 2.33 or later
    except (OSError, AttributeError):
        pytest.skip("needs glibc's mallinfo2")
    env = {k: v for k, v in os.environ.items() if k not in MALLOC_VARIABLES}
    mapped = {}
    for mode in ("on", "off"):
        out = subprocess.run([sys.executable, "-c", code, mode], capture_output=True, text=True, check=True, env=env)
        mapped[mode] = int(out.stdout)
    assert mapped["on"] < 2**24 <= mapped["off"]


def test_the_young_generation_is_collected_every_50000_allocations(monkeypatch):
    import gc

    from mosaiclink.process import fewer_collections

    before = gc.get_threshold()
    calls: list[tuple[int, ...]] = []
    monkeypatch.setattr(gc, "set_threshold", lambda *t: calls.append(t))
    fewer_collections()
    assert calls == [(50_000, before[1], before[2])]


def test_only_the_process_entry_point_tunes_the_process(monkeypatch):
    """``run()`` as the program (no argv) applies the settings and freezes at the end; ``run(argv)``
    from a test or a notebook leaves the caller's process as it was."""
    calls: list[str] = []
    for name in ("no_huge_page_stalls", "reuse_freed_memory", "fewer_collections", "skip_final_collection"):
        monkeypatch.setattr(cli_main, name, lambda name=name: calls.append(name))
    with pytest.raises(SystemExit):
        cli_main.run(["--version"])
    assert calls == []
    monkeypatch.setattr(sys, "argv", ["mosaic", "--version"])
    with pytest.raises(SystemExit):
        cli_main.run()
    assert calls == ["no_huge_page_stalls", "reuse_freed_memory", "fewer_collections", "skip_final_collection"]


@pytest.mark.parametrize("chosen", [None, "1"])
def test_numpy_advises_no_huge_pages_unless_the_user_chose(chosen):
    """In a fresh process the call comes before NumPy is imported, so NumPy reads it; a user's own
    ``NUMPY_MADVISE_HUGEPAGE`` is kept."""
    code = (
        "from mosaiclink.cli.main import no_huge_page_stalls\n"
        "no_huge_page_stalls()\n"
        "from numpy._core.multiarray import _get_madvise_hugepage\n"
        "print(_get_madvise_hugepage())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != cli_main.HUGE_PAGE_VARIABLE}
    if chosen is not None:
        env[cli_main.HUGE_PAGE_VARIABLE] = chosen
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == ("True" if chosen == "1" else "False")


@pytest.mark.parametrize("value", ["abc", "", "1.5"])
def test_a_value_numpy_cannot_read_is_refused_in_one_line(value):
    """NumPy's import raises on a non-integer NUMPY_MADVISE_HUGEPAGE (a traceback from any command):
    the entry point refuses it first, one line and exit code 2."""
    env = {**os.environ, cli_main.HUGE_PAGE_VARIABLE: value}
    out = subprocess.run(
        [sys.executable, "-m", "mosaiclink", "link", "--preset", "mosaic-prototype", "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip() == (
        f"error: NUMPY_MADVISE_HUGEPAGE = {value!r}: NumPy reads an integer (0: no huge pages, 1: huge pages); "
        "unset it for the default (0)"
    )


def test_a_notebook_gets_the_commands_settings_in_one_call(monkeypatch):
    """``ml.tune_for_throughput()`` applies to the calling process what ``run()`` applies to the
    command's: the allocator's two thresholds and the collector's threshold (the same functions)."""
    import gc

    import mosaiclink as ml

    for name in MALLOC_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    libc = _Libc()
    monkeypatch.setattr(process.ctypes, "CDLL", lambda _name: libc)
    thresholds: list[tuple[int, ...]] = []
    monkeypatch.setattr(gc, "set_threshold", lambda *t: thresholds.append(t))
    ml.tune_for_throughput()
    assert libc.calls == [(-3, 32 * 2**20), (-1, 256 * 2**20)]
    assert [t[0] for t in thresholds] == [50_000]
    assert cli_main.reuse_freed_memory is process.reuse_freed_memory  # one implementation
