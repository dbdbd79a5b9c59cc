"""Manufacturing yield: counting against the binomial, monotonicity, seeds, Dask, the command."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import stats

from mosaiclink.config.envelope import YieldSpec
from mosaiclink.config.presets import load_preset
from mosaiclink.errors import ConfigError
from mosaiclink.system.production import OFFSETS_UM, ChannelPool, module_yield

DATA, SPARES_MAX = 100, 12


def synthetic_pool(excess_db: float = 1.0) -> ChannelPool:
    channels = DATA + SPARES_MAX
    zeros = np.zeros(channels)
    return ChannelPool(
        excess_db=np.full((2, channels), excess_db),
        light_slope=zeros,
        wavelength_slope_db_per_nm=zeros,
        tx_offset_db=np.zeros((len(OFFSETS_UM), channels)),
        rx_offset_db=np.zeros((len(OFFSETS_UM), channels)),
        data_channels=DATA,
    )


@pytest.fixture(scope="module")
def design():
    # a host-less design with DATA data channels: no FEC erasures, only what the pool says
    return load_preset("mosaic-800g").replace(
        array={"rows": 10, "cols": 10, "spare_channels": SPARES_MAX},
        link={"host_protocol": "none", "rate_gbps": 2.0},
        variation={"dead_channel_probability": 0.02},
    )


def test_yield_is_the_binomial_probability_of_at_most_s_dead(design):
    """Analytic cross-check: with every channel good and dead emitters at p = 0.02, a module with s spares
    passes when at most s of its 100 + s channels are dead, P = Binomial(100 + s, 0.02).cdf(s); the
    Monte Carlo's 95 % interval covers it."""
    spec = YieldSpec(core_defect_fraction=0.0)
    result = module_yield(design, (0, 2, 5), modules=20_000, spec=spec, pool=synthetic_pool(), seed=4)
    for row in result.rows:
        expected = stats.binom.cdf(row.spares, DATA + row.spares, 0.02)
        assert row.ci_spares[0] <= expected <= row.ci_spares[1], (row.spares, row.yield_spares, expected)
        assert row.yield_with_erasures == row.yield_spares  # no host protocol: no erasures


def test_yield_rises_with_spares_and_falls_with_the_test_limit(design):
    spec = YieldSpec(placement_sigma_um=0.0)
    pool = synthetic_pool(0.3)
    pool.excess_db[1] = 1.5  # half the draws fail a 0.5 dB limit
    result = module_yield(design, (0, 4, 12), (0.0, 0.5, 2.0), modules=3000, spec=spec, pool=pool, seed=1)
    grid = {(r.spares, r.test_limit_db): r.yield_spares for r in result.rows}
    for limit in (0.0, 0.5, 2.0):
        assert grid[(0, limit)] <= grid[(4, limit)] <= grid[(12, limit)]
    for s in (0, 4, 12):
        assert grid[(s, 0.0)] >= grid[(s, 0.5)] >= grid[(s, 2.0)] == 0.0
    for r in result.rows:
        if r.usd_per_good_module is not None:
            assert r.usd_per_good_module == pytest.approx(r.build_usd / r.yield_spares)


def test_same_seed_same_counts_and_another_seed_differs(design):
    a, b, c = (module_yield(design, (2,), modules=2500, pool=synthetic_pool(), seed=s) for s in (7, 7, 8))
    assert a == b and a.rows[0].yield_spares != c.rows[0].yield_spares


@pytest.mark.slow
def test_one_and_two_dask_workers_give_the_in_process_counts(design):
    distributed = pytest.importorskip("dask.distributed")
    reference = module_yield(design, (0, 5), modules=3500, pool=synthetic_pool(), seed=5)
    for workers in (1, 2):
        with (
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
            ) as local,
            distributed.Client(local) as client,
        ):
            on_dask = module_yield(design, (0, 5), modules=3500, pool=synthetic_pool(), seed=5, client=client)
        assert on_dask == reference


@pytest.mark.parametrize(
    "kwargs",
    [{"modules": 0}, {"spare_counts": ()}, {"spare_counts": (-1,)}, {"test_limits_db": (float("nan"),)}],
)
def test_hostile_yield_inputs_are_one_line(design, kwargs):
    with pytest.raises(ConfigError) as err:
        module_yield(design, pool=synthetic_pool(), **{"spare_counts": (0,), **kwargs})
    assert "\n" not in str(err.value)


def test_yield_command(mosaic):
    done = mosaic("yield", "--spares", "0", "--spares", "60", "--modules", "2000", "--pool", "2", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert [r["spares"] for r in rows] == [0, 60] and rows[1]["yield_spares"] > rows[0]["yield_spares"]
    bad = mosaic("yield", "--test-limit-db", "nan")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
