"""Design specs and presets: every preset validates, errors are one line with the nearest key."""

from __future__ import annotations

import pytest

from mosaiclink.config import save_spec
from mosaiclink.config.design import EqualizerSpec, MicroLedSpec, MosaicDesign
from mosaiclink.config.presets import load_design, load_preset, preset_names
from mosaiclink.errors import ConfigError


def test_all_presets_load_and_have_expected_sizes():
    assert preset_names() == ["mosaic-1.6t", "mosaic-3.2t", "mosaic-400g", "mosaic-800g", "mosaic-prototype"]
    d800 = load_preset("mosaic-800g")
    assert d800.array.data_channels == 400
    assert 0.05 <= d800.array.spare_channels / 400 <= 0.15
    assert d800.coupling.lens == "tir" and d800.link.length_m == 49.0
    assert load_preset("mosaic-prototype").array.total_channels == 100
    assert load_preset("mosaic-1.6t").array.data_channels == 784
    assert load_preset("mosaic-3.2t").array.data_channels == 1600
    # extends: the scaled designs inherit the 800G optics
    assert load_preset("mosaic-3.2t").led == d800.led and load_preset("mosaic-3.2t").coupling.lens == "tir"


def test_unknown_preset_lists_valid_names():
    with pytest.raises(
        ConfigError, match="valid presets: mosaic-1.6t, mosaic-3.2t, mosaic-400g, mosaic-800g, mosaic-prototype"
    ):
        load_preset("mosaic-200g")


def test_nested_misspelling_names_path_and_nearest_key():
    with pytest.raises(ConfigError, match=r"unknown key 'fiber.attenuation_db_m'; did you mean 'attenuation_db_per_m'"):
        MosaicDesign.from_mapping({"fiber": {"attenuation_db_m": 0.1}})


def test_cross_field_checks():
    with pytest.raises(ConfigError, match=r"^peak_current_ma = 1.0: must exceed bias_current_ma = 2.0$"):
        MicroLedSpec.from_mapping({"bias_current_ma": 2.0, "peak_current_ma": 1.0})
    with pytest.raises(ConfigError, match=r"^ffe_precursor_taps = 2: must be below ffe_taps = 2$"):
        EqualizerSpec.from_mapping({"ffe_taps": 2, "ffe_precursor_taps": 2})


def test_with_link_validates_and_names_path():
    design = load_preset("mosaic-800g")
    assert design.with_link(length_m=30.0).link.length_m == 30.0
    with pytest.raises(ConfigError, match=r"^link.length_m = -1"):
        design.with_link(length_m=-1)
    with pytest.raises(ConfigError, match=r"^link.rate_gbps = 0"):
        design.with_link(rate_gbps=0)


def test_design_file_round_trip_and_extends(tmp_path):
    design = load_preset("mosaic-prototype")
    path = save_spec(design, tmp_path / "proto.toml")
    assert load_design(path) == design
    over = tmp_path / "over.toml"
    over.write_text('extends = "mosaic-800g"\nname = "x"\n[link]\nlength_m = 10.0\n')
    loaded = load_design(over)
    assert loaded.link.length_m == 10.0 and loaded.array.rows == 20 and loaded.name == "x"
