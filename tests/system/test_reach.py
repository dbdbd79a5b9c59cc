"""Reach: copper reach vs lane rate from the catalog; MOSAIC reach from the physics link model."""

from __future__ import annotations

import pytest

from mosaiclink.errors import ModelRangeError
from mosaiclink.system.catalog import load_catalog
from mosaiclink.system.reach import copper_reach_m


def test_copper_reach_falls_with_lane_rate():
    catalog = load_catalog()
    assert copper_reach_m(catalog, 100) == pytest.approx(2.0)
    assert copper_reach_m(catalog, 200) == pytest.approx(1.0)
    assert copper_reach_m(catalog, 150) == pytest.approx(2.0 ** (1 - 0.5849625), rel=1e-6)  # log-log
    assert copper_reach_m(catalog, 50) == pytest.approx(2.0)  # held below the lowest catalog point
    assert copper_reach_m(catalog, 100, technology="linear-acc") == pytest.approx(4.0)
    assert copper_reach_m(catalog, 100, technology="aec") > copper_reach_m(catalog, 100)


def test_unknown_copper_technology():
    with pytest.raises(ModelRangeError, match="no catalog entries"):
        copper_reach_m(load_catalog(), 100, technology="twisted-pair")
