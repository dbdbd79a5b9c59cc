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
    """Regression test: the per-channel electronics are estimates chosen so the total lands in the
    published range [S1]; the independent checks are the hand-worked budget and the energy
    balance below."""
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


def test_breakdown_equals_a_budget_worked_by_hand(design):
    """Each part from the preset's and PowerSpec's values, worked by hand (not by the model's sums)."""
    assert (design.led.forward_voltage_v, design.led.bias_current_ma, design.led.peak_current_ma) == (3.2, 0.4, 2.0)
    assert design.array.data_channels == 400 and design.link.rate_gbps == pytest.approx(2.145751953125)
    p = mosaic_power(design)
    # LED: 400 x (3.2 + 0.2 V headroom) x (0.4 + 0.5 x 1.6 mA) = 400 x 3.4 V x 1.2 mA
    assert p.led_drive_w == pytest.approx(1.632)
    assert led_average_current_ma(design, 0.5) == pytest.approx(1.2)
    # pre-driver: 400 x 20 fJ x 2.14575 Gb/s = 17.166 mW
    assert p.predriver_w == pytest.approx(0.0171660, rel=1e-5)
    # receive chain: 400 x (1.0 + 0.3 + 0.5 mW)
    assert (p.tia_w, p.equalizer_w, p.slicer_cdr_w) == pytest.approx((0.4, 0.12, 0.2))
    # gearbox: both directions x 858.3 Gb/s line x 0.25 pJ; host: 800 Gb/s x 3 pJ; control 0.1 W
    assert p.gearbox_w == pytest.approx(2 * 858.30078125 * 0.25e-3)
    assert (p.host_serdes_w, p.control_w) == pytest.approx((2.4, 0.1))
    # the total worked by hand: 1.632 + 0.017166 + 0.72 + 0.429150 + 2.4 + 0.1
    assert p.total_w_per_end == pytest.approx(5.298316, abs=1e-6)
    assert p.pj_per_bit == pytest.approx(5.298316 / 800 * 1e3, abs=1e-5)


def test_energy_balance_across_the_host_interface_and_the_rate(design):
    """Energy balance: the pluggable and co-packaged ends differ by exactly the host interface's
    energy per bit times the data rate (3.0 - 0.25 pJ/bit x 800 Gb/s = 2.2 W, the published range's
    width [S1]); halving the channel rate halves exactly the rate-proportional parts
    (pre-driver, gearbox, host) and leaves the static ones."""
    low, high = mosaic_power_range(design)
    assert high.total_w_per_end - low.total_w_per_end == pytest.approx((3.0 - 0.25) * 800e-3)
    custom = design.replace(link=design.link.replace(host_protocol="none", rate_gbps=2.0))  # data = line rate
    full = mosaic_power(custom)
    half = mosaic_power(custom.replace(link=custom.link.replace(rate_gbps=1.0)))
    assert (full.data_rate_gbps, half.data_rate_gbps) == pytest.approx((800.0, 400.0))
    proportional = full.predriver_w + full.gearbox_w + full.host_serdes_w
    assert full.total_w_per_end - half.total_w_per_end == pytest.approx(proportional / 2, rel=1e-9)


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
