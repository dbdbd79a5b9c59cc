"""Link and switch counts of a cluster: scale-up domains and a scale-out fat-tree.

Counts only; where each link runs (its length) is :mod:`mosaiclink.cluster.floorplan`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.config.cluster import ScaleOutSpec, ScaleUpSpec
from mosaiclink.errors import ModelRangeError

MAX_TIERS = 4


@dataclass(frozen=True)
class FatTree:
    """A folded-Clos fabric, ``planes`` identical trees (one per GPU port).

    Attributes
    ----------
    tiers : number of switch levels ``L``.
    endpoints_per_plane : NIC ports attached to one plane (= GPUs).
    planes : independent trees (ports per GPU).
    links_per_tier : ``(L,)`` links of tier ``t`` (tier 1: NIC-leaf, tier ``L``: into the top level), all planes.
    switches_per_level : ``(L,)`` switches at each level, all planes.
    group_endpoints : ``(L + 1,)`` endpoints below one switch group of each level, level 0 = one port;
        the top level's group is the whole plane.
    """

    tiers: int
    endpoints_per_plane: int
    planes: int
    links_per_tier: np.ndarray
    switches_per_level: np.ndarray
    group_endpoints: np.ndarray

    @property
    def links(self) -> int:
        """All fabric links."""
        return int(self.links_per_tier.sum())

    @property
    def switches(self) -> int:
        """All fabric switches."""
        return int(self.switches_per_level.sum())


def fat_tree_capacity(radix: int, tiers: int) -> int:
    """Largest number of endpoints a non-blocking fat-tree of ``tiers`` levels of ``radix``-port switches serves.

    Notes
    -----
    ``E_max = 2 (k/2)^L``: every level but the top uses half its ports down, the top uses all
    (Al-Fares et al., SIGCOMM 2008; baselines 4.3: k = 512, L = 2 gives 131,072). With k = 144,
    L = 2 gives 10,368, NVIDIA's figure for a two-tier Quantum-X800 fabric.
    """
    return 2 * (radix // 2) ** tiers


def fat_tree(endpoints: int, spec: ScaleOutSpec) -> FatTree:
    """Size a fat-tree for ``endpoints`` GPUs; each GPU port is on its own plane.

    Notes
    -----
    Tier ``t < L`` carries one link per endpoint (full bisection); the top tier carries
    ``ceil(E / o)`` links for a top-tier oversubscription ``o``. A switch at level ``t < L`` has
    ``(links_t + links_{t+1}) / k`` ports' worth of links; a top switch uses all ``k`` ports down.
    Partial trees round switch counts up. Valid for ``L <= 4``; a group of level ``t`` holds
    ``(k/2)^t`` endpoints (oversubscription does not regroup them).
    """
    half = spec.switch_radix // 2
    if spec.tiers is None:
        fitting = [t for t in range(1, MAX_TIERS + 1) if fat_tree_capacity(spec.switch_radix, t) >= endpoints]
        if not fitting:
            need = int(np.ceil(2 * (endpoints / 2) ** (1 / MAX_TIERS)))
            raise ModelRangeError(
                f"gpus = {endpoints}: more than a {MAX_TIERS}-tier fat-tree of radix {spec.switch_radix} serves "
                f"({fat_tree_capacity(spec.switch_radix, MAX_TIERS)}); use switch_radix >= {need}"
            )
        tiers = fitting[0]
    else:
        tiers = spec.tiers
        if fat_tree_capacity(spec.switch_radix, tiers) < endpoints:
            raise ModelRangeError(
                f"gpus = {endpoints}: a {tiers}-tier fat-tree of radix {spec.switch_radix} serves at most "
                f"{fat_tree_capacity(spec.switch_radix, tiers)}; raise scale_out.tiers or switch_radix"
            )
    per_plane = np.full(tiers, endpoints, dtype=np.int64)
    if tiers > 1:
        per_plane[-1] = int(np.ceil(endpoints / spec.top_tier_oversubscription))
    ports_below_top = per_plane[:-1] + per_plane[1:]
    switches = np.concatenate(
        [np.ceil(ports_below_top / spec.switch_radix), [np.ceil(per_plane[-1] / spec.switch_radix)]]
    )
    groups = np.array([half**t for t in range(tiers)] + [endpoints], dtype=np.int64)
    return FatTree(
        tiers=tiers,
        endpoints_per_plane=endpoints,
        planes=spec.ports_per_gpu,
        links_per_tier=per_plane * spec.ports_per_gpu,
        switches_per_level=switches.astype(np.int64) * spec.ports_per_gpu,
        group_endpoints=groups,
    )


@dataclass(frozen=True)
class ScaleUp:
    """Scale-up domains: ``domains`` copies of a GPU-to-switch-tray star spanning ``racks_per_domain`` racks."""

    domains: int
    gpus_per_domain: int
    racks_per_domain: int
    links: int
    switch_trays: int

    @property
    def links_per_domain(self) -> int:
        """GPU-to-switch links in one full domain."""
        return self.links // max(self.domains, 1)


def scale_up(gpus: int, spec: ScaleUpSpec) -> ScaleUp:
    """Count scale-up domains, links and switch trays for ``gpus`` GPUs.

    Notes
    -----
    Every GPU has ``links_per_gpu`` links, spread evenly over the domain's switch trays
    (one switch level, as in NVL72); trays = ``ceil(domain_gpus * links_per_gpu / switch_ports)``.
    A last, partial domain has proportionally fewer trays. Two-level scale-up (NVL576 Kyber) is
    modelled as one level of larger trays.
    """
    domains = int(np.ceil(gpus / spec.domain_gpus))
    links = gpus * spec.links_per_gpu
    trays = int(np.ceil(links / spec.switch_ports)) if spec.links_per_gpu else 0
    return ScaleUp(
        domains=domains,
        gpus_per_domain=spec.domain_gpus,
        racks_per_domain=max(1, spec.domain_gpus // spec.gpus_per_rack),
        links=links,
        switch_trays=trays,
    )
