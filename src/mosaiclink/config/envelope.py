"""Specs of a link's operating envelope and life: the module's thermal path, microLED ageing,
receiver drift, connectors, a fibre route of lengths and bends, and the manufacturing lots.

Each default is a published figure (its source in the description) or our estimate with the
range we believe; ``docs/envelope.md`` derives them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mosaiclink.config.base import Spec

MAX_ROUTE_SEGMENTS = 200  # a cable route through trays has tens of sections, never hundreds


class ThermalSpec(Spec):
    """Thermal path of one module end, from the microLED junctions to the module case.

    Three resistances in series (:mod:`mosaiclink.physics.thermal`): each emitter's own
    spreading resistance into the GaN, the bond under the LED array into the CMOS die, and the
    die (with its TIM and lid) into the case.
    """

    gan_conductivity_w_per_m_k: float = Field(
        130.0,
        ge=1.0,
        le=1000.0,
        description="Thermal conductivity of the GaN under each mesa (Ioffe NSM archive: 1.3 W/cm K; bulk "
        "crystals up to 230)",
    )
    led_bond_k_per_w: float = Field(
        2.0,
        ge=0.0,
        le=1000.0,
        description="LED array to CMOS die, through the bond/underfill layer (estimate, range 0.5-8: ~10 um at "
        "~5 W/m K under the ~1 mm^2 array)",
    )
    die_to_case_k_per_w: float = Field(
        3.5,
        ge=0.0,
        le=1000.0,
        description="CMOS die to module case through TIM and lid (estimate, range 1.5-6: 50 um of 3 W/m K TIM "
        "over a ~6 mm^2 die is 2.8 K/W, plus silicon and lid spreading)",
    )
    board_share: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="Fraction of the control power dissipated on the board, straight into the case (estimate: all)",
    )


class AgeingSpec(Spec):
    """Wear of the microLEDs and drift of the receivers over the years.

    An emitter's light decays as ``P(t)/P_0 = exp[-(t / tau)^m]`` (the exponential lumen-maintenance
    law of IES TM-21-11 for m = 1), ``tau`` set by the L70 life and accelerated by current density
    (``tau ~ J^-n``) and junction temperature (Arrhenius), per :mod:`mosaiclink.system.life`.
    """

    l70_reference_h: float = Field(
        1.0e5,
        gt=0.0,
        le=1e9,
        description="Hours to 70 % light at the reference current density and junction temperature (estimate, "
        "range 1e4-1e6 h: no published ageing data for GHz microLEDs; lighting LEDs show L70 > 5e4 h at "
        "35 A/cm^2 and 85 C in LM-80 tests, microLED displays claim > 1e5 h)",
    )
    time_exponent: float = Field(
        1.0,
        gt=0.0,
        le=3.0,
        description="Exponent m of the decay law (1: TM-21 exponential; estimate, range 0.5-1.5)",
    )
    reference_current_density_a_per_cm2: float = Field(
        5000.0, gt=0.0, le=1e6, description="Current density at which l70_reference_h applies (estimate)"
    )
    reference_junction_c: float = Field(
        85.0, ge=-40.0, le=200.0, description="Junction temperature at which l70_reference_h applies (estimate)"
    )
    current_exponent: float = Field(
        1.5,
        ge=0.0,
        le=5.0,
        description="Exponent n of the life's current-density law tau ~ J^-n (estimate, range 1-2.5; lasers "
        "1.5-2.5, baselines 3.5)",
    )
    activation_energy_ev: float = Field(
        0.65, ge=0.0, le=3.0, description="Arrhenius activation energy of the wear (GaN LED 0.65 eV, baselines 3.5)"
    )
    life_sigma: float = Field(
        0.4,
        ge=0.0,
        le=3.0,
        description="Lognormal sigma of tau across the emitters of one array (estimate, range 0.2-0.8)",
    )
    receiver_drift_db_per_decade: float = Field(
        0.3,
        ge=0.0,
        le=10.0,
        description="Margin lost by receiver drift (responsivity, TIA gain and offset) per 10 years at the "
        "reference junction temperature (estimate, range 0.1-1 dB)",
    )
    receiver_activation_energy_ev: float = Field(
        0.7, ge=0.0, le=3.0, description="Arrhenius activation energy of the receiver drift (estimate, as CMOS)"
    )


class ConnectorSpec(Spec):
    """A mated imaging-fibre connector: loss with a spread, and contamination events."""

    mate_loss_mean_db: float = Field(
        0.5, ge=0.0, le=10.0, description="Mean loss of one mated pair (estimate; MPO <= 0.35 dB, baselines 2.2)"
    )
    mate_loss_sigma_db: float = Field(
        0.15, ge=0.0, le=5.0, description="Spread of one mated pair's loss, one sigma (estimate, range 0.05-0.3)"
    )
    budget_percentile: float = Field(
        0.95, gt=0.5, lt=1.0, description="Percentile of the connectors' summed loss the budget reserves"
    )
    matings_per_year: float = Field(
        0.2,
        ge=0.0,
        le=1000.0,
        description="Demate/mate cycles per connector per year in service (estimate, range 0.05-2: one re-mating "
        "per cable every ~5 years of maintenance)",
    )
    contamination_probability: float = Field(
        0.01,
        ge=0.0,
        le=1.0,
        description="Probability that a mating leaves the end face contaminated (estimate, range 0.001-0.05; "
        "contamination is the leading cause of optical link failures, baselines 3.2)",
    )
    contamination_loss_db: float = Field(
        3.0, ge=0.0, le=40.0, description="Extra loss of a contaminated end face (estimate, range 1-6 dB)"
    )


class GlassSpec(Spec):
    """Mechanics of the imaging fibre's glass strand (silica), for the bend-radius limit."""

    youngs_modulus_gpa: float = Field(
        72.0, gt=0.0, le=500.0, description="Young's modulus of fused silica (72-73 GPa, Corning HPFS 7980 data sheet)"
    )
    proof_stress_gpa: float = Field(
        0.69,
        gt=0.0,
        le=10.0,
        description="Proof-test stress of the strand (0.69 GPa = 100 kpsi, the telecom-fibre proof test; "
        "estimate for an imaging fibre, range 0.35-0.69)",
    )
    long_term_fraction: float = Field(
        0.2,
        gt=0.0,
        le=1.0,
        description="Fraction of the proof stress a bend may hold for the service life (design rule 1/5; "
        "estimate, range 0.2-0.5)",
    )
    short_term_fraction: float = Field(
        0.5,
        gt=0.0,
        le=1.0,
        description="Fraction of the proof stress a bend may hold briefly during installation (estimate, 1/3-1/2)",
    )
    outer_cladding_um: float = Field(
        250.0,
        ge=0.0,
        le=5000.0,
        description="Glass outside the core field, per side (estimate, range 50-300: a 100,000-core guide is "
        "~1.7 mm across, Fujikura, research 3)",
    )

    @model_validator(mode="after")
    def _short_above_long(self) -> GlassSpec:
        if self.short_term_fraction < self.long_term_fraction:
            raise ValueError("short_term_fraction must be >= long_term_fraction (a brief stress may be higher)")
        return self


