"""Margin over life: the ageing law, the channel wear-out times, spares exhaustion, the fleet."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from mosaiclink.config.envelope import AgeingSpec
from mosaiclink.config.presets import load_preset
from mosaiclink.errors import ConfigError
from mosaiclink.physics.link import evaluate_link
from mosaiclink.system.life import (
    L70_LOSS_DB,
    _weibull_fit,
    channel_excess_db,
    emitter_life_h,
    excess_sensitivity,
    life,
    light_loss_db,
    link_exhaustion_times_h,
    wear_out_times_h,
    weibull_fit_right_censored,
)
from mosaiclink.system.thermal import at_case_temperature

AGEING = AgeingSpec()


def test_l70_is_seventy_percent_light_at_the_reference_point():
    """At J_ref and T_ref the emitter keeps 70 % of its light after L70 hours: 1.549 dB lost (TM-21)."""
    tau = emitter_life_h(AGEING, AGEING.reference_current_density_a_per_cm2, AGEING.reference_junction_c)
    assert light_loss_db(AGEING.l70_reference_h, tau, AGEING.time_exponent) == pytest.approx(L70_LOSS_DB)
    assert L70_LOSS_DB == pytest.approx(1.5490196)


def test_life_falls_with_current_density_and_temperature():
    """tau ~ J^-1.5: twice the current density, 2^-1.5 = 0.354 of the life; Arrhenius 0.65 eV: 85 -> 70 C
    lengthens it by exp(0.65/k (1/343.15 - 1/358.15)) = 2.51."""
    ref_j, ref_t = AGEING.reference_current_density_a_per_cm2, AGEING.reference_junction_c
    base = emitter_life_h(AGEING, ref_j, ref_t)
    assert emitter_life_h(AGEING, 2 * ref_j, ref_t) / base == pytest.approx(2**-1.5)
    expected = np.exp(0.65 / 8.617333262e-5 * (1 / 343.15 - 1 / 358.15))
    assert emitter_life_h(AGEING, ref_j, 70.0) / base == pytest.approx(expected)
    assert expected == pytest.approx(2.51, abs=0.01)


def test_wear_out_time_is_where_the_excess_reaches_zero():
    excess = np.array([-0.1, 0.5, 3.0, 50.0])
    tau = np.full(4, 1e5)
    times = wear_out_times_h(excess, tau, AGEING, 85.0, horizon_h=3e5, sensitivity=0.8)
    assert times[0] == 0.0 and np.isinf(times[3])
    for e, t in zip(excess[1:3], times[1:3], strict=True):
        left = e - 0.8 * light_loss_db(t, 1e5, 1.0) - AGEING.receiver_drift_db_per_decade * t / 87660.0
        assert left == pytest.approx(0.0, abs=1e-6)


def test_a_link_runs_out_at_its_spares_plus_one_failure_in_its_worse_direction():
    times = np.array([[[1.0, 5.0, 3.0, np.inf], [2.0, 2.5, 9.0, 10.0]]])  # 1 link, 2 directions, 4 channels
    assert link_exhaustion_times_h(times, 0)[0] == 1.0
    assert link_exhaustion_times_h(times, 1)[0] == 2.5  # 2nd failure: 3.0 and 2.5 -> the worse is 2.5
    assert np.isinf(link_exhaustion_times_h(times, 4)[0])


def test_weibull_fit_recovers_a_known_censored_distribution():
    """The censored fit returns shape 3, scale 10 from 4000 draws censored at 12 (standard errors ~0.05, ~0.06)."""
    draws = stats.weibull_min.rvs(3.0, scale=10.0, size=4000, random_state=np.random.default_rng(1))
    censored = np.where(draws > 12.0, np.inf, draws)
    shape, scale = _weibull_fit(censored, 12.0)
    assert shape == pytest.approx(3.0, rel=0.05) and scale == pytest.approx(10.0, rel=0.03)


def _censored_log_likelihood(observed, censored, shape, scale):
    """SciPy's Weibull log-density at the failures plus its log-survival at the censored times."""
    dist = stats.weibull_min(shape, scale=scale)
    return float(dist.logpdf(observed).sum() + dist.logsf(censored).sum())


@pytest.mark.parametrize(
    ("shape", "scale", "size", "horizon", "seed"),
    [(3.0, 10.0, 4000, 12.0, 1), (0.7, 5.0, 300, 8.0, 2), (8.0, 20.0, 60, 21.0, 3), (1.5, 2.0, 1000, 1.0, 4)],
)
def test_weibull_mle_is_scipys_fit_to_its_tolerance_and_at_least_as_likely(shape, scale, size, horizon, seed):
    """The profile-likelihood root agrees with scipy.stats.weibull_min.fit (Nelder-Mead on CensoredData)
    to ~1e-3 and its log-likelihood is >= SciPy's: it is the maximum SciPy's search stops short of."""
    draws = stats.weibull_min.rvs(shape, scale=scale, size=size, random_state=np.random.default_rng(seed))
    observed, censored = draws[draws <= horizon], np.full(int((draws > horizon).sum()), horizon)
    ours = weibull_fit_right_censored(observed, censored)
    assert ours is not None
    theirs_shape, _, theirs_scale = stats.weibull_min.fit(
        stats.CensoredData(uncensored=observed, right=censored), floc=0.0
    )
    assert ours[0] == pytest.approx(theirs_shape, rel=2e-3) and ours[1] == pytest.approx(theirs_scale, rel=2e-3)
    assert _censored_log_likelihood(observed, censored, *ours) >= _censored_log_likelihood(
        observed, censored, theirs_shape, theirs_scale
    )


