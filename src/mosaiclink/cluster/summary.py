"""Plain-dict summaries of cluster results (for JSON, tables and reports; no I/O here)."""

from __future__ import annotations

import numpy as np

from mosaiclink.cluster.failures import FailureYear
from mosaiclink.cluster.model import ClusterResult
from mosaiclink.cluster.power import fleet_savings


def _finite(value: float) -> float | None:
    """JSON has no infinity: ``None`` for an infinite interval."""
    return float(value) if np.isfinite(value) else None


def summarize(result: ClusterResult, year: FailureYear, baseline: ClusterResult | None = None) -> dict:
    """Every headline figure of one cluster; fleet savings against ``baseline`` if given."""
    spec, power, job, classes = result.spec, result.power, result.job, result.classes
    tiers = result.links
    out = {
        "name": spec.name,
        "gpus": spec.gpus,
        "gpu_racks": power.gpu_racks,
        "scale_up": {
            "domain_gpus": spec.scale_up.domain_gpus,
            "racks_per_domain": result.scale_up.racks_per_domain,
            "links": result.scale_up.links,
            "switch_trays": result.scale_up.switch_trays,
        },
        "fabric": {
            "tiers": result.tree.tiers,
            "switches": result.tree.switches,
            "links": result.tree.links,
        },
        "tiers": [
            {"tier": name, "fabric": fabric, "links": float(n), "mean_length_m": float(m), "p99_length_m": float(q)}
            for name, fabric, n, m, q in zip(
                tiers.tier_names,
                tiers.tier_fabric,
                tiers.links_per_tier(),
                tiers.mean_length_per_tier_m(),
                tiers.quantile_per_tier_m(0.99),
                strict=True,
            )
        ],
        "technologies": [
            {
                "fabric": f,
                "technology": t,
                "kind": k,
                "links": float(n),
                "mean_length_m": float(m),
                "fit_per_link": float(fit),
                "power_kw": float(p) / 1e3,
                "failures_per_day": float(r) * 24.0,
            }
            for f, t, k, n, m, fit, p, r in zip(
                classes.fabric,
                classes.technology,
                classes.kind,
                classes.links,
                classes.mean_length_m,
                classes.fit_per_link,
                classes.power_w,
                classes.failure_rate_per_h,
                strict=True,
            )
        ],
        "power": {
            "rack_kw": power.rack_kw,
            "interconnect_kw": power.interconnect_kw,
            "interconnect_scale_up_kw": power.interconnect_scale_up_kw,
            "interconnect_scale_out_kw": power.interconnect_scale_out_kw,
            "interconnect_w_per_gpu": power.interconnect_w_per_gpu,
            "interconnect_share": power.interconnect_share,
            "it_mw": power.it_kw / 1e3,
            "facility_mw": power.facility_kw / 1e3,
            "energy_gwh_per_year": power.energy_mwh_per_year / 1e3,
            "energy_cost_musd_per_year": power.cost_usd_per_year / 1e6,
        },
        "failures": {
            "link_failures_per_day": result.failures_per_day(),
            "mtbf_all_links_h": _finite(result.mtbf_h()),
            "mtbf_optical_h": _finite(result.mtbf_h("optical")),
            "mtbf_mosaic_h": _finite(result.mtbf_h("mosaic")),
            "mtbf_copper_h": _finite(result.mtbf_h("copper")),
            "mtbf_scale_out_h": _finite(result.mtbf_h(fabric="scale-out")),
        },
        "job": {
            "job_gpus": int(round(spec.gpus * spec.job.job_fraction)),
            "interruptions_per_day": job.interruptions_per_day,
            "link_interruptions_per_day": 24.0 * job.link_rate_per_h,
            "mtbf_h": _finite(job.mtbf_h),
            "young_interval_min": 60.0 * job.young_interval_h if np.isfinite(job.mtbf_h) else None,
            "daly_interval_min": 60.0 * job.daly_interval_h if np.isfinite(job.mtbf_h) else None,
            "ettr": job.ettr,
            "ettr_links_only": job.ettr_links_only,
        },
        "monte_carlo_year": {
            "link_failures": int(year.time_h.size),
            "link_availability": float(np.average(year.link_availability(), weights=year.links))
            if year.links.sum()
            else 1.0,
            "all_links_up_fraction": year.all_up_fraction(),
        },
    }
    if baseline is not None:
        saved = fleet_savings(baseline.power, power, spec.power.deployment_gpus)
        out["fleet_savings_vs_first"] = {
            "deployment_gpus": saved.deployment_gpus,
            "it_w_per_gpu": saved.it_w_per_gpu,
            "facility_mw": saved.facility_mw,
            "energy_gwh_per_year": saved.energy_gwh_per_year,
            "cost_musd_per_year": saved.cost_usd_per_year / 1e6,
        }
    return out
