"""The compiled statistical eye against independent formulations: its normal CDF and
exponential against SciPy's and NumPy's, and the whole eye against the vectorized NumPy
formulation (``ber.eye_log10_ber(..., compiled=False)``, the small-batch path) on random channels."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import ndtr as scipy_ndtr

import mosaiclink
from mosaiclink.physics import ber
from mosaiclink.physics._eye_kernel import _normal_cdfs, exp_nonpositive, ndtr

ULP = np.finfo(float).eps


def test_ndtr_agrees_with_scipy_to_a_few_ulp_across_both_tails():
    """Every branch (erf near 0, erfc P/Q below 8, R/S beyond) and the branch edges. The kernel
    contracts a * b + c into fused multiply-adds (one rounding where SciPy's rounds twice), so the
    two round differently: measured 5.5 ulp at most (1.2e-15); in the erf branch (|x| < sqrt 2) the
    difference of erf's is divided by 1/2 + erf/2 there (up to 6.4x where it cancels), measured 1.5
    ulp of erf; a subnormal result (below 2.2e-308) is within 2 of the smallest subnormal."""
    edges = np.sqrt(2.0) * np.array([1.0, 8.0])
    x = np.concatenate([np.linspace(-38.0, 38.0, 40_001), edges, -edges, np.nextafter(edges, 0), [0.0, -0.0]])
    assert_close_to_scipy_ndtr(np.array([ndtr(v) for v in x]), x, 8 * ULP)


def assert_close_to_scipy_ndtr(got: np.ndarray, x: np.ndarray, relative_bound: float) -> None:
    """``got`` is Phi(x) within ``relative_bound`` of ``scipy.special.ndtr`` (in the erf branch, of
    the erf: the difference is divided by where 1/2 + erf/2 cancels), with the same underflow to 0
    and subnormal results within 4 of the smallest subnormal."""
    expected = scipy_ndtr(x)
    assert np.array_equal(got == 0.0, expected == 0.0)  # the same underflow (z^2 > Cephes' MAXLOG)
    normal = expected >= np.finfo(float).tiny
    cancellation = np.where(np.abs(x) < np.sqrt(2.0), 0.5 / np.maximum(expected, 0.5 * np.finfo(float).tiny), 1.0)
    relative = np.abs(got[normal] / expected[normal] - 1.0) / np.maximum(cancellation[normal], 1.0)
    assert np.max(relative, initial=0.0) <= relative_bound
    subnormal = (expected > 0.0) & ~normal
    assert np.max(np.abs(got[subnormal] - expected[subnormal]), initial=0.0) <= 4 * np.finfo(float).smallest_subnormal


def test_the_eye_loops_compiled_for_fewer_branches_agree_with_scipy():
    """``_normal_cdfs``, the eye's loop over an instant's tails, compiles a loop for only the branches
    its arguments need (the mid erfc, the far one, both, or all: ``_regions``); each against SciPy
    over its region. A loop rounds differently from a scalar call (the compiler contracts other
    multiply-adds into fused ones): measured 7 ulp at most in the mid branch (x = -11.06), 5.5 in
    the far one; a NaN argument takes the loop of every branch and stays NaN."""
    x = np.linspace(-38.0, 38.0, 200_001)
    z = np.abs(x) * np.sqrt(0.5)
    for region in ((z >= 1.0) & (z < 8.0), z >= 8.0, z >= 1.0, z >= 0.0):
        xs = np.ascontiguousarray(x[region])
        got = np.empty(xs.size)
        _normal_cdfs(xs, got, xs.size)
        assert_close_to_scipy_ndtr(got, xs, 10 * ULP)
    got = np.empty(2)
    _normal_cdfs(np.array([np.nan, -3.0]), got, 2)
    assert np.isnan(got[0]) and abs(got[1] / scipy_ndtr(-3.0) - 1.0) <= 10 * ULP


def test_ndtr_limits_and_nan():
    assert [ndtr(v) for v in (np.inf, -np.inf, 1e300, -1e300, 40.0, -40.0)] == [1.0, 0.0, 1.0, 0.0, 1.0, 0.0]
    assert np.isnan(ndtr(np.nan))


def test_exp_agrees_with_numpy_to_an_ulp_over_the_normal_range():
    u = np.concatenate([np.linspace(-708.0, 0.0, 40_001), [-1e-300, -np.log(2.0) / 2]])
    got = np.array([exp_nonpositive(v) for v in u])
    assert np.max(np.abs(got / np.exp(u) - 1.0)) <= 2 * ULP  # measured 1 ulp
    assert [exp_nonpositive(v) for v in (-746.0, -np.inf, 0.0)] == [0.0, 0.0, 1.0]


@st.composite
def channels(draw):
    """Random equalized pulses: rows, instants (with weights), bits, aggressors, noise, threshold."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows, bits = draw(st.integers(1, 6)), draw(st.integers(2, 16))
    instants, aggressors = draw(st.sampled_from([1, 3, 7])), draw(st.integers(0, 9))
    cursor_index = draw(st.integers(0, bits - 1))
    g = rng.normal(0.0, draw(st.sampled_from([0.02, 0.1, 0.4])), (rows, instants, bits))
    g[..., cursor_index] = 1.0 + rng.normal(0.0, 0.05, (rows, instants))
    r = rng.uniform(0.0, draw(st.sampled_from([0.0, 0.01, 0.1])), (rows, aggressors))
    sigma = draw(st.sampled_from([0.01, 0.03, 0.08, 0.3]))
    s0, s1 = sigma * rng.uniform(0.5, 1.5, rows), sigma * rng.uniform(0.5, 1.5, rows)
    w = rng.uniform(0.0, 1.0, instants) if instants > 1 else None
    if instants == 7:  # dual-Dirac jitter: the nominal instant has weight 0 (ber.sampling_offsets)
        w[0] = 0.0
    return g, cursor_index, r, s0, s1, w, draw(st.sampled_from(["optimal", "midpoint"]))


@settings(max_examples=150, deadline=None)
@given(channels())
def test_compiled_eye_agrees_with_the_numpy_formulation(case):
    """Agreement of two formulations to the parity bound of the speed work (1e-9 relative in
    log10 BER; measured about 1e-14), from BER 1/2 down to the 1e-300 floor."""
    got = ber.eye_log10_ber(*case[:5], weights=case[5], threshold=case[6], compiled=True)
    expected = ber.eye_log10_ber(*case[:5], weights=case[5], threshold=case[6], compiled=False)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)


