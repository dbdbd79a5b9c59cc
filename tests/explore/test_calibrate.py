"""Calibration: round-trip coverage of the profile intervals, provenance in the written design,
the sensitivity curve's consistency, and one-line errors for malformed datasets."""

from __future__ import annotations

import functools
import json
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from mosaiclink.config.measurements import (
    BerDataset,
    BerObservation,
    BerPoint,
    FreeParameter,
    load_ber_dataset,
    observation_from_counts,
)
from mosaiclink.config.presets import load_design, load_preset
from mosaiclink.errors import ConfigError
from mosaiclink.explore.calibrate import calibrate, free_parameters
from mosaiclink.explore.calibration_file import calibrated_toml
from mosaiclink.explore.evaluate import evaluate_rows
from mosaiclink.explore.sensitivity_curve import ber_vs_oma
from mosaiclink.explore.spec import with_overrides
from mosaiclink.physics.channel_statistic import ChannelStatistic

pytestmark = pytest.mark.usefixtures("one_blas_thread")  # small matrices: see the fixture in conftest.py

LOSS = "fiber.attenuation_db_per_m"
NOISE = "receiver.tia_noise_pa_per_sqrt_hz"
TRUTH = {LOSS: 0.2, NOISE: 3.5}
CANDIDATES = [(float(length), rate) for rate in (1.6, 2.0, 2.4) for length in range(4, 62, 2)]
MEASURABLE_LOG10_BER = (-10.0, -4.0)  # what a bench counts in minutes to hours at 2 Gb/s
POINTS = 6
HEADER = 'format = "mosaic-ber-points/1"\nbase = "mosaic-prototype"\n[[point]]\nlength_m = 1\nrate_gbps = 2\n'
TARGET_ERRORS = 200  # bits per point chosen so the true BER gives ~200 counted errors


@pytest.fixture(scope="module")
def prototype():
    return load_preset("mosaic-prototype")


def _true_log10_ber(design, conditions, statistic: str) -> np.ndarray:
    """The true design's BER of ``statistic`` at each (length, rate): the fast path for the
    nominal channel, the full per-channel model for the median."""
    if statistic == "nominal":
        rows = np.array([[TRUTH[LOSS], TRUTH[NOISE], length, rate] for length, rate in conditions])
        return evaluate_rows(design, (LOSS, NOISE, "link.length_m", "link.rate_gbps"), rows)["log10_ber_nominal"]
    truth, channel = with_overrides(design, TRUTH), ChannelStatistic(statistic)
    return np.array(
        [channel.log10_ber(with_overrides(truth, {"link.length_m": L, "link.rate_gbps": R})) for L, R in conditions]
    )


@functools.cache
def _conditions(design, statistic: str) -> tuple[tuple[tuple[float, float], float], ...]:
    """``POINTS`` (length, rate) conditions where the true design's BER is measurable, spread over
    the candidates (chosen from the model, so a model change moves them, not the test)."""
    truth = _true_log10_ber(design, CANDIDATES, statistic)
    low, high = MEASURABLE_LOG10_BER
    usable = [(c, float(b)) for c, b in zip(CANDIDATES, truth, strict=True) if low <= b <= high]
    assert len(usable) >= POINTS, f"only {len(usable)} measurable conditions"
    picks = np.linspace(0, len(usable) - 1, POINTS).round().astype(int)
    return tuple(usable[i] for i in picks)


def synthetic(design, seed: int, statistic: str = "nominal") -> BerDataset:
    """Counted errors drawn from the true design's BER of ``statistic`` (Poisson), at conditions
    it can measure; the dataset declares that statistic, so it is fitted with the one it was made with."""
    rng = np.random.default_rng(seed)
    points = []
    for i, ((length, rate), log10_ber) in enumerate(_conditions(design, statistic)):
        bits = math.ceil(TARGET_ERRORS / 10.0**log10_ber)
        errors = int(rng.poisson(10.0**log10_ber * bits))
        overrides = {"link.length_m": length, "link.rate_gbps": rate}
        points.append(BerPoint(i + 1, f"{length:g} m {rate:g} Gb/s", overrides, observation_from_counts(errors, bits)))
    free = (FreeParameter(LOSS, 0.05, 1.0), FreeParameter(NOISE, 1.0, 8.0))
    path, name = Path(f"synthetic-{seed}.toml"), f"synthetic-{seed}"
    return BerDataset(path, name, "test", None, "0" * 64, tuple(points), free, statistic=statistic)


