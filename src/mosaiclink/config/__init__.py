"""Typed, frozen, validated specs and their file I/O."""

from mosaiclink.config.base import Spec
from mosaiclink.config.io import load_spec, read_mapping, save_spec

__all__ = ["Spec", "load_spec", "read_mapping", "save_spec"]
