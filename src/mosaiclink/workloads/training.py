"""A training job on a cluster built with each link technology: step time, MFU, goodput, tokens per MW.

For every technology column (:data:`~mosaiclink.config.workloads.TECHNOLOGY_KEYS`):

1. **Scale-up domain**: the smallest of ``spec.domain_sizes`` that holds the job's tensor x expert
   group, or the largest below it the technology builds under the rack power limit
   (:func:`mosaiclink.cluster.scale_up_sweep.evaluate_scale_up_sweep`: passive copper inside a
   rack, the technology between racks, every cable within reach).
2. **Cluster**: ``spec.gpus`` GPUs in such domains and a fat-tree fabric; every link gets the
   lowest-power allowed technology that reaches (passive copper, the technology, DR8 beyond its
   reach) (:func:`mosaiclink.cluster.model.evaluate`): power, link failure rate, ETTR. MOSAIC
   serves cables up to its qualified length at the cluster's case temperature, with the life
   model's FIT there (:func:`mosaiclink.system.life.qualified_link`: wear-out, the spares
   already used on day one and connector contamination add nothing up to that length).
3. **Tiers**: per GPU, scale-up bandwidth ``links x rate x eta_up`` and scale-out ``ports x rate x
   eta_out``; a ring step's latency is the collective library's (NCCL) plus the cables it crosses
   (ends and time of flight, :mod:`mosaiclink.cluster.latency`; MOSAIC's ends are its data path,
   carrying a UALink-class flit stream on scale-up links and Ethernet on the fabric)
   and the fabric switches.
4. **Step** (:mod:`.step`), **goodput** = tokens/s x ETTR (Daly's interval; link failures of the
   column plus every other failure, constant rates of the cluster model), tokens/s per MW of
   interconnect and of facility power.

MOSAIC's gain over a column is split exactly into three factors of goodput per facility MW:
throughput (the scale-up domain and latency), ETTR (failures) and power.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.cluster.latency import link_latency
from mosaiclink.cluster.model import ClusterResult, evaluate
from mosaiclink.cluster.scale_up_sweep import ScaleUpSweepResult, evaluate_scale_up_sweep
from mosaiclink.cluster.techs import cluster_techs
from mosaiclink.config.cluster import ClusterSpec, PropagationSpec, ScaleUpSweepSpec
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.workloads import TECHNOLOGY_KEYS, TrainingSpec
from mosaiclink.errors import ModelRangeError
from mosaiclink.system.catalog import Catalog, load_catalog
from mosaiclink.system.compare import default_design
from mosaiclink.system.life import QualifiedLink, qualified_link
from mosaiclink.workloads.step import StepTime, Tier, step_time

IN_RACK = "passive-dac"
MIN_GPUS_PER_RACK = 4  # sparsest rack considered (the scale-up sweep's default)
FALLBACK = "dr8"
CASE_C = ClusterSpec.model_fields["temperature_c"].default  # the cluster model's module case temperature
MOSAIC_HOST = {400.0: "400gbe", 800.0: "800gbe", 1600.0: "1.6tbe"}  # scale-out: Ethernet PCS by rate
SCALE_UP_HOST = {800.0: "ualink"}  # scale-up: a UALink/NVLink-class flit link (x4 x 200G) where one exists


@dataclass(frozen=True)
class Column:
    """One technology's cluster, tiers and step."""

    technology: str
    domain_gpus: int
    gpus_per_rack: int
    cluster: ClusterResult
    up: Tier
    out: Tier
    step: StepTime

    @property
    def ettr(self) -> float:
        return self.cluster.job.ettr

    @property
    def goodput_tokens_per_s(self) -> float:
        return self.step.tokens_per_s * self.ettr

    @property
    def interconnect_mw(self) -> float:
        return self.cluster.power.interconnect_kw / 1e3

    @property
    def facility_mw(self) -> float:
        return self.cluster.power.facility_kw / 1e3

    def row(self) -> dict:
        job = self.cluster.job
        return {
            "technology": self.technology,
            "domain_gpus": self.domain_gpus,
            "gpus_per_rack": self.gpus_per_rack,
            **{k: v for k, v in self.step.summary().items() if k not in ("gpus", "peak_flops", "flops_per_token")},
            "scale_up_gbyte_s": self.up.bandwidth_byte_s / 1e9,
            "scale_up_step_us": self.up.alpha_s * 1e6,
            "scale_out_gbyte_s": self.out.bandwidth_byte_s / 1e9,
            "scale_out_step_us": self.out.alpha_s * 1e6,
            "link_failures_per_day": 24.0 * job.link_rate_per_h,
            "interruptions_per_day": job.interruptions_per_day,
            "checkpoint_interval_h": job.daly_interval_h,
            "ettr": self.ettr,
            "goodput_tokens_per_s": self.goodput_tokens_per_s,
            "interconnect_mw": self.interconnect_mw,
            "facility_mw": self.facility_mw,
            "tokens_per_s_per_interconnect_mw": self.goodput_tokens_per_s / self.interconnect_mw,
            "tokens_per_s_per_facility_mw": self.goodput_tokens_per_s / self.facility_mw,
        }


