"""The link-budget waterfall (physics/budget.py) on a hand-worked channel.

Inputs chosen so every line can be worked out by hand in dB; the sensitivity is set consistently
with the Q values (received - sensitivity = 10 log10(Q_ideal / Q_t), as OMA_sens = Q_t (s0 + s1) / R
and Q_ideal = OMA_rx R / (s0 + s1)), so the penalties must telescope to the margin.
"""

from __future__ import annotations

import numpy as np
import pytest

from mosaiclink.physics.budget import LINES, budget_margin_db, build_budget, channel_budget, passive_loss_db


def db(x):
    return 10.0 * np.log10(x)


Q = {"q_ideal": 10.0, "q_spread": 8.0, "q_equalized": 7.0, "q_isi_gaussian": 6.0, "q_final_gaussian": 5.0}
Q_EYE, Q_T, RESERVE_DB = 5.5, 3.5, 1.0


def budget(q_eye=(Q_EYE, Q_EYE, Q_EYE), alive=(True, True, False), **overrides):
    n = len(q_eye)
    received_dbm = db(2.0) - (db(4.0) + db(2.0) + 2.0 + 0.3 + 1.0 + 1.0 + db(1 / 0.8))
    args = {
        "launch_oma_w": np.full(n, 2e-3),  # 3.01 dBm
        "launch_coupling": 0.25,  # 6.02 dB
        "core_fill": 0.5,  # 3.01 dB
        "fiber_loss_db": 2.0,
        "connector_loss_db": 1.0,
        "bend_loss_db": 0.3,
        "interface_loss_db": 1.0,
        "capture": np.full(n, 0.8),  # 0.97 dB
        "sensitivity_oma_w": np.full(n, 1e-3 * 10 ** ((received_dbm - db(Q["q_ideal"] / Q_T)) / 10)),
        **{k: np.full(n, v) for k, v in Q.items()},
        "q_eye": np.asarray(q_eye, dtype=float),
        "q_target": Q_T,
        "implementation_penalty_db": RESERVE_DB,
        "alive": np.asarray(alive),
    }
    args.update(overrides)
    return build_budget(**args)


def test_every_line_by_hand():
    waterfall, per_channel = budget()
    expected = {
        "launch_oma_dbm": 3.0103,
        "coupling_loss_db": 6.0206,
        "core_fill_loss_db": 3.0103,
        "fiber_loss_db": 2.0,
        "bend_loss_db": 0.3,
        "connector_loss_db": 1.0,
        "interface_loss_db": 1.0,
        "capture_loss_db": 0.9691,
        "received_oma_dbm": 3.0103 - 14.2999,
        "pulse_spreading_penalty_db": 0.9691,  # 10 log10(10/8)
        "equalizer_penalty_db": 0.5799,  # 10 log10(8/7)
        # stat-eye total 10 log10(7/5.5) = 1.0474, split 0.6695 : 0.7918 (the Gaussian ISI and crosstalk shares)
        "residual_isi_penalty_db": 1.0474 * 0.6695 / 1.4613,
        "crosstalk_penalty_db": 1.0474 * 0.7918 / 1.4613,
        "implementation_penalty_db": 1.0,
        "margin_db": 10 * np.log10(5.5 / 3.5) - 1.0,  # 0.963
    }
    for key, value in expected.items():
        np.testing.assert_allclose(per_channel[key], value, atol=2e-4, err_msg=key)
        assert waterfall.value(next(name for name, k, _ in LINES if k == key)) == pytest.approx(value, abs=2e-4)


def test_penalties_telescope_to_the_margin_on_every_channel():
    """received - sensitivity - every penalty = margin, channel by channel (also through channel_budget)."""
    _, per_channel = budget(q_eye=(5.5, 4.0, 6.9))
    penalties = sum(per_channel[k] for _, k, kind in LINES if kind == "penalty")
    closure = per_channel["received_oma_dbm"] - per_channel["sensitivity_oma_dbm"] - penalties
    np.testing.assert_allclose(closure, per_channel["margin_db"], atol=1e-9)
    for channel in range(3):
        lines = {line.key: line.value_db for line in channel_budget(per_channel, channel).lines}
        losses = sum(lines[k] for _, k, kind in LINES if kind == "loss")
        assert lines["launch_oma_dbm"] - losses == pytest.approx(lines["received_oma_dbm"], abs=1e-9)


def test_without_crosstalk_the_whole_eye_penalty_is_isi():
    _, per_channel = budget(q_final_gaussian=np.full(3, Q["q_isi_gaussian"]))
    np.testing.assert_allclose(per_channel["residual_isi_penalty_db"], db(7.0 / 5.5), atol=1e-12)
    np.testing.assert_allclose(per_channel["crosstalk_penalty_db"], 0.0, atol=1e-12)
    # no Gaussian penalty at all (an eye better than the Gaussian estimate): all of it, negative, on ISI
    _, flat = budget(q_eye=(7.7, 7.7, 7.7), q_isi_gaussian=np.full(3, 7.0), q_final_gaussian=np.full(3, 7.0))
    np.testing.assert_allclose(flat["residual_isi_penalty_db"], db(7.0 / 7.7), atol=1e-12)
    np.testing.assert_allclose(flat["crosstalk_penalty_db"], 0.0, atol=1e-12)


def test_waterfall_is_the_median_of_live_channels_only():
    """A dead channel (here a poor eye flagged dead) does not move the medians; with every channel
    dead the medians are over all (there is nothing else to show)."""
    waterfall, _ = budget(q_eye=(5.0, 6.0, 0.5), alive=(True, True, False))
    assert waterfall.value("Margin") == pytest.approx(np.median([db(5.0 / 3.5), db(6.0 / 3.5)]) - 1.0, abs=1e-12)
    everything_dead, per_channel = budget(q_eye=(5.0, 6.0, 7.0), alive=(False, False, False))
    assert everything_dead.value("Margin") == pytest.approx(db(6.0 / 3.5) - 1.0, abs=1e-12)
    assert [line.name for line in everything_dead.lines] == [name for name, _, _ in LINES]


def test_passive_loss_and_margin_by_hand():
    # 20 m at 0.1 dB/m, two 0.5 dB connectors, a 1 dB interface, 0.3 dB of bends
    assert float(passive_loss_db(0.1, 20.0, 2, 0.5, 1.0, 0.3)) == pytest.approx(4.3, abs=1e-12)
    assert float(passive_loss_db(0.1, 20.0, 0, 0.5, 1.0)) == pytest.approx(3.0, abs=1e-12)
    # Q_eye = 2 Q_t is 3.01 dB of margin before the reserve; a closed eye has none at all
    assert float(budget_margin_db(7.0, 3.5, 1.0)) == pytest.approx(db(2.0) - 1.0, abs=1e-12)
    assert float(budget_margin_db(-1.0, 3.5, 0.0)) == -np.inf


def test_a_shown_margin_is_finite_for_a_closed_eye_and_the_margin_otherwise():
    """``shown_margin_db``, what every surface shows: a closed eye (Q 0 at BER 1/2, or below) at the
    closed-eye floor, -3,006 dB against Q_t = 4.4; an open eye exactly ``budget_margin_db``."""
    from mosaiclink.physics.budget import CLOSED_EYE_Q, shown_margin_db

    closed = shown_margin_db(np.array([0.0, -0.0, -2.0]), 4.4, 1.0)
    assert np.all(closed == db(CLOSED_EYE_Q / 4.4) - 1.0) and np.all(np.isfinite(closed))
    assert float(shown_margin_db(7.0, 3.5, 1.0)) == float(budget_margin_db(7.0, 3.5, 1.0))
