"""Array geometry and seeded variation."""

import numpy as np

from mosaiclink.config.design import ArraySpec, VariationSpec
from mosaiclink.physics.array import draw_variation, grid_positions, neighbour_count, neighbours


def test_edges_and_corners_have_fewer_neighbours():
    arr = ArraySpec(rows=4, cols=5, spare_channels=3)
    count = neighbour_count(arr)
    assert count[0] == 2 and count[2] == 3 and count[6] == 4  # corner, top edge, interior
    assert arr.total_channels == 23
    assert tuple(grid_positions(arr)[-1]) == (4, 2)  # spares fill an extra row
    idx, offsets = neighbours(arr, radius=2)
    assert idx.shape == (23, 24) and offsets.shape == (24, 2)
    assert np.all(idx[0][(offsets[:, 0] < 0) | (offsets[:, 1] < 0)] == -1)


def test_same_seed_same_draws_and_independent_of_array_size():
    spec = VariationSpec()
    a = draw_variation(spec, 50, seed=7, length_mismatch_ppm=100)
    b = draw_variation(spec, 50, seed=7, length_mismatch_ppm=100)
    c = draw_variation(spec, 80, seed=7, length_mismatch_ppm=100)
    d = draw_variation(spec, 50, seed=8, length_mismatch_ppm=100)
    assert np.array_equal(a.led_efficiency_scale, b.led_efficiency_scale)
    assert np.array_equal(a.tx_offset_um, c.tx_offset_um[:50])
    assert not np.array_equal(a.led_efficiency_scale, d.led_efficiency_scale)


def test_variation_statistics():
    draws = draw_variation(VariationSpec(led_efficiency_sigma_pct=10.0, dead_channel_probability=0.1), 4000, seed=1)
    assert abs(draws.led_efficiency_scale.std() - 0.10) < 0.01
    assert abs(draws.dead.mean() - 0.1) < 0.02


def test_draws_are_each_channels_own_stream_and_results_do_not_share_memory():
    """The cached standard normals are channel k's stream's first ten normals (streams module), and a
    caller writing into one draw's arrays changes no later draw."""
    from mosaiclink.streams import Stream, generator

    spec = VariationSpec(misalignment_sigma_um=1.0, wavelength_sigma_nm=1.0)
    first = draw_variation(spec, 12, seed=3, length_mismatch_ppm=1e6)
    for k in (0, 5, 11):
        z = generator(3, Stream.VARIATION, k).standard_normal(10)
        assert np.array_equal(first.tx_offset_um[k], z[3:5]) and first.wavelength_offset_nm[k] == z[7]
        assert first.length_offset_fraction[k] == z[8]
    kept = first.tx_offset_um.copy()
    for field in ("led_efficiency_scale", "tx_offset_um", "wavelength_offset_nm", "dead"):
        getattr(first, field)[...] = 0
    again = draw_variation(spec, 12, seed=3, length_mismatch_ppm=1e6)
    assert np.array_equal(again.tx_offset_um, kept) and again.led_efficiency_scale.min() >= 0.05
