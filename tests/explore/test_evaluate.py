"""Vectorized evaluator: agrees with the full link model, is batch-independent, physically monotone."""

from __future__ import annotations

import numpy as np
import pytest

from mosaiclink.config.overrides import row_overrides
from mosaiclink.config.presets import load_preset
from mosaiclink.errors import ConfigError
from mosaiclink.explore.batch import design_batch
from mosaiclink.explore.evaluate import METRICS, evaluate_rows, nominal_chain
from mosaiclink.explore.spec import with_overrides
from mosaiclink.physics.ber import LOG10_BER_FLOOR, q_from_log10_ber
from mosaiclink.physics.link import evaluate_link, nominal_channel_log10_ber
from mosaiclink.physics.reach import margin_log10_ber
from mosaiclink.system.power import mosaic_power
from mosaiclink.system.reliability import mosaic_link_fit

BASE = load_preset("mosaic-800g")
# the same design at a free line rate (no host protocol), for the tests that sweep the rate below
# what 800GbE needs (with the protocol such a rate is refused: config.overrides)
FREE_RATE = with_overrides(BASE, {"link.host_protocol": "none"})


def test_nominal_q_agrees_with_full_model_median_channel():
    """The nominal channel against the full per-channel model's median channel (manufacturing
    spread included; the nominal-channel agreement is tests/explore/test_fast_vs_full.py)."""
    lengths = np.array([[20.0], [30.0]])
    reduced = evaluate_rows(BASE, ("link.length_m",), lengths)["q_factor"]
    full = np.array([median_eye_q(BASE.with_link(length_m=float(length))) for length in lengths[:, 0]])
    assert np.all(np.abs(20 * np.log10(reduced / full)) < 1.5)  # dB


def median_eye_q(design):
    return float(q_from_log10_ber(np.median(evaluate_link(design, seed=0).log10_ber_stateye)))


@pytest.mark.parametrize("preset", ["mosaic-800g", "mosaic-prototype"])
def test_q_is_smooth_in_length_and_tracks_the_full_model(preset):
    """Regression: the decision instant was the pulse's argmax on the 4-samples-per-bit grid, so
    it jumped a quarter bit whenever the peak (delayed by half the modal walk-off) crossed the
    midpoint between two samples: Q of mosaic-800g fell 13.0 -> 8.5 from 34 to 35 m.

    Q(L) is built from functions smooth in L (exponential attenuation, Gaussian spot spread,
    sinc walk-off and Gaussian dispersion responses, a sampling instant at the continuous peak),
    so on a 1 m grid (a) no step may exceed the steepest slope of the full model over these
    presets (0.95 Q per metre, mosaic-800g at 10-20 m), rounded up to 1.0, and (b) the slope may
    change only as fast as the curve bends: the full model's slope goes from -0.95 to -0.07 per
    metre over ~50 m (~0.02 per m^2), so second differences stay below 0.1, while a jump of
    size J shows up as a second difference of about J.
    """
    base = load_preset(preset)
    lengths = np.arange(5.0, 71.0, 1.0)
    m = evaluate_rows(base, ("link.length_m",), lengths[:, None])
    above_floor = m["log10_ber_nominal"] > LOG10_BER_FLOOR  # Q is flat at the BER floor (1e-300)
    q = q_from_log10_ber(m["log10_ber_nominal"][above_floor])
    assert np.all(q > 0) and above_floor.sum() > 50
    # relative steps: the quarter-bit jump cost 35 % of Q in one metre; smooth curves move < 9 %/m here
    assert np.max(np.abs(np.diff(q) / q[1:])) < 0.12
    assert np.max(np.abs(np.diff(q, 2))) < 0.1
    assert np.all(np.diff(q) < 0)  # longer fibre, lower Q
    # the median channel (population fast path) where BER matters (>= 1e-15): the same bounds; deeper,
    # its reference ranking changes between length bins (physics.population.LENGTH_BIN)
    judged = m["log10_ber"] >= -15.0
    q_median = m["q_factor"][judged]
    assert judged.sum() > 10 and np.all(np.diff(q_median) < 0)
    assert np.max(np.abs(np.diff(q_median, 2))) < 0.1
    # The nominal channel against the full model's nominal channel (the same core; the median
    # channel with manufacturing spread sits up to 2.3 dB lower for the prototype at 30 m)
    for length in (10.0, 20.0, 30.0, 40.0, 50.0):
        full = float(q_from_log10_ber(nominal_channel_log10_ber(base.with_link(length_m=length))))
        fast = float(q_from_log10_ber(m["log10_ber_nominal"][lengths == length][0]))
        assert abs(20 * np.log10(fast / full)) < 0.25, length


