"""What the terminal shows: help with an example and no value placeholder on flags, tables that
fit 100 columns, the confidence codes explained, one rate parser for every command."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mosaiclink.cli._registry import COMMANDS as REGISTRY
from mosaiclink.config.catalog import parse_rate_gbps, rate_key
from mosaiclink.errors import ConfigError

COMMANDS = tuple(sorted(REGISTRY))


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_a_valid_example_and_no_bool_placeholder(mosaic, command):
    result = mosaic(command, "--help")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "<bool>" not in text
    example = re.search(rf"Example: (mosaic {command}[^\n│]*)", text)
    assert example, text
    for option in re.findall(r"(--[a-z][a-z0-9-]*)", example[1]):
        assert option in text, f"{command}: example uses {option}, which --help does not list"


def test_top_level_help_shows_an_example(mosaic):
    text = mosaic("--help").stdout
    assert "Example: mosaic report" in text and "<bool>" not in text


def test_compare_fits_100_columns_and_explains_confidence(mosaic):
    result = mosaic("compare")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "…" not in result.stdout  # nothing truncated
    assert "E our estimate" in result.stdout and "D datasheet or standard" in result.stdout
    wide = mosaic("compare", "--wide").stdout
    assert "FIT ratio" in wide and "MTBF" in wide and max(len(line) for line in wide.splitlines()) > 100


def test_compare_rate_forms_and_unoffered_rate(mosaic):
    result = mosaic("compare", "--rate", "1.6 Tb/s", "--json")
    assert result.returncode == 0, result.stderr
    assert '"rate_gbps": 1600.0' in result.stdout
    refused = mosaic("compare", "--rate", "200")
    assert refused.returncode == 2 and refused.stderr.startswith("error: rate = '200g': no MOSAIC preset")
    assert "Traceback" not in refused.stderr


def test_one_rate_parser_reads_every_spelling():
    for text, gbps in (
        ("800g", 800),
        ("800G", 800),
        ("800", 800),
        ("1.6t", 1600),
        ("1.6Tbps", 1600),
        ("800 Gb/s", 800),
        ("3.2 T", 3200),
    ):
        assert parse_rate_gbps(text) == gbps, text
    for bad in ("fast", "-800g", "0g", ""):
        with pytest.raises(ConfigError, match="rate = "):
            parse_rate_gbps(bad)


@given(st.floats(min_value=1.0, max_value=9999.0, allow_nan=False))
def test_rate_key_round_trips(gbps):
    gbps = round(gbps, 1)
    assert parse_rate_gbps(rate_key(gbps)) == pytest.approx(gbps, rel=1e-9)
