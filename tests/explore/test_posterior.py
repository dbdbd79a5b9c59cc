"""Posterior of the estimate ranges: the likelihood's residuals, the chain's diagnostics, and a round trip
(points drawn from a known design are recovered inside the 90 % posterior interval)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config.measurements import BerDataset, BerObservation, BerPoint
from mosaiclink.config.presets import load_preset
from mosaiclink.explore.posterior import (
    MAX_RHAT,
    MIN_ESS,
    DataModel,
    data_models,
    integrated_time_steps,
    model_log10_ber,
    point_residuals,
    sample_posterior,
)
from mosaiclink.explore.uncertainty import UncertainInput

PROTO = load_preset("mosaic-prototype")
# the inputs the round trip recovers: the published points' two fitted leaves and the fibre loss
INPUTS = (
    UncertainInput("fiber.attenuation_db_per_m", 0.05, 0.5, 0.1, "log", "test"),
    UncertainInput("receiver.tia_noise_pa_per_sqrt_hz", 1.0, 8.0, 4.49, "linear", "test"),
    UncertainInput("coupling.collection_efficiency", 0.2, 0.4, 0.3, "linear", "test"),
)
CONDITIONS = [(10.0, 2.0), (20.0, 2.0), (25.0, 2.0), (30.0, 2.0), (30.0, 1.6), (35.0, 1.6)]
SIGMA_DECADES = 0.2
# A bit-error tester resolves BER down to ~1e-12 in a practical run (3e12 bits, 25 min at 2 Gb/s, for
# "no error" at 95 % confidence): a synthetic point below it is recorded as the bound "BER < 1e-12",
# as a lab would, not as a value of 1e-70 known to 0.2 decade.
MEASURABLE_LOG10_BER = -12.0


def _dataset(observed: np.ndarray, kinds=None) -> BerDataset:
    kinds = kinds or ["value"] * len(observed)
    points = tuple(
        BerPoint(
            i + 1,
            f"{length:g} m {rate:g} Gb/s",
            {"link.length_m": length, "link.rate_gbps": rate},
            BerObservation(float(y), SIGMA_DECADES, kind),
        )
        for i, ((length, rate), y, kind) in enumerate(zip(CONDITIONS, observed, kinds, strict=True))
    )
    return BerDataset(Path("synthetic.toml"), "synthetic", "test", None, "", points)


def _truth_model(theta: np.ndarray) -> np.ndarray:
    """The model at one parameter vector, through the likelihood's own function."""
    _, _, models, _ = data_models(PROTO, INPUTS, (_dataset(np.zeros(len(CONDITIONS))),), load_preset)
    return model_log10_ber(PROTO, tuple(i.path for i in INPUTS), theta[None, :], models[0])[0]


def test_residuals_are_gaussian_for_values_and_censored_for_bounds():
    data = DataModel(
        _dataset(np.zeros(len(CONDITIONS))),
        PROTO,
        (),
        (),
        np.zeros((3, 0)),
        np.array([-6.0, -6.0, -6.0]),
        np.array([0.5, 0.5, 0.5]),
        np.array(["value", "upper", "lower"]),
    )
    model = np.array([[-5.0, -5.0, -5.0], [-7.0, -7.0, -7.0]])
    r = point_residuals(model, data)
    # a value costs both ways; "BER < 1e-6" only above it; "BER > 1e-6" only below it
    np.testing.assert_allclose(r, [[2.0, 2.0, 0.0], [-2.0, 0.0, -2.0]])


