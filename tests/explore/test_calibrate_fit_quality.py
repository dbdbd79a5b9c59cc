"""Calibration tells the truth about its fit: chi2/dof and p stored and printed, a warning (and
exit 1 with --strict) when the model cannot describe the data, the measured LED S21 beside the
model's, BER points from CSV with units in the header."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from mosaiclink.config.ber_csv import load_ber_data, load_ber_points_csv
from mosaiclink.config.measurements import BerDataset, BerObservation, BerPoint, FreeParameter, load_led_response
from mosaiclink.config.presets import load_preset
from mosaiclink.errors import ConfigError
from mosaiclink.explore.calibrate import MIN_P_VALUE, calibrate, log10_chi2_sf
from mosaiclink.explore.evaluate import evaluate_rows, nominal_log10_ber

pytestmark = pytest.mark.usefixtures("one_blas_thread")

NOISE = "receiver.tia_noise_pa_per_sqrt_hz"
FREE = (FreeParameter(NOISE, 1.0, 10.0),)
# The example: four BER points of one's own that no setting of the TIA noise can give (the
# BER falls from 20 m to 30 m, and 25 m is worse than both): the residuals run to tens of sigma.
BAD_CSV = """# format = mosaic-ber-points/1
label,length_km,rate_mbps,errors,bits
10 m,0.010,2000,1000,1e6
20 m,0.020,2000,50,1e9
25 m,0.025,2000,2000,1e7
30 m,0.030,2000,100,1e11
"""


@pytest.fixture(scope="module")
def prototype():
    return load_preset("mosaic-prototype")


def _nominal(data: BerDataset) -> BerDataset:
    """The same points fitted on the nominal channel (the fast path: a quick fit)."""
    return BerDataset(data.path, data.name, data.source, None, data.sha256, data.points, FREE, statistic="nominal")


def test_p_value_is_scipy_where_it_can_be_and_its_asymptote_past_it():
    for chi2, dof in ((5.0, 2), (30.0, 3), (1068.0, 3)):
        assert log10_chi2_sf(chi2, dof) == pytest.approx(stats.chi2.logsf(chi2, dof) / np.log(10.0), rel=1e-12)
    # the asymptotic series beside scipy where both hold (chi2 >> dof), then far past float's range
    for chi2 in (800.0, 1300.0):
        a, x = 1.5, chi2 / 2
        asymptote = ((a - 1) * np.log(x) - x - float(np.log(np.sqrt(np.pi) / 2))) / np.log(10.0)
        assert asymptote == pytest.approx(stats.chi2.logsf(chi2, 3) / np.log(10.0), rel=2e-3)
    assert np.isfinite(log10_chi2_sf(3e6, 3)) and log10_chi2_sf(3e6, 3) < log10_chi2_sf(3e3, 3) < -600


def test_a_model_that_cannot_describe_the_data_warns_with_chi2_per_dof(prototype, tmp_path):
    path = tmp_path / "bench.csv"
    path.write_text(BAD_CSV)
    data = load_ber_points_csv(path)
    assert [p.overrides["link.length_m"] for p in data.points] == pytest.approx([10.0, 20.0, 25.0, 30.0])
    assert [p.overrides["link.rate_gbps"] for p in data.points] == pytest.approx([2.0] * 4)
    result = calibrate(_nominal(data), prototype, FREE)
    assert result.dof == 3  # four points, one free parameter
    assert result.chi2_per_dof == pytest.approx(result.chi2 / 3) and result.chi2 > 100
    assert result.log10_p_value < np.log10(MIN_P_VALUE) and not result.fit_acceptable
    assert "cannot describe" in result.warning and f"on {result.dof} dof" in result.warning
    summary = result.to_dict()
    json.dumps(summary, allow_nan=False)
    assert summary["fit_acceptable"] is False and summary["dof"] == 3 and summary["warning"] == result.warning
    assert "POOR FIT" in result.provenance(NOISE)


def test_data_drawn_from_the_model_fit_acceptably(prototype):
    """Poisson counts drawn from the model at a known TIA noise: chi2 of order dof, no warning.

    The model the nominal-statistic fit uses: the nominal interior channel (``log10_ber_nominal``),
    not the population median of ``evaluate_rows``'s ``log10_ber`` (a different statistic)."""
    truth = {NOISE: 4.0}
    lengths = np.array([[18.0], [22.0], [26.0], [30.0]])
    from mosaiclink.explore.spec import with_overrides

    log10_ber = nominal_log10_ber(with_overrides(prototype, truth), ("link.length_m",), lengths)
    rng = np.random.default_rng(7)
    points = []
    for i, (length, lb) in enumerate(zip(lengths[:, 0], log10_ber, strict=True)):
        bits = 30.0 / 10.0**lb  # ~30 expected errors at each length
        errors = float(rng.poisson(30.0))
        obs = BerObservation(np.log10(errors / bits), 1.0 / (np.log(10.0) * np.sqrt(errors)))
        points.append(BerPoint(i + 1, f"{length:g} m", {"link.length_m": float(length)}, obs))
    data = BerDataset(Path("drawn.toml"), "drawn", "", None, "0" * 64, tuple(points), FREE, statistic="nominal")
    result = calibrate(data, prototype, FREE)
    assert result.dof == 3 and result.fit_acceptable and result.warning is None
    assert result.fitted[0].covers(4.0)


