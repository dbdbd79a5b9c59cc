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
# # Monte Carlo vs the analytic statistical eye
#
# The link model predicts each channel's BER with a statistical eye. Here we count errors
# on the prototype's worst channels with the symbol-rate Monte Carlo and check that the
# prediction sits inside each count's confidence interval.

# %%
import numpy as np

import mosaiclink as ml

design = ml.load_design("mosaic-prototype").with_link(length_m=30.0)
report = ml.evaluate_link(design)
report

# %% [markdown]
# Only BERs above ~1e-6 are countable with a million bits, so take the worst live channels.

# %%
live = np.flatnonzero(~report.dead)
worst = live[np.argsort(report.log10_ber_stateye[live])[-4:]]
result = ml.simulate(design, bits=1_000_000, channels=worst, seed=1, eye_channels=[])
result

# %%
table = result.to_dataframe()
table["inside"] = (table.ber_analytic_design_threshold >= table.ci_low) & (
    table.ber_analytic_design_threshold <= table.ci_high
)
table[["errors", "bits", "ber", "ci_low", "ci_high", "ber_analytic_design_threshold", "inside"]]

# %%
ml.plot(result)