@dataclass(frozen=True)
class TrainingResult:
    """Every technology column of one job, and MOSAIC's gain over each other column."""

    spec: TrainingSpec
    columns: tuple[Column, ...]
    infeasible: tuple[str, ...]
    mosaic_qualified: tuple[QualifiedLink, ...] = ()  # per fabric rate: MOSAIC's reach and life FIT

    def column(self, technology: str) -> Column:
        return next(c for c in self.columns if c.technology == technology)

    def gain(self, technology: str, over: str) -> dict:
        """Goodput per facility MW of ``technology`` over ``over``, as a product of three factors.

        Notes
        -----
        ``G/P = (tokens/s) x ETTR / P``, so the ratio is exactly
        ``(thr_a / thr_b) x (ETTR_a / ETTR_b) x (P_b / P_a)``: scale-up domain and latency
        (throughput), failures (ETTR) and power. The interconnect-MW ratio is reported beside it.
        """
        a, b = self.column(technology), self.column(over)
        factors = {
            "scale_up_domain": a.step.tokens_per_s / b.step.tokens_per_s,
            "failures": a.ettr / b.ettr,
            "power": b.facility_mw / a.facility_mw,
        }
        total = float(np.prod(list(factors.values())))
        return {
            "technology": technology,
            "over": over,
            "goodput_per_facility_mw_ratio": total,
            "factors": factors,
            "goodput_per_interconnect_mw_ratio": (a.goodput_tokens_per_s / a.interconnect_mw)
            / (b.goodput_tokens_per_s / b.interconnect_mw),
        }

    def summary(self) -> dict:
        spec = self.spec
        others = [c.technology for c in self.columns if c.technology != "mosaic"]
        has_mosaic = any(c.technology == "mosaic" for c in self.columns)
        return {
            "job": spec.name,
            "model": spec.model.name,
            "gpu": spec.gpu.name,
            "gpus": spec.gpus,
            "parallel": {**spec.parallel.model_dump(), "data": spec.data, "microbatches": spec.microbatches},
            "rack_limit_kw": spec.rack_limit_kw,
            "rows": [c.row() for c in self.columns],
            "infeasible": list(self.infeasible),
            "mosaic_gain": [self.gain("mosaic", o) for o in others] if has_mosaic else [],
            "mosaic_qualified": [q.to_dict() for q in self.mosaic_qualified],
        }


def wanted_domain(spec: TrainingSpec) -> int:
    """The smallest of ``domain_sizes`` that holds the job's scale-up group (``t x e`` GPUs: tensor and
    expert ranks), else the largest: a larger domain only adds rack-to-rack links."""
    sizes = sorted(d for d in spec.domain_sizes if d <= spec.gpus) or [min(spec.domain_sizes)]
    group = spec.parallel.tensor * spec.parallel.expert
    return next((d for d in sizes if d >= group), sizes[-1])


def _domains(
    spec: TrainingSpec, catalog: Catalog, design: MosaicDesign, largest: int, mosaic_reach_m: float
) -> ScaleUpSweepResult:
    """The scale-up sweep, up to ``largest`` GPUs, of every catalog key the job's columns use."""
    keys = sorted({k for t in spec.technologies for k in TECHNOLOGY_KEYS[t]})
    sizes = sorted({d for d in spec.domain_sizes if d <= min(largest, spec.gpus)} or {min(spec.domain_sizes)})
    sweep = ScaleUpSweepSpec.from_mapping(
        {
            "name": f"{spec.name} domains",
            "domain_sizes": sizes,
            "rack_limits": [{"kw": spec.rack_limit_kw, "cooling": "job rack limit"}],
            "max_gpus_per_rack": spec.scale_up.gpus_per_rack,
            "min_gpus_per_rack": min(MIN_GPUS_PER_RACK, *sizes),
            "in_rack_technology": IN_RACK,
            "technologies": keys,
            "policy": "lowest-power",
            "mosaic_reach_m": mosaic_reach_m,
            "temperature_c": CASE_C,
            "scale_up": spec.scale_up.model_dump(),
            "power": spec.power.model_dump(),
            "job": spec.reliability.model_dump(),
        },
        where=spec.name,
    )
    return evaluate_scale_up_sweep(sweep, catalog=catalog, design=design)


