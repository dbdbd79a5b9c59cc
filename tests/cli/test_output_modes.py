"""Files the commands write are world-readable (0644), like any output, not 0600."""

from __future__ import annotations

import stat

from mosaiclink.config.io import write_text_atomic


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_writes_are_0644(tmp_path):
    path = write_text_atomic(tmp_path / "sub" / "a.json", "{}")
    assert path.read_text() == "{}" and _mode(path) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["a.json"]  # no temporary file left behind


def test_simulate_out_files_are_0644(mosaic, tmp_path):
    out = tmp_path / "sim"
    result = mosaic("simulate", "--preset", "mosaic-prototype", "--bits", "2000", "--channels", "0", "--out", str(out))
    assert result.returncode == 0, result.stderr
    written = sorted(out.iterdir())
    assert {p.suffix for p in written} == {".json", ".png"}
    assert all(_mode(p) == 0o644 for p in written), [(p.name, oct(_mode(p))) for p in written]
