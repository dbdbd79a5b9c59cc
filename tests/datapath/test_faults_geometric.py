"""The array form of NumPy's geometric inversion draws the very numbers ``Generator.geometric`` does."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.datapath.faults import geometric


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=1e-15, max_value=0.9), st.integers(min_value=0, max_value=2**32), st.integers(0, 5000))
def test_geometric_equals_numpy(p, seed, size):
    ours = geometric(np.random.default_rng(seed), p, size)
    theirs = np.random.default_rng(seed).geometric(p, size)
    assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)


def test_mean_is_one_over_p():
    draws = geometric(np.random.default_rng(3), 1e-3, 200_000)
    assert abs(draws.mean() * 1e-3 - 1.0) < 4 * np.sqrt(1 - 1e-3) / np.sqrt(200_000)  # 4 standard errors
