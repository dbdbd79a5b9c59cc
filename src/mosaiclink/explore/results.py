"""Queries over a result store: feasible designs and their Pareto front.

Constraints and objectives default to those of the most recent sweep recorded in the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa

from mosaiclink.config.sweep import ConstraintSpec
from mosaiclink.errors import StoreError
from mosaiclink.explore.pareto import pareto_mask
from mosaiclink.explore.store import ResultStore, quote


def feasible_where(constraints: Sequence[ConstraintSpec]) -> str:
    """SQL condition of a set of constraints (empty string when there are none)."""
    return " AND ".join(f"{quote(c.metric)} {c.op} {c.limit!r}" for c in constraints)


def pareto_front(
    store: ResultStore, objectives: Mapping[str, str] | None = None, constraints: Sequence[ConstraintSpec] | None = None
) -> pa.Table:
    """Feasible, non-dominated designs of the store, sorted by the first objective.

    Parameters
    ----------
    objectives : mapping, optional
        ``{metric: "minimize" | "maximize"}``; default: the last sweep's.
    constraints : sequence, optional
        Default: the last sweep's.
    """
    last = store.last_sweep()
    if objectives is None or constraints is None:
        if last is None:
            raise StoreError(f"store = '{store.path}': no sweep recorded; give objectives explicitly")
        spec = last["spec"]
        objectives = objectives if objectives is not None else spec.get("objectives", {})
        constraints = (
            constraints if constraints is not None else [ConstraintSpec.parse(c) for c in spec.get("constraints", [])]
        )
    if not objectives:
        raise StoreError("pareto: the sweep names no objectives (add an [objectives] table)")
    table = store.table(feasible_where(constraints))
    missing = [m for m in objectives if m not in table.column_names]
    if missing:
        raise StoreError(f"pareto: objective '{missing[0]}' is not a stored column")
    values = np.column_stack([table.column(m).to_numpy(zero_copy_only=False) for m in objectives])
    front = table.filter(pa.array(pareto_mask(values, list(objectives.values()))))
    return front.sort_by([(next(iter(objectives)), "ascending")])
