"""MOSAIC bottom-up power: the paper's per-end range and savings come out of the model."""

from __future__ import annotations

import pytest

from mosaiclink.config.presets import load_preset
from mosaiclink.config.system import PowerSpec
from mosaiclink.system.catalog import load_catalog
from mosaiclink.system.power import led_average_current_ma, mosaic_power, mosaic_power_range


@pytest.fixture(scope="module")
def design():
    return load_preset("mosaic-800g")


def test_default_800g_spans_published_3p1_to_5p3_w(design):
    low, high = mosaic_power_range(design)
    assert low.total_w_per_end == pytest.approx(3.1, abs=0.15)
    assert high.total_w_per_end == pytest.approx(5.3, abs=0.15)
    assert low.host_interface == "co-packaged" and high.host_interface == "pluggable"


def test_56_to_68_percent_below_aoc_and_over_10_w_per_cable(design):
    aoc = load_catalog().get("aoc-800g").power_w_per_end
    low, high = mosaic_power_range(design)
    best = 1 - low.total_w_per_end / aoc.low
    worst = 1 - high.total_w_per_end / aoc.high
    assert 0.55 <= worst <= 0.58 and 0.66 <= best <= 0.70
    assert 2 * (aoc.low - low.total_w_per_end) > 10 and 2 * (aoc.high - high.total_w_per_end) > 10


def test_breakdown_sums_and_led_drive_is_iv(design):
    p = mosaic_power(design)
    parts = (
        p.led_drive_w
        + p.predriver_w
        + p.tia_w
        + p.equalizer_w
        + p.slicer_cdr_w
        + p.gearbox_w
        + p.host_serdes_w
        + p.control_w
    )
    assert p.total_w_per_end == pytest.approx(parts)
    i_avg_ma = design.led.bias_current_ma + 0.5 * (design.led.peak_current_ma - design.led.bias_current_ma)
    assert led_average_current_ma(design, 0.5) == pytest.approx(i_avg_ma)
    assert p.led_drive_w == pytest.approx(400 * (design.led.forward_voltage_v + 0.2) * i_avg_ma * 1e-3)
    assert p.pj_per_bit == pytest.approx(p.total_w_per_end / 800 * 1e3)
    assert p.host_serdes_w == pytest.approx(2.4)


def test_lit_spares_cost_their_channel_power(design):
    dark = mosaic_power(design)
    lit = mosaic_power(design, PowerSpec(spares_powered=True))
    assert lit.total_w_per_end - dark.total_w_per_end == pytest.approx(
        design.array.spare_channels * dark.per_channel_mw * 1e-3
    )


def test_power_grows_with_drive_current_and_array(design):
    hotter = design.replace(led=design.led.replace(peak_current_ma=6.0))
    assert mosaic_power(hotter).total_w_per_end > mosaic_power(design).total_w_per_end
    big = mosaic_power(load_preset("mosaic-1.6t"))
    assert big.data_rate_gbps == pytest.approx(1600)  # the 1.6TbE host's data rate, carried at 2.19 Gb/s x 784
    assert big.pj_per_bit < mosaic_power(design).pj_per_bit * 1.01  # fixed costs amortise
