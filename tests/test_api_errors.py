"""The Python API raises only the package's own errors on hostile arguments (issue 26)."""

from __future__ import annotations

import pytest

import mosaiclink as ml
from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import MosaicError


@pytest.fixture(scope="module")
def design():
    return ml.load_design("mosaic-prototype")


CASES = {
    "load_design 5000 chars": (lambda d: ml.load_design("x" * 5000), "neither a preset"),
    "load_design 5000 chars .toml": (lambda d: ml.load_design("x" * 5000 + ".toml"), "neither a preset"),
    "load_design int": (lambda d: ml.load_design(3), "expected a preset name or a file path"),
    "load_design missing file": (lambda d: ml.load_design("nope.toml"), "cannot be read"),
    "model_validate_json": (lambda d: MosaicDesign.model_validate_json("{"), "Invalid JSON"),
    "seed -1": (lambda d: ml.evaluate_link(d, seed=-1), "seed = -1: must be a whole number"),
    "seed 'a'": (lambda d: ml.evaluate_link(d, seed="a"), "seed = 'a'"),
    "seed 1.5": (lambda d: ml.evaluate_link(d, seed=1.5), "seed = 1.5"),
    "simulate 1e30 bits": (lambda d: ml.simulate(d, 10**30), "more than 2e+09"),
    "simulate 1.5 bits": (lambda d: ml.simulate(d, 1.5), "bits = 1.5: must be a whole number"),
    "evaluate_link str": (lambda d: ml.evaluate_link("mosaic-800g"), "expected a MosaicDesign"),
    "simulate str": (lambda d: ml.simulate("x", 100), "expected a MosaicDesign"),
    "max_reach_m str": (lambda d: ml.max_reach_m("x"), "expected a MosaicDesign"),
    "compare design str": (lambda d: ml.compare(design="x"), "expected a MosaicDesign"),
    "compare reach str": (lambda d: ml.compare(reach_m="a"), "reach_m = 'a': expected a number"),
    "evaluate_cluster memory-pool": (lambda d: ml.evaluate_cluster("memory-pool"), "not a list of clusters"),
    "evaluate_cluster int": (lambda d: ml.evaluate_cluster(3), "expected a name or a ScenarioSpec"),
    "evaluate_cluster seed": (lambda d: ml.evaluate_cluster(seed=-1), "seed = -1"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_arguments_raise_the_packages_error_in_one_line(design, name):
    call, message = CASES[name]
    with pytest.raises(MosaicError) as info:
        call(design)
    assert message in str(info.value) and "\n" not in str(info.value)