def test_the_published_points_inform_the_shared_physics_and_their_own_free_leaves():
    from mosaiclink.config.datasets import dataset_path
    from mosaiclink.config.measurements import load_ber_dataset

    d800 = load_preset("mosaic-800g")
    inputs = (
        UncertainInput("fiber.attenuation_db_per_m", 0.1, 1.0, 0.1, "log", "shared fibre"),
        UncertainInput("coupling.collection_efficiency", 0.5, 0.85, 0.7, "linear", "800G's own TIR optic"),
    )
    published = load_ber_dataset(dataset_path("published"))
    order, nuisance, models, priors = data_models(d800, inputs, (published,), load_preset)
    assert order == (0,)  # the fibre is the prototype's; the 800G's TIR optic is not
    assert [n.path for n in nuisance] == [
        "mosaic-published:coupling.collection_efficiency",
        "mosaic-published:receiver.tia_noise_pa_per_sqrt_hz",
    ]
    assert priors == [(0.3, 0.05), (None, None)]  # the dataset's Gaussian prior on the microlens only
    assert models[0].design.name == "mosaic-prototype" and models[0].inputs == (0, 1, 2)


def _covered(seed: int) -> tuple[np.ndarray, object]:
    """One round trip: a design drawn from the prior, noisy points from it (below
    :data:`MEASURABLE_LOG10_BER` a bound), the posterior's 90 % interval of each input; returns which
    inputs it holds and the chain (benchmarks.posterior runs 20 seeds: the calibration of the whole
    procedure)."""
    rng = np.random.default_rng(1000 + seed)
    unit = rng.random(len(INPUTS))
    truth = np.array([inp.from_unit(np.array([u]))[0] for inp, u in zip(INPUTS, unit, strict=True)])
    observed = _truth_model(truth) + rng.normal(0.0, SIGMA_DECADES, len(CONDITIONS))
    measured = observed >= MEASURABLE_LOG10_BER
    data = _dataset(np.maximum(observed, MEASURABLE_LOG10_BER), ["value" if m else "upper" for m in measured])
    result, order = sample_posterior(PROTO, INPUTS, (data,), load_preset, seed=seed)
    # an input the screen leaves out keeps its prior (module Notes): its 90 % interval is the prior's
    sampled = [s.path for s in result.sampled]
    assert [INPUTS[j].path for j in order] == sampled
    draws = result.draws_unit(2000, seed)
    lo, hi = np.full(len(INPUTS), 0.05), np.full(len(INPUTS), 0.95)
    for j, inp in enumerate(INPUTS):
        if inp.path in sampled:
            lo[j], hi[j] = np.percentile(draws[:, sampled.index(inp.path)], [5.0, 95.0])
    return (lo <= unit) & (unit <= hi), result


@pytest.mark.slow
def test_one_round_trip_converges_and_holds_the_truth():
    # one of the 20 designs of benchmarks/posterior.py's round trip (coverage measured there)
    inside, result = _covered(0)
    assert result.converged
    assert all(v < MAX_RHAT for v in result.rhat.values()) and all(v >= MIN_ESS for v in result.ess.values())
    assert set(result.rhat) <= {i.path for i in INPUTS}
    assert inside.sum() >= 2  # 90 % intervals: all three hold the truth with probability 0.73, >= 2 with 0.97


def test_the_likelihood_models_the_median_channel_mosaic_link_reports():
    """At the published points' conditions the likelihood's model (the population fast path's median)
    agrees with `mosaic link`'s median channel (the full per-channel model) within the fast path's
    acceptance bound (0.3 decade, tests/explore/test_fast_vs_full.py), at the prototype's values."""
    from mosaiclink.config.datasets import dataset_path
    from mosaiclink.config.measurements import load_ber_dataset
    from mosaiclink.explore.spec import with_overrides
    from mosaiclink.physics.link import evaluate_link

    published = load_ber_dataset(dataset_path("published"))
    _, _, models, _ = data_models(PROTO, (), (published,), load_preset)
    model = model_log10_ber(PROTO, (), np.zeros((1, 0)), models[0])[0]
    for point, fast in zip(published.points, model, strict=True):
        report = evaluate_link(with_overrides(PROTO, point.overrides), seed=0)
        assert abs(float(np.median(report.log10_ber_stateye)) - fast) <= 0.3, (point.label, fast)


