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
# # What the link technology does to an AI training job
#
# DeepSeek-V3 (MoE, 256-way expert parallelism) on 16,384 GB200-class GPUs, on clusters built with
# copper, AOC, DR8, LPO, CPO and MOSAIC: step time, MFU, ETTR, goodput per MW, and MOSAIC's gain split
# into scale-up domain, failures and power (docs/workloads.md has every equation and source).

# %%
import pandas as pd

import mosaiclink as ml

summary = ml.evaluate_workload("deepseek-v3", gpus=16_384)
rows = pd.DataFrame(summary["rows"]).set_index("technology")
rows[["domain_gpus", "step_s", "mfu", "ettr", "interconnect_mw", "tokens_per_s_per_facility_mw"]]

# %%
gains = pd.DataFrame(
    [{"over": g["over"], **g["factors"], "total": g["goodput_per_facility_mw_ratio"]} for g in summary["mosaic_gain"]]
).set_index("over")
gains

# %%
import plotly.express as px

long = gains.drop(columns="total").reset_index().melt(id_vars="over", var_name="factor", value_name="ratio")
px.bar(long, x="over", y="ratio", color="factor", barmode="group", title="MOSAIC's gain in goodput per facility MW")

# %% [markdown]
# ## Where the step time goes
#
# Compute and the pipeline bubble dominate; the expert all-to-all shrinks once the scale-up domain
# holds all 256 expert ranks (copper builds 144-GPU domains, the others 576).

# %%
rows[["compute_s", "bubble_s", "pipeline_s", "data_s", "expert_s"]].plot.bar(stacked=True, title="step time (s)")
# %% [markdown]
# ## Inference: the KV cache in a memory pool 10-50 m away

# %%
from mosaiclink.workloads.inference import evaluate_inference
from mosaiclink.workloads.presets import load_inference

kv = pd.DataFrame(evaluate_inference(load_inference()).summary()["rows"])
kv[(kv.latency_budget_ms == 50.0) & kv.within_reach].pivot(
    index="technology", columns="length_m", values="load_to_use_ns"
)

# %% [markdown]
# ## Faster lanes, less margin, more failures
#
# Copper at 0.6 m and laser optics at 30 m from sourced points and labelled estimates; MOSAIC at 30 m
# from the link and life models, its channels doubling in rate at a fixed 800 Gb/s (docs/workloads.md).

# %%
from mosaiclink.workloads.lanes import lane_margin_table

lanes = pd.DataFrame(lane_margin_table())
lanes[["medium", "technology", "lane_rate_gbps", "margin_db", "margin_db_worse", "margin_db_better", "fit_per_link"]]

# %% [markdown]
# ## Wide-and-slow on other media
#
# The same 460 channels per direction on copper pairs, VCSELs on one fibre each, one bundle core per
# microLED and MOSAIC's imaging fibre.

# %%
from mosaiclink.workloads.media import wide_slow_media_table

pd.DataFrame(wide_slow_media_table()).set_index("medium")[
    ["power_w_per_end", "reach_m", "cable_diameter_mm", "connectors_per_end", "fit_per_link"]
]
