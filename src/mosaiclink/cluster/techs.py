"""Technology tables for the cluster layer, from the system catalog (and the MOSAIC models).

The cluster layer owns no technology data: every figure comes from
:mod:`mosaiclink.system.catalog` (incumbents) and the system layer's MOSAIC power and
reliability models.
"""

from __future__ import annotations

from mosaiclink.cluster.assignment import TechTable, tech_table
from mosaiclink.config.catalog import CatalogEntry
from mosaiclink.config.design import MosaicDesign
from mosaiclink.system.catalog import Catalog, load_catalog
from mosaiclink.system.compare import ENDS_PER_LINK, PRESET_BY_RATE, default_design
from mosaiclink.system.cost import mosaic_cost
from mosaiclink.system.power import mosaic_power, mosaic_power_range
from mosaiclink.system.reliability import catalog_fit_per_end, mosaic_link_fit


def kind_of(entry: CatalogEntry) -> str:
    """``copper``, ``optical`` (laser based) or ``mosaic`` (imaging fibre, microLED)."""
    if entry.medium == "imaging-fibre":
        return "mosaic"
    return "optical" if entry.laser_based else "copper"


def catalog_row(entry: CatalogEntry, level: str, temperature_c: float) -> dict:
    """One catalog technology at a figure level; link FIT = 2 x the end's FIT, Arrhenius-scaled to
    ``temperature_c`` (:func:`mosaiclink.system.reliability.catalog_fit_per_end`)."""
    cost = entry.cost_usd_per_end
    return {
        "technology": entry.technology,
        "kind": kind_of(entry),
        "power_w_per_end": getattr(entry.power_w_per_end, level),
        "reach_m": getattr(entry.max_reach_m, level),
        "fit_per_link": ENDS_PER_LINK * catalog_fit_per_end(entry, temperature_c, level),
        "cost_usd_per_end": None if cost is None else getattr(cost, level),
    }


def mosaic_row(
    design: MosaicDesign,
    level: str,
    temperature_c: float,
    reach_m: float | None = None,
    fit_per_link: float | None = None,
) -> dict:
    """MOSAIC at one figure level, from the system layer's models.

    Notes
    -----
    Power per end: ``low`` is the co-packaged host interface, ``typical`` and ``high`` the
    pluggable one (:func:`mosaiclink.system.power.mosaic_power_range`); link FIT (both ends and
    the fibre) at ``temperature_c`` from :func:`mosaiclink.system.reliability.mosaic_link_fit`, or
    ``fit_per_link`` when given (the life model's, :func:`mosaiclink.system.life.qualified_link`);
    reach ``reach_m``, by default the design's target length (50 m for ``mosaic-800g``,
    [P1][S1]); cost per end from :func:`mosaiclink.system.cost.mosaic_cost` with a fibre as long
    as the reach (the dearest cable MOSAIC can serve; all our estimates).
    """
    low, high = mosaic_power_range(design)
    power = {"low": low.total_w_per_end, "typical": mosaic_power(design).total_w_per_end, "high": high.total_w_per_end}
    reach = design.link.length_m if reach_m is None else reach_m
    return {
        "technology": "mosaic",
        "kind": "mosaic",
        "power_w_per_end": power[level],
        "reach_m": reach,
        "fit_per_link": mosaic_link_fit(design, temperature_c=temperature_c) if fit_per_link is None else fit_per_link,
        "cost_usd_per_end": mosaic_cost(design, length_m=reach).total_usd_per_end(level),
    }


def cluster_techs(
    rate_gbps: float,
    level: str = "typical",
    temperature_c: float = 55.0,
    catalog: Catalog | None = None,
    design: MosaicDesign | None = None,
    mosaic_reach_m: float | None = None,
    mosaic_fit_per_link: float | None = None,
) -> TechTable:
    """All usable technologies at ``rate_gbps``: catalog rows (reference-only rows excluded) plus
    MOSAIC (``design``, or the shipped preset for the rate; none at a rate without a preset)."""
    catalog = catalog or load_catalog()
    rows = [catalog_row(e, level, temperature_c) for e in catalog.entries(rate=rate_gbps)]
    if design is None and float(rate_gbps) in PRESET_BY_RATE:
        design = default_design(float(rate_gbps))
    if design is not None:
        rows.append(mosaic_row(design, level, temperature_c, mosaic_reach_m, mosaic_fit_per_link))
    return tech_table(rows, rate_gbps)
