"""Reference statistical eye: the exact interference distribution on a fine grid (the model's
decision statistic before the strongest-N approximation), kept to measure that approximation.

The interference :math:`I = \\sum_k b_k g_k` takes :math:`2^K` values; its distribution is
built by K successive two-point convolutions on a per-channel grid (``bins`` steps over the
span, error per tap at most half a step), then the BER at a threshold is the log-sum-exp of the
Gaussian tails of every grid value; the optimal threshold by golden-section search.

Also kept here: :func:`eye_log10_ber_numpy`, the vectorized NumPy formulation of the model's
statistical eye, the oracle of the compiled row loop that replaced it.
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_ndtr, ndtr

from mosaiclink.physics import ber

LN10 = np.log(10.0)
_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def interference_pmf(taps, bins: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Distribution of sum_k b_k g_k, b_k in {0, 1} equiprobable, per channel.

    Parameters
    ----------
    taps : (channels, K) interferer amplitudes
    bins : grid steps across the span [sum min(g,0), sum max(g,0)]

    Returns
    -------
    values (channels, M), probabilities (channels, M) with M = bins + 2K + 1.
    """
    g = np.atleast_2d(np.asarray(taps, dtype=float))
    channels, k = g.shape
    lo = np.minimum(g, 0).sum(axis=1)
    hi = np.maximum(g, 0).sum(axis=1)
    span = hi - lo
    delta = np.where(span > 0, span / bins, 1.0)
    shifts = np.rint(g / delta[:, None]).astype(np.int64)
    m = bins + 2 * k + 1
    origin = k + np.rint(-lo / delta).astype(np.int64)
    p = np.zeros((channels, m))
    p[np.arange(channels), origin] = 1.0
    index = np.arange(m)[None, :]
    for j in range(k):
        src = index - shifts[:, j : j + 1]
        valid = (src >= 0) & (src < m)
        moved = np.take_along_axis(p, np.clip(src, 0, m - 1), axis=1)
        p = 0.5 * p + 0.5 * np.where(valid, moved, 0.0)
    values = (index - origin[:, None]) * delta[:, None]
    return values, p


def _logsumexp_rows(x):
    """log sum exp along the last axis (rows of -inf give -inf)."""
    peak = np.max(x, axis=-1)
    safe = np.where(np.isfinite(peak), peak, 0.0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.sum(np.exp(x - safe[:, None]), axis=-1))


def _log_ber(threshold, cursor, values, log_p, sigma_0, sigma_1):
    ones = _logsumexp_rows(log_p + log_ndtr((threshold[:, None] - cursor[:, None] - values) / sigma_1[:, None]))
    zeros = _logsumexp_rows(log_p + log_ndtr((values - threshold[:, None]) / sigma_0[:, None]))
    return np.logaddexp(ones, zeros) + np.log(0.5)


def stat_eye_log10_ber(
    cursor, interferer_taps, sigma_0, sigma_1, threshold: str = "optimal", bins: int = 256, iterations: int = 12
) -> np.ndarray:
    """log10 BER per channel from the statistical eye (see module Notes).

    ``threshold`` is ``"midpoint"`` (mean of the two level means: (g0 + sum g_k)/2) or
    ``"optimal"`` (golden-section search between the inner eye edges).
    """
    g0 = np.asarray(cursor, dtype=float)
    taps = np.atleast_2d(np.asarray(interferer_taps, dtype=float))
    s0 = np.broadcast_to(np.asarray(sigma_0, dtype=float), g0.shape)
    s1 = np.broadcast_to(np.asarray(sigma_1, dtype=float), g0.shape)
    values, p = interference_pmf(taps, bins)
    support = np.any(p > 0, axis=0)  # drop grid columns no channel can reach
    values, p = values[:, support], p[:, support]
    with np.errstate(divide="ignore"):
        log_p = np.log(p)
    mid = 0.5 * (g0 + taps.sum(axis=1))
    if threshold == "midpoint":
        return _log_ber(mid, g0, values, log_p, s0, s1) / LN10
    # Search between the two level means (mean of '0' = mean I, of '1' = g0 + mean I).
    mean_i = 0.5 * taps.sum(axis=1)
    a, b = mean_i.copy(), g0 + mean_i
    c = b - _GOLDEN * (b - a)
    d = a + _GOLDEN * (b - a)
    fc = _log_ber(c, g0, values, log_p, s0, s1)
    fd = _log_ber(d, g0, values, log_p, s0, s1)
    for _ in range(iterations):
        left = fc < fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new_c, new_d = b - _GOLDEN * (b - a), a + _GOLDEN * (b - a)
        # Reuse the surviving point; evaluate one new point per channel.
        probe = np.where(left, new_c, new_d)
        fp = _log_ber(probe, g0, values, log_p, s0, s1)
        fc, fd = np.where(left, fp, fd), np.where(left, fc, fp)
        c, d = np.where(left, new_c, d), np.where(left, c, new_d)
    best = np.minimum(np.minimum(fc, fd), _log_ber(mid, g0, values, log_p, s0, s1))
    return best / LN10


