"""A count too small to judge says so: `simulate --bits 10` is never 'inside: yes' without a warning."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import mosaiclink as ml


@pytest.fixture(scope="module")
def tiny():
    design = ml.load_design("mosaic-prototype").with_link(length_m=30.0)
    return ml.simulate(design, bits=10, channels=[0])


def test_ten_bits_cannot_judge(tiny):
    assert tiny.within_interval.all()  # trivially: [0, 0.31] holds any model
    assert not tiny.can_judge.any()
    assert tiny.to_dict()["channels_judged"] == 0
    assert tiny.bits_to_judge() == pytest.approx(30 / float(tiny.ber_analytic.min()), abs=1.0)


def test_the_readme_counts_can_judge(tiny):
    """The README's 200,000-bit counts (hand-copied intervals): one error, and zero errors at a
    3.5e-6 analytic BER, both exclude 10x the analytic value; zero errors in 10 bits does not."""
    cases = [  # (ci_low, ci_high, analytic, judged)
        (1.27e-7, 2.79e-5, 3.09e-6, True),
        (0.0, 1.84e-5, 3.51e-6, True),
        (1.6e-3, 1.97e-3, 1.9e-3, True),
        (0.0, 0.308, 7.25e-6, False),
    ]
    for low, high, analytic, judged in cases:
        one = replace(tiny, ci_low=np.array([low]), ci_high=np.array([high]), ber_analytic=np.array([analytic]))
        assert bool(one.can_judge[0]) is judged, (low, high, analytic)


def test_cli_warns(mosaic):
    done = mosaic("simulate", "--preset", "mosaic-prototype", "--bits", "10", "--channels", "0")
    assert done.returncode == 0, done.stderr
    assert "too few bits" in done.stdout and "warning: channel(s) 0: too few bits to judge" in done.stderr
