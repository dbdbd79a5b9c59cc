"""mosaiclink: design, simulate and evaluate MOSAIC wide-and-slow microLED links.

``import mosaiclink as ml`` gives the main entry points; each is imported on first use (module
``__getattr__``), so ``import mosaiclink`` itself stays fast::

    design = ml.load_design("mosaic-800g")
    report = ml.evaluate_link(design)          # <LinkReport mosaic-800g: 460 ch @ 2.146 Gb/s, ...>
    report.to_dataframe()                      # per-channel results

Layers (import only downward): units, errors -> workload, finite -> config -> physics -> sim ->
datapath -> system -> cluster -> explore -> assess -> report -> web -> cli / api. See DESIGN.md in
the shared folder and the import-linter contract in pyproject.toml.

``mosaiclink.__version__`` is read from the installed package's metadata (the one version
source is ``pyproject.toml``), on first access so that importing the package stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> module that defines it
_EXPORTS = {
    "load_design": "mosaiclink.api",
    "load_preset": "mosaiclink.config.presets",
    "preset_names": "mosaiclink.config.presets",
    "MosaicDesign": "mosaiclink.config.design",
    "evaluate_link": "mosaiclink.physics.link",
    "LinkReport": "mosaiclink.physics.link",
    "max_reach_m": "mosaiclink.physics.reach",
    "simulate": "mosaiclink.sim.runner",
    "SimResult": "mosaiclink.sim.runner",
    "analytic_post_fec": "mosaiclink.datapath.analytic",
    "compare": "mosaiclink.system.compare",
    "ComparisonResult": "mosaiclink.system.compare",
    "mosaic_power": "mosaiclink.system.power",
    "evaluate_cluster": "mosaiclink.api",
    "ClusterEvaluation": "mosaiclink.api",
    "assess": "mosaiclink.assessment",
    "Assessment": "mosaiclink.assessment",
    "evaluate_workload": "mosaiclink.api",
    "write_report": "mosaiclink.api",
    "sweep": "mosaiclink.api",
    "calibrate": "mosaiclink.api",
    "uncertainty": "mosaiclink.api",
    "plot": "mosaiclink.api",
    "tune_for_throughput": "mosaiclink.process",
    "MosaicError": "mosaiclink.errors",
    "ConfigError": "mosaiclink.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("mosaiclink")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mosaiclink' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
