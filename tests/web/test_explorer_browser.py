"""The explorer in Debian's chromium: refusals exactly as the CLI's, the preset round trip, A/B,
save/load, report progress and the in-place sweep (one server and one browser for the module)."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest

from mosaiclink.config.presets import load_preset
from mosaiclink.system.reliability import mosaic_link_fit

pytestmark = pytest.mark.browser

CARDS = ("#m-ber", "#m-verdict", "#m-channels", "#m-reach", "#m-power", "#m-pj", "#m-fit", "#m-ch", "#derived")


def wait_revision(page, revision: int, chart: str = "chart") -> None:
    page.wait_for_function(f"+document.getElementById('{chart}').dataset.revision >= {revision}", timeout=60_000)


def revision(page) -> int:
    return int(page.evaluate("+document.getElementById('chart').dataset.revision || 0"))


def cards(page) -> list[str]:
    return [page.inner_text(s) for s in CARDS]


def knob_values(page) -> dict[str, str]:
    """Every control's value as shown (number boxes, sliders, drop-downs, check boxes)."""
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('.knob')).flatMap(k => {
             const c = k.querySelector('[data-kind]'), r = k.querySelector('input[type=range]');
             const shown = c.dataset.kind === 'flag' ? String(c.checked) : c.value;
             return [[k.dataset.path, shown]].concat(r ? [[k.dataset.path + ' slider', r.value]] : []);
           }))"""
    )


def open_groups(page) -> None:
    page.evaluate("document.querySelectorAll('details.group').forEach(d => d.open = true)")


def set_number(page, path: str, value: str) -> None:
    box = page.locator(f".knob[data-path='{path}'] input[type=number]")
    box.fill(value)
    box.press("Enter")


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def unexpected_errors(page) -> list[str]:
    """Console errors, apart from the browser's own log line for each refused (400) request."""
    return [e for e in page.console_errors if "status of 400" not in e]


def cli_error(mosaic, *args: str) -> str:
    done = mosaic(*args)
    assert done.returncode == 2, done.stdout
    return done.stderr.strip().removeprefix("error: ")


def test_refusals_are_the_clis_and_leave_the_last_valid_design(server, page, mosaic, screenshots):
    """2.0 Gb/s on the 800G preset: refused with `mosaic link --rate-gbps 2.0`'s message; a refused
    edit greys the cards and keeps the URL; 500 m is shown as `mosaic link --length-m 500` shows it."""
    page.goto(f"{server}/?preset=mosaic-800g&link.rate_gbps=2.0")
    page.wait_for_selector("#error", state="visible", timeout=60_000)
    assert page.inner_text("#error") == cli_error(mosaic, "link", "--rate-gbps", "2.0")
    assert query_of(page.url) == {"preset": "mosaic-800g"}  # the shown fallback, not the refused design
    rate = page.locator(".knob[data-path='link.rate_gbps'] input[type=number]")
    assert rate.get_attribute("readonly") is not None and float(rate.input_value()) == 2.145751953125
    assert "derived: 800gbe over 400 data channels" in page.inner_text(".knob[data-path='link.rate_gbps']")
    assert "Carries 800 Gb/s" in page.inner_text("#derived") and "880.0000" not in page.content()

    valid = cards(page)
    before = revision(page)
    set_number(page, "link.length_m", "-5")
    page.wait_for_function("document.body.classList.contains('invalid')", timeout=60_000)
    assert page.inner_text("#error") == cli_error(mosaic, "link", "--length-m", "-5")
    assert page.inner_text("#m-verdict") == "design refused: not evaluated"
    assert float(page.evaluate("getComputedStyle(document.querySelector('.metrics')).opacity")) < 0.5
    assert query_of(page.url) == {"preset": "mosaic-800g"} and revision(page) == before
    page.screenshot(path=str(screenshots / "explorer-refused.png"))

    set_number(page, "link.length_m", "500")  # a design the CLI accepts (and shows failing)
    wait_revision(page, before + 1)
    assert not page.is_visible("#error") and query_of(page.url) == {"preset": "mosaic-800g", "link.length_m": "500"}
    link = json.loads(mosaic("link", "--length-m", "500", "--json").stdout)
    assert page.inner_text("#m-channels") == f"{link['channels_meeting_target']}/{link['channels']}"
    assert page.inner_text("#m-verdict") == "misses the target" and cards(page) != valid
    assert link["link_ok"] is False  # the verdict is mosaic link's, not the median channel's against the bare target
    assert unexpected_errors(page) == []


