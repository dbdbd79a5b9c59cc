"""Cluster power: interconnect, IT and facility power, rack density, yearly energy and cost.

Link power is the module (or cable-end) power of the catalog at both ends of each link; the
host SerDes inside GPUs, NICs and switches is part of their own power (baselines 1.2, 1.7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.config.cluster import ClusterPowerSpec
from mosaiclink.units import HOURS_PER_YEAR


def link_power_w(count, power_w_per_end) -> np.ndarray:
    """Power of links with both ends powered: ``2 n P_end`` (broadcasts)."""
    return 2.0 * np.asarray(count, dtype=float) * np.asarray(power_w_per_end, dtype=float)


@dataclass(frozen=True)
class PowerBudget:
    """Power of one cluster, all in kW at the rack input unless named otherwise.

    ``interconnect_kw`` is module power (both ends of every link) at the rack input;
    ``it_kw`` adds GPUs (nodes) and switches; ``facility_kw = PUE * it_kw``.
    """

    gpus: int
    gpu_kw: float
    switch_kw: float
    interconnect_kw: float
    interconnect_scale_up_kw: float
    interconnect_scale_out_kw: float
    rack_kw: float
    gpu_racks: int
    pue: float
    electricity_usd_per_kwh: float

    @property
    def it_kw(self) -> float:
        """GPU nodes + switches + link modules."""
        return self.gpu_kw + self.switch_kw + self.interconnect_kw

    @property
    def interconnect_share(self) -> float:
        """Interconnect share of IT power."""
        return self.interconnect_kw / self.it_kw

    @property
    def facility_kw(self) -> float:
        """IT power times PUE."""
        return self.it_kw * self.pue

    @property
    def energy_mwh_per_year(self) -> float:
        """Facility energy in a (Julian) year."""
        return self.facility_kw * HOURS_PER_YEAR / 1e3

    @property
    def cost_usd_per_year(self) -> float:
        """Energy cost in a year."""
        return self.energy_mwh_per_year * 1e3 * self.electricity_usd_per_kwh

    @property
    def interconnect_w_per_gpu(self) -> float:
        """Link-module power per GPU at the rack input (W)."""
        return self.interconnect_kw * 1e3 / self.gpus


def power_budget(
    gpus: int,
    gpus_per_rack: int,
    scale_up_w: float,
    scale_out_w: float,
    nic_end_w: float,
    scale_up_switch_w: float,
    scale_out_switch_w: float,
    spec: ClusterPowerSpec,
) -> PowerBudget:
    """Power of a cluster from its link and switch power.

    Parameters
    ----------
    scale_up_w, scale_out_w : module power of all scale-up / fabric links (both ends).
    nic_end_w : module power of the GPU-side ends of the NIC-to-leaf links (these sit in GPU racks).
    scale_up_switch_w, scale_out_switch_w : switch power without modules.

    Notes
    -----
    Everything is divided by the rack power-conversion efficiency ``eta``. A GPU rack holds its
    GPU nodes, its share of the scale-up switch trays (spread evenly over the domain's racks),
    both ends of its scale-up links and the GPU-side ends of its fabric links:
    ``P_rack = g (P_node + (P_tray + P_up + P_nic) / N) / eta`` for a full rack of ``g`` of the
    ``N`` GPUs.
    Fabric switches stand in network racks and are not in ``P_rack``.
    """
    eta = spec.power_conversion_efficiency
    racks = -(-gpus // gpus_per_rack)
    rack_gpus = min(gpus, gpus_per_rack)
    per_rack_w = rack_gpus * (spec.gpu_node_power_w + (scale_up_switch_w + scale_up_w + nic_end_w) / gpus)
    return PowerBudget(
        gpus=gpus,
        gpu_kw=gpus * spec.gpu_node_power_w / eta / 1e3,
        switch_kw=(scale_up_switch_w + scale_out_switch_w) / eta / 1e3,
        interconnect_kw=(scale_up_w + scale_out_w) / eta / 1e3,
        interconnect_scale_up_kw=scale_up_w / eta / 1e3,
        interconnect_scale_out_kw=scale_out_w / eta / 1e3,
        rack_kw=per_rack_w / eta / 1e3,
        gpu_racks=racks,
        pue=spec.pue,
        electricity_usd_per_kwh=spec.electricity_usd_per_kwh,
    )


@dataclass(frozen=True)
class FleetSavings:
    """What an alternative saves over an incumbent when deployed on ``deployment_gpus`` GPUs."""

    deployment_gpus: int
    it_w_per_gpu: float
    facility_mw: float
    energy_gwh_per_year: float
    cost_usd_per_year: float


def fleet_savings(incumbent: PowerBudget, alternative: PowerBudget, deployment_gpus: int) -> FleetSavings:
    """Scale the per-GPU IT-power difference to a fleet, with the incumbent's PUE and price.

    Notes
    -----
    ``dP_facility = N (P_inc/g_inc - P_alt/g_alt) PUE``; energy over a Julian year.
    """
    per_gpu_w = (incumbent.it_kw / incumbent.gpus - alternative.it_kw / alternative.gpus) * 1e3
    facility_mw = per_gpu_w * deployment_gpus * incumbent.pue / 1e6
    energy_gwh = facility_mw * HOURS_PER_YEAR / 1e3
    return FleetSavings(
        deployment_gpus=deployment_gpus,
        it_w_per_gpu=per_gpu_w,
        facility_mw=facility_mw,
        energy_gwh_per_year=energy_gwh,
        cost_usd_per_year=energy_gwh * 1e6 * incumbent.electricity_usd_per_kwh,
    )