def test_measured_led_response_is_shown_beside_the_model(prototype, tmp_path):
    from mosaiclink.explore.spec import with_overrides
    from mosaiclink.physics import microled

    f_hz = np.geomspace(1e7, 5e9, 30)
    led = with_overrides(prototype, {"led.abc_b_cm3_per_s": 4e-11}).led
    measured = 20 * np.log10(np.abs(microled.transfer_function(led, f_hz)))
    csv = tmp_path / "led.csv"
    csv.write_text(
        "# format = mosaic-led-response/1\nfrequency_hz,magnitude_db\n"
        + "".join(f"{f:.9g},{m:.6f}\n" for f, m in zip(f_hz, measured, strict=True))
    )
    at = float(evaluate_rows(prototype, ("link.length_m",), np.array([[30.0]]))["log10_ber"][0])
    point = (BerPoint(1, "loose", {"link.length_m": 30.0}, BerObservation(at, 50.0)),)
    free = (FreeParameter("led.abc_b_cm3_per_s", 1e-11, 1e-10),)
    data = BerDataset(
        Path("led.toml"),
        "led",
        "",
        None,
        "0" * 64,
        point,
        free,
        led_response=load_led_response(csv),
        statistic="nominal",
    )
    result = calibrate(data, prototype, free)
    table = result.to_dict()["led_response"]
    assert len(table) == f_hz.size and result.dof == 1 + f_hz.size - 1
    np.testing.assert_allclose([r["measured_db"] for r in table], measured - measured[0], atol=1e-6)
    # the model was fitted to noiseless data from itself: it lands on the measurement
    np.testing.assert_allclose([r["model_db"] for r in table], [r["measured_db"] for r in table], atol=0.05)


def test_csv_points_refuse_unknown_columns_and_bad_cells(tmp_path):
    head = "# format = mosaic-ber-points/1\n"
    cases = {
        "length_m,rate_gbps,errorz\n1,2,3\n": "unknown column 'errorz'",
        "length_m,rate_gbps,ber\n20,2,abc\n": "row 3: column 'ber' = 'abc': not a number",
        "length_m,rate_gbps,ber\n20,2,nan\n": "must be finite",
        "length_m,rate_gbps,ber,ber_upper\n20,2,1e-5,1e-4\n": "give exactly one of",
        "length_m,length_km,ber\n20,0.02,1e-5\n": "two columns give 'length_m'",
        "length_s,rate_gbps,ber\n20,2,1e-5\n": "wrong dimension",
    }
    for body, message in cases.items():
        path = tmp_path / "p.csv"
        path.write_text(head + body)
        with pytest.raises(ConfigError, match=message):
            load_ber_data(path)
    ok = tmp_path / "ok.csv"
    ok.write_text(head + "label,length_m,rate_gbps,temperature_k,ber_upper,ber\n a,20,2,300,2e-8,\nb,30,1.6,,,1e-4\n")
    data = load_ber_data(ok)
    assert data.points[0].overrides["led.temperature_c"] == pytest.approx(26.85)
    assert data.points[0].observation.kind == "upper" and data.points[1].observation.kind == "value"
    assert data.points[0].label == "a" and data.name == "ok"


def test_cli_strict_exits_1_and_writes_nothing_on_a_bad_fit(mosaic, tmp_path):
    bench = tmp_path / "bench.csv"
    bench.write_text(BAD_CSV)
    out = tmp_path / "fitted.toml"
    args = ("calibrate", str(bench), "--base", "mosaic-prototype", "--free", NOISE, "--out", str(out))
    done = mosaic(*args, "--strict")
    assert done.returncode == 1 and not out.exists()
    assert "warning: the model cannot describe these data: chi2/dof" in done.stderr
    assert "Nothing written (--strict)" in done.stderr and "Traceback" not in done.stderr
    loose = mosaic(*args, "--json")
    assert loose.returncode == 0 and out.exists() and "WARNING" in out.read_text()
    summary = json.loads(loose.stdout)
    assert summary["fit_acceptable"] is False and summary["chi2_per_dof"] > 10
