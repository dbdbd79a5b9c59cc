"""The ``>>>`` examples in the docstrings run, and every public name has one.

Run through this module (not ``--doctest-modules``) so the README's test command, which collects
``tests/`` only, runs them. Every name of ``mosaiclink.__all__`` (resolved to the object it
exports) and every physics module's entry point must carry at least one example; the examples
use cheap designs (the 100-channel prototype) so the whole set takes seconds.
"""

from __future__ import annotations

import doctest
import importlib

import pytest

import mosaiclink as ml

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
PUBLIC = [name for name in ml.__all__ if name != "__version__"]
# physics modules whose module docstring shows their entry point at work (pulse and optical_path
# are shown through evaluate_link, whose example runs them)
PHYSICS = [
    "mosaiclink.physics.array",
    "mosaiclink.physics.bend",
    "mosaiclink.physics.ber",
    "mosaiclink.physics.budget",
    "mosaiclink.physics.chain",
    "mosaiclink.physics.channel",
    "mosaiclink.physics.channel_statistic",
    "mosaiclink.physics.equalizer",
    "mosaiclink.physics.fiber",
    "mosaiclink.physics.microled",
    "mosaiclink.physics.networks",
    "mosaiclink.physics.optics",
    "mosaiclink.physics.population",
    "mosaiclink.physics.reach",
    "mosaiclink.physics.receiver",
    "mosaiclink.physics.sampling",
    "mosaiclink.physics.thermal",
]


def _examples(obj, name: str) -> list[doctest.DocTest]:
    return [t for t in doctest.DocTestFinder(recurse=False).find(obj, name) if t.examples]


def _run(tests: list[doctest.DocTest]) -> None:
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    for test in tests:
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_has_a_running_example(name):
    # through the defining module, as ``import mosaiclink as ml`` resolves it
    obj = getattr(importlib.import_module(ml._EXPORTS[name]), name)
    tests = _examples(obj, f"mosaiclink.{name}")
    assert tests, f"mosaiclink.{name} has no >>> example in its docstring"
    _run(tests)


@pytest.mark.parametrize("module", PHYSICS)
def test_physics_module_example_runs(module):
    mod = importlib.import_module(module)
    tests = _examples(mod, module)
    assert tests, f"{module}: no >>> example in the module docstring"
    _run(tests)


def test_package_overview_example_runs():
    """The examples of the API module's overview (the README's 'From Python')."""
    tests = _examples(importlib.import_module("mosaiclink.api"), "mosaiclink.api")
    assert tests
    _run(tests)


def test_ml_assess_stays_the_function_after_the_assessment_layer_is_imported():
    """The layer is ``mosaiclink.assessment``, not ``mosaiclink.assess``: importing a subpackage sets
    the parent's attribute of its name, which once replaced the exported function by the package."""
    import mosaiclink.assessment  # noqa: F401  (what the report, web and cli import)
    import mosaiclink.report.build  # noqa: F401

    assert callable(ml.assess) and ml.assess.__module__ == "mosaiclink.assessment.design_assessment"
