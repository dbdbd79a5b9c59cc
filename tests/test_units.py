"""Textbook values of the unit helpers."""

import numpy as np

from mosaiclink import units


def test_decibel_round_trips_and_reference_points():
    assert units.dbm_to_mw(0.0) == 1.0
    assert np.isclose(units.dbm_to_mw(10.0), 10.0)
    assert np.isclose(units.w_to_dbm(1e-3), 0.0)
    assert np.isclose(units.linear_to_db(2.0), 3.0103, atol=1e-4)
    x = np.array([-30.0, -3.0, 7.5])
    assert np.allclose(units.mw_to_dbm(units.dbm_to_mw(x)), x)


def test_photon_energy_of_blue_light():
    # 450 nm -> 2.755 eV
    assert np.isclose(units.photon_energy_j(450.0) / units.ELEMENTARY_CHARGE_C, 2.7552, atol=1e-3)
