"""The whole-design assessment: every model run once on one design, as data.

The report (:mod:`mosaiclink.report`), the explorer (:mod:`mosaiclink.web`), the CLI and the Python
API all read the same :class:`Assessment`; none of them recomputes a number it shows. This layer
sits above ``explore`` and below ``report`` (DESIGN.md); it formats and draws nothing.
"""

from __future__ import annotations

from mosaiclink.assessment.design_assessment import STEPS, Assessment, assess
from mosaiclink.assessment.scenario import ScenarioAssessment, assess_scenario, load_cluster_scenario

__all__ = ["STEPS", "Assessment", "ScenarioAssessment", "assess", "assess_scenario", "load_cluster_scenario"]
