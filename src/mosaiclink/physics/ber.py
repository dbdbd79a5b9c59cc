"""Bit-error ratio: Q <-> BER, the Gaussian-Q estimate and the statistical eye.

Notes
-----
For on-off keying with Gaussian noise of rms :math:`\\sigma_1, \\sigma_0` on the two levels and
eye opening :math:`\\mu_1 - \\mu_0`, the best threshold gives
:math:`\\mathrm{BER} = \\tfrac12\\mathrm{erfc}(Q/\\sqrt2) = \\Phi(-Q)` with
:math:`Q = (\\mu_1 - \\mu_0)/(\\sigma_1 + \\sigma_0)` (Agrawal, *Fiber-Optic Communication
Systems*, 4th ed., eq. 4.5.10; Q = 7.03 gives 1e-12). Tails are computed with
``scipy.special.log_ndtr`` so BERs down to 1e-300 do not underflow.

*Gaussian-Q estimate.* ISI and crosstalk are treated as extra Gaussian noise of variance
:math:`\\tfrac14\\sum_k g_k^2` (each interferer term :math:`b_k g_k` with :math:`b_k \\in \\{0,1\\}`
equiprobable has that variance), added to each level's noise.

*Statistical eye.* The interference :math:`I = \\sum_k b_k g_k` (ISI cursors and the
neighbours' crosstalk, :math:`b_k \\in \\{0,1\\}` equiprobable) of the ``strongest`` largest
:math:`|g_k|` is enumerated exactly (:math:`2^N` patterns); the rest, with mean
:math:`\\tfrac12\\sum g_k` and variance :math:`\\tfrac14\\sum g_k^2`, is Gaussian and joins the
noise of each level:

.. math:: \\mathrm{BER}(v) = \\frac{1}{2^{N+1}}\\sum_j \\Phi\\!\\left(\\frac{v - g_0 - I_j}{s_1}\\right)
          + \\Phi\\!\\left(\\frac{I_j - v}{s_0}\\right),

with :math:`s_{0,1}^2 = \\sigma_{0,1}^2 + \\tfrac14\\sum_{rest} g_k^2`,
summed in the linear domain with ``ndtr`` (exact to rounding for every BER above the 1e-300
floor, which float64 represents). The optimal threshold is where the two
conditional densities cross (:math:`d\\,\\mathrm{BER}/dv = 0`), found by Newton steps on the
log-density ratio from the point that balances the worst inner eye edges, until a step moves it by
at most ``NEWTON_SETTLED_SIGMA`` of the smaller level sigma (quadratic convergence: then ~1e-5
sigma from the crossing, log10 BER within ~1e-6 decade of the converged one); the midpoint is the
mean of the two levels. Crosstalk from aggressor a with light ratio :math:`r_a` (its light in
this detector over the victim's own) is :math:`r_a g_m` for each of its bits m (bit-synchronous
channels sharing the victim's pulse shape); its cursors ``XTALK_CURSORS`` compete for the exact
set, all of it counts in the mean and variance. References: Sanders, Resso & D'Ambrosia,
"Channel compliance testing utilizing novel statistical eye methodology", DesignCon 2004;
Casper et al., VLSI Circuits 2002. The approximation is measured against the full
grid-distribution eye in ``tests/physics/test_decision.py`` (within 0.1 decade).

*Jitter.* The sampling instant is the nominal one plus dual-Dirac deterministic jitter
(:math:`\\pm DJ/2`, equiprobable) plus Gaussian random jitter (rms RJ). The BER is the average over
the instants, the RJ by Gauss-Hermite quadrature (``JITTER_NODES`` probabilists' nodes), with the
equalizer taps and the threshold fixed at the nominal instant (a receiver adapts to the average
instant, not to each edge): :math:`\\mathrm{BER} = \\sum_i w_i\\,\\mathrm{BER}(t_i)`
(Ou et al., "Jitter models for the design and test of Gbps-speed serial interconnects",
IEEE Des. Test Comput. 21(4) 2004; dual-Dirac: JEDEC/FC-MJSQ).

*Floor.* Reported log10 BERs are clipped to ``[LOG10_BER_FLOOR, log10 0.5]``: nothing below
1e-300 is printed as a number.

Examples
--------
>>> from mosaiclink.physics.ber import ber_from_q, q_from_ber
>>> f"{float(ber_from_q(7.034)):.2g}"  # Q = 7.03 gives 1e-12
'1e-12'
>>> round(float(q_from_ber(2.4e-4)), 3)  # the KP4 threshold's Q
3.492
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import log_ndtr, ndtr, ndtri

from mosaiclink.physics._compiled import CompileGate

LN10 = np.log(10.0)
HALF_LOG_2PI = 0.5 * np.log(2 * np.pi)  # ln sqrt(2 pi), the normal density's log normaliser


def ber_from_q(q):
    """BER = Phi(-Q) = erfc(Q / sqrt 2) / 2."""
    return np.exp(log_ndtr(-np.asarray(q, dtype=float)))


def log10_ber_from_q(q):
    """log10 BER of a Q factor (no underflow)."""
    return log_ndtr(-np.asarray(q, dtype=float)) / LN10


def q_from_ber(ber):
    """Inverse of :func:`ber_from_q`: Q = -Phi^-1(BER)."""
    return -ndtri(np.asarray(ber, dtype=float))


def q_from_log10_ber(log10_ber, iterations: int = 12):
    r"""Q whose BER has the given log10: :math:`-\Phi^{-1}(10^{x})` where the BER is a normal double
    (down to :data:`LOG10_BER_FLOOR`; within 2e-15 relative of the Newton below), and below it
    Newton on log Phi(-Q) from :math:`\sqrt{-2 \ln b}` (valid far below 1e-300)."""
    log10_b = np.asarray(log10_ber, dtype=float)
    direct = (log10_b >= LOG10_BER_FLOOR) & (log10_b < 0.0)
    q = np.empty(log10_b.shape)
    q[direct] = -ndtri(10.0 ** log10_b[direct])
    deep = ~direct
    if not deep.any():  # the usual case: no Newton on an empty array (12 iterations' call overhead)
        return q
    log_b = log10_b[deep] * LN10
    q_deep = np.sqrt(np.maximum(-2.0 * log_b, 0.0))
    for _ in range(iterations):
        log_tail = log_ndtr(-q_deep)
        slope = np.exp(-0.5 * q_deep * q_deep - HALF_LOG_2PI - log_tail)  # phi(q) / Phi(-q)
        q_deep = q_deep + (log_tail - log_b) / slope
    q[deep] = q_deep
    return q


def gaussian_q(cursor, interferer_taps, sigma_0, sigma_1):
    """Q with interference as Gaussian noise: g0 / (sqrt(s1^2 + v) + sqrt(s0^2 + v)), v = sum g_k^2 / 4."""
    v = 0.25 * np.sum(np.asarray(interferer_taps, dtype=float) ** 2, axis=-1)
    return np.asarray(cursor) / (np.sqrt(np.asarray(sigma_1) ** 2 + v) + np.sqrt(np.asarray(sigma_0) ** 2 + v))


LOG10_BER_FLOOR = -300.0
LOG10_HALF = float(np.log10(0.5))
STRONGEST_INTERFERERS = 6  # enumerated exactly; the rest is Gaussian
XTALK_CURSORS = (-1, 0, 1, 2)  # each aggressor's bits (relative to the cursor) eligible for the exact set
NEWTON_STEPS = 4
NEWTON_SETTLED_SIGMA = 3e-3  # a threshold step below this many sigma (the smaller level's) is the Newton's last
JITTER_NODES = 3


def floored_log10_ber(log10_ber):
    """log10 BER clipped to [LOG10_BER_FLOOR, log10 0.5] (see module Notes)."""
    return np.clip(log10_ber, LOG10_BER_FLOOR, LOG10_HALF)


def sampling_offsets(rj_rms, dj_pp, nodes: int = JITTER_NODES) -> tuple[np.ndarray, np.ndarray]:
    """Sampling-instant offsets (..., J) and their weights (J,), the nominal instant first.

    ``rj_rms`` and ``dj_pp`` in any one time unit (scalars or arrays of one shape). Without
    jitter J = 1; with RJ only, the ``nodes`` Gauss-Hermite nodes (the middle one is the nominal
    instant); with DJ, the nominal instant (weight 0) then the nodes around each Dirac.
    """
    rj = np.asarray(rj_rms, dtype=float)
    dj = np.asarray(dj_pp, dtype=float)
    if not (np.any(rj > 0) or np.any(dj > 0)):
        return np.zeros(np.broadcast_shapes(rj.shape, dj.shape) + (1,)), np.ones(1)
    x, w = _gauss_hermite(nodes)
    rj_part = rj[..., None] * x
    if not np.any(dj > 0):
        return rj_part, w
    half = 0.5 * dj[..., None]
    offsets = np.concatenate([np.zeros_like(rj_part[..., :1]), rj_part - half, rj_part + half], axis=-1)
    return offsets, np.concatenate([[0.0], 0.5 * w, 0.5 * w])


@lru_cache(maxsize=16)
def _gauss_hermite(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """The probabilists' Gauss-Hermite nodes and normalised weights, the zero node (odd counts)
    first; read-only (shared by every call)."""
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    order = np.argsort(np.abs(x), kind="stable")
    x, w = x[order], (w / w.sum())[order]
    x.flags.writeable = w.flags.writeable = False
    return x, w


def _patterns(n: int) -> np.ndarray:
    """All 2^n bit patterns, (2^n, n)."""
    return ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1).astype(float)


def _optimal_threshold(zeros, ones, s0, s1, low, high):
    """Threshold where the '0' and '1' densities (Gaussian mixtures with means ``zeros``/``ones``
    (..., M), sigmas ``s0``/``s1`` (...,)) cross: Newton on their log ratio (see module Notes)."""
    edge0, edge1 = zeros.max(axis=-1), ones.min(axis=-1)
    open_eye = edge1 > edge0
    t = np.where(open_eye, (s1 * edge0 + s0 * edge1) / (s0 + s1), 0.5 * (low + high))
    active = np.ones(t.shape, dtype=bool)  # the kernel's per-row stop (NEWTON_SETTLED_SIGMA), rows advancing together
    settled_move = NEWTON_SETTLED_SIGMA * np.minimum(s0, s1)
    for _ in range(NEWTON_STEPS):
        e1 = -0.5 * ((t[..., None] - ones) / s1[..., None]) ** 2
        e0 = -0.5 * ((t[..., None] - zeros) / s0[..., None]) ** 2
        m1, m0 = e1.max(axis=-1, keepdims=True), e0.max(axis=-1, keepdims=True)
        w1, w0 = np.exp(e1 - m1), np.exp(e0 - m0)
        n1, n0 = w1.sum(axis=-1), w0.sum(axis=-1)
        ratio = m1[..., 0] + np.log(n1) - np.log(s1) - m0[..., 0] - np.log(n0) + np.log(s0)
        slope = (w1 * (ones - t[..., None])).sum(axis=-1) / (n1 * s1**2) + (w0 * (t[..., None] - zeros)).sum(
            axis=-1
        ) / (n0 * s0**2)
        step = ratio / np.where(slope > 0, slope, np.inf)
        moved = np.clip(t - step, low, high)
        t, active = np.where(active, moved, t), active & ~(np.abs(moved - t) <= settled_move)
    return t


def _eye_ber_numpy(g, cursor_index: int, xt_cols, r, s0, s1, w, optimal: bool):
    """:func:`mosaiclink.physics._eye_kernel.eye_ber_rows` vectorized in NumPy (same arguments,
    same formulation; the kernel's sums and functions round differently, 1e-14 relative)."""
    cursor = g[..., cursor_index]
    isi = np.delete(g, cursor_index, axis=-1)
    n = STRONGEST_INTERFERERS
    # the n strongest crosstalk terms r_a g_m can only come from the n strongest aggressors
    strongest = r if r.shape[-1] <= n else np.take_along_axis(r, np.argpartition(-r, n - 1, axis=-1)[..., :n], -1)
    xt = (strongest[..., None, :, None] * g[..., xt_cols][..., None, :]).reshape(g.shape[:-1] + (-1,))
    candidates = np.concatenate([isi, xt], axis=-1)  # (..., J, K)
    n = min(n, candidates.shape[-1])
    magnitude = np.abs(candidates[..., :1, :])
    pick = np.argpartition(-magnitude, n - 1, axis=-1)[..., :n] if n < candidates.shape[-1] else None
    strong = (
        candidates if pick is None else np.take_along_axis(candidates, np.broadcast_to(pick, g.shape[:-1] + (n,)), -1)
    )
    # totals over every interferer: ISI, and each aggressor's whole pulse r_a g_m
    sum_r, sum_r2 = r.sum(axis=-1)[..., None], (r**2).sum(axis=-1)[..., None]
    total = isi.sum(axis=-1) + sum_r * g.sum(axis=-1)
    total_sq = (isi**2).sum(axis=-1) + sum_r2 * (g**2).sum(axis=-1)
    rest_mean = 0.5 * (total - strong.sum(axis=-1))
    rest_var = np.maximum(0.25 * (total_sq - (strong**2).sum(axis=-1)), 0.0)
    zeros = strong @ _patterns(n).T + rest_mean[..., None]  # (..., J, 2^n)
    ones = zeros + cursor[..., None]
    sd0, sd1 = np.sqrt(s0[..., None] ** 2 + rest_var), np.sqrt(s1[..., None] ** 2 + rest_var)
    low, high = 0.5 * total[..., 0], cursor[..., 0] + 0.5 * total[..., 0]  # the two level means
    if optimal:
        t = _optimal_threshold(zeros[..., 0, :], ones[..., 0, :], sd0[..., 0], sd1[..., 0], low, high)
    else:
        t = 0.5 * (low + high)
    t = t[..., None, None]
    # linear domain: every BER above the 1e-300 floor is a float64 (to 1e-308) and so is each
    # term that matters, so ndtr sums are exact to rounding there (and twice as fast as log_ndtr)
    tails = ndtr((t - ones) / sd1[..., None]).sum(axis=-1) + ndtr((zeros - t) / sd0[..., None]).sum(axis=-1)
    return (tails @ w) * (0.5 / zeros.shape[-1])


COMPILED_ROWS = 2048  # below this many rows the NumPy eye costs less than loading Numba and its cache
NUMPY_BATCHES = 4  # ... for the first few such batches of a process: a command evaluating many designs then loads it
_EYE_GATE = CompileGate(COMPILED_ROWS, NUMPY_BATCHES)


def eye_log10_ber(
    g,
    cursor_index: int,
    xt_ratio,
    sigma_0,
    sigma_1,
    weights=None,
    threshold: str = "optimal",
    compiled: bool | None = None,
):
    """log10 BER of the statistical eye with jitter (see module Notes), floored.

    Batches of at least :data:`COMPILED_ROWS` rows run one compiled loop per row
    (:func:`mosaiclink.physics._eye_kernel.eye_ber_rows`, Numba loaded on first use); the first
    :data:`NUMPY_BATCHES` smaller ones of a process (one design's channels: ``mosaic link``) run
    the same formulation vectorized in NumPy without loading Numba (the two agree to 1e-14
    relative, ``tests/physics/test_eye_kernel.py``); ``compiled`` forces the choice.

    Parameters
    ----------
    g : (..., J, bits) equalized symbol-spaced pulse at each sampling instant (instant 0 is the
        nominal one: it picks the exact interferers and the threshold), cursor at ``cursor_index``
    xt_ratio : (..., A) light of each aggressor in this detector over this channel's own
    sigma_0, sigma_1 : (...,) noise rms on the '0' and '1' levels (same unit as ``g``)
    weights : (J,) weights of the instants (default: the nominal instant only)
    threshold : ``"optimal"`` or ``"midpoint"``
    """
    g = np.asarray(g, dtype=float)
    r = np.asarray(xt_ratio, dtype=float)
    lead, (n_inst, bits) = g.shape[:-2], g.shape[-2:]
    rows = int(np.prod(lead))
    w = np.ones(n_inst) if weights is None else np.asarray(weights, dtype=float)
    cols = cursor_index + np.array(XTALK_CURSORS)
    cols = cols[(cols >= 0) & (cols < bits)]

    def per_row(x, tail=()):
        return np.ascontiguousarray(np.broadcast_to(np.asarray(x, dtype=float), lead + tail).reshape((rows,) + tail))

    args = (
        np.ascontiguousarray(g.reshape((rows, n_inst, bits))),
        cursor_index,
        cols,
        per_row(r, r.shape[-1:]),
        per_row(sigma_0),
        per_row(sigma_1),
        np.ascontiguousarray(np.broadcast_to(w, (n_inst,))),
    )
    compiled = _EYE_GATE.compiled(rows, compiled)
    if rows == 0:
        ber_value = np.empty(0)
    elif compiled:
        from mosaiclink.physics._eye_kernel import eye_ber_rows

        ber_value = eye_ber_rows(
            *args, STRONGEST_INTERFERERS, threshold != "midpoint", NEWTON_STEPS, NEWTON_SETTLED_SIGMA
        )
    else:
        ber_value = _eye_ber_numpy(*args, threshold != "midpoint")
    with np.errstate(divide="ignore"):
        return floored_log10_ber(np.log10(ber_value.reshape(lead)))
