"""``mosaic results --sql`` is read-only: DuckDB's own settings refuse anything outside the store.

A query may read the store's tables; ``COPY .. TO`` a file, ``read_csv`` of an outside file,
``INSTALL`` of an extension, ``ATTACH`` of another database and changing the settings back are
refused in one line (exit 2), with no file written and a healthy store never called damaged.
Non-finite results are labelled, never printed as a bare ``inf`` (issue 26).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from mosaiclink.errors import StoreError
from mosaiclink.explore.store import ResultStore


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "r.duckdb"
    with ResultStore(path) as writer:
        writer.begin_sweep("s", {"a": 1}, '{"base":1}', "v1", 2)
        writer.write_chunk(
            np.array(["a", "b"], dtype=object),
            {"ber": np.array([1e-12, 1e-9])},
            code_version="v1",
            base_key="b",
            sweep="s",
        )
    return path


SECRET = "not for the query"


@pytest.mark.parametrize(
    "query",
    [
        "COPY designs TO '{dir}/leak.csv'",
        "SELECT * FROM read_csv('{dir}/secret.txt')",
        "SELECT * FROM read_text('{dir}/secret.txt')",
        "INSTALL httpfs",
        "ATTACH '{dir}/other.duckdb'",
        "SET enable_external_access = true",
        "CREATE TABLE x (a INT)",
    ],
)
def test_queries_outside_the_store_are_refused_in_one_line(mosaic, store, tmp_path, query):
    (tmp_path / "secret.txt").write_text(SECRET)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = mosaic("results", "--store", str(store), "--sql", query.format(dir=tmp_path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "damaged" not in result.stderr and SECRET not in result.stdout + result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written beside the store


def test_the_store_still_answers_after_a_refused_query(store):
    with ResultStore(store, read_only=True) as reader:
        with pytest.raises(StoreError, match="refused"):
            reader.sql("COPY designs TO 'x.csv'")
        assert reader.sql("SELECT count(*) AS n FROM designs").to_pydict() == {"n": [2]}


def test_non_finite_values_are_labelled(mosaic, store):
    table = mosaic("results", "--store", str(store), "--sql", "SELECT 'inf'::DOUBLE AS x, 'nan'::DOUBLE AS y")
    assert table.returncode == 0 and "inf (non-finite)" in table.stdout and "nan (non-finite)" in table.stdout
    assert "2 non-finite values" in table.stderr
    as_json = mosaic("results", "--store", str(store), "--sql", "SELECT '-inf'::DOUBLE AS x", "--json")
    assert json.loads(as_json.stdout) == [{"x": "-inf"}]  # valid JSON (no bare Infinity)
