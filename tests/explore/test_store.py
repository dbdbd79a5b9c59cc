"""Result store: one row per key, atomic chunks, SQL, export, and refusal to damage other files."""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow.parquet as pq
import pytest

from mosaiclink.errors import ConfigError, StoreError
from mosaiclink.explore.store import ResultStore


def write(store, keys, x):
    store.begin_sweep("s", {"a": 1}, '{"base":1}', "v1", len(keys))
    return store.write_chunk(
        np.array(keys, dtype=object),
        {"fiber.na": np.asarray(x), "ber": np.asarray(x) * 2},
        code_version="v1",
        base_key="b",
        sweep="s",
    )


def test_rows_are_unique_by_key_and_queryable(tmp_path):
    path = tmp_path / "r.duckdb"
    with ResultStore(path) as store:
        assert write(store, ["a", "b", "c"], [0.1, 0.2, 0.3]) == 3
        assert write(store, ["b", "c", "d"], [9.0, 9.0, 0.4]) == 1  # re-delivered rows are ignored
        assert store.count() == 4
        np.testing.assert_array_equal(
            store.missing(np.array(["a", "x", "d", "y"], dtype=object)), [False, True, False, True]
        )
    with ResultStore(path, read_only=True) as store:
        got = store.sql('SELECT key, "fiber.na", ber FROM designs ORDER BY key').to_pydict()
    assert got == {"key": ["a", "b", "c", "d"], "fiber.na": [0.1, 0.2, 0.3, 0.4], "ber": [0.2, 0.4, 0.6, 0.8]}


def test_failed_chunk_leaves_no_partial_rows(tmp_path):
    """A chunk that fails mid-insert (here: a new column, then mismatched lengths) leaves nothing."""
    with ResultStore(tmp_path / "r.duckdb") as store:
        write(store, ["a"], [0.1])
        with pytest.raises((ValueError, StoreError)):  # pyarrow's ArrowInvalid is a ValueError
            store.write_chunk(
                np.array(["z1", "z2"], dtype=object), {"ber": np.ones(3)}, code_version="v1", base_key="b", sweep="s"
            )
        assert store.count() == 1


def test_export_parquet_and_csv(tmp_path):
    with ResultStore(tmp_path / "r.duckdb") as store:
        write(store, ["a", "b"], [0.1, 0.2])
        pq_path = store.export(tmp_path / "out.parquet")
        csv_path = store.export(tmp_path / "out.csv")
        with pytest.raises(ConfigError, match="suffix must be one of .parquet, .csv"):
            store.export(tmp_path / "out.xlsx")
    assert pq.read_table(pq_path).column("ber").to_pylist() == [0.2, 0.4]
    assert csv_path.read_text().splitlines()[0].startswith('"key","code_version"')


def test_bad_sql_is_one_line_store_error(tmp_path):
    with ResultStore(tmp_path / "r.duckdb") as store:
        with pytest.raises(StoreError, match="^sql = 'SELEC 1': ") as info:
            store.sql("SELEC 1")
    assert "\n" not in str(info.value)


def test_foreign_files_are_refused_untouched(tmp_path):
    text = tmp_path / "notes.csv"
    text.write_text("a,b\n1,2\n")
    digest = hashlib.sha256(text.read_bytes()).hexdigest()
    with pytest.raises(StoreError, match="not a DuckDB result store"):
        ResultStore(text)
    assert hashlib.sha256(text.read_bytes()).hexdigest() == digest
    with pytest.raises(StoreError, match="does not exist"):
        ResultStore(tmp_path / "absent.duckdb", read_only=True)
