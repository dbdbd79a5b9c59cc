"""Evaluate several clusters side by side: the flow shared by ``mosaic cluster`` and the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mosaiclink.cluster.failures import FailureYear
from mosaiclink.cluster.model import ClusterResult, evaluate, failure_year
from mosaiclink.cluster.summary import summarize
from mosaiclink.cluster.techs import cluster_techs
from mosaiclink.config.cluster import ClusterSpec
from mosaiclink.config.design import MosaicDesign
from mosaiclink.system.catalog import Catalog, load_catalog


@dataclass(frozen=True)
class ClusterColumns:
    """Results, Monte Carlo years and summaries of clusters compared side by side."""

    results: tuple[ClusterResult, ...]
    years: tuple[FailureYear, ...]
    summaries: tuple[dict, ...]


def evaluate_columns(
    specs: Sequence[ClusterSpec], catalog: Catalog | None = None, seed: int = 1, design: MosaicDesign | None = None
) -> ClusterColumns:
    """Evaluate each spec; column ``i`` draws its Monte Carlo year with ``seed + i``.

    The technology tables are built once per (rate, figure level, temperature, MOSAIC reach);
    ``design`` replaces the shipped MOSAIC preset at its own aggregate rate.
    """
    catalog = catalog or load_catalog()
    design_rate_gbps = design.data_rate_gbps if design else None
    cache: dict = {}

    def techs(rate_gbps: float, spec: ClusterSpec):
        key = (rate_gbps, spec.figure_level, spec.temperature_c, spec.mosaic_reach_m)
        if key not in cache:
            cache[key] = cluster_techs(
                rate_gbps,
                spec.figure_level,
                spec.temperature_c,
                catalog=catalog,
                design=design if rate_gbps == design_rate_gbps else None,
                mosaic_reach_m=spec.mosaic_reach_m,
            )
        return cache[key]

    results = tuple(evaluate(s, techs(s.scale_up.rate_gbps, s), techs(s.scale_out.rate_gbps, s)) for s in specs)
    years = tuple(failure_year(r, seed=seed + i) for i, r in enumerate(results))
    summaries = tuple(
        summarize(r, y, results[0] if i else None) for i, (r, y) in enumerate(zip(results, years, strict=True))
    )
    return ClusterColumns(results, years, summaries)