@pytest.mark.slow  # 20 fits with profile intervals: ~3,300 evaluations of 6 points by the median model, ~4 min CPU
def test_round_trip_intervals_cover_the_truth(prototype):
    """Synthesize counted-error measurements of the median channel (what a bench reports, and what
    the published points are) from a known design (Poisson noise) and fit it back from the
    preset's values: the 95 % profile intervals hold the true values in ~95 % of seeds."""
    seeds = range(20)
    covered = {LOSS: 0, NOISE: 0}
    for seed in seeds:
        data = synthetic(prototype, seed, "median")
        assert len(data.points) >= 5
        result = calibrate(data, prototype, data.free)
        for f in result.fitted:
            covered[f.path] += f.covers(TRUTH[f.path])
            assert not (f.low_at_bound and f.high_at_bound)  # the data constrain every parameter
    # P(X <= 15 | n = 20, p = 0.95) = 1.6 %: 16 or more of 20 is the ~95 % coverage check
    assert all(count >= 16 for count in covered.values()), covered


def test_a_noiseless_fit_recovers_the_truth_exactly(prototype):
    data = synthetic(prototype, 0)
    exact = tuple(
        BerPoint(p.row, p.label, p.overrides, BerObservation(float(m), 0.05))
        for p, m in zip(data.points, _model_at_points(prototype, data), strict=True)
    )
    data = BerDataset(data.path, data.name, data.source, None, data.sha256, exact, data.free, statistic="nominal")
    result = calibrate(data, prototype, data.free)
    for f in result.fitted:
        assert f.value == pytest.approx(TRUTH[f.path], rel=1e-3)
    assert result.chi2 < 1e-4


def _model_at_points(design, data):
    rows = np.array(
        [[TRUTH[LOSS], TRUTH[NOISE], p.overrides["link.length_m"], p.overrides["link.rate_gbps"]] for p in data.points]
    )
    return evaluate_rows(design, (LOSS, NOISE, "link.length_m", "link.rate_gbps"), rows)["log10_ber_nominal"]


def test_written_design_loads_and_carries_fitted_provenance(prototype, tmp_path):
    data = synthetic(prototype, 1)
    result = calibrate(data, prototype, data.free)
    text = calibrated_toml(result)
    path = tmp_path / "calibrated.toml"
    path.write_text(text)
    design = load_design(path)
    assert design.fiber.attenuation_db_per_m == pytest.approx(result.fitted[0].value)
    fitted_lines = [line for line in text.splitlines() if "# fitted:" in line]
    assert len(fitted_lines) == 2 and all(
        "sha256:" + "0" * 16 in line and "interval [" in line for line in fitted_lines
    )
    assert tomllib.loads(text)["receiver"]["tia_noise_pa_per_sqrt_hz"] == pytest.approx(result.fitted[1].value)


def test_free_parameter_checks_name_file_and_field(prototype):
    data = synthetic(prototype, 2)
    with pytest.raises(
        ConfigError, match="free 'fiber.attenuaton_db_per_m'.*did you mean 'fiber.attenuation_db_per_m'"
    ):
        free_parameters(data, prototype, ["fiber.attenuaton_db_per_m"], {})
    with pytest.raises(ConfigError, match="free 'fiber.core_diameter_um': no bounds"):
        free_parameters(data, prototype, ["fiber.core_diameter_um"], {})
    bad = BerDataset(data.path, data.name, "", None, data.sha256, data.points, (FreeParameter("fiber.na", 0.1, 1.5),))
    with pytest.raises(ConfigError, match="free 'fiber.na': bound outside the design's validation: fiber.na = 1.5"):
        free_parameters(bad, prototype, [], {})
    with pytest.raises(ConfigError, match="integer parameter"):
        free_parameters(
            BerDataset(data.path, data.name, "", None, data.sha256, data.points, (FreeParameter("array.rows", 5, 20),)),
            prototype,
            [],
            {},
        )