def test_independence_proposal_keeps_the_target_whatever_its_fit():
    """The Hastings factor of the independence move: a chain of that move alone, its proposal fitted to
    points far off the target (a narrow cloud at +2 logit units), samples the target itself (the flat
    prior in the unit cube: u uniform, mean 1/2, variance 1/12), not the proposal. A wrong factor
    would follow the fit's cloud (mean u ~ 0.88)."""
    import emcee
    from scipy.special import expit

    from mosaiclink.explore.posterior import IndependenceProposal

    dims, walkers, steps = 2, 40, 1500
    rng = np.random.default_rng(7)
    proposal = IndependenceProposal(dims)
    proposal.fit(rng.normal(2.0, 0.3, (500, dims)))

    def log_prior(x):  # the flat prior in u as a density of x = logit(u)
        return -np.sum(np.logaddexp(0.0, x) + np.logaddexp(0.0, -x), axis=1)

    sampler = emcee.EnsembleSampler(walkers, dims, log_prior, vectorize=True, moves=emcee.moves.MHMove(proposal))
    sampler.random_state = np.random.RandomState(3).get_state()
    sampler.run_mcmc(rng.normal(0.0, 1.0, (walkers, dims)), steps, progress=False)
    u = expit(sampler.get_chain(discard=100, flat=True))
    # 56,000 draws at an autocorrelation of a few steps: the mean's error is ~0.003, the variance's ~0.001
    np.testing.assert_allclose(u.mean(axis=0), 0.5, atol=0.02)
    np.testing.assert_allclose(u.var(axis=0), 1.0 / 12.0, atol=0.01)


def test_passes_needs_every_input_to_meet_rhat_and_both_ess():
    from mosaiclink.explore.posterior import passes

    good = ({"a": 1.01}, {"a": 500.0}, {"a": 450.0})
    assert passes(*good)
    assert not passes({"a": 1.05}, good[1], good[2])  # R-hat must be below 1.05
    assert not passes(good[0], {"a": 399.0}, good[2])  # bulk ESS
    assert not passes(good[0], good[1], {"a": 399.0})  # tail ESS
    assert not passes(good[0], good[1], {})  # a missing tail ESS is no pass


@pytest.mark.slow
def test_a_capped_chain_says_it_has_not_converged():
    """One segment is far short of ~20 autocorrelation times: the result is returned, marked so."""
    from mosaiclink.config.datasets import dataset_path
    from mosaiclink.config.measurements import load_ber_dataset
    from mosaiclink.explore.posterior import ADAPT_SEGMENTS, ADAPT_STEPS, SEGMENT_STEPS

    published = load_ber_dataset(dataset_path("published"))
    result, _ = sample_posterior(PROTO, INPUTS, (published,), load_preset, seed=0, max_steps=SEGMENT_STEPS)
    assert not result.converged
    assert result.steps == ADAPT_SEGMENTS * ADAPT_STEPS + SEGMENT_STEPS  # stopped at the cap


def test_screen_keeps_inputs_the_likelihood_depends_on_and_only_those():
    """The screen redraws each input at likelihood-weighted draws (module Notes). Four inputs on a
    known likelihood: a peak in the middle of input 0's range (its rank correlation with the
    likelihood over the prior is ~0, session 6's screen dropped such inputs), a ridge along
    u1 + u2 = 1 (each alone is uninformative in its marginal, but fixing either pins the other),
    and input 3, which the likelihood ignores. Expected mean |change of ln L| on a redraw: input 0
    ~ E[(u - 1/2)^2] / (2 * 0.05^2) ~ 17, inputs 1 and 2 ~ 1/(12 * 2 * 0.05^2) ~ 33; input 3: 0."""
    from mosaiclink.explore.posterior import SCREEN_LOG_LIKELIHOOD, _screen
    from mosaiclink.explore.uncertainty import spearman

    class Peaks:
        sampled = tuple(UncertainInput(f"x.u{j}", 0.0, 1.0, 0.5, "linear", "test") for j in range(4))

        @staticmethod
        def log_likelihood(unit):
            return -0.5 * ((unit[:, 0] - 0.5) / 0.05) ** 2 - 0.5 * ((unit[:, 1] + unit[:, 2] - 1.0) / 0.05) ** 2

    unit, log_like, screen, free = _screen(Peaks(), 4, np.random.default_rng(3))
    assert free.tolist() == [True, True, True, False]
    assert screen["x.u3"] == 0.0 and min(screen[f"x.u{j}"] for j in range(3)) > 10 * SCREEN_LOG_LIKELIHOOD
    assert abs(spearman(unit[:, :1], log_like)[0]) < 0.1  # the old screen's statistic misses input 0


