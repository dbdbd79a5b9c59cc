"""The package's import graph has no circle, and every module sits in a layer of the contract.

import-linter's layer contract (pyproject.toml) only checks imports *between* layers; a circle inside
one package (the report's assessment once imported the report's builders, which imported it back)
passes it. This test builds the module graph with grimp (import-linter's own engine, lazy imports
inside functions included) and looks for strongly connected components of more than one module.
"""

from __future__ import annotations

import grimp
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components


def _graph() -> tuple[list[str], csr_matrix]:
    graph = grimp.build_graph("mosaiclink", cache_dir=None)
    modules = sorted(graph.modules)
    index = {m: i for i, m in enumerate(modules)}
    rows, cols = [], []
    for module in modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported in index:
                rows.append(index[module])
                cols.append(index[imported])
    n = len(modules)
    return modules, csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def test_no_import_circle_anywhere_in_the_package():
    modules, adjacency = _graph()
    count, labels = connected_components(adjacency, directed=True, connection="strong")
    circles = [sorted(np.asarray(modules)[labels == k]) for k in range(count) if np.sum(labels == k) > 1]
    assert circles == [], f"import circles: {circles}"


def test_the_check_finds_a_planted_circle():
    """The component search itself: a two-module circle and a chain, by hand."""
    adjacency = csr_matrix(np.array([[0, 1, 0], [1, 0, 0], [0, 1, 0]]))
    count, labels = connected_components(adjacency, directed=True, connection="strong")
    assert count == 2 and labels[0] == labels[1] != labels[2]
