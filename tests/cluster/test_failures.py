"""Failure rates and the Monte Carlo year against Poisson and M/G/infinity results."""

import numpy as np

from mosaiclink.cluster.failures import failure_rate_per_h, mean_time_between_failures_h, monte_carlo_year
from mosaiclink.units import HOURS_PER_YEAR

LINKS = np.array([200_000.0, 900_000.0])
FIT = np.array([600.0, 40.0])
REPAIR_H = np.array([4.0, 8.0])


def test_rate_and_interval():
    rate = failure_rate_per_h(LINKS, FIT)
    np.testing.assert_allclose(rate, [0.12, 0.036])
    assert mean_time_between_failures_h(rate[0]) == 1 / 0.12
    assert np.isinf(mean_time_between_failures_h(0.0))


def test_year_counts_match_poisson_means():
    year = monte_carlo_year(LINKS, FIT, REPAIR_H, seed=11, years=5.0)
    expected = failure_rate_per_h(LINKS, FIT) * 5.0 * HOURS_PER_YEAR
    counts = year.failures_per_class()
    assert np.all(np.abs(counts - expected) < 4.0 * np.sqrt(expected))
    assert np.all(np.diff(year.time_h) >= 0)
    assert np.all(year.link_index < LINKS[year.link_class])


def test_same_seed_same_events():
    a = monte_carlo_year(LINKS, FIT, REPAIR_H, seed=5)
    b = monte_carlo_year(LINKS, FIT, REPAIR_H, seed=5)
    np.testing.assert_array_equal(a.time_h, b.time_h)
    np.testing.assert_array_equal(a.repair_h, b.repair_h)


def test_availability_matches_queueing_theory():
    year = monte_carlo_year(LINKS, FIT, REPAIR_H, seed=2, years=20.0)
    rate = failure_rate_per_h(LINKS, FIT)
    # Per-link unavailability ~ lambda_link * MTTR.
    np.testing.assert_allclose(1 - year.link_availability(), FIT * 1e-9 * REPAIR_H, rtol=0.05)
    # Links down form an M/G/inf queue: P(none down) = exp(-sum lambda_c MTTR_c).
    assert abs(year.all_up_fraction() - np.exp(-(rate * REPAIR_H).sum())) < 0.01
