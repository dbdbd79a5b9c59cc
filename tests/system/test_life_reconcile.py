"""The life model and the cluster's constant-FIT model are one model: the closed form of the life
Monte Carlo, its constant-FIT limit, and the qualified length the cluster takes MOSAIC's FIT at."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config.envelope import AgeingSpec
from mosaiclink.config.presets import load_preset
from mosaiclink.config.system import ReliabilitySpec
from mosaiclink.system.life import (
    QUALIFY_TOLERANCE,
    life,
    life_survival,
    link_excess_at_start_db,
    operating_point,
    point_link_fit,
    qualified_link,
    receiver_drift_db,
    spares_alive,
)
from mosaiclink.system.reliability import SHARED_PARTS, link_survival, mosaic_link_fit
from mosaiclink.units import HOURS_PER_YEAR

NO_WEAR = AgeingSpec(l70_reference_h=1e9, life_sigma=0.0, receiver_drift_db_per_decade=0.0)
YEARS = np.array([0.5, 1.0, 5.0, 20.0, 200.0])  # 200 y: the spares' binomial tail matters


@pytest.fixture(scope="module")
def short_800g():
    """The 800G preset at 10 m and 55 C case: every channel far above its target."""
    design = load_preset("mosaic-800g").replace(link={"length_m": 10.0})
    return design, operating_point(design, 55.0, ageing=NO_WEAR)


@pytest.fixture(scope="module")
def full_800g():
    """The 800G preset at its declared 49 m and 25 C case: the point where the two models disagreed."""
    design = load_preset("mosaic-800g")
    return design, operating_point(design, 25.0)


def test_constant_fit_limit_of_the_life_model_is_the_cluster_model(short_800g):
    """With wear switched off and margin everywhere, R(t) of the life model is the cluster's k-out-of-n
    survival exactly (Poisson-binomial with equal q = binomial), and so is the mission FIT."""
    design, point = short_800g
    live = point.excess_db[np.isfinite(point.excess_db)]
    assert live.min() > 0.0
    spares = spares_alive(point)
    assert spares == design.array.spare_channels - 3  # 3 channels dead from manufacture in this draw
    t_h = YEARS * HOURS_PER_YEAR
    rel = ReliabilitySpec()
    np.testing.assert_allclose(
        life_survival(point, t_h, rel, NO_WEAR), link_survival(design, rel, t_h, point.temps, spares), rtol=1e-10
    )
    assert point_link_fit(point, rel, NO_WEAR) == pytest.approx(
        mosaic_link_fit(design, rel, point.temps, spares), rel=1e-8
    )


def test_closed_form_agrees_with_the_monte_carlo_where_the_models_disagreed(full_800g):
    """800G, 49 m, 25 C case: the times by which 5 % and 50 % of the Monte Carlo's 1000 links are out of
    spares equal the closed form's (channels only, as the Monte Carlo's exhaustion) within 5 %."""
    design, point = full_800g
    mc = life(design, 25.0, fleet_links=1.0, links=1000, seed=0, years=(0.0,), fleet_years=1)
    rel = ReliabilitySpec()
    channels_only = rel.replace(**{p: getattr(rel, p).replace(fit=0.0) for p, _ in SHARED_PARTS})
    assert _exhaustion_years(point, channels_only, 0.05) == pytest.approx(mc.exhaustion_years_p5, rel=0.05)
    assert _exhaustion_years(point, channels_only, 0.5) == pytest.approx(mc.exhaustion_years_median, rel=0.05)
    assert mc.mission_fit_per_link == pytest.approx(point_link_fit(point, rel))
    assert mc.mission_fit_per_link > 1e3 * mc.constant_fit_per_link


def _exhaustion_years(point, rel, fraction: float) -> float:
    """When the closed-form survival falls to ``1 - fraction``, by bisection over 0-30 years."""
    lo, hi = 0.0, 30.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if life_survival(point, mid * HOURS_PER_YEAR, rel)[0] > 1.0 - fraction:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def test_the_49_m_link_runs_out_because_it_starts_with_a_year_of_wear_or_less(full_800g):
    """At 49 m and 25 C case the N-th best channel has < 0.1 dB of excess, while wear and drift take
    ~0.03 dB a year: the spares run out in under a year (the life model is right); the cluster's
    constant rate ignores both the spent spares and the wear."""
    _, point = full_800g
    excess = link_excess_at_start_db(point)
    assert 0.0 <= excess < 0.1
    ageing = AgeingSpec()
    year_h = HOURS_PER_YEAR
    wear_per_year_db = float(np.median(point.sensitivity)) * 10 / np.log(10) * year_h / point.tau_h
    drift_per_year_db = float(receiver_drift_db(year_h, ageing, point.temps.cmos_c))
    assert 0.01 < wear_per_year_db + drift_per_year_db < 0.1
    assert _exhaustion_years(point, ReliabilitySpec(), 0.5) < 1.0
    assert point_link_fit(point) > 1e3 * mosaic_link_fit(point.design, temperature_c=point.temps)


def test_qualified_length_is_the_last_metre_without_added_failures():
    """At 55 C case the 800G keeps the constant-FIT rate up to its qualified length and not one metre beyond
    it; the qualified length is shorter than the declared 49 m (contamination needs ~3 dB of excess)."""
    design = load_preset("mosaic-800g")
    q = qualified_link(design, 55.0)
    assert q.length_m < design.link.length_m
    assert q.fit_per_link <= (1 + QUALIFY_TOLERANCE) * q.constant_fit_per_link
    beyond = operating_point(design.replace(link={"length_m": q.length_m + 1.0}), 55.0)
    assert point_link_fit(beyond) > (1 + QUALIFY_TOLERANCE) * mosaic_link_fit(beyond.design, temperature_c=beyond.temps)
    # regression (the thermal model's junctions at 55 C case, the sourced 11 FIT CMOS die): 37 m, 169.2 FIT
    assert q.length_m == 37.0
    assert q.fit_per_link == pytest.approx(169.22, abs=0.05)


@settings(max_examples=60, deadline=None)
@given(
    q=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=8),
    tolerated=st.integers(0, 8),
)
def test_poisson_binomial_recursion_is_brute_force_enumeration(q, tolerated):
    """P(at most s of independent events) by the recursion equals summing every outcome (n <= 8)."""
    from itertools import product

    from mosaiclink.system.life import _at_most

    p = np.asarray(q)
    brute = sum(
        float(np.prod(np.where(bits, p, 1 - p))) for bits in product([0, 1], repeat=p.size) if sum(bits) <= tolerated
    )
    assert float(_at_most(p[None, :], min(tolerated, p.size))[0]) == pytest.approx(brute, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 500), s=st.integers(0, 60), q=st.floats(1e-9, 0.5))
def test_poisson_binomial_with_equal_probabilities_is_the_binomial(n, s, q):
    from scipy.special import bdtr

    from mosaiclink.system.life import _at_most

    tolerated = min(s, n)
    assert float(_at_most(np.full((1, n), q), tolerated)[0]) == pytest.approx(float(bdtr(tolerated, n, q)), rel=1e-9)
