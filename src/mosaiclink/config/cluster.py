"""Typed specs of a GPU cluster: scale-up domains, scale-out fat-tree, floor plan, power, jobs.

Every default cites its source in the field description (tags of ``shared/research/baselines.md``:
D datasheet, R paper/operator data, V vendor, N press, B blog, E our estimate). A scenario file
(``src/mosaiclink/cluster/scenarios/*.toml``) is one :class:`ClusterSpec`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mosaiclink.config.base import Spec

Policy = Literal["cheapest", "lowest-power", "most-reliable"]
LeafPlacement = Literal["row-end", "row-middle", "in-rack"]


class ScaleUpSpec(Spec):
    """An NVLink-style scale-up domain: every GPU links to every switch tray of its domain."""

    domain_gpus: int = Field(
        72, ge=1, le=100_000, description="GPUs per scale-up domain (GB200 NVL72: 72, baselines 4.1 V)"
    )
    gpus_per_rack: int = Field(72, ge=1, le=1_024, description="GPUs per rack (NVL72: 72 in one rack, baselines 4.1 V)")
    links_per_gpu: int = Field(
        9,
        ge=0,
        le=64,
        description="800G-equivalent links from each GPU to the domain's switches (NVLink 5: 18 links of "
        "100 GB/s = 9 x 800G, baselines 1.8 E)",
    )
    rate_gbps: float = Field(800.0, ge=1, le=100_000, description="aggregate rate of one scale-up link")
    switch_ports: int = Field(
        72,
        ge=1,
        le=4_096,
        description="800G-equivalent ports per scale-up switch tray (NVL72: 648 links / 9 trays, baselines 2.3 V)",
    )
    switch_power_w: float = Field(
        400.0,
        ge=0,
        le=20_000,
        description="power of one scale-up switch tray without link modules (GB300 NVL72: 3.6 kW / 9 trays, "
        "baselines 4.1 V)",
    )
    in_rack_cable_m: float = Field(
        0.6,
        ge=0.01,
        le=5,
        description="mean GPU-to-switch cable length inside one rack (NVL72: 3.2 km / 5,184 cables, baselines 2.3 E)",
    )
    technologies: list[str] | None = Field(
        None, description="catalog technology keys allowed for scale-up links (None: every technology)"
    )

    @model_validator(mode="after")
    def _domain_fills_racks(self) -> ScaleUpSpec:
        small, large = sorted((self.domain_gpus, self.gpus_per_rack))
        if large % small:
            raise ValueError(
                f"domain_gpus = {self.domain_gpus} and gpus_per_rack = {self.gpus_per_rack}: one must divide the other"
            )
        return self


class ScaleOutSpec(Spec):
    """A folded-Clos (fat-tree) back-end fabric, one independent tree per GPU port (plane)."""

    tiers: int | None = Field(
        None, ge=1, le=4, description="switch tiers; None picks the fewest that fit the GPU count"
    )
    switch_radix: int = Field(
        144,
        ge=4,
        le=4_096,
        description="ports per switch at rate_gbps (NVIDIA Quantum-X800 Q3400: 144 x 800G, baselines 4.3 V)",
    )
    ports_per_gpu: int = Field(1, ge=0, le=16, description="back-end NIC ports per GPU, one fabric plane each")
    rate_gbps: float = Field(
        800.0, ge=1, le=100_000, description="rate of one fabric port (ConnectX-8: 800G, baselines 4.2)"
    )
    top_tier_oversubscription: float = Field(
        1.0,
        ge=1,
        le=64,
        description="down:up bandwidth ratio below the top tier; 1 = non-blocking (Meta's Llama 3 24k-GPU "
        "RoCE fabric: 7 at the aggregation layer, Llama 3 paper arXiv 2407.21783 sec. 3.3.1, R)",
    )
    switch_power_w: float = Field(
        1_500.0,
        ge=0,
        le=50_000,
        description="power of one fabric switch without its link modules (our estimate: ~0.5-1 kW ASIC for "
        "51-115 Tb/s, baselines 4.3, plus fans, CPU and power-supply losses; E)",
    )
    leaf_placement: LeafPlacement = Field(
        "row-end", description="where leaf switches sit (AI-factory trend: end of row, baselines 4.4 V)"
    )
    technologies: list[str] | None = Field(
        None, description="catalog technology keys allowed for fabric links (None: every technology)"
    )


class FloorSpec(Spec):
    """Racks in rows, rows in blocks, blocks in halls; cables run in overhead trays (Manhattan routes)."""

    in_rack_m: float = Field(
        1.0, gt=0, le=5, description="cable inside one rack (0.3-2 m, typical 1 m, baselines 4.4 E)"
    )
    rack_width_m: float = Field(0.6, gt=0, le=2, description="rack width (600 mm, baselines 4.4 N/R)")
    rack_depth_m: float = Field(1.2, gt=0, le=3, description="rack depth (1.0-1.2 m, baselines 4.4 N/R)")
    cold_aisle_m: float = Field(1.2, ge=0, le=5, description="cold aisle (TIA-942: 1.2 m, baselines 4.4 D)")
    hot_aisle_m: float = Field(0.9, ge=0, le=5, description="hot aisle (>= 0.9 m, Farrington thesis, baselines 4.4 R)")
    racks_per_row: int = Field(20, ge=1, le=200, description="racks per row (<= 20 cabinets, baselines 4.4 D)")
    circulation_m: float = Field(1.2, ge=0, le=10, description="walkway between row blocks (>= 1.2 m, baselines 4.4 D)")
    racks_per_hall: int = Field(
        4_000, ge=1, le=1_000_000, description="racks one hall holds (our estimate: ~10k m2 halls, E)"
    )
    hall_gap_m: float = Field(20.0, ge=0, le=2_000, description="cable route between adjacent halls (our estimate, E)")
    rise_drop_m: float = Field(
        3.0,
        ge=0,
        le=20,
        description="vertical run up to the overhead tray and back down for a rack-to-rack cable "
        "(~2-4 m, baselines 4.4 E)",
    )
    slack_factor: float = Field(
        1.1, ge=1, le=3, description="service loop and routing detours as a length multiplier (our estimate, E)"
    )


class ClusterPowerSpec(Spec):
    """IT power outside the links, facility overhead and energy price."""

    gpu_node_power_w: float = Field(
        1_500.0,
        gt=0,
        le=20_000,
        description="per GPU: its share of the compute tray (GB200 superchip 2.7 kW per 2 GPUs, 18 trays of "
        "5.4 kW per NVL72, baselines 4.1 V) plus NIC, DPU, fans and storage (our estimate +150 W, E)",
    )
    power_conversion_efficiency: float = Field(
        0.95, gt=0.5, le=1, description="rack power shelves, AC to 48 V DC (our estimate, E)"
    )
    pue: float = Field(
        1.15, ge=1, le=3, description="power usage effectiveness (hyperscale AI hall, baselines 4.5 R/N)"
    )
    electricity_usd_per_kwh: float = Field(0.08, ge=0, le=2, description="energy price (our estimate, E)")
    deployment_gpus: int = Field(
        1_000_000,
        ge=1,
        le=100_000_000,
        description="GPUs deployed fleet-wide for the savings estimate (our estimate, E)",
    )


class JobSpec(Spec):
    """A synchronous training job: any failure of a component it uses stops all of it."""

    job_fraction: float = Field(1.0, gt=0, le=1, description="share of the cluster's GPUs (and links) the job uses")
    checkpoint_s: float = Field(
        60.0, gt=0, le=86_400, description="time to write one checkpoint (our estimate for async/in-memory, E)"
    )
    restart_s: float = Field(
        600.0, ge=0, le=86_400, description="detect, reschedule, reload after a failure (our estimate, E)"
    )
    non_link_fit_per_gpu: float = Field(
        0.0,
        ge=0,
        le=1e7,
        description="failures of everything but links, per GPU (Llama 3: 384 non-network unexpected "
        "interruptions / (16,384 GPUs x 1,296 h) ~ 18,000 FIT, baselines 3.1 R); 0 isolates the links",
    )


class RepairSpec(Spec):
    """Mean time to repair a failed link, by kind of technology (our estimates, E)."""

    copper_h: float = Field(4.0, gt=0, le=1_000, description="reseat or replace a copper cable (E)")
    optical_h: float = Field(4.0, gt=0, le=1_000, description="swap a pluggable module or AOC (E)")
    mosaic_h: float = Field(4.0, gt=0, le=1_000, description="swap a MOSAIC cable after its spares are exhausted (E)")


class ClusterSpec(Spec):
    """One cluster (a column of a scenario)."""

    name: str = Field("cluster", min_length=1, description="scenario name")
    description: str = Field("", description="what the scenario shows")
    gpus: int = Field(100_000, ge=1, le=10_000_000, description="GPUs in the cluster")
    policy: Policy = Field("cheapest", description="technology assignment policy for every link")
    figure_level: Literal["low", "typical", "high"] = Field(
        "typical", description="which catalog figure (power, reach, FIT, cost) every technology uses"
    )
    temperature_c: float = Field(
        55.0,
        ge=-40,
        le=125,
        description="module case temperature; FITs are Arrhenius-scaled to it (catalog reference 55 C)",
    )
    mosaic_reach_m: float | None = Field(
        None,
        ge=0.01,
        le=10_000,
        description="MOSAIC reach; None: the MOSAIC design's target length (50 m for mosaic-800g, [P1][S1])",
    )
    scale_up: ScaleUpSpec = ScaleUpSpec()
    scale_out: ScaleOutSpec = ScaleOutSpec()
    floor: FloorSpec = FloorSpec()
    power: ClusterPowerSpec = ClusterPowerSpec()
    job: JobSpec = JobSpec()
    repair: RepairSpec = RepairSpec()


class ScenarioSpec(Spec):
    """A scenario file: clusters shown side by side (``[[cluster]]`` tables in TOML)."""

    name: str = Field(..., min_length=1, description="scenario name")
    description: str = Field("", description="what the scenario compares")
    cluster: list[ClusterSpec] = Field(..., min_length=1, max_length=8, description="the clusters to compare")
