"""Shipped posteriors (``<design>.npz`` beside this module): the chain of ``mosaic uncertainty`` on the
published points, run by ``tools/posteriors.py`` and read back when its key matches
(:mod:`mosaiclink.explore.posterior`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def posterior_path(design: str) -> Path:
    """Path of the shipped posterior of a design (a preset) by name; it may not exist."""
    return Path(str(resources.files(__name__).joinpath(f"{design}.npz")))
