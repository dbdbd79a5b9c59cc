"""Touchstone (``.s2p``) files of measured two-ports, read through the one safe reader."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from mosaiclink.config.io import MAX_DATA_BYTES, read_text
from mosaiclink.errors import ConfigError

if TYPE_CHECKING:
    import skrf


def load_two_port(path: str | Path) -> skrf.Network:
    """A measured two-port from a Touchstone ``.s2p`` file (at least two frequencies, finite);
    anything else is one ConfigError line naming the file."""
    import skrf

    path = Path(path)
    if path.suffix.lower() != ".s2p":
        raise ConfigError(f"{path}: expected a Touchstone .s2p file")
    text = io.StringIO(read_text(path, "measurement file", MAX_DATA_BYTES))
    text.name = path.name  # scikit-rf reads the port count from the suffix
    try:
        network = skrf.Network(text, name=path.stem)
    except Exception as exc:  # scikit-rf raises many types for a malformed file
        first = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
        raise ConfigError(f"{path}: not a readable Touchstone file ({first})") from None
    if network.nports != 2:
        raise ConfigError(f"{path}: expected a 2-port network (.s2p), found {network.nports} ports")
    if network.frequency.npoints < 2 or not (np.isfinite(network.s).all() and np.isfinite(network.f).all()):
        raise ConfigError(f"{path}: needs at least two frequencies of finite S-parameters")
    return network