def test_power_and_fit_equal_the_system_models_design_by_design():
    rows = np.array([[1.5, 1.0, 0.0], [2.0, 2.0, 20.0], [2.5, 3.0, 60.0]])
    paths = ("link.rate_gbps", "led.peak_current_ma", "array.spare_channels")
    m = evaluate_rows(FREE_RATE, paths, rows)
    for i, row in enumerate(rows):
        design = with_overrides(
            FREE_RATE, {p: (int(v) if p.startswith("array") else float(v)) for p, v in zip(paths, row, strict=True)}
        )
        assert m["power_w"][i] == pytest.approx(mosaic_power(design).total_w_per_end, rel=1e-12)
        assert m["fit"][i] == pytest.approx(mosaic_link_fit(design), rel=1e-9)


def test_batch_result_does_not_depend_on_batch_composition():
    """Rows of several population groups (lengths 5-60 m: several reference lengths) run as one batch
    of chain rows; each row alone (its own group) gives the same numbers."""
    rng = np.random.default_rng(1)
    rows = np.column_stack([rng.uniform(5, 60, 50), rng.uniform(1.2, 2.8, 50), rng.uniform(0.15, 0.4, 50)])
    paths = ("link.length_m", "link.rate_gbps", "fiber.na")
    whole = evaluate_rows(FREE_RATE, paths, rows)
    for i in (0, 17, 49):
        single = evaluate_rows(FREE_RATE, paths, rows[i : i + 1])
        for name in METRICS:  # reaches too: the solver takes a fixed number of steps, element by element
            assert single[name][0] == pytest.approx(whole[name][i], rel=1e-9, abs=1e-300), name


def test_a_reach_asked_alone_is_the_one_asked_with_the_others():
    """The reaches searched together (their bracket ends shared) or one by one give the same numbers."""
    rng = np.random.default_rng(2)
    rows = np.column_stack([rng.uniform(5, 60, 12), rng.uniform(1.2, 2.8, 12)])
    paths = ("link.length_m", "link.rate_gbps")
    every = evaluate_rows(FREE_RATE, paths, rows)
    for name in ("reach_median_m", "reach_all_m", "reach_nominal_m"):
        alone = evaluate_rows(FREE_RATE, paths, rows, reaches=(name,))
        np.testing.assert_array_equal(alone[name], every[name])
        assert not {"reach_median_m", "reach_all_m", "reach_nominal_m"} - {name} & set(alone)
    assert "reach_m" in evaluate_rows(FREE_RATE, paths, rows[:1], reaches=("reach_median_m",))
    with pytest.raises(ConfigError, match="reaches = \\['reach_max_m'\\]: allowed reach_median_m"):
        evaluate_rows(FREE_RATE, paths, rows[:1], reaches=("reach_max_m",))


