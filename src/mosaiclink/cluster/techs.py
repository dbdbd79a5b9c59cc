"""Technology tables for the cluster layer, from the system catalog (and the MOSAIC models).

The cluster layer owns no technology data: every figure comes from
:mod:`mosaiclink.system.catalog` (incumbents) and the system layer's MOSAIC power and
reliability models.
"""

from __future__ import annotations

from mosaiclink.cluster.assignment import TechTable, tech_table
from mosaiclink.config.catalog import CatalogEntry
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.presets import load_preset
from mosaiclink.system.catalog import Catalog, load_catalog
from mosaiclink.system.power import mosaic_power, mosaic_power_range
from mosaiclink.system.reliability import mosaic_link_fit

LEVELS = ("low", "typical", "high")
MOSAIC_PRESETS = {800.0: "mosaic-800g", 1600.0: "mosaic-1.6t", 3200.0: "mosaic-3.2t"}


def kind_of(entry: CatalogEntry) -> str:
    """``copper``, ``optical`` (laser based) or ``mosaic`` (imaging fibre, microLED)."""
    if entry.medium == "imaging-fibre":
        return "mosaic"
    return "optical" if entry.laser_based else "copper"


def catalog_row(entry: CatalogEntry, level: str) -> dict:
    """One technology row at a figure level; link FIT = FIT per end x 2 ends."""
    cost = entry.cost_usd_per_end
    return {
        "technology": entry.technology,
        "kind": kind_of(entry),
        "power_w_per_end": getattr(entry.power_w_per_end, level),
        "reach_m": getattr(entry.max_reach_m, level),
        "fit_per_link": 2.0 * getattr(entry.fit, level),
        "cost_usd_per_end": None if cost is None else getattr(cost, level),
    }


def mosaic_row(design: MosaicDesign, level: str) -> dict:
    """MOSAIC at one figure level, from the system layer's models.

    Notes
    -----
    Power per end: ``low`` is the co-packaged host interface, ``typical`` and ``high`` the
    pluggable one (:func:`mosaiclink.system.power.mosaic_power_range`); link FIT (both ends and
    the fibre) from :func:`mosaiclink.system.reliability.mosaic_link_fit`; reach is the design's
    target length (50 m for ``mosaic-800g``, [P1][S1]). No cost is published: NaN, so the
    ``cheapest`` policy never picks MOSAIC until a cost is given.
    """
    low, high = mosaic_power_range(design)
    power = {"low": low.total_w_per_end, "typical": mosaic_power(design).total_w_per_end, "high": high.total_w_per_end}
    return {
        "technology": "mosaic",
        "kind": "mosaic",
        "power_w_per_end": power[level],
        "reach_m": design.link.length_m,
        "fit_per_link": mosaic_link_fit(design),
        "cost_usd_per_end": None,
    }


def cluster_techs(
    rate_gbps: float, level: str = "typical", catalog: Catalog | None = None, design: MosaicDesign | None = None
) -> TechTable:
    """All usable technologies at ``rate_gbps``: catalog rows (reference-only rows excluded) plus
    MOSAIC (``design``, or the shipped preset for 800G/1.6T/3.2T; none at other rates)."""
    catalog = catalog or load_catalog()
    rows = [catalog_row(e, level) for e in catalog.entries(rate=rate_gbps)]
    preset = MOSAIC_PRESETS.get(float(rate_gbps))
    if design is None and preset is not None:
        design = load_preset(preset)
    if design is not None:
        rows.append(mosaic_row(design, level))
    return tech_table(rows, rate_gbps)
