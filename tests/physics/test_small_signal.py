"""The small-signal chain and the BER summary against the large-signal levels and order statistics."""

from __future__ import annotations

import numpy as np
import pytest

from mosaiclink.config.presets import load_preset
from mosaiclink.physics.array import design_variation
from mosaiclink.physics.link import evaluate_link
from mosaiclink.physics.pulse import chain, chain_transfer_function

PROTO = load_preset("mosaic-prototype")


def test_small_signal_dc_gain_is_the_large_signal_current_swing_per_watt():
    """H(0) of the stage product (A/W) equals (I1 - I0) / (P1 - P0) of the steady levels, channel by
    channel: two computations of the same optical gain x responsivity."""
    variation = design_variation(PROTO, 0)
    levels = chain(PROTO, variation)
    h0 = chain_transfer_function(PROTO, np.array([0.0]))[:, 0]
    swing = (levels.current_1_a - levels.current_0_a) / (levels.led_power_1_w - levels.led_power_0_w)
    np.testing.assert_allclose(h0.real, swing, rtol=1e-9)
    assert np.all(np.abs(h0.imag) < 1e-15) and np.all(h0.real > 0)


def test_ber_summary_median_lies_between_the_middle_channels():
    """100 channels: the median BER lies between the 50th and 51st smallest linear BER, and its log
    is the log10 median; the best and worst are the extremes."""
    report = evaluate_link(PROTO.with_link(length_m=25.0))
    summary = report.ber_summary()
    ber = np.sort(10.0**report.log10_ber_stateye)
    assert ber[49] <= summary["median"] * (1 + 1e-12) and summary["median"] <= ber[50] * (1 + 1e-12)
    assert np.log10(summary["median"]) == pytest.approx(summary["log10_median"], abs=1e-12)
    assert summary["min"] == pytest.approx(ber[0], rel=1e-12) and summary["worst"] == pytest.approx(ber[-1], rel=1e-12)
