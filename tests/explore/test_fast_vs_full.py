"""Acceptance: the fast path's nominal channel is the full model's, and its channel population is
the one `mosaic link` reports.

On a seeded Latin hypercube of random designs over the explorer's usual ranges (the benchmark's
five knobs) plus every preset, the vectorized evaluator's log10 BER agrees with the full
per-channel model's nominal interior channel (``physics.link.nominal_channel_log10_ber``: no
manufacturing spread, the centre of a 5 x 5 array) within 0.3 decade wherever BER >= 1e-15,
pass/fail at the target BER is identical, and the reaches agree within 2 %. The measured figures
are recorded in docs/models.md ("Fast path vs full model").
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.stats import qmc

from mosaiclink.config.presets import load_preset, preset_names
from mosaiclink.explore.batch import design_batch
from mosaiclink.explore.evaluate import evaluate_rows, nominal_chain, population_pass, reach_m
from mosaiclink.explore.spec import with_overrides
from mosaiclink.physics.link import NOMINAL_SIDE, evaluate_link, nominal_channel_log10_ber, nominal_design
from mosaiclink.physics.reach import margin_log10_ber, max_reach_m, max_reaches_m

RANGES = {
    "led.diameter_um": (3.0, 10.0),
    "led.peak_current_ma": (1.0, 5.0),
    "link.rate_gbps": (1.2, 2.8),
    "fiber.na": (0.15, 0.4),
    "link.length_m": (5.0, 60.0),
}
PATHS = tuple(RANGES)
DESIGNS = 200
# the 800G design driven at a free line rate (no host protocol), as a rate sweep needs: with 800GbE
# a rate below its 2.1458 Gb/s need is refused (config.overrides)
BASE = with_overrides(load_preset("mosaic-800g"), {"link.host_protocol": "none"})


def lhs_rows(n: int, seed: int = 11) -> np.ndarray:
    unit = qmc.LatinHypercube(d=len(RANGES), seed=seed).random(n)
    low, high = np.array(list(RANGES.values())).T
    return low + unit * (high - low)


def cases():
    """(design, fast log10 BER, fast reach) for the random designs and the presets."""
    rows = lhs_rows(DESIGNS)
    fast = evaluate_rows(BASE, PATHS, rows)
    out = [
        (
            with_overrides(BASE, dict(zip(PATHS, map(float, row), strict=True))),
            fast["log10_ber_nominal"][i],
            fast["reach_nominal_m"][i],
        )
        for i, row in enumerate(rows)
    ]
    for name in preset_names():
        design = load_preset(name)
        m = evaluate_rows(design, ("link.length_m",), np.array([[design.link.length_m]]))
        out.append((design, m["log10_ber_nominal"][0], m["reach_nominal_m"][0]))
    return out


@pytest.fixture(scope="module")
def compared():
    rows = []
    for design, fast, fast_reach in cases():
        rows.append((design, fast, float(nominal_channel_log10_ber(design)), fast_reach))
    return rows


def test_fast_path_log10_ber_is_within_three_tenths_of_a_decade(compared):
    fast = np.array([c[1] for c in compared])
    full = np.array([c[2] for c in compared])
    judged = full >= -15.0
    assert judged.sum() >= 50  # enough designs in the range that matters
    delta = np.abs(fast - full)[judged]
    assert delta.max() <= 0.3, (delta.max(), np.median(delta))
    # deep BERs: the same to within 2 % of the exponent (both floored at 1e-300)
    assert np.all(np.abs(fast - full)[~judged] <= 0.02 * np.abs(full[~judged]) + 0.3)


def test_pass_fail_at_the_target_is_identical(compared):
    for design, fast, full, _ in compared:
        target = np.log10(design.link.target_ber)
        assert (fast <= target) == (full <= target), (design.name, fast, full)


@pytest.mark.slow
def test_reach_agrees_within_two_percent(compared):
    # the full model's criterion: the worst channel of the nominal 5 x 5 array, its centre
    checked = 0
    for design, _, _, fast_reach in compared[::5]:
        full_reach = max_reach_m(nominal_design(design), channels_required=NOMINAL_SIDE**2, tolerance_m=0.02)
        if full_reach > 0:
            checked += 1
            assert fast_reach == pytest.approx(full_reach, rel=0.02), design.name
    assert checked >= 30


@pytest.mark.slow
@pytest.mark.parametrize("name", preset_names())
def test_reach_at_a_stated_margin_agrees_and_is_shorter(name):
    """Reach at the target BER and with 1 dB and 3 dB of budget margin (implementation penalty
    included), fast path against the full model's nominal channel."""
    design = load_preset(name)
    nominal = nominal_design(design)
    static = nominal_chain(design_batch(design, ("link.length_m",), np.array([[design.link.length_m]])))
    log10_target = np.array([np.log10(design.link.target_ber)])
    previous = np.inf
    for margin_db in (None, 1.0, 3.0):
        fast = float(reach_m(static, log10_target, margin_db)[0])
        full = max_reach_m(nominal, channels_required=NOMINAL_SIDE**2, tolerance_m=0.02, margin_db=margin_db)
        assert fast == pytest.approx(full, rel=0.02, abs=0.05), margin_db
        assert full < previous or full == 0.0
        previous = full


