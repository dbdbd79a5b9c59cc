"""``mosaic simulate``: ``--bits`` is the count on both paths, and the speed is labelled as the simulator's."""

from __future__ import annotations

import json

import numpy as np

from mosaiclink.config.presets import load_preset
from mosaiclink.sim.runner import simulate

PROTOTYPE_35M = load_preset("mosaic-prototype").with_link(length_m=35.0)  # counted errors in a few thousand bits


def test_waveform_path_counts_exactly_the_bits_asked_and_a_prefix_of_a_longer_run():
    short = simulate(PROTOTYPE_35M, 3_000, channels=[0, 1], path="waveform", samples_per_bit=4, seed=3)
    longer = simulate(PROTOTYPE_35M, 9_000, channels=[0, 1], path="waveform", samples_per_bit=4, seed=3)
    assert list(short.bits) == [3_000, 3_000] and list(longer.bits) == [9_000, 9_000]
    # the same seed draws the same stream: the first 3,000 decisions are shared, so errors only add up
    assert np.all(short.errors <= longer.errors)
    assert longer.errors.sum() > 0  # the property above is not vacuous at this length


def test_simulate_labels_its_speed_as_simulator_throughput_not_link_rate(mosaic):
    args = ("simulate", "--preset", "mosaic-prototype", "--bits", "2000", "--channels", "0", "--path", "waveform")
    text = mosaic(*args)
    assert text.returncode == 0, text.stderr
    assert "simulator throughput" in text.stdout and "not the link's 2 Gb/s" in text.stdout
    data = json.loads(mosaic(*args, "--json").stdout)
    assert [row["bits"] for row in data["per_channel"]] == [2000]
