"""The shipped posteriors are the full model's: the fast path's draws resampled by their full-model
importance weights (explore.posterior.full_model_log_weights, importance_resample, reweighted)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.errors import ConfigError
from mosaiclink.explore import posterior
from mosaiclink.explore.posterior import effective_draws, importance_resample

LOG_WEIGHTS = st.lists(
    st.one_of(st.floats(-30.0, 30.0), st.just(-np.inf), st.just(np.nan)), min_size=1, max_size=300
).filter(lambda w: np.isfinite(np.asarray(w)).any())


@settings(max_examples=60, deadline=None)
@given(LOG_WEIGHTS, st.integers(0, 2**16))
def test_systematic_resampling_takes_each_draw_its_share_rounded(log_weight, seed):
    """Each draw is taken floor or ceil of n times its normalised weight (Kitagawa 1996), a draw of
    weight 0 (-inf or NaN) never; n draws in all; the same seed, the same draws."""
    lw = np.asarray(log_weight)
    index = importance_resample(lw, seed)
    n = len(lw)
    finite = np.isfinite(lw)
    w = np.where(finite, np.exp(np.where(finite, lw, 0.0) - np.max(lw[finite])), 0.0)
    share = n * w / w.sum()
    counts = np.bincount(index, minlength=n)
    assert counts.sum() == n
    assert np.all(counts >= np.floor(share - 1e-9)) and np.all(counts <= np.ceil(share + 1e-9))
    assert np.all(counts[~finite] == 0)
    np.testing.assert_array_equal(index, importance_resample(lw, seed))


def test_equal_weights_keep_every_draw_once_and_kish_counts_them():
    index = importance_resample(np.zeros(500), 3)
    np.testing.assert_array_equal(np.sort(index), np.arange(500))
    assert effective_draws(np.zeros(500)) == pytest.approx(500.0)
    assert effective_draws(np.r_[0.0, np.full(9, -np.inf)]) == pytest.approx(1.0)
    assert effective_draws(np.log([1.0, 1.0, 2.0])) == pytest.approx(16.0 / 6.0)  # (1+1+2)^2 / (1+1+4)


def test_draws_the_full_model_refuses_everywhere_are_a_one_line_error():
    with pytest.raises(ConfigError, match="zero full-model weight"):
        importance_resample(np.array([-np.inf, np.nan]), 0)


@pytest.fixture(scope="module")
def prototype():
    from mosaiclink.config.datasets import DEFAULT_DATASET, dataset_path
    from mosaiclink.config.estimate_ranges import load_ranges
    from mosaiclink.config.measurements import load_ber_dataset
    from mosaiclink.config.presets import load_preset
    from mosaiclink.config.system import PowerSpec, ReliabilitySpec
    from mosaiclink.explore.uncertainty import reference_entry, uncertain_inputs

    design = load_preset("mosaic-prototype")
    inputs = uncertain_inputs(
        design, load_ranges("mosaic-prototype"), PowerSpec(), ReliabilitySpec(), reference_entry(design)
    )
    return design, inputs, (load_ber_dataset(dataset_path(DEFAULT_DATASET)),)


def test_the_loaded_posterior_is_its_stored_draws_resampled_by_their_weights(prototype):
    """load_shipped gives the shipped draws resampled by the full-model weights stored with them (its
    effective number: 1,536 of 2,000 on the prototype's chain, 1,129 on the production chain's)."""
    from mosaiclink.explore.spec import load_base

    chain, _ = posterior.load_shipped(*prototype, load_base)
    stored = posterior._read_shipped("mosaic-prototype")
    draws, weight = stored["draws"].astype(np.float64), stored["full_model_log_weight"]
    index = importance_resample(weight, chain.seed)
    np.testing.assert_array_equal(chain.kept_unit, draws[index])
    assert chain.full_model_draws == pytest.approx(effective_draws(weight))
    assert 1000 < chain.full_model_draws < 2000  # the weights differ, none dominates
    assert chain.to_dict(draws=10)["full_model_reweight"]["effective_draws"] == chain.full_model_draws


def test_moved_or_missing_weights_make_the_shipped_file_stale(prototype, monkeypatch):
    """The staleness check covers the full model too: stored weights that no longer match it at the check
    draws, or a file without weights, are stale (and such a file is not loaded)."""
    from mosaiclink.explore.spec import load_base

    stored = posterior._read_shipped("mosaic-prototype")
    moved = {**stored, "full_model_log_weight": stored["full_model_log_weight"] + 0.5}
    monkeypatch.setattr(posterior, "_read_shipped", lambda name: moved)
    key_ok, change = posterior.check_shipped(*prototype, load_base)
    assert key_ok and np.nanmax(np.abs(change)) == pytest.approx(0.5, abs=0.01)  # float32 draws: 7e-5
    missing = {k: v for k, v in stored.items() if k != "full_model_log_weight"}
    monkeypatch.setattr(posterior, "_read_shipped", lambda name: missing)
    assert posterior.load_shipped(*prototype, load_base) is None
    assert not np.isfinite(posterior.check_shipped(*prototype, load_base)[1]).all()


@pytest.mark.slow
def test_a_chain_run_now_is_weighted_as_a_shipped_one(monkeypatch):
    """`--resample` / `--data`: the chain's thinned draws are resampled by their full-model weights, as a
    shipped file's are (explore.posterior.conditioned); 100 draws of a one-segment chain (a test's
    size: the real count is SHIPPED_DRAWS)."""
    from mosaiclink.config.datasets import dataset_path
    from mosaiclink.config.measurements import load_ber_dataset
    from mosaiclink.config.presets import load_preset
    from mosaiclink.explore.posterior import SEGMENT_STEPS, _check_unit, _setup, full_model_log_weights
    from mosaiclink.explore.uncertainty import UncertainInput

    proto = load_preset("mosaic-prototype")
    inputs = (  # tests/explore/test_posterior.py's round trip
        UncertainInput("fiber.attenuation_db_per_m", 0.05, 0.5, 0.1, "log", "test"),
        UncertainInput("receiver.tia_noise_pa_per_sqrt_hz", 1.0, 8.0, 4.49, "linear", "test"),
        UncertainInput("coupling.collection_efficiency", 0.2, 0.4, 0.3, "linear", "test"),
    )
    published = (load_ber_dataset(dataset_path("published")),)
    capped = posterior.sample_posterior
    monkeypatch.setattr(posterior, "SHIPPED_DRAWS", 100)
    monkeypatch.setattr(posterior, "sample_posterior", lambda *a, **k: capped(*a, **k, max_steps=SEGMENT_STEPS))
    chain, _ = posterior.conditioned(proto, inputs, published, load_preset, seed=0, resample=True)
    raw, _ = capped(proto, inputs, published, load_preset, seed=0, max_steps=SEGMENT_STEPS)
    draws = raw.draws_unit(100, raw.seed)
    _, candidates, log_prob, _ = _setup(proto, inputs, published, load_preset)
    weight = full_model_log_weights(log_prob, _check_unit(candidates, raw.sampled, draws))
    np.testing.assert_array_equal(chain.kept_unit, draws[importance_resample(weight, raw.seed)])
    assert chain.full_model_draws == pytest.approx(effective_draws(weight))
