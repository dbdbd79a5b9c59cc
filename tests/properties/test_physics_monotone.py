"""Invariants of the link model, checked on random designs points (kept few and tolerant: the
physics layer is being refined, these only say what no refinement may break)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config.presets import load_preset
from mosaiclink.physics.link import evaluate_link

PROTOTYPE = load_preset("mosaic-prototype")
TOLERANCE_DECADES = 0.05  # same seed, same variation draws: only solver round-off may wiggle
# Below 1e-30 (the floor the reports show) log10 BER ~ -Q^2 / (2 ln 10) magnifies a 0.1 % wiggle of
# Q into tenths of a decade (seen: 1.0 vs 1.25 Gb/s at 2 m, log10 BER -209.38 vs -209.65); the
# invariant is asserted where a BER means something.
LOG10_BER_FLOOR = -30.0


def _median_log10_ber(length_m: float, rate_gbps: float) -> float:
    report = evaluate_link(PROTOTYPE.with_link(length_m=length_m, rate_gbps=rate_gbps), seed=0)
    return max(float(np.median(report.log10_ber_stateye)), LOG10_BER_FLOOR)


@settings(max_examples=6, deadline=None)
@given(
    length_m=st.floats(min_value=1.0, max_value=40.0),
    extra_m=st.floats(min_value=1.0, max_value=20.0),
    rate_gbps=st.sampled_from([1.0, 1.6, 2.0]),
)
def test_longer_fibre_never_lowers_the_ber(length_m, extra_m, rate_gbps):
    """More fibre is more loss, walk-off and dispersion: the median BER cannot improve."""
    shorter = _median_log10_ber(length_m, rate_gbps)
    longer = _median_log10_ber(length_m + extra_m, rate_gbps)
    assert longer >= shorter - TOLERANCE_DECADES


@settings(max_examples=6, deadline=None)
@given(length_m=st.floats(min_value=1.0, max_value=40.0), rate_gbps=st.floats(min_value=0.5, max_value=2.0))
def test_faster_line_rate_never_lowers_the_ber(length_m, rate_gbps):
    """A faster rate has less bandwidth margin and more noise bandwidth: the BER cannot improve."""
    slow = _median_log10_ber(length_m, rate_gbps)
    fast = _median_log10_ber(length_m, rate_gbps * 1.25)
    assert fast >= slow - TOLERANCE_DECADES
