"""Lane rate against reach and power: why fast lanes run out of margin and wide-and-slow does not.

For every catalog technology and every aggregate rate it is catalogued at, the host lane rate
(100 -> 200 -> 400 Gb/s), the reach (the margin a technology has left shows up as the length it
still spans) and the energy per bit; for MOSAIC, the shipped presets from 400G to 3.2T, whose
per-channel rate stays near 2 Gb/s while channels multiply, with reach from the physics model
(:func:`mosaiclink.system.reach.mosaic_reach_m`) and power from the system model.

Failures against lane rate are not modelled: the catalog's FITs do not vary with lane rate and no
public source gives a margin-to-failure law; the table reports the catalogued FIT beside each row.
"""

from __future__ import annotations

from typing import Any

from mosaiclink.cluster.techs import kind_of
from mosaiclink.config.presets import load_preset
from mosaiclink.system.catalog import Catalog, load_catalog
from mosaiclink.system.compare import ENDS_PER_LINK
from mosaiclink.system.power import mosaic_power
from mosaiclink.system.reach import mosaic_reach_m
from mosaiclink.system.reliability import mosaic_link_fit

MOSAIC_PRESETS = ("mosaic-400g", "mosaic-800g", "mosaic-1.6t", "mosaic-3.2t")


def lane_rate_table(catalog: Catalog | None = None, mosaic_presets: tuple[str, ...] = MOSAIC_PRESETS) -> list[dict]:
    """One row per (technology, aggregate rate): lanes, lane rate, reach, pJ/bit, FIT per end.

    Notes
    -----
    ``pJ/bit = P_end / R x 1000``; ``reach_vs_lowest_rate`` is the reach over the same
    technology's reach at its lowest catalogued aggregate rate. MOSAIC's "lane" is one microLED
    channel at the line rate its data path needs; its FIT per end is half the link FIT.
    """
    catalog = catalog or load_catalog()
    rows: list[dict[str, Any]] = []
    for entry in sorted(catalog.entries(), key=lambda e: (e.technology, e.rate_gbps)):
        rows.append(
            {
                "technology": entry.technology,
                "kind": kind_of(entry),
                "rate_gbps": entry.rate_gbps,
                "lanes": entry.lanes,
                "lane_rate_gbps": entry.lane_rate_gbps,
                "reach_m": entry.max_reach_m.typical,
                "pj_per_bit": entry.pj_per_bit(),
                "fit_per_end": entry.fit.typical,
            }
        )
    for name in mosaic_presets:
        design = load_preset(name)
        rows.append(
            {
                "technology": "mosaic",
                "kind": "mosaic",
                "rate_gbps": design.data_rate_gbps,
                "lanes": design.array.data_channels,
                "lane_rate_gbps": design.link.rate_gbps,
                "reach_m": mosaic_reach_m(design),
                "pj_per_bit": mosaic_power(design).total_w_per_end / design.data_rate_gbps * 1e3,
                "fit_per_end": mosaic_link_fit(design) / ENDS_PER_LINK,
            }
        )
    for row in rows:
        same = [r for r in rows if r["technology"] == row["technology"]]
        lowest = min(same, key=lambda r: (r["rate_gbps"], r["lane_rate_gbps"]))
        row["reach_vs_lowest_rate"] = row["reach_m"] / lowest["reach_m"]
    return rows
