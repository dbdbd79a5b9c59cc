"""Analytic post-FEC model: textbook binomial tail, KP4 threshold, and agreement with the emulator."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import beta

from mosaiclink.config.datapath import DatapathSpec, GilbertElliottSpec
from mosaiclink.datapath.analytic import _tail, analytic_post_fec, binomial_log10_uncorrectable
from mosaiclink.datapath.emulator import emulate
from mosaiclink.errors import ModelRangeError


def clopper_pearson(k: int, n: int, conf: float = 0.999) -> tuple[float, float]:
    a = 1 - conf
    lo = beta.ppf(a / 2, k, n - k + 1) if k > 0 else 0.0
    hi = beta.ppf(1 - a / 2, k + 1, n - k) if k < n else 1.0
    return lo, hi


@pytest.mark.parametrize("ber", [1e-5, 1e-4, 2.4e-4, 1e-3])
def test_uniform_ber_equals_binomial_tail(ber):
    r = analytic_post_fec("800gbe", 400, "codeword-diagonal", ber)
    ps = -np.expm1(10 * np.log1p(-ber))
    assert r.symbol_error_ratio == pytest.approx(ps, rel=1e-12)
    assert r.log10_p_uncorrectable == pytest.approx(binomial_log10_uncorrectable(544, 15, ps), abs=1e-9)


def test_kp4_threshold_gives_about_1e_minus_15():
    # KP4 RS(544,514) at the pre-FEC threshold BER 2.4e-4 gives post-FEC BER ~1e-15 (IEEE 802.3bs/cd)
    r = analytic_post_fec("800gbe", 400, "symbol-aligned", 2.4e-4)
    assert 1e-16 < r.post_fec_ber < 1e-14
    # no underflow deep in the tail
    low = analytic_post_fec("800gbe", 400, "symbol-aligned", 1e-6)
    assert -55 < low.log10_p_uncorrectable < -45 and low.p_uncorrectable > 0


def test_monotone_in_ber_and_erasures_cost_capacity():
    pus = [analytic_post_fec("800gbe", 400, "symbol-aligned", b).p_uncorrectable for b in (1e-4, 3e-4, 1e-3)]
    assert pus[0] < pus[1] < pus[2]
    healthy = analytic_post_fec("800gbe", 400, "codeword-diagonal", 1e-4).p_uncorrectable
    erased = analytic_post_fec("800gbe", 400, "codeword-diagonal", 1e-4, erased_channels=[0, 1, 2]).p_uncorrectable
    dead_undeclared = analytic_post_fec(
        "800gbe", 400, "codeword-diagonal", np.r_[[0.5] * 3, [1e-4] * 397]
    ).p_uncorrectable
    assert healthy < erased < dead_undeclared


def test_burst_model_reduces_to_independent_when_states_equal():
    ge = GilbertElliottSpec(p_good_to_bad=0.3, p_bad_to_good=0.4, ber_good=1e-3, ber_bad=1e-3)
    a = analytic_post_fec("800gbe", 400, "symbol-aligned", 0, burst=ge)
    b = analytic_post_fec("800gbe", 400, "symbol-aligned", 1e-3)
    assert a.p_uncorrectable == pytest.approx(b.p_uncorrectable, rel=1e-9)
    with pytest.raises(ModelRangeError):
        analytic_post_fec("800gbe", 400, "bit-interleaved", 0, burst=ge)


@pytest.mark.parametrize(
    "ber,mapping", [(2e-3, "symbol-aligned"), (1.5e-3, "codeword-diagonal"), (1.5e-3, "bit-interleaved")]
)
def test_emulator_agrees_with_binomial_model(ber, mapping):
    res = emulate(DatapathSpec(ber=ber, mapping=mapping, duration_us=20, spares=0), seed=7)
    an = analytic_post_fec("800gbe", 400, mapping, ber)
    lo, hi = clopper_pearson(res.uncorrectable_codewords, res.codewords)
    assert res.uncorrectable_codewords > 10 and lo <= an.p_uncorrectable <= hi
    lo, hi = clopper_pearson(res.pre_fec_bit_errors, res.link_bits)
    assert lo <= ber <= hi


def test_emulator_agrees_with_burst_model_not_with_binomial():
    ge = GilbertElliottSpec(p_good_to_bad=1e-4, p_bad_to_good=0.01, ber_good=1.2e-3, ber_bad=0.2)
    res = emulate(DatapathSpec(burst=ge, mapping="codeword-diagonal", duration_us=20, spares=0), seed=3)
    burst = analytic_post_fec("800gbe", 400, "codeword-diagonal", 0, burst=ge).p_uncorrectable
    naive = analytic_post_fec("800gbe", 400, "codeword-diagonal", ge.mean_ber).p_uncorrectable
    lo, hi = clopper_pearson(res.uncorrectable_codewords, res.codewords)
    assert lo <= burst <= hi and not lo <= naive <= hi


def test_uncoded_frame_loss_matches():
    """Without FEC a frame is lost when one of its own bits is wrong: 1 - (1 - p)^F. (Pattern mode
    used to lose every frame under an erroneous 2048-bit raw block, 1 - (1 - p)^(F + B).)"""
    res = emulate(DatapathSpec(host="raw", duration_us=20, spares=0), seed=2)
    an = analytic_post_fec("raw", 400, "symbol-aligned", 1e-5)
    lo, hi = clopper_pearson(res.frames_lost, res.frames)
    assert lo <= an.frame_loss_ratio <= hi


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(1, 3),
    steps=st.integers(1, 80),
    max_errors=st.integers(1, 4),
    concentration=st.floats(0.05, 5.0),
    error_free=st.floats(0.0, 50.0),
    capacity=st.integers(-1, 12),
    seed=st.integers(0, 2**32 - 1),
)
def test_truncated_tail_equals_full_convolution(rows, steps, max_errors, concentration, error_free, capacity, seed):
    """The tail kernel keeps exact counts only up to the capacity + R and absorbs the rest with
    its count; the full distribution of the sum (every count up to steps x R, by repeated
    ``np.convolve``) must give the same P(X > c) and E[X 1{X > c}]."""
    rng = np.random.default_rng(seed)
    dist = rng.dirichlet(np.full(max_errors + 1, concentration), size=(rows, steps))
    dist[..., 0] += error_free
    dist /= dist.sum(axis=2, keepdims=True)
    caps = np.full(rows, capacity)
    p_fail, e_fail = _tail(dist, caps)
    for row in range(rows):
        full = np.array([1.0])
        for step in dist[row]:
            full = np.convolve(full, step)
        counts = np.arange(full.size)
        over = counts > capacity
        assert p_fail[row] == pytest.approx(full[over].sum(), rel=1e-9, abs=1e-300)
        assert e_fail[row] == pytest.approx((full * counts)[over].sum(), rel=1e-9, abs=1e-300)
