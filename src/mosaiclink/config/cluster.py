"""Typed specs of a GPU cluster: scale-up domains, scale-out fat-tree, floor plan, power, jobs.

Every default cites its source in the field description (tags of ``docs/research/baselines.md``:
D datasheet, R paper/operator data, V vendor, N press, B blog, E our estimate). A scenario file
(``src/mosaiclink/cluster/scenarios/*.toml``) is one :class:`ClusterSpec`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from mosaiclink.config.base import Spec
from mosaiclink.errors import ConfigError

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


class PropagationSpec(Spec):
    """How fast signals travel in each medium (time of flight ``t = L n_g / c``).

    Glass: the group index of fused silica from Malitson's Sellmeier fit at the medium's
    wavelength (:func:`mosaiclink.physics.fiber.silica_group_index`); MOSAIC's imaging fibre
    uses its design's ``fiber.core_index``. Copper twinax: ``n_g = 1 / VF`` with the velocity
    factor ``VF = 1 / sqrt(eps_eff)`` of its dielectric.
    """

    twinax_dielectric_constant: float = Field(
        1.65,
        ge=1,
        le=5,
        description="effective relative permittivity of DAC twinax insulation: foamed polyolefin ~1.5-1.8, solid "
        "FEP 2.1, solid PE 2.25; VF = 1/sqrt(eps) (http://ssicable.com/index.php/general-design-criteria/"
        "general-design-criteria-velocity-of-propagation); 1.65 gives VF 0.78, 4.3 ns/m (our estimate, E)",
    )
    multimode_wavelength_nm: float = Field(
        850.0, gt=200, le=2000, description="VCSEL multimode optics (SR, AOC) wavelength (IEEE 802.3 SR: 850 nm, D)"
    )
    singlemode_wavelength_nm: float = Field(
        1310.0,
        gt=200,
        le=2000,
        description="single-mode optics (DR, FR, LPO, CPO) wavelength (IEEE 802.3 DR: 1310 nm, D)",
    )


class MemoryDeviceSpec(Spec):
    """A memory-pool device: a CXL Type-3 memory expander (DRAM behind a CXL controller).

    Defaults: a CXL 3.1 / PCIe 6.0 E3.S module of the Samsung CMM-D 3.1 class.
    """

    name: str = Field("CXL 3.1 E3.S memory module (CMM-D 3.1 class)", min_length=1, description="device name")
    capacity_gb: float = Field(
        1024.0,
        gt=0,
        le=1e6,
        description="capacity per device (Samsung CMM-D 3.1: up to 1 TB, PCIe 6.0; CMM-D 2.0: 256 GB, "
        "https://en.wedoany.com/shortnews/166327.html, 2026, N)",
    )
    bandwidth_gbyte_s: float = Field(
        72.0,
        gt=0,
        le=1e5,
        description="device bandwidth (CMM-D 3.1: 72 GB/s; CMM-D 2.0: 36 GB/s, same source, N)",
    )
    power_w: float = Field(
        40.0,
        ge=0,
        le=2_000,
        description="device power (EDSFF E3.S power classes 25-40 W (1T) and 40-70 W (2T), "
        "https://rtoax.github.io/test-linux/cxl/cxl.html; our estimate at the 1T ceiling, E)",
    )
    load_to_use_ns: float = Field(
        250.0,
        gt=0,
        le=1e5,
        description="load-to-use latency of the device attached directly to the host port (host CXL port, PHY, "
        "FEC, device controller and DRAM; CXL 2.0 E3.S expander 250 ns, "
        "https://github.com/intel/CacheLib/wiki/OCP-demo-configuration, 2023, V; 2-5x local DRAM, "
        "arXiv 2405.14209, R)",
    )
    local_dram_ns: float = Field(
        100.0,
        gt=0,
        le=1e4,
        description="load-to-use of local DDR5 for reference (~100 ns, "
        "https://www.nextplatform.com/2022/12/05/just-how-bad-is-cxl-memory-latency/, N)",
    )


Placement = Literal["in-rack", "row-end", "row-middle"]
HostName = Literal["pcie6", "800gbe", "1.6tbe"]


class MemoryPoolSpec(Spec):
    """GPU racks attached to memory-pool devices placed by the floor plan.

    ``in-rack``: ``devices_per_gpu_rack`` devices sit in every GPU rack. ``row-end`` /
    ``row-middle``: each row of ``floor.racks_per_row`` slots has ``pool_racks_per_row`` pool
    racks (at its end or middle) of ``devices_per_pool_rack`` devices, the rest are GPU racks.
    """

    name: str = Field("memory-pool", min_length=1, description="scenario name")
    description: str = Field("", description="what the scenario shows")
    gpu_racks: int = Field(
        40, ge=1, le=1_000, description="GPU racks (the model holds racks x pools x technologies latencies)"
    )
    gpus_per_rack: int = Field(72, ge=1, le=1_024, description="GPUs per rack (NVL72: 72, baselines 4.1 V)")
    placement: Placement = Field("row-end", description="where the memory devices stand")
    pool_racks_per_row: int = Field(2, ge=0, le=100, description="pool racks per row (row placements)")
    devices_per_pool_rack: int = Field(
        128,
        ge=0,
        le=10_000,
        description="devices per pool rack (Samsung CMM-B: 8 E3.S per 2U box; ~16 boxes per rack, our estimate, E)",
    )
    devices_per_gpu_rack: int = Field(
        0, ge=0, le=10_000, description="devices inside each GPU rack (in-rack placement; our estimate, E)"
    )
    links_per_gpu: int = Field(
        1, ge=1, le=64, description="memory links per GPU, one cable each (one x16 CXL port, our estimate, E)"
    )
    rate_gbps: float = Field(
        800.0,
        gt=0,
        description="catalog rate class of a memory cable: power, reach, FIT and cost are those of this class",
    )
    host: HostName = Field(
        "pcie6",
        description="host protocol on the memory link (pcie6: CXL 3 / PCIe 6 256-byte flits, x16 = 1024 Gb/s)",
    )
    switch_ns: float = Field(
        0.0,
        ge=0,
        le=10_000,
        description="added round-trip latency of a CXL switch in the path (0: devices direct-attached per link; "
        "a switch traversal is quoted near 50 ns each way, our estimate, E)",
    )
    latency_budgets_ns: list[Annotated[float, Field(gt=0, le=1e9)]] = Field(
        [400.0, 600.0, 1_000.0],
        min_length=1,
        max_length=16,
        description="load-to-use budgets to evaluate (Samsung CMM-B pooled box: 596 ns, "
        "https://compbuddey.blogspot.com/2024/04/samsung-unveils-cxl-memory-module-box_12.html, N)",
    )
    technologies: list[str] | None = Field(
        None, description="catalog technology keys plus 'mosaic' (None: every technology at rate_gbps)"
    )
    figure_level: Literal["low", "typical", "high"] = Field("typical", description="catalog figure level")
    temperature_c: float = Field(55.0, ge=-40, le=125, description="module case temperature (FIT scaling)")
    mosaic_reach_m: float | None = Field(
        None,
        gt=0,
        le=10_000,
        description="MOSAIC reach; None: computed by the system layer's reach model (system.reach.mosaic_reach_m)",
    )
    device: MemoryDeviceSpec = MemoryDeviceSpec()
    floor: FloorSpec = FloorSpec()
    propagation: PropagationSpec = PropagationSpec()

    @field_validator("latency_budgets_ns")
    @classmethod
    def _distinct_budgets(cls, budgets: list[float]) -> list[float]:
        return _distinct(budgets)

    @model_validator(mode="after")
    def _devices_somewhere(self) -> MemoryPoolSpec:
        if self.placement == "in-rack":
            if self.devices_per_gpu_rack < 1:
                raise ValueError("placement = 'in-rack' needs devices_per_gpu_rack >= 1")
        else:
            if self.pool_racks_per_row < 1 or self.devices_per_pool_rack < 1:
                raise ValueError(
                    f"placement = {self.placement!r} needs pool_racks_per_row >= 1 and devices_per_pool_rack >= 1"
                )
            if self.pool_racks_per_row >= self.floor.racks_per_row:
                raise ValueError(
                    f"pool_racks_per_row = {self.pool_racks_per_row}: must be < floor.racks_per_row = "
                    f"{self.floor.racks_per_row} (a row needs GPU racks)"
                )
        return self


def _distinct(values: list) -> list:
    """A list whose entries are distinct (a duplicated column is a typo, never a second result)."""
    twice = next((v for i, v in enumerate(values) if v in values[:i]), None)
    if twice is not None:
        raise ValueError(f"{twice!r} appears twice; list each value once")
    return values


class RackLimitSpec(Spec):
    """A rack power limit and the cooling that allows it."""

    kw: float = Field(..., gt=0, le=2_000, description="power limit per GPU rack")
    cooling: str = Field(..., min_length=1, description="cooling class that allows it (with its source)")


class ScaleUpSweepSpec(Spec):
    """Scale-up domain size against rack power limit, per technology.

    Each technology builds the domain's GPU-to-switch links (passive copper inside a rack, the
    technology between racks); the rack holds as many GPUs as its power limit allows.
    """

    name: str = Field("scale-up-sweep", min_length=1, description="scenario name")
    description: str = Field("", description="what the scenario shows")
    domain_sizes: list[Annotated[int, Field(ge=1, le=100_000)]] = Field(
        [72, 144, 288, 576, 1152], min_length=1, max_length=16, description="scale-up domain sizes (GPUs)"
    )
    rack_limits: list[RackLimitSpec] = Field(..., min_length=1, max_length=16, description="rack power limits")
    max_gpus_per_rack: int = Field(
        72, ge=1, le=1_024, description="densest rack that fits physically (NVL72: 72, baselines 4.1 V)"
    )
    min_gpus_per_rack: int = Field(4, ge=1, le=1_024, description="sparsest rack considered")
    in_rack_technology: str = Field("passive-dac", description="technology of links inside one rack")
    technologies: list[str] | None = Field(
        None, description="technologies between racks (None: every technology at the scale-up rate, and mosaic)"
    )
    policy: Policy = Field("cheapest", description="assignment policy between the in-rack and the rack-to-rack one")
    figure_level: Literal["low", "typical", "high"] = Field("typical", description="catalog figure level")
    temperature_c: float = Field(55.0, ge=-40, le=125, description="module case temperature (FIT scaling)")
    mosaic_reach_m: float | None = Field(
        None, gt=0, le=10_000, description="MOSAIC reach; None: the system layer's reach model"
    )
    scale_up: ScaleUpSpec = ScaleUpSpec()
    floor: FloorSpec = FloorSpec()
    power: ClusterPowerSpec = ClusterPowerSpec()
    job: JobSpec = JobSpec()

    @field_validator("domain_sizes")
    @classmethod
    def _distinct_sizes(cls, sizes: list[int]) -> list[int]:
        return _distinct(sizes)

    @model_validator(mode="after")
    def _rack_bounds(self) -> ScaleUpSweepSpec:
        if self.min_gpus_per_rack > self.max_gpus_per_rack:
            raise ValueError(
                f"min_gpus_per_rack = {self.min_gpus_per_rack}: must be <= max_gpus_per_rack = {self.max_gpus_per_rack}"
            )
        return self


ScenarioType = Literal["clusters", "memory-pool", "scale-up-sweep"]
_TABLE_OF_TYPE = {"clusters": "cluster", "memory-pool": "memory_pool", "scale-up-sweep": "scale_up_sweep"}


class ScenarioSpec(Spec):
    """A scenario file: clusters side by side (``[[cluster]]`` tables), one ``[memory_pool]`` or one
    ``[scale_up_sweep]`` table, as its ``type`` says."""

    name: str = Field(..., min_length=1, description="scenario name")
    description: str = Field("", description="what the scenario compares")
    type: ScenarioType = Field("clusters", description="what the file describes")
    cluster: list[ClusterSpec] = Field([], max_length=8, description="the clusters to compare (type = 'clusters')")
    memory_pool: MemoryPoolSpec | None = Field(None, description="a memory-pool scenario (type = 'memory-pool')")
    scale_up_sweep: ScaleUpSweepSpec | None = Field(
        None, description="a scale-up domain sweep (type = 'scale-up-sweep')"
    )

    @model_validator(mode="after")
    def _one_table(self) -> ScenarioSpec:
        want = _TABLE_OF_TYPE[self.type]
        if not getattr(self, want):
            raise ValueError(f"type = {self.type!r} needs a [{want}] table")
        extra = [t for t in _TABLE_OF_TYPE.values() if t != want and getattr(self, t)]
        if extra:
            raise ValueError(f"type = {self.type!r}: remove the [{extra[0]}] table (or set type accordingly)")
        return self

    @property
    def clusters(self) -> list[ClusterSpec]:
        """The clusters of a ``clusters`` scenario; ConfigError for another type."""
        if self.type != "clusters":
            raise ConfigError(f"scenario {self.name!r} is of type {self.type!r}, not a list of clusters")
        return self.cluster
