"""Technology tables for the cluster layer, from the system catalog (and the MOSAIC models).

The cluster layer owns no technology data: every figure comes from
:mod:`mosaiclink.system.catalog` (incumbents) and the system layer's MOSAIC power and
reliability models.
"""

from __future__ import annotations

from mosaiclink.cluster.assignment import TechTable, tech_table
from mosaiclink.config.catalog import CatalogEntry
from mosaiclink.system.catalog import Catalog, load_catalog

LEVELS = ("low", "typical", "high")


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


def cluster_techs(rate_gbps: float, level: str = "typical", catalog: Catalog | None = None) -> TechTable:
    """All usable technologies at ``rate_gbps`` (reference-only rows excluded)."""
    catalog = catalog or load_catalog()
    return tech_table([catalog_row(e, level) for e in catalog.entries(rate=rate_gbps)], rate_gbps)