# --- the population fast path against `mosaic link` (physics.population; docs/models.md) ---------

MEDIAN_DECADES = 0.3  # the acceptance bound wherever the full model's median BER >= 1e-15
COUNT_FRACTION = 0.01  # channels meeting the target: within +-1 % of the array
DEEP_RELATIVE = 0.3  # where BER < 1e-15: of the exponent (regression test; physics.population Notes, "Stages")
# measured (docs/models.md "Population fast path"): 0.119 decade, 0.65 % of the 800G array on the
# random designs of seeds 11-13 and 0.35 % on the presets at most


def population_cases(design, fast: dict, i: int):
    """(full, fast) pairs of the headline numbers of one design: median, meeting, verdict."""
    report = evaluate_link(design, seed=0)
    # pass: the worst data channel in service meets the target with the implementation reserve
    target = margin_log10_ber(design.link.target_ber, design.receiver.implementation_penalty_db)
    return {
        "median": (float(np.median(report.log10_ber_stateye)), float(fast["log10_ber_median"][i])),
        "meeting": (report.channels_meeting_target, float(fast["channels_meeting"][i])),
        "channels": report.channels,
        "ok": (report.link_ok, bool(fast["log10_ber_worst_in_service"][i] <= target)),
        "wis": (report.nth_best_log10_ber(report.data_channels), float(fast["log10_ber_worst_in_service"][i])),
    }


def check_population(results) -> dict[str, float]:
    median = np.array([r["median"] for r in results])
    judged = median[:, 0] >= -15.0
    decade = np.abs(median[:, 0] - median[:, 1])
    count = np.array([abs(r["meeting"][0] - r["meeting"][1]) / r["channels"] for r in results])
    figures = {
        "judged": int(judged.sum()),
        "decades": float(decade[judged].max()),
        "decades_median": float(np.median(decade[judged])),
        "count": float(count.max()),
        "pass_fail_mismatches": sum(r["ok"][0] != r["ok"][1] for r in results),
    }
    assert figures["judged"] >= 10, figures
    assert figures["decades"] <= MEDIAN_DECADES, figures
    # below 1e-15 (outside the acceptance) a regression test of the measured figure, not a bound:
    # within 15 % of the exponent for the median, 28 % for the worst in service on seeds 11-16 (session 17's
    # five-anchor stage 0; 14 % and 18 % before)
    for name in ("median", "wis"):
        pair = np.array([r[name] for r in results])
        deep = pair[:, 0] < -15.0
        relative = np.abs(pair[deep, 0] - pair[deep, 1]) / np.abs(pair[deep, 0])
        assert relative.max(initial=0.0) <= DEEP_RELATIVE, (name, relative.max())
    assert figures["count"] <= COUNT_FRACTION, figures
    assert figures["pass_fail_mismatches"] == 0, figures  # pass/fail identical
    return figures


def preset_lengths(design) -> np.ndarray:
    """Five lengths from 10 m to the preset's (median-channel) reach + 20 %."""
    reach = evaluate_rows(design, ("link.length_m",), np.array([[design.link.length_m]]))["reach_m"][0]
    return np.linspace(10.0, 1.2 * reach, 5)


