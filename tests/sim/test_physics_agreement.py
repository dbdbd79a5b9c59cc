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


@pytest.mark.parametrize("led_model", ["superposition", "first-order"])
def test_a_subset_of_the_waveform_model_computes_the_same_rows_alone(led_model):
    """An eye diagram's subset computes its channels' responses and LED pulses alone (RowFunction),
    and they are those rows of the whole array's, to rounding (NumPy's vectorised complex product
    rounds an element by its position in the array: 1 ulp); a subset of a subset too."""
    design = load_preset("mosaic-800g")
    model = link_models(design, 0, led_model=led_model).waveform
    rows = np.array([3, 200, 17, 459])
    f_hz = np.linspace(0.0, 8e9, 257)
    part, inner = model.subset(rows), model.subset(rows).subset(np.array([2, 0]))
    for name in ("response", "noise_response"):
        whole = getattr(model, name)(f_hz)
        np.testing.assert_allclose(getattr(part, name)(f_hz), whole[rows], rtol=1e-15, atol=0)
        np.testing.assert_allclose(getattr(inner, name)(f_hz), whole[rows[[2, 0]]], rtol=1e-15, atol=0)
    if model.led_pulse is not None:
        t_s = np.arange(model.led_pulse_bits * 8) * model.bit_s / 8
        whole = model.led_pulse(t_s)
        np.testing.assert_allclose(part.led_pulse(t_s), whole[rows], rtol=1e-15, atol=0)
        np.testing.assert_allclose(inner.led_pulse(t_s), whole[rows[[2, 0]]], rtol=1e-15, atol=0)
