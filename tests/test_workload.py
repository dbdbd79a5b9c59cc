"""Bounded work: estimates are refused in one line before any allocation; unwritable outputs too."""

from __future__ import annotations

import pytest

from mosaiclink import workload
from mosaiclink.config.presets import load_preset, preset_names
from mosaiclink.errors import ConfigError
from mosaiclink.explore.evaluate import METRICS
from mosaiclink.explore.spec import load_sweep


def test_presets_are_well_inside_the_link_work_limit():
    for name in preset_names():
        design = load_preset(name)
        samples = design.array.total_channels * design.link.samples_per_bit * design.link.isi_span_bits
        assert samples * 4 <= workload.LINK_SAMPLES_MAX, name
        workload.check_link_work(design.array.total_channels, design.link.samples_per_bit, design.link.isi_span_bits)


def test_link_work_refusal_states_estimate_limit_and_knob():
    with pytest.raises(
        ConfigError, match=r"^link model work = 460 channels x 256 samples/bit x 256 ISI bits = 30,146,560 "
    ):
        workload.check_link_work(460, 256, 256)
    with pytest.raises(ConfigError, match=r"more than 4,194,304 \(estimated 5 min on one core\); lower link\."):
        workload.check_link_work(460, 256, 256)


def test_grid_sweep_size_is_an_exact_integer_not_a_wrapped_int64():
    """100,000^5 designs wrapped to a negative int64 before; now it is refused by its true size."""
    grid = {"range": [1.0, 2.0], "steps": 100_000}
    mapping = {
        "parameters": {
            "link.length_m": grid,
            "link.rate_gbps": {"range": [2.2, 3.0], "steps": 100_000},  # at or above what 800GbE needs
            "fiber.na": {"range": [0.2, 0.3], "steps": 100_000},
            "led.peak_current_ma": grid,
            "link.connector_loss_db": grid,
        }
    }
    with pytest.raises(ConfigError, match=r"^sweep size = 1e\+25 designs: more than 1e\+07 \(estimated"):
        load_sweep(mapping, METRICS)


def test_sweep_estimates_are_the_measured_rates_range():
    """A sweep's estimate is its designs over the slowest and fastest full-row rates measured through
    ``mosaic sweep`` (420 and 680 designs/s, session 19; 390 and 560 in session 17, 360 and 520 in
    session 16, 270 and 390 in session 15; it was 27,000/s, the nominal row's, ~100x short): 50,000
    designs (examples/sweep-led-lhs.toml, 73.5-79.9 s measured) read 73.5-119 s."""
    fast_s, slow_s = workload.sweep_seconds(50_000)
    assert (fast_s, slow_s) == pytest.approx((50_000 / 680, 50_000 / 420))
    assert workload.sweep_estimate(50_000) == "73.5-119 s"
    assert workload.sweep_estimate(5_600) == "8.24-13.3 s"
    assert workload.sweep_estimate(10**7) == "4.08-6.61 h"


def test_sample_matrix_beyond_memory_is_refused(monkeypatch):
    monkeypatch.setattr(workload, "memory_budget_bytes", lambda: 2**26)
    mapping = {"sampler": "lhs", "samples": 5_000_000, "parameters": {"link.length_m": {"range": [1.0, 9.0]}}}
    with pytest.raises(ConfigError, match=r"^sweep sample matrix \(5,000,000 designs x 1 parameters\) needs ~0\.1 GiB"):
        load_sweep(mapping, METRICS)


def test_sampled_sweeps_beyond_what_is_drawn_up_front_are_refused():
    """1e8 Latin-hypercube designs ran past 120 s at 4.2 GB before storing one (issue 26)."""
    mapping = {"sampler": "lhs", "samples": 10**8, "parameters": {"link.length_m": {"range": [1.0, 9.0]}}}
    message = r"^samples = 1e\+08: more than 1e\+07, .* \(estimated 40\.8-66\.1 h on one core\)"
    with pytest.raises(ConfigError, match=message):
        load_sweep(mapping, METRICS)


def test_memory_budget_is_a_share_of_physical_memory():
    assert 0 < workload.memory_budget_bytes() < 2**50


@pytest.mark.parametrize("command", [["report"], ["simulate", "--bits", "1000"]])
def test_unwritable_out_is_one_line_before_any_work(tmp_path, mosaic, command):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = mosaic(*command, "--out", str(blocker / "sub"), timeout_s=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: --out = '{blocker / 'sub'}': cannot write there (Not a directory)"
    ]


def test_payload_mode_beyond_the_work_bound_is_refused(mosaic):
    # memory is bounded by streaming (tests/datapath/test_payload_streaming.py); run time is not
    result = mosaic("datapath", "--mode", "payload", "--duration-us", "500000", timeout_s=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: payload mode is limited to 400 Mbit per run (a bound on run time); use --mode pattern for longer runs"
    ]


def test_simulation_bits_are_bounded_before_the_run():
    workload.check_simulation_bits(1_000_000, 10)
    with pytest.raises(ConfigError, match=r"^--bits = 0: must be at least 1$"):
        workload.check_simulation_bits(0, 10)
    with pytest.raises(ConfigError, match=r"^--bits = 99,999,999,999 x 10 channels = 1e\+12 bits: more than 2e\+09"):
        workload.check_simulation_bits(99_999_999_999, 10)


def test_channel_ranges_stop_at_the_largest_array():
    from mosaiclink.cli.simulate import parse_channels

    assert parse_channels("0-3,7") == [0, 1, 2, 3, 7]
    with pytest.raises(ConfigError, match=r"channel numbers stop below 4096"):
        parse_channels("0-999999999")  # a billion-element list before


def test_uncertainty_estimates_span_no_draw_to_every_draw_ranked_by_itself():
    """``mosaic uncertainty`` prints the range its work bound spans: 1,000 samples of the 800G (460
    channels) 2.5-39 s, of the prototype (100) 2.5-10 s (session 17: 3.6 s and 10.3 s of sampling, the
    800G's draws almost never ranked by themselves, the prototype's mostly); the bound refuses by
    the upper end (900 s: 22,900 samples of the 800G)."""
    assert workload.uncertainty_estimate(1_000, 460) == "2.5-39 s"
    assert workload.uncertainty_estimate(1_000, 100) == "2.5-10 s"
    upper = float(workload.uncertainty_estimate(22_000, 460).split("-")[1].removesuffix(" s").replace(",", ""))
    assert upper == pytest.approx(workload.check_uncertainty_samples(22_000, 460), abs=0.5)
    with pytest.raises(ConfigError, match="every draw ranked by itself at worst"):
        workload.check_uncertainty_samples(26_000, 460)