@pytest.mark.parametrize("name", preset_names())
def test_population_fast_path_reports_what_mosaic_link_reports_on_every_preset(name):
    design = load_preset(name)
    lengths = preset_lengths(design)
    fast = evaluate_rows(design, ("link.length_m",), lengths[:, None])
    results = [population_cases(design.with_link(length_m=float(L)), fast, i) for i, L in enumerate(lengths)]
    median = np.array([r["median"] for r in results])
    judged = median[:, 0] >= -15.0
    assert np.all(np.abs(median[judged, 0] - median[judged, 1]) <= MEDIAN_DECADES)
    for r in results:
        assert abs(r["meeting"][0] - r["meeting"][1]) <= COUNT_FRACTION * r["channels"], r
        assert r["ok"][0] == r["ok"][1], r
        if r["wis"][0] >= -15.0:
            assert abs(r["wis"][0] - r["wis"][1]) <= MEDIAN_DECADES, r


SEEDS = (11, 12, 13)  # three hypercubes: the count bound once held on 11 alone (docs/models.md)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_population_fast_path_on_random_designs(seed):
    """>= 200 random valid designs (the benchmark's five knobs over the 800G base), per seed."""
    rows = lhs_rows(DESIGNS, seed)
    fast = evaluate_rows(BASE, PATHS, rows)
    results = [
        population_cases(with_overrides(BASE, dict(zip(PATHS, map(float, row), strict=True))), fast, i)
        for i, row in enumerate(rows)
    ]
    check_population(results)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mosaic-prototype", "mosaic-800g", "mosaic-400g"])
def test_population_reaches_agree_with_the_full_model(name):
    """Median-channel reach and every-data-channel reach against the full model's bisection."""
    design = load_preset(name)
    fast = evaluate_rows(design, ("link.length_m",), np.array([[design.link.length_m]]))
    full_median, full_all = max_reaches_m(design, (None, design.array.data_channels), tolerance_m=0.01)
    assert fast["reach_median_m"][0] == pytest.approx(full_median, rel=0.02)
    assert fast["reach_all_m"][0] == pytest.approx(full_all, rel=0.02)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_population_reaches_on_random_designs(seed):
    rows = lhs_rows(DESIGNS, seed)[::20]
    fast = evaluate_rows(BASE, PATHS, rows)
    checked = 0
    for i, row in enumerate(rows):
        design = with_overrides(BASE, dict(zip(PATHS, map(float, row), strict=True)))
        full_median, full_all = max_reaches_m(design, (None, design.array.data_channels), tolerance_m=0.01)
        if full_median > 0 and full_all > 0:
            checked += 1
            assert fast["reach_median_m"][i] == pytest.approx(full_median, rel=0.02), i
            assert fast["reach_all_m"][i] == pytest.approx(full_all, rel=0.02), i
    assert checked >= 6


def test_channels_without_light_keep_the_regression_defined():
    """Found by the preset fuzz: a lens aperture of 9e-191 leaves channels without light (0/0 swing);
    their features sit at the mean instead of breaking the least squares (SVD did not converge)."""
    import numpy as np

    from mosaiclink.physics.population import channel_features, regression

    swing = np.array([1e-6, 2e-6, np.nan, 3e-6, 0.0, 4e-6])
    q = np.array([5.0, 6.0, 0.0, 7.0, 0.0, 8.0])
    crosstalk = np.array([0.1, 0.2, np.inf, 0.1, np.inf, 0.3])  # a channel without light: aggressors / 0
    features = channel_features(q, swing, np.ones(6), q, crosstalk)
    assert np.all(np.isfinite(features))
    ranks = np.array([0, 2, 5])
    out = regression(features, ranks)
    assert np.all(np.isfinite(out)) and np.allclose(out[ranks], np.eye(3))


def test_local_anchors_are_spread_over_the_channels_near_the_target():
    """physics.population.local_ranks: the live non-anchor channels within LOCAL_BAND_Q of the target,
    the first and the last of them and evenly between; fewer when fewer are near, none when none is."""
    from mosaiclink.physics.population import LOCAL_ANCHORS, LOCAL_BAND_Q, local_ranks, population

    pop = population(load_preset("mosaic-800g"))
    fitted = np.linspace(8.0, 2.0, pop.live)  # Q falling with the rank, 0.014 per rank
    q_target = np.array([5.0, 50.0, 1.92])  # dense, far, next to the live worst (an anchor)
    picks = local_ranks(np.tile(fitted, (3, 1)), q_target, pop)
    candidate = ~np.isin(np.arange(pop.live), pop.anchor_ranks)
    near = np.flatnonzero((np.abs(fitted - 5.0) <= LOCAL_BAND_Q) & candidate)
    evenly = np.rint(np.linspace(0, near.size - 1, LOCAL_ANCHORS)).astype(int)  # among the candidates
    assert picks.shape == (3, LOCAL_ANCHORS) and near.size > 2 * LOCAL_ANCHORS
    assert np.all(np.isin(picks[0], near)) and np.array_equal(np.searchsorted(near, picks[0]), evenly)
    assert np.all(picks[1] == -1)
    assert list(picks[2]) == [pop.live - 2] + [-1] * (LOCAL_ANCHORS - 1)


