"""Design-space exploration: sweep specs, vectorized evaluator, Pareto front, optimizer, result store, runners.

Public entry points::

    from mosaiclink.explore import load_sweep, run_sweep, ResultStore, pareto_mask, pareto_front
    from mosaiclink.explore.evaluate import METRICS, evaluate_rows, code_version
    from mosaiclink.explore.optimize import design_for_target
"""

from mosaiclink.explore.pareto import pareto_mask
from mosaiclink.explore.results import pareto_front
from mosaiclink.explore.runner import SweepSummary, run_sweep
from mosaiclink.explore.spec import ResolvedSweep, design_key, load_sweep
from mosaiclink.explore.store import DEFAULT_STORE, ResultStore

__all__ = [
    "DEFAULT_STORE", "ResolvedSweep", "ResultStore", "SweepSummary", "design_key", "load_sweep",
    "pareto_front", "pareto_mask", "run_sweep",
]
