"""``mosaic datapath`` reports progress on stderr at a terminal, and stays quiet with ``--json`` or when piped."""

from __future__ import annotations

import io

import pytest

from mosaiclink.cli import datapath as cli_datapath
from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.datapath.emulator import emulate


@pytest.mark.parametrize("mode", ["payload", "pattern"])
def test_emulator_reports_monotone_progress_ending_at_the_total(mode):
    calls: list[tuple[int, int]] = []
    emulate(
        DatapathSpec(duration_us=4, dead=1, kill_at_us=1, mode=mode), seed=2, progress=lambda d, t: calls.append((d, t))
    )
    done = [d for d, _ in calls]
    assert calls and done == sorted(done) and calls[-1][0] == calls[-1][1] > 0
    assert len({t for _, t in calls}) == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_at_a_terminal_and_without_json(monkeypatch):
    monkeypatch.setattr("sys.stderr", io.StringIO())
    with cli_datapath._progress(quiet=False, mode="payload") as progress:
        assert progress is None  # piped stderr: no bar
    monkeypatch.setattr("sys.stderr", _Terminal())
    with cli_datapath._progress(quiet=True, mode="payload") as progress:
        assert progress is None  # --json: no bar
    with cli_datapath._progress(quiet=False, mode="payload") as progress:
        assert progress is not None
        progress(3, 10)


def test_piped_run_prints_the_table_and_nothing_on_stderr(mosaic):
    result = mosaic("datapath", "--mode", "payload", "--duration-us", "2")
    assert result.returncode == 0 and result.stderr == ""
    assert "post-FEC bit errors" in result.stdout


@pytest.mark.parametrize("mode", ["payload", "pattern"])
def test_the_total_is_known_before_the_first_block(mode):
    """The first call is (0, total): the bar never sits at '0/?' while the first block (and, on a
    first run, Numba's compilation) runs."""
    calls: list[tuple[int, int]] = []
    emulate(DatapathSpec(duration_us=2, mode=mode), seed=1, progress=lambda d, t: calls.append((d, t)))
    assert calls[0][0] == 0 and calls[0][1] == calls[-1][1] > 0
