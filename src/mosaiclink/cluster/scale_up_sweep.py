"""Scale-up domains across racks: the largest domain each technology builds under a rack power limit.

For every technology, domain size ``D`` and rack power limit ``P``: the rack holds ``g`` GPUs
(``g`` divides ``D``), the domain spans ``D / g`` racks placed by the floor plan, and every GPU
links to the domain's switch trays (:func:`mosaiclink.cluster.model.evaluate` with no scale-out
fabric). Links inside a rack use ``in_rack_technology``, links between racks the technology;
a layout is feasible if every cable is within reach and the GPU rack draws at most ``P``. The
densest feasible rack (fewest racks, shortest cables) is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from mosaiclink.cluster.model import ClusterResult, evaluate
from mosaiclink.cluster.techs import cluster_techs
from mosaiclink.config.cluster import ClusterSpec, ScaleUpSweepSpec
from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import ModelRangeError
from mosaiclink.system.catalog import Catalog, load_catalog
from mosaiclink.system.compare import default_design
from mosaiclink.system.reach import ReachFn, mosaic_reach_m
from mosaiclink.workload import check_cluster_work


def rack_options(domain_gpus: int, spec: ScaleUpSweepSpec) -> list[int]:
    """GPUs per rack to try for a domain, densest first: divisors of ``D`` within the rack bounds."""
    top = min(domain_gpus, spec.max_gpus_per_rack)
    return [g for g in range(top, spec.min_gpus_per_rack - 1, -1) if domain_gpus % g == 0]


def _domain_spec(spec: ScaleUpSweepSpec, tech: str, domain_gpus: int, gpus_per_rack: int, reach_m) -> ClusterSpec:
    """One domain as a cluster of ``D`` GPUs with no scale-out fabric."""
    allowed = [spec.in_rack_technology] if tech == spec.in_rack_technology else [spec.in_rack_technology, tech]
    return ClusterSpec.from_mapping(
        {
            "name": f"{tech} {domain_gpus}",
            "gpus": domain_gpus,
            "policy": spec.policy,
            "figure_level": spec.figure_level,
            "temperature_c": spec.temperature_c,
            "mosaic_reach_m": reach_m,
            "scale_up": {
                **spec.scale_up.model_dump(),
                "domain_gpus": domain_gpus,
                "gpus_per_rack": gpus_per_rack,
                "technologies": allowed,
            },
            "scale_out": {"ports_per_gpu": 0},
            "floor": spec.floor.model_dump(),
            "power": spec.power.model_dump(),
            "job": spec.job.model_dump(),
        },
        where=spec.name,
    )


def _row(tech: str, domain_gpus: int, limit, result: ClusterResult | None) -> dict:
    """One cell of the sweep as a plain dict (``feasible`` False: no rack layout fits)."""
    out: dict = {
        "technology": tech,
        "domain_gpus": domain_gpus,
        "rack_limit_kw": limit.kw,
        "cooling": limit.cooling,
        "feasible": result is not None,
    }
    if result is None:
        return out
    lengths = result.links.length_m
    return {
        **out,
        "gpus_per_rack": result.spec.scale_up.gpus_per_rack,
        "racks": result.scale_up.racks_per_domain,
        "links": float(result.classes.links.sum()),
        "rack_to_rack_links": float(result.links.count[lengths > result.spec.scale_up.in_rack_cable_m].sum()),
        "longest_cable_m": float(lengths.max()),
        "rack_kw": result.power.rack_kw,
        "interconnect_kw": result.power.interconnect_kw,
        "domain_kw": result.power.it_kw,
        "link_failure_interval_h": result.mtbf_h() if result.rate_per_h() > 0 else None,
        "ettr": result.job.ettr,
        "ettr_links_only": result.job.ettr_links_only,
    }


@dataclass(frozen=True)
class ScaleUpSweepResult:
    """Every (technology, domain size, rack limit) cell, and the largest domain per (technology, limit)."""

    spec: ScaleUpSweepSpec
    technologies: tuple[str, ...]
    mosaic_reach_m: float | None
    rows: tuple[dict, ...]

    def largest_domain(self) -> dict[str, dict[float, int]]:
        """``{technology: {rack limit kW: largest feasible domain (0: none)}}``."""
        out: dict[str, dict[float, int]] = {t: {} for t in self.technologies}
        for r in self.rows:
            best = out[r["technology"]].get(r["rack_limit_kw"], 0)
            out[r["technology"]][r["rack_limit_kw"]] = max(best, r["domain_gpus"] if r["feasible"] else 0)
        return out

    def summary(self) -> dict:
        """Everything for JSON."""
        return {
            "name": self.spec.name,
            "type": "scale-up-sweep",
            "mosaic_reach_m": self.mosaic_reach_m,
            "rack_limits": [limit.model_dump() for limit in self.spec.rack_limits],
            "domain_sizes": list(self.spec.domain_sizes),
            "largest_domain": {t: {f"{kw:g}": d for kw, d in v.items()} for t, v in self.largest_domain().items()},
            "rows": list(self.rows),
        }


def evaluate_scale_up_sweep(
    spec: ScaleUpSweepSpec,
    catalog: Catalog | None = None,
    design: MosaicDesign | None = None,
    reach_fn: ReachFn | None = None,
) -> ScaleUpSweepResult:
    """Sweep domain sizes and rack power limits for every technology.

    Notes
    -----
    Per (technology, ``D``), rack options ``g`` are evaluated densest first, until one fits even the
    lowest limit: a
    :class:`ModelRangeError` from the assignment means some cable is beyond reach. Rack power
    ``P_rack = g (P_node + (P_trays + P_links) / D) / eta`` falls as ``g`` falls, so for a limit
    ``P`` the first option with ``P_rack <= P`` is the densest feasible one. Domain power is its IT
    power (GPUs, switch trays, links), the failure interval ``1 / sum(n FIT / 1e9)`` over its links,
    ETTR that of a job on the whole domain (``job``; Daly's interval).
    """
    for domain_gpus in spec.domain_sizes:  # the sparsest rack option lays out the most rack pairs
        sparsest = min(rack_options(domain_gpus, spec), default=domain_gpus)
        racks = -(-domain_gpus // sparsest)
        check_cluster_work(f"scale-up-sweep domain of {domain_gpus:,} GPUs at {sparsest} per rack", racks, racks)
    catalog = catalog or load_catalog()
    rate = spec.scale_up.rate_gbps
    design = design or default_design(rate)
    table = cluster_techs(rate, catalog=catalog, design=design)
    technologies = tuple(spec.technologies or table.technology)
    table.subset([spec.in_rack_technology, *technologies])  # unknown keys fail here, naming the valid ones
    reach = spec.mosaic_reach_m
    if "mosaic" in technologies and reach is None:
        reach = mosaic_reach_m(design, reach_fn=reach_fn)
    techs = cluster_techs(
        rate, spec.figure_level, spec.temperature_c, catalog=catalog, design=design, mosaic_reach_m=reach
    )
    rows = []
    lowest_kw = min(limit.kw for limit in spec.rack_limits)
    for tech in technologies:
        for domain_gpus in spec.domain_sizes:
            layouts = []
            for g in rack_options(domain_gpus, spec):
                try:
                    layouts.append(evaluate(_domain_spec(spec, tech, domain_gpus, g, reach), techs, techs))
                except ModelRangeError:
                    continue
                if layouts[-1].power.rack_kw <= lowest_kw:  # every limit already has its densest layout
                    break
            for limit in spec.rack_limits:
                fits = [r for r in layouts if r.power.rack_kw <= limit.kw]
                rows.append(_row(tech, domain_gpus, limit, fits[0] if fits else None))
    return ScaleUpSweepResult(spec, technologies, reach if "mosaic" in technologies else None, tuple(rows))
