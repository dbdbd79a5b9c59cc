"""``mosaic calibrate --base`` with a heavy design: the whole fit's work is estimated and refused in
one line before any model runs (issue 26: a 64 samples/bit x 256-bit ISI base ran past 240 s with
no output)."""

from __future__ import annotations

import time

import pytest

from mosaiclink.errors import ConfigError
from mosaiclink.workload import LINK_RUN_SAMPLES_MAX, check_calibration_work

HEAVY = 'extends = "mosaic-prototype"\n[link]\nsamples_per_bit = 64\nisi_span_bits = 256\n'


def test_heavy_base_is_refused_with_the_fit_estimate(mosaic, tmp_path):
    design = tmp_path / "heavy.toml"
    design.write_text(HEAVY)
    start = time.perf_counter()
    result = mosaic("calibrate", "published", "--base", str(design), timeout_s=60.0)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    # 110 evaluations x 2 free x 3 points x 100 channels x 64 x 256 = 1.08e9 samples
    assert "calibration fit (2 free x 3 points)" in result.stderr and "1,081,344,000 samples" in result.stderr
    assert "estimated" in result.stderr and "min on one core" in result.stderr
    assert time.perf_counter() - start < 60.0  # refused before any model evaluation (one takes ~6 s here)


def test_the_published_fit_and_the_presets_stay_inside_the_bound():
    check_calibration_work(2, 3, 100, 16, 16)  # the shipped prototype fit (217 evaluations measured)
    check_calibration_work(2, 3, 460, 16, 16)  # the 800G preset as a base
    with pytest.raises(ConfigError, match="more than"):
        check_calibration_work(2, 3, 100, 64, 256)


def test_the_bound_scales_with_free_parameters_and_points():
    per = 100 * 16 * 16 * 110  # samples of one (free parameter, point) share
    allowed = LINK_RUN_SAMPLES_MAX // per
    check_calibration_work(1, allowed, 100, 16, 16)
    with pytest.raises(ConfigError, match=f"calibration fit \\(2 free x {allowed} points\\)"):
        check_calibration_work(2, allowed, 100, 16, 16)
