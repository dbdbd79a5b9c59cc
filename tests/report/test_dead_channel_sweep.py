"""The report's dead-channel curves: with nothing dead, erasures change nothing (the sweep reuses that
point); with a symbol mapping (a dead channel's bits in few symbols) declaring the dead channels as
erasures never hurts the code (bit-interleaved spreads them over every symbol: not there)."""

from __future__ import annotations

import numpy as np

from mosaiclink.assessment.design_assessment import DEAD_COUNTS, LOG10_P_FLOOR, dead_channel_sweep
from mosaiclink.datapath.analytic import analytic_post_fec
from mosaiclink.datapath.gearbox import MAPPINGS


def test_dead_channel_curves_start_together_and_erasures_help():
    ber = np.geomspace(1e-7, 1e-4, 400)
    curves = dead_channel_sweep("800gbe", 400, ber)
    assert DEAD_COUNTS[0] == 0
    for mapping in MAPPINGS:
        plain, erased = curves[mapping], curves[f"{mapping} + erasures"]
        direct = analytic_post_fec("800gbe", 400, mapping, ber, erased_channels=range(0)).log10_p_uncorrectable
        assert plain[0] == erased[0] == max(direct, LOG10_P_FLOOR)
        if mapping != "bit-interleaved":
            assert all(e <= p + 1e-12 for e, p in zip(erased, plain, strict=True))
