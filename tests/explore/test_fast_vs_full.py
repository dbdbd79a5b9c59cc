"""Acceptance: the fast path is the full model's core at the nominal channel.

On a seeded Latin hypercube of random designs over the explorer's usual ranges (the benchmark's
five knobs) plus every preset, the vectorized evaluator's log10 BER agrees with the full
per-channel model's nominal interior channel (``physics.link.nominal_channel_log10_ber``: no
manufacturing spread, the centre of a 5 x 5 array) within 0.3 decade wherever BER >= 1e-15,
pass/fail at the target BER is identical, and the reaches agree within 2 %. The measured figures
are recorded in docs/models.md ("Fast path vs full model").
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import qmc

from mosaiclink.config.presets import load_preset, preset_names
from mosaiclink.explore.batch import design_batch
from mosaiclink.explore.evaluate import evaluate_rows, nominal_chain, reach_m
from mosaiclink.explore.spec import with_overrides
from mosaiclink.physics.link import NOMINAL_SIDE, nominal_channel_log10_ber, nominal_design
from mosaiclink.physics.reach import max_reach_m

RANGES = {
    "led.diameter_um": (3.0, 10.0),
    "led.peak_current_ma": (1.0, 5.0),
    "link.rate_gbps": (1.2, 2.8),
    "fiber.na": (0.15, 0.4),
    "link.length_m": (5.0, 60.0),
}
PATHS = tuple(RANGES)
DESIGNS = 200
# the 800G design driven at a free line rate (no host protocol), as a rate sweep needs: with 800GbE
# a rate below its 2.1458 Gb/s need is refused (config.overrides)
BASE = with_overrides(load_preset("mosaic-800g"), {"link.host_protocol": "none"})


def lhs_rows(n: int, seed: int = 11) -> np.ndarray:
    unit = qmc.LatinHypercube(d=len(RANGES), seed=seed).random(n)
    low, high = np.array(list(RANGES.values())).T
    return low + unit * (high - low)


def cases():
    """(design, fast log10 BER, fast reach) for the random designs and the presets."""
    rows = lhs_rows(DESIGNS)
    fast = evaluate_rows(BASE, PATHS, rows)
    out = [
        (
            with_overrides(BASE, dict(zip(PATHS, map(float, row), strict=True))),
            fast["log10_ber_nominal"][i],
            fast["reach_nominal_m"][i],
        )
        for i, row in enumerate(rows)
    ]
    for name in preset_names():
        design = load_preset(name)
        m = evaluate_rows(design, ("link.length_m",), np.array([[design.link.length_m]]))
        out.append((design, m["log10_ber_nominal"][0], m["reach_nominal_m"][0]))
    return out


@pytest.fixture(scope="module")
def compared():
    rows = []
    for design, fast, fast_reach in cases():
        rows.append((design, fast, float(nominal_channel_log10_ber(design)), fast_reach))
    return rows


def test_fast_path_log10_ber_is_within_three_tenths_of_a_decade(compared):
    fast = np.array([c[1] for c in compared])
    full = np.array([c[2] for c in compared])
    judged = full >= -15.0
    assert judged.sum() >= 50  # enough designs in the range that matters
    delta = np.abs(fast - full)[judged]
    assert delta.max() <= 0.3, (delta.max(), np.median(delta))
    # deep BERs: the same to within 2 % of the exponent (both floored at 1e-300)
    assert np.all(np.abs(fast - full)[~judged] <= 0.02 * np.abs(full[~judged]) + 0.3)


def test_pass_fail_at_the_target_is_identical(compared):
    for design, fast, full, _ in compared:
        target = np.log10(design.link.target_ber)
        assert (fast <= target) == (full <= target), (design.name, fast, full)


@pytest.mark.slow
def test_reach_agrees_within_two_percent(compared):
    # the full model's criterion: the worst channel of the nominal 5 x 5 array, its centre
    checked = 0
    for design, _, _, fast_reach in compared[::5]:
        full_reach = max_reach_m(nominal_design(design), channels_required=NOMINAL_SIDE**2, tolerance_m=0.02)
        if full_reach > 0:
            checked += 1
            assert fast_reach == pytest.approx(full_reach, rel=0.02), design.name
    assert checked >= 30


@pytest.mark.slow
@pytest.mark.parametrize("name", preset_names())
def test_reach_at_a_stated_margin_agrees_and_is_shorter(name):
    """Reach at the target BER and with 1 dB and 3 dB of budget margin (implementation penalty
    included), fast path against the full model's nominal channel."""
    design = load_preset(name)
    nominal = nominal_design(design)
    static = nominal_chain(design_batch(design, ("link.length_m",), np.array([[design.link.length_m]])))
    log10_target = np.array([np.log10(design.link.target_ber)])
    previous = np.inf
    for margin_db in (None, 1.0, 3.0):
        fast = float(reach_m(static, log10_target, margin_db)[0])
        full = max_reach_m(nominal, channels_required=NOMINAL_SIDE**2, tolerance_m=0.02, margin_db=margin_db)
        assert fast == pytest.approx(full, rel=0.02, abs=0.05), margin_db
        assert full < previous or full == 0.0
        previous = full
