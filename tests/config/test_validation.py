"""Spec validation at every entry point: finite floats, physical bounds, the package's own errors."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.config.design import MAX_TOTAL_CHANNELS, ArraySpec, LinkSpec, MicroLedSpec, MosaicDesign
from mosaiclink.config.presets import load_preset
from mosaiclink.config.sweep import SweepSpec
from mosaiclink.errors import ConfigError, MosaicError


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "nan", "inf"])
def test_non_finite_is_refused_by_name(bad):
    with pytest.raises(
        ConfigError, match=r"^rate_gbps = .*: must be a finite number \(NaN and infinity are refused\)$"
    ):
        LinkSpec(rate_gbps=bad)


def test_non_finite_inside_nested_lists_and_tables_is_refused():
    with pytest.raises(ConfigError, match=r"^ber_per_channel\.1 = nan: must be a finite number"):
        DatapathSpec(channels=1, spares=1, ber_per_channel=(0.0, math.nan))
    sweep = {"parameters": {"link.length_m": {"values": [1.0, math.inf]}}}
    with pytest.raises(ConfigError, match=r"^parameters\.link\.length_m\.values\.1 = inf: must be a finite"):
        SweepSpec.from_mapping(sweep)


def test_subnormal_rate_is_refused_and_physical_floor_applies():
    with pytest.raises(ConfigError, match=r"^length_m = 1e-320: is subnormal"):
        LinkSpec(length_m=1e-320)
    with pytest.raises(ConfigError, match=r"^rate_gbps = 1e-320: Input should be greater than or equal to 0.001$"):
        LinkSpec(rate_gbps=1e-320)
    with pytest.raises(ConfigError, match=r"^rate_gbps = 1e-06: Input should be greater than or equal to 0.001$"):
        LinkSpec(rate_gbps=1e-6)


def test_sub_micron_led_is_refused():
    with pytest.raises(ConfigError, match=r"^led\.diameter_um = 0\.1: Input should be greater than or equal to 1$"):
        MosaicDesign.from_mapping({"led": {"diameter_um": 0.1}})
    assert MicroLedSpec(diameter_um=1.0).diameter_um == 1.0


def test_array_size_is_bounded_and_says_why():
    with pytest.raises(
        ConfigError, match=rf"rows x cols \+ spare_channels = 1000000: must be <= {MAX_TOTAL_CHANNELS} \(a"
    ):
        ArraySpec(rows=1000, cols=1000, spare_channels=0)
    assert ArraySpec(rows=64, cols=64, spare_channels=0).total_channels == MAX_TOTAL_CHANNELS
    assert load_preset("mosaic-3.2t").array.total_channels <= MAX_TOTAL_CHANNELS


def test_constructor_errors_are_package_errors_and_value_errors():
    with pytest.raises(ConfigError, match=r"^unknown key 'bogus'; valid keys: array, coupling") as info:
        MosaicDesign(bogus=1)
    assert isinstance(info.value, MosaicError) and isinstance(info.value, ValueError)
    with pytest.raises(ConfigError, match=r"^length_m = -1: Input should be greater than or equal to 0$"):
        LinkSpec(length_m=-1)


def test_nested_mapping_errors_keep_their_dotted_path():
    with pytest.raises(ConfigError, match=r"^link\.length_m = -3: Input should be greater than or equal to 0$"):
        MosaicDesign(link={"length_m": -3})
    with pytest.raises(ConfigError, match=r"^unknown key 'link\.lenth_m'; did you mean 'length_m'\?$"):
        MosaicDesign(link={"lenth_m": 3})


def test_assigning_to_a_frozen_spec_is_a_config_error():
    design = MosaicDesign()
    with pytest.raises(ConfigError, match=r"^name = 'x': Instance is frozen$"):
        design.name = "x"  # type: ignore[misc]


def test_replace_deep_merges_nested_sections():
    design = load_preset("mosaic-800g")
    changed = design.replace(fiber={"na": 0.3})
    assert changed.fiber.na == 0.3
    assert changed.fiber.model_dump(exclude={"na"}) == design.fiber.model_dump(exclude={"na"})
    assert changed.led == design.led
    whole = design.replace(fiber=type(design.fiber)())
    assert whole.fiber == type(design.fiber)()
    with pytest.raises(ConfigError, match=r"^fiber\.na = 2: Input should be less than 1$"):
        design.replace(fiber={"na": 2})


def test_with_link_keeps_other_link_fields():
    design = load_preset("mosaic-prototype")
    assert design.with_link(length_m=7.0).link.model_dump(exclude={"length_m"}) == design.link.model_dump(
        exclude={"length_m"}
    )


def test_empty_design_is_an_error():
    with pytest.raises(ConfigError, match=r"^design is empty: give at least one section"):
        MosaicDesign.from_mapping({})


def test_non_mapping_and_huge_values_stay_one_line():
    with pytest.raises(ConfigError, match=r"^MosaicDesign: must be a table of keys, got list$"):
        MosaicDesign.from_mapping([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ConfigError) as info:
        LinkSpec(length_m=10**400)
    assert "\n" not in str(info.value) and len(str(info.value)) < 200


@settings(max_examples=200, deadline=None)
@given(value=st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.text(max_size=20))
def test_any_scalar_for_a_float_field_is_accepted_finite_or_refused_in_one_line(value):
    """Property: a float field either holds a finite normal number afterwards or raises ConfigError."""
    try:
        spec = LinkSpec(length_m=value)
    except ConfigError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("length_m = ")
    else:
        assert math.isfinite(spec.length_m) and 0.0 <= spec.length_m <= 10_000.0
