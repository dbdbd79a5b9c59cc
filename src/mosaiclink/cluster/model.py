"""Evaluate a cluster scenario: topology, cable lengths, technologies, power, failures, ETTR."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.cluster.assignment import TechTable, assign
from mosaiclink.cluster.ettr import daly_interval_h, ettr, young_interval_h
from mosaiclink.cluster.failures import FailureYear, failure_rate_per_h, mean_time_between_failures_h, monte_carlo_year
from mosaiclink.cluster.floorplan import LinkGroups, concat, scale_out_links, scale_up_links
from mosaiclink.cluster.power import PowerBudget, link_power_w, power_budget
from mosaiclink.cluster.topology import FatTree, ScaleUp, fat_tree, scale_up
from mosaiclink.config.cluster import ClusterSpec
from mosaiclink.units import FIT_HOURS


@dataclass(frozen=True)
class TechClasses:
    """Links aggregated per (fabric, technology): arrays of shape ``(classes,)``."""

    fabric: tuple[str, ...]
    technology: tuple[str, ...]
    kind: tuple[str, ...]
    links: np.ndarray
    fit_per_link: np.ndarray
    power_w_per_end: np.ndarray
    mean_length_m: np.ndarray

    @property
    def failure_rate_per_h(self) -> np.ndarray:
        """Expected failures per hour of each class."""
        return failure_rate_per_h(self.links, self.fit_per_link)

    @property
    def power_w(self) -> np.ndarray:
        """Module power of each class, both ends (before power conversion)."""
        return link_power_w(self.links, self.power_w_per_end)


@dataclass(frozen=True)
class JobOutlook:
    """A synchronous job on ``job_fraction`` of the cluster (hours, per-day rates)."""

    link_rate_per_h: float
    other_rate_per_h: float
    checkpoint_h: float
    restart_h: float

    @property
    def mtbf_h(self) -> float:
        """Mean time between interruptions (links and everything else)."""
        return float(mean_time_between_failures_h(self.link_rate_per_h + self.other_rate_per_h))

    @property
    def interruptions_per_day(self) -> float:
        """Expected interruptions per day."""
        return 24.0 * (self.link_rate_per_h + self.other_rate_per_h)

    @property
    def young_interval_h(self) -> float:
        """Young's checkpoint interval."""
        return float(young_interval_h(self.checkpoint_h, self.mtbf_h))

    @property
    def daly_interval_h(self) -> float:
        """Daly's checkpoint interval."""
        return float(daly_interval_h(self.checkpoint_h, self.mtbf_h))

    def _ettr(self, mtbf_h: float) -> float:
        """ETTR at Daly's interval; 1 with nothing failing (no checkpoints needed)."""
        if not np.isfinite(mtbf_h):
            return 1.0
        tau = daly_interval_h(self.checkpoint_h, mtbf_h)
        return float(ettr(tau, self.checkpoint_h, self.restart_h, mtbf_h))

    @property
    def ettr(self) -> float:
        """ETTR at Daly's interval, all interruptions."""
        return self._ettr(self.mtbf_h)

    @property
    def ettr_links_only(self) -> float:
        """ETTR at its own Daly interval if links were the only thing that failed."""
        return self._ettr(float(mean_time_between_failures_h(self.link_rate_per_h)))


@dataclass(frozen=True)
class ClusterResult:
    """Everything the cluster layer computes for one scenario."""

    spec: ClusterSpec
    tree: FatTree
    scale_up: ScaleUp
    links: LinkGroups
    classes: TechClasses
    power: PowerBudget
    job: JobOutlook

    def rate_per_h(self, kind: str | None = None) -> float:
        """Link failures per hour, all links or one kind (``copper``, ``optical``, ``mosaic``)."""
        rate = self.classes.failure_rate_per_h
        if kind is not None:
            rate = rate[np.array([k == kind for k in self.classes.kind], dtype=bool)]
        return float(rate.sum())

    def mtbf_h(self, kind: str | None = None, fabric: str | None = None) -> float:
        """Cluster-wide mean time between link failures (of one kind and/or fabric)."""
        keep = np.array(
            [
                (kind is None or k == kind) and (fabric is None or f == fabric)
                for k, f in zip(self.classes.kind, self.classes.fabric, strict=True)
            ],
            dtype=bool,
        )
        return float(mean_time_between_failures_h(self.classes.failure_rate_per_h[keep].sum()))

    def failures_per_day(self, kind: str | None = None) -> float:
        """Expected link failures per day."""
        return 24.0 * self.rate_per_h(kind)


