"""Design-space exploration: sweep specs, vectorized evaluator, Pareto front, optimizer, result store, runners.

Public entry points (import the modules directly; this package imports nothing heavy so that
the CLI starts fast)::

    from mosaiclink.explore.spec import load_sweep, design_key
    from mosaiclink.explore.runner import run_sweep
    from mosaiclink.explore.store import ResultStore
    from mosaiclink.explore.pareto import pareto_mask
    from mosaiclink.explore.results import pareto_front
    from mosaiclink.explore.evaluate import METRICS, evaluate_rows, code_version
    from mosaiclink.explore.optimize import design_for_target
"""

from mosaiclink.config.sweep import DEFAULT_STORE  # noqa: F401  (default result file)