def test_sensitivity_curve_sets_the_oma_and_falls_with_it(prototype):
    design = prototype.with_link(length_m=20.0)
    curve = ber_vs_oma(design, [-24.0, -22.0, -20.0])
    np.testing.assert_allclose(curve.received_oma_dbm, curve.target_oma_dbm, atol=1e-6)
    assert np.all(np.diff(curve.log10_ber) < 0)  # more light, fewer errors
    base = with_overrides(design, {})
    assert ber_vs_oma(base, [curve.received_oma_dbm[0]]).log10_ber[0] == pytest.approx(curve.log10_ber[0])


def test_cli_calibrate_writes_design_and_plot(mosaic, tmp_path):
    out, plot = tmp_path / "c.toml", tmp_path / "c.png"
    done = mosaic("calibrate", "--free", NOISE, "--out", str(out), "--plot", str(plot), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["dataset"] == "mosaic-published" and summary["fitted"][0]["path"] == NOISE
    assert out.exists() and plot.stat().st_size > 10_000
    assert load_design(out).name == "mosaic-prototype"


def test_cli_malformed_dataset_is_one_line_exit_2(mosaic, tmp_path):
    bad = tmp_path / "d.toml"
    bad.write_text(HEADER + "errors = 5\nbits = 2\n")
    done = mosaic("calibrate", str(bad), "--free", NOISE)
    assert done.returncode == 2 and "point 1: field 'errors' = 5: must be below bits = 2" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    unknown = tmp_path / "u.toml"
    unknown.write_text(HEADER + "ber = 1e-5\n")
    done = mosaic("calibrate", str(unknown), "--free", "fiber.nope")
    assert done.returncode == 2 and "free 'fiber.nope'" in done.stderr
    assert load_ber_dataset(unknown).points[0].observation.log10_ber == pytest.approx(-5.0)


def test_a_measured_led_response_fits_the_radiative_coefficient(prototype, tmp_path):
    """A VNA-like |H(f)| drawn from the LED model at a known radiative coefficient (0.5 dB noise)
    pins it: the carrier lifetime sets the LED's bandwidth."""
    from mosaiclink.config.measurements import load_led_response
    from mosaiclink.physics import microled

    truth = 4e-11
    f_hz = np.geomspace(1e7, 5e9, 40)
    led = with_overrides(prototype, {"led.abc_b_cm3_per_s": truth}).led
    magnitude_db = 20 * np.log10(np.abs(microled.transfer_function(led, f_hz)))
    magnitude_db += np.random.default_rng(0).normal(0.0, 0.5, f_hz.size)
    csv = tmp_path / "led.csv"
    csv.write_text(
        "# format = mosaic-led-response/1\nfrequency_hz,magnitude_db\n"
        + "".join(f"{f:.9g},{m:.6f}\n" for f, m in zip(f_hz, magnitude_db, strict=True))
    )
    # one BER point, at the truth's own value and with a loose sigma, so the LED response decides the fit
    from mosaiclink.explore.evaluate import evaluate_rows

    truth_design = with_overrides(prototype, {"led.abc_b_cm3_per_s": truth})
    at_truth = float(evaluate_rows(truth_design, ("link.length_m",), np.array([[30.0]]))["log10_ber_nominal"][0])
    loose = (BerPoint(1, "loose", {"link.length_m": 30.0}, BerObservation(at_truth, 50.0)),)
    data = BerDataset(
        Path("led.toml"),
        "led",
        "",
        None,
        "0" * 64,
        loose,
        (FreeParameter("led.abc_b_cm3_per_s", 1e-11, 1e-10),),
        led_response=load_led_response(csv),
        statistic="nominal",
    )
    (fitted,) = calibrate(data, prototype, data.free).fitted
    assert fitted.covers(truth) and not fitted.high_at_bound and fitted.value == pytest.approx(truth, rel=0.2)
