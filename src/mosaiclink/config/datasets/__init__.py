"""Shipped measurement datasets (``*.toml`` beside this module); ``published`` is the calibrate default."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT_DATASET = "published"


def dataset_path(name: str) -> Path:
    """Path of a shipped dataset by name (``published``), or ``name`` itself when it is a file."""
    candidate = Path(name)
    if candidate.suffix:
        return candidate
    return Path(str(resources.files(__name__).joinpath(f"{name}.toml")))
