"""compare(): MOSAIC row computed from the design, catalog rows scaled to the operating point."""

from __future__ import annotations

import pytest

from mosaiclink.config.presets import load_preset
from mosaiclink.config.system import CostSpec, ReliabilitySpec
from mosaiclink.errors import ConfigError
from mosaiclink.system.catalog import load_catalog
from mosaiclink.system.compare import compare
from mosaiclink.system.cost import mosaic_cost
from mosaiclink.system.reliability import arrhenius_factor, without_module_parts


def fixed_reach(length_m):
    """A stand-in reach model for testing the feasibility logic (not the physics)."""
    return lambda design, target_ber: length_m


def test_rows_and_headline_at_800g():
    result = compare("800g", reach_m=30, temperature_c=55, reach_fn=fixed_reach(45.0))
    techs = [r.technology for r in result.rows]
    assert techs[0] == "mosaic" and "mosaic-published" in techs and len(techs) == 12
    feasible = {r.technology: r.feasible for r in result.rows}
    assert feasible["passive-dac"] is False and feasible["aec"] is False and feasible["aoc"] is True
    assert feasible["mosaic"] is True
    assert compare("800g", reach_m=60, reach_fn=fixed_reach(45.0)).mosaic.feasible is False
    h = result.headline()
    # like against like: the pluggable MOSAIC end against the pluggable AOC's 9.8-12 W spread
    plug_w = h["mosaic_power_w_per_end_range"][1]
    assert h["percent_below_aoc_range"] == [
        pytest.approx(100 * (1 - plug_w / 9.8)),
        pytest.approx(100 * (1 - plug_w / 12.0)),
    ]
    assert 44 <= h["percent_below_aoc_range"][0] < h["percent_below_aoc_range"][1] <= 58
    # the paper's "> 10 W per cable" holds against the dearest AOC only: 2 x (9.8..12 W - pluggable MOSAIC)
    assert h["w_saved_per_cable_range"] == [pytest.approx(2 * (9.8 - plug_w)), pytest.approx(2 * (12.0 - plug_w))]
    assert h["w_saved_per_cable_range"][0] < 10 < h["w_saved_per_cable_range"][1]
    # module parts counted: the published 100x holds only in the paper's channels-and-optics model.
    # By hand from ReliabilitySpec at its 55 C reference (AF = 1), 60 spares making the channels'
    # share negligible: 2 dies x 11 (UG116) + 2 connectors x 0.5 + fibre 0.5 + 2 ends x (PCB 5 +
    # regulators 10 + controller 10 + host interface 20) = 113.5 FIT; without the module parts 23.5 FIT.
    # the catalog's 800G AOC at 55 C: 2 x 275 FIT (Llama 3 field count)
    assert result.row("aoc").link_fit == pytest.approx(550.0)
    assert result.mosaic.link_fit == pytest.approx(113.5, rel=1e-9)
    assert h["fit_ratio_vs_aoc"] == pytest.approx(550.0 / 113.5, rel=1e-9)
    published = compare(
        "800g",
        reach_m=30,
        temperature_c=55,
        reach_fn=fixed_reach(45.0),
        reliability_spec=without_module_parts(ReliabilitySpec()),
    )
    assert published.headline()["fit_ratio_vs_aoc"] == pytest.approx(550.0 / 23.5, rel=1e-9)
    aoc = result.row("aoc")
    assert aoc.power_ratio == pytest.approx(aoc.power_w_per_end / result.mosaic.power_w_per_end)


def test_catalog_fit_follows_arrhenius():
    cool = compare("800g", temperature_c=40, reach_fn=fixed_reach(45.0)).row("dr8")
    hot = compare("800g", temperature_c=70, reach_fn=fixed_reach(45.0)).row("dr8")
    assert hot.link_fit / cool.link_fit == pytest.approx(float(arrhenius_factor(0.5, 70, 40)))
    assert compare("800g", temperature_c=80, reach_fn=fixed_reach(45.0)).row("dr8").feasible is False


def test_missing_reach_model_is_reported_not_hidden():
    def no_model(design, target_ber):
        from mosaiclink.errors import ModelRangeError

        raise ModelRangeError("no reach model")

    result = compare("800g", reach_fn=no_model)
    assert result.mosaic.feasible is None and result.mosaic.max_reach_m is None
    assert any("no reach model" in n for n in result.notes)


def test_bad_inputs():
    with pytest.raises(ConfigError, match="no MOSAIC preset"):
        compare("200")
    with pytest.raises(ConfigError, match="reach_m"):
        compare("800g", reach_m=0)
    assert compare("400g", design=load_preset("mosaic-800g"), reach_fn=fixed_reach(45.0)).rate_gbps == 400


def test_cost_lines_carry_confidence_and_scale_with_length():
    design = load_preset("mosaic-800g")
    short, long = mosaic_cost(design, CostSpec(), 10.0), mosaic_cost(design, CostSpec(), 50.0)
    assert all(line.confidence == "E" and line.basis for line in short.lines)
    assert long.total_usd_per_end() - short.total_usd_per_end() == pytest.approx(40 * 4.0 / 2)
    assert short.total_usd_per_end("low") < short.total_usd_per_end() < short.total_usd_per_end("high")
    aoc = load_catalog().get("aoc-800g").cost_usd_per_end.typical
    assert mosaic_cost(design, length_m=30).total_usd_per_end() < aoc


def test_mosaic_row_is_computed_not_read_from_published_row(tmp_path):
    base = compare("800g", reach_fn=fixed_reach(45.0))
    published = load_catalog().get("mosaic-published-800g").to_mapping()
    published["power_w_per_end"].update(low=50.0, typical=60.0, high=70.0)
    published["fit"].update(low=900.0, typical=900.0, high=900.0)
    import tomli_w

    path = tmp_path / "override.toml"
    path.write_text(tomli_w.dumps({"entry": [{k: v for k, v in published.items() if v is not None}]}))
    changed = compare("800g", catalog=load_catalog([path]), reach_fn=fixed_reach(45.0))
    assert changed.mosaic == base.mosaic
    assert next(r for r in changed.rows if r.reference_only).power_w_per_end == 60.0


def test_user_catalog_replaces_builtin_entry(tmp_path):
    aoc = load_catalog().get("aoc-800g").to_mapping()
    aoc["power_w_per_end"].update(low=20.0, typical=20.0, high=20.0)
    import tomli_w

    path = tmp_path / "aoc.toml"
    path.write_text(tomli_w.dumps({"entry": [aoc]}))
    result = compare("800g", catalog=load_catalog([path]), reach_fn=fixed_reach(45.0))
    assert result.row("aoc").power_w_per_end == 20.0


def test_the_mosaic_row_has_mosaic_reliabilitys_fit_and_mtbf_exactly():
    """The row takes the FIT and MTBF without the repair-free MTTF integral (off the report's path):
    the same floats as :func:`mosaic_reliability`."""
    from mosaiclink.system.reliability import mosaic_reliability

    design = load_preset("mosaic-800g")
    row = compare("800g", reach_m=30, temperature_c=55, design=design, reach_fn=fixed_reach(45.0)).mosaic
    rel = mosaic_reliability(design, ReliabilitySpec(), 55.0)
    assert (row.link_fit, row.mtbf_h) == (rel.link_fit, rel.mtbf_h)
