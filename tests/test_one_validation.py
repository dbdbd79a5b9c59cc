"""One validation for every entry point: the CLI (flags and design files), the API, the explorer
(its point, sweep and report endpoints), sweep files and the fast path's batches refuse the same
designs with the same one-line message (config.overrides.with_overrides, the spec's validators)."""

from __future__ import annotations

import html
import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

import mosaiclink as ml
from mosaiclink.config.overrides import with_overrides
from mosaiclink.errors import ConfigError
from mosaiclink.explore.evaluate import METRICS, evaluate_rows
from mosaiclink.explore.spec import load_sweep
from mosaiclink.web.app import create_app

BASE = "mosaic-800g"
# (dotted path, value, the CLI flag that sets it or None): each refused by the design itself
REFUSED = [
    ("link.rate_gbps", 2.0, "--rate-gbps"),  # below the 2.1458 Gb/s 800GbE needs over 400 channels
    ("link.rate_gbps", 2.1, "--rate-gbps"),
    ("link.length_m", -5.0, "--length-m"),
    ("link.length_m", 20_000.0, "--length-m"),
    ("array.spare_channels", 2.5, None),
    ("fiber.na", 0.0, None),
]


def _message(call) -> str:
    with pytest.raises(ConfigError) as refused:
        call()
    return str(refused.value)


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


@pytest.mark.parametrize(("path", "value", "flag"), REFUSED)
def test_every_entry_point_refuses_with_the_same_message(path, value, flag, client, mosaic, tmp_path):
    section, leaf = path.split(".")
    design = ml.load_design(BASE)
    message = _message(lambda: with_overrides(design, {path: value}))
    assert "\n" not in message and message.startswith(path)

    messages = {
        "api replace": _message(lambda: design.replace(**{section: {leaf: value}})),
        "fast path": _message(lambda: evaluate_rows(design, (path,), np.array([[value]]))),
    }
    rounds = path == "array.spare_channels"  # sweeps round an integer field's values by design (docs/explore.md)
    if not rounds:
        sweep = {"name": "t", "base": BASE, "parameters": {path: {"values": [value]}}}
        messages["sweep file"] = _message(lambda: load_sweep(sweep, METRICS))
    config = tmp_path / "design.toml"
    config.write_text(f'extends = "{BASE}"\n[{section}]\n{leaf} = {value!r}\n')
    cli = [("cli file", ("link", "--config", str(config)))]
    if flag:
        cli.append(("cli flag", ("link", flag, repr(value))))
    for name, args in cli:
        done = mosaic(*args)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
        messages[name] = done.stderr.strip().removeprefix("error: ")
    text = repr(value) if isinstance(value, float) and not value.is_integer() else f"{value:g}"
    point = client.get("/api/point", params={"preset": BASE, path: text})
    messages["explorer point"] = point.json()["error"]
    if not rounds:
        sweep = {"preset": BASE, "sweep.path": path, "sweep.from": text, "sweep.to": text, "sweep.steps": "2"}
        messages["explorer sweep"] = client.get("/api/sweep", params=sweep).json()["error"]
    saved = client.get("/api/design.toml", params={"preset": BASE, path: text})
    messages["explorer save"] = saved.json()["error"]
    loaded = client.post("/api/design", content=config.read_text())
    messages["explorer load"] = loaded.json()["error"]
    report = client.get("/report", params={"preset": BASE, path: text})
    assert report.status_code == 400 and html.escape(message) in report.text
    assert {name: m for name, m in messages.items() if m != message} == {}


def test_the_line_rate_of_a_host_protocol_design_is_derived_and_kept_through_edits():
    design = ml.load_design(BASE)
    assert design.link.rate_gbps == 2.145751953125 and design.data_rate_gbps == 800.0
    smaller = with_overrides(design, {"array.rows": 16})  # 320 channels: the rate follows
    assert smaller.link.rate_gbps == pytest.approx(850.0 / 320 * 4136 / 4096, rel=1e-12)
    assert smaller.data_rate_gbps == 800.0 and smaller.link.host_protocol == "800gbe"
    assert with_overrides(smaller, {"array.rows": 20}) == design  # edit -> back: exactly the preset
    faster = with_overrides(design, {"link.rate_gbps": 2.2})  # an explicit rate above the need is kept
    assert with_overrides(faster, {"link.length_m": 30.0}).link.rate_gbps == 2.2
    custom = with_overrides(design, {"link.host_protocol": "none"})  # custom: the rate is free, as it ran
    assert custom.link.rate_gbps == design.link.rate_gbps
    assert custom.data_rate_gbps == pytest.approx(400 * 2.145751953125, rel=1e-12)
    assert math.isclose(with_overrides(custom, {"link.rate_gbps": 2.0}).data_rate_gbps, 800.0)
