"""BER: textbook Q values, no underflow; the reference statistical eye against brute-force enumeration."""

import itertools

import numpy as np
import pytest
import stat_eye_reference as ref
from scipy.special import ndtr

from mosaiclink.physics import ber


def test_q_of_1e12_is_7_03():
    assert ber.q_from_ber(1e-12) == pytest.approx(7.034, abs=1e-3)
    assert ber.ber_from_q(7.034) == pytest.approx(1e-12, rel=1e-3)
    assert ber.q_from_ber(2.4e-4) == pytest.approx(3.49, abs=0.01)


def test_tiny_ber_does_not_underflow():
    # Mills-ratio asymptote: ln Phi(-x) ~ -x^2/2 - ln(x sqrt(2 pi)) (1 - 1/x^2 ...)
    asymptote = (-800.0 - np.log(40.0 * np.sqrt(2 * np.pi)) - 1 / 1600) / np.log(10.0)
    assert ber.log10_ber_from_q(40.0) == pytest.approx(asymptote, abs=1e-4)


def test_pmf_is_normalised_with_the_right_mean():
    taps = np.array([[0.3, -0.1, 0.05, 0.0], [0.0, 0.0, 0.0, 0.0]])
    values, p = ref.interference_pmf(taps, bins=200)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose((values * p).sum(axis=1), taps.sum(axis=1) / 2, atol=1e-3)


def brute_force_ber(g0, taps, sigma, threshold):
    total = 0.0
    for bits in itertools.product([0, 1], repeat=len(taps)):
        i = float(np.dot(bits, taps))
        total += 0.5 * ndtr((threshold - g0 - i) / sigma) + 0.5 * ndtr((i - threshold) / sigma)
    return total / 2 ** len(taps)


def test_stat_eye_matches_enumeration_of_all_patterns():
    taps = np.array([0.21, -0.07, 0.11, 0.04, -0.02, 0.015])
    sigma = 0.05
    threshold = 0.5 * (1.0 + taps.sum())
    exact = brute_force_ber(1.0, taps, sigma, threshold)
    eye = ref.stat_eye_log10_ber(
        np.array([1.0]), taps[None, :], np.array([sigma]), np.array([sigma]), "midpoint", bins=1024
    )
    assert eye[0] == pytest.approx(np.log10(exact), abs=0.05)


def test_stat_eye_equals_gaussian_q_without_isi():
    g0 = np.array([1.0, 1.0])
    s0, s1 = np.array([0.08, 0.06]), np.array([0.08, 0.10])
    eye = ref.stat_eye_log10_ber(g0, np.zeros((2, 3)), s0, s1, "optimal")
    q = ber.gaussian_q(g0, np.zeros((2, 3)), s0, s1)
    assert np.allclose(eye, ber.log10_ber_from_q(q), atol=0.15)
    # equal noise: the optimal threshold is the midpoint and the two agree exactly
    assert eye[0] == pytest.approx(ber.log10_ber_from_q(q[0]), abs=1e-6)


def test_optimal_threshold_never_worse_than_midpoint():
    taps = np.array([[0.3, 0.1, -0.05]])
    mid = ref.stat_eye_log10_ber(np.array([1.0]), taps, np.array([0.05]), np.array([0.12]), "midpoint")
    opt = ref.stat_eye_log10_ber(np.array([1.0]), taps, np.array([0.05]), np.array([0.12]), "optimal")
    assert opt[0] <= mid[0]


def test_q_from_log10_ber_inverts_far_below_double_range():
    q = np.array([0.5, 3.49, 7.034, 40.0, 60.0])
    assert np.allclose(ber.q_from_log10_ber(ber.log10_ber_from_q(q)), q, rtol=1e-9)


def test_q_from_log10_ber_branches_agree_at_the_floor():
    """The inverse normal CDF above the BER floor and the Newton iteration below it: the same Q where
    they meet (continuous across 1e-300), and each inverts log10_ber_from_q to 1e-13 on its side."""
    q = np.linspace(0.05, 45.0, 20001)
    log10 = ber.log10_ber_from_q(q)
    assert np.max(np.abs(ber.q_from_log10_ber(log10) - q) / q) < 1e-13
    at, below = ber.q_from_log10_ber(np.array([ber.LOG10_BER_FLOOR, ber.LOG10_BER_FLOOR - 1e-9]))
    assert 0.0 < below - at < 1e-9  # a lower BER is a higher Q, by ~6e-11 here
