"""Pareto front: vectorized extraction equals an O(n^2) brute force, ties and NaN included."""

from __future__ import annotations

import numpy as np
import pytest

from mosaiclink.errors import ConfigError
from mosaiclink.explore.pareto import pareto_mask


def brute_force(values: np.ndarray, senses: list[str]) -> np.ndarray:
    f = values * np.array([1.0 if s == "minimize" else -1.0 for s in senses])
    n = len(f)
    keep = np.ones(n, dtype=bool)
    for i in range(n):
        if np.isnan(f[i]).any():
            keep[i] = False
            continue
        for j in range(n):
            if j != i and not np.isnan(f[j]).any() and (f[j] <= f[i]).all() and (f[j] < f[i]).any():
                keep[i] = False
                break
    return keep


@pytest.mark.parametrize("k", [1, 2, 3, 4])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_brute_force_with_ties(k, seed):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 6, size=(400, k)).astype(float)  # many ties and duplicates
    senses = ["minimize", "maximize", "minimize", "maximize"][:k]
    np.testing.assert_array_equal(pareto_mask(values, senses), brute_force(values, senses))


def test_continuous_3d_across_several_blocks():
    rng = np.random.default_rng(5)
    values = rng.normal(size=(2500, 3))
    values[::97, 1] = np.nan
    senses = ["minimize", "minimize", "maximize"]
    mask = pareto_mask(values, senses)
    assert 10 < mask.sum() < 500
    np.testing.assert_array_equal(mask, brute_force(values, senses))


def test_known_front_of_a_quarter_circle():
    angle = np.linspace(0, np.pi / 2, 50)
    front = np.column_stack([np.cos(angle), np.sin(angle)])
    inside = 0.5 * front
    mask = pareto_mask(np.vstack([front, inside]), ["maximize", "maximize"])
    assert mask[:50].all() and not mask[50:].any()


def test_bad_sense_is_config_error():
    with pytest.raises(ConfigError, match="must be 'minimize' or 'maximize'"):
        pareto_mask(np.zeros((3, 1)), ["smallest"])
