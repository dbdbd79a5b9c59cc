"""``mosaic calibrate --out/--plot``: a name that cannot be written is refused in one line, exit 2,
before the fit runs (the CLI fuzz found a traceback for an empty and for a too-long --plot); an
output never replaces an input, another output, a link's target or a device (issue 26)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mosaiclink.cli.calibration_plots import save_figure
from mosaiclink.cli.common import writable_file
from mosaiclink.config.io import check_output
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


DATA = Path(__file__).with_name("one-ber-point.toml").read_text()  # one point, one free parameter


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--out", "data.toml"), "--out = 'data.toml': is an input of this command"),
        (("--plot", "data.toml"), "--plot = 'data.toml': suffix must be one of .png, .pdf, .svg"),
        (("--out", "d.toml", "--plot", "d.toml"), "is another output of this command"),
        (("--plot", "p.jpg"), "suffix must be one of .png, .pdf, .svg"),
        (("--out", "link.toml"), "is a symbolic link"),
    ],
)
def test_outputs_never_destroy_inputs(mosaic, tmp_path, monkeypatch, args, message):
    data = tmp_path / "data.toml"
    data.write_text(DATA)
    (tmp_path / "link.toml").symlink_to(data)
    monkeypatch.chdir(tmp_path)
    result = mosaic("calibrate", "data.toml", *args)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and message in result.stderr
    assert data.read_text() == DATA and (tmp_path / "link.toml").is_symlink()
    assert not (tmp_path / "d.toml").exists()


def test_check_output_refuses_inputs_devices_and_links(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("x")
    (tmp_path / "alias.csv").symlink_to(source)
    assert check_output(tmp_path / "new.csv", "--csv", inputs=(source,)) == tmp_path / "new.csv"
    for path, message in (
        (source, "is an input"),
        (tmp_path / "alias.csv", "is a symbolic link"),
        (Path("/dev/null"), "is a device"),
        (source / "under.csv", "Not a directory"),
    ):
        with pytest.raises(ConfigError, match=message):
            check_output(path, "--csv", inputs=(source,))


@pytest.mark.parametrize(("suffix", "magic"), [(".pdf", b"%PDF"), (".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_plot_format_follows_the_suffix(tmp_path, suffix, magic):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    path = save_figure(fig, tmp_path / f"p{suffix}", dpi=50)
    assert path.read_bytes().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"p{suffix}"]  # no temporary file left
