"""Catalog: the shipped files validate, and malformed user files fail with one clear line."""

from __future__ import annotations

import re

import pytest

from mosaiclink.config.catalog import parse_rate_gbps, rate_key
from mosaiclink.errors import CatalogError, ConfigError
from mosaiclink.system.catalog import load_catalog

A_SOURCE = 'source_url = "https://example.com/a", date = "2026",'
ENTRY = """
[[entry]]
id = "my-aoc-800g"
technology = "aoc"
name = "my AOC"
rate_gbps = 800
lanes = 8
lane_rate_gbps = 100
medium = "multimode"
laser_based = true
power_w_per_end = {{ low = {power_low}, typical = 10, high = 11, {power_source} date = "2026", confidence = "D" }}
max_reach_m = {{ low = 30, typical = 50, high = 100, {a_source} confidence = "D" }}
fit = {{ low = 100, typical = 200, high = 400, {a_source} confidence = "D" }}
activation_energy_ev = {{ low = 0.5, typical = 0.55, high = 0.6, {a_source} confidence = "R" }}
cost_usd_per_end = {{ low = 1, typical = 2, high = 3, {a_source} confidence = "B" }}
max_operating_temperature_c = {{ low = 70, typical = 70, high = 70, {a_source} confidence = "D" }}
"""
GOOD_SOURCE = 'source_url = "https://example.com/datasheet",'


def write(tmp_path, power_low=9.0, power_source=GOOD_SOURCE):
    path = tmp_path / "user.toml"
    path.write_text(ENTRY.format(power_low=power_low, power_source=power_source, a_source=A_SOURCE))
    return path


def test_builtin_catalog_covers_every_technology_at_800g():
    catalog = load_catalog()
    techs = {e.technology for e in catalog.entries("800g")}
    assert techs == {"passive-dac", "linear-acc", "aec", "aoc", "2xsr4", "dr8", "2xfr4", "lpo", "lro", "cpo"}
    assert catalog.entries("800g", technology="mosaic-published") == []  # reference rows hidden by default
    assert len(catalog.entries("800g", technology="mosaic-published", include_reference=True)) == 1
    assert {e.rate_gbps for e in catalog.entries(technology="passive-dac")} == {400, 800, 1600, 3200}


def test_every_builtin_figure_is_sourced_and_ordered():
    for entry in load_catalog().all_entries:
        for name in ("power_w_per_end", "max_reach_m", "fit", "activation_energy_ev", "max_operating_temperature_c"):
            fig = getattr(entry, name)
            assert re.match(r"^(https?://|research:|estimate:)", fig.source_url), (entry.id, name)
            assert fig.low <= fig.typical <= fig.high
            assert fig.confidence in "DRVNBEPS"


def test_published_baseline_values_are_the_research_ones():
    catalog = load_catalog()
    aoc = catalog.get("aoc-800g").power_w_per_end
    assert (aoc.low, aoc.high) == (9.8, 12.0)
    assert catalog.get("dr8-800g").power_w_per_end.typical == 16.0
    assert catalog.get("passive-dac-800g").max_reach_m.typical == 2.0
    assert catalog.get("dr8-800g").pj_per_bit() == pytest.approx(20.0)


def test_user_file_adds_and_overrides(tmp_path):
    catalog = load_catalog([write(tmp_path)])
    assert catalog.get("my-aoc-800g").power_w_per_end.typical == 10
    assert len(catalog.entries("800g", technology="aoc")) == 2


def test_negative_power_is_one_line_naming_entry_field_value(tmp_path):
    with pytest.raises(CatalogError) as err:
        load_catalog([write(tmp_path, power_low=-1.0)])
    message = str(err.value)
    assert "\n" not in message
    assert "'user.toml'" in message and "'my-aoc-800g'" in message
    assert "power_w_per_end.low = -1.0" in message


def test_missing_source_is_rejected(tmp_path):
    with pytest.raises(
        CatalogError, match=r"entry 'my-aoc-800g': power_w_per_end.source_url: required field is missing"
    ):
        load_catalog([write(tmp_path, power_source="")])


def test_estimate_source_needs_confidence_e(tmp_path):
    with pytest.raises(CatalogError, match="estimate"):
        load_catalog([write(tmp_path, power_source='source_url = "estimate:guess",')])


def test_unknown_entry_and_bad_rate():
    with pytest.raises(CatalogError, match="aoc-800g"):
        load_catalog().get("aoc-800")
    with pytest.raises(ConfigError):
        parse_rate_gbps("fast")
    assert parse_rate_gbps("1.6t") == 1600 and parse_rate_gbps("800G") == 800 and rate_key(3200.0) == "3.2t"


def test_unreadable_file_is_catalog_error(tmp_path):
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog([tmp_path / "missing.toml"])


def test_shipped_files_are_read_once_and_a_user_file_every_time(tmp_path, monkeypatch):
    """Regression test for the report's CPU: the built-in entries are parsed once per process (the
    report loads the catalog a dozen times); a user file is read again on each call."""
    import mosaiclink.system.catalog as catalog_module

    first = load_catalog()
    reads: list[str] = []
    original = catalog_module.read_mapping
    monkeypatch.setattr(catalog_module, "read_mapping", lambda path: reads.append(path.name) or original(path))
    assert load_catalog() == first and reads == []
    user = write(tmp_path)
    load_catalog([user])
    load_catalog([user])
    assert reads == ["user.toml", "user.toml"]
