"""One-way latency of a link, per technology: time of flight plus what the ends add.

Time of flight ``t = L n_g / c`` uses the group index of the medium: fused silica from
Malitson's Sellmeier fit (multimode at 850 nm, single mode at 1310 nm), MOSAIC's imaging fibre
from its design's core index plus silica's material dispersion at the LED wavelength
(:func:`mosaiclink.physics.fiber.core_group_index`), copper twinax ``n_g = sqrt(eps_eff)`` (velocity factor
``1 / sqrt(eps_eff)``). The ends add their catalog ``latency_ns_per_end`` (DSP, retimer,
linear driver) twice; MOSAIC's ends add the data path's gearbox, deskew, framing and FEC
latency for the host protocol (:func:`mosaiclink.datapath.latency.latency_breakdown_ns`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mosaiclink.config.catalog import CatalogEntry
from mosaiclink.config.cluster import PropagationSpec
from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.config.design import MosaicDesign
from mosaiclink.datapath.framing import Framing
from mosaiclink.datapath.gearbox import Gearbox
from mosaiclink.datapath.latency import latency_breakdown_ns
from mosaiclink.datapath.protocols import host_protocol
from mosaiclink.errors import ConfigError
from mosaiclink.physics import microled
from mosaiclink.physics.fiber import core_group_index, silica_group_index
from mosaiclink.system.catalog import Catalog
from mosaiclink.system.compare import ENDS_PER_LINK
from mosaiclink.units import SPEED_OF_LIGHT_M_PER_S

MOSAIC = "mosaic"


def time_of_flight_ns(length_m, group_index):
    """``t = L n_g / c`` in ns (broadcasts)."""
    return np.asarray(length_m, dtype=float) * np.asarray(group_index, dtype=float) / SPEED_OF_LIGHT_M_PER_S * 1e9


def medium_group_index(medium: str, propagation: PropagationSpec, design: MosaicDesign | None = None) -> float:
    """Group index of a catalog medium (``copper``, ``multimode``, ``singlemode``, ``imaging-fibre``)."""
    if medium == "copper":
        return float(np.sqrt(propagation.twinax_dielectric_constant))
    if medium == "multimode":
        return float(silica_group_index(propagation.multimode_wavelength_nm))
    if medium == "singlemode":
        return float(silica_group_index(propagation.singlemode_wavelength_nm))
    if medium == "imaging-fibre" and design is not None:
        return float(core_group_index(design.fiber.core_index, microled.peak_wavelength_nm(design.led)))
    raise ConfigError(f"medium = {medium!r}: no group index (imaging fibre needs a MOSAIC design)")


def mosaic_latency_ns(design: MosaicDesign, host: str) -> dict[str, float]:
    """One-way latency MOSAIC's two ends add for ``host``: the data path model's breakdown.

    The gearbox spreads the host stream over the design's data channels; framing, mapping and
    the deskew budget are the data path's defaults (:class:`~mosaiclink.config.datapath.DatapathSpec`).
    """
    spec = DatapathSpec.from_mapping({"host": host, "channels": design.array.data_channels})
    gearbox = Gearbox(host_protocol(host), spec.channels, spec.mapping)
    return latency_breakdown_ns(gearbox, Framing(spec.marker_period_bits), spec.skew_budget_ps)


@dataclass(frozen=True)
class LinkLatency:
    """Latency of technologies at one rate: arrays of shape ``(technologies,)``.

    ``ends_ns`` is what both ends add in one direction; ``components`` names its parts per
    technology (``module_ns`` for catalog rows; the data path's stages for MOSAIC).
    """

    technology: tuple[str, ...]
    medium: tuple[str, ...]
    ends_ns: np.ndarray
    group_index: np.ndarray
    components: tuple[dict[str, float], ...]

    def one_way_ns(self, length_m) -> np.ndarray:
        """``(..., technologies)`` one-way latency over cables of ``length_m`` (shape ``(...)``)."""
        return self.ends_ns + time_of_flight_ns(np.asarray(length_m, dtype=float)[..., None], self.group_index)


def _catalog_entry(catalog: Catalog, rate_gbps: float, technology: str) -> CatalogEntry:
    entries = catalog.entries(rate=rate_gbps, technology=technology)
    if not entries:
        raise ConfigError(f"technology = {technology!r}: not in the catalog at {rate_gbps:g} Gb/s")
    return entries[0]


def link_latency(
    technologies: Sequence[str],
    catalog: Catalog,
    rate_gbps: float,
    level: str,
    propagation: PropagationSpec,
    design: MosaicDesign,
    host: str,
) -> LinkLatency:
    """The :class:`LinkLatency` of ``technologies`` (catalog keys and ``mosaic``) at ``rate_gbps``."""
    media, ends, index, components = [], [], [], []
    for tech in technologies:
        if tech == MOSAIC:
            breakdown = mosaic_latency_ns(design, host)
            media.append("imaging-fibre")
            ends.append(breakdown["total_ns"])
            components.append({k: v for k, v in breakdown.items() if k != "total_ns"})
        else:
            entry = _catalog_entry(catalog, rate_gbps, tech)
            if entry.latency_ns_per_end is None:
                raise ConfigError(
                    f"technology = {tech!r}: catalog entry {entry.id!r} has no latency_ns_per_end; add it to use "
                    "this technology in a latency budget"
                )
            module_ns = ENDS_PER_LINK * getattr(entry.latency_ns_per_end, level)
            media.append(entry.medium)
            ends.append(module_ns)
            components.append({"module_ns": module_ns})
        index.append(medium_group_index(media[-1], propagation, design))
    return LinkLatency(tuple(technologies), tuple(media), np.array(ends), np.array(index), tuple(components))


def load_to_use_ns(one_way_ns, device_ns: float, switch_ns: float = 0.0):
    """Load-to-use over an extended link: ``device + switch + 2 x one-way`` (request out, data back).

    ``device_ns`` is the device's load-to-use when attached directly to the host port (host
    port, PHY, host FEC, controller, DRAM), so only what the cable adds is counted here.
    """
    return device_ns + switch_ns + 2.0 * np.asarray(one_way_ns, dtype=float)
