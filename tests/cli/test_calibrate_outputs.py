"""``mosaic calibrate --out/--plot``: a name that cannot be written is refused in one line, exit 2,
before the fit runs (the CLI fuzz found a traceback for an empty and for a too-long --plot)."""

from __future__ import annotations

import pytest

from mosaiclink.cli.common import writable_file
from mosaiclink.errors import ConfigError


@pytest.mark.parametrize("option", ["--out", "--plot"])
@pytest.mark.parametrize(
    ("value", "message"),
    [("", "names a folder"), ("x" * 300 + ".png", "File name too long"), ("/tmp", "names a folder")],
)
def test_unwritable_output_is_one_line_and_exit_2(mosaic, option, value, message):
    result = mosaic("calibrate", option, value)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr and option in result.stderr


def test_a_writable_name_leaves_nothing_behind(tmp_path):
    target = tmp_path / "new" / "fit.png"
    assert writable_file(target, "--plot") == target
    assert list(target.parent.iterdir()) == []  # the probe file is gone, the output not yet written
    (tmp_path / "folder").mkdir()
    with pytest.raises(ConfigError, match="names a folder"):
        writable_file(tmp_path / "folder", "--plot")
