"""scikit-rf interop: the modelled channel and its stages as two-ports, Touchstone round trips, and
measured blocks cascaded in place of modelled stages."""

from __future__ import annotations

import io

import numpy as np
import pytest
import skrf

import mosaiclink as ml
from mosaiclink.config.touchstone import load_two_port
from mosaiclink.errors import ConfigError
from mosaiclink.physics.array import design_variation
from mosaiclink.physics.chain import channel_responsivity_a_per_w
from mosaiclink.physics.networks import channel_networks, measured_stage, two_port
from mosaiclink.physics.optical_path import optical_path
from mosaiclink.physics.pulse import component_transfer_functions

FREQ_HZ = np.linspace(5e6, 6e9, 241)
CHANNEL = 7


@pytest.fixture(scope="module")
def design():
    return ml.load_design("mosaic-800g")


@pytest.fixture(scope="module")
def networks(design):
    return channel_networks(design, FREQ_HZ, CHANNEL)


def _model_h(design) -> np.ndarray:
    """The chain's H(f) of channel CHANNEL assembled here from the component responses and the
    optical path (not through the stage dictionary the networks are built from)."""
    variation = design_variation(design, 0)
    comps = component_transfer_functions(design, FREQ_HZ, variation)
    gain = optical_path(design, variation).optical_gain * channel_responsivity_a_per_w(
        design, variation.wavelength_offset_nm, variation.responsivity_scale
    )
    return gain[CHANNEL] * comps["led"][CHANNEL] * comps["fiber"] * comps["receiver"] * comps["ctle"]


def test_network_cascade_is_the_models_chain_within_1e_6(design, networks):
    """scikit-rf's general cascade of the stage two-ports (reflection terms included) equals the
    model's product of transfer functions: the acceptance criterion, relative to the passband."""
    h = _model_h(design)
    s21 = networks["chain"].s[:, 1, 0]
    assert np.max(np.abs(s21 - h)) <= 1e-6 * np.max(np.abs(h))
    assert np.all(networks["chain"].s[:, 0, 0] == 0) and np.all(networks["chain"].s[:, 0, 1] == 0)
    assert list(networks) == ["gain", "led", "fiber", "receiver", "ctle", "chain"]


def test_touchstone_round_trip_keeps_h_within_1e_6(networks):
    from mosaiclink.cli.network import _touchstone

    for name in ("led", "fiber", "chain"):
        text = io.StringIO(_touchstone(networks[name], "test"))
        text.name = f"{name}.s2p"
        back = skrf.Network(text)
        h = networks[name].s[:, 1, 0]
        np.testing.assert_allclose(back.f, FREQ_HZ, rtol=1e-12)
        assert np.max(np.abs(back.s[:, 1, 0] - h)) <= 1e-6 * np.max(np.abs(h))


def test_a_measured_block_replaces_its_stage(design, networks, tmp_path):
    """A 'measured' fibre that is the model's on a denser grid, 6 dB down (its loss is the budget's,
    not the block's): normalised and interpolated, the cascade is the model's chain again; a block
    with an extra roll-off lowers the chain by exactly that roll-off."""
    dense = np.linspace(1e6, 7e9, 4001)
    model_fibre = channel_networks(design, dense, CHANNEL)["fiber"].s[:, 1, 0]
    path = tmp_path / "fibre.s2p"
    two_port(dense, 0.5 * model_fibre, "fibre").write_touchstone(str(path))
    swapped = channel_networks(design, FREQ_HZ, CHANNEL, measured={"fiber": load_two_port(path)})
    h = networks["chain"].s[:, 1, 0]
    assert "measured fiber" in swapped["fiber"].name
    assert np.max(np.abs(swapped["chain"].s[:, 1, 0] - h)) <= 2e-3 * np.max(np.abs(h))  # linear interpolation
    rolloff = np.exp(-((dense / 2e9) ** 2))
    slower = two_port(dense, model_fibre * rolloff, "slow")
    chain = channel_networks(design, FREQ_HZ, CHANNEL, measured={"fiber": slower})["chain"].s[:, 1, 0]
    np.testing.assert_allclose(np.abs(chain), np.abs(h) * np.exp(-((FREQ_HZ / 2e9) ** 2)), rtol=5e-3, atol=1e-9)


def test_measured_blocks_are_checked(design, tmp_path):
    narrow = two_port(np.linspace(1e7, 1e9, 11), 1.0, "narrow")
    with pytest.raises(ConfigError, match="covers 0.01-1 GHz.*never extrapolate"):
        measured_stage(narrow, FREQ_HZ, "fiber")
    with pytest.raises(ConfigError, match="stage = 'fibre': allowed gain, led, fiber, receiver, ctle"):
        measured_stage(narrow, FREQ_HZ, "fibre")
    with pytest.raises(ConfigError, match="channel = 460: allowed 0 to 459"):
        channel_networks(design, FREQ_HZ, 460)
    junk = tmp_path / "junk.s2p"
    junk.write_text("# Hz S RI R 50\nhello\n")
    with pytest.raises(ConfigError, match="junk.s2p: not a readable Touchstone file"):
        load_two_port(junk)
    junk.write_text("# Hz S RI R 50\n1 2 3\n")
    with pytest.raises(ConfigError, match="needs at least two frequencies"):
        load_two_port(junk)
    with pytest.raises(ConfigError, match="expected a Touchstone .s2p file"):
        load_two_port(tmp_path / "a.csv")


def test_cli_network_writes_touchstone_and_plot(mosaic, tmp_path, networks):
    block = tmp_path / "fibre.s2p"
    two_port(FREQ_HZ * 1.2, np.exp(-((FREQ_HZ * 1.2 / 3e9) ** 2)), "fibre").write_touchstone(str(block))
    out, png = tmp_path / "nets", tmp_path / "h.png"
    args = ("network", "--channel", str(CHANNEL), "--f-max-ghz", "6", "--points", "241", "--out", str(out))
    done = mosaic(*args, "--plot", str(png), "--replace", f"fiber={block}")
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"model-{s}.s2p" for s in ("gain", "led", "fiber", "receiver", "ctle", "chain")]
        + ["measured-fiber.s2p", "measured-chain.s2p"]
    )
    back = skrf.Network(str(out / "model-chain.s2p"))
    np.testing.assert_allclose(back.f[-1], 6e9)
    assert png.stat().st_size > 20_000
    bad = mosaic("network", "--replace", "fiber")
    assert bad.returncode == 2 and "expected STAGE=FILE.s2p" in bad.stderr