def test_shared_rows_across_lengths_equal_separate_evaluation():
    """The length-free parts are computed once per distinct row of the other parameters."""
    grid = np.array([[length, rate] for rate in (1.6, 2.0) for length in (10.0, 25.0, 40.0)])
    paths = ("link.length_m", "link.rate_gbps")
    shared = evaluate_rows(FREE_RATE, paths, grid)
    for i, row in enumerate(grid):
        alone = evaluate_rows(FREE_RATE, paths, row[None, :])
        for name in METRICS:
            assert alone[name][0] == pytest.approx(shared[name][i], rel=1e-9, abs=1e-300), name
    assert len(set(shared["reach_nominal_m"])) == 2
    # the median reach ranks the channels by a reference at the row's length bin: equal within 1 %
    for reach in (shared["reach_m"][:3], shared["reach_m"][3:]):
        assert np.ptp(reach) <= 0.01 * reach.min()


def test_physical_trends():
    lengths = np.geomspace(5, 80, 12)[:, None]
    m = evaluate_rows(BASE, ("link.length_m",), lengths)
    q = m["q_factor"][m["log10_ber"] > LOG10_BER_FLOOR]  # above the BER floor
    assert q.size > 6 and np.all(np.diff(q) < 0)  # longer fibre, lower Q
    spares = np.array([[0.0], [5.0], [20.0], [60.0]])
    fit = evaluate_rows(BASE, ("array.spare_channels",), spares)["fit"]
    # spares buy reliability: without them every data channel of both directions is in series
    # (microLED 1 + photodiode 0.1 + electronics 0.1 FIT at the reference temperature)
    channels_fit = 2 * BASE.array.data_channels * 1.2
    assert np.all(np.diff(fit) <= 0) and fit[0] - fit[-1] == pytest.approx(channels_fit, rel=0.01)
    drive = np.array([[1.0], [2.0], [3.0]])
    power = evaluate_rows(BASE, ("led.peak_current_ma",), drive)["power_w"]
    assert np.all(np.diff(power) > 0)


def test_reach_is_where_q_meets_the_target():
    rows = np.array([[1.5], [2.0], [2.5]])
    m = evaluate_rows(FREE_RATE, ("link.rate_gbps",), rows)
    batch = design_batch(FREE_RATE, ("link.rate_gbps",), rows)
    chain = nominal_chain(batch)
    # reach is where the margin, the implementation reserve included, is 0 dB
    # (the solver's 0.1 % length tolerance is up to ~0.015 decade at this BER's slope)
    target = margin_log10_ber(FREE_RATE.link.target_ber, FREE_RATE.receiver.implementation_penalty_db)
    np.testing.assert_allclose(chain.log10_ber(m["reach_nominal_m"]), target, atol=0.02)
    for name in ("reach_m", "reach_all_m", "reach_nominal_m"):
        assert np.all(np.diff(m[name]) < 0)  # faster channels reach less far
    assert np.all(m["reach_all_m"] <= m["reach_m"]) and np.all(m["reach_m"] <= m["reach_nominal_m"])


def test_analysis_window_is_long_enough(monkeypatch):
    """The 16-bit periodic window agrees with a 24-bit one, slow (low-current) LEDs included."""
    import mosaiclink.physics.chain as ev

    rng = np.random.default_rng(3)
    rows = np.column_stack([rng.uniform(1.0, 5.0, 200), rng.uniform(1.0, 3.0, 200), rng.uniform(5, 60, 200)])
    paths = ("led.peak_current_ma", "link.rate_gbps", "link.length_m")
    short = evaluate_rows(FREE_RATE, paths, rows)["q_factor"]
    monkeypatch.setattr(ev, "SPAN_BITS", 24)
    long = evaluate_rows(FREE_RATE, paths, rows)["q_factor"]
    open_eye = (long > 1.0) & (long < 30.0)  # below the BER floor's Q
    assert open_eye.sum() > 100
    assert np.max(np.abs(20 * np.log10(short[open_eye] / long[open_eye]))) < 0.1


