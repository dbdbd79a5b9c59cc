"""Embedded DuckDB result store: one row per design, keyed by the hash of its full spec.

Tables
------
``designs``
    ``key`` (primary key: SHA-256 of the canonical design JSON and the code version, see
    :mod:`mosaiclink.explore.spec`), ``code_version``, ``base_key``, ``sweep``, one DOUBLE
    column per swept parameter named by its dotted path (``"fiber.na"``; NULL means the base
    value) and one DOUBLE column per metric (``ber``, ``reach_m``, ``power_w``, ...).
``bases``
    ``base_key`` -> the base design's canonical JSON, so every row can be rebuilt exactly.
``sweeps``
    one row per ``mosaic sweep`` run: name, spec JSON, base, code version, objectives.

Crash safety: each chunk is inserted in one transaction (``BEGIN ... COMMIT``); DuckDB's
write-ahead log drops an uncommitted transaction on the next open, so a killed run leaves
whole chunks or nothing. ``INSERT OR IGNORE`` on the primary key makes a re-delivered chunk
(a retried task) a no-op, so every design is stored exactly once. A sweep resumes by asking
:meth:`ResultStore.missing` which of its keys are absent and computing only those.

A damaged file (truncated, zeroed blocks, checksum mismatch) surfaces from DuckDB as an I/O,
internal or serialization error at open or at the first read of a bad block; every such error,
wherever it happens, becomes one :class:`StoreError` line naming the file and how to recover
(:func:`damaged`).
This is the only module of ``explore`` that touches files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from mosaiclink.config.io import check_file_path, check_output, read_head, write_bytes_atomic
from mosaiclink.config.sweep import DEFAULT_STORE
from mosaiclink.errors import ConfigError, StoreError


def quote(name: str) -> str:
    """SQL identifier quoting (parameter columns carry dots)."""
    return '"' + name.replace('"', '""') + '"'


DAMAGE = (duckdb.IOException, duckdb.InternalException, duckdb.SerializationException)
"""DuckDB errors that mean the file itself is unreadable (not a bad query or a locked file)."""

READ_ONLY_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,  # no file or network outside the store: COPY TO, read_csv, ATTACH, INSTALL
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,  # a query cannot SET these back
}
"""DuckDB's own settings for a read-only store: only queries over its tables are possible."""


def damaged(path: Path, exc: Exception) -> StoreError:
    """One line: the store is damaged, DuckDB's reason, and how to recover what is readable."""
    return StoreError(
        f"store = '{path}': damaged ({str(exc).splitlines()[0]}); move it aside (mv '{path}' '{path}.damaged') "
        "and rerun the sweep, which recomputes every design into a fresh store; tables DuckDB can still read "
        f"are reachable with `mosaic results --store '{path}.damaged' --sql ...`"
    )


def _is_duckdb_file(path: Path) -> bool:
    """DuckDB database files carry the magic bytes ``DUCK`` at offset 8."""
    try:
        return read_head(path, 12, "store")[8:12] == b"DUCK"
    except ConfigError:
        return False


