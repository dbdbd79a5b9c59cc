"""`mosaic report` end to end: its numbers equal the CLIs', and every figure renders in chromium."""

from __future__ import annotations

import json
import math
from html import escape

import pytest


def cli_json(mosaic, *args):
    result = mosaic(*args, "--json", timeout_s=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_same_numbers(ours, theirs, path="") -> None:
    """Equal structures: text, flags and counts exactly; floats to 1e-12. One design's link runs the
    physics kernels' NumPy twins in a fresh `mosaic link` and their compiled loops in a process that has
    evaluated many designs (physics._compiled): the same model, rounded differently (<= 5e-15)."""
    if isinstance(ours, dict):
        assert isinstance(theirs, dict) and ours.keys() == theirs.keys(), path
        for key in ours:
            assert_same_numbers(ours[key], theirs[key], f"{path}.{key}")
    elif isinstance(ours, list):
        assert isinstance(theirs, list) and len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert_same_numbers(a, b, f"{path}[{i}]")
    elif isinstance(ours, float) and not isinstance(theirs, bool):
        assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-300), path
    else:
        assert ours == theirs, path


def test_link_numbers_match_mosaic_link(built_report, mosaic):
    link = cli_json(mosaic, "link")
    report = built_report["json"]["link"]["report"]
    assert report["ber"]["median"] == pytest.approx(link["ber"]["median"], rel=1e-12)
    assert report["channels_meeting_target"] == link["channels_meeting_target"]
    assert_same_numbers(report["budget"], link["budget"])


def test_compare_numbers_match_mosaic_compare(built_report, mosaic):
    compare = cli_json(mosaic, "compare")
    report = built_report["json"]["system"]["compare"]
    assert report["headline"] == compare["headline"]
    assert [r["power_w_per_end"] for r in report["rows"]] == pytest.approx(
        [r["power_w_per_end"] for r in compare["rows"]]
    )


def test_cluster_numbers_match_mosaic_cluster(built_report, mosaic):
    cluster = cli_json(mosaic, "cluster", "--seed", "0")
    report = built_report["json"]["cluster"]["fabric"]
    assert report == cluster


def test_published_claims_appear_as_computed(built_report):
    """Regression test: the headline numbers sit in the ranges the paper reports, and the power
    estimates were chosen to land there (docs/calibration.md). The independent partners: the
    hand-worked power budget and energy balance (tests/system/test_power.py) and, below, the
    fleet's MTBF recomputed by hand from its link counts and FITs (MTBF = 1e9 h / sum(N FIT))."""
    data = built_report["json"]
    low_w, high_w = data["system"]["compare"]["headline"]["mosaic_power_w_per_end_range"]
    assert 3.0 <= low_w <= 3.2 and 5.1 <= high_w <= 5.4
    assert data["link"]["report"]["channels_meeting_target"] >= 400
    assert data["datapath"]["emulated"]["silent_corruptions"] == 0
    mosaic_h = data["cluster"]["fabric"][1]["failures"]["mtbf_mosaic_h"]
    optical_h = data["cluster"]["fabric"][0]["failures"]["mtbf_optical_h"]
    # module parts and a UG116 11 FIT die counted (system.reliability): 550 / 113.5 = 4.85x per link,
    # a little less over the fleet (MOSAIC also takes the copper links beyond DAC reach), not 100x
    assert 6.0 <= optical_h <= 12.0 and 4.5 <= mosaic_h / optical_h <= 550.0 / 113.5
    optical = data["cluster"]["fabric"][0]
    fits = [t["links"] * t["fit_per_link"] for t in optical["technologies"] if t["kind"] == "optical"]
    assert optical_h == pytest.approx(1e9 / sum(fits), rel=1e-9)
    for tech in optical["technologies"]:
        assert tech["failures_per_day"] == pytest.approx(tech["links"] * tech["fit_per_link"] * 24 / 1e9, rel=1e-9)
    design_curve = data["link"]["ber_vs_length"][f"median@{data['link']['report']['rate_gbps']:.4g}"]
    assert not any(isinstance(v, float) and math.isnan(v) for v in design_curve)


