"""ETTR: Young/Daly against brute force and Monte Carlo; monotonicity."""

import numpy as np
import pytest

from mosaiclink.cluster.ettr import daly_interval_h, ettr, monte_carlo_ettr, young_interval_h

DELTA_H = 1.0 / 60  # one-minute checkpoint
RESTART_H = 10.0 / 60


@pytest.mark.parametrize("mtbf_h", [0.5, 8.0, 200.0])
def test_daly_interval_minimises_lost_time(mtbf_h):
    grid = np.geomspace(1e-3, 50.0, 400_001)
    lost = 1.0 - ettr(grid, DELTA_H, RESTART_H, mtbf_h)
    best = grid[np.argmin(lost)]
    daly = daly_interval_h(DELTA_H, mtbf_h)
    assert abs(daly - best) / best < 0.01
    young = young_interval_h(DELTA_H, mtbf_h)
    assert abs(young - best) / best < 0.1  # first order: close, Daly closer
    assert abs(daly - best) <= abs(young - best)
    # At the optimum the lost time is at least as small as anywhere on the grid (to grid resolution).
    assert 1.0 - ettr(daly, DELTA_H, RESTART_H, mtbf_h) <= lost.min() + 1e-7


def test_monte_carlo_agrees_and_peaks_at_daly():
    mtbf_h = 2.0
    taus = np.linspace(0.05, 0.6, 56)
    simulated = monte_carlo_ettr(taus, DELTA_H, RESTART_H, mtbf_h, horizon_h=400_000.0, seed=7)
    analytic = ettr(taus, DELTA_H, RESTART_H, mtbf_h)
    np.testing.assert_allclose(simulated, analytic, atol=0.004)
    best = taus[np.argmax(simulated)]
    assert abs(best - daly_interval_h(DELTA_H, mtbf_h)) < 0.05


def test_monte_carlo_is_reproducible():
    a = monte_carlo_ettr([0.2], DELTA_H, RESTART_H, 2.0, 10_000.0, seed=3)
    b = monte_carlo_ettr([0.2], DELTA_H, RESTART_H, 2.0, 10_000.0, seed=3)
    assert a[0] == b[0]


def test_ettr_falls_with_failures_and_checkpoint_cost():
    mtbf_h = np.array([100.0, 10.0, 1.0, 0.3])
    at_opt = ettr(daly_interval_h(DELTA_H, mtbf_h), DELTA_H, RESTART_H, mtbf_h)
    assert np.all(np.diff(at_opt) < 0)
    delta_h = np.array([0.5, 2.0, 5.0, 15.0]) / 60
    at_opt = ettr(daly_interval_h(delta_h, 5.0), delta_h, RESTART_H, 5.0)
    assert np.all(np.diff(at_opt) < 0)


def test_limits():
    assert ettr(1.0, 0.1, 0.2, np.inf) == pytest.approx(1.0 / 1.1)
    assert daly_interval_h(10.0, 2.0) == 2.0  # delta >= 2M: tau = M
    # Long MTBF: ETTR -> 1 - sqrt(2 delta / M) to first order.
    m = 1e4
    assert 1 - ettr(daly_interval_h(DELTA_H, m), DELTA_H, 0.0, m) == pytest.approx(np.sqrt(2 * DELTA_H / m), rel=0.02)
