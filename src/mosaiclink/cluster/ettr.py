"""Effective training time ratio (ETTR) of a synchronous job with checkpoint and restart.

Model (Daly 2006): the job computes for ``tau``, writes a checkpoint for ``delta``, repeats.
Failures arrive as a Poisson process of mean interval ``M``; each costs a restart ``R`` and
the work since the last checkpoint. Failures can strike during checkpoints and restarts too.
"""

from __future__ import annotations

import numpy as np

from mosaiclink.streams import Stream, generator


def young_interval_h(checkpoint_h, mtbf_h):
    """Young's (1974) first-order optimum: ``tau = sqrt(2 delta M)``."""
    return np.sqrt(2.0 * np.asarray(checkpoint_h, dtype=float) * np.asarray(mtbf_h, dtype=float))


def daly_interval_h(checkpoint_h, mtbf_h):
    """Daly's (2006) higher-order optimum.

    Notes
    -----
    ``tau = sqrt(2 delta M) [1 + (1/3) sqrt(delta/(2M)) + (1/9) delta/(2M)] - delta`` for
    ``delta < 2M``, else ``tau = M`` (J. T. Daly, "A higher order estimate of the optimum
    checkpoint interval for restart dumps", FGCS 22(3), 2006, eq. 37).
    """
    delta = np.asarray(checkpoint_h, dtype=float)
    mtbf = np.asarray(mtbf_h, dtype=float)
    x = delta / (2.0 * mtbf)
    tau = np.sqrt(2.0 * delta * mtbf) * (1.0 + np.sqrt(x) / 3.0 + x / 9.0) - delta
    return np.where(delta < 2.0 * mtbf, tau, mtbf)


def ettr(interval_h, checkpoint_h, restart_h, mtbf_h):
    """Expected useful compute per wall-clock time (broadcasts).

    Notes
    -----
    ``ETTR = tau exp(-R/M) / (M (exp((tau + delta)/M) - 1))``: between two failures (mean gap
    ``M``) the job first restarts (``R``), then completes ``floor((g - R)/(tau + delta))``
    checkpointed segments; the expectation over exponential gaps is the geometric sum above. It
    is the reciprocal of Daly's expected wall time per unit of work (2006, eq. 20). An infinite
    MTBF gives ``tau / (tau + delta)``.
    """
    tau = np.asarray(interval_h, dtype=float)
    delta = np.asarray(checkpoint_h, dtype=float)
    restart = np.asarray(restart_h, dtype=float)
    mtbf = np.asarray(mtbf_h, dtype=float)
    finite = np.isfinite(mtbf)
    m = np.where(finite, mtbf, 1.0)
    value = tau * np.exp(-restart / m) / (m * np.expm1((tau + delta) / m))
    return np.where(finite, value, tau / (tau + delta))


def monte_carlo_ettr(interval_h, checkpoint_h, restart_h, mtbf_h, horizon_h: float, seed: int) -> np.ndarray:
    """Simulated ETTR for each interval in ``interval_h`` with one shared failure history.

    Notes
    -----
    Draws exponential gaps ``g`` between failures over ``horizon_h``; a gap yields
    ``floor(max(g - R, 0) / (tau + delta)) * tau`` of saved work; ETTR = saved / elapsed.
    The same gaps serve every ``tau`` (common random numbers), so the arg-max over ``tau`` is a
    low-noise check of the analytic optimum.
    """
    rng = generator(seed, Stream.ETTR)
    n = int(horizon_h / mtbf_h * 1.2 + 10.0 * np.sqrt(horizon_h / mtbf_h) + 10)
    gaps = rng.exponential(mtbf_h, n)
    gaps = gaps[np.cumsum(gaps) <= horizon_h]
    tau = np.atleast_1d(np.asarray(interval_h, dtype=float))
    segments = np.floor(np.maximum(gaps[None, :] - restart_h, 0.0) / (tau[:, None] + checkpoint_h))
    return (segments * tau[:, None]).sum(axis=1) / gaps.sum()
