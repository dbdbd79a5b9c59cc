"""The example sweeps keep the promise of their names: every design of ``800g-grid`` carries 800G."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mosaiclink.config.line_rate import required_line_rate_gbps
from mosaiclink.errors import ConfigError
from mosaiclink.explore.batch import design_batch
from mosaiclink.explore.evaluate import METRICS, evaluate_rows
from mosaiclink.explore.spec import load_sweep

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _passes(sweep, metrics: dict[str, np.ndarray]) -> np.ndarray:
    ok = np.ones(len(next(iter(metrics.values()))), dtype=bool)
    for c in sweep.constraints:
        ok &= metrics[c.metric] <= c.limit if c.op == "<=" else metrics[c.metric] >= c.limit
    return ok


def test_800g_grid_every_design_carries_800gbe_at_the_line_rate_its_channels_need():
    sweep = load_sweep(EXAMPLES / "sweep-800g-grid.toml", METRICS)
    rows = sweep.rows(0, sweep.n_designs)
    batch = design_batch(sweep.base, sweep.paths, rows)
    channels = np.asarray(batch.array.data_channels, dtype=float)
    assert batch.link.host_protocol == "800gbe"
    # channels x line rate carries 800GbE's RS(544,514)-coded stream plus the markers, no more
    line_total = required_line_rate_gbps("800gbe", 1, sweep.base.link.marker_period_bits)
    np.testing.assert_allclose(channels * np.asarray(batch.link.rate_gbps), line_total, rtol=1e-12)
    assert line_total > 800.0 * 544 / 514 * (1 - 1e-12)
    metrics = evaluate_rows(sweep.base, sweep.paths, rows, reaches=False)  # the constraints need no reach
    assert np.all(metrics["rate_gbps_total"] >= 800.0)
    assert _passes(sweep, metrics).any()  # the grid holds designs meeting every constraint


def test_800g_grid_refuses_a_line_rate_below_what_800gbe_needs():
    """A swept rate keeps the host protocol (config.overrides): 1.5 Gb/s x 400 channels cannot carry
    800GbE and is refused with the CLI's message; a rate above the need still carries 800 Gb/s."""
    sweep = load_sweep(EXAMPLES / "sweep-800g-grid.toml", METRICS)
    with pytest.raises(ConfigError, match=r"link.rate_gbps = 1.5 is below the 2.1458 Gb/s per channel that 800gbe"):
        evaluate_rows(sweep.base, ("link.rate_gbps", "link.length_m"), np.array([[1.5, 5.0], [2.2, 5.0]]))
    metrics = evaluate_rows(sweep.base, ("link.rate_gbps", "link.length_m"), np.array([[2.2, 5.0], [2.5, 5.0]]))
    np.testing.assert_allclose(metrics["rate_gbps_total"], [800.0, 800.0])


def test_a_sweep_over_a_minute_says_its_estimate_before_the_store_is_touched(mosaic, tmp_path):
    """``examples/sweep-led-lhs.toml`` (50,000 designs, 73.5-79.9 s measured in session 19) says its
    estimate, the measured rates' range, on stderr before the store is opened (here a folder,
    refused in one line: nothing runs)."""
    result = mosaic("sweep", str(EXAMPLES / "sweep-led-lhs.toml"), "--store", str(tmp_path), timeout_s=120.0)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "led-lhs: 50,000 designs, estimated 73.5-119 s on one core",
        f"error: store = '{tmp_path}': is a folder; give a regular file",
    ]
