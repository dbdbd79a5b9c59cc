# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A design sweep and its Pareto front
#
# Sweep the 800G design over array rows (20 x 18, 20 x 20 and 20 x 22 data channels: every design
# carries 800GbE, and its per-channel line rate is what that many channels need, 2.38, 2.15 and
# 1.95 Gb/s), LED drive current and spares with the fast evaluator, store the results in a DuckDB
# file, and keep the designs no other design
# beats on power, reach and FIT at once. `mosaic sweep` and `mosaic results --pareto` do the
# same from the terminal.

# %%
import tempfile
from pathlib import Path

from mosaiclink.explore.evaluate import METRICS, code_version, evaluate_rows
from mosaiclink.explore.results import pareto_front
from mosaiclink.explore.runner import run_sweep
from mosaiclink.explore.spec import load_sweep
from mosaiclink.explore.store import ResultStore

sweep = load_sweep(
    {
        "name": "notebook-grid",
        "base": "mosaic-800g",
        "sampler": "grid",
        "constraints": ["ber <= 2.4e-4"],
        "parameters": {
            "array.rows": {"values": [18, 20, 22]},
            "led.peak_current_ma": {"range": [1.5, 4.0], "steps": 6},
            "array.spare_channels": {"values": [0, 20, 60]},
        },
        "objectives": {"power_w": "minimize", "reach_m": "maximize", "fit": "minimize"},
    },
    METRICS,
)
folder = Path(tempfile.mkdtemp())
with ResultStore(folder / "results.duckdb") as store:
    summary = run_sweep(sweep, store, evaluate_rows, code_version())
    front = pareto_front(store).to_pandas()
summary

# %%
columns = ["array.rows", "led.peak_current_ma", "array.spare_channels", "rate_gbps_total"]
columns += ["power_w", "reach_m", "fit", "ber"]
front[[c for c in columns if c in front.columns]]

# %%
import plotly.express as px

px.scatter(front, x="reach_m", y="power_w", color="fit", hover_data=list(front.columns[:4]), title="Pareto front")
