"""Touchstone (``.s2p``) files of measured blocks, read through the one safe reader."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mosaiclink.config.io import _read_text
from mosaiclink.errors import ConfigError

if TYPE_CHECKING:
    import skrf


def load_two_port(path: str | Path) -> skrf.Network:
    """A measured two-port from a Touchstone ``.s2p`` file; anything else is one ConfigError line."""
    import skrf

    path = Path(path)
    if path.suffix.lower() != ".s2p":
        raise ConfigError(f"measured block = '{path}': expected a Touchstone .s2p file")
    text = io.StringIO(_read_text(path))
    text.name = path.name  # scikit-rf reads the port count from the extension
    try:
        network = skrf.Network(text, name=path.stem)
    except Exception as exc:  # scikit-rf raises many types for a malformed file
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ConfigError(f"measured block = '{path}': not a readable Touchstone file ({first})") from None
    if network.nports != 2:
        raise ConfigError(f"measured block = '{path}': expected a 2-port network, found {network.nports} ports")
    if network.frequency.npoints < 2 or not (np.isfinite(network.s).all() and np.isfinite(network.f).all()):
        raise ConfigError(f"measured block = '{path}': needs at least two frequencies of finite S-parameters")
    return network
