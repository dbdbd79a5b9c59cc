"""Missing values are NaN (DataFrame) or null (JSON), with the channel's status; never placeholders."""

from __future__ import annotations

import json

import numpy as np
import pytest

import mosaiclink as ml
from mosaiclink.physics.link import PER_CHANNEL


@pytest.fixture(scope="module")
def report():
    return ml.evaluate_link(ml.load_design("mosaic-800g"))  # seed 0 draws three dead emitters


def test_dead_channels_are_missing_not_placeholders(report, sentinels):
    frame = report.to_dataframe()
    dead = frame[frame.status == "dead"]
    assert len(dead) == int(report.dead.sum()) >= 1  # the shipped design at seed 0 has dead emitters
    undefined = [name for name, statuses in PER_CHANNEL.items() if "dead" in statuses]
    assert {"received_oma_dbm", "crosstalk_db", "received_power_dbm"} <= set(undefined)
    assert dead[undefined].isna().all().all()
    live = frame[frame.status == "live"]
    assert live[undefined].notna().all().all()
    np.testing.assert_allclose(dead.log10_ber_stateye, np.log10(0.5))  # a dead channel guesses
    assert sentinels(frame) == []
    data = report.to_dict()
    json.dumps(data, allow_nan=False)  # valid JSON: missing is null, not NaN
    assert sentinels(data) == []
    channel = int(dead.index[0])
    assert data["per_channel"]["received_oma_dbm"][channel] is None
    assert data["per_channel"]["status"][channel] == "dead"


def test_notebook_statistics_are_those_of_live_channels(report):
    """The link-budget notebook's ``.corr()``: with dead channels missing, the full frame's
    correlations are the live channels' and have the physical signs (more light, lower BER;
    more crosstalk or residual ISI, higher BER)."""
    columns = ["received_oma_dbm", "crosstalk_db", "isi_rms_ratio", "log10_ber_stateye"]
    frame = report.to_dataframe()
    full = frame[columns].corr()["log10_ber_stateye"]
    live = frame[frame.status == "live"][columns].corr()["log10_ber_stateye"]
    np.testing.assert_allclose(full.to_numpy(), live.to_numpy(), rtol=1e-12)
    assert full.received_oma_dbm < -0.5
    assert full.crosstalk_db > 0.0
    assert full.isi_rms_ratio > 0.0


def test_compare_and_cluster_data_have_no_placeholders(sentinels):
    result = ml.compare()
    assert sentinels(result.to_dict()) == [] and sentinels(result.to_dataframe()) == []
    cluster = ml.evaluate_cluster()
    assert sentinels(cluster.to_dataframe()) == []
