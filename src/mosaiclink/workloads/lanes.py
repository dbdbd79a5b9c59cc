"""Lane rate against reach, margin and failures: why fast lanes run out of margin and wide-and-slow does not.

:func:`lane_rate_table`: for every catalog technology and every aggregate rate it is catalogued at,
the host lane rate (100 -> 200 -> 400 Gb/s), the reach and the energy per bit; for MOSAIC the
shipped presets from 400G to 3.2T, whose per-channel rate stays near 2 Gb/s while channels
multiply (reach from :func:`mosaiclink.system.reach.mosaic_reach_m`, power from the system model).

:func:`lane_margin_table`: the margin and the failure rate at a fixed cable length as the lane
rate doubles, per medium:

- **Copper** (passive twinax at :data:`COPPER_LENGTH_M`, the mean NVL72 cable): cable loss per
  metre at Nyquist scales so that the catalog's reach uses the SerDes' cable allowance
  :math:`B_c` (:data:`COPPER_CABLE_ALLOWANCE_DB`): :math:`\\alpha(R) = B_c / \\ell(R)`, and the
  margin at length :math:`L` is :math:`M = B_c (1 - L / \\ell(R))` (loss linear in length, Pozar,
  *Microwave Engineering*, 4th ed., sec. 2.7). The failure rate is the catalog FIT of the
  lowest-FIT copper cable whose reach covers :math:`L` (passive, then redriven, then retimed).
- **Laser optics** (DR-, LPO- and CPO-class at :data:`OPTICAL_LENGTH_M`): the margin at 100 Gb/s
  per lane :math:`M_{100}` (:data:`LINEAR_MARGIN_100G_DB` from Meta's measured 100G LPO BER for the
  linear-drive LPO and CPO, :data:`DSP_MARGIN_100G_DB` for retimed DR) falls by :math:`S` per
  doubling: :math:`M(R) = M_{100} - S \\log_2(R/100)`. A thermal-noise-limited receiver needs
  :math:`\\sqrt{2}` more optical amplitude at twice the baud (1.5 dB; Agrawal, *Fiber-Optic
  Communication Systems*, 4th ed., sec. 4.4), the whole of :data:`DSP_PENALTY_DB_PER_DOUBLING`;
  linear optics lose more to bandwidth-limited parts (:data:`LINEAR_PENALTY_DB_PER_DOUBLING`).
- Both incumbents: links differ by :math:`\\sigma` (:data:`MARGIN_SPREAD_DB`) around the margin; a
  link below zero fails within the mission :math:`T`:
  :math:`\\mathrm{FIT}_m(M) = -\\ln(1 - \\Phi(-M/\\sigma)) / T \\times 10^9`. The catalog's FIT at
  100 Gb/s lanes is field data and already holds the failures today's margin causes, so it is the
  calibration point: :math:`\\mathrm{FIT}(R) = \\mathrm{FIT}_{cat}(100) + \\mathrm{FIT}_m(M(R)) -
  \\mathrm{FIT}_m(M(100))`.
- **MOSAIC** (the 800G design at :data:`OPTICAL_LENGTH_M` and the cluster's case temperature):
  the host lane rate does not reach the fibre (the gearbox maps any host lanes onto the same
  channels), so the question is the channel rate. At a fixed 800 Gb/s the array is halved at each
  step (400 -> 200 -> 100 data channels, spares in proportion) and each channel runs twice as
  fast; the receiver is redesigned for the rate (TIA bandwidth and CTLE peak scale with it), the
  microLED is not. Margin (the N-th best channel's excess, reserve included) and FIT come from the
  one link model and the life model (:func:`mosaiclink.system.life.operating_point`,
  :func:`mosaiclink.system.life.point_link_fit`): wear-out, spares and the margin are in the FIT.

The incumbents' figures are estimates with ranges (each :class:`~mosaiclink.config.catalog.Figure`
says its basis); the table carries ``_worse``/``_better`` columns from the ranges' ends.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mosaiclink.cluster.techs import kind_of
from mosaiclink.config.catalog import Figure
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.presets import load_preset
from mosaiclink.config.system import ReliabilitySpec
from mosaiclink.system.catalog import Catalog, load_catalog
from mosaiclink.system.compare import ENDS_PER_LINK
from mosaiclink.system.life import link_excess_at_start_db, operating_point, point_link_fit
from mosaiclink.system.power import mosaic_power
from mosaiclink.system.reach import copper_reach_m, mosaic_reach_m
from mosaiclink.system.reliability import mosaic_link_fit
from mosaiclink.units import FIT_HOURS, HOURS_PER_YEAR

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


LANE_RATES_GBPS = (100.0, 200.0, 400.0)
COPPER_LENGTH_M = 0.6  # mean NVL72 NVLink cable: ~3.2 km over 5,184 cables (baselines 2.3)
OPTICAL_LENGTH_M = 30.0  # a rack-to-rack cable in a row (estimate; the cluster floor plan's scale-out lengths)
COPPER_TECHNOLOGIES = ("passive-dac", "linear-acc", "aec")
LASER_TECHNOLOGIES = ("dr8", "lpo", "cpo")
DSP_OPTICS = ("dr8",)  # a retiming DSP per lane; LPO and CPO drive the optics linearly from the host SerDes
MOSAIC_LANE_DESIGN = "mosaic-800g"

COPPER_CABLE_ALLOWANCE_DB = Figure(
    low=15.0,
    typical=17.0,
    high=20.0,
    source_url="estimate:copper-cable-allowance",
    date="2026-12-06",
    confidence="E",
    note="cable-assembly share at Nyquist of a 100G/200G SerDes die-to-die budget (~28-40 dB; 802.3dj objective "
    "<= 40 dB at 53.125 GHz, baselines 2.1), host traces and connectors taking the rest; each generation is "
    "specified to about the same cable allowance, so the reach falls instead",
)
LINEAR_MARGIN_100G_DB = Figure(
    low=1.7,
    typical=2.35,
    high=3.0,
    source_url="research:baselines.md#1.3",
    date="2024",
    confidence="E",
    note="Meta's 100G/lane LPO (Chou et al., OFC 2024 W4H.3): BER floor 1e-9 on most port pairs (1e-7 on one): "
    "Q 6.0 (5.2) against KP4's 2.4e-4 (Q 3.49) is 4.7 (3.5) dB electrical, 2.35 (1.7) dB optical",
)
DSP_MARGIN_100G_DB = Figure(
    low=2.5,
    typical=3.0,
    high=4.0,
    source_url="estimate:dsp-optics-margin",
    date="2026-12-06",
    confidence="E",
    note="a retimed DR module re-equalises each lane and sees only its own short electrical channel: the linear "
    "module's margin plus ~0.5-1.5 dB",
)
LINEAR_PENALTY_DB_PER_DOUBLING = Figure(
    low=1.5,
    typical=2.0,
    high=3.0,
    source_url="estimate:linear-optics-rate-penalty",
    date="2026-12-06",
    confidence="E",
    note="optical sensitivity lost per doubling of the PAM4 lane rate: 1.5 dB for a thermal-noise-limited receiver "
    "(noise ~ sqrt(bandwidth); Agrawal 4th ed. sec. 4.4), more where lasers, modulators and TIAs limit bandwidth "
    "and nothing re-equalises (200G LPO only simulated, ~22-23 dB host budget, a ~30 dB path needs a retimer: "
    "baselines 1.3)",
)
DSP_PENALTY_DB_PER_DOUBLING = Figure(
    low=1.5,
    typical=1.5,
    high=2.0,
    source_url="estimate:dsp-optics-rate-penalty",
    date="2026-12-06",
    confidence="E",
    note="the thermal-noise part (1.5 dB, Agrawal 4th ed. sec. 4.4); the DSP recovers most bandwidth penalties",
)
MARGIN_SPREAD_DB = Figure(
    low=0.5,
    typical=1.0,
    high=2.0,
    source_url="estimate:link-margin-spread",
    date="2026-12-06",
    confidence="E",
    note="standard deviation of a link's margin across links and over temperature and life (parts, connectors, "
    "drift); 0.5-2 dB",
)


def margin_failure_fit(margin_db: float, spread_db: float, mission_h: float) -> float:
    """FIT a margin adds when links spread by ``spread_db`` and those below 0 dB fail within the mission.

    ``FIT_m = -ln(1 - Phi(-M / sigma)) / T x 1e9``; ``inf`` when every link is short.
    """
    from scipy.special import log_ndtr

    short_log = float(np.log1p(-np.exp(log_ndtr(-margin_db / spread_db))))  # ln(1 - Phi(-M/sigma))
    return float(-short_log / mission_h * FIT_HOURS)


def _catalog_fit_per_link(catalog: Catalog, technology: str, lane_rate_gbps: float, level: str) -> tuple[float, bool]:
    """Link FIT (both ends) of ``technology`` at ``lane_rate_gbps``, and whether the catalog has that lane rate
    (else the fastest catalogued lane rate's FIT, held)."""
    entries = catalog.entries(technology=technology)
    same = [e for e in entries if e.lane_rate_gbps == lane_rate_gbps]
    pick = same or [max(entries, key=lambda e: e.lane_rate_gbps)]
    return ENDS_PER_LINK * max(getattr(e.fit, level) for e in pick), bool(same)


def _copper_rows(catalog: Catalog, length_m: float, mission_h: float) -> list[dict]:
    rows = []
    for rate in LANE_RATES_GBPS:
        row: dict[str, Any] = {"medium": "copper", "technology": "passive-dac", "lane_rate_gbps": rate}
        row["length_m"] = length_m
        for level, b, reach_level, spread in (
            ("typical", "typical", "typical", "typical"),
            ("worse", "low", "low", "high"),
            ("better", "high", "high", "low"),
        ):
            reach = copper_reach_m(catalog, rate, "passive-dac", reach_level)
            margin = getattr(COPPER_CABLE_ALLOWANCE_DB, b) * (1.0 - length_m / reach)
            serving = [
                e
                for t in COPPER_TECHNOLOGIES
                for e in catalog.entries(technology=t)
                if e.lane_rate_gbps == rate and getattr(e.max_reach_m, reach_level) >= length_m
            ]
            suffix = "" if level == "typical" else f"_{level}"
            row[f"reach_m{suffix}"] = reach
            row[f"margin_db{suffix}"] = margin
            fit_level = {"typical": "typical", "worse": "high", "better": "low"}[level]
            if serving:
                best = min(serving, key=lambda e: getattr(e.fit, fit_level))
                catalog_fit = ENDS_PER_LINK * getattr(best.fit, fit_level)
                row[f"serving{suffix}"] = best.technology
                own_margin = margin if best.technology == "passive-dac" else None
            else:
                catalog_fit, own_margin = float("inf"), None  # no copper cable reaches: optics
                row[f"serving{suffix}"] = None
            sigma = getattr(MARGIN_SPREAD_DB, spread)
            added = 0.0
            if own_margin is not None:
                at_100 = getattr(COPPER_CABLE_ALLOWANCE_DB, b) * (
                    1.0 - length_m / copper_reach_m(catalog, LANE_RATES_GBPS[0], "passive-dac", reach_level)
                )
                added = margin_failure_fit(own_margin, sigma, mission_h) - margin_failure_fit(at_100, sigma, mission_h)
            row[f"fit_per_link{suffix}"] = catalog_fit + added
            row[f"margin_fit{suffix}"] = added
        row["catalogued"] = True
        rows.append(row)
    return rows


def _laser_rows(catalog: Catalog, length_m: float, mission_h: float) -> list[dict]:
    rows = []
    for tech in LASER_TECHNOLOGIES:
        for rate in LANE_RATES_GBPS:
            doublings = float(np.log2(rate / LANE_RATES_GBPS[0]))
            row: dict[str, Any] = {"medium": "laser", "technology": tech, "lane_rate_gbps": rate, "length_m": length_m}
            for level, m, pen, spread, fit_level in (
                ("typical", "typical", "typical", "typical", "typical"),
                ("worse", "low", "high", "high", "high"),
                ("better", "high", "low", "low", "low"),
            ):
                suffix = "" if level == "typical" else f"_{level}"
                dsp = tech in DSP_OPTICS
                base = getattr(DSP_MARGIN_100G_DB if dsp else LINEAR_MARGIN_100G_DB, m)
                penalty = getattr(DSP_PENALTY_DB_PER_DOUBLING if dsp else LINEAR_PENALTY_DB_PER_DOUBLING, pen)
                margin = base - penalty * doublings
                calibration, _ = _catalog_fit_per_link(catalog, tech, LANE_RATES_GBPS[0], fit_level)
                sigma = getattr(MARGIN_SPREAD_DB, spread)
                added = margin_failure_fit(margin, sigma, mission_h) - margin_failure_fit(base, sigma, mission_h)
                row[f"margin_db{suffix}"] = margin
                row[f"margin_fit{suffix}"] = added
                row[f"fit_per_link{suffix}"] = calibration + added
            row["catalog_fit_per_link"], row["catalogued"] = _catalog_fit_per_link(catalog, tech, rate, "typical")
            rows.append(row)
    return rows


def mosaic_channel_design(design: MosaicDesign, factor: int, length_m: float) -> MosaicDesign:
    """``design`` at the same aggregate rate with ``factor`` x fewer channels, each ``factor`` x faster.

    The array loses columns, then rows (20 x 20 -> 20 x 10 -> 10 x 10), spares in proportion; the
    receiver's TIA bandwidth and CTLE peak scale with the channel rate; the microLED stays.
    """
    rows, cols = design.array.rows, design.array.cols
    for step in range(int(np.log2(factor))):
        if step % 2 == 0:
            cols //= 2
        else:
            rows //= 2
    return design.replace(
        name=f"{design.name} {factor}x channel rate",
        array={"rows": rows, "cols": cols, "spare_channels": round(design.array.spare_channels / factor)},
        link={"rate_gbps": None, "length_m": length_m},
        receiver={"tia_bandwidth_ghz": design.receiver.tia_bandwidth_ghz * factor},
        equalizer={"ctle_peak_ghz": design.equalizer.ctle_peak_ghz * factor},
    )


def _mosaic_rows(design: MosaicDesign, length_m: float, case_c: float) -> list[dict]:
    rows = []
    for k, host_rate in enumerate(LANE_RATES_GBPS):
        d = mosaic_channel_design(design, 2**k, length_m)
        point = operating_point(d, case_c)
        margin = link_excess_at_start_db(point)
        fit = point_link_fit(point)
        rows.append(
            {
                "medium": "mosaic",
                "technology": "mosaic",
                "lane_rate_gbps": host_rate,
                "length_m": length_m,
                "channels": d.array.data_channels,
                "channel_rate_gbps": d.link.rate_gbps,
                "margin_db": margin,
                "margin_db_worse": margin,
                "margin_db_better": margin,
                "fit_per_link": fit,
                "fit_per_link_worse": fit,
                "fit_per_link_better": fit,
                "margin_fit": fit - mosaic_link_fit(d, temperature_c=point.temps) if np.isfinite(fit) else fit,
                "catalogued": True,
            }
        )
    return rows


def lane_margin_table(
    catalog: Catalog | None = None,
    design: MosaicDesign | None = None,
    case_c: float = 55.0,
    copper_length_m: float = COPPER_LENGTH_M,
    optical_length_m: float = OPTICAL_LENGTH_M,
) -> list[dict]:
    """Margin (dB) and failure rate (FIT per link) per medium as the lane rate doubles twice (module notes).

    ``None``: no copper cable reaches, or the link is short of margin on day one (failure rate without
    end). MOSAIC's rows: ``lane_rate_gbps`` is the step (100/200/400 stand for 1x/2x/4x the channel rate at a
    fixed 800 Gb/s), ``channel_rate_gbps`` the rate on the fibre. ``_worse``/``_better`` columns: the ends
    of the incumbents' estimate ranges taken together (the low margin with the high failure rates).
    """
    catalog = catalog or load_catalog()
    mission_h = ReliabilitySpec().mission_years * HOURS_PER_YEAR
    rows = [
        *_copper_rows(catalog, copper_length_m, mission_h),
        *_laser_rows(catalog, optical_length_m, mission_h),
        *_mosaic_rows(design or load_preset(MOSAIC_LANE_DESIGN), optical_length_m, case_c),
    ]
    return [{k: _finite_or_none(v) for k, v in row.items()} for row in rows]


def _finite_or_none(value: Any) -> Any:
    """JSON has no infinity: a failure rate without end (no cable reaches, short on day one) is None."""
    return None if isinstance(value, float) and not np.isfinite(value) else value
