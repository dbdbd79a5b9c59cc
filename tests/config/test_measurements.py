"""Measurement files and unit conversion: published points, textbook conversions, one-line errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config import quantities
from mosaiclink.config.datasets import dataset_path
from mosaiclink.config.measurements import (
    load_ber_dataset,
    load_datasheet,
    load_led_response,
    load_sensitivity,
    observation_from_counts,
    observation_from_interval,
)
from mosaiclink.config.quantities import convert, field_unit, own_unit_texts
from mosaiclink.errors import ConfigError


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("attenuation_db_per_m", "0.3 dB/km", 3e-4),
        ("diameter_um", "0.05 mm", 50.0),
        ("temperature_c", "300 K", 26.85),
        ("temperature_c", "77 degF", 25.0),
        ("tia_noise_pa_per_sqrt_hz", "2e-12 A/Hz**0.5", 2.0),
        ("chromatic_dispersion_ps_per_nm_km", "-0.77 ps/(nm*m)", -770.0),
        ("received_oma_dbm", "1 mW", 0.0),
        ("received_oma_dbm", "10 uW", -20.0),
        ("abc_b_cm3_per_s", "2e-17 m**3/s", 2e-11),
        ("length_m", "100 ft", 30.48),
        ("rate_gbps", "1600 Mbit/s", 1.6),
        ("na", "0.2", 0.2),
    ],
)
def test_units_convert_to_the_field_name_unit(field, text, expected):
    assert convert(field, text) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_a_name_that_is_only_a_unit_word_has_no_unit():
    assert field_unit("na") is None  # the numerical aperture, not nanoamperes
    assert field_unit("dark_current_na") == "(nA)"


@pytest.mark.parametrize(
    ("field", "text", "needle"),
    [
        ("attenuation_db_per_m", "0.3 dB", "wrong dimension, attenuation_db_per_m needs dB / meter"),
        ("diameter_um", "3 s", "wrong dimension"),
        ("na", "3 m", "needs a plain number"),
        ("length_m", "3 furlongz", "unknown unit"),
        ("length_m", "abc", "expected '<number> <unit>'"),
        ("received_oma_dbm", "-1 mW", "must be > 0 W"),
    ],
)
def test_bad_quantities_are_one_line_naming_the_field(field, text, needle):
    with pytest.raises(ConfigError) as err:
        convert(field, text, "f.toml: point 2")
    message = str(err.value)
    assert (
        needle in message and f"'{field}'" in message and message.startswith("f.toml: point 2") and "\n" not in message
    )


OWN_UNIT_FIELDS = [f"x_{token}" for token in quantities.TOKENS] + [
    "attenuation_db_per_m",
    "tia_noise_pa_per_sqrt_hz",
    "power_w_per_sqrt_ghz",
]


@pytest.mark.parametrize("field", OWN_UNIT_FIELDS)
def test_a_value_in_its_fields_own_unit_is_pints_number(field):
    """The shortcut for a field's own unit (no registry) gives pint's conversion bit for bit: zero,
    signed zero, subnormals and the ends of the float range included."""
    texts = own_unit_texts(field)
    assert texts  # every unit token and the per / per-sqrt forms have one
    ureg = quantities.registry()
    rng = np.random.default_rng(7)
    numbers = [*map(float, rng.normal(size=40) * 10.0 ** rng.integers(-300, 300, 40)), 0.0, -0.0, 5e-324, -1.7e308]
    for text in texts:
        for number in numbers:
            pint_value = float(ureg.Quantity(number, text).to(field_unit(field)).magnitude)
            shortcut = convert(field, f"{number!r} {text.replace('/', ' / ')}")
            assert shortcut == pint_value and math.copysign(1, shortcut) == math.copysign(1, pint_value)


def test_own_units_are_only_exact_spellings():
    assert own_unit_texts("capacitance_ff") == {"fF"}
    assert own_unit_texts("tia_noise_pa_per_sqrt_hz") == {"pA/Hz**0.5", "pA/Hz^0.5"}
    assert own_unit_texts("chromatic_dispersion_ps_per_nm_km") == frozenset()  # two units below: pint converts
    assert own_unit_texts("quantum_efficiency") == frozenset()
    assert convert("attenuation_db_per_m", "0.3 dB/km") == pytest.approx(3e-4, rel=1e-12)  # not its own unit
    with pytest.raises(ConfigError, match="must be a finite number"):
        convert("capacitance_ff", "1e999 fF")


def test_the_shipped_ranges_load_without_building_the_unit_registry():
    """Regression test for the report's CPU: pint's registry costs ~0.6 s and the shipped ranges
    and published points are written in their fields' own units."""
    from mosaiclink.config.datasets import DEFAULT_DATASET
    from mosaiclink.config.estimate_ranges import load_ranges, shipped_ranges_names

    quantities.registry.cache_clear()
    for name in shipped_ranges_names():
        load_ranges(name)
    load_ber_dataset(dataset_path(DEFAULT_DATASET))
    assert quantities.registry.cache_info().currsize == 0


