"""Pareto-front extraction for any number of objectives, vectorized.

Notes
-----
Every objective is turned into a minimisation (maximised ones are negated). Point ``a``
dominates ``b`` when ``a <= b`` in every objective and ``a < b`` in at least one.

* Two objectives: sort lexicographically by (f1, f2); a point is on the front iff its f2 is
  strictly below the running minimum of f2 over all points before it, ties in both values
  included. O(n log n) (Kung, Luccio & Preparata, J. ACM 22, 1975).
* More objectives: after the same lexicographic sort no point can be dominated by a later
  one, so each block of points is compared (NumPy broadcasting) only against the front found
  so far and against the earlier points of its own block; dominance is transitive, so a
  dominated point always has a dominator among those. Cost O(n * front * k) in blocks of
  bounded memory.

Rows with a NaN objective are never on the front. Exact duplicates are all kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mosaiclink.errors import ConfigError

BLOCK = 1024


def _as_minimisation(values: np.ndarray, senses: Sequence[str]) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(senses):
        raise ConfigError(f"objectives: values of shape {values.shape} do not match {len(senses)} senses")
    sign = []
    for sense in senses:
        if sense not in ("minimize", "maximize"):
            raise ConfigError(f"objective sense = {sense!r}: must be 'minimize' or 'maximize'")
        sign.append(1.0 if sense == "minimize" else -1.0)
    return values * np.asarray(sign)


def pareto_mask(values: np.ndarray, senses: Sequence[str]) -> np.ndarray:
    """Boolean mask of the non-dominated rows of ``values`` (shape (n, objectives))."""
    f = _as_minimisation(values, senses)
    n, k = f.shape
    mask = np.zeros(n, dtype=bool)
    valid = np.flatnonzero(~np.isnan(f).any(axis=1))
    if valid.size == 0:
        return mask
    f = f[valid]
    order = np.lexsort(f.T[::-1])  # primary key: first objective
    g = f[order]
    if k == 1:
        on_front = g[:, 0] == g[0, 0]
    elif k == 2:
        on_front = _front_2d(g)
    else:
        on_front = _front_blocks(g)
    mask[valid[order[on_front]]] = True
    return mask


def _front_2d(g: np.ndarray) -> np.ndarray:
    """Front of lexicographically sorted 2-objective points.

    Exact duplicates form consecutive runs; a point is dominated iff some point before its
    run has f2 <= its f2 (such a point differs from it and is <= in both objectives).
    """
    f2 = g[:, 1]
    best_before = np.concatenate(([np.inf], np.minimum.accumulate(f2)[:-1]))
    new_run = np.ones(len(g), dtype=bool)
    new_run[1:] = (g[1:] != g[:-1]).any(axis=1)
    run_start = np.flatnonzero(new_run)[np.cumsum(new_run) - 1]
    return f2 < best_before[run_start]


def _dominated_by(candidates: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each point, whether any candidate dominates it (broadcast over both sets)."""
    if candidates.size == 0:
        return np.zeros(len(points), dtype=bool)
    le = (candidates[:, None, :] <= points[None, :, :]).all(axis=2)
    lt = (candidates[:, None, :] < points[None, :, :]).any(axis=2)
    return np.asarray((le & lt).any(axis=0))


def _front_blocks(g: np.ndarray) -> np.ndarray:
    """Front of lexicographically sorted points with three or more objectives."""
    on_front = np.zeros(len(g), dtype=bool)
    front = g[:0]
    for start in range(0, len(g), BLOCK):
        block = g[start : start + BLOCK]
        alive = ~_dominated_by(front, block)
        le = (block[:, None, :] <= block[None, :, :]).all(axis=2)
        lt = (block[:, None, :] < block[None, :, :]).any(axis=2)
        alive &= ~(le & lt).any(axis=0)
        on_front[start : start + BLOCK] = alive
        front = np.concatenate([front, block[alive]])
    return on_front
