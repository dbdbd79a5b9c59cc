"""Shared test helpers: the CLI in a subprocess, the end-to-end report, and Playwright driving
Debian's chromium (Playwright's own browser download is not used).

Outside CI a machine without chromium skips the browser tests; in CI (``CI=true``) a missing
browser is a failure, so the browser tests can never silently not run there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def mosaic():
    """Run ``python -m mosaiclink ARGS`` in a subprocess with this checkout's sources."""

    def run(*args: str, timeout_s: float = 120.0) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        return subprocess.run(
            [sys.executable, "-m", "mosaiclink", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout_s,
        )

    return run


@pytest.fixture
def python_code():
    """Run ``python -c CODE`` in a fresh interpreter with this checkout's sources (start-up checks)."""

    def run(code: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)

    return run


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must apt-get install chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()


@pytest.fixture(scope="module")
def built_report(tmp_path_factory):
    """Run ``mosaic report`` once (the README's main job) into a temporary folder."""
    import json

    out = tmp_path_factory.mktemp("report")
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    result = subprocess.run(
        [sys.executable, "-m", "mosaiclink", "report", "--out", str(out), "--paper-figures"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return {"dir": out, "stdout": result.stdout, "json": json.loads((out / "report.json").read_text())}


DOCS_SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@pytest.fixture
def screenshots(tmp_path):
    """docs/screenshots when MOSAIC_SCREENSHOTS=1 (to refresh the committed pictures), else a temp folder."""
    folder = DOCS_SCREENSHOTS if os.environ.get("MOSAIC_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sentinel_values(obj, name=""):
    """``(dotted name, value)`` of every placeholder number in a JSON-like tree or DataFrame.

    A placeholder: a non-finite float, a nonzero magnitude at or below 1e-300 (a floor passed off
    as a value), or a level or ratio in dB (a name containing ``db``) of magnitude 1e3 or more
    (the logarithm of a floored zero). Missing values must be NaN in a DataFrame, null in JSON.
    """
    import math

    if hasattr(obj, "to_dict") and hasattr(obj, "columns"):  # a DataFrame: NaN is how it says missing
        for column in obj.columns:
            values = [v for v in obj[column].tolist() if not (isinstance(v, float) and math.isnan(v))]
            yield from _sentinel_values(values, f"{name}.{column}" if name else str(column))
        return
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _sentinel_values(value, f"{name}.{key}" if name else str(key))
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _sentinel_values(value, name)
    elif isinstance(obj, float):
        leaf = name.rsplit(".", 1)[-1].lower()
        if not math.isfinite(obj) or 0 < abs(obj) <= 1e-300 or ("db" in leaf and abs(obj) >= 1e3):
            yield name, obj


@pytest.fixture
def sentinels():
    """The placeholder numbers of a JSON-like tree or a DataFrame (empty list when there are none)."""
    return lambda obj: list(_sentinel_values(obj))


# Tests that failed on the final merge of session 4 (eight branches merged at once, measured at the end
# of the session with no time left to fix them); each is an open item in the issue it names. They are
# expected failures, not strict: one that passes reports XPASS. Remove an entry when its fix lands.
KNOWN_FAILING: dict[str, str] = {}
KNOWN_FAILING_MODULES: dict[str, str] = {}


def pytest_collection_modifyitems(config, items):
    """Every test that drives chromium (the ``browser`` fixture, directly or through ``page``)
    carries the declared ``browser`` marker, so ``-m "not browser"`` deselects exactly those;
    the known failures above are marked as expected failures (not strict)."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        reason = KNOWN_FAILING.get(item.nodeid) or KNOWN_FAILING_MODULES.get(item.nodeid.split("::")[0])
        if reason:
            item.add_marker(pytest.mark.xfail(reason=f"known failure after session 4's merge: {reason}", strict=False))
