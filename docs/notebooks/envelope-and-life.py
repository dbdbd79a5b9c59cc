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
# # The 800G link across its envelope and its life
#
# One junction temperature from the module's own heat, the link over its case temperature,
# its margin over the years, a route with bends, and the module yield. The same functions as
# `mosaic envelope`, `mosaic life`, `mosaic link --route` and `mosaic yield` (small sizes here).

# %%
from mosaiclink.config.envelope import RouteSpec
from mosaiclink.config.presets import load_preset
from mosaiclink.physics.bend import route_design
from mosaiclink.physics.link import evaluate_link
from mosaiclink.system.envelope import envelope
from mosaiclink.system.life import life
from mosaiclink.system.production import module_yield
from mosaiclink.system.thermal import junction_temperatures

design = load_preset("mosaic-800g")
junction_temperatures(design, 55.0)

# %% [markdown]
# The link over the module case temperature (no reach search, to stay quick): channels meeting the
# target, the margin, and the FIT from the same junction temperatures.

# %%
result = envelope(design, (0.0, 25.0, 55.0, 70.0), reach=False)
for p in result.points:
    print(
        f"{p.case_c:5.0f} C case  LED {p.led_junction_c:5.1f} C  {p.channels_meeting}/{p.channels} meet  "
        f"margin {p.median_margin_db:+.2f} dB  FIT {p.link_fit:.3g}"
    )
print("highest case temperature meeting", design.link.length_m, "m:", round(result.max_case_c, 1), "C")

# %% [markdown]
# Margin over life at 30 m, where the link starts with margin at 70 C case: the N-th best channel's
# excess over its target, median of the simulated links, year by year.

# %%
hot = life(design.with_link(length_m=30.0), 70.0, fleet_links=204_350.0, links=100)
print(f"L70 {hot.emitter_l70_years:.1f} y, spares out after {hot.exhaustion_years_median:.1f} y (median)")
[round(v, 2) for v in hot.link_excess_db_median]

# %% [markdown]
# A route with twenty bends at 200 mm, every mode filled (the upper bound of the bend loss):
# length, bend loss and the connectors' allowance enter the budget.

# %%
route = RouteSpec.from_mapping(
    {"tail_m": 10.0, "mode_fill": "full", "bends": [{"radius_mm": 200.0, "after_m": 1.5}] * 20}
)
routed, budget = route_design(design, route)
print(budget)
evaluate_link(routed).budget.value("Margin")

# %% [markdown]
# Module yield at 0 and 40 spares (1,000 modules, two pool evaluations).

# %%
yields = module_yield(design, (0, 40), (0.0,), modules=1000, pool_modules=2)
[(r.spares, round(r.yield_spares, 3), r.ci_spares) for r in yields.rows]
