"""The interval capture's tabulated tail and its compiled loops, against independent formulations:
the erfcx form of the session-5 implementation (the oracle kept here), an arbitrary-precision
tail (mpmath) and the NumPy twin of the compiled loops (identical by construction)."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.special import erfcx, ndtr

from mosaiclink.physics import optics


def erfcx_interval_capture(offset_um, spot_side_um, sigma_um, width_um):
    """The capture with G's tail through erfcx: G(-a) = exp(-a^2/2) (1/sqrt(2 pi) - a erfcx(a/sqrt 2)/2)."""
    c, s, sig, w = (np.asarray(v, dtype=float) for v in (offset_um, spot_side_um, sigma_um, width_um))
    sig = np.maximum(sig, 1e-9)
    half_w, half_s = 0.5 * w, 0.5 * s
    thin = s < 1e-3 * sig
    total = 0.0
    for sign, edge in ((1.0, c + half_w + half_s), (-1.0, c - half_w + half_s), (-1.0, c + half_w - half_s),
                       (1.0, c - half_w - half_s)):  # fmt: skip
        a = np.abs(edge / sig)
        tail = np.exp(-0.5 * a * a) * (1.0 / np.sqrt(2.0 * np.pi) - 0.5 * a * erfcx(a * np.sqrt(0.5)))
        total = total + sign * (np.maximum(edge / sig, 0.0) + tail)
    blurred = sig / np.where(thin, 1.0, s) * total
    sig_thin = np.sqrt(sig * sig + s * s / 12.0)
    gaussian = ndtr((c + half_w) / sig_thin) - ndtr((c - half_w) / sig_thin)
    return np.clip(np.where(thin, gaussian, blurred), 0.0, 1.0)


def test_tail_table_matches_arbitrary_precision():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    a = np.concatenate([np.linspace(0.0, 4.0, 161), np.random.default_rng(3).uniform(0.0, 38.0, 400)])
    points = [mpmath.mpf(float(x)) for x in a]
    exact = np.array([float((mpmath.npdf(x) - x * mpmath.ncdf(-x)) * mpmath.exp(x * x / 2)) for x in points])
    # P itself (the node values, then the table's polynomial between the nodes)
    np.testing.assert_allclose(optics.tail_factor(a), exact, rtol=5e-15, atol=0)
    j = np.minimum((a / optics._TAIL_WIDTH).astype(int), optics._TAIL_TABLE.shape[0] - 1)
    t = (a - j * optics._TAIL_WIDTH) * (2.0 / optics._TAIL_WIDTH) - 1.0
    p = np.zeros_like(a)
    for k in range(optics._TAIL_TABLE.shape[1]):
        p = p * t + optics._TAIL_TABLE[j, k]
    np.testing.assert_allclose(p, exact, rtol=5e-15, atol=0)


def test_far_tail_keeps_relative_precision():
    # a spot 30 blurs beyond the aperture: the capture is the tails' second difference alone
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 60
    side, sigma, width, offset = 2.0, 1.0, 2.0, -32.0

    def g(t):
        t = mpmath.mpf(t)
        return t * mpmath.ncdf(t) + mpmath.npdf(t)

    edges = [(1, offset + 2.0), (-1, offset), (-1, offset), (1, offset - 2.0)]
    exact = float(sigma / side * sum(sign * g(e / sigma) for sign, e in edges))
    assert 0.0 < exact < 1e-190
    assert float(optics.interval_capture(offset, side, sigma, width)) == pytest.approx(exact, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    offset=st.floats(-200.0, 200.0),
    side=st.one_of(st.just(0.0), st.floats(1e-6, 60.0)),
    sigma=st.floats(0.05, 30.0),
    width=st.floats(0.5, 60.0),
)
@example(offset=0.0, side=0.25, sigma=26.0, width=1.0)  # an earlier tail table was 1.1e-11 off here (CI)
def test_capture_agrees_with_the_erfcx_formulation(offset, side, sigma, width):
    ours = float(optics.interval_capture(offset, side, sigma, width))
    oracle = float(erfcx_interval_capture(offset, side, sigma, width))
    # both round the second difference of G(t) ~ t: sigma / s ulp(t) of absolute noise
    noise = 1e-15 * (1.0 + abs(offset) / sigma) * (sigma / max(side, 1e-3 * sigma))
    assert ours == pytest.approx(oracle, rel=1e-11, abs=noise)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=3000), st.integers(min_value=0, max_value=2**32))
def test_compiled_loops_equal_the_numpy_twins(n, seed):
    rng = np.random.default_rng(seed)
    offset = rng.uniform(-150.0, 150.0, n)
    side = np.where(rng.random(n) < 0.1, rng.uniform(0.0, 1e-3, n), rng.uniform(0.0, 40.0, n))
    sigma = rng.uniform(0.01, 20.0, n)
    width = rng.uniform(0.5, 40.0, n)
    compiled = optics.interval_capture(offset, side, sigma, width, compiled=True)
    numpy = optics.interval_capture(offset, side, sigma, width, compiled=False)
    np.testing.assert_array_equal(compiled, numpy)


def test_grouped_parameters_equal_the_broadcast_ones():
    # per-row spot, blur and width (the chain's layout) give what the fully broadcast arrays give
    rng = np.random.default_rng(7)
    offsets = rng.uniform(-80.0, 80.0, (300, 25, 2))
    side, sigma, width = (rng.uniform(1.0, 30.0, (300, 1, 1)) for _ in range(3))
    sigma[:5] = 1e5  # thin spots in some rows
    for compiled in (False, True):
        grouped = optics.interval_capture(offsets, side, sigma, width, compiled=compiled)
        flat = optics.interval_capture(
            offsets.reshape(-1),
            *(np.broadcast_to(v, offsets.shape).reshape(-1) for v in (side, sigma, width)),
            compiled=compiled,
        )
        np.testing.assert_array_equal(grouped, flat.reshape(offsets.shape))
