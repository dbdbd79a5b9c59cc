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
# # Link budget of the 800G MOSAIC design
#
# Evaluate every channel of the shipped 800G design, read its waterfall, and find the
# channels that limit it. Everything here is the same model as `mosaic link`.

# %%
import mosaiclink as ml

design = ml.load_design("mosaic-800g")
report = ml.evaluate_link(design)
report

# %% [markdown]
# The waterfall of the median channel: launch OMA, each loss, the received OMA, the
# sensitivity at the target BER, each penalty and the margin left.

# %%
for line in report.budget.lines:
    print(f"{line.kind:8s} {line.name:40s} {line.value_db:+7.2f}")

# %% [markdown]
# Per-channel results are a DataFrame: the worst channels, and how BER follows the
# received power and crosstalk. A dead emitter has no received power or crosstalk ratio: those
# cells are NaN and its `status` is `dead`, so the statistics below are the live channels'.

# %%
channels = report.to_dataframe()
channels.sort_values("log10_ber_stateye", ascending=False).head(5)[
    ["spare", "status", "received_oma_dbm", "crosstalk_db", "log10_ber_stateye", "meets_target"]
]

# %%
channels[["received_oma_dbm", "crosstalk_db", "isi_rms_ratio", "log10_ber_stateye"]].corr()["log10_ber_stateye"]

# %% [markdown]
# The same figure as the report's per-channel BER mosaic, and the reach of the design.

# %%
fig = ml.plot(report)
reach_m = ml.max_reach_m(design, channels_required=report.data_channels, tolerance_m=0.5)
print(f"every data channel meets {report.target_ber:g} up to {reach_m:.1f} m")
fig
