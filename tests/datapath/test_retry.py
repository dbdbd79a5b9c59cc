"""Link-level retry of PCIe 6 / CXL flits: replay arithmetic and a two-lane failover with no flit lost."""

import numpy as np
import pytest

from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.datapath.emulator import emulate
from mosaiclink.datapath.retry import link_level_retry, one_way_ns

FLIT_NS, FLIT_BYTES = 2.0, 256  # PCIe 6 x16: 256 B every 2 ns (1024 Gb/s)


def _retry(bad, one_way=100.0, processing=20.0, replays=4, buffer=1 << 20):
    return link_level_retry(np.asarray(bad, dtype=bool), FLIT_NS, one_way, processing, replays, buffer, FLIT_BYTES)


def test_clean_link_needs_a_round_trip_of_buffer():
    out = _retry(np.zeros(1000))
    assert out.replays == 0 and out.flits_lost == 0 and out.added_latency_max_ns == 0.0
    delay = 2 * 100.0 + FLIT_NS + 20.0
    assert out.replay_delay_ns == pytest.approx(delay)
    assert out.replay_buffer_needed_bytes == pytest.approx((delay / FLIT_NS + 1) * FLIT_BYTES, abs=1)


def test_one_bad_flit_delays_itself_and_those_behind_it():
    bad = np.zeros(1000)
    bad[100] = True
    out = _retry(bad)
    d = out.replay_delay_ns
    assert out.replays == 1 and out.flits_lost == 0
    assert out.added_latency_max_ns == pytest.approx(d)
    # in-order delivery: flits 100 .. 100 + d/t_f wait for the replay, each a little less
    waiting = np.clip(d - np.arange(0, 1000 - 100) * FLIT_NS, 0, None)
    assert out.added_latency_mean_ns == pytest.approx(waiting.sum() / 1000)


def test_a_bad_window_costs_replays_until_it_ends():
    bad = np.zeros(2000)
    bad[500:800] = True  # 600 ns of every flit failing
    out = _retry(bad)
    step = int(np.ceil(out.replay_delay_ns / FLIT_NS))
    assert out.max_replays_of_one_flit == int(np.ceil(300 / step))
    assert out.flits_lost == 0 and out.retrains == 0
    longer = _retry(np.r_[np.zeros(500), np.ones(2000), np.zeros(500)])
    assert longer.retrains > 0  # beyond 4 replays the link would retrain (flits kept)


def test_a_small_replay_buffer_loses_flits():
    bad = np.zeros(1000)
    bad[10] = True
    assert _retry(bad, buffer=4096).flits_lost == 1
    assert _retry(bad, buffer=1 << 20).flits_lost == 0


def test_longer_cable_longer_replay():
    assert one_way_ns(30.0, 50.0, 1.47) - one_way_ns(30.0, 10.0, 1.47) == pytest.approx(40 * 1.47 / 0.299792458)


def test_pcie6_two_lane_failover_loses_no_flit():
    """Acceptance (issue 24): two lanes of a PCIe 6 link over MOSAIC die; without retry some flits are
    lost until the spares take over, with link-level retry none is, at a bounded tail latency."""
    result = emulate(DatapathSpec(host="pcie6", dead=2, kill_at_us=2.0, duration_us=12.0), seed=3)
    retry = result.link_retry
    assert result.frames_lost > 0  # what the FEC alone leaves
    assert retry["flits_bad_on_first_send"] == result.frames_lost
    assert retry["flits_lost"] == 0 and retry["retrains"] == 0
    assert retry["replay_delay_ns"] <= retry["added_latency_max_ns"] <= 4 * retry["replay_delay_ns"]


def test_ethernet_has_no_link_retry():
    assert emulate(DatapathSpec(host="800gbe", duration_us=2.0), seed=1).link_retry is None


def test_ualink_host_and_failover():
    """UALink 200G x4: 850 Gb/s of KP4 codewords, 640-byte DL flits with link-level replay. Its
    RS(544,514) with erasures absorbs two dead lanes that PCIe's single-symbol code cannot."""
    from mosaiclink.datapath.protocols import host_protocol

    host = host_protocol("ualink")
    assert host.rate_gbps == 850.0 and host.flit_bytes == 640 and host.link_retry
    assert not host_protocol("800gbe").link_retry
    result = emulate(DatapathSpec(host="ualink", dead=2, kill_at_us=2.0, duration_us=12.0), seed=3)
    assert result.frames_lost == 0 and result.link_retry["flits_lost"] == 0
    flit_ns = 640 * 8 * 544 / 514 / 850
    assert result.link_retry["replay_delay_ns"] > flit_ns
