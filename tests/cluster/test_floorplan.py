"""Cable lengths from the floor geometry: conservation, bounds and geometry."""

import numpy as np

from mosaiclink.cluster.floorplan import rack_positions, row_pitch_m, scale_out_links, scale_up_links
from mosaiclink.cluster.topology import fat_tree
from mosaiclink.config.cluster import FloorSpec, ScaleOutSpec, ScaleUpSpec

FLOOR = FloorSpec()


def test_rack_grid_pitch_and_rows():
    x, y, _ = rack_positions(45, FLOOR)
    assert np.allclose(np.diff(x[:20]), FLOOR.rack_width_m)
    assert np.isclose(abs(y[20] - y[0]), row_pitch_m(FLOOR))
    assert np.isclose(row_pitch_m(FLOOR), 1.2 + 0.5 * (1.2 + 0.9))


def test_fabric_links_are_conserved_and_bounded():
    spec = ScaleOutSpec(top_tier_oversubscription=7.0)
    tree = fat_tree(100_000, spec)
    groups = scale_out_links(100_000, 72, tree, spec, FLOOR)
    np.testing.assert_allclose(groups.links_per_tier(), [100_000, 100_000, 100_000 / 7])
    nic = groups.length_m[groups.tier == 0]
    # Row-end leaf: from half a rack to a full row away, plus rise and drop, times slack.
    low = (0.5 * FLOOR.rack_width_m + FLOOR.rise_drop_m) * FLOOR.slack_factor
    high = ((FLOOR.racks_per_row + 0.5) * FLOOR.rack_width_m + FLOOR.rise_drop_m) * FLOOR.slack_factor
    assert nic.min() >= low - 1e-9 and nic.max() <= high + 1e-9
    mean = groups.mean_length_per_tier_m()
    assert mean[0] < mean[2]  # links into the core run farther than NIC-leaf links


def test_in_rack_leaf_uses_in_rack_length():
    spec = ScaleOutSpec(leaf_placement="in-rack", switch_radix=64)
    tree = fat_tree(1_024, spec)
    groups = scale_out_links(1_024, 32, tree, spec, FLOOR)
    assert np.all(groups.length_m[groups.tier == 0] == FLOOR.in_rack_m)


def test_slack_scales_every_routed_cable():
    spec = ScaleOutSpec()
    tree = fat_tree(20_000, spec)
    a = scale_out_links(20_000, 72, tree, spec, FLOOR)
    b = scale_out_links(20_000, 72, tree, spec, FLOOR.replace(slack_factor=1.5))
    np.testing.assert_allclose(b.length_m / a.length_m, 1.5 / 1.1)


def test_nvl72_spine_stays_in_the_rack():
    groups = scale_up_links(720, ScaleUpSpec(), FLOOR)
    assert np.all(groups.length_m == 0.6)
    assert groups.links_per_tier()[0] == 720 * 9


def test_multi_rack_domain_sends_one_share_per_rack():
    spec = ScaleUpSpec(domain_gpus=576, gpus_per_rack=36)
    groups = scale_up_links(576 * 4, spec, FLOOR)
    assert np.isclose(groups.links_per_tier()[0], 576 * 4 * 9)
    in_rack = groups.count[groups.length_m == spec.in_rack_cable_m].sum() / groups.count.sum()
    assert np.isclose(in_rack, 1 / 16)
    assert groups.length_m.max() > 2.0  # beyond passive copper's reach at 800G
