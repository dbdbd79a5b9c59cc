"""Fat-tree and scale-up counts against textbook formulas and published figures."""

import numpy as np
import pytest

from mosaiclink.cluster.topology import fat_tree, fat_tree_capacity, scale_up
from mosaiclink.config.cluster import ScaleOutSpec, ScaleUpSpec
from mosaiclink.errors import ModelRangeError


def test_capacity_matches_published_fabrics():
    assert fat_tree_capacity(144, 2) == 10_368  # NVIDIA Quantum-X800 two-tier figure (baselines 4.3)
    assert fat_tree_capacity(512, 2) == 131_072  # baselines 4.3
    assert fat_tree_capacity(48, 3) == 27_648  # k^3/4 (Al-Fares 2008)


def test_full_two_tier_tree_counts():
    tree = fat_tree(10_368, ScaleOutSpec(switch_radix=144, tiers=2))
    np.testing.assert_array_equal(tree.links_per_tier, [10_368, 10_368])
    np.testing.assert_array_equal(tree.switches_per_level, [144, 72])  # k leaves, k/2 spines
    np.testing.assert_array_equal(tree.group_endpoints, [1, 72, 10_368])


def test_tiers_chosen_to_fit_and_planes_multiply():
    spec = ScaleOutSpec(switch_radix=64, ports_per_gpu=2)
    assert fat_tree(2_048, spec).tiers == 2
    tree = fat_tree(2_049, spec)
    assert tree.tiers == 3
    np.testing.assert_array_equal(tree.links_per_tier, [2 * 2_049] * 3)


def test_oversubscription_thins_top_tier_only():
    tree = fat_tree(100_000, ScaleOutSpec(top_tier_oversubscription=7.0))
    np.testing.assert_array_equal(tree.links_per_tier, [100_000, 100_000, 14_286])


def test_too_many_gpus_is_a_range_error():
    with pytest.raises(ModelRangeError, match="switch_radix"):
        fat_tree(10**8, ScaleOutSpec(switch_radix=16))
    with pytest.raises(ModelRangeError, match="serves at most 10368"):
        fat_tree(20_000, ScaleOutSpec(tiers=2))


def test_nvl72_scale_up_counts():
    up = scale_up(72 * 10, ScaleUpSpec())
    assert (up.domains, up.racks_per_domain, up.links_per_domain) == (10, 1, 648)
    assert up.switch_trays == 90  # 9 NVLink switch trays per NVL72 (baselines 2.3)


def test_domain_and_rack_must_nest():
    from mosaiclink.errors import ConfigError

    with pytest.raises(ConfigError, match="one must divide the other"):
        ScaleUpSpec.from_mapping({"domain_gpus": 100, "gpus_per_rack": 36})
