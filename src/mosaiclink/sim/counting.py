"""Error counting with stop rules and exact (Clopper-Pearson) confidence intervals."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaincinv  # inverse regularised incomplete beta = beta's ppf, no scipy.stats

from mosaiclink.errors import ConfigError


def clopper_pearson(errors, bits, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact two-sided binomial confidence interval of the error ratio.

    Parameters
    ----------
    errors, bits
        Counted errors ``k`` and bits ``n`` (arrays broadcast together).
    confidence
        Two-sided coverage ``1 - alpha``.

    Returns
    -------
    lower, upper : ndarray (float64)

    Notes
    -----
    Clopper & Pearson (1934), Biometrika 26(4) 404-413:

    .. math::
        p_L = B^{-1}(\\alpha/2;\\, k, n-k+1), \\qquad
        p_U = B^{-1}(1-\\alpha/2;\\, k+1, n-k),

    with :math:`p_L = 0` for :math:`k = 0` and :math:`p_U = 1` for :math:`k = n`. For
    :math:`k = 0` the upper bound is :math:`1-(\\alpha/2)^{1/n}` (about :math:`3.69/n` at 95 %).
    """
    if not 0.0 < confidence < 1.0:
        raise ConfigError(f"confidence = {confidence!r}: must be in (0, 1)")
    k = np.asarray(errors, dtype=float)
    n = np.asarray(bits, dtype=float)
    if np.any(n <= 0) or np.any(k < 0) or np.any(k > n):
        raise ConfigError("clopper_pearson needs 0 <= errors <= bits and bits > 0")
    alpha = 1.0 - confidence
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(k > 0, betaincinv(k, n - k + 1, alpha / 2), 0.0)
        upper = np.where(k < n, betaincinv(k + 1, n - k, 1 - alpha / 2), 1.0)
    return lower, upper


@dataclass
class ErrorCounter:
    """Per-channel error and bit tallies with a stop rule.

    A channel stops counting after the block in which it reached ``target_errors`` errors or
    ``max_bits`` bits; :attr:`done` is true when every channel has stopped.
    """

    channels: int
    max_bits: int
    target_errors: int | None = None

    def __post_init__(self) -> None:
        if self.max_bits <= 0:
            raise ConfigError(f"max_bits = {self.max_bits!r}: must be > 0")
        if self.target_errors is not None and self.target_errors <= 0:
            raise ConfigError(f"target_errors = {self.target_errors!r}: must be > 0 or None")
        self.errors = np.zeros(self.channels, np.int64)
        self.bits = np.zeros(self.channels, np.int64)
        self.active = np.ones(self.channels, bool)

    def add(self, block_errors, block_bits) -> None:
        """Add one block's per-channel errors (``(channels,)``) counted over ``block_bits``."""
        block_errors = np.asarray(block_errors, np.int64)
        block_bits = np.broadcast_to(np.asarray(block_bits, np.int64), (self.channels,))
        self.errors += np.where(self.active, block_errors, 0)
        self.bits += np.where(self.active, block_bits, 0)
        stop = self.bits >= self.max_bits
        if self.target_errors is not None:
            stop |= self.errors >= self.target_errors
        self.active &= ~stop

    @property
    def done(self) -> bool:
        return not self.active.any()

    def remaining_bits(self) -> int:
        """Bits still needed by the channel furthest from ``max_bits``."""
        return int(np.max(np.where(self.active, self.max_bits - self.bits, 0)))

    def ber(self) -> np.ndarray:
        return self.errors / np.maximum(self.bits, 1)

    def interval(self, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        return clopper_pearson(self.errors, np.maximum(self.bits, 1), confidence)