def _best_domain(sweep: ScaleUpSweepResult, technology: str) -> tuple[int, int] | None:
    """Largest feasible (domain GPUs, GPUs per rack) over the technology's catalog keys."""
    rows = [r for r in sweep.rows if r["feasible"] and r["technology"] in TECHNOLOGY_KEYS[technology]]
    if not rows:
        return None
    best = max(rows, key=lambda r: (r["domain_gpus"], r["gpus_per_rack"]))
    return int(best["domain_gpus"]), int(best["gpus_per_rack"])


def _cluster_spec(spec: TrainingSpec, technology: str, domain_gpus: int, gpus_per_rack: int) -> ClusterSpec:
    keys = list(TECHNOLOGY_KEYS[technology])
    return ClusterSpec.from_mapping(
        {
            "name": technology,
            "gpus": spec.gpus,
            "policy": "lowest-power",
            "scale_up": {
                **spec.scale_up.model_dump(),
                "domain_gpus": domain_gpus,
                "gpus_per_rack": gpus_per_rack,
                "technologies": list(dict.fromkeys([IN_RACK, *keys])),
            },
            "scale_out": {**spec.scale_out.model_dump(), "technologies": list(dict.fromkeys([*keys, FALLBACK]))},
            "power": spec.power.model_dump(),
            "job": spec.reliability.model_dump(),
        },
        where=f"{spec.name} {technology}",
    )


def _mean_one_way_ns(result: ClusterResult, fabric: str, latency) -> float:
    """Link-weighted one-way latency (ends + time of flight) of a fabric's links."""
    c = result.classes
    keep = [i for i, f in enumerate(c.fabric) if f == fabric]
    if not keep:
        return 0.0
    index = [latency.technology.index(c.technology[i]) for i in keep]
    one_way = latency.one_way_ns(c.mean_length_m[keep])[np.arange(len(keep)), index]
    weights = c.links[keep]
    return float((weights * one_way).sum() / weights.sum())


def tiers(spec: TrainingSpec, result: ClusterResult, latency) -> tuple[Tier, Tier]:
    """Scale-up and scale-out :class:`Tier` of one GPU in ``result``.

    Notes
    -----
    ``B_up = links_per_gpu R_up / 8 eta_up``; a scale-up ring step crosses two cables (GPU to
    switch tray to GPU): ``alpha_up = a_up + 2 l_up``. ``B_out = ports R_out / 8 eta_out``; a
    fabric step between domains climbs to the top of an ``L``-tier fat-tree and back:
    ``alpha_out = a_out + 2 L l_out + (2 L - 1) t_switch``, with ``l`` the link-weighted one-way
    latency of the fabric's links.
    """
    fab = spec.fabric
    up_bw = spec.scale_up.links_per_gpu * spec.scale_up.rate_gbps / 8.0 * 1e9 * fab.scale_up_efficiency
    out_bw = spec.scale_out.ports_per_gpu * spec.scale_out.rate_gbps / 8.0 * 1e9 * fab.scale_out_efficiency
    up_ns = 2.0 * _mean_one_way_ns(result, "scale-up", latency)
    levels = result.tree.tiers
    out_ns = 2.0 * levels * _mean_one_way_ns(result, "scale-out", latency) + (2 * levels - 1) * fab.switch_ns
    return (
        Tier(max(up_bw, 1e-9), fab.scale_up_step_us * 1e-6 + up_ns * 1e-9),
        Tier(max(out_bw, 1e-9), fab.scale_out_step_us * 1e-6 + out_ns * 1e-9),
    )


@dataclass(frozen=True)
class _Context:
    """What every column of one job shares: the sweep, technology tables and latency tables."""

    spec: TrainingSpec
    sweep: ScaleUpSweepResult
    techs: dict
    latency: dict
    qualified: dict


