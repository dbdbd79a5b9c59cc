"""``mosaic uncertainty`` refuses a bad ``--dataset`` in one line, before its run-time estimate is
printed (the session-5 CLI fuzz found ``uncertainty: 1,000 samples, estimated 36 s`` followed by
the error: two lines), and refuses ``-n 1000000`` with its estimate (issue 26)."""

from __future__ import annotations

import pytest

from mosaiclink.workload import UNCERTAINTY_SECONDS_MAX, uncertainty_seconds

POINT = (
    'format = "mosaic-ber-points/1"\nbase = "mosaic-prototype"\n[[point]]\nrate_gbps = 2\nlength_m = 20\nber = 1e-6\n'
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (POINT + 'temperature_c = "-300 degC"\n', "conditions outside the design's validation"),
        (None, "not UTF-8 text"),
    ],
)
def test_a_bad_dataset_is_one_line_before_any_estimate(mosaic, tmp_path, text, message):
    path = tmp_path / "points.toml"
    if text is None:
        path.write_bytes(bytes(range(256)))
    else:
        path.write_text(text)
    result = mosaic("uncertainty", "--dataset", str(path), timeout_s=120.0)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ") and message in result.stderr


def test_a_million_samples_are_refused_with_their_estimate(mosaic):
    """The default design's 460 channels, every draw ranked by itself at worst: ~35 ms a sample."""
    result = mosaic("uncertainty", "-n", "1000000", timeout_s=60.0)
    minutes = uncertainty_seconds(1_000_000, 460) / 60
    cap = int(UNCERTAINTY_SECONDS_MAX * (1.0 / uncertainty_seconds(1, 460)))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert f"estimated {minutes:,.0f} min" in result.stderr and f"give at most {cap:,} samples" in result.stderr
    assert 20_000 < cap < 30_000 and uncertainty_seconds(1000, 460) < UNCERTAINTY_SECONDS_MAX
