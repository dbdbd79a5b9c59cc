"""Fits refuse degenerate data before the optimizer runs, one line each (issue 26).

Each dataset below reached ``scipy.optimize.least_squares`` (or a model) as non-finite residuals,
or was fitted silently although its conditions are outside the design's own validation.
"""

from __future__ import annotations

import pytest

from mosaiclink.config.measurements import load_ber_dataset
from mosaiclink.config.presets import load_preset
from mosaiclink.errors import ConfigError
from mosaiclink.explore.calibrate import check_points, free_parameters

HEAD = """format = "mosaic-ber-points/1"
name = "t"
base = "mosaic-prototype"
[[point]]
length_m = 1
rate_gbps = 2
"""

AT_LOAD = {
    "errors = 5\nbits = 5": "must be below bits = 5",
    "errors = 0\nbits = 5e-324": "field 'bits' = 4.94066e-324: must be a whole number >= 1",
    "errors = 1.5\nbits = 100": "field 'errors' = 1.5: must be a whole number",
    'ber = "1e-6 m"': "wrong dimension",
}
AT_FIT = {
    "ber = 1e-6\nsigma_decades = 5e-324": "sigma = 4.94066e-324 decades: must be >= 0.001",
    "ber = 1e-320": "log10 BER = -320: outside the model's range",
    'ber = 1e-6\ntemperature_c = "-300 degC"': "led.temperature_c = -300.0",
    'ber = 1e-6\ntemperature_c = "0 K"': "led.temperature_c = -273.15",
    'ber = 1e-6\nset = {"array.rows" = 2.5}': "array.rows = 2.5",
    'ber = 1e-6\nset = {"nosuch.x" = 1}': "'nosuch' is not a section of the design",
    'ber = 1e-6\nset = {"link.rate_gbps" = 1e-320}': "link.rate_gbps",
}


def _dataset(tmp_path, body):
    path = tmp_path / "d.toml"
    path.write_text(HEAD + body + "\n")
    return load_ber_dataset(path)


@pytest.mark.parametrize("body", sorted(AT_LOAD))
def test_degenerate_observations_are_refused_when_read(tmp_path, body):
    with pytest.raises(ConfigError, match="point 1") as info:
        _dataset(tmp_path, body)
    assert AT_LOAD[body] in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("body", sorted(AT_FIT))
def test_points_outside_the_model_or_the_design_are_refused_before_the_fit(tmp_path, body):
    data = _dataset(tmp_path, body)
    with pytest.raises(ConfigError, match="point 1") as info:
        check_points(data, load_preset("mosaic-prototype"))
    assert AT_FIT[body] in str(info.value) and "\n" not in str(info.value)


def test_a_valid_point_passes_the_checks(tmp_path):
    data = _dataset(tmp_path, 'ber = 1e-6\ntemperature_c = "45 degC"')
    assert check_points(data, load_preset("mosaic-prototype")) is None  # no error: the point is fittable
    assert data.points[0].overrides["led.temperature_c"] == 45.0


def test_a_parameter_freed_twice_is_refused(tmp_path):
    data = _dataset(tmp_path, "ber = 1e-6")
    name = "fiber.attenuation_db_per_m"
    with pytest.raises(ConfigError, match=f"--free = '{name}': given twice"):
        free_parameters(data, load_preset("mosaic-prototype"), [name, name], {})