@pytest.mark.parametrize(
    "paths", [("link.rate_gbps",), ("array.spare_channels",), ("array.spare_channels", "led.peak_current_ma")]
)
def test_batch_and_single_designs_share_the_line_rate_rule(paths):
    """A batch row is the design ``with_overrides`` builds: same line rate, same host protocol
    (a swept rate above the need is kept; otherwise the rate follows the data channels)."""
    assert BASE.link.host_protocol != "none"
    values = {"link.rate_gbps": [2.2, 2.5], "array.spare_channels": [0.0, 40.0]}
    values["led.peak_current_ma"] = [2.0, 3.0]
    rows = np.column_stack([values[p] for p in paths])
    batch = design_batch(BASE, paths, rows)
    for i, row in enumerate(rows):
        design = with_overrides(BASE, dict(zip(paths, map(float, row), strict=True)))
        assert np.broadcast_to(batch.link.rate_gbps, len(rows))[i] == pytest.approx(design.link.rate_gbps, rel=1e-12)
        assert batch.link.host_protocol == design.link.host_protocol == "800gbe"


@pytest.mark.parametrize(
    ("paths", "row"),
    [
        (("link.rate_gbps",), (2.0,)),  # below the 2.1458 Gb/s that 800GbE needs over 400 channels
        (("array.rows", "link.rate_gbps"), (16.0, 2.2)),  # 320 channels need 2.6822 Gb/s
        (("link.length_m",), (-5.0,)),
        (("array.spare_channels",), (2.5,)),
        (("led.peak_current_ma",), (0.1,)),  # below the bias current: a rule between two fields
    ],
)
def test_batch_refuses_what_the_design_validation_refuses_with_its_message(paths, row):
    """One validation: a batch holding a refused design raises the message ``with_overrides`` gives it."""
    rows = np.array([[2.2] * len(paths), row]) if paths == ("link.rate_gbps",) else np.array([row])
    with pytest.raises(ConfigError) as single:
        with_overrides(BASE, row_overrides(BASE, paths, np.array(row)))
    with pytest.raises(ConfigError) as batch:
        evaluate_rows(BASE, paths, rows)
    assert str(batch.value) == str(single.value)


def test_no_design_has_every_column_empty():
    """An empty matrix gives the columns one row gives, empty (regression test: the batched groups once
    failed on it, and the chain's reshapes could not infer a size from zero rows)."""
    from mosaiclink.explore.evaluate import population_pass

    design, paths = load_preset("mosaic-prototype"), ("link.length_m", "led.peak_current_ma")
    for evaluate in (population_pass, evaluate_rows):
        none, one = evaluate(design, paths, np.zeros((0, 2))), evaluate(design, paths, np.array([[20.0, 2.0]]))
        assert set(none) == set(one) and all(values.shape == (0,) for values in none.values())


def test_each_group_is_ranked_on_its_own_reference_design():
    """``populations`` groups rows by the array and variation values and the reference length, and
    ranks each group on ``base`` with those values (its cache: one validation per group and
    process): the same ranking as building that reference by hand, and the same objects again."""
    from mosaiclink.explore.evaluate import populations
    from mosaiclink.physics.population import population, reference_length_m

    base = load_preset("mosaic-prototype")
    paths = ("array.spare_channels", "variation.led_efficiency_sigma_pct", "link.length_m")
    rows = np.array([[0, 5.0, 21.0], [2, 5.0, 21.0], [0, 5.0, 24.0], [0, 12.0, 21.0], [2, 5.0, 21.0]])  # one length bin
    groups = populations(base, paths, rows)
    assert sorted(tuple(map(int, members)) for _, members in groups) == [(0, 2), (1, 4), (3,)]
    for pop, members in groups:
        spares, sigma, length = rows[members[0]]
        reference = with_overrides(
            base,
            {paths[0]: spares, paths[1]: sigma, "link.length_m": float(reference_length_m(np.array([length]))[0])},
        )
        alone = population(reference)
        assert pop.live == alone.live and np.array_equal(pop.anchors.efficiency_scale, alone.anchors.efficiency_scale)
    again = populations(base, paths, rows)
    assert all(a is b for (a, _), (b, _) in zip(groups, again, strict=True))