def test_preset_edit_preset_round_trips_exactly(server, page, screenshots):
    page.goto(f"{server}/")
    wait_revision(page, 1)
    open_groups(page)
    fresh_knobs, fresh_cards = knob_values(page), cards(page)
    edits = {"array.pitch_um": "40", "led.diameter_um": "5", "array.rows": "16", "receiver.temperature_c": "70"}
    for n, (path, value) in enumerate(edits.items(), start=1):
        set_number(page, path, value)
        wait_revision(page, 1 + n)
    page.select_option(".knob[data-path='coupling.lens'] select", "microlens")
    wait_revision(page, 6)
    page.uncheck(".knob[data-path='equalizer.enable'] input")
    wait_revision(page, 7)
    assert query_of(page.url)["array.rows"] == "16" and query_of(page.url)["equalizer.enable"] == "false"
    # 16 x 20 data channels carry 800GbE at a derived 2.6822 Gb/s: still 800 Gb/s, not 858.3
    assert "Carries 800 Gb/s" in page.inner_text("#derived") and "2.68219 Gb/s" in page.inner_text("#derived")
    page.screenshot(path=str(screenshots / "explorer-edited.png"), full_page=True)
    assert cards(page) != fresh_cards

    page.select_option("#preset", "mosaic-prototype")
    page.wait_for_function("location.search === '?preset=mosaic-prototype'", timeout=60_000)
    wait_revision(page, 8)
    page.select_option("#preset", "mosaic-800g")
    page.wait_for_function("location.search === '?preset=mosaic-800g'", timeout=60_000)
    wait_revision(page, 9)
    assert knob_values(page) == fresh_knobs
    assert cards(page) == fresh_cards
    assert unexpected_errors(page) == []


def test_ab_compares_a_pinned_design_with_the_one_on_screen(server, page, screenshots):
    page.goto(f"{server}/")
    wait_revision(page, 1)
    a_cards = cards(page)
    page.click("#pin")
    set_number(page, "array.spare_channels", "0")
    wait_revision(page, 2)
    table = page.locator("#ab table")
    rows = {
        r[0]: r[1:]
        for r in table.evaluate("t => Array.from(t.tBodies[0].rows, r => Array.from(r.cells, c => c.innerText))")
    }
    fit_a, fit_b = (mosaic_link_fit(load_preset("mosaic-800g").replace(array={"spare_channels": s})) for s in (60, 0))
    assert rows["link FIT"][:2] == [a_cards[6], page.inner_text("#m-fit")]
    assert float(rows["link FIT"][0]) == pytest.approx(fit_a, rel=5e-3)
    assert float(rows["link FIT"][1].replace(",", "")) == pytest.approx(fit_b, rel=5e-3)
    assert rows["channels (data + spares)"] == ["460", "400", "-60"]
    assert "array.spare_channels: 60 \u2192 0" in page.inner_text("#ab-changes")
    assert page.evaluate("document.getElementById('chart').data.some(t => t.name === 'pinned design (A)')")
    page.screenshot(path=str(screenshots / "explorer-ab.png"), full_page=True)
    page.click("#ab-swap")  # B becomes the pinned preset again, A the design without spares
    wait_revision(page, 3)
    assert cards(page) == a_cards and query_of(page.url) == {"preset": "mosaic-800g"}
    assert "array.spare_channels: 0 \u2192 60" in page.inner_text("#ab-changes")
    assert unexpected_errors(page) == []


