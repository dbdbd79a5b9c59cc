"""DuckDB store of Monte Carlo blocks, so an interrupted ``mosaic simulate`` resumes.

Table ``mc_blocks(run_key, channel, block, errors, bits)`` with primary key
``(run_key, channel, block)``. ``run_key`` hashes everything that decides a block's outcome
(the design's canonical JSON, seeds, pattern, block size, LED model, jitter, clocking and the
kernel's algorithm tag) but not the bit count or the stopping rule, so a longer run reuses
the blocks of a shorter one. Each block is inserted in its own transaction with
``INSERT OR IGNORE``: a killed run leaves whole blocks, and a block delivered twice is stored
once.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from mosaiclink.config.io import check_file_path, read_head
from mosaiclink.errors import StoreError
from mosaiclink.sim.distributed import ALGORITHM, Key


def run_key(design_json: str, **params) -> str:
    """SHA-256 (32 hex) of the design JSON, the outcome-deciding parameters and the algorithm."""
    text = json.dumps({"design": design_json, "algorithm": ALGORITHM, **params}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class BlockStore:
    """Counted blocks of Monte Carlo runs in a DuckDB file (one writer at a time)."""

    def __init__(self, path: str | Path) -> None:
        self.path = check_file_path(path, "store")
        if self.path.exists() and self.path.stat().st_size > 0:
            if read_head(self.path, 12, "store")[8:12] != b"DUCK":
                raise StoreError(f"store = '{self.path}': not a DuckDB file (refusing to touch it)")
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.Error as exc:
            raise StoreError(f"store = '{self.path}': cannot be opened ({str(exc).splitlines()[0]})") from None
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS mc_blocks (run_key VARCHAR, channel BIGINT, block BIGINT, errors BIGINT,"
            " bits BIGINT, PRIMARY KEY (run_key, channel, block))"
        )

    def __enter__(self) -> BlockStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.close()

    def done(self, key: str) -> dict[Key, tuple[int, int]]:
        """``{(channel, block): (errors, bits)}`` already stored for run ``key``."""
        rows = self.con.execute(
            "SELECT channel, block, errors, bits FROM mc_blocks WHERE run_key = ?", [key]
        ).fetchall()
        return {(int(c), int(b)): (int(e), int(n)) for c, b, e, n in rows}

    def add(self, key: str, channel: int, block: int, errors: int, bits: int) -> None:
        """Store one counted block (a repeat of a stored block is ignored)."""
        self.con.execute("INSERT OR IGNORE INTO mc_blocks VALUES (?, ?, ?, ?, ?)", [key, channel, block, errors, bits])