def test_an_array_without_spread_keeps_the_refit_defined():
    """No manufacturing spread: the swing and rate-scale regressors are constant (zero columns after
    standardising), yet the re-fit with the local anchors is solvable and counts what mosaic link counts
    (prototype just past its median reach: 4 of 100 channels, the least crosstalk, still meet)."""
    from mosaiclink.physics.population import population, population_columns

    spreads = ("led_efficiency_sigma_pct", "led_bandwidth_sigma_pct", "responsivity_sigma_pct")
    no_spread = {f"variation.{name}": 0.0 for name in (*spreads, "misalignment_sigma_um", "wavelength_sigma_nm")}
    design = with_overrides(load_preset("mosaic-prototype"), no_spread | {"link.length_m": 29.1})
    pop = population(design)
    assert np.count_nonzero(np.all(pop.features == 0.0, axis=0)) >= 1
    columns = population_columns(design, [(pop, np.arange(1))], [29.1], reach_range_m=None)
    report = evaluate_link(design, seed=0)
    assert columns["channels_meeting"][0] == report.channels_meeting_target == 4
    assert columns["log10_ber_median"][0] == pytest.approx(np.median(report.log10_ber_stateye), abs=1e-3)


def test_an_array_without_a_live_channel_has_no_reach():
    """Found by the preset fuzz (session 7): every channel dead (dead_channel_probability 1) left the
    reach search without a design row (shapes (2,) and (0,)); as mosaic link, nothing meets anywhere."""
    design = with_overrides(load_preset("mosaic-prototype"), {"variation.dead_channel_probability": 1.0})
    fast = evaluate_rows(design, ("link.length_m",), np.array([[20.0], [30.0]]))
    report = evaluate_link(design.with_link(length_m=20.0), seed=0)
    assert report.channels_meeting_target == 0 and np.all(fast["channels_meeting"] == 0)
    assert np.allclose(fast["log10_ber_median"], np.median(report.log10_ber_stateye))  # BER 1/2
    assert np.all(fast["reach_median_m"] == 0.0) and np.all(fast["reach_all_m"] == 0.0)


