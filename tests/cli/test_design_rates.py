"""``mosaic design`` at the rates of the shipped presets: it starts from that preset's optics and
finds a design at least as good as the preset, or refuses naming the constraint."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mosaiclink.config.catalog import parse_rate_gbps
from mosaiclink.config.presets import load_preset
from mosaiclink.errors import ModelRangeError
from mosaiclink.explore.evaluate import evaluate_rows
from mosaiclink.explore.optimize import design_for_target
from mosaiclink.explore.spec import with_overrides
from mosaiclink.system.compare import PRESET_BY_RATE

KP4_BER = 2.4e-4


def _preset_metrics(name: str, reach_m: float) -> dict[str, float]:
    design = with_overrides(load_preset(name), {"link.target_ber": KP4_BER})
    m = evaluate_rows(design, ("link.length_m",), np.array([[reach_m]]))
    return {k: float(v[0]) for k, v in m.items()}


def test_every_product_preset_carries_the_rate_it_is_listed_for():
    for rate_gbps, name in PRESET_BY_RATE.items():
        assert load_preset(name).data_rate_gbps == rate_gbps
    assert PRESET_BY_RATE[parse_rate_gbps("3.2t")] == "mosaic-3.2t"


def test_design_3p2t_meets_the_target_and_equals_or_beats_the_shipped_preset():
    name = PRESET_BY_RATE[3200.0]
    reach_m = 0.8 * _preset_metrics(name, 1.0)["reach_m"]  # where the preset itself meets KP4 (from the model)
    preset = _preset_metrics(name, reach_m)
    assert preset["ber"] <= KP4_BER and preset["fits_fibre"] == 1.0
    choice = design_for_target(3200.0, reach_m, KP4_BER, "power", base=load_preset(name))
    met = choice.metrics
    assert choice.confirmation["confirmed"]
    assert met["rate_gbps_total"] >= 3200.0 and met["ber"] <= KP4_BER and met["fits_fibre"] == 1.0
    assert met["power_w"] <= preset["power_w"] and met["pj_per_bit"] <= preset["pj_per_bit"]
    assert met["fit"] <= preset["fit"] * (1 + 1e-9)
    assert choice.design.array.data_channels * choice.design.link.rate_gbps >= 3200.0


def test_design_3p2t_beyond_the_presets_reach_refuses_naming_the_constraint(mosaic):
    reach_m = 1.5 * _preset_metrics("mosaic-3.2t", 1.0)["reach_m"]
    with pytest.raises(ModelRangeError, match=r"(BER|image field).*mosaic-3\.2t itself reaches \d+\.\d m"):
        design_for_target(3200.0, reach_m, KP4_BER, "power", base=load_preset("mosaic-3.2t"))
    result = mosaic("design", "--rate", "3.2t", "--reach-m", f"{reach_m:.1f}")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "mosaic-3.2t itself reaches" in result.stderr


def test_design_shows_the_line_rate_the_host_protocol_sets(mosaic):
    from mosaiclink.config.line_rate import required_line_rate_gbps

    data = json.loads(mosaic("design", "--rate", "800g", "--json").stdout)
    channels = data["design"]["array"]["rows"] * data["design"]["array"]["cols"]
    assert data["host_protocol"] == "800gbe"
    assert data["line_rate_gbps"] == pytest.approx(required_line_rate_gbps("800gbe", channels), rel=1e-12)
    text = mosaic("design", "--rate", "800g").stdout
    assert "line rate per channel" in text and f"{data['line_rate_gbps']:.4f} Gb/s" in text
