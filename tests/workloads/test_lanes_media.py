"""Lane rate against margin and failures, and wide-and-slow on other media: sourced points as calibration,
trends as properties, the new options' hostile combinations as one line and exit code 2."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from mosaiclink.config.presets import load_preset
from mosaiclink.config.system import ReliabilitySpec
from mosaiclink.system.catalog import load_catalog
from mosaiclink.system.life import QUALIFY_TOLERANCE, qualified_link
from mosaiclink.units import HOURS_PER_YEAR
from mosaiclink.workloads.lanes import (
    DSP_PENALTY_DB_PER_DOUBLING,
    LINEAR_MARGIN_100G_DB,
    LINEAR_PENALTY_DB_PER_DOUBLING,
    lane_margin_table,
    margin_failure_fit,
)
from mosaiclink.workloads.media import HEX_PACKING, NYQUIST_100G_GHZ, packed_diameter_mm, wide_slow_media_table

MISSION_H = ReliabilitySpec().mission_years * HOURS_PER_YEAR


@pytest.fixture(scope="module")
def margin_rows():
    return lane_margin_table()


@pytest.fixture(scope="module")
def media_rows():
    return {r["medium"]: r for r in wide_slow_media_table()}


def _rows(rows, technology):
    return sorted((r for r in rows if r["technology"] == technology), key=lambda r: r["lane_rate_gbps"])


def test_margin_failure_fit_textbook_points():
    """At zero margin half the links fail within the mission: FIT = ln 2 / T x 1e9 = 15,815 for 5 years;
    at 6 sigma none do (Phi(-6) = 9.9e-10)."""
    assert margin_failure_fit(0.0, 1.0, MISSION_H) == pytest.approx(math.log(2) / MISSION_H * 1e9, rel=1e-12)
    assert margin_failure_fit(0.0, 1.0, MISSION_H) == pytest.approx(15_815, abs=1)
    assert margin_failure_fit(6.0, 1.0, MISSION_H) == pytest.approx(stats.norm.cdf(-6) / MISSION_H * 1e9, rel=1e-6)


def test_linear_optics_margin_is_metas_measured_ber_floor_against_kp4():
    """Calibration: BER 1e-9 against KP4's 2.4e-4 is 20 log10(Q1/Q2) = 4.70 dB electrical, 2.35 dB optical."""
    q = stats.norm.isf
    assert 10 * np.log10(q(1e-9) / q(2.4e-4)) == pytest.approx(LINEAR_MARGIN_100G_DB.typical, abs=0.01)


def test_copper_reach_points_are_the_catalogs_and_margin_falls_with_lane_rate(margin_rows):
    """Sourced points: passive reach 2 m at 100G (802.3ck), 1 m at 200G (802.3dj) and 400G (objective)."""
    copper = _rows(margin_rows, "passive-dac")
    assert [r["reach_m"] for r in copper] == [2.0, 1.0, 1.0]
    margins = [r["margin_db"] for r in copper]
    assert margins[0] > margins[1] >= margins[2]
    # M = B (1 - L / reach): at 0.6 m, 17 dB x 0.7 and x 0.4
    assert margins[:2] == pytest.approx([11.9, 6.8])
    worse = [r["fit_per_link_worse"] for r in copper]
    assert worse[0] < worse[1] and worse[2] is None  # active copper at 200G, nothing at 400G


def test_laser_margin_falls_by_the_penalty_and_failures_rise(margin_rows):
    catalog = load_catalog()
    for tech, penalty in (("dr8", DSP_PENALTY_DB_PER_DOUBLING), ("lpo", LINEAR_PENALTY_DB_PER_DOUBLING)):
        rows = _rows(margin_rows, tech)
        assert np.diff([r["margin_db"] for r in rows]) == pytest.approx([-penalty.typical] * 2)
        for key in ("fit_per_link", "fit_per_link_worse", "fit_per_link_better"):
            assert np.all(np.diff([r[key] for r in rows]) > 0), (tech, key)
        # calibration: at 100G lanes the FIT is the catalog's field figure, both ends
        (entry,) = [e for e in catalog.entries(technology=tech) if e.lane_rate_gbps == 100.0][:1]
        assert rows[0]["fit_per_link"] == pytest.approx(2 * entry.fit.typical)


