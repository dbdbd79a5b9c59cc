"""Shipped cluster scenarios (``*.toml`` beside this module), each a :class:`ScenarioSpec`."""

from __future__ import annotations

from importlib import resources

from mosaiclink.config.cluster import ScenarioSpec
from mosaiclink.config.io import read_package_toml
from mosaiclink.errors import ConfigError

DEFAULT_SCENARIOS = ("100k-optics", "100k-mosaic")


def scenario_names() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    return sorted(f.name.removesuffix(".toml") for f in resources.files(__name__).iterdir() if f.name.endswith(".toml"))


def load_scenario(name: str) -> ScenarioSpec:
    """A shipped scenario by name; an unknown name lists the valid ones."""
    names = scenario_names()
    if name not in names:
        raise ConfigError(f"scenario = {name!r}: unknown; shipped scenarios: {', '.join(names)} (or give a file path)")
    return ScenarioSpec.from_mapping(read_package_toml(__name__, f"{name}.toml"), where=name)
