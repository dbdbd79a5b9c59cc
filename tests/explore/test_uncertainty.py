"""Uncertainty propagation: Latin hypercube properties, agreement with the system layer at the
nominal point, sensitivity naming the true driver, claims verdict rules, CLI and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config.estimate_ranges import InputRange, load_ranges, shipped_ranges_names
from mosaiclink.config.presets import load_preset
from mosaiclink.config.provenance import classify, preset_provenance
from mosaiclink.config.system import PowerSpec, ReliabilitySpec
from mosaiclink.errors import ConfigError
from mosaiclink.explore.claims import FAILS, HOLDS, LIKELY, UNLIKELY, Claim, verdict
from mosaiclink.explore.evaluate import evaluate_rows
from mosaiclink.explore.uncertainty import (
    Fleet,
    UncertainInput,
    latin_hypercube,
    modules_per_end,
    propagate,
    reference_entry,
    uncertain_inputs,
    unranged_estimates,
)
from mosaiclink.system.power import mosaic_power
from mosaiclink.system.reliability import mosaic_link_fit

FLEET = Fleet("test", 100_000, 200_000.0)


@pytest.fixture(scope="module")
def design():
    return load_preset("mosaic-800g")


@pytest.fixture(scope="module")
def small(design):
    """Two inputs with known roles: fibre loss (reach) and the CMOS die FIT (reliability)."""
    ranges = {
        "fiber.attenuation_db_per_m": InputRange("fiber.attenuation_db_per_m", 0.05, 0.5, "log", "test"),
        "reliability.cmos_die.fit": InputRange("reliability.cmos_die.fit", 0.5, 500.0, "log", "test"),
        "power.tia_power_mw": InputRange("power.tia_power_mw", 0.5, 2.0, "linear", "test"),
    }
    return propagate(design, ranges, samples=96, seed=3, fleet_figures=FLEET)


@given(st.integers(2, 60), st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_latin_hypercube_fills_every_stratum_once(samples, seed):
    inputs = (
        UncertainInput("a", 1.0, 100.0, 10.0, "log", ""),
        UncertainInput("b", -1.0, 1.0, 0.0, "linear", ""),
        UncertainInput("c", 2.0, 8.0, 3.0, "triangular", ""),
    )
    unit, values = latin_hypercube(inputs, samples, seed)
    for j in range(3):
        strata = np.sort(np.floor(unit[:, j] * samples).astype(int))
        assert strata.tolist() == list(range(samples))
        assert np.all((values[:, j] >= inputs[j].low) & (values[:, j] <= inputs[j].high))
    again, _ = latin_hypercube(inputs, samples, seed)
    np.testing.assert_array_equal(unit, again)


def test_log_uniform_median_is_the_geometric_mean():
    inputs = (UncertainInput("a", 1.0, 100.0, 10.0, "log", ""),)
    _, values = latin_hypercube(inputs, 2001, 0)
    assert np.median(values) == pytest.approx(10.0, rel=0.01)


def test_nominal_point_agrees_with_the_system_layer(design, small):
    """At every input's preset value the metrics equal the system layer's own results."""
    assert small.nominal["power_w_per_end"] == pytest.approx(mosaic_power(design, PowerSpec()).total_w_per_end)
    assert small.nominal["link_fit"] == pytest.approx(mosaic_link_fit(design, ReliabilitySpec()), rel=1e-9)
    reach = evaluate_rows(design, ("fiber.attenuation_db_per_m",), np.array([[design.fiber.attenuation_db_per_m]]))
    assert small.nominal["reach_m"] == pytest.approx(float(reach["reach_m"][0]))


def test_sensitivity_names_the_input_that_drives_each_metric(small):
    driver = {m: small.sensitivity[m][0]["input"] for m in ("reach_m", "link_fit", "power_w_per_end")}
    assert driver == {
        "reach_m": "fiber.attenuation_db_per_m",
        "link_fit": "reliability.cmos_die.fit",
        "power_w_per_end": "power.tia_power_mw",
    }
    assert small.sensitivity["reach_m"][0]["spearman"] < -0.9  # more loss, less reach
    assert small.sensitivity["link_fit"][0]["spearman"] > 0.9
    p5, p50, p95 = small.band("link_fit")
    assert p5 < small.nominal["link_fit"] < p95 and p5 <= p50 <= p95


def test_claim_verdict_rules(small):
    p5, p50, p95 = small.band("reach_m")
    assert verdict(Claim("a", "", "", "reach_m", low=p5 - 1.0), small).verdict == HOLDS
    median = verdict(Claim("b", "", "", "reach_m", low=p50), small)
    assert median.p_holds == pytest.approx(0.5, abs=0.02) and median.verdict in (LIKELY, UNLIKELY)
    assert verdict(Claim("c", "", "", "reach_m", low=p95 + 1.0), small).verdict == FAILS
    # where the nominal design sits in the band
    nominal = verdict(Claim("d", "", "", "reach_m", low=0.0), small)
    draws = small.metrics["reach_m"]
    assert nominal.nominal_percentile == pytest.approx(100 * np.mean(draws <= small.nominal["reach_m"]))


def test_every_shipped_ranges_file_fits_its_preset():
    for name in shipped_ranges_names():
        design = load_preset(name)
        inputs = uncertain_inputs(design, load_ranges(name), PowerSpec(), ReliabilitySpec(), _aoc())
        assert len(inputs) > 40 and all(i.basis for i in inputs)


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        (InputRange("fiber.attenuaton_db_per_m", 0.1, 1.0, "log", ""), "did you mean 'fiber.attenuation_db_per_m'"),
        (InputRange("fiber.na", 0.3, 0.4, "linear", ""), "the design's value 0.2 lies outside [0.3, 0.4]"),
        (InputRange("fiber.na", 0.1, 1.5, "linear", ""), "fiber.na = 1.5"),
        (InputRange("reliability.cmos_die.fitt", 1.0, 2.0, "linear", ""), "range 'reliability.cmos_die.fitt'"),
    ],
)
def test_bad_ranges_are_one_line_naming_the_range(design, entry, needle):
    with pytest.raises(ConfigError) as err:
        uncertain_inputs(design, {entry.path: entry}, PowerSpec(), ReliabilitySpec(), _aoc())
    assert needle in str(err.value) and "\n" not in str(err.value)


def _aoc():
    from mosaiclink.system.catalog import load_catalog

    return load_catalog().get("aoc-800g")


def test_baseline_is_the_smallest_row_carrying_the_rate(design):
    assert reference_entry(design).id == "aoc-800g"
    assert reference_entry(load_preset("mosaic-prototype")).id == "aoc-400g"  # 100 x 2 Gb/s
    # beyond the fastest row, that row side by side: a 3.2T end against four 800G AOC ends
    d32 = load_preset("mosaic-3.2t")
    assert reference_entry(d32).id == "aoc-800g" and modules_per_end(d32, reference_entry(d32)) == 4
    assert modules_per_end(design, reference_entry(design)) == 1


def test_ranges_file_errors(tmp_path):
    bad = tmp_path / "r.toml"
    bad.write_text('format = "mosaic-ranges/1"\n[range."fiber.na"]\nlow = "1 m"\nhigh = 0.3\nbasis = "x"\n')
    with pytest.raises(ConfigError, match="range 'fiber.na': low: field 'na' = '1 m': wrong dimension"):
        load_ranges(bad)
    with pytest.raises(ConfigError, match="no shipped ranges"):
        load_ranges("mosaic-9t")


def test_cli_prints_bands_and_claims(mosaic):
    done = mosaic("uncertainty", "--preset", "mosaic-prototype", "--samples", "40", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["samples"] == 40 and set(data["bands"]) >= {"reach_m", "link_fit", "fit_ratio_vs_aoc"}
    texts = {c["text"] for c in data["claims"]}
    assert "20 m, 2 Gb/s: median BER < 2e-8" in texts  # the published points probe the prototype
    assert all(c["verdict"] in (HOLDS, LIKELY, UNLIKELY, FAILS) for c in data["claims"])
    assert all(0.0 <= c["p_holds"] <= 1.0 and 0.0 <= c["prior"]["p_holds"] <= 1.0 for c in data["claims"])
    chain = data["posterior"]
    assert chain["datasets"] == ["mosaic-published"] and chain["converged"]
    assert chain["source"].startswith("shipped")  # the preset's shipped chain: none runs here
    assert all(i["rhat"] < 1.05 and i["ess"] >= 400 and i["ess_tail"] >= 400 for i in chain["inputs"])


def test_cli_bad_input_is_one_line_exit_2(mosaic, tmp_path):
    bad = tmp_path / "r.toml"
    bad.write_text('format = "mosaic-ranges/1"\n[range."fiber.nope"]\nlow = 1\nhigh = 2\nbasis = "x"\n')
    done = mosaic("uncertainty", "--ranges", str(bad), "--samples", "4")
    assert done.returncode == 2 and "fiber.nope" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_provenance_comments_classify_every_leaf():
    assert classify("estimate: typical InGaN") == "estimate"
    assert classify("[S2] Lambertian") == "source"
    assert classify("fitted: dataset x sha256:0") == "fitted"
    assert classify("analysis setting") == "setting"
    provenance = preset_provenance("mosaic-1.6t")  # extends mosaic-800g: inherits its comments
    assert provenance["array.rows"] != "unknown" and provenance["fiber.attenuation_db_per_m"] == "estimate"
    unranged = unranged_estimates("mosaic-800g", load_ranges("mosaic-800g"))
    assert "variation.dead_channel_probability" in unranged  # the fast path's nominal channel has no spread
    assert "fiber.attenuation_db_per_m" not in unranged and "led.abc_a_per_s" not in unranged


def test_link_metrics_in_progress_blocks_equal_one_pass(monkeypatch):
    """The progress bar's blocks change nothing: rows are independent (same numbers to rounding:
    array sizes change the summation order), and progress reports every block up to the total.
    Without a bar the rows go in one call (a report's 500 samples are one pass, the fast path's own
    blocks of :data:`BLOCK_ROWS`); with one, in :data:`PROGRESS_ROWS` (~4 steps for 1,000 samples)."""
    import numpy as np

    from mosaiclink.config.presets import load_preset
    from mosaiclink.explore import evaluate, uncertainty
    from mosaiclink.explore.evaluate import BLOCK_ROWS, evaluate_rows

    assert BLOCK_ROWS >= 500 and 1_000 / uncertainty.PROGRESS_ROWS >= 3
    design = load_preset("mosaic-800g")
    paths = ("led.peak_current_ma", "link.length_m")
    rows = np.column_stack([np.linspace(1.5, 3.0, 23), np.linspace(20.0, 55.0, 23)])
    monkeypatch.setattr(uncertainty, "PROGRESS_ROWS", 3)  # without a bar the step is not used
    sizes: list[int] = []
    monkeypatch.setattr(
        uncertainty, "evaluate_rows", lambda *a, **k: sizes.append(len(a[2])) or evaluate.evaluate_rows(*a, **k)
    )
    whole = uncertainty._link_metrics(design, paths, rows)  # one call
    assert sizes == [23]
    monkeypatch.setattr(uncertainty, "evaluate_rows", evaluate.evaluate_rows)
    np.testing.assert_array_equal(whole["reach_m"], evaluate_rows(design, paths, rows)["reach_m"])
    calls: list[tuple[int, int]] = []
    blocked = uncertainty._link_metrics(design, paths, rows, lambda done, total: calls.append((done, total)))
    assert len(calls) == -(-23 // 3) and calls[-1] == (23, 23)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    # the uncertainty asks only the median channel's reach; the others are not searched
    assert "reach_m" in blocked and not {"reach_all_m", "reach_nominal_m"} & set(blocked)
    for name, values in blocked.items():  # reaches too: a fixed number of solver steps, element by element
        np.testing.assert_allclose(values, whole[name], rtol=1e-12, atol=0.0, err_msg=name)


def test_link_metrics_refuse_a_bad_row_in_any_block_validating_the_matrix_once(design, monkeypatch):
    """The matrix is checked as a whole before the blocks run (regression test for the report's CPU:
    a check per block of 50 rows validated ~40 designs each); a refused row in the last block is
    still refused with the one validation's message."""
    import mosaiclink.explore.uncertainty as uncertainty_module
    from mosaiclink.config.overrides import check_rows

    paths = ("led.peak_current_ma", "link.length_m")
    rows = np.column_stack([np.linspace(1.5, 3.0, 23), np.full(23, 30.0)])
    calls: list[int] = []
    monkeypatch.setattr(uncertainty_module, "check_rows", lambda *a: calls.append(len(a[2])) or check_rows(*a))
    uncertainty_module._link_metrics(design, paths, rows, reaches=())
    assert calls == [23]
    rows[-1, 1] = -5.0  # a negative length, in the last block
    with pytest.raises(ConfigError, match="length_m"):
        uncertainty_module._link_metrics(design, paths, rows, reaches=())