def _patterns(n: int) -> np.ndarray:
    """All 2^n bit patterns, (2^n, n)."""
    return ((np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1).astype(float)


def _optimal_threshold(zeros, ones, s0, s1, low, high):
    """Threshold where the '0' and '1' densities (Gaussian mixtures with means ``zeros``/``ones``
    (..., M), sigmas ``s0``/``s1`` (...,)) cross: Newton on their log ratio (see module Notes)."""
    edge0, edge1 = zeros.max(axis=-1), ones.min(axis=-1)
    open_eye = edge1 > edge0
    t = np.where(open_eye, (s1 * edge0 + s0 * edge1) / (s0 + s1), 0.5 * (low + high))
    for _ in range(ber.NEWTON_STEPS):
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
        t = np.clip(t - step, low, high)
    return t


def eye_log10_ber_numpy(g, cursor_index: int, xt_ratio, sigma_0, sigma_1, weights=None, threshold: str = "optimal"):
    """log10 BER of the statistical eye with jitter, floored: the vectorized NumPy formulation
    that ``mosaiclink.physics.ber.eye_log10_ber`` (a compiled row loop) replaced, kept as its
    oracle (same Notes, same arguments).

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
    s0 = np.asarray(sigma_0, dtype=float)[..., None]
    s1 = np.asarray(sigma_1, dtype=float)[..., None]
    w = np.ones(g.shape[-2]) if weights is None else np.asarray(weights, dtype=float)
    cursor = g[..., cursor_index]
    isi = np.delete(g, cursor_index, axis=-1)
    cols = cursor_index + np.array(ber.XTALK_CURSORS)
    cols = cols[(cols >= 0) & (cols < g.shape[-1])]
    n = ber.STRONGEST_INTERFERERS
    # the n strongest crosstalk terms r_a g_m can only come from the n strongest aggressors
    strongest = r if r.shape[-1] <= n else np.take_along_axis(r, np.argpartition(-r, n - 1, axis=-1)[..., :n], -1)
    xt = (strongest[..., None, :, None] * g[..., cols][..., None, :]).reshape(g.shape[:-1] + (-1,))
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
    sd0, sd1 = np.sqrt(s0**2 + rest_var), np.sqrt(s1**2 + rest_var)
    low, high = 0.5 * total[..., 0], cursor[..., 0] + 0.5 * total[..., 0]  # the two level means
    if threshold == "midpoint":
        t = 0.5 * (low + high)
    else:
        t = _optimal_threshold(zeros[..., 0, :], ones[..., 0, :], sd0[..., 0], sd1[..., 0], low, high)
    t = t[..., None, None]
    # linear domain: every BER above the 1e-300 floor is a float64 (to 1e-308) and so is each
    # term that matters, so ndtr sums are exact to rounding there (and twice as fast as log_ndtr)
    tails = ndtr((t - ones) / sd1[..., None]).sum(axis=-1) + ndtr((zeros - t) / sd0[..., None]).sum(axis=-1)
    ber_value = (tails @ w) * (0.5 / zeros.shape[-1])
    with np.errstate(divide="ignore"):
        return ber.floored_log10_ber(np.log10(ber_value))