@settings(max_examples=150, deadline=None)
@given(channels())
def test_the_newton_threshold_stop_moves_log10_ber_by_at_most_a_few_micro_decades(case):
    """The Newton threshold stops, row by row, after a step of at most ``NEWTON_SETTLED_SIGMA`` of the
    smaller level sigma (both formulations); against every one of its ``NEWTON_STEPS`` steps taken
    (a stop at 0 sigma): measured 5.9e-7 decade at most on 3,000 random channels, 4.3e-7 on the
    benchmark population's 48,982 rows (the threshold's error enters the BER at second order at
    the nominal instant). Not a midpoint case: it has no Newton."""
    g, cursor_index, r, s0, s1, w, _ = case
    got = [ber.eye_log10_ber(g, cursor_index, r, s0, s1, weights=w, compiled=c) for c in (True, False)]
    with mock.patch.object(ber, "NEWTON_SETTLED_SIGMA", 0.0):
        every_step = ber.eye_log10_ber(g, cursor_index, r, s0, s1, weights=w, compiled=False)
    for value in got:
        np.testing.assert_allclose(value, every_step, rtol=0, atol=2e-6)


def test_leading_axes_are_kept_and_broadcast_on_both_paths():
    rng = np.random.default_rng(3)
    g = rng.normal(0.0, 0.1, (2, 3, 1, 8))
    g[..., 2] = 1.0
    got = ber.eye_log10_ber(g, 2, np.full((3, 4), 0.02), 0.1, np.full((2, 3), 0.12), compiled=True)
    expected = ber.eye_log10_ber(g, 2, np.full((3, 4), 0.02), 0.1, np.full((2, 3), 0.12), compiled=False)
    assert got.shape == (2, 3)
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_small_batches_of_a_fresh_process_do_not_load_numba():
    """``mosaic link`` (one design's channels) pays neither Numba's import nor its cache load."""
    code = (
        "import sys, numpy as np; from mosaiclink.physics import ber; "
        "g = np.zeros((460, 3, 16)); g[..., 4] = 1.0; "
        "ber.eye_log10_ber(g, 4, np.full((460, 24), 1e-3), np.full(460, 0.1), np.full(460, 0.1)); "
        "print('numba' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(mosaiclink.__file__).parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "False"


def test_an_empty_batch_gives_an_empty_result_on_both_paths():
    for compiled in (True, False):
        got = ber.eye_log10_ber(np.zeros((0, 3, 16)), 4, np.zeros((0, 24)), np.zeros(0), np.zeros(0), compiled=compiled)
        assert got.shape == (0,)
