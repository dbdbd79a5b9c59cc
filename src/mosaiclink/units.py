"""Physical constants and decibel helpers.

Every quantity in mosaiclink carries its unit in its name (``power_dbm``, ``length_m``);
these helpers convert between the linear and logarithmic forms used by link budgets.
Constants are CODATA 2018 exact or recommended values.
"""

from __future__ import annotations

import math

import numpy as np

ELEMENTARY_CHARGE_C = 1.602176634e-19
BOLTZMANN_J_PER_K = 1.380649e-23
PLANCK_J_S = 6.62607015e-34
SPEED_OF_LIGHT_M_PER_S = 299_792_458.0
ZERO_CELSIUS_K = 273.15
HOURS_PER_YEAR = 8766.0  # Julian year, the convention of FIT/MTBF arithmetic
FIT_HOURS = 1e9  # one FIT is one failure per 1e9 device-hours
BER_FLOOR = 1e-40  # smallest BER shown as a number; below it (or an underflow to 0) shows "< 1e-40": the LED's RIN
# and the unmodelled impairments make smaller figures meaningless, and post-FEC specs stop near 1e-15


def db_to_linear(value_db):
    """Power ratio from decibels: ``10 ** (dB / 10)``."""
    return np.power(10.0, np.asarray(value_db, dtype=float) / 10.0)


def linear_to_db(ratio):
    """Decibels from a power ratio: ``10 log10(ratio)``; ratio <= 0 gives -inf."""
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(np.asarray(ratio, dtype=float))


def dbm_to_mw(power_dbm):
    """Milliwatts from dBm."""
    return db_to_linear(power_dbm)


def mw_to_dbm(power_mw):
    """dBm from milliwatts."""
    return linear_to_db(power_mw)


def dbm_to_w(power_dbm):
    """Watts from dBm."""
    return db_to_linear(power_dbm) * 1e-3


def w_to_dbm(power_w):
    """dBm from watts."""
    return linear_to_db(np.asarray(power_w, dtype=float) * 1e3)


def celsius_to_kelvin(temperature_c):
    """Kelvin from degrees Celsius."""
    return np.asarray(temperature_c, dtype=float) + ZERO_CELSIUS_K


def photon_energy_j(wavelength_nm):
    """Photon energy ``E = h c / lambda`` in joules."""
    return PLANCK_J_S * SPEED_OF_LIGHT_M_PER_S / (np.asarray(wavelength_nm, dtype=float) * 1e-9)


def format_ber(ber: float, digits: int = 2, log10_ber: float | None = None) -> str:
    """A model BER for display: ``1.23e-05``, or ``< 1e-40`` below :data:`BER_FLOOR`, never ``0.00e+00``.

    Give ``log10_ber`` when the model has it: ``10**-646`` underflows to 0 in a float, its
    logarithm does not. A NaN shows as ``n/a`` (callers guard results with
    :func:`mosaiclink.finite.require_finite` before they get here).
    """
    if log10_ber is not None and math.isfinite(log10_ber):
        if log10_ber <= math.log10(BER_FLOOR):  # the models clip at the floor: at it means below
            return f"< {BER_FLOOR:.0e}".replace("e-0", "e-")
        ber = 10.0**log10_ber
    if math.isnan(ber):
        return "n/a"
    if ber < BER_FLOOR:
        return f"< {BER_FLOOR:.0e}".replace("e-0", "e-")
    return f"{ber:.{digits}e}"
