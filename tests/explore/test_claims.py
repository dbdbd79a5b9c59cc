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
    TYPICAL_ONLY,
    Claim,
    copper_claim,
    decide,
    design_claims,
)
from mosaiclink.explore.uncertainty import UncertainInput, rbd_fast_s1, sensitivity, spearman
from mosaiclink.system.catalog import load_catalog

finite = st.floats(-1e6, 1e6, allow_nan=False)


@st.composite
def claims_and_bands(draw):
    low = draw(st.one_of(st.none(), finite))
    high = draw(st.one_of(st.none(), finite))
    assume(low is None or high is None or low <= high)
    p5, p95 = sorted((draw(finite), draw(finite)))
    return Claim("k", "", "", "m", low, high), draw(finite), p5, p95


@given(claims_and_bands())
@settings(max_examples=300)
def test_verdict_properties(case):
    claim, nominal, p5, p95 = case
    outcome = decide(claim, nominal, p5, p95)
    band_inside = claim.satisfied(p5) and claim.satisfied(p95)
    # a band entirely on the claim's side holds across it; every point between p5 and p95 satisfies it
    assert (outcome == HOLDS) == band_inside
    if band_inside:
        assert all(claim.satisfied(v) for v in np.linspace(p5, p95, 7))
    # otherwise the nominal design alone decides between "typical only" and "does not hold"
    if not band_inside:
        assert outcome == (TYPICAL_ONLY if claim.satisfied(nominal) else FAILS)


def test_verdict_examples():
    reach = Claim("reach", "", "", "reach_m", low=50.0)
    assert decide(reach, nominal=54.0, p5=51.0, p95=60.0) == HOLDS
    assert decide(reach, nominal=54.0, p5=5.0, p95=60.0) == TYPICAL_ONLY
    assert decide(reach, nominal=40.0, p5=5.0, p95=60.0) == FAILS
    fleet = Claim("f", "", "", "h", low=6.0, high=12.0)
    assert decide(fleet, nominal=8.0, p5=6.5, p95=11.0) == HOLDS and decide(fleet, 8.0, 1.5, 9.0) == TYPICAL_ONLY


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
