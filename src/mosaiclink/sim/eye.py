"""Eye diagrams (2-D histograms), eye metrics, bathtub curves and their extrapolation.

Waveforms come as ``(rows, bits * samples_per_bit)`` with the decision instant of bit ``k`` at
sample ``k * samples_per_bit`` (the convention of :mod:`mosaiclink.sim.waveform`); ``sent`` is
``(rows, bits)``. Time is in unit intervals (UI) relative to the decision instant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

from mosaiclink.errors import ConfigError


@dataclass(frozen=True)
class EyeDiagram:
    """Counts of waveform samples over (time, amplitude) bins, per row."""

    time_ui: np.ndarray  # (time_bins,) bin centres, -1 .. +1 UI around the decision instant
    amplitude_edges: np.ndarray  # (amplitude_bins + 1,)
    counts: np.ndarray  # (rows, time_bins, amplitude_bins) int64


def eye_histogram(
    waveform, samples_per_bit: int, amplitude_bins: int = 128, amplitude_range: tuple[float, float] | None = None
) -> EyeDiagram:
    """Fold every row over two-UI windows centred on the decision instants and bin it.

    Every sample appears in the two windows that contain it, as on an oscilloscope.
    """
    w = np.asarray(waveform, np.float32)
    spb = int(samples_per_bit)
    if w.ndim != 2 or w.shape[1] < 3 * spb:
        raise ConfigError("eye_histogram needs a (rows, samples) waveform of at least 3 bits")
    lo, hi = amplitude_range or (float(w.min()), float(w.max()))
    hi = hi if hi > lo else lo + 1.0
    windows = np.lib.stride_tricks.sliding_window_view(w, 2 * spb, axis=1)[:, ::spb]  # (r, k, 2spb)
    a_idx = np.clip(((windows - lo) / (hi - lo) * amplitude_bins).astype(np.int64), 0, amplitude_bins - 1)
    t_idx = np.arange(2 * spb)[None, None, :]
    r_idx = np.arange(w.shape[0])[:, None, None]
    flat = (r_idx * (2 * spb) + t_idx) * amplitude_bins + a_idx
    counts = np.bincount(flat.ravel(), minlength=w.shape[0] * 2 * spb * amplitude_bins)
    time_ui = (np.arange(2 * spb) - spb) / spb  # window starts one UI before a decision
    edges = np.linspace(lo, hi, amplitude_bins + 1)
    return EyeDiagram(time_ui, edges, counts.reshape(w.shape[0], 2 * spb, amplitude_bins))


def _per_phase(waveform, sent, spb: int):
    """Samples within +-UI/2 of each decision: (rows, bits, spb) and the bit they carry.

    Phase index ``j`` is offset ``j - spb//2`` samples from the decision instant.
    """
    w = np.asarray(waveform, np.float64)
    half = spb // 2
    bits = (w.shape[1] - half) // spb - 1
    start = spb - half  # skip the first bit so every window is complete
    seg = w[:, start : start + bits * spb].reshape(w.shape[0], bits, spb)
    return seg, np.asarray(sent, bool)[:, 1 : 1 + bits]


@dataclass(frozen=True)
class EyeMetrics:
    """Per-row eye metrics; phases are UI offsets from the decision instant."""

    phase_ui: np.ndarray  # (phases,)
    mean_one: np.ndarray  # (rows, phases)
    mean_zero: np.ndarray
    sigma_one: np.ndarray
    sigma_zero: np.ndarray
    min_one: np.ndarray
    max_zero: np.ndarray
    eye_height: np.ndarray  # (rows,) inner opening at the decision instant (negative: closed)
    eye_width_ui: np.ndarray  # (rows,) open span around the decision instant
    q: np.ndarray  # (rows,) (mu1 - mu0) / (sigma1 + sigma0) at the decision instant
    mask_margin: np.ndarray  # (rows,) hexagon mask scale at first hit, minus 1


DEFAULT_MASK = (0.1, 0.25, 0.2)  # (x1, x2, y1) of the hexagon mask (our choice, not a standard's)


def mask_vertices(threshold: float, amplitude: float, mask: tuple[float, float, float] = DEFAULT_MASK):
    """The hexagon mask of :func:`eye_metrics` as a closed polygon ``(x_ui, y)``: centred on (0,
    ``threshold``), half-width ``x2`` UI at the threshold, ``x1`` UI at top and bottom, half-height
    ``y1 * amplitude`` (``amplitude`` = mu1 - mu0 at the decision instant, in the unit of ``threshold``)."""
    x1, x2, y1 = mask
    h = y1 * amplitude
    x = np.array([-x2, -x1, x1, x2, x1, -x1, -x2])
    y = threshold + np.array([0.0, h, h, 0.0, -h, -h, 0.0])
    return x, y


def eye_metrics(
    waveform, sent, samples_per_bit: int, threshold, mask: tuple[float, float, float] = DEFAULT_MASK
) -> EyeMetrics:
    """Eye height, width, Q and mask margin from waveforms and the sent bits.

    Notes
    -----
    Per phase :math:`\\phi` the samples are split by the bit they carry, giving
    :math:`\\mu_{1,0}(\\phi), \\sigma_{1,0}(\\phi)`, the lowest one and the highest zero. Eye height
    is :math:`\\min_1 - \\max_0` at the decision instant; eye width the contiguous span of
    phases around it where that opening is positive; :math:`Q = (\\mu_1-\\mu_0)/(\\sigma_1+\\sigma_0)`.
    The mask is a hexagon centred on (decision instant, threshold): half-width ``x2`` UI at the
    threshold, ``x1`` UI at its top and bottom, half-height ``y1`` of the eye amplitude
    :math:`\\mu_1-\\mu_0` (``mask = (x1, x2, y1)``; our defaults, not a standard's). A sample at
    :math:`(x, v)` enters the mask scaled by :math:`s` when
    :math:`s \\ge \\max(|v|/y_1, (|x| + (x_2-x_1)|v|/y_1)/x_2)`; the margin is the smallest such
    :math:`s` over all samples minus one (>= 0: passes with that fractional margin).
    """
    spb = int(samples_per_bit)
    seg, bit = _per_phase(waveform, sent, spb)
    ones, zeros = bit[:, :, None], ~bit[:, :, None]
    n1 = np.maximum(ones.sum(axis=1), 1)
    n0 = np.maximum(zeros.sum(axis=1), 1)
    mu1 = np.where(ones, seg, 0).sum(axis=1) / n1
    mu0 = np.where(zeros, seg, 0).sum(axis=1) / n0
    s1 = np.sqrt(np.maximum(np.where(ones, seg**2, 0).sum(axis=1) / n1 - mu1**2, 0))
    s0 = np.sqrt(np.maximum(np.where(zeros, seg**2, 0).sum(axis=1) / n0 - mu0**2, 0))
    min1 = np.where(ones, seg, np.inf).min(axis=1)
    max0 = np.where(zeros, seg, -np.inf).max(axis=1)
    centre = spb // 2
    opening = min1 - max0
    phase_ui = (np.arange(spb) - centre) / spb
    open_ = opening > 0
    left = np.where(
        open_[:, : centre + 1][:, ::-1].all(axis=1), centre + 1, np.argmin(open_[:, : centre + 1][:, ::-1], axis=1)
    )
    right = np.where(open_[:, centre:].all(axis=1), spb - centre, np.argmin(open_[:, centre:], axis=1))
    width = np.where(open_[:, centre], (left + right - 1) / spb, 0.0)
    q = (mu1[:, centre] - mu0[:, centre]) / np.maximum(s1[:, centre] + s0[:, centre], 1e-300)
    x1, x2, y1 = mask
    amp = np.maximum(mu1[:, centre] - mu0[:, centre], 1e-300)
    v = np.abs(seg - np.asarray(threshold, float).reshape(-1, 1, 1)) / amp[:, None, None]
    x = np.abs(phase_ui)[None, None, :]
    scale = np.maximum(v / y1, (x + (x2 - x1) * v / y1) / x2)
    margin = scale.reshape(seg.shape[0], -1).min(axis=1) - 1.0
    return EyeMetrics(phase_ui, mu1, mu0, s1, s0, min1, max0, opening[:, centre], width, q, margin)


def bathtub_gaussian(metrics: EyeMetrics, threshold) -> np.ndarray:
    """BER vs sampling phase (rows, phases) with Gaussian tails fitted per phase.

    :math:`\\mathrm{BER}(\\phi) = \\tfrac12[\\Phi((V_{th}-\\mu_1)/\\sigma_1) + \\Phi((\\mu_0-V_{th})/\\sigma_0)]`.
    ISI at each phase is lumped into the per-phase sigma, so the tails are approximate.
    """
    th = np.asarray(threshold, float).reshape(-1, 1)
    s1 = np.maximum(metrics.sigma_one, 1e-300)
    s0 = np.maximum(metrics.sigma_zero, 1e-300)
    return 0.5 * (ndtr((th - metrics.mean_one) / s1) + ndtr((metrics.mean_zero - th) / s0))


def bathtub_counted(waveform, sent, samples_per_bit: int, threshold) -> tuple[np.ndarray, np.ndarray]:
    """Counted errors and bits per sampling phase: ``(errors (rows, phases), bits (rows,))``."""
    seg, bit = _per_phase(waveform, sent, int(samples_per_bit))
    th = np.asarray(threshold, float).reshape(-1, 1, 1)
    errors = ((seg > th) != bit[:, :, None]).sum(axis=1)
    return errors, np.full(seg.shape[0], seg.shape[1])


@dataclass(frozen=True)
class BathtubFit:
    """Dual-Dirac fit of both bathtub walls in Q scale and the eye width at ``target_ber``."""

    target_ber: float
    width_ui: np.ndarray  # (rows,) eye opening at target_ber (0 if closed)
    left_mu_ui: np.ndarray
    left_sigma_ui: np.ndarray
    right_mu_ui: np.ndarray
    right_sigma_ui: np.ndarray


def extrapolate_bathtub(
    phase_ui,
    ber,
    target_ber: float = 1e-12,
    fit_range: tuple[float, float] = (1e-3, 1e-10),
    transition_density: float = 0.5,
) -> BathtubFit:
    """Extrapolate bathtub walls to ``target_ber`` with the dual-Dirac model.

    Notes
    -----
    Each wall is :math:`\\mathrm{BER}(x) = \\rho\\,\\Phi(-|x-\\mu|/\\sigma)` (random jitter
    :math:`\\sigma` around a deterministic edge :math:`\\mu`, transition density
    :math:`\\rho`), a straight line in Q scale :math:`Q(x) = -\\Phi^{-1}(\\mathrm{BER}/\\rho)`.
    Points with BER inside ``fit_range`` on each side of the bathtub's minimum are fitted by
    least squares, and the eye width at the target is
    :math:`(\\mu_R - \\sigma_R Q_t) - (\\mu_L + \\sigma_L Q_t)`
    (Ransom & Stojanovic; JEDEC JESD65B / Agilent AN 1432 dual-Dirac jitter decomposition).
    A wall with fewer than two points in range gives NaN.
    """
    x = np.asarray(phase_ui, float)
    b = np.atleast_2d(np.asarray(ber, float))
    q = -ndtri(np.clip(b / transition_density, 1e-300, 0.5))
    lo, hi = sorted(fit_range)
    in_range = (b >= lo) & (b <= hi)
    best = np.argmin(b, axis=1)
    idx = np.arange(x.size)[None, :]
    q_target = -ndtri(target_ber / transition_density)

    def wall(mask, sign):
        n = mask.sum(axis=1)
        xs = np.where(mask, x[None, :], 0.0)
        qs = np.where(mask, q, 0.0)
        mx, mq = xs.sum(1) / np.maximum(n, 1), qs.sum(1) / np.maximum(n, 1)
        sxx = (np.where(mask, (x[None, :] - mx[:, None]) ** 2, 0)).sum(1)
        sxq = (np.where(mask, (x[None, :] - mx[:, None]) * (q - mq[:, None]), 0)).sum(1)
        slope = np.where((n >= 2) & (sxx > 0), sxq / np.where(sxx > 0, sxx, 1), np.nan)
        slope = np.where(sign * slope > 0, slope, np.nan)  # left wall rises, right wall falls
        sigma = np.abs(1.0 / slope)
        mu = mx - mq / slope  # x where Q = 0
        return mu, sigma

    left_mu, left_sigma = wall(in_range & (idx <= best[:, None]), +1)
    right_mu, right_sigma = wall(in_range & (idx >= best[:, None]), -1)
    width = (right_mu - right_sigma * q_target) - (left_mu + left_sigma * q_target)
    return BathtubFit(target_ber, np.maximum(width, 0.0), left_mu, left_sigma, right_mu, right_sigma)
