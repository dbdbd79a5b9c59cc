"""Measured ``.s2p`` blocks reach the pulse and the BER of ``mosaic link`` (issue 25), not only H(f).

Independent partners: a flat 0 dB block in place of a flat modelled stage changes nothing; the
model's own fibre of another design, written to Touchstone and read back as a measured block,
gives that design's BER (the fibre stage carries no noise, so the two routes must agree).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import mosaiclink as ml
from mosaiclink.config.touchstone import load_two_port
from mosaiclink.errors import ConfigError
from mosaiclink.physics import networks
from mosaiclink.physics.link import evaluate_link
from mosaiclink.physics.pulse import time_grid

DESIGN = ml.load_preset("mosaic-prototype").with_link(length_m=25.0)
DISPERSIVE = DESIGN.replace(fiber={"chromatic_dispersion_ps_per_nm_km": 2 * -770.0})  # twice the fibre's


def _touchstone(network, path):
    text = network.write_touchstone(
        return_string=True, format_spec_A="{:.17g}", format_spec_B="{:.17g}", format_spec_freq="{:.17g}"
    )
    path.write_text(text)
    return load_two_port(path)


@pytest.fixture(scope="module")
def modelled():
    return evaluate_link(DESIGN), evaluate_link(DISPERSIVE)


def test_a_flat_block_in_place_of_a_flat_stage_leaves_the_ber_unchanged(tmp_path):
    flat_ctle = DESIGN.replace(equalizer={"ctle_peaking_db": 0.0})  # the model's CTLE is exactly 1
    block = _touchstone(networks.two_port(np.linspace(1e7, 8e9, 401), 1.0, "thru"), tmp_path / "thru.s2p")
    alone = evaluate_link(flat_ctle)
    measured = evaluate_link(flat_ctle, measured=networks.measured_responses(flat_ctle, {"ctle": block}))
    np.testing.assert_allclose(measured.log10_ber_stateye, alone.log10_ber_stateye, rtol=0, atol=1e-9)


def test_a_measured_low_pass_fibre_worsens_the_ber_as_the_models_own_equivalent_stage(modelled, tmp_path):
    base, dispersive = modelled
    grid_hz = time_grid(DESIGN).freq_hz
    fibre = _touchstone(networks.stage_networks(DISPERSIVE, grid_hz, 0)["fiber"], tmp_path / "fibre.s2p")
    report = evaluate_link(DESIGN, measured=networks.measured_responses(DESIGN, {"fiber": fibre}))
    # on the model's own frequencies the measured route is the model's: equal per channel
    np.testing.assert_allclose(report.log10_ber_stateye, dispersive.log10_ber_stateye, rtol=0, atol=1e-9)
    live = ~np.isnan(base.log10_ber_stateye)
    assert np.all(report.log10_ber_stateye[live] >= base.log10_ber_stateye[live] - 1e-9)
    # regression: twice the dispersion moves the median from -6.39 to -1.67 (log10 BER)
    assert np.nanmedian(report.log10_ber_stateye) - np.nanmedian(base.log10_ber_stateye) > 4.0


def test_a_vna_sweep_agrees_with_the_model_within_interpolation(modelled, tmp_path):
    """201 points from 10 MHz to 3x the line rate (interpolated, the model's shape beyond)."""
    _, dispersive = modelled
    sweep_hz = np.linspace(1e7, 3 * DESIGN.link.rate_gbps * 1e9, 201)
    fibre = _touchstone(networks.stage_networks(DISPERSIVE, sweep_hz, 0)["fiber"], tmp_path / "vna.s2p")
    report = evaluate_link(DESIGN, measured=networks.measured_responses(DESIGN, {"fiber": fibre}))
    np.testing.assert_allclose(report.log10_ber_stateye, dispersive.log10_ber_stateye, rtol=0, atol=0.01)


def test_a_block_the_pulse_cannot_take_or_too_narrow_is_one_line(tmp_path):
    block = _touchstone(networks.two_port(np.linspace(1e7, 1e9, 11), 1.0, "narrow"), tmp_path / "narrow.s2p")
    with pytest.raises(ConfigError, match="needs it up to at least the line rate, 2 GHz"):
        networks.measured_responses(DESIGN, {"fiber": block})
    with pytest.raises(ConfigError, match="the link's pulse takes measured fiber, receiver, ctle"):
        networks.measured_responses(DESIGN, {"led": block})


def test_mosaic_link_replace_reaches_the_ber(mosaic, tmp_path):
    fibre = networks.stage_networks(DISPERSIVE, time_grid(DESIGN).freq_hz, 0)["fiber"]
    _touchstone(fibre, tmp_path / "fibre.s2p")
    args = ("link", "--preset", "mosaic-prototype", "--length-m", "25", "--json")
    plain = json.loads(mosaic(*args).stdout)
    replaced = mosaic(*args, "--replace", f"fiber={tmp_path / 'fibre.s2p'}")
    assert replaced.returncode == 0, replaced.stderr
    data = json.loads(replaced.stdout)
    assert data["measured"] == {"fiber": str(tmp_path / "fibre.s2p")}
    expected = evaluate_link(DISPERSIVE).ber_summary()["log10_median"]
    assert data["ber"]["log10_median"] == pytest.approx(expected, abs=1e-9)
    assert data["ber"]["log10_median"] > plain["ber"]["log10_median"] + 4.0
