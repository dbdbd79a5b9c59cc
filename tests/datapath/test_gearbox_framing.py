"""Gearbox mappings, framing (lane ID, reorder, deskew, BIP-8) and failover rules."""

from __future__ import annotations

import numpy as np
import pytest

from mosaiclink.datapath.failover import dead_channel_tolerance, declare, detection_periods, plan, symbols_per_channel
from mosaiclink.datapath.framing import MARKER_BITS, Framing, deskew_buffer_bits, skew_bits
from mosaiclink.datapath.gearbox import MAPPINGS, Gearbox
from mosaiclink.datapath.protocols import host_protocol
from mosaiclink.errors import ConfigError


@pytest.mark.parametrize("host", ["800gbe", "1.6tbe", "pcie6", "raw"])
@pytest.mark.parametrize("mapping", MAPPINGS)
def test_gearbox_round_trip_and_locate_place_inverse(host, mapping):
    gb = Gearbox(host_protocol(host), 96, mapping)
    rng = np.random.default_rng(0)
    blocks = gb.blocks_per_period * 2
    syms = rng.integers(0, 1 << gb.host.m, (blocks, gb.host.block_symbols)).astype(np.uint16)
    bits = gb.to_channels(syms)
    assert bits.shape[0] == 96 and np.array_equal(gb.from_channels(bits), syms)
    ch, cb = rng.integers(0, 96, 500), rng.integers(0, bits.shape[1], 500)
    cw, pos, bit = gb.locate(ch, cb)
    back_ch, back_cb = gb.place(cw, pos, bit)
    assert np.array_equal(back_ch, ch) and np.array_equal(back_cb, cb)
    block, c = np.divmod(cw, gb.host.interleave)
    wire = gb._symbol_of[c, pos]
    assert np.array_equal((syms[block, wire] >> bit) & 1, bits[ch, cb])


def test_symbols_per_channel_per_mapping_for_800g_over_400():
    h = host_protocol("800gbe")
    worst = {mp: symbols_per_channel(Gearbox(h, 400, mp)).max() for mp in MAPPINGS}
    # diagonal: ceil(544/400) = 2; symbol-aligned with 2-way interleave on an even N: each
    # channel only sees one codeword, 544/200 -> 3; bit-interleaved: 27-28 bits of one codeword
    # per channel, each in a different symbol.
    assert worst == {"codeword-diagonal": 2, "symbol-aligned": 3, "bit-interleaved": 28}
    loads = symbols_per_channel(Gearbox(h, 400, "codeword-diagonal")).sum(axis=1)
    assert np.all(loads == 544)


def test_dead_channel_tolerance_more_with_erasures():
    h = host_protocol("800gbe")
    tol = {
        mp: (dead_channel_tolerance(Gearbox(h, 400, mp), False), dead_channel_tolerance(Gearbox(h, 400, mp), True))
        for mp in MAPPINGS
    }
    assert tol == {"bit-interleaved": (0, 1), "symbol-aligned": (5, 10), "codeword-diagonal": (7, 15)}


def test_framing_lock_reorder_deskew_and_bip():
    fr = Framing(512)
    rng = np.random.default_rng(3)
    lanes, periods = 12, 5
    payload = rng.integers(0, 2, (lanes, periods * 512), dtype=np.uint8)
    line = fr.insert(payload, np.arange(lanes))
    perm = rng.permutation(lanes)
    delay = rng.integers(0, 30, lanes)
    rx = np.zeros((lanes, line.shape[1] + 31), dtype=np.uint8)
    for i in range(lanes):  # test fixture: place each lane behind its skew
        rx[i, delay[i] : delay[i] + line.shape[1]] = line[perm[i]]
    rx[4, delay[4] + 2 * (512 + MARKER_BITS) + 100] ^= 1  # one payload error in period 2 of rx lane 4
    got = fr.receive(rx, periods, 31)
    assert np.array_equal(got.lane_id, perm) and np.array_equal(got.offset_bits, delay)
    order = np.argsort(got.lane_id)
    diff = got.payload[order] != payload
    assert diff.sum() == 1 and diff[perm[4]].sum() == 1
    expected = np.zeros((lanes, periods), dtype=int)
    expected[4, 2] = 1  # BIP-8 flags exactly that period
    assert np.array_equal(got.error_counts, expected)


def test_skew_in_ui_and_deskew_buffer():
    # 1 cm of core mismatch ~ 50 ps ~ 0.1 UI at 2 Gb/s [S2]
    assert 50.0 * 2.0 / 1000.0 == pytest.approx(0.1)
    assert skew_bits(50.0, 2.0) == 0 and skew_bits(1000.0, 2.0) == 2
    assert deskew_buffer_bits(1000.0, 2.0) == 3
    assert Framing(4096).overhead == pytest.approx(4136 / 4096)
    with pytest.raises(ConfigError):
        Framing(1001)


def test_health_monitor_needs_consecutive_bad_periods():
    quiet = np.zeros((5, 6), dtype=int)  # the link's other, healthy lanes set the median to 0
    counts = np.vstack([[[0, 5, 0, 5, 5, 5], [0, 0, 0, 0, 0, 0], [4, 4, 0, 0, 0, 0]], quiet])
    assert list(declare(counts, 2)[:3]) == [4, -1, 1]
    assert list(declare(counts, 3)[:3]) == [5, -1, -1]
    assert detection_periods(2000.0, 1927.0) == 2 and detection_periods(0.0, 1927.0) == 1


def test_spares_first_come_first_served():
    never = np.iinfo(np.int64).max // 4
    dead = np.array([never, 100, 0, 50])
    decl = np.array([never, 300, 0, 200])
    tl = plan(4, 2, dead, decl, switch_delay_bits=40)
    assert list(tl.spare) == [-1, -1, 0, 1]  # channel 2 (at link-up) and 3 (first declared)
    assert tl.switch_bit[2] == 0 and tl.switch_bit[3] == 240 and tl.switch_bit[1] == never
    assert list(tl.state(np.array([3, 3, 3, 3]), np.array([10, 60, 220, 250]))) == [0, 1, 2, 3]