def test_report_claims_are_mosaic_uncertainty_claims(built_report, mosaic):
    """One source: the report's bands and claims table equal `mosaic uncertainty`'s for the same seed and samples."""
    from mosaiclink.assessment.design_assessment import UNCERTAINTY_SAMPLES
    from mosaiclink.explore.claims import FAILS, HOLDS, LIKELY, UNLIKELY

    report = built_report["json"]["summary"]["uncertainty"]
    cli = cli_json(mosaic, "uncertainty", "--samples", str(UNCERTAINTY_SAMPLES), "--seed", "0")
    assert report["samples"] == UNCERTAINTY_SAMPLES and report["seed"] == 0
    assert_same_numbers(report["claims"], cli["claims"])
    assert_same_numbers(report["bands"], cli["bands"])
    assert {c["key"] for c in report["claims"]} >= {"reach", "power", "link_fit", "fit_vs_optics", "fleet_failures"}
    for claim in report["claims"]:
        assert claim["verdict"] in (HOLDS, LIKELY, UNLIKELY, FAILS) and claim["p5"] <= claim["p50"] <= claim["p95"]
        if claim["p_holds"] is not None:  # the temperature claim is a band of corners: no probability
            assert f"{claim['p_holds']:.2f}" in (built_report["dir"] / "index.html").read_text()
    for metric in ("reach_m", "margin_db", "power_w_per_end", "percent_below_aoc", "link_fit"):
        assert metric in report["bands"]
    html = (built_report["dir"] / "index.html").read_text()
    assert all(c["verdict"] in html and escape(c["text"]) in html for c in report["claims"])


def test_terminal_summary_lists_every_section(built_report):
    for label in ("link physics", "data path and FEC", "power, reliability", "cluster impact"):
        assert label in built_report["stdout"]


def test_every_figure_renders_without_console_errors(built_report, page, screenshots):
    index = built_report["dir"] / "index.html"
    html = index.read_text()
    assert "cdn" not in html.lower().split("<script>", 1)[0]  # no external resources in the head
    page.goto(index.as_uri())
    figures = page.locator("div.figure")
    expected = figures.count()
    assert expected >= 9
    page.wait_for_function(
        f"document.querySelectorAll('div.figure[data-rendered=\"true\"]').length === {expected}", timeout=60_000
    )
    assert page.locator("div.figure .main-svg").count() >= expected
    assert page.console_errors == []
    page.screenshot(path=str(screenshots / "report.png"), full_page=False)
    page.locator("#system").screenshot(path=str(screenshots / "report-system.png"))


def test_paper_figures_are_written_as_png_and_svg(built_report):
    figures = built_report["dir"] / "figures"
    for name in ("ber-mosaic", "ber-vs-length", "power-vs-alternatives", "fit-vs-spares", "dead-channels"):
        png = (figures / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 10_000
        assert (figures / f"{name}.svg").read_text().lstrip().startswith("<?xml")
    # every figure of the page has its PNG and SVG version; the posterior's corner plot (``corner``) is a
    # paper figure only: the page gives the same posterior as the table of the inputs the data inform
    interactive = (built_report["dir"] / "index.html").read_text().count('<div class="figure"')
    pngs, svgs = sorted(figures.glob("*.png")), sorted(figures.glob("*.svg"))
    assert [p.stem for p in pngs] == [p.stem for p in svgs] and "posterior-corner" in {p.stem for p in pngs}
    assert len(pngs) - 1 == interactive
    assert "The inputs the published BER points inform" in (built_report["dir"] / "index.html").read_text()


def test_report_json_has_no_placeholder_numbers(built_report, sentinels):
    """Every number in report.json is a value: no floored logarithms (|dB| >= 1e3), no 1e-300."""
    assert sentinels(built_report["json"]) == []


def test_first_screen_has_one_number_per_quantity(built_report):
    """The first screen (the summary strip and the terminal summary) never contradicts itself: one
    MOSAIC fleet failure interval, power against the AOC like against like, no private sources."""
    from mosaiclink.report.numbers import fmt_hours

    data = built_report["json"]
    bands = data["summary"]["uncertainty"]["bands"]
    cluster_h = data["cluster"]["fabric"][1]["failures"]["mtbf_mosaic_h"]
    # the bands' nominal MOSAIC interval is the cluster model's, as both are printed
    assert fmt_hours(bands["cluster_failure_interval_h"]["nominal"]) == fmt_hours(cluster_h)
    assert fmt_hours(bands["aoc_failure_interval_h"]["nominal"]) == fmt_hours(
        data["summary"]["optical_link_failure_every_h"]
    )
    # "less power than AOC" is the pluggable MOSAIC end against the pluggable AOC's spread, so the
    # claim row's nominal (pluggable MOSAIC against the typical AOC) lies inside it
    low, high = data["system"]["compare"]["headline"]["percent_below_aoc_range"]
    assert low <= bands["percent_below_aoc"]["nominal"] <= high
    stdout = built_report["stdout"]
    assert "pluggable vs pluggable" in stdout
    html = (built_report["dir"] / "index.html").read_text()
    assert "cpo-research-private" not in html and "github.com/Nur-Alp" not in html
