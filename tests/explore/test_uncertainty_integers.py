"""Integer inputs of ``mosaic uncertainty`` are drawn as whole numbers (issue 26: ``array.rows``
was sampled as a continuous value), each of ``[low, high]`` equally often."""

from __future__ import annotations

import numpy as np

from mosaiclink.config.estimate_ranges import InputRange
from mosaiclink.config.presets import load_preset
from mosaiclink.config.system import PowerSpec, ReliabilitySpec
from mosaiclink.explore.uncertainty import UncertainInput, reference_entry, uncertain_inputs


def test_integer_leaves_are_marked_and_drawn_whole():
    design = load_preset("mosaic-800g")
    ranges = {
        "array.rows": InputRange("array.rows", 18.0, 22.0, "linear", "b"),
        "led.diameter_um": InputRange("led.diameter_um", 3.0, 10.0, "linear", "b"),
    }
    inputs = uncertain_inputs(design, ranges, PowerSpec(), ReliabilitySpec(), reference_entry(design))
    by_path = {i.path: i for i in inputs}
    assert by_path["array.rows"].integer and not by_path["led.diameter_um"].integer
    u = (np.arange(10_000) + 0.5) / 10_000  # an evenly spread unit sample
    rows = by_path["array.rows"].from_unit(u)
    assert set(np.unique(rows)) == {18.0, 19.0, 20.0, 21.0, 22.0}
    assert np.all(np.bincount(rows.astype(int))[18:] == 2_000)  # each whole number a fifth of the draws


def test_log_scaled_integers_stay_within_bounds():
    draw = UncertainInput("array.rows", 2.0, 64.0, 8.0, "log", "b", integer=True)
    values = draw.from_unit(np.linspace(0.0, 0.999999, 1001))
    assert values.min() == 2.0 and values.max() == 64.0 and np.all(values == np.rint(values))