def test_weibull_mle_solves_the_likelihood_equations():
    """Both score components vanish at the estimate (to rounding), checked by central differences of
    the log-likelihood; without censoring it agrees with scipy's uncensored fit to 1e-4 and is at least as likely."""
    draws = stats.weibull_min.rvs(2.2, scale=7.0, size=500, random_state=np.random.default_rng(5))
    observed, censored = draws[draws <= 9.0], np.full(int((draws > 9.0).sum()), 9.0)
    shape, scale = weibull_fit_right_censored(observed, censored)
    for k, lam in ((shape * (1 + 1e-6), scale), (shape * (1 - 1e-6), scale), (shape, scale * (1 + 1e-6))):
        assert _censored_log_likelihood(observed, censored, k, lam) <= _censored_log_likelihood(
            observed, censored, shape, scale
        )
    h = 1e-5
    d_shape = _censored_log_likelihood(observed, censored, shape + h, scale) - _censored_log_likelihood(
        observed, censored, shape - h, scale
    )
    assert abs(d_shape / (2 * h)) < 1e-4
    uncensored_shape, _, uncensored_scale = stats.weibull_min.fit(draws, floc=0.0)
    ours = weibull_fit_right_censored(draws, np.empty(0))
    assert ours == pytest.approx((uncensored_shape, uncensored_scale), rel=1e-4)
    assert _censored_log_likelihood(draws, np.empty(0), *ours) >= _censored_log_likelihood(
        draws, np.empty(0), uncensored_shape, uncensored_scale
    )


def test_weibull_mle_has_no_maximum_when_every_failure_is_at_the_largest_time():
    assert weibull_fit_right_censored(np.full(12, 3.0), np.full(5, 3.0)) is None
    assert _weibull_fit(np.full(12, 3.0), 3.0) == (None, None)


@pytest.fixture(scope="module")
def warm_design():
    return at_case_temperature(load_preset("mosaic-800g").with_link(length_m=30.0), 55.0)[0]


def test_linear_sensitivity_predicts_the_full_model_at_half_light(warm_design):
    """Agreement of two methods: the slope measured at 70 % light predicts each channel's excess at 50 %
    light (3.01 dB lost) within 0.15 dB of a full evaluation."""
    excess = channel_excess_db(evaluate_link(warm_design))
    slope = excess_sensitivity(warm_design, excess)
    half = warm_design.replace(led={"light_extraction_efficiency": warm_design.led.light_extraction_efficiency / 2})
    full = channel_excess_db(evaluate_link(half))
    live = np.isfinite(excess)
    predicted = excess - slope * 10 * np.log10(2.0)
    assert np.max(np.abs(predicted[live] - full[live])) < 0.15
    assert 0.5 < np.median(slope[live]) < 1.0  # crosstalk and ISI dim with the signal: less than 1 dB per dB


@pytest.fixture(scope="module")
def lives():
    design = load_preset("mosaic-800g").with_link(length_m=30.0)
    return {c: life(design, c, fleet_links=200_000.0, links=300, seed=3) for c in (55.0, 70.0)}


def test_a_hotter_case_runs_out_of_spares_sooner(lives):
    cool, hot = lives[55.0], lives[70.0]
    assert hot.emitter_l70_years < cool.emitter_l70_years
    assert hot.exhaustion_years_median < cool.exhaustion_years_median
    assert np.all(np.diff(hot.link_excess_db_median) < 0)  # margin only falls with age
    assert hot.link_excess_db_median[0] > 0 and hot.exhausted_at_start == 0.0


def test_fleet_failures_never_exceed_the_fleet_and_grow_with_temperature(lives):
    for r in lives.values():
        assert len(r.fleet) == 5 and sum(f.total for f in r.fleet) <= r.fleet_links
        assert all(f.spares_exhausted >= 0 and f.shared_parts > 0 for f in r.fleet)
    assert lives[70.0].fleet[0].total > lives[55.0].fleet[0].total


def test_same_seed_same_life():
    design = load_preset("mosaic-800g").with_link(length_m=30.0)
    a = life(design, 70.0, 1000.0, links=50, seed=9)
    b = life(design, 70.0, 1000.0, links=50, seed=9)
    assert a == b


def test_hostile_life_inputs_are_one_line(mosaic):
    with pytest.raises(ConfigError, match="links"):
        life(load_preset("mosaic-800g"), 55.0, 1.0, links=0)
    bad = mosaic("life", "--links", "0")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    done = mosaic("life", "--length-m", "30", "--case-c", "70", "--links", "40", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["fleet"]["gpus"] == 100_000 and len(data["cases"][0]["fleet"]) == 5
