"""Every file the package reads goes through ``config/io.py`` (the one safe reader).

The test scans the package's source for the ways Python reads a file (``open``, ``read_text``,
``read_bytes``, ``tomllib``, ``csv.reader``, ``yaml.load``, ``json.load``, ``np.load``,
``pd.read_*``, scikit-rf's ``Network``/``Touchstone`` on a path) and fails on any outside the
reader (shipped files too: presets, scenarios and templates go through ``read_package_text``).
"""

from __future__ import annotations

import re
from pathlib import Path

import mosaiclink

PACKAGE = Path(mosaiclink.__file__).parent
READER = PACKAGE / "config" / "io.py"
READS = re.compile(
    r"""(?<![\w.])open\(|\.open\(\s*["'][rb]|\.read_text\(|\.read_bytes\(|tomllib\.|csv\.reader|csv\.DictReader"""
    r"""|yaml\.(safe_)?load|json\.load\(|np\.load\(|np\.loadtxt|np\.genfromtxt|pd\.read_|pq\.read_|pa_csv\.read"""
    r"""|skrf\.(Network|Touchstone)\(\s*(str\(|path)"""
)


def _reads() -> list[tuple[str, int, str]]:
    found = []
    for source in sorted(PACKAGE.rglob("*.py")):
        if source == READER:
            continue
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if READS.search(code):
                found.append((str(source.relative_to(PACKAGE)), number, code.strip()))
    return found


def test_no_file_is_read_outside_the_one_reader():
    assert _reads() == []


def test_the_scan_finds_a_read():
    """The pattern catches the forms the review found (so the test above can fail)."""
    for line in (
        "data = tomllib.loads(path.read_text())",
        "lines = path.read_text(encoding='utf-8')",
        "with open(name) as f:",
        "rows = csv.reader(lines)",
        "network = skrf.Network(str(path))",
        "digest.update(path.read_bytes())",
    ):
        assert READS.search(line), line
    assert not READS.search("value = reader.read_text_safely")  # not a read


def test_read_npz_refuses_hostile_files_in_one_line(tmp_path):
    """The shipped-posterior reader: a FIFO, a device, binary junk and a pickle each get one line."""
    import os

    import numpy as np
    import pytest

    from mosaiclink.config.io import read_npz
    from mosaiclink.errors import ConfigError

    fifo, junk, pickled = tmp_path / "f.npz", tmp_path / "junk.npz", tmp_path / "obj.npz"
    os.mkfifo(fifo)
    junk.write_bytes(b"\x00\xff\xfe" * 10)
    np.savez(pickled, a=np.array([{"x": 1}], dtype=object))
    for path, says in ((fifo, "FIFO"), ("/dev/zero", "device"), (junk, "not a readable .npz"), (pickled, "npz")):
        with pytest.raises(ConfigError) as err:
            read_npz(path)
        assert says in str(err.value) and "\n" not in str(err.value) and str(err.value).count("array file") == 1
    good = tmp_path / "good.npz"
    np.savez(good, a=np.arange(3.0))
    assert read_npz(good)["a"].tolist() == [0.0, 1.0, 2.0]
