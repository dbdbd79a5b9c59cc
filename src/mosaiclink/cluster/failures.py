"""Link failures across a cluster: expected rates and a seeded Monte Carlo year with repairs.

Failures are a Poisson process: each link fails at a constant rate ``FIT * 1e-9`` per hour
(the exponential, random-failure phase; wear-out is the system layer's concern). A class is a
set of identical links (same technology); classes add their rates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.streams import Stream, generators
from mosaiclink.units import FIT_HOURS, HOURS_PER_YEAR


def failure_rate_per_h(links, fit_per_link) -> np.ndarray:
    """Expected failures per hour: ``lambda = n * FIT / 1e9`` (broadcasts over classes)."""
    return np.asarray(links, dtype=float) * np.asarray(fit_per_link, dtype=float) / FIT_HOURS


def mean_time_between_failures_h(rate_per_h) -> np.ndarray:
    """``1 / lambda``; infinite for a zero rate."""
    rate = np.asarray(rate_per_h, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(rate > 0, 1.0 / np.maximum(rate, 1e-300), np.inf)


@dataclass(frozen=True)
class FailureYear:
    """Failure events of a Monte Carlo run, sorted by time; arrays of shape ``(events,)``.

    ``link_class`` indexes the classes passed in; ``link_index`` is the failed link within its
    class; ``repair_h`` the time it stays down.
    """

    time_h: np.ndarray
    link_class: np.ndarray
    link_index: np.ndarray
    repair_h: np.ndarray
    horizon_h: float
    links: np.ndarray

    def failures_per_class(self) -> np.ndarray:
        """``(classes,)`` event counts."""
        return np.bincount(self.link_class, minlength=len(self.links))

    def link_availability(self) -> np.ndarray:
        """``(classes,)`` share of link-hours up: ``1 - sum(repair in horizon) / (n T)``."""
        down = np.minimum(self.repair_h, self.horizon_h - self.time_h)
        down_h = np.bincount(self.link_class, weights=down, minlength=len(self.links))
        return 1.0 - down_h / np.maximum(self.links * self.horizon_h, 1e-300)

    def all_up_fraction(self) -> float:
        """Share of the horizon with no link of any class down (union of the repair windows)."""
        if self.time_h.size == 0:
            return 1.0
        start = self.time_h
        end = np.minimum(start + self.repair_h, self.horizon_h)
        reach = np.maximum.accumulate(end)
        # A new busy period starts where an event begins after every earlier window closed.
        new = np.concatenate([[True], start[1:] > reach[:-1]])
        first = np.flatnonzero(new)
        last = np.append(first[1:], start.size) - 1
        busy_h = (reach[last] - start[first]).sum()
        return float(1.0 - busy_h / self.horizon_h)


def monte_carlo_year(links, fit_per_link, repair_mean_h, seed: int, years: float = 1.0) -> FailureYear:
    """Draw every link failure of ``years`` years, with exponential repair times.

    Parameters
    ----------
    links, fit_per_link, repair_mean_h : ``(classes,)`` link counts, FIT per link, mean time to repair.
    seed : same seed, bit-identical events.

    Notes
    -----
    The total count is Poisson with mean ``T * sum(lambda_c)``; given the count, event times are
    i.i.d. uniform on ``[0, T)`` and classes are drawn with probability ``lambda_c / sum lambda``
    (superposition of Poisson processes). A failed link is replaced within its repair time; a
    second failure of the same link meanwhile is neglected (``lambda_link * MTTR << 1``).
    """
    links = np.asarray(links, dtype=float)
    rate = failure_rate_per_h(links, fit_per_link)
    horizon_h = years * HOURS_PER_YEAR
    count_rng, time_rng, class_rng, index_rng, repair_rng = generators(seed, Stream.FAILURES, range(5))
    total = rate.sum()
    n = int(count_rng.poisson(total * horizon_h)) if total > 0 else 0
    time_h = np.sort(time_rng.uniform(0.0, horizon_h, n))
    link_class = class_rng.choice(len(rate), size=n, p=rate / total) if n else np.zeros(0, dtype=np.int64)
    link_index = np.floor(index_rng.uniform(0.0, 1.0, n) * links[link_class]).astype(np.int64)
    repair_h = repair_rng.exponential(1.0, n) * np.asarray(repair_mean_h, dtype=float)[link_class]
    return FailureYear(time_h, link_class, link_index, repair_h, horizon_h, links)
