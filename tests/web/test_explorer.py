"""The design explorer: the JSON endpoint, its errors, and a slider moved in chromium."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fastapi.testclient import TestClient

from mosaiclink.config.presets import load_preset
from mosaiclink.physics.link import evaluate_link, nominal_channel_log10_ber
from mosaiclink.web.app import create_app
from mosaiclink.web.explorer import explore_point
from mosaiclink.web.report_page import report_html


def test_point_follows_physics_trends():
    short = explore_point({"link.length_m": "10"})["metrics"]
    long = explore_point({"link.length_m": "60"})["metrics"]
    assert long["log10_ber"] > short["log10_ber"]
    bright = explore_point({"link.length_m": "60", "led.peak_current_ma": "4"})["metrics"]
    assert bright["log10_ber"] < long["log10_ber"]
    spares = explore_point({"array.spare_channels": "0"})["metrics"]
    assert spares["channels_total"] == 400 and spares["fit"] > explore_point({})["metrics"]["fit"]


def test_nominal_channel_is_labelled_and_no_worse_than_the_median():
    """The nominal interior channel (no spread) is a labelled column, at least as good as the median."""
    point = explore_point({"link.length_m": "50"})["metrics"]
    assert point["log10_ber_nominal"] <= point["log10_ber_median"] + 0.3
    assert point["reach_nominal_m"] >= point["reach_median_m"] >= point["reach_all_m"]


def test_nominal_channel_is_every_interior_channel_of_a_spread_free_array():
    """The nominal channel (a 5 x 5 array's centre, the labelled column) equals, to rounding, every interior
    channel of the full 460-channel array with the manufacturing spread switched off; with the
    spread on it sits between the 5th percentile and the median of the live channels (the spread
    is symmetric in efficiency but misalignment only loses light, so the median channel is worse)."""
    design = load_preset("mosaic-800g").with_link(length_m=50.0)
    point = nominal_channel_log10_ber(design)
    spread_free = design.variation.replace(
        led_efficiency_sigma_pct=0.0,
        led_bandwidth_sigma_pct=0.0,
        responsivity_sigma_pct=0.0,
        misalignment_sigma_um=0.0,
        wavelength_sigma_nm=0.0,
        dead_channel_probability=0.0,
    )
    clean = evaluate_link(design.replace(variation=spread_free.model_dump()), seed=0)
    row, col = clean.grid_row, clean.grid_col
    interior = (row >= 2) & (row <= row.max() - 2) & (col >= 2) & (col <= col.max() - 2)
    assert interior.sum() >= 200
    assert clean.log10_ber_stateye[interior] == pytest.approx(point, abs=1e-9)
    report = evaluate_link(design, seed=0)
    live = report.log10_ber_stateye[~report.dead]
    assert np.percentile(live, 5) <= point <= np.median(live)


@pytest.mark.parametrize(
    "preset, length_m",
    [("mosaic-prototype", "20"), ("mosaic-prototype", "28"), ("mosaic-800g", "45"), ("mosaic-800g", "52")],
)
def test_explorer_headlines_the_population_mosaic_link_reports(preset, length_m, mosaic):
    """/api/point's headline is `mosaic link --json`'s median channel, channels meeting the target and
    verdict; its curve (population fast path) agrees at the point within the acceptance bound."""
    point = explore_point({"preset": preset, "link.length_m": length_m})
    result = mosaic("link", "--preset", preset, "--length-m", length_m, "--json")
    assert result.returncode == 0, result.stderr
    reported = json.loads(result.stdout)
    m = point["metrics"]
    # the same full model; the CLI runs OpenBLAS on one thread: equal to rounding
    assert m["log10_ber"] == m["log10_ber_median"] == pytest.approx(reported["ber"]["log10_median"], rel=1e-9)
    assert m["channels_meeting"] == reported["channels_meeting_target"]
    assert point["link_ok"] == reported["link_ok"]
    assert m["channels_data"] == reported["data_channels"] and m["channels_total"] == reported["channels"]
    curve = dict(zip(point["curve"]["length_m"], point["curve"]["log10_ber"], strict=True))
    assert abs(curve[float(length_m)] - reported["ber"]["log10_median"]) < 0.3


def test_spread_card_names_its_live_channel_median_apart_from_the_headline():
    """The 800G at 49 m has dead channels: the spread's median over the live channels (-6.390) is not
    the headline median over every channel (-6.385, a dead one at BER 1/2); each key says which."""
    point = explore_point({"preset": "mosaic-800g", "link.length_m": "49"})
    report = evaluate_link(load_preset("mosaic-800g").with_link(length_m=49.0), seed=0)
    spread, m = point["spread"], point["metrics"]
    assert spread["dead"] == int(report.dead.sum()) > 0
    assert "log10_ber" not in spread
    assert spread["log10_ber_live"]["median"] == pytest.approx(np.median(report.log10_ber_stateye[~report.dead]))
    assert m["log10_ber_median"] == pytest.approx(np.median(report.log10_ber_stateye))
    assert m["log10_ber_median"] != pytest.approx(spread["log10_ber_live"]["median"], abs=1e-3)


@pytest.mark.parametrize(
    "query, message",
    [
        ("link.length_m=-5", "link.length_m = -5.0: Input should be greater than or equal to 0"),
        ("fiber.nx=0.2", "parameter 'fiber.nx': not a field of the design; did you mean 'fiber.na'?"),
        ("link.rate_gbps=fast", "link.rate_gbps = 'fast': Input should be a valid number"),
        ("preset=mosaic-9t", "preset = 'mosaic-9t': unknown"),
        ("link.rate_gbps=2.0", "link.rate_gbps = 2 is below the 2.1458 Gb/s per channel that 800gbe needs"),
        ("array.rows=20.5", "array.rows = 20.5: Input should be a valid integer"),
    ],
)
def test_bad_input_is_a_one_line_400(query, message):
    response = TestClient(create_app()).get(f"/api/point?{query}")
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)


def test_page_and_plotly_are_served_locally():
    client = TestClient(create_app())
    page = client.get("/")
    assert page.status_code == 200 and 'src="/plotly.js"' in page.text and "http" not in page.text.split("<body>")[0]
    assert client.get("/plotly.js").text.startswith("/**")


@pytest.mark.browser
def test_slider_redraws_chart_and_updates_url(server, page, screenshots):
    page.goto(f"{server}/?link.length_m=30")
    page.wait_for_function("document.getElementById('chart').dataset.revision === '1'", timeout=120_000)
    before = page.inner_text("#m-ber")
    slider = page.locator("input[type=range][name='link.length_m']")
    assert slider.input_value() == "30"
    slider.focus()
    for _ in range(25):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("+document.getElementById('chart').dataset.revision >= 2", timeout=120_000)
    page.wait_for_function("location.search.includes('link.length_m=55')", timeout=120_000)
    page.wait_for_timeout(300)
    assert page.inner_text("#m-ber") != before
    assert page.locator("#chart .main-svg").count() >= 1
    assert page.console_errors == []
    page.screenshot(path=str(screenshots / "explorer.png"))


def wait_revision(page, revision: int) -> None:
    page.wait_for_function(f"+document.getElementById('chart').dataset.revision >= {revision}", timeout=120_000)


@pytest.mark.browser
def test_number_input_follows_and_drives_the_slider(server, page):
    page.goto(f"{server}/")
    wait_revision(page, 1)
    number = page.locator("input[type=number][name='link.length_m']")
    slider = page.locator("input[type=range][name='link.length_m']")
    preset_length_m = load_preset("mosaic-800g").link.length_m  # 49 m: the length it meets with the reserve
    assert number.input_value() == slider.input_value() == f"{preset_length_m:g}"
    number.fill("20")
    number.press("Enter")
    page.wait_for_function("location.search.includes('link.length_m=20')", timeout=120_000)
    wait_revision(page, 2)
    assert slider.input_value() == "20"
    assert page.console_errors == []


@pytest.mark.browser
def test_per_channel_spread_is_the_full_models(server, page):
    """The card and the histogram show evaluate_link's channels for the design on screen."""
    page.goto(f"{server}/?link.length_m=30")
    wait_revision(page, 1)
    report = evaluate_link(load_preset("mosaic-800g").with_link(length_m=30.0), seed=0)
    assert page.inner_text("#m-channels") == f"{report.channels_meeting_target}/{report.channels}"
    counts = page.evaluate("document.getElementById('spread').data[0].y")
    assert sum(counts) == int((~report.dead).sum())


@pytest.mark.browser
def test_url_reproduces_the_numbers_on_screen(server, page, browser):
    page.goto(f"{server}/?link.length_m=35&led.peak_current_ma=2.5")
    wait_revision(page, 1)
    shown = [page.inner_text(s) for s in ("#m-ber", "#m-reach", "#m-power", "#m-channels")]
    other = browser.new_page()
    other.goto(page.url)
    other.wait_for_function("+document.getElementById('chart').dataset.revision >= 1", timeout=120_000)
    assert [other.inner_text(s) for s in ("#m-ber", "#m-reach", "#m-power", "#m-channels")] == shown
    other.close()


@pytest.mark.browser
def test_ber_axis_and_tiny_ber_text(server, page):
    """Short links have BERs far below any decade a reader needs: the chart's axis is floored at
    1e-20, while the number reads as the CLI and the report print it (floor "< 1e-40")."""
    from mosaiclink.units import format_ber

    page.goto(f"{server}/?link.length_m=1&led.peak_current_ma=10")
    wait_revision(page, 1)
    median = page.evaluate("current.metrics.log10_ber")
    assert median < -20.0  # the case this test is about: below the chart's floor
    cli = format_ber(10.0**median, log10_ber=median)
    shown = page.inner_text("#m-ber")
    assert shown == cli if cli.startswith("<") else float(shown) == pytest.approx(10.0**median, rel=0.06)
    assert page.evaluate("document.getElementById('chart').layout.yaxis.range") == [-20, 0]


@pytest.mark.browser
def test_report_link_carries_the_design(server, page):
    page.goto(f"{server}/?link.length_m=40")
    wait_revision(page, 1)
    href = page.get_attribute("#report-link", "href")
    assert href == "/report?preset=mosaic-800g&link.length_m=40"
    refused = TestClient(create_app()).get("/report?link.length_m=-3")
    assert refused.status_code == 400 and "link.length_m = -3.0" in refused.text


def test_report_of_the_explorer_design_is_the_design_on_screen():
    page = report_html({"preset": "mosaic-prototype", "link.length_m": "25"})
    assert "Preset mosaic-prototype with link.length_m = 25" in page
    assert 'id="summary"' in page and 'id="fig-eye"' in page
