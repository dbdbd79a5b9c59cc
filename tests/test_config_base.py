"""The spec base class: frozen, strict keys, one-line errors; file round trips."""

from __future__ import annotations

import pytest
from pydantic import Field

from mosaiclink.config import Spec, load_spec, read_mapping, save_spec
from mosaiclink.errors import ConfigError


class Inner(Spec):
    core_diameter_um: float = Field(3.0, gt=0)


class Outer(Spec):
    length_m: float = Field(20.0, ge=0)
    rate_gbps: float = Field(2.0, gt=0)
    fiber: Inner = Inner()


def test_misspelled_key_names_nearest_valid_key():
    with pytest.raises(ConfigError, match=r"unknown key 'lenght_m'; did you mean 'length_m'\?"):
        Outer.from_mapping({"lenght_m": 5})


def test_misspelled_nested_key_names_its_path():
    with pytest.raises(ConfigError, match=r"unknown key 'fiber.core_diamter_um'; did you mean 'core_diameter_um'"):
        Outer.from_mapping({"fiber": {"core_diamter_um": 3}})


def test_out_of_range_value_names_field_value_and_bound():
    with pytest.raises(ConfigError, match=r"^length_m = -1: Input should be greater than or equal to 0$"):
        Outer.from_mapping({"length_m": -1})


def test_specs_are_frozen_and_replace_validates():
    spec = Outer()
    with pytest.raises(ConfigError, match="frozen"):  # the package's error, also a ValueError
        spec.length_m = 3.0  # type: ignore[misc]
    assert spec.replace(length_m=30).length_m == 30
    with pytest.raises(ConfigError, match="rate_gbps = 0"):
        spec.replace(rate_gbps=0)


@pytest.mark.parametrize("suffix", [".toml", ".yaml", ".json"])
def test_round_trip_through_each_format(tmp_path, suffix):
    spec = Outer(length_m=12.5, fiber=Inner(core_diameter_um=2.5))
    path = save_spec(spec, tmp_path / f"spec{suffix}")
    assert load_spec(path, Outer) == spec


def test_bad_file_is_one_line_error(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("length_m = = 3\n")
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        read_mapping(bad)
    assert "\n" not in str(info.value)
    with pytest.raises(ConfigError, match="extension must be one of"):
        read_mapping(tmp_path / "spec.ini")