@settings(deadline=None)  # pint's registry is built on the first conversion (~0.5 s), in whichever example comes first
@given(st.floats(1e-6, 1e6), st.sampled_from([("m", 1.0), ("km", 1e3), ("mm", 1e-3), ("um", 1e-6)]))
def test_length_conversion_is_linear(value, unit):
    name, factor = unit
    assert convert("length_m", f"{value!r} {name}") == pytest.approx(value * factor, rel=1e-12)


def test_published_dataset_reads_the_design_md_points():
    data = load_ber_dataset(dataset_path("published"))
    assert data.base == "mosaic-prototype" and len(data.points) == 3
    first, second, third = data.points
    assert first.overrides == {"link.length_m": 20.0, "link.rate_gbps": 2.0}
    assert first.observation.kind == "upper" and first.observation.log10_ber == pytest.approx(math.log10(2e-8))
    assert second.observation.kind == "value" and second.observation.log10_ber == pytest.approx(-3.1198, abs=1e-4)
    assert third.overrides["link.rate_gbps"] == 1.6 and third.observation.log10_ber == pytest.approx(math.log10(2.4e-4))
    assert len(data.sha256) == 64


def test_counted_errors_follow_poisson():
    obs = observation_from_counts(100, 1e9)
    assert obs.log10_ber == pytest.approx(-7.0)
    assert obs.sigma_decades == pytest.approx(0.1 / math.log(10))  # 1 / (ln10 sqrt(100))
    zero = observation_from_counts(0, 1e9)
    assert zero.kind == "upper" and 10**zero.log10_ber == pytest.approx(3e-9)  # rule of three
    interval = observation_from_interval(1e-6, 1e-4)
    assert interval.log10_ber == pytest.approx(-5.0) and interval.sigma_decades == pytest.approx(2 / 3.919927969)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


HEAD = 'format = "mosaic-ber-points/1"\n'


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            "[[point]]\nlength_m = 1\nrate_gbps = 2\nerrors = -1\nbits = 10\n",
            "point 1: field 'errors' = -1: must be a whole number >= 0",
        ),
        (
            "[[point]]\nlength_m = 1\nrate_gbps = 2\nerrors = 11\nbits = 10\n",
            "point 1: field 'errors' = 11: must be below bits = 10",
        ),
        ("[[point]]\nlength_m = 1\nrate_gbps = 2\nber = 1e-3\ncolour = 1\n", "point 1: unknown field 'colour'"),
        (
            "[[point]]\nlength_m = '1 s'\nrate_gbps = 2\nber = 1e-3\n",
            "point 1: field 'length_m' = '1 s': wrong dimension",
        ),
        ("[[point]]\nlength_m = 1\nrate_gbps = 2\n", "point 1: field 'ber': give exactly one"),
        ("[[point]]\nlength_m = 1\nrate_gbps = 2\nber = 2\n", "point 1: field 'ber' = 2: a BER must lie in (0, 1)"),
        ("[[point]]\nlength_m = 1\nrate_gbps = 2\nber = 1e-3\nber_upper = 1e-2\n", "give exactly one"),
        (
            "[free.'led.x_um']\nlow = 2\nhigh = 1\n[[point]]\nlength_m = 1\nrate_gbps = 2\nber = 1e-3\n",
            "must be below high",
        ),
        ("pointz = 1\n", "unknown key 'pointz'; did you mean 'point'?"),
    ],
)
def test_malformed_ber_points_name_file_row_and_field(tmp_path, body, needle):
    path = _write(tmp_path, "d.toml", HEAD + body)
    with pytest.raises(ConfigError) as err:
        load_ber_dataset(path)
    assert needle in str(err.value) and str(path) in str(err.value)


