"""The NumPy sampling primitives against ``scipy.stats`` (the oracle, imported here only): the same
Latin hypercube bits from the same generator, the triangular inverse CDF and CDF and average ranks
equal, plus the Latin property itself."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.stats import qmc

from mosaiclink.explore.sampling import average_ranks, latin_hypercube_unit, triangular_cdf, triangular_ppf
from mosaiclink.streams import Stream, generator


@pytest.mark.parametrize(("samples", "dimensions", "seed"), [(2, 1, 0), (7, 3, 1), (500, 12, 20260501), (64, 40, 9)])
def test_latin_hypercube_is_scipys_draw_and_leaves_the_generator_as_scipy_does(samples, dimensions, seed):
    ours_rng, scipy_rng = generator(seed, Stream.UNCERTAINTY_SAMPLES), generator(seed, Stream.UNCERTAINTY_SAMPLES)
    ours = latin_hypercube_unit(dimensions, samples, ours_rng)
    theirs = qmc.LatinHypercube(d=dimensions, rng=scipy_rng).random(samples)
    np.testing.assert_array_equal(ours, theirs)
    # the caller's generator: its own stream untouched, its seed sequence spawned once, as SciPy leaves it
    np.testing.assert_array_equal(ours_rng.random(5), scipy_rng.random(5))
    np.testing.assert_array_equal(ours_rng.spawn(1)[0].random(3), scipy_rng.spawn(1)[0].random(3))


@given(samples=st.integers(2, 200), dimensions=st.integers(1, 8), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_latin_hypercube_has_one_point_per_stratum_in_every_column(samples, dimensions, seed):
    unit = latin_hypercube_unit(dimensions, samples, np.random.default_rng(seed))
    assert unit.shape == (samples, dimensions)
    assert ((unit >= 0.0) & (unit < 1.0)).all()
    for column in unit.T:
        np.testing.assert_array_equal(np.sort(np.floor(column * samples)), np.arange(samples))


_fraction = st.floats(0.0, 1.0)
_low = st.floats(-1e6, 1e6)
_width = st.floats(1e-6, 1e6)


@given(q=st.lists(_fraction, min_size=1, max_size=50), c=_fraction, low=_low, width=_width)
@settings(max_examples=200, deadline=None)
def test_triangular_ppf_equals_scipys(q, c, low, width):
    q_array = np.array(q)
    np.testing.assert_array_equal(
        triangular_ppf(q_array, c, low, width), stats.triang.ppf(q_array, c, loc=low, scale=width)
    )


@given(y=st.floats(-0.5, 1.5), c=_fraction, low=_low, width=_width)
@settings(max_examples=300, deadline=None)
def test_triangular_cdf_equals_scipys_and_inverts_the_ppf(y, c, low, width):
    x = low + y * width
    assert triangular_cdf(x, c, low, width) == float(stats.triang.cdf(x, c, loc=low, scale=width))
    q = min(max(y, 0.0), 1.0)
    back = triangular_cdf(float(triangular_ppf(np.array([q]), c, 0.0, 1.0)[0]), c, 0.0, 1.0)
    assert back == pytest.approx(q, abs=1e-12)


def test_triangular_cdf_of_nan_is_nan():
    assert np.isnan(triangular_cdf(float("nan"), 0.3, 0.0, 1.0))


@given(
    values=st.lists(
        st.lists(st.integers(-3, 3) | st.floats(-1e3, 1e3), min_size=3, max_size=3),
        min_size=1,
        max_size=40,
    )
)
@settings(max_examples=200, deadline=None)
def test_average_ranks_equal_scipys_rankdata_with_ties(values):
    matrix = np.array(values, dtype=float)
    np.testing.assert_array_equal(average_ranks(matrix), stats.rankdata(matrix, axis=0))
