"""Reference statistical eye: the exact interference distribution on a fine grid (the model's
decision statistic before the strongest-N approximation), kept to measure that approximation.

The interference :math:`I = \\sum_k b_k g_k` takes :math:`2^K` values; its distribution is
built by K successive two-point convolutions on a per-channel grid (``bins`` steps over the
span, error per tap at most half a step), then the BER at a threshold is the log-sum-exp of the
Gaussian tails of every grid value; the optimal threshold by golden-section search.
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_ndtr

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
