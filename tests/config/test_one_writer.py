"""Every file the package writes goes through ``config/io.py``'s ``write_bytes_atomic`` (issue 26:
a temporary file in the same folder, then a rename; never through a link, never a partial file).

The test scans the package's source for the ways Python writes a file straight to a path
(``write_text``, ``write_bytes``, ``open(.., "w")``, Matplotlib's ``savefig`` and PIL's ``save``
on a path, pandas/pyarrow writers on a path) and fails on any outside the writer; figures and
tables are rendered into a buffer first. The explorer's upload, parsed from a private temporary
folder of its own, is the one exception.
"""

from __future__ import annotations

import re
from pathlib import Path

import mosaiclink

PACKAGE = Path(mosaiclink.__file__).parent
WRITER = PACKAGE / "config" / "io.py"
ALLOWED = {("web/app.py", 'path.write_text(text, encoding="utf-8")')}  # into its own TemporaryDirectory
WRITES = re.compile(
    r"""\.write_text\(|\.write_bytes\(|(?<![\w.])open\([^)]*["'][wax]|\.savefig\((?!\s*buffer)"""
    r"""|\.save\((?!\s*buffer)|\.to_csv\(\s*(?!buffer)\w|\.to_parquet\(\s*(?!buffer)\w|pq\.write_table\(|write_image\(|write_html\("""
)


def _writes() -> list[tuple[str, str]]:
    found = []
    for source in sorted(PACKAGE.rglob("*.py")):
        if source == WRITER:
            continue
        for line in source.read_text(encoding="utf-8").splitlines():
            code = line.split("#", 1)[0]
            if WRITES.search(code) and not code.strip().startswith(("``", '"')):
                found.append((str(source.relative_to(PACKAGE)), code.strip()))
    return [f for f in found if f not in ALLOWED]


def test_no_file_is_written_outside_the_atomic_writer():
    assert _writes() == []
