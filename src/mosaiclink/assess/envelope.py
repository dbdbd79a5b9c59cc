"""The design across its envelope and its life, for the report: case temperature, years, yield, bends.

Sized to keep the default report fast (~2 s of CPU on the 800G preset): the envelope without
reach searches, a hundred simulated links per case temperature, a small yield run. The commands
(``mosaic envelope``, ``mosaic life``, ``mosaic yield``) run the same functions at full size.
"""

from __future__ import annotations

from dataclasses import dataclass

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.envelope import GlassSpec
from mosaiclink.errors import ModelRangeError
from mosaiclink.physics.bend import design_bend_loss_db, minimum_radius_mm, strand_diameter_mm
from mosaiclink.system.envelope import DEFAULT_CASES_C, Envelope, envelope
from mosaiclink.system.life import LifeResult, life
from mosaiclink.system.production import YieldResult, module_yield

LIFE_CASES_C = (25.0, 55.0, 70.0)
LIFE_LINKS = 100
YIELD_SPARES = (0, 20, 40, 60)
YIELD_MODULES = 2_000
YIELD_POOL = 2


@dataclass(frozen=True)
class RouteLimits:
    """What the glass allows the design's fibre: the strand and its radii, and the loss at them."""

    strand_diameter_mm: float
    long_term_radius_mm: float
    short_term_radius_mm: float
    loss_at_long_term_db: float  # one bend, every mode filled (upper bound)
    loss_at_short_term_db: float


@dataclass(frozen=True)
class EnvelopeAssessment:
    """The envelope over case temperature, margin over life, module yield and route limits."""

    envelope: Envelope
    lives: tuple[LifeResult, ...]
    yields: YieldResult | None  # None: the largest spare count does not fit in the fibre's image field
    route: RouteLimits
    fleet_links: float


def assess_envelope(design: MosaicDesign, seed: int, fleet_links: float) -> EnvelopeAssessment | None:
    """Envelope, life, yield and route limits of ``design``; None if its junctions leave the models' range."""
    try:
        env = envelope(design, DEFAULT_CASES_C, seed=seed, reach=False)
        lives = tuple(life(design, c, fleet_links, links=LIFE_LINKS, seed=seed) for c in LIFE_CASES_C)
    except ModelRangeError:
        return None
    try:
        yields = module_yield(design, YIELD_SPARES, (0.0, 0.5), YIELD_MODULES, seed=seed, pool_modules=YIELD_POOL)
    except ModelRangeError:  # the most spares asked do not fit in the fibre's image field
        yields = None
    glass = GlassSpec()
    long, short = (minimum_radius_mm(design.fiber, glass, t) for t in (True, False))
    loss = design_bend_loss_db(design, [long, short], "full")
    route = RouteLimits(strand_diameter_mm(design.fiber, glass), long, short, float(loss[0]), float(loss[1]))
    return EnvelopeAssessment(env, lives, yields, route, fleet_links)
