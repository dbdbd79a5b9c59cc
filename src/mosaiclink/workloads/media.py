"""Wide-and-slow on other media: the MOSAIC channel plan carried by copper pairs, VCSELs on one fibre each,
microLEDs on one bundle core each, and MOSAIC's imaging fibre, side by side.

Every medium carries the same plan as the MOSAIC design: ``n = k + s`` channels per direction (``k``
data channels at the design's line rate, ``s`` spares), both directions in one cable, the same
gearbox, host interface and control per end. Per medium (module notes of
:mod:`mosaiclink.workloads.lanes` for the conventions):

- **Power per end** ``P = P_shared + n E_b R``: MOSAIC's gearbox, host SerDes and control
  (:func:`mosaiclink.system.power.mosaic_power`) plus ``n`` channels at the medium's energy per bit
  ``E_b`` and line rate ``R`` (MOSAIC and the core-per-emitter bundle: MOSAIC's own channel power).
- **Reach**. Copper pairs: loss per metre at Nyquist ``alpha ~ f^kappa`` (skin effect 0.5,
  dielectric 1; Pozar, *Microwave Engineering*, 4th ed., sec. 2.7) with the same cable allowance
  as a 100G lane, so ``L = L_100 (f_100 / f_R)^kappa`` (``L_100``: the catalog's passive 100G
  reach, ``f_100`` = 26.5625 GHz, ``f_R = R/2`` for NRZ); crosstalk between hundreds of pairs is
  not modelled, so this is an upper bound. VCSELs on OM4: 10GBASE-SR's 400 m scaled by the bit rate
  and capped by the fibre loss (an estimate). One core per emitter: Avicena's LightBundle (5-10 m,
  mosaic.md). MOSAIC: its qualified length at the cluster's case temperature
  (:func:`mosaiclink.system.life.qualified_link`).
- **Size**. Cable diameter of ``N`` round elements of outer diameter ``d`` packed hexagonally:
  ``D = d sqrt(N / 0.9069)``; connectors per end ``ceil(N / c)`` for ``c`` elements per
  connector. Imaging fibre and bundle: the circular field of their cores
  (:func:`mosaiclink.physics.fiber.image_field_diameter_um`) inside a jacketed cable.
- **Failures**. The one k-out-of-n model (:func:`mosaiclink.system.reliability.link_survival`): each
  channel fails with its emitter (or copper lane) FIT, a direction survives ``s`` spares plus the
  FEC's erasures, connectors in series (``FIT_c`` each), every part at the thermal model's node
  temperatures of the same module at the cluster's case temperature (the emitter at the LED
  junction, the dies at the CMOS junction); MOSAIC: the life model's FIT at its
  qualified length; the bundle: MOSAIC's channels without wear-out (its constant-FIT limit) at
  its shorter reach.

Every incumbent figure is a :class:`~mosaiclink.config.catalog.Figure` with its basis and range; the
table carries ``_worse``/``_better`` columns (the worse end of every range together, and the better).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mosaiclink.config.catalog import Figure
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.presets import load_preset
from mosaiclink.config.system import ComponentReliability, ReliabilitySpec
from mosaiclink.physics.fiber import image_field_diameter_um
from mosaiclink.physics.thermal import ModuleTemperatures
from mosaiclink.system.catalog import Catalog, load_catalog
from mosaiclink.system.life import qualified_link
from mosaiclink.system.power import mosaic_power
from mosaiclink.system.reach import copper_reach_m
from mosaiclink.system.reliability import link_survival
from mosaiclink.system.thermal import at_case_temperature
from mosaiclink.units import FIT_HOURS, HOURS_PER_YEAR

HEX_PACKING = float(np.pi / (2.0 * np.sqrt(3.0)))  # 0.9069: densest packing of equal circles
NYQUIST_100G_GHZ = 26.5625  # 106.25 Gb/s PAM4 (802.3ck)
CASE_C = 55.0  # the cluster model's module case temperature


def _estimate(slug: str, low: float, typical: float, high: float, note: str, url: str = "") -> Figure:
    return Figure(
        low=low,
        typical=typical,
        high=high,
        source_url=url or f"estimate:{slug}",
        date="2026-12-06" if not url else "n.d.",
        confidence="E",
        note=note,
    )


COPPER_LOSS_EXPONENT = _estimate(
    "twinax-loss-exponent", 0.5, 0.75, 1.0, "alpha ~ f^kappa: skin effect 0.5, dielectric loss 1 (Pozar sec. 2.7)"
)
COPPER_PAIR_DIAMETER_MM = _estimate(
    "twinax-pair-diameter", 1.3, 1.8, 2.5, "one shielded twinax pair, 30 to 26 AWG, with drain and wrap"
)
COPPER_PAIRS_PER_CONNECTOR = _estimate(
    "copper-pairs-per-connector", 16, 16, 64, "an OSFP-class plug: 8 lanes x 2 directions; dense cable connectors to 64"
)
COPPER_PJ_PER_BIT = _estimate(
    "slow-serdes-energy", 1.0, 2.0, 4.0, "a 2 Gb/s NRZ lane, driver and equalising receiver, per end"
)
COPPER_LANE_FIT = _estimate(
    "slow-serdes-lane-fit", 0.2, 1.0, 5.0, "one lane's driver, receiver and its contacts (CMOS cells, as MOSAIC's)"
)
VCSEL_REACH_M = _estimate(
    "vcsel-om4-slow-reach",
    500.0,
    1000.0,
    2000.0,
    "10GBASE-SR reaches 400 m on OM4; modal bandwidth scaled by the bit rate (x4.8 at 2.15 Gb/s) and capped by "
    "~3 dB/km (baselines 2.2)",
)
VCSEL_FIT = _estimate(
    "vcsel-channel-fit",
    3.0,
    10.0,
    50.0,
    "850 nm VCSEL with its driver, random failures; an AOC end's 275 FIT (Llama 3 field count) over 8 lanes and "
    "the module is ~10-30 per lane; Ea 0.55 eV (baselines 3.5)",
)
VCSEL_PJ_PER_BIT = _estimate(
    "vcsel-slow-energy",
    2.0,
    3.0,
    5.0,
    "VCSEL, driver, TIA and CDR at ~2 Gb/s; MediaTek: MOSAIC up to 50 % below VCSEL AOCs",
)
FIBRE_CABLE_PITCH_MM = _estimate(
    "ribbon-fibre-pitch",
    0.4,
    0.6,
    0.8,
    "area per fibre in a jacketed high-count ribbon cable (a 1,728-fibre cable is ~25-30 mm across)",
)
FIBRES_PER_FERRULE = _estimate("mpo-fibres", 12, 24, 32, "MPO-12, -24 and -32 ferrules")
CONNECTOR_FIT = _estimate(
    "connector-fit", 0.2, 0.5, 2.0, "one mated connector (MOSAIC's connector part, ReliabilitySpec.connector)"
)
BUNDLE_CORE_PITCH_UM = _estimate(
    "bundle-core-pitch",
    20.0,
    25.0,
    50.0,
    "one core per emitter: Avicena's LightBundle carries 320 channels in a 0.5 mm cable (mosaic.md)",
)
BUNDLE_REACH_M = Figure(
    low=5.0,
    typical=7.5,
    high=10.0,
    source_url="research:mosaic.md#avicena",
    date="2026-03",
    confidence="N",
    note="Avicena LightBundle eKit: 320 channels (256 + 64 spare), <= 3.5 Gb/s, reach 5-10 m",
)
JACKET_MM = _estimate("fibre-jacket", 1.6, 2.0, 3.0, "a jacketed single-strand optical cable's outer diameter")

LEVELS = (("typical", "typical", "typical"), ("worse", "low", "high"), ("better", "high", "low"))
"""(column suffix level, figure end for 'more is better' quantities, figure end for 'more is worse')."""


def packed_diameter_mm(count: float, element_mm: float) -> float:
    """Diameter of ``count`` round elements of diameter ``element_mm`` packed hexagonally."""
    return float(element_mm * np.sqrt(count / HEX_PACKING))


def _link_fit(
    design: MosaicDesign,
    channel: ComponentReliability,
    connectors_per_end: float,
    connector_fit: float,
    temps: ModuleTemperatures,
):
    """FIT per link of the k-out-of-n model with the medium's channel part and connectors (module notes)."""
    base = ReliabilitySpec()
    spec = base.replace(
        led=channel,
        photodiode=base.photodiode.replace(fit=0.0),
        channel_electronics=base.channel_electronics.replace(fit=0.0),
        connector=base.connector.replace(fit=connector_fit * connectors_per_end),
    )
    mission_h = spec.mission_years * HOURS_PER_YEAR
    survival = float(link_survival(design, spec, mission_h, temps))
    return -np.log(survival) / mission_h * FIT_HOURS


