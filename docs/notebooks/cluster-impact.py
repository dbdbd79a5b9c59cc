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
# # What MOSAIC does to a 100k-GPU cluster
#
# The incumbent-optics cluster and the same cluster with MOSAIC in the scale-out fabric,
# side by side: interconnect power, link failures and the training job's effective time.

# %%
import mosaiclink as ml

cluster = ml.evaluate_cluster("100k", seed=0)
cluster

# %%
table = cluster.to_dataframe()
table[
    [
        "power.interconnect_kw",
        "failures.link_failures_per_day",
        "failures.mtbf_optical_h",
        "failures.mtbf_mosaic_h",
        "job.ettr",
    ]
]

# %%
saved_mw = (table["power.interconnect_kw"].iloc[0] - table["power.interconnect_kw"].iloc[1]) / 1e3
print(f"MOSAIC saves {saved_mw:.2f} MW of interconnect power in this cluster")

# %%
import plotly.express as px

px.scatter(table.reset_index(), x="name", y="failures.link_failures_per_day", log_y=True, title="Link failures per day")