def _classes(groups: LinkGroups, choice: np.ndarray, fabric_of_group: np.ndarray, tables: dict) -> TechClasses:
    """Aggregate link groups into (fabric, technology) classes."""
    fabrics, technology, kind, links, fit, power, mean_m = [], [], [], [], [], [], []
    for fabric, table in tables.items():
        sel = fabric_of_group == fabric
        n = np.bincount(choice[sel], weights=groups.count[sel], minlength=len(table.technology))
        total_m = np.bincount(choice[sel], weights=groups.count[sel] * groups.length_m[sel], minlength=len(n))
        for t in np.flatnonzero(n > 0):
            fabrics.append(fabric)
            technology.append(table.technology[t])
            kind.append(table.kind[t])
            links.append(n[t])
            fit.append(table.fit_per_link[t])
            power.append(table.power_w_per_end[t])
            mean_m.append(total_m[t] / n[t])
    return TechClasses(
        tuple(fabrics),
        tuple(technology),
        tuple(kind),
        np.array(links),
        np.array(fit),
        np.array(power),
        np.array(mean_m),
    )


def evaluate(spec: ClusterSpec, scale_up_techs: TechTable, scale_out_techs: TechTable) -> ClusterResult:
    """Evaluate one cluster with given technology tables (one per fabric rate).

    Notes
    -----
    Steps: fat-tree and scale-up counts (:mod:`topology`), cable lengths (:mod:`floorplan`),
    a technology per link group by ``spec.policy`` among each fabric's allowed technologies
    (:mod:`assignment`), then power (:mod:`power`), failure rates (:mod:`failures`) and the
    ETTR of a synchronous job on ``job.job_fraction`` of the cluster (:mod:`ettr`), whose link
    failure rate is that share of the cluster's.
    """
    up_table = scale_up_techs.subset(spec.scale_up.technologies)
    out_table = scale_out_techs.subset(spec.scale_out.technologies)
    tree = fat_tree(spec.gpus, spec.scale_out)
    domains = scale_up(spec.gpus, spec.scale_up)
    parts = []
    if spec.scale_up.links_per_gpu:
        parts.append(scale_up_links(spec.gpus, spec.scale_up, spec.floor))
    if spec.scale_out.ports_per_gpu:
        parts.append(scale_out_links(spec.gpus, spec.scale_up.gpus_per_rack, tree, spec.scale_out, spec.floor))
    groups = concat(parts)
    fabric_of_group = np.array(groups.tier_fabric, dtype=object)[groups.tier]
    choice = np.zeros(len(groups.tier), dtype=np.int64)
    tables = {"scale-up": up_table, "scale-out": out_table}
    for fabric, table in tables.items():
        sel = fabric_of_group == fabric
        if sel.any():
            choice[sel] = assign(groups.length_m[sel], table, spec.policy)
    classes = _classes(groups, choice, fabric_of_group, tables)
    is_up = np.array([f == "scale-up" for f in classes.fabric], dtype=bool)
    names = groups.tier_names
    nic = groups.tier == names.index("nic-leaf") if "nic-leaf" in names else np.zeros(len(choice), dtype=bool)
    nic_end_w = float((groups.count[nic] * out_table.power_w_per_end[choice[nic]]).sum())
    budget = power_budget(
        gpus=spec.gpus,
        gpus_per_rack=spec.scale_up.gpus_per_rack,
        scale_up_w=float(classes.power_w[is_up].sum()),
        scale_out_w=float(classes.power_w[~is_up].sum()),
        nic_end_w=nic_end_w,
        scale_up_switch_w=domains.switch_trays * spec.scale_up.switch_power_w,
        scale_out_switch_w=tree.switches * spec.scale_out.switch_power_w,
        spec=spec.power,
    )
    job = JobOutlook(
        link_rate_per_h=float(classes.failure_rate_per_h.sum()) * spec.job.job_fraction,
        other_rate_per_h=spec.gpus * spec.job.job_fraction * spec.job.non_link_fit_per_gpu / FIT_HOURS,
        checkpoint_h=spec.job.checkpoint_s / 3600.0,
        restart_h=spec.job.restart_s / 3600.0,
    )
    return ClusterResult(spec, tree, domains, groups, classes, budget, job)


def failure_year(result: ClusterResult, seed: int, years: float = 1.0) -> FailureYear:
    """A seeded Monte Carlo of every link failure of the cluster over ``years``, per technology
    class, with exponential repairs of the spec's mean time to repair for that kind."""
    repair = result.spec.repair
    mean_h = {"copper": repair.copper_h, "optical": repair.optical_h, "mosaic": repair.mosaic_h}
    return monte_carlo_year(
        result.classes.links,
        result.classes.fit_per_link,
        np.array([mean_h[k] for k in result.classes.kind]),
        seed=seed,
        years=years,
    )