def test_stages_settle_only_what_no_later_anchor_changes():
    """physics.population.settled on profiles built by hand: every live channel FAR_Q (plus
    HOLDOUT_FACTOR times the fit's leave-one-out error) from the target and a median above 1e-3 (with
    that error at most AWFUL_HOLDOUT_Q), or median and worst in service below 1e-15 (by DEEP_MARGIN_Q
    in Q); at either settling stage (five anchors fitted by three regressors, eight by five), never at
    the last, nor through too few anchors beyond the stage's regressors, nor on an array whose every
    live channel is an anchor."""
    from dataclasses import replace

    from mosaiclink.physics import ber
    from mosaiclink.physics.population import (
        AWFUL_HOLDOUT_Q,
        DEEP_MARGIN_Q,
        FAR_Q,
        HOLDOUT_FACTOR,
        SETTLE_SPARE_ANCHORS,
        STAGE_FIT,
        STAGE_QUANTILES,
        Profile,
        population,
        settled,
    )

    pop = population(load_preset("mosaic-800g"))
    q_target = np.full(5, 4.4)
    q_deep = float(ber.q_from_log10_ber(np.array(-15.0))) + DEEP_MARGIN_Q
    profiles = np.stack(
        [
            np.linspace(2.5, 0.5, pop.live),  # awful, far below
            np.linspace(4.4 - FAR_Q + 0.01, 0.5, pop.live),  # one channel too near the target
            np.linspace(40.0, q_deep + 0.01, pop.live),  # deep, far above
            np.r_[np.linspace(40.0, 20.0, 300), np.linspace(q_deep - 0.01, 5.5, pop.live - 300)],  # in service not deep
            np.linspace(9.0, 7.0, pop.live),  # median BER between 1e-15 and 1e-3
        ]
    )
    fitted = Profile(profiles, pop)
    exact = np.zeros(5)  # a fit that predicts each anchor from the others exactly
    last = len(STAGE_QUANTILES) - 1
    assert last == 2 and np.count_nonzero(pop.anchor_stage == 0) == STAGE_FIT[0] + SETTLE_SPARE_ANCHORS
    for stage in range(last):
        assert list(settled(stage, fitted, q_target, exact)) == [True, False, True, False, False], stage
    assert not settled(last, fitted, q_target, exact).any()
    # the fit's leave-one-out error widens the margin (the deep profile is 4.0 in Q from the target)
    # and bounds the awful median's
    gap = float(profiles[2].min()) - 4.4
    near = (gap - FAR_Q) / HOLDOUT_FACTOR
    for stage, cap in enumerate(AWFUL_HOLDOUT_Q):  # each settling stage's bound on the awful median's
        cases = [(cap, [True, True]), (cap * 1.01, [False, True])]
        cases += [(near * 0.99, [False, True]), (near * 1.01, [False, False]), (np.inf, [False, False])]
        for holdout, settles in cases:
            assert list(settled(stage, fitted, q_target, np.full(5, holdout))[[0, 2]]) == settles, (stage, holdout)
    for stage, fit in enumerate(STAGE_FIT):
        for spare, settles in ((0, False), (SETTLE_SPARE_ANCHORS - 1, False), (SETTLE_SPARE_ANCHORS, True)):
            known = replace(pop, anchor_stage=np.where(np.arange(pop.size) < fit + spare, stage, last))
            assert settled(stage, Profile(profiles, known), q_target, exact)[0] == settles, (stage, spare)
    small = replace(pop, live=pop.size)  # every live channel an anchor: exact at the last stage
    assert not settled(0, Profile(profiles[:, : pop.size], small), q_target, exact).any()


def _every_anchor(base, paths, rows, target):
    """The median, count and worst in service of every anchor with the re-fit (the method without stages)."""
    from mosaiclink.explore.evaluate import populations
    from mosaiclink.physics import ber
    from mosaiclink.physics.population import anchor_q, anchor_rows, refined_profiles

    batch = design_batch(base, paths, rows)
    groups = populations(base, paths, rows)
    q_target = np.full(len(rows), ber.q_from_log10_ber(np.array(target)))
    length = np.broadcast_to(batch.link.length_m, (len(rows),))
    q_anchor = anchor_q(anchor_rows(batch, groups), groups, length)
    every = np.empty((3, len(rows)))
    profiles, _ = refined_profiles(batch, groups, q_anchor, length, q_target)
    for profile, (_, members) in zip(profiles, groups, strict=True):
        every[0, members] = profile.median_log10_ber()
        every[1, members] = profile.channels_meeting(q_target[members])
        every[2, members] = profile.worst_in_service_log10_ber()
    return every


