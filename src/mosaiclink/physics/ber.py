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

*Statistical eye.* The interference :math:`I = \\sum_k b_k g_k` (ISI cursors and crosstalk
aggressors' samples) takes :math:`2^K` values; its exact distribution is built by K successive
two-point convolutions on a per-channel grid (tap values rounded to the grid; the grid has
``bins`` steps over the interference span, so the error per tap is at most half a step), then

.. math:: \\mathrm{BER}(v_{th}) = \\tfrac12\\sum_j p_j\\,\\Phi\\!\\left(\\frac{v_{th} - g_0 - I_j}{\\sigma_1}\\right)
          + \\tfrac12\\sum_j p_j\\,\\Phi\\!\\left(\\frac{I_j - v_{th}}{\\sigma_0}\\right)

evaluated in the log domain (log-sum-exp), at the midpoint threshold or at the threshold that
minimises it (golden-section search). Reference: Sanders, Resso & D'Ambrosia, "Channel
compliance testing utilizing novel statistical eye methodology", DesignCon 2004; Casper et al.,
"An accurate and efficient analysis method for multi-Gb/s chip-to-chip signaling schemes",
VLSI Circuits 2002.
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_ndtr, ndtri

LN10 = np.log(10.0)
_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


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
    """Q whose BER has the given log10 (Newton on log Phi(-Q); valid far below 1e-300)."""
    log_b = np.asarray(log10_ber, dtype=float) * LN10
    q = np.sqrt(np.maximum(-2.0 * log_b, 0.0))
    for _ in range(iterations):
        log_tail = log_ndtr(-q)
        slope = np.exp(-0.5 * q * q - 0.5 * np.log(2 * np.pi) - log_tail)  # phi(q) / Phi(-q)
        q = q + (log_tail - log_b) / slope
    return q


def gaussian_q(cursor, interferer_taps, sigma_0, sigma_1):
    """Q with interference as Gaussian noise: g0 / (sqrt(s1^2 + v) + sqrt(s0^2 + v)), v = sum g_k^2 / 4."""
    v = 0.25 * np.sum(np.asarray(interferer_taps, dtype=float) ** 2, axis=-1)
    return np.asarray(cursor) / (np.sqrt(np.asarray(sigma_1) ** 2 + v) + np.sqrt(np.asarray(sigma_0) ** 2 + v))


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
