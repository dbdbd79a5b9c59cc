"""Bends of the imaging fibre: loss per bend, the radius the glass survives, and a route's budget.

Notes
-----
**Bend loss.** Each core is a step-index guide of radius :math:`a`, index :math:`n` and
relative index difference :math:`\\Delta = NA^2 / (2 n^2)`. A bend of radius :math:`R` leaves only
a fraction of its guided modes (Gloge, "Bending loss in multimode fibers with graded and ungraded
core index", Appl. Opt. 11(11) 2506, 1972, step index :math:`\\alpha \\to \\infty`):

.. math:: \\frac{N_{eff}}{N_\\infty} = 1 - \\frac{1}{2\\Delta}\\left[\\frac{2a}{R}
    + \\left(\\frac{3}{2 n k R}\\right)^{2/3}\\right], \\qquad k = 2\\pi/\\lambda .

The launch fills the lowest fraction :math:`f` of the modes (the optical train's angular fill of
:math:`NA^2`, the same :math:`f` that sets modal walk-off in the link model, which assumes no
mode mixing), so a bend strips light only when :math:`N_{eff}/N_\\infty < f`; the loss per bend is
:math:`-10\\log_{10}[\\min(1, (N_{eff}/N_\\infty) / f)]`. With ``RouteSpec.mode_fill = "full"``
every mode is taken as filled (mixed to equilibrium: :math:`f = 1`), the upper bound. Bends in
series are summed, as if the straight sections between them refilled what each bend stripped
(an upper bound too; without refilling the tightest bend alone would set the loss).
Validity: Gloge's formula counts modes, so it needs many of them (:math:`V \\gg 1`); imaging-fibre
cores have :math:`V \\approx 4` (3 um, NA 0.2, 450 nm), a handful of modes, where it is an order-of-
magnitude estimate.

**Radius the glass survives.** Bending a strand of outer radius :math:`r` to radius :math:`R`
strains its outer fibre by :math:`r/R`, a stress :math:`\\sigma = E r / R`; the minimum radius
for a stress limit :math:`\\sigma_{max}` is :math:`R_{min} = E r / \\sigma_{max}`, with
:math:`\\sigma_{max}` a fraction of the proof-test stress (1/5 for the service life, the usual
design rule for static fatigue of silica, up to 1/2 briefly during installation).
The strand's radius is its core field (hexagonal lattice, :func:`mosaiclink.physics.fiber.image_field_diameter_um`)
plus the outer cladding.

Examples
--------
>>> import numpy as np
>>> from mosaiclink.config.presets import load_preset
>>> from mosaiclink.physics import bend
>>> design = load_preset("mosaic-800g")
>>> np.round(bend.design_bend_loss_db(design, [0.5, 1.0, 2.0], mode_fill="full"), 2).tolist()  # dB
[2.77, 1.28, 0.65]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from mosaiclink.config.design import FiberSpec, MosaicDesign
from mosaiclink.config.envelope import GlassSpec, RouteSpec
from mosaiclink.errors import ConfigError
from mosaiclink.physics import fiber, microled, optics


def strand_diameter_mm(fib: FiberSpec, glass: GlassSpec) -> float:
    """Outer diameter of the glass strand: the core field plus the outer cladding (mm)."""
    field_um = float(fiber.image_field_diameter_um(fib.core_count, fib.core_pitch_um))
    return (field_um + 2.0 * glass.outer_cladding_um) * 1e-3


def minimum_radius_mm(fib: FiberSpec, glass: GlassSpec, long_term: bool = True) -> float:
    """Smallest bend radius keeping the outer glass below the stress limit: ``R = E r / sigma_max`` (mm)."""
    fraction = glass.long_term_fraction if long_term else glass.short_term_fraction
    sigma_gpa = fraction * glass.proof_stress_gpa
    return glass.youngs_modulus_gpa * 0.5 * strand_diameter_mm(fib, glass) / sigma_gpa


def guided_mode_fraction(radius_mm, core_diameter_um, na, core_index, wavelength_nm):
    """Gloge's fraction of a step-index core's modes still guided at bend radius ``radius_mm`` (Notes), >= 0."""
    r_m = np.asarray(radius_mm, dtype=float) * 1e-3
    a_m = 0.5e-6 * np.asarray(core_diameter_um, dtype=float)
    delta = np.asarray(na, dtype=float) ** 2 / (2.0 * np.asarray(core_index, dtype=float) ** 2)
    k = 2.0 * np.pi / (np.asarray(wavelength_nm, dtype=float) * 1e-9)
    lost = (2.0 * a_m / r_m + (3.0 / (2.0 * core_index * k * r_m)) ** (2.0 / 3.0)) / (2.0 * delta)
    return np.clip(1.0 - lost, 0.0, 1.0)


def bend_loss_db(radius_mm, core_diameter_um, na, core_index, wavelength_nm, angular_fill=1.0):
    """Loss of one bend (dB) for a launch filling ``angular_fill`` of the NA^2 (Notes); inf if nothing is guided."""
    kept = guided_mode_fraction(radius_mm, core_diameter_um, na, core_index, wavelength_nm)
    fill = np.clip(np.asarray(angular_fill, dtype=float), 1e-12, 1.0)
    with np.errstate(divide="ignore"):
        return np.maximum(0.0, -10.0 * np.log10(np.minimum(1.0, kept / fill)))


def design_bend_loss_db(design: MosaicDesign, radius_mm, mode_fill: str = "launch") -> np.ndarray:
    """Loss of one bend of ``design``'s fibre at its LED wavelength, for its launch's angular fill
    (``mode_fill="launch"``) or every mode filled (``"full"``)."""
    fib = design.fiber
    fill = 1.0
    if mode_fill == "launch":
        fill = float(optics.launch(design.led, design.coupling, fib, design.array.pitch_um).angular_fill)
    return bend_loss_db(
        radius_mm, fib.core_diameter_um, fib.na, fib.core_index, float(microled.peak_wavelength_nm(design.led)), fill
    )


@dataclass(frozen=True)
class RouteBudget:
    """What a route does to a design: its length, bend loss, connectors and the radius checks."""

    route: str
    length_m: float
    bends: int
    bend_loss_db: float  # with the route's mode fill: what the budget carries
    bend_loss_full_fill_db: float  # every mode filled: the upper bound
    tightest_radius_mm: float | None
    strand_diameter_mm: float
    long_term_radius_mm: float
    short_term_radius_mm: float
    below_long_term: int  # bends tighter than the long-term radius: a static-fatigue risk over the years
    connectors: int
    connector_allowance_db: float  # per connector, at the spec's percentile of the summed loss

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


def connector_allowance_db(route: RouteSpec) -> float:
    """Per-connector loss the budget reserves: the ``budget_percentile`` point of the sum of
    ``connectors`` independent Gaussian mate losses, divided back per connector."""
    from scipy.special import ndtri

    c = route.connector
    n = route.connectors
    if n == 0:
        return 0.0
    z = float(ndtri(c.budget_percentile))
    return float(max(0.0, c.mate_loss_mean_db + z * c.mate_loss_sigma_db / np.sqrt(n)))


def route_budget(design: MosaicDesign, route: RouteSpec) -> RouteBudget:
    """The route's length, bend loss (sum over bends) and radius checks for ``design``'s fibre.

    A bend tighter than the short-term radius would break the strand while it is laid: refused.
    """
    fib, glass = design.fiber, route.glass
    short = minimum_radius_mm(fib, glass, long_term=False)
    radii = np.array([b.radius_mm for b in route.bends], dtype=float)
    for i, r in enumerate(radii):
        if r < short:
            raise ConfigError(
                f"route.bends[{i}].radius_mm = {r:g}: below the {short:.0f} mm at which the "
                f"{strand_diameter_mm(fib, glass):.2f} mm strand reaches {glass.short_term_fraction:g} of its proof "
                "stress (it would break when laid); allowed >= that radius"
            )
    total = float(np.sum(design_bend_loss_db(design, radii, route.mode_fill))) if radii.size else 0.0
    upper = float(np.sum(design_bend_loss_db(design, radii, "full"))) if radii.size else 0.0
    if not np.isfinite(total) or total > 60.0:
        raise ConfigError(f"route '{route.name}': its bends lose {total:g} dB (> 60 dB): nothing reaches the receiver")
    long = minimum_radius_mm(fib, glass, long_term=True)
    return RouteBudget(
        route=route.name,
        length_m=route.length_m,
        bends=int(radii.size),
        bend_loss_db=total,
        bend_loss_full_fill_db=upper,
        tightest_radius_mm=float(radii.min()) if radii.size else None,
        strand_diameter_mm=strand_diameter_mm(fib, glass),
        long_term_radius_mm=long,
        short_term_radius_mm=short,
        below_long_term=int(np.count_nonzero(radii < long)),
        connectors=route.connectors,
        connector_allowance_db=connector_allowance_db(route),
    )


def route_design(design: MosaicDesign, route: RouteSpec) -> tuple[MosaicDesign, RouteBudget]:
    """``design`` laid along ``route``: its length, bend loss, connector count and per-connector allowance."""
    budget = route_budget(design, route)
    routed = design.with_link(
        length_m=budget.length_m,
        bend_loss_db=budget.bend_loss_db,
        connectors=budget.connectors,
        connector_loss_db=budget.connector_allowance_db,
    )
    return routed, budget
