"""A memory-pool or scale-up-sweep scenario evaluated once with a design as MOSAIC (data only).

``mosaic report --scenario NAME|FILE`` adds one such scenario per name; the report renders each
:class:`ScenarioAssessment` (:mod:`mosaiclink.report.sections.cluster_scenario`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mosaiclink.cluster.memory import evaluate_memory_pool
from mosaiclink.cluster.scale_up_sweep import evaluate_scale_up_sweep
from mosaiclink.cluster.scenarios import load_scenario, scenario_names
from mosaiclink.config.cluster import ScenarioSpec
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.io import load_spec
from mosaiclink.errors import ConfigError


@dataclass(frozen=True)
class ScenarioAssessment:
    """One scenario's summary: ``kind`` says which table of the scenario file it evaluated."""

    name: str
    kind: Literal["memory-pool", "scale-up-sweep"]
    summary: dict[str, Any]


def load_cluster_scenario(name_or_path: str) -> ScenarioSpec:
    """A shipped scenario by name or a scenario file of type memory-pool or scale-up-sweep."""
    spec = load_scenario(name_or_path) if name_or_path in scenario_names() else load_spec(name_or_path, ScenarioSpec)
    if spec.type == "clusters":
        raise ConfigError(
            f"--scenario = {name_or_path!r}: the report's cluster section already shows cluster scenarios; "
            "give a memory-pool or scale-up-sweep scenario"
        )
    return spec


def assess_scenario(name_or_path: str, design: MosaicDesign) -> ScenarioAssessment:
    """Evaluate a memory-pool or scale-up-sweep scenario with ``design`` as MOSAIC.

    The design stands in for MOSAIC when its data rate is the scenario's; otherwise the scenario
    uses the shipped preset of its rate.
    """
    spec = load_cluster_scenario(name_or_path)
    design_rate_gbps = design.data_rate_gbps
    if spec.memory_pool is not None:
        mine = design if design_rate_gbps == spec.memory_pool.rate_gbps else None  # else: the rate's preset
        return ScenarioAssessment(
            name_or_path, "memory-pool", evaluate_memory_pool(spec.memory_pool, design=mine).summary()
        )
    assert spec.scale_up_sweep is not None  # the spec's validator guarantees the table of its type
    mine = design if design_rate_gbps == spec.scale_up_sweep.scale_up.rate_gbps else None
    return ScenarioAssessment(
        name_or_path, "scale-up-sweep", evaluate_scale_up_sweep(spec.scale_up_sweep, design=mine).summary()
    )
