"""The shipped prototype preset is produced by ``mosaic calibrate`` from the shipped dataset; the
median-channel model it fits is the ``mosaic link`` headline; bad statistics and fits that do
not converge are refused in one line."""

from __future__ import annotations

import re
from importlib import resources

import numpy as np
import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config.datasets import dataset_path
from mosaiclink.config.estimate_ranges import load_ranges
from mosaiclink.config.measurements import STATISTICS, load_ber_dataset
from mosaiclink.config.presets import load_preset
from mosaiclink.errors import ConfigError, ModelRangeError
from mosaiclink.explore import calibrate as calibration
from mosaiclink.explore.calibrate import calibrate
from mosaiclink.explore.spec import with_overrides
from mosaiclink.physics.channel_statistic import CHANNEL_STATISTICS, ChannelStatistic
from mosaiclink.physics.link import evaluate_link

pytestmark = pytest.mark.usefixtures("one_blas_thread")  # small matrices: see the fixture in conftest.py

PRESET = "mosaic-prototype"
FITTED = re.compile(
    r"^(\w+) = ([0-9.eE+-]+)\s+# fitted: dataset (\S+) sha256:([0-9a-f]{16}), (\w+) channel, .*"
    r"95 % profile interval \[([0-9.eE+-]+)(?: \(bound\))?, ([0-9.eE+-]+)(?: \(bound\))?\]$"
)


def _preset_fitted_lines() -> dict[str, dict]:
    """``{dotted.path: value, dataset, sha16, statistic, low, high}`` of the preset's fitted leaves."""
    text = resources.files("mosaiclink.config.presets").joinpath(f"{PRESET}.toml").read_text(encoding="utf-8")
    out, section = {}, ""
    for line in text.splitlines():
        if line.startswith("["):
            section = line.strip("[] ") + "."
        match = FITTED.match(line)
        if match:
            key, value, dataset, sha16, statistic, low, high = match.groups()
            out[section + key] = {
                "value": float(value),
                "dataset": dataset,
                "sha16": sha16,
                "statistic": statistic,
                "low": float(low),
                "high": float(high),
            }
    return out


@pytest.mark.slow  # ~7 s of CPU (216 median-model evaluations), up to ~30 s wall on the shared machine
def test_the_shipped_prototype_is_what_calibrate_produces_from_the_shipped_dataset():
    """Re-run the calibration (bounds and priors from the dataset, start at the preset): every
    fitted leaf of the preset carries the dataset's hash, lies in the fresh 95 % interval and
    equals the fresh fit; the prototype's ranges file propagates those intervals."""
    data = load_ber_dataset(dataset_path("published"))
    design = load_preset(PRESET)
    shipped = _preset_fitted_lines()
    assert set(shipped) == {f.path for f in data.free}  # every parameter the dataset frees, and only those
    result = calibrate(data, design, data.free)
    ranges = load_ranges(PRESET)
    for fresh in result.fitted:
        line = shipped[fresh.path]
        assert line["dataset"] == data.name and line["sha16"] == data.sha256[:16]
        assert line["statistic"] == data.statistic == "median"
        assert fresh.covers(line["value"])
        # the optimiser's tolerances, not the data: the fit lands where the preset says
        assert line["value"] == pytest.approx(fresh.value, rel=1e-2)
        assert (line["low"], line["high"]) == pytest.approx((fresh.low, fresh.high), rel=1e-2)
        assert (ranges[fresh.path].low, ranges[fresh.path].high) == pytest.approx((line["low"], line["high"]))
    # the published points themselves: bounds hold, the 30 m interval point sits at its centre
    assert result.rms_residual < 0.1


def test_median_statistic_is_the_link_headline_and_worst_its_largest_channel():
    design = load_preset(PRESET).with_link(length_m=30.0)
    report = evaluate_link(design, seed=0)
    assert ChannelStatistic("median").log10_ber(design) == report.ber_summary()["log10_median"]
    assert ChannelStatistic("worst").log10_ber(design) == float(report.log10_ber_stateye.max())
    assert set(STATISTICS) == {"nominal", *CHANNEL_STATISTICS}  # the format's names, all evaluated


_SHARED = ChannelStatistic("median")  # one cache across examples: reuse must never change a result


@settings(max_examples=8, deadline=None)
@given(
    length_m=st.floats(5.0, 40.0),
    rate_gbps=st.sampled_from([1.6, 2.0]),
    noise=st.floats(1.0, 10.0),
    collection=st.floats(0.2, 0.4),
    sigma_pct=st.sampled_from([5.0, 10.0]),
)
def test_cached_spread_and_pulses_give_the_fresh_result(length_m, rate_gbps, noise, collection, sigma_pct):
    design = with_overrides(
        load_preset(PRESET),
        {
            "link.length_m": length_m,
            "link.rate_gbps": rate_gbps,
            "receiver.tia_noise_pa_per_sqrt_hz": noise,
            "coupling.collection_efficiency": collection,
            "variation.led_efficiency_sigma_pct": sigma_pct,
        },
    )
    fresh = float(np.median(evaluate_link(design, seed=0).log10_ber_stateye))
    assert _SHARED.log10_ber(design) == fresh


def test_unknown_statistic_is_one_line(tmp_path):
    bad = tmp_path / "d.toml"
    bad.write_text(
        'format = "mosaic-ber-points/1"\nstatistic = "mean"\n[[point]]\nlength_m = 1\nrate_gbps = 2\nber = 1e-5\n'
    )
    with pytest.raises(ConfigError, match=r"d.toml: field 'statistic' = 'mean': allowed median, nominal, worst$"):
        load_ber_dataset(bad)
    with pytest.raises(ConfigError, match="statistic = 'nominal': allowed median, worst"):
        ChannelStatistic("nominal")


def test_a_fit_out_of_evaluations_says_so_and_the_cli_writes_nothing(monkeypatch, python_code, tmp_path):
    """Started away from the optimum (TIA noise 3.0) with one evaluation allowed, the fit stops
    unconverged: the library raises, the CLI prints one line, exits 2 and writes no file."""
    data = load_ber_dataset(dataset_path("published"))
    away = with_overrides(load_preset(PRESET), {"receiver.tia_noise_pa_per_sqrt_hz": 3.0})
    monkeypatch.setattr(calibration, "MAX_FIT_EVALUATIONS", 1)
    with pytest.raises(ModelRangeError, match="the fit did not converge .*; nothing written"):
        calibrate(data, away, data.free)
    base, out = tmp_path / "away.toml", tmp_path / "never.toml"
    base.write_text(tomli_w.dumps(away.to_mapping()))
    done = python_code(
        "import mosaiclink.explore.calibrate as c; c.MAX_FIT_EVALUATIONS = 1\n"
        "from mosaiclink.cli.main import run\n"
        f"run(['calibrate', '--base', {str(base)!r}, '--out', {str(out)!r}])\n"
    )
    assert done.returncode == 2 and "did not converge" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not out.exists()