def test_mosaic_channel_rate_costs_margin_and_its_fit_is_the_life_models(margin_rows):
    """At a fixed 800 Gb/s: 400 channels at 2.15 Gb/s keep ~5 dB at 30 m and 55 C case; twice the channel
    rate on half the channels loses it (the microLED's bandwidth), and the link is short on day one."""
    rows = _rows(margin_rows, "mosaic")
    assert [r["channels"] for r in rows] == [400, 200, 100]
    assert [r["channel_rate_gbps"] for r in rows] == pytest.approx([2.1458, 4.2915, 8.5830], rel=1e-4)
    margins = [r["margin_db"] for r in rows]
    assert margins[0] > 3.0 > 0.0 > margins[1] > margins[2]
    q = qualified_link(load_preset("mosaic-800g"), 55.0)
    assert rows[0]["fit_per_link"] == pytest.approx(q.constant_fit_per_link, rel=QUALIFY_TOLERANCE)
    assert rows[1]["fit_per_link"] is None and rows[2]["fit_per_link"] is None


def test_media_reach_and_size_follow_their_laws(media_rows):
    """Copper pairs: 2 m x (26.5625 / 1.0729)^0.75 = 22.2 m; 920 pairs of 1.8 mm: 1.8 sqrt(920 / 0.9069)."""
    copper = media_rows["copper pairs"]
    f_ghz = copper["channel_rate_gbps"] / 2
    assert copper["reach_m"] == pytest.approx(2.0 * (NYQUIST_100G_GHZ / f_ghz) ** 0.75)
    assert copper["reach_m"] == pytest.approx(22.2, abs=0.1)
    assert copper["cable_diameter_mm"] == pytest.approx(1.8 * math.sqrt(920 / HEX_PACKING))
    assert packed_diameter_mm(1, 1.0) == pytest.approx(1 / math.sqrt(HEX_PACKING))
    assert HEX_PACKING == pytest.approx(0.9069, abs=1e-4)


def test_mosaic_is_the_thinnest_cable_with_the_fewest_connectors_and_reaches_past_bundles(media_rows):
    mosaic = media_rows["MOSAIC imaging fibre"]
    others = [r for name, r in media_rows.items() if name != "MOSAIC imaging fibre"]
    assert mosaic["connectors_per_end"] == 1.0
    assert all(mosaic["connectors_per_end_worse"] <= r["connectors_per_end_better"] for r in others)
    for name in ("copper pairs", "VCSEL, one fibre each"):
        assert media_rows[name]["cable_diameter_mm_better"] > 2 * mosaic["cable_diameter_mm_worse"]
        assert media_rows[name]["fit_per_link"] > mosaic["fit_per_link"]
    assert media_rows["microLED, one bundle core each"]["reach_m_better"] < mosaic["reach_m"]
    assert media_rows["VCSEL, one fibre each"]["reach_m_worse"] > mosaic["reach_m"]
    for r in media_rows.values():
        for key in ("power_w_per_end", "reach_m", "cable_diameter_mm", "fit_per_link"):
            assert np.isfinite(r[key]) and r[key] > 0


def test_lanes_and_media_json(mosaic):
    out = mosaic("workload", "--media", "--json")
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)) == 4
    out = mosaic("workload", "--lanes", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"reach", "margin"} and {r["medium"] for r in data["margin"]} == {"copper", "laser", "mosaic"}


CONFLICTS = st.lists(
    st.sampled_from(
        [
            ("--job", "llama3-70b"),
            ("--gpus", "8"),
            ("--gpus", "-1"),
            ("--gpus", "99999999999"),
            ("--inference", "inference-llama3-70b"),
            ("--inference", ""),
            ("--domains",),
            ("--lanes",),
            ("--media",),
        ]
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flag=st.sampled_from(["--lanes", "--media"]), extra=CONFLICTS)
def test_lanes_and_media_refuse_company_in_one_line(capsys, flag, extra):
    """--lanes and --media stand alone: any other job option (or each other) is one line and exit code 2."""
    from mosaiclink.cli.main import run

    args = ["workload", flag, *[a for group in extra for a in group]]
    if all(group == (flag,) for group in extra):
        return  # the flag repeated alone is a valid call (run by the JSON test)
    capsys.readouterr()
    with pytest.raises(SystemExit) as stop:
        run(args)
    err = capsys.readouterr().err
    assert stop.value.code == 2, (args, err)
    assert err.strip().count("\n") == 0 and "Traceback" not in err, (args, err)