def _row(name: str, design: MosaicDesign, **columns: Any) -> dict:
    n = design.array.data_channels + design.array.spare_channels
    return {
        "medium": name,
        "channels_per_direction": n,
        "channel_rate_gbps": design.link.rate_gbps,
        **{k: float(v) for k, v in columns.items()},
    }


def wide_slow_media_table(design: MosaicDesign | None = None, catalog: Catalog | None = None) -> list[dict]:
    """Power per end, reach, cable diameter, connectors per end and FIT per link for each medium (module notes)."""
    design = design or load_preset("mosaic-800g")
    catalog = catalog or load_catalog()
    n = design.array.data_channels + design.array.spare_channels
    elements = 2 * n  # both directions in one cable
    power = mosaic_power(design)
    shared_w = power.gearbox_w + power.host_serdes_w + power.control_w
    rate = design.link.rate_gbps
    qualified = qualified_link(design, CASE_C)
    _, temps = at_case_temperature(design, CASE_C)  # every medium's parts at the same module's junctions
    rows: list[dict] = []

    copper: dict[str, Any] = {}
    vcsel: dict[str, Any] = {}
    bundle: dict[str, Any] = {}
    for suffix_level, good, bad in LEVELS:
        s = "" if suffix_level == "typical" else f"_{suffix_level}"
        # copper pairs
        kappa = getattr(COPPER_LOSS_EXPONENT, good)
        reach_100 = copper_reach_m(catalog, 100.0, "passive-dac", good)
        pairs_per_connector = getattr(COPPER_PAIRS_PER_CONNECTOR, good)
        connectors = float(np.ceil(elements / pairs_per_connector))
        copper[f"power_w_per_end{s}"] = shared_w + n * getattr(COPPER_PJ_PER_BIT, bad) * rate * 1e-3
        copper[f"reach_m{s}"] = reach_100 * (NYQUIST_100G_GHZ / (rate / 2.0)) ** kappa
        copper[f"cable_diameter_mm{s}"] = packed_diameter_mm(elements, getattr(COPPER_PAIR_DIAMETER_MM, bad))
        copper[f"connectors_per_end{s}"] = connectors
        copper[f"fit_per_link{s}"] = _link_fit(
            design,
            ComponentReliability(fit=getattr(COPPER_LANE_FIT, bad), activation_energy_ev=0.7),
            connectors,
            getattr(CONNECTOR_FIT, bad),
            temps,
        )
        # VCSELs, one multimode fibre each
        ferrules = float(np.ceil(elements / getattr(FIBRES_PER_FERRULE, good)))
        vcsel[f"power_w_per_end{s}"] = shared_w + n * getattr(VCSEL_PJ_PER_BIT, bad) * rate * 1e-3
        vcsel[f"reach_m{s}"] = getattr(VCSEL_REACH_M, good)
        vcsel[f"cable_diameter_mm{s}"] = packed_diameter_mm(elements, getattr(FIBRE_CABLE_PITCH_MM, bad))
        vcsel[f"connectors_per_end{s}"] = ferrules
        vcsel[f"fit_per_link{s}"] = _link_fit(
            design,
            ComponentReliability(fit=getattr(VCSEL_FIT, bad), activation_energy_ev=0.55),
            ferrules,
            getattr(CONNECTOR_FIT, bad),
            temps,
        )
        # microLEDs, one bundle core each: MOSAIC's channels, the bundle's reach
        strand_mm = image_field_diameter_um(n, getattr(BUNDLE_CORE_PITCH_UM, bad)) * 1e-3
        bundle[f"power_w_per_end{s}"] = power.total_w_per_end
        bundle[f"reach_m{s}"] = getattr(BUNDLE_REACH_M, good)
        bundle[f"cable_diameter_mm{s}"] = packed_diameter_mm(2, getattr(JACKET_MM, bad) + strand_mm)
        bundle[f"connectors_per_end{s}"] = 1.0
        bundle[f"fit_per_link{s}"] = qualified.constant_fit_per_link
    rows.append(_row("copper pairs", design, **copper))
    rows.append(_row("VCSEL, one fibre each", design, **vcsel))
    rows.append(_row("microLED, one bundle core each", design, **bundle))

    strand_mm = float(image_field_diameter_um(design.fiber.core_count, design.fiber.core_pitch_um)) * 1e-3
    mosaic: dict[str, Any] = {}
    for suffix_level, _good, bad in LEVELS:
        s = "" if suffix_level == "typical" else f"_{suffix_level}"
        mosaic[f"power_w_per_end{s}"] = power.total_w_per_end
        mosaic[f"reach_m{s}"] = qualified.length_m
        mosaic[f"cable_diameter_mm{s}"] = packed_diameter_mm(2, getattr(JACKET_MM, bad) + strand_mm)
        mosaic[f"connectors_per_end{s}"] = 1.0
        mosaic[f"fit_per_link{s}"] = qualified.fit_per_link
    rows.append(_row("MOSAIC imaging fibre", design, **mosaic))
    return rows
