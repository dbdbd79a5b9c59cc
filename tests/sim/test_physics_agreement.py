"""Monte Carlo through the physics models agrees with the physics' statistical eye."""

import numpy as np
import pytest

from mosaiclink.config.presets import load_preset
from mosaiclink.sim.counting import clopper_pearson
from mosaiclink.sim.physics_models import link_models
from mosaiclink.sim.runner import simulate


@pytest.mark.slow  # Monte Carlo vs analytic, several designs
def test_counted_ber_agrees_with_stat_eye_for_random_configurations():
    """Random lengths and rates of the prototype; for each, the channels whose stat-eye BER
    lies in 1e-6 .. 1e-3 (three per draw, spread over that range) are counted."""
    rng = np.random.default_rng(3)
    base = load_preset("mosaic-prototype")
    checked = 0
    for _ in range(3):
        design = base.with_link(length_m=float(rng.uniform(26, 32)), rate_gbps=float(rng.choice([1.6, 1.8, 2.0])))
        models = link_models(design, 0)
        ber = models.report.ber_stateye
        pool = np.nonzero((ber > 1e-6) & (ber < 1e-3))[0]
        if pool.size == 0:
            continue
        picks = pool[np.argsort(ber[pool])][np.linspace(0, pool.size - 1, 3).astype(int)]
        bits = int(min(8e6, 40 / ber[picks].min()))
        result = simulate(design, bits, channels=picks, seed=int(rng.integers(1000)), eye_channels=[], target_errors=60)
        analytic = result.ber_analytic
        assert np.array_equal(analytic, ber[result.channels])
        lo, hi = clopper_pearson(result.errors, result.bits, 0.999)
        assert np.all((lo <= analytic) & (analytic <= hi)), (result.ber, analytic)
        checked += picks.size
    assert checked >= 6


def test_waveform_path_agrees_with_symbol_path_and_stat_eye():
    design = load_preset("mosaic-prototype").with_link(length_m=30.0)
    models = link_models(design, 0)
    ber = models.report.ber_stateye
    picks = np.nonzero((ber > 1e-4) & (ber < 1e-3))[0][:3]
    result = simulate(design, 300_000, channels=picks, path="waveform", seed=2, eye_channels=picks[:1])
    lo, hi = clopper_pearson(result.errors, result.bits, 0.999)
    assert np.all((lo <= result.ber_analytic) & (result.ber_analytic <= hi)), (result.ber, result.ber_analytic)
    eye = result.eyes[int(picks[0])]
    assert eye.metrics.q[0] > 2 and eye.histogram.counts.sum() > 0


def test_a_channel_gives_the_same_result_alone_or_in_the_array():
    design = load_preset("mosaic-prototype").with_link(length_m=30.0)
    alone = simulate(design, 100_000, channels=[11], seed=5, eye_channels=[])
    many = simulate(design, 100_000, channels=list(range(0, 30)), seed=5, eye_channels=[])
    assert alone.errors[0] == many.errors[11] and alone.errors[0] > 0