def test_save_and_load_a_design_file(server, page, mosaic, tmp_path):
    query = "preset=mosaic-800g&link.length_m=30&array.rows=16&coupling.lens=microlens"
    page.goto(f"{server}/?{query}")
    wait_revision(page, 1)
    shown = cards(page)
    with page.expect_download() as download:
        page.click("#save")
    saved = tmp_path / "saved.toml"
    download.value.save_as(saved)
    assert saved.read_text().count('extends = "mosaic-800g"') == 1
    link = json.loads(mosaic("link", "--config", str(saved), "--json").stdout)  # the CLI reads the same design
    assert page.inner_text("#m-channels") == f"{link['channels_meeting_target']}/{link['channels']}"

    page.click("#reset")
    wait_revision(page, 2)
    assert query_of(page.url) == {"preset": "mosaic-800g"}
    page.set_input_files("#load", str(saved))
    wait_revision(page, 3)
    assert query_of(page.url) == query_of(f"?{query}") and cards(page) == shown

    bad = tmp_path / "bad.toml"  # a rate below what 800GbE needs: refused as the CLI refuses the file
    bad.write_text('extends = "mosaic-800g"\n[link]\nrate_gbps = 2.0\n')
    page.set_input_files("#load", str(bad))
    page.wait_for_selector("#error", state="visible", timeout=60_000)
    assert page.inner_text("#error") == cli_error(mosaic, "link", "--config", str(bad))
    assert query_of(page.url) == query_of(f"?{query}")  # the last valid design stays
    assert unexpected_errors(page) == []


def test_in_place_sweep_plots_the_fast_path_and_refuses_what_the_cli_refuses(server, page, mosaic, screenshots):
    page.goto(f"{server}/")
    wait_revision(page, 1)
    page.select_option("#sweep-path", "array.spare_channels")
    page.fill("#sweep-from", "0")
    page.fill("#sweep-to", "120")
    page.fill("#sweep-steps", "13")
    page.select_option("#sweep-metric", "fit")
    page.click("#sweep-run")
    wait_revision(page, 1, "sweep-chart")
    x, y = page.evaluate(
        "[document.getElementById('sweep-chart').data[0].x, document.getElementById('sweep-chart').data[0].y]"
    )
    assert x == list(range(0, 121, 10))
    # spares buy reliability: without them the 2 x 400 data channels (1.2 FIT each) are in series
    assert np.all(np.diff(y) <= 0) and y[0] - y[-1] == pytest.approx(2 * 400 * 1.2, rel=0.01)
    assert y[6] == pytest.approx(float(page.inner_text("#m-fit")), rel=5e-3)  # 60 spares: the design on screen
    page.screenshot(path=str(screenshots / "explorer-sweep.png"), full_page=True)

    page.select_option("#sweep-path", "link.rate_gbps")
    page.fill("#sweep-from", "1.5")
    page.fill("#sweep-to", "3")
    page.click("#sweep-run")
    page.wait_for_selector("#error", state="visible", timeout=60_000)
    assert page.inner_text("#error") == cli_error(mosaic, "link", "--rate-gbps", "1.5")
    assert unexpected_errors(page) == []


def test_report_opens_at_once_with_progress_and_refuses_what_the_cli_refuses(server, page, mosaic):
    refused = page.goto(f"{server}/report?preset=mosaic-800g&link.rate_gbps=2.1")
    assert refused.status == 400
    assert page.inner_text("[role=alert]") == "error: " + cli_error(mosaic, "link", "--rate-gbps", "2.1")

    page.goto(f"{server}/?preset=mosaic-prototype&link.length_m=25")
    wait_revision(page, 1)
    with page.context.expect_page() as opened:
        page.click("#report-link")
    tab = opened.value
    tab.wait_for_selector("#step", timeout=10_000)  # the progress page, not a blank tab
    tab.wait_for_function("/^step [1-7] of 7: /.test(document.getElementById('step').textContent)", timeout=30_000)
    tab.wait_for_function("document.title.startsWith('MOSAIC link report')", timeout=900_000)
    assert re.search(r"Preset mosaic-prototype with link.length_m = 25", tab.content())
    assert tab.locator("#summary").count() == 1
    tab.close()


@pytest.mark.browser
def test_verdict_is_mosaic_links_at_the_edge_of_reach(server, page, mosaic):
    """At 50 m the 800G median channel still meets the bare target, but 325 of the 400 data channels
    do with the 1 dB reserve: `mosaic link` fails the link and the explorer's verdict says so."""
    page.goto(f"{server}/?link.length_m=50")
    wait_revision(page, 1)
    link = json.loads(mosaic("link", "--length-m", "50", "--json").stdout)
    assert page.inner_text("#m-verdict") == ("meets the target" if link["link_ok"] else "misses the target")
    assert page.inner_text("#m-channels") == f"{link['channels_meeting_target']}/{link['channels']}"