class BendSpec(Spec):
    """One bend of the route: radius and the angle turned."""

    radius_mm: float = Field(..., gt=0.0, le=1e6, description="Bend radius of the fibre axis")
    angle_deg: float = Field(90.0, gt=0.0, le=3600.0, description="Angle turned (adds arc length)")
    after_m: float = Field(0.0, ge=0.0, le=10_000.0, description="Straight length before this bend")


class RouteSpec(Spec):
    """A cable route: straight lengths and bends in order, plus the connectors on it."""

    name: str = Field("route", min_length=1, max_length=200, description="Route identifier")
    bends: tuple[BendSpec, ...] = Field((), max_length=MAX_ROUTE_SEGMENTS, description="Bends, in order")
    tail_m: float = Field(0.0, ge=0.0, le=10_000.0, description="Straight length after the last bend")
    connectors: int = Field(2, ge=0, le=20, description="Mated connectors along the route")
    connector: ConnectorSpec = ConnectorSpec()
    glass: GlassSpec = GlassSpec()
    mode_fill: Literal["launch", "full"] = Field(
        "launch",
        description="Modes a bend sees filled: the launch's (no mode mixing, as the link model's walk-off "
        "assumes) or all of them (mixed to equilibrium: the upper bound of the bend loss)",
    )

    @model_validator(mode="after")
    def _has_length(self) -> RouteSpec:
        if self.length_m <= 0.0:
            raise ValueError("route length (tail_m plus each bend's after_m and arc) must be above 0 m")
        if self.length_m > 10_000.0:
            raise ValueError(f"route length = {self.length_m:g} m: must be <= 10000 m")
        return self

    @property
    def length_m(self) -> float:
        """Fibre length along the route: straights plus bend arcs."""
        import math

        arcs = sum(b.radius_mm * 1e-3 * math.radians(b.angle_deg) for b in self.bends)
        return self.tail_m + sum(b.after_m for b in self.bends) + arcs


class YieldSpec(Spec):
    """Manufacturing lot of modules: the spreads a module test sees, beyond a design's variation."""

    wafer_efficiency_sigma_pct: float = Field(
        8.0, ge=0.0, le=100.0, description="Module-to-module (wafer-level) spread of LED efficiency (estimate, 4-15)"
    )
    wafer_wavelength_sigma_nm: float = Field(
        3.0, ge=0.0, le=50.0, description="Module-to-module spread of peak wavelength (estimate, 1-5 nm)"
    )
    placement_sigma_um: float = Field(
        1.0, ge=0.0, le=100.0, description="Module-level optic placement error after alignment (estimate, 0.5-3)"
    )
    core_defect_fraction: float = Field(
        0.001,
        ge=0.0,
        le=0.5,
        description="Fraction of channels that land on a dark or broken fibre core cluster (estimate, 1e-4-1e-2)",
    )
    test_margin_db: float = Field(
        0.0, ge=-10.0, le=10.0, description="Margin a channel must show at test to count as good (test limit)"
    )
    mapping: Literal["spares", "spares+erasures"] = Field(
        "spares+erasures", description="What covers bad channels at test: spares only, or spares plus FEC erasures"
    )