@settings(max_examples=12, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 11), st.integers(1, 11), st.integers(0, 3)),
    dead=st.sampled_from([0.0, 0.01, 0.2, 0.6]),
    spread_pct=st.tuples(*(st.floats(0.0, 30.0, allow_subnormal=False) for _ in range(2))),  # no subnormal: refused
    log10_target=st.floats(-12.0, -2.0),
    seed=st.integers(0, 2**16),
)
@example(shape=(1, 7, 3), dead=0.2, spread_pct=(27.09, 17.76), log10_target=-2.94, seed=2)  # the fuzz's find
def test_stages_keep_the_count_and_the_verdict_on_small_arrays(shape, dead, spread_pct, log10_target, seed):
    """Found by fuzzing (session 12): on a small array, a stage with too few anchors miscounted. On any
    small array, spread, dead fraction and target, the staged pass counts what every anchor counts,
    passes what it passes, and stays finite (docs/models.md, "Population fast path", step 5)."""
    rows_, cols, spares = shape
    overrides = {
        "array.rows": float(rows_), "array.cols": float(cols), "array.spare_channels": float(spares),
        "variation.dead_channel_probability": dead, "variation.led_efficiency_sigma_pct": spread_pct[0],
        "variation.led_bandwidth_sigma_pct": spread_pct[1], "link.target_ber": 10.0**log10_target,
        "link.host_protocol": "none",
    }  # fmt: skip
    base = with_overrides(load_preset("mosaic-prototype"), overrides)
    paths = ("link.length_m", "led.peak_current_ma")
    rng = np.random.default_rng(seed)
    rows = np.column_stack([rng.uniform(1.0, 120.0, 12), rng.uniform(1.0, 5.0, 12)])
    own = population_pass(base, paths, rows, reaches=False)
    assert all(np.all(np.isfinite(v)) for v in own.values())
    # the stages against every anchor, both on the group's reference
    staged = population_pass(base, paths, rows, reaches=False, own_reference=False)
    target = margin_log10_ber(base.link.target_ber, base.receiver.implementation_penalty_db)
    every = _every_anchor(base, paths, rows, target)
    assert np.array_equal(staged["channels_meeting"], every[1])
    assert np.array_equal(staged["log10_ber_worst_in_service"] <= target, every[2] <= target)
    # a design ranked by itself (its numbers differ from the group's reference's) is every channel's
    for i in np.flatnonzero(own["log10_ber_median"] != staged["log10_ber_median"]):
        exact = _every_channel(base, paths, rows[i])
        assert own["channels_meeting"][i] == np.count_nonzero(exact <= target)
        assert own["log10_ber_median"][i] == pytest.approx(np.median(exact), rel=1e-9, abs=1e-12)


def _every_channel(base, paths, row) -> np.ndarray:
    """Every channel's log10 BER of the design ``row`` over ``base`` by the per-channel chain (seed 0)."""
    from mosaiclink.physics.array import design_variation
    from mosaiclink.physics.chain import Chain

    design = with_overrides(base, dict(zip(paths, map(float, row), strict=True)))
    return Chain.per_channel(design, design_variation(design, 0)).log10_ber(design.link.length_m)


def test_staged_anchors_match_every_anchor_where_a_design_is_not_settled():
    """The designs the stages settle early are the only ones whose numbers differ from every anchor
    with the re-fit (the method without stages), there by what the acceptance allows: the same count
    and verdict, the median within 0.05 decade above 1e-3; the same numbers with or without the reaches
    (to rounding: a row's value depends on its batch by ~1e-15, docs/models.md)."""
    rows = lhs_rows(120, 17)
    staged = population_pass(BASE, PATHS, rows, reaches=False, own_reference=False)
    with_reaches = population_pass(BASE, PATHS, rows, reaches=True, own_reference=False)
    for name, values in staged.items():  # the same chain rows, batched otherwise: equal to rounding
        np.testing.assert_allclose(values, with_reaches[name], rtol=1e-12, atol=0.0, err_msg=name)
    target = margin_log10_ber(BASE.link.target_ber, BASE.receiver.implementation_penalty_db)
    every = _every_anchor(BASE, PATHS, rows, target)
    fast = np.stack([staged["log10_ber_median"], staged["channels_meeting"], staged["log10_ber_worst_in_service"]])
    early = ~np.all(np.isclose(fast, every, rtol=1e-12, atol=0.0), axis=0)  # rounding apart
    assert 0.3 <= early.mean() <= 0.9, early.mean()  # stages that settle a share of the designs
    assert np.array_equal(fast[1], every[1])
    assert np.array_equal(fast[2] <= target, every[2] <= target)
    awful = early & (every[0] > -3.0)
    assert awful.any() and np.abs(fast[0] - every[0])[awful].max() <= 0.05  # measured 0.031
    deep = early & ~awful
    assert deep.any() and np.all(every[0][deep] < -15.0)