def _context(spec: TrainingSpec, catalog: Catalog | None, design: MosaicDesign | None, largest: int) -> _Context:
    catalog = catalog or load_catalog()
    rate = spec.scale_up.rate_gbps
    design = design or default_design(rate)
    qualified = {r: _qualified(design if r == rate else default_design(r)) for r in {rate, spec.scale_out.rate_gbps}}
    up = qualified[rate]
    sweep = _domains(spec, catalog, design, largest, up.length_m if up else 0.0)
    techs = {
        r: cluster_techs(
            r,
            temperature_c=CASE_C,
            catalog=catalog,
            design=design if r == rate else None,
            mosaic_reach_m=q.length_m if q else 0.0,
            mosaic_fit_per_link=q.fit_per_link if q else None,
        )
        for r, q in qualified.items()
    }
    keys = sorted({k for t in spec.technologies for k in TECHNOLOGY_KEYS[t]} | {IN_RACK, FALLBACK})

    def table(r: float, host: str):
        present = [k for k in keys if k in techs[r].technology]
        return link_latency(present, catalog, r, "typical", PropagationSpec(), design, host)

    out_rate = spec.scale_out.rate_gbps
    latency = {
        "scale-up": table(rate, SCALE_UP_HOST.get(rate, MOSAIC_HOST.get(rate, "800gbe"))),
        "scale-out": table(out_rate, MOSAIC_HOST.get(out_rate, "800gbe")),
    }
    return _Context(spec, sweep, techs, latency, qualified)


def _qualified(design: MosaicDesign) -> QualifiedLink | None:
    """MOSAIC's qualified length and life FIT at the cluster's case temperature; None if it has none."""
    try:
        return qualified_link(design, CASE_C)
    except ModelRangeError:
        return None


def _column(ctx: _Context, tech: str, domain: int, per_rack: int) -> Column | None:
    """One technology at one domain layout; None if some cable is beyond every allowed reach, or the
    technology is MOSAIC and its design qualifies at no length."""
    spec = ctx.spec
    if tech == "mosaic" and not all(ctx.qualified.values()):
        return None
    up_rate, out_rate = spec.scale_up.rate_gbps, spec.scale_out.rate_gbps
    try:
        result = evaluate(_cluster_spec(spec, tech, domain, per_rack), ctx.techs[up_rate], ctx.techs[out_rate])
    except ModelRangeError:
        return None
    up, _ = tiers(spec, result, ctx.latency["scale-up"])
    _, out = tiers(spec, result, ctx.latency["scale-out"])
    return Column(tech, domain, per_rack, result, up, out, step_time(spec, domain, up, out))


def evaluate_training(
    spec: TrainingSpec, catalog: Catalog | None = None, design: MosaicDesign | None = None
) -> TrainingResult:
    """Every technology column of ``spec`` (see the module notes): each at the domain the job wants
    (:func:`wanted_domain`), or the largest below it the technology builds."""
    ctx = _context(spec, catalog, design, wanted_domain(spec))
    columns, infeasible = [], []
    for tech in spec.technologies:
        best = _best_domain(ctx.sweep, tech)
        column = None if best is None else _column(ctx, tech, *best)
        if column is None:
            infeasible.append(tech)
        else:
            columns.append(column)
    return TrainingResult(spec, tuple(columns), tuple(infeasible), tuple(q for q in ctx.qualified.values() if q))


def evaluate_domain_sweep(
    spec: TrainingSpec, catalog: Catalog | None = None, design: MosaicDesign | None = None
) -> list[dict]:
    """Step time, MFU, ETTR and goodput per MW for every technology at every domain size it builds
    under ``spec.rack_limit_kw`` (the densest rack that fits; ``feasible`` False otherwise).

    Notes
    -----
    The scale-up domain feeds the parallel plan's placement: tensor ranks, then data and expert
    ranks fill it (:mod:`.step`); a larger domain moves expert all-to-all and the data-parallel
    reduction from the NIC to the scale-up fabric, at the price of more rack-to-rack links
    (power, failures).
    """
    ctx = _context(spec, catalog, design, max(spec.domain_sizes))
    rows = []
    for tech in spec.technologies:
        for domain in sorted({int(r["domain_gpus"]) for r in ctx.sweep.rows}):
            fits = [
                r
                for r in ctx.sweep.rows
                if r["feasible"] and r["domain_gpus"] == domain and r["technology"] in TECHNOLOGY_KEYS[tech]
            ]
            column = None
            if fits:
                per_rack = max(int(r["gpus_per_rack"]) for r in fits)
                column = _column(ctx, tech, domain, per_rack)
            rows.append({"technology": tech, "domain_gpus": domain, "feasible": column is not None})
            if column is not None:
                row = column.row()
                rows[-1].update({k: row[k] for k in DOMAIN_SWEEP_KEYS})
    return rows


DOMAIN_SWEEP_KEYS = (
    "gpus_per_rack",
    "step_s",
    "mfu",
    "expert_s",
    "data_s",
    "ettr",
    "goodput_tokens_per_s",
    "interconnect_mw",
    "tokens_per_s_per_facility_mw",
)
