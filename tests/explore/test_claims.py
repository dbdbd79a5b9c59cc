"""The one claims table: verdict properties, the copper claim from the catalog, the RBD-FAST
indices against SALib's reference implementation, and `mosaic uncertainty` rendering it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mosaiclink.config.presets import load_preset
from mosaiclink.explore.claims import (
    FAILS,
    HEADLINE_CLAIMS,
    HOLDS,
    LIKELY,
    UNLIKELY,
    Claim,
    copper_claim,
    decide,
    design_claims,
    probability_holds,
)
from mosaiclink.explore.uncertainty import UncertainInput, rbd_fast_s1, sensitivity, spearman
from mosaiclink.system.catalog import load_catalog

finite = st.floats(-1e6, 1e6, allow_nan=False)


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
@settings(max_examples=300)
def test_verdict_is_monotone_in_the_probability(p, q):
    order = [FAILS, UNLIKELY, LIKELY, HOLDS]
    if p <= q:
        assert order.index(decide(p)) <= order.index(decide(q))


def test_verdict_thresholds():
    # holds >= 0.95, likely >= 0.5, unlikely >= 0.05, does not hold below
    assert [decide(p) for p in (1.0, 0.95, 0.9499, 0.5, 0.4999, 0.05, 0.0499, 0.0)] == [
        HOLDS,
        HOLDS,
        LIKELY,
        LIKELY,
        UNLIKELY,
        UNLIKELY,
        FAILS,
        FAILS,
    ]


@given(
    st.one_of(st.none(), finite),
    st.one_of(st.none(), finite),
    st.lists(finite, min_size=1, max_size=50),
)
def test_probability_is_the_fraction_of_draws_satisfying_the_claim(low, high, draws):
    assume(low is None or high is None or low <= high)
    claim = Claim("k", "", "", "m", low, high)
    expected = sum(claim.satisfied(v) for v in draws) / len(draws)
    assert probability_holds(claim, np.array(draws)) == pytest.approx(expected)


def test_copper_claim_is_ten_times_the_catalog_dac_reach():
    design = load_preset("mosaic-800g")
    dac_m = load_catalog().get("passive-dac-800g").max_reach_m.typical
    claim = copper_claim(design)
    assert claim.metric == "reach_m" and claim.low == pytest.approx(10.0 * dac_m)


def test_headline_claims_only_for_an_800g_design():
    assert len(design_claims(load_preset("mosaic-800g"))) == len(HEADLINE_CLAIMS) + 1
    assert design_claims(load_preset("mosaic-prototype")) == ()  # the published BER points cover it instead


@given(st.integers(0, 2**32 - 1), st.integers(40, 300))
@settings(max_examples=15, deadline=None)
def test_rbd_fast_equals_salib(seed, samples):
    """One array pass gives SALib's first-order RBD-FAST indices (Plischke 2010 with the Tissot-Prieur
    bias correction) on a nonlinear model, and scipy's Spearman correlations."""
    from SALib.analyze import rbd_fast
    from scipy import stats

    rng = np.random.default_rng(seed)
    unit = rng.random((samples, 4))
    output = np.sin(6.0 * unit[:, 0]) + 2.0 * unit[:, 1] ** 2 + 0.1 * rng.standard_normal(samples)
    harmonics = 6
    problem = {"num_vars": 4, "names": list("abcd"), "bounds": [[0.0, 1.0]] * 4}
    reference = rbd_fast.analyze(problem, unit, output, M=harmonics, num_resamples=2, seed=0)["S1"]
    np.testing.assert_allclose(rbd_fast_s1(unit, output, harmonics), reference, rtol=1e-9, atol=1e-12)
    expected = [stats.spearmanr(unit[:, j], output)[0] for j in range(4)]
    np.testing.assert_allclose(spearman(unit, output), expected, rtol=1e-9, atol=1e-12)


def test_sensitivity_ranks_the_true_drivers():
    rng = np.random.default_rng(5)
    unit = rng.random((500, 3))
    inputs = tuple(UncertainInput(name, 0.0, 1.0, 0.5, "linear", "") for name in "abc")
    drivers = sensitivity(inputs, unit, 3.0 * unit[:, 2] + unit[:, 0])
    assert [d["input"] for d in drivers] == ["c", "a"]  # 9:1 variance shares; "b" is noise
    assert drivers[0]["s1"] == pytest.approx(0.9, abs=0.05)


def test_without_a_shipped_posterior_the_report_keeps_the_prior_and_says_why():
    """run_chain=False (the report): a design no shipped posterior matches gets the prior's bands and a
    reason, never a silent multi-minute chain; the claims are still decided on those bands."""
    from mosaiclink.config.datasets import DEFAULT_DATASET, dataset_path
    from mosaiclink.config.estimate_ranges import load_ranges
    from mosaiclink.config.measurements import load_ber_dataset
    from mosaiclink.config.presets import load_preset
    from mosaiclink.explore.claims import assess_claims

    design = load_preset("mosaic-800g").replace(name="bench-800g")  # no shipped posterior has this key
    data = (load_ber_dataset(dataset_path(DEFAULT_DATASET)),)
    out = assess_claims(design, load_ranges("mosaic-800g"), 40, 0, data=data, run_chain=False)
    assert out.posterior is None and "no shipped posterior" in out.unconditioned
    assert out.result is out.prior and len(out.claims) > 0
    assert out.to_dict()["unconditioned"] == out.unconditioned
