"""Sweep specs: path checking, samplers, and store keys equal to hashes of the full spec."""

from __future__ import annotations

import numpy as np
import pytest

from mosaiclink.errors import ConfigError
from mosaiclink.explore.spec import KeyMaker, design_key, load_sweep

METRICS = ("ber", "reach_m", "power_w", "fit")


def sweep(**over):
    data = {
        "name": "t",
        "parameters": {
            "link.length_m": {"log_range": [1.0, 100.0], "steps": 5},
            "fiber.na": {"range": [0.2, 0.5], "steps": 4},
            "array.spare_channels": {"values": [0, 20, 40]},
        },
        "constraints": ["ber <= 2.4e-4", "reach_m >= 30"],
        "objectives": {"power_w": "minimize"},
    }
    data.update(over)
    return load_sweep(data, METRICS)


def test_grid_is_the_full_cartesian_product():
    s = sweep()
    assert s.n_designs == 5 * 4 * 3
    rows = s.rows(0, s.n_designs)
    assert len({tuple(r) for r in rows}) == 60
    np.testing.assert_allclose(np.unique(rows[:, 0]), np.geomspace(1, 100, 5), rtol=1e-12)
    assert rows[:, 0].min() == 1.0 and rows[:, 0].max() == 100.0
    np.testing.assert_array_equal(np.unique(rows[:, 2]), [0, 20, 40])
    # chunked rows are the same rows
    small = sweep(chunk_size=7)
    parts = np.vstack([small.rows(a, b) for a, b in small.chunks()])
    np.testing.assert_array_equal(parts, rows)


@pytest.mark.parametrize("sampler", ["random", "lhs"])
def test_samplers_are_seeded_and_stay_in_bounds(sampler):
    a = sweep(sampler=sampler, samples=500, seed=3)
    b = sweep(sampler=sampler, samples=500, seed=3)
    c = sweep(sampler=sampler, samples=500, seed=4)
    ra, rb, rc = (x.rows(0, 500) for x in (a, b, c))
    np.testing.assert_array_equal(ra, rb)
    assert not np.array_equal(ra, rc)
    assert ra[:, 0].min() >= 1.0 and ra[:, 0].max() <= 100.0
    assert ra[:, 1].min() >= 0.2 and ra[:, 1].max() <= 0.5
    assert set(np.unique(ra[:, 2])) <= {0.0, 20.0, 40.0}
    # log-uniform: half of the draws fall below the geometric mean 10 m
    assert abs(np.mean(ra[:, 0] < 10.0) - 0.5) < 0.08


def test_latin_hypercube_hits_every_stratum_once():
    s = sweep(sampler="lhs", samples=200, seed=1)
    u = s.unit
    for j in range(u.shape[1]):
        np.testing.assert_array_equal(np.sort(np.floor(u[:, j] * 200)), np.arange(200))


def test_fast_keys_equal_hash_of_the_validated_full_design():
    s = sweep(sampler="random", samples=40, seed=9)
    rows = s.rows(0, 40)
    keys = KeyMaker(s.base, s.paths, s.is_int, "v1").keys(rows)
    for row, key in zip(rows[:10], keys[:10], strict=True):
        assert key == design_key(s.design(row), "v1")
    assert len(set(keys)) == 40
    assert KeyMaker(s.base, s.paths, s.is_int, "v2").keys(rows[:1])[0] != keys[0]


def test_unknown_path_names_the_nearest_valid_one():
    with pytest.raises(ConfigError, match=r"^unknown parameter path 'parameters.fibre.na'; did you mean 'fiber.na'\?$"):
        load_sweep({"parameters": {"fibre.na": {"values": [0.2]}}}, METRICS)
    with pytest.raises(ConfigError, match=r"did you mean 'link.length_m'"):
        load_sweep({"parameters": {"link.lenght_m": {"values": [3.0]}}}, METRICS)


def test_out_of_range_value_is_caught_before_any_work():
    with pytest.raises(ConfigError, match=r"fiber.na = 1.5"):
        load_sweep({"parameters": {"fiber.na": {"range": [0.2, 1.5], "steps": 3}}}, METRICS)


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"constraints": ["ber < 1e-3"]}, "must look like 'metric <= number'"),
        ({"constraints": ["bre <= 1e-3"]}, "unknown metric 'bre'; did you mean 'ber'"),
        ({"objectives": {"power": "minimize"}}, "did you mean 'power_w'"),
        ({"sampler": "lhs"}, "needs 'samples'"),
        ({"parameters": {"fiber.na": {"range": [0.2, 0.3]}}}, "needs 'steps'"),
        ({"parameters": {"fiber.na": {"range": [0.2, 0.3], "values": [0.2], "steps": 2}}}, "exactly one of"),
        ({"samplr": "grid"}, "did you mean 'sampler'"),
    ],
)
def test_bad_specs_are_one_line_errors(bad, message):
    with pytest.raises(ConfigError, match=message) as info:
        sweep(**bad)
    assert "\n" not in str(info.value)


def test_a_base_design_file_may_extend_a_preset(tmp_path):
    """``mosaic design --base FILE`` and sweep bases read files like ``--config`` does: a file
    that ``extends`` a preset is that preset with its own changes (it was refused as an unknown key)."""
    from mosaiclink.config.presets import load_preset
    from mosaiclink.explore.spec import load_base

    path = tmp_path / "mine.toml"
    path.write_text('extends = "mosaic-800g"\nname = "mine"\n[link]\nlength_m = 30\n')
    design = load_base(str(path))
    preset = load_preset("mosaic-800g")
    assert design.name == "mine" and design.link.length_m == 30.0
    assert design.fiber == preset.fiber and design.array == preset.array
    path.write_text('extends = "no-such-preset"\n')
    with pytest.raises(ConfigError, match="no-such-preset"):
        load_base(str(path))
