"""``mosaic compare --rate 400g``: the catalog's 400G alternatives beside a MOSAIC 400G design
scaled from the 800G one by the rule of the 1.6T and 3.2T presets."""

from __future__ import annotations

import json

import pytest

from mosaiclink.config.catalog import rate_key
from mosaiclink.config.line_rate import MARKER_BITS
from mosaiclink.config.presets import load_preset
from mosaiclink.datapath.protocols import host_protocol
from mosaiclink.system.catalog import load_catalog
from mosaiclink.system.compare import PRESET_BY_RATE


def test_mosaic_400g_is_the_800g_design_with_half_the_array_and_400gbe():
    d400, d800 = load_preset("mosaic-400g"), load_preset("mosaic-800g")
    assert d400.data_rate_gbps == 400.0
    assert d400.array.data_channels * 2 == d800.array.data_channels
    assert d400.array.spare_channels / d400.array.data_channels == d800.array.spare_channels / d800.array.data_channels
    assert (d400.led, d400.coupling, d400.fiber, d400.receiver) == (d800.led, d800.coupling, d800.fiber, d800.receiver)
    # 400GbE (IEEE 802.3bs): 425 Gb/s of KP4 codewords, 2-way interleaved, i.e. half of 800GbE's 850
    host = host_protocol("400gbe")
    assert (host.rate_gbps, host.n, host.k, host.m, host.interleave) == (425.0, 544, 514, 10, 2)
    period = d400.link.marker_period_bits
    assert d400.link.rate_gbps == pytest.approx(425.0 / 200 * (period + MARKER_BITS) / period, rel=1e-12)
    assert d400.link.rate_gbps == pytest.approx(d800.link.rate_gbps, rel=1e-12)  # same line rate as 800G


def test_compare_400g_rows_are_the_catalogs_400g_alternatives_and_mosaic_400g(mosaic):
    result = mosaic("compare", "--rate", "400g", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["rate_gbps"] == 400.0 and data["design"] == PRESET_BY_RATE[400.0]
    mosaic_row = next(r for r in data["rows"] if r["is_mosaic"])
    others = {r["entry_id"] for r in data["rows"] if not r["is_mosaic"]}
    assert others == {e.id for e in load_catalog().entries(400.0, include_reference=True)}
    assert len(others) >= 5
    full = json.loads(mosaic("compare", "--rate", "800g", "--json").stdout)
    mosaic_800 = next(r for r in full["rows"] if r["is_mosaic"])
    # half the channels: less power per end, the same energy per bit within the fixed costs' share
    assert mosaic_row["power_w_per_end"] < mosaic_800["power_w_per_end"]
    assert mosaic_row["pj_per_bit"] >= mosaic_800["pj_per_bit"]


def test_compare_help_offers_exactly_the_rates_with_a_preset(mosaic):
    text = " ".join(mosaic("compare", "--help").stdout.split())
    for rate_gbps in PRESET_BY_RATE:
        assert rate_key(rate_gbps) in text
