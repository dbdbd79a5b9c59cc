"""Textbook values of the unit helpers."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

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


FINITE_DB = st.floats(min_value=-200.0, max_value=200.0)


@given(FINITE_DB)
def test_db_and_dbm_round_trips(value_db):
    assert math.isclose(units.linear_to_db(units.db_to_linear(value_db)), value_db, abs_tol=1e-9)
    assert math.isclose(units.mw_to_dbm(units.dbm_to_mw(value_db)), value_db, abs_tol=1e-9)
    assert math.isclose(units.w_to_dbm(units.dbm_to_w(value_db)), value_db, abs_tol=1e-9)
    # 0 dBm is 1 mW: dBm and dBW differ by exactly 30 dB
    assert math.isclose(units.dbm_to_w(value_db), units.dbm_to_mw(value_db) * 1e-3, rel_tol=1e-12)


@given(FINITE_DB, FINITE_DB)
def test_decibels_add_where_ratios_multiply(a_db, b_db):
    assert math.isclose(
        units.db_to_linear(a_db + b_db), units.db_to_linear(a_db) * units.db_to_linear(b_db), rel_tol=1e-9
    )


@given(st.floats(min_value=200.0, max_value=2000.0), st.floats(min_value=1.0, max_value=2.0))
def test_photon_energy_is_inverse_in_wavelength(wavelength_nm, factor):
    assert math.isclose(
        units.photon_energy_j(wavelength_nm) / units.photon_energy_j(wavelength_nm * factor), factor, rel_tol=1e-12
    )
