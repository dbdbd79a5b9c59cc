"""KV-cache offload: time per output token from first principles, reach, and the batch a pool sustains."""

import numpy as np
import pytest

from mosaiclink.errors import ConfigError
from mosaiclink.workloads.inference import evaluate_inference, tpot_s
from mosaiclink.workloads.presets import load_inference


@pytest.fixture(scope="module")
def result():
    return evaluate_inference(load_inference())


def test_kv_bytes_per_token_llama3_70b(result):
    # 2 (K, V) x 80 layers x 8 KV heads x 128 dims x 2 bytes = 327,680 B per token, over 8 GPUs
    assert result.kv_bytes_per_token_per_gpu == pytest.approx(327_680 / 8)


def test_hbm_only_decode_is_a_memory_read():
    """Without offload a decode step reads weights and KV once from HBM (bandwidth-bound decoding)."""
    spec = load_inference()
    weights = 2 * spec.model.parameters / spec.tensor
    kv = 10 * spec.context_tokens * 327_680 / spec.tensor
    assert tpot_s(spec, 10, 125e9, 500.0) == pytest.approx((weights + kv) / (spec.gpu.hbm_tbyte_s * 1e12))


def test_offload_costs_link_time_and_a_round_trip_per_layer(result):
    spec = result.spec
    b = result.hbm_only_batch + 5
    slow = tpot_s(spec, b, 125e9, 1000.0) - tpot_s(spec, b, 125e9, 500.0)
    assert slow == pytest.approx(spec.model.layers * 500e-9)
    assert tpot_s(spec, b, 62.5e9, 500.0) > tpot_s(spec, b, 125e9, 500.0)
    times = tpot_s(spec, np.arange(1, 400), 125e9, 500.0)
    assert np.all(np.diff(times) > 0)


def test_reach_and_technologies(result):
    rows = result.summary()["rows"]
    copper = [r for r in rows if r["technology"] == "passive-dac"]
    assert not any(r["within_reach"] for r in copper) and all(r["batch"] == 0 for r in copper)
    mosaic = [r for r in rows if r["technology"] == "mosaic"]
    reach = result.reach_m["mosaic"]
    assert reach > 30.0 and all(r["within_reach"] == (r["length_m"] <= reach) for r in mosaic)
    # latency grows with length; every technology that reaches sustains the same batch (bandwidth-bound)
    at = {(r["technology"], r["length_m"], r["latency_budget_ms"]): r for r in rows}
    assert at[("mosaic", 50.0, 50.0)]["load_to_use_ns"] > at[("mosaic", 10.0, 50.0)]["load_to_use_ns"]
    assert at[("mosaic", 30.0, 50.0)]["batch"] == at[("dr8", 30.0, 50.0)]["batch"] > result.hbm_only_batch
    assert at[("mosaic", 30.0, 50.0)]["link_w_per_gpu"] < at[("dr8", 30.0, 50.0)]["link_w_per_gpu"]


def test_bad_inference_spec_is_one_line():
    with pytest.raises(ConfigError, match="tensor = 3") as info:
        load_inference(tensor=3)
    assert "\n" not in str(info.value)


def test_lane_rate_table():
    """Faster lanes shorten copper; MOSAIC keeps ~2 Gb/s channels from 400G to 3.2T by adding channels."""
    from mosaiclink.workloads.lanes import lane_rate_table

    rows = lane_rate_table(mosaic_presets=("mosaic-800g", "mosaic-3.2t"))
    dac = {r["lane_rate_gbps"]: r for r in rows if r["technology"] == "passive-dac"}
    assert dac[200.0]["reach_m"] < dac[100.0]["reach_m"] and dac[200.0]["reach_vs_lowest_rate"] == 0.5
    mosaic = {r["rate_gbps"]: r for r in rows if r["technology"] == "mosaic"}
    assert all(1.9 < r["lane_rate_gbps"] < 2.3 for r in mosaic.values())
    assert mosaic[3200.0]["lanes"] == 4 * mosaic[800.0]["lanes"]
    dr8 = {r["rate_gbps"]: r for r in rows if r["technology"] == "dr8"}
    assert mosaic[800.0]["pj_per_bit"] < dr8[800.0]["pj_per_bit"]