def test_wrong_format_header_is_refused(tmp_path):
    path = _write(tmp_path, "d.toml", 'format = "mosaic-ber-points/9"\n')
    with pytest.raises(ConfigError, match="field 'format' = 'mosaic-ber-points/9'"):
        load_ber_dataset(path)


def test_datasheet_converts_units_into_section_leaves(tmp_path):
    path = _write(
        tmp_path,
        "fibre.toml",
        'format = "mosaic-datasheet/1"\nsection = "fiber"\n[values]\nattenuation_db_per_m = "300 dB/km"\n'
        'core_diameter_um = "0.003 mm"\nna = 0.22\n',
    )
    sheet = load_datasheet(path)
    assert sheet.values == pytest.approx(
        {"fiber.attenuation_db_per_m": 0.3, "fiber.core_diameter_um": 3.0, "fiber.na": 0.22}
    )


def test_led_response_csv_converts_frequency_and_normalises(tmp_path):
    path = _write(
        tmp_path,
        "led.csv",
        "# format = mosaic-led-response/1\nfrequency_ghz,magnitude_db,phase_deg\n0.01,-1.0,0\n1.0,-4.0,-45\n",
    )
    response = load_led_response(path)
    np.testing.assert_allclose(response.frequency_hz, [1e7, 1e9])
    np.testing.assert_allclose(response.magnitude_db, [0.0, -3.0])


def test_led_response_touchstone_reads_s21(tmp_path):
    skrf = pytest.importorskip("skrf")
    f = skrf.Frequency(0.01, 2.0, 5, unit="ghz")
    h = 1.0 / (1.0 + 1j * f.f / 1e9)  # one pole at 1 GHz: -3.01 dB there
    s = np.zeros((5, 2, 2), dtype=complex)
    s[:, 1, 0] = h
    skrf.Network(frequency=f, s=s).write_touchstone(str(tmp_path / "led"))
    response = load_led_response(tmp_path / "led.s2p")
    at_1ghz = np.interp(1e9, response.frequency_hz, response.magnitude_db)
    assert at_1ghz == pytest.approx(-10 * np.log10(2.0) + 10 * np.log10(1 + 1e-4), abs=0.05)


def test_sensitivity_curve_rows_are_checked(tmp_path):
    good = _write(
        tmp_path,
        "rx.csv",
        "# format = mosaic-rx-sensitivity/1\nreceived_oma_dbm,errors,bits\n-20,100,1e9\n-22,1000,1e8\n",
    )
    curve = load_sensitivity(good)
    assert curve.received_oma_dbm.tolist() == [-20.0, -22.0]
    assert [o.log10_ber for o in curve.observations] == pytest.approx([-7.0, -5.0])
    bad = _write(tmp_path, "bad.csv", "# format = mosaic-rx-sensitivity/1\nreceived_oma_dbm,errors,bits\n-20,5,1\n")
    with pytest.raises(ConfigError, match="row 3: field 'errors' = 5: must be below bits = 1"):
        load_sensitivity(bad)
    unknown = _write(tmp_path, "u.csv", "# format = mosaic-rx-sensitivity/1\nreceived_oma_dbm,colour\n-20,1\n")
    with pytest.raises(ConfigError, match="unknown column 'colour'"):
        load_sensitivity(unknown)


_VALUES = st.one_of(
    st.integers(-5, 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["20 m", "2 Gbit/s", "1e-9", "3 s", "abc", "-1 dB", "1 mW", ""]),
    st.booleans(),
)
_FIELDS = st.sampled_from(
    ["length_m", "rate_gbps", "errors", "bits", "ber", "ber_low", "ber_high", "ber_upper", "sigma_decades", "colour"]
)


@given(st.lists(st.dictionaries(_FIELDS, _VALUES, max_size=6), min_size=1, max_size=3))
def test_fuzzed_ber_points_load_or_fail_in_one_line(tmp_path_factory, points):
    import tomli_w

    path = tmp_path_factory.mktemp("fuzz") / "d.toml"
    try:
        path.write_text(tomli_w.dumps({"format": "mosaic-ber-points/1", "point": points}))
    except (TypeError, ValueError):
        return  # not representable in TOML
    try:
        data = load_ber_dataset(path)
    except ConfigError as err:
        assert "\n" not in str(err) and str(path) in str(err)
        return
    for point in data.points:
        assert math.isfinite(point.observation.log10_ber) and point.observation.sigma_decades > 0
        assert point.observation.log10_ber <= 0  # errors <= bits