class ResultStore:
    """A DuckDB file of design results. Use as a context manager; only one writer at a time.

    Parameters
    ----------
    path : str or Path
        The DuckDB file; created if absent.
    read_only : bool
        Open without write access (several readers may share a file no writer holds).
    """

    def __init__(self, path: str | Path = DEFAULT_STORE, read_only: bool = False):
        self.path = check_file_path(path, "store")
        if read_only and not self.path.exists():
            raise StoreError(f"store = '{self.path}': file does not exist")
        if self.path.exists() and self.path.stat().st_size > 0 and not _is_duckdb_file(self.path):
            raise StoreError(f"store = '{self.path}': not a DuckDB result store (refusing to touch it)")
        try:
            config = READ_ONLY_CONFIG if read_only else {}
            self.con = duckdb.connect(str(self.path), read_only=read_only, config=config)
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            if "could not set lock" in first.lower() or "conflicting lock" in first.lower():
                raise StoreError(f"store = '{self.path}': in use by another process (one writer at a time)") from None
            raise damaged(self.path, exc) from None
        try:
            if not read_only:
                self._create_tables()
            elif not self._has_table("designs"):
                raise StoreError(f"store = '{self.path}': holds no 'designs' table (not a mosaic result store)")
        except BaseException:
            self.con.close()
            raise

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def _run(self, query: str, params: list | None = None) -> list[tuple]:
        """Execute a statement and fetch everything (DuckDB wants results drained); damage is a StoreError."""
        try:
            return self.con.execute(query, params or []).fetchall()
        except DAMAGE as exc:
            raise damaged(self.path, exc) from None

    def _has_table(self, name: str) -> bool:
        return bool(self._run("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name])[0][0])

    def _create_tables(self) -> None:
        if self._has_table("designs") is False and self._user_tables():
            raise StoreError(f"store = '{self.path}': is a DuckDB file with other tables, not a mosaic result store")
        self._run("BEGIN")
        self._run(
            "CREATE TABLE IF NOT EXISTS designs (key VARCHAR PRIMARY KEY, code_version VARCHAR NOT NULL,"
            " base_key VARCHAR NOT NULL, sweep VARCHAR NOT NULL)"
        )
        self._run("CREATE TABLE IF NOT EXISTS bases (base_key VARCHAR PRIMARY KEY, design_json VARCHAR NOT NULL)")
        self._run(
            "CREATE TABLE IF NOT EXISTS sweeps (started_utc TIMESTAMP DEFAULT current_timestamp, name VARCHAR,"
            " spec_json VARCHAR, base_key VARCHAR, code_version VARCHAR, n_designs BIGINT)"
        )
        self._run("COMMIT")

    def _user_tables(self) -> list[str]:
        return [r[0] for r in self._run("SELECT table_name FROM information_schema.tables")]

    # ------------------------------------------------------------------ writing
    def begin_sweep(self, name: str, spec: Mapping[str, Any], base_json: str, code_version: str, n_designs: int) -> str:
        """Record a run and its base design; returns the base key."""
        base_key = hashlib.sha256(base_json.encode()).hexdigest()[:32]
        self._run("BEGIN")
        try:
            self._run("INSERT OR IGNORE INTO bases VALUES (?, ?)", [base_key, base_json])
            self._run(
                "INSERT INTO sweeps (name, spec_json, base_key, code_version, n_designs) VALUES (?, ?, ?, ?, ?)",
                [name, json.dumps(dict(spec), sort_keys=True), base_key, code_version, n_designs],
            )
            self._run("COMMIT")
        except BaseException:
            self._rollback()
            raise
        return base_key

    def _rollback(self) -> None:
        """Roll back after a failed transaction; a damaged file may refuse even that (keep the first error)."""
        try:
            self.con.execute("ROLLBACK")
        except duckdb.Error:
            pass

    def _columns(self) -> set[str]:
        return {
            r[0] for r in self._run("SELECT column_name FROM information_schema.columns WHERE table_name = 'designs'")
        }

    def write_chunk(
        self, keys: np.ndarray, columns: Mapping[str, np.ndarray], *, code_version: str, base_key: str, sweep: str
    ) -> int:
        """Insert one chunk atomically; rows whose key is already stored are skipped.

        Returns the number of rows actually inserted.
        """
        n = len(keys)
        table = pa.table(
            {
                "key": pa.array(list(keys), pa.string()),
                "code_version": pa.array([code_version] * n, pa.string()),
                "base_key": pa.array([base_key] * n, pa.string()),
                "sweep": pa.array([sweep] * n, pa.string()),
                **{name: pa.array(np.asarray(values, dtype=np.float64)) for name, values in columns.items()},
            }
        )
        before = self.count()
        new_columns = [c for c in columns if c not in self._columns()]
        self.con.register("_chunk", table)
        try:
            self._run("BEGIN")
            for column in new_columns:
                self._run(f"ALTER TABLE designs ADD COLUMN {quote(column)} DOUBLE")
            self._run("INSERT OR IGNORE INTO designs BY NAME SELECT * FROM _chunk")
            self._run("COMMIT")
        except BaseException:
            self._rollback()
            raise
        finally:
            self.con.unregister("_chunk")
        return self.count() - before

    # ------------------------------------------------------------------ reading
    def count(self) -> int:
        """Number of stored designs."""
        return int(self._run("SELECT count(*) FROM designs")[0][0])

    def missing(self, keys: np.ndarray) -> np.ndarray:
        """Boolean mask: which of ``keys`` are not yet stored."""
        if len(keys) == 0:
            return np.zeros(0, dtype=bool)
        probe = pa.table({"key": pa.array(list(keys), pa.string())})
        self.con.register("_probe", probe)
        try:
            found = [r[0] for r in self._run("SELECT p.key FROM _probe p JOIN designs d ON d.key = p.key")]
        finally:
            self.con.unregister("_probe")
        return ~np.isin(np.asarray(keys, dtype=object), np.asarray(found, dtype=object))

    def sql(self, query: str) -> pa.Table:
        """Run a SQL query and return an Arrow table; a bad or refused query is a one-line StoreError.

        On a read-only store (:data:`READ_ONLY_CONFIG`) a query reaching outside it (``COPY ..
        TO``, ``read_csv('/etc/passwd')``, ``ATTACH``, ``INSTALL``) is refused by DuckDB itself.
        An I/O error is called damage only when it is about the store's own file.
        """
        shown = query if len(query) <= 80 else query[:77] + "..."
        try:
            relation = self.con.sql(query)
            return relation.to_arrow_table() if relation is not None else pa.table({})
        except duckdb.PermissionException as exc:
            reason = str(exc).splitlines()[0].removeprefix("Permission Error: ")
            raise StoreError(f"sql = {shown!r}: refused ({reason}); queries read only the store's tables") from None
        except DAMAGE as exc:
            if isinstance(exc, duckdb.IOException) and self.path.name not in str(exc):
                raise StoreError(f"sql = {shown!r}: {str(exc).splitlines()[0]}") from None  # another file's
            raise damaged(self.path, exc) from None
        except duckdb.Error as exc:
            raise StoreError(f"sql = {shown!r}: {str(exc).splitlines()[0]}") from None

    def table(self, where: str = "") -> pa.Table:
        """The whole ``designs`` table (optionally filtered by a SQL condition)."""
        return self.sql("SELECT * FROM designs" + (f" WHERE {where}" if where else "") + " ORDER BY key")

    def last_sweep(self) -> dict[str, Any] | None:
        """The most recent sweep run (name, spec, base_key, code_version), or None."""
        rows = self._run("SELECT name, spec_json, base_key, code_version FROM sweeps ORDER BY started_utc DESC LIMIT 1")
        if not rows:
            return None
        row = rows[0]
        return {"name": row[0], "spec": json.loads(row[1]), "base_key": row[2], "code_version": row[3]}

    def base_json(self, base_key: str) -> str:
        """Canonical JSON of a stored base design."""
        rows = self._run("SELECT design_json FROM bases WHERE base_key = ?", [base_key])
        if not rows:
            raise StoreError(f"base_key = {base_key!r}: not in store '{self.path}'")
        return rows[0][0]

    def export(self, target: str | Path, query: str = "SELECT * FROM designs ORDER BY key") -> Path:
        """Write a query result (default: all designs) to Parquet or CSV, chosen by suffix."""
        return self.export_table(self.sql(query), target)

    @staticmethod
    def export_table(table: pa.Table, target: str | Path) -> Path:
        """Write an Arrow table to Parquet or CSV (by suffix), atomically (temp file + rename)."""
        import pyarrow.csv as pa_csv
        import pyarrow.parquet as pq

        writers = {".parquet": pq.write_table, ".csv": pa_csv.write_csv}
        target = check_output(target, "export file", suffixes=tuple(writers))
        sink = pa.BufferOutputStream()
        writers[target.suffix.lower()](table, sink)
        return write_bytes_atomic(target, sink.getvalue().to_pybytes(), "export file")