@settings(max_examples=25, deadline=None)
@given(
    steps=st.integers(2, 600),
    walkers=st.integers(2, 12),
    inputs=st.integers(1, 4),
    memory=st.floats(0.0, 0.99),
    seed=st.integers(0, 2**32 - 1),
)
def test_autocorrelation_time_is_emcees(steps, walkers, inputs, memory, seed):
    """The batched integrated autocorrelation time equals emcee's own estimator (its loop over walkers
    and inputs) to rounding, on AR(1) chains of any memory and length; a walker that never moved gives
    NaN in both."""
    import emcee

    rng = np.random.default_rng(seed)
    noise = rng.normal(size=(steps, walkers, inputs))
    chain = np.empty_like(noise)
    chain[0] = noise[0]
    for t in range(1, steps):
        chain[t] = memory * chain[t - 1] + noise[t]
    expected = emcee.autocorr.integrated_time(chain, tol=0)
    np.testing.assert_allclose(integrated_time_steps(chain), expected, rtol=1e-9, atol=1e-12)
    chain[:, 0, :] = 0.25  # a stuck walker
    with np.errstate(invalid="ignore", divide="ignore"):
        assert np.all(np.isnan(emcee.autocorr.integrated_time(chain, tol=0)))
    assert np.all(np.isnan(integrated_time_steps(chain)))


def test_a_design_the_full_model_refuses_has_zero_likelihood():
    """A draw whose data design does not fit the fibre (the prototype's 10 x 10 array imaged beyond the
    image field of a fibre of finer core pitch: mosaic link raises) has ln L = -inf; the others stay finite."""
    from mosaiclink.config.datasets import dataset_path
    from mosaiclink.config.estimate_ranges import load_ranges
    from mosaiclink.config.measurements import load_ber_dataset
    from mosaiclink.config.system import PowerSpec, ReliabilitySpec
    from mosaiclink.explore.posterior import _setup
    from mosaiclink.explore.spec import load_base
    from mosaiclink.explore.uncertainty import reference_entry, uncertain_inputs
    from mosaiclink.physics.chain import image_diagonal_um

    design = load_preset("mosaic-800g")
    inputs = uncertain_inputs(
        design, load_ranges("mosaic-800g"), PowerSpec(), ReliabilitySpec(), reference_entry(design)
    )
    _, candidates, log_prob, _ = _setup(design, inputs, (load_ber_dataset(dataset_path("published")),), load_base)
    pitch = [c.path for c in candidates].index("fiber.core_pitch_um")
    unit = np.full((2, len(candidates)), 0.5)
    unit[0, pitch], unit[1, pitch] = 0.0, 1.0  # the finest and the coarsest core pitch of the range
    prototype = load_preset("mosaic-prototype")
    for u, fits in zip(unit[:, pitch], (False, True), strict=True):
        fine = prototype.model_copy(
            update={
                "fiber": prototype.fiber.model_copy(
                    update={"core_pitch_um": candidates[pitch].from_unit(np.array([u]))[0]}
                )
            }
        )
        diagonal, field = image_diagonal_um(fine)
        assert bool(diagonal <= field) is fits
    log_like = log_prob.log_likelihood(unit)
    assert log_like[0] == -np.inf and np.isfinite(log_like[1])