WIDE_SPREAD_FINDS = [  # (overrides of the prototype, length m, peak current mA): session 13's fuzz
    ({"array.rows": 22.0, "array.cols": 21.0, "array.spare_channels": 2.0, "variation.dead_channel_probability": 0.0,
      "variation.led_efficiency_sigma_pct": 23.06, "variation.led_bandwidth_sigma_pct": 20.95,
      "link.target_ber": 8.88e-4}, 40.0, 4.504),  # stage 0 counted 0 channels, every anchor 8 (1.7 %)
    ({"array.rows": 3.0, "array.cols": 24.0, "array.spare_channels": 0.0, "variation.dead_channel_probability": 0.01,
      "variation.led_efficiency_sigma_pct": 19.72, "variation.led_bandwidth_sigma_pct": 2.645,
      "link.target_ber": 5.263e-8}, 4.713, 4.217),  # 72 against 71
    ({"array.rows": 15.0, "array.cols": 7.0, "array.spare_channels": 3.0, "variation.dead_channel_probability": 0.0,
      "variation.led_efficiency_sigma_pct": 22.62, "variation.led_bandwidth_sigma_pct": 21.45,
      "link.target_ber": 1.234e-9}, 6.164, 4.433),  # 108 against 107
]  # fmt: skip


@pytest.mark.parametrize("overrides, length_m, peak_ma", WIDE_SPREAD_FINDS)
def test_stage_zero_does_not_settle_a_fit_its_anchors_do_not_predict(overrides, length_m, peak_ma):
    """Found by fuzzing random arrays with wide spreads (session 13): stage 0 settled designs whose
    8-anchor fit missed channels by more than FAR_Q where it was not measured, and miscounted (by 8
    of 462 channels on the first). The fit's leave-one-out error at its anchors now widens the margin
    (physics.population.settled): on the group's reference the staged pass counts what every anchor
    counts, and its median is every anchor's to 0.05 decade (5 % of the exponent below 1e-15). Every
    anchor is not every channel (session 14): the re-fit's holdout error flags the first two, which,
    ranked by themselves, are every channel of the chain exactly; the third, deep, stays on the group's
    reference, one channel of 108 off (the full model refuses the three: their arrays do not fit the
    fibre; the fast path evaluates them, flagged ``fits_fibre = 0``)."""
    from mosaiclink.physics.reach import margin_log10_ber

    base = with_overrides(load_preset("mosaic-prototype"), {**overrides, "link.host_protocol": "none"})
    paths = ("link.length_m", "led.peak_current_ma")
    rows = np.array([[length_m, peak_ma]])
    target = margin_log10_ber(base.link.target_ber, base.receiver.implementation_penalty_db)
    exact = _every_channel(base, paths, rows[0])
    own = population_pass(base, paths, rows, reaches=False)
    # every channel meeting: 0, 72, 108; the pass 0, 72 (each ranked by itself), 107 (deep: not flagged,
    # within the acceptance's 1 %); every anchor 8 (1.7 %), 71, 107
    assert abs(own["channels_meeting"][0] - np.count_nonzero(exact <= target)) <= 0.01 * exact.size
    # the stages against every anchor, both on the group's reference
    staged = population_pass(base, paths, rows, reaches=False, own_reference=False)
    every = _every_anchor(base, paths, rows, target)
    assert staged["channels_meeting"][0] == every[1][0]
    median, every_median = staged["log10_ber_median"][0], every[0][0]
    if every_median >= -15.0:
        assert abs(median - every_median) <= 0.05
    else:  # outside the acceptance: 2.6 % of the exponent at most on the fuzz's 2,560 designs
        assert abs(median - every_median) <= 0.05 * abs(every_median)


def test_designs_ranked_by_themselves_give_the_same_numbers_in_any_batch(monkeypatch):
    """The wide-spread array of the first fuzz find at 8 nearby designs (7 ranked by themselves): the
    columns, reaches included, are the same whether their channels run as one batch of chain rows or
    one design per batch (the memory bound, physics.population.OWN_REFERENCE_ROWS)."""
    import mosaiclink.physics.population as population_module

    overrides, _, _ = WIDE_SPREAD_FINDS[0]
    base = with_overrides(load_preset("mosaic-prototype"), {**overrides, "link.host_protocol": "none"})
    paths = ("link.length_m", "led.peak_current_ma")
    rows = np.column_stack([np.linspace(36.0, 44.0, 8), np.linspace(4.3, 4.7, 8)])
    together = population_pass(base, paths, rows)
    grouped = population_pass(base, paths, rows, own_reference=False)
    assert np.count_nonzero(together["log10_ber_median"] != grouped["log10_ber_median"]) >= 5
    monkeypatch.setattr(population_module, "OWN_REFERENCE_ROWS", 1)
    alone = population_pass(base, paths, rows)
    for name, values in together.items():
        np.testing.assert_allclose(alone[name], values, rtol=1e-12, atol=0.0, err_msg=name)
