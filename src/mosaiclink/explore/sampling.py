r"""Sampling primitives of the sweeps and the uncertainty bands in NumPy: a Latin hypercube, the
triangular distribution's inverse CDF and CDF, and average ranks.

Each is the textbook closed form, written out so that ``mosaic report`` does not import
``scipy.stats`` (~0.5 s of CPU at start-up) for three short formulas; tests check each equal to
``scipy.stats`` bit for bit (the Latin hypercube consumes the generator as SciPy 1.17 does, so a
seeded sweep or band draws the same numbers as before).

Notes
-----
Latin hypercube (McKay, Beckman & Conover, Technometrics 21, 1979), SciPy's
``qmc.LatinHypercube(d, rng=g).random(n)`` with its defaults (scrambled, no optimization): a child
generator spawned from ``g``, then :math:`U \sim \mathcal U[0,1)^{n\times d}`, one random
permutation :math:`\pi_j` of :math:`1..n` per column, and :math:`x_{ij} = (\pi_j(i) - U_{ij})/n`:
exactly one point in each stratum :math:`[(k-1)/n, k/n)` of each column.

Triangular on :math:`[a, a+s]` with mode at :math:`a + c s`, :math:`0 \le c \le 1`
(Johnson, Kotz & Balakrishnan, *Continuous Univariate Distributions* 2, ch. 26):
:math:`F^{-1}(q) = a + s\sqrt{cq}` for :math:`q < c`, else :math:`a + s(1 - \sqrt{(1-c)(1-q)})`;
:math:`F(x) = y^2/c` for :math:`y = (x-a)/s < c`, else :math:`(y^2 - 2y + c)/(c - 1)`.

Average ranks (Kendall & Stuart; ``scipy.stats.rankdata(method="average")``): tied values share
the mean of the ordinal ranks they span.
"""

from __future__ import annotations

import numpy as np


def latin_hypercube_unit(dimensions: int, samples: int, rng: np.random.Generator) -> np.ndarray:
    """``samples`` x ``dimensions`` Latin hypercube in [0, 1), drawn from a child of ``rng`` as
    ``scipy.stats.qmc.LatinHypercube(d=dimensions, rng=rng).random(samples)`` draws it."""
    child = rng.spawn(1)[0]  # SciPy spawns a generator it owns from the caller's seed sequence
    jitter = child.uniform(size=(samples, dimensions))
    strata = np.tile(np.arange(1, samples + 1), (dimensions, 1))
    for column in strata:
        child.shuffle(column)
    return (strata.T - jitter) / samples


def triangular_ppf(q: np.ndarray, mode_fraction: float, low: float, width: float) -> np.ndarray:
    """Inverse CDF at ``q`` in [0, 1] of the triangular distribution on [low, low + width] whose
    mode sits at ``low + mode_fraction * width``."""
    c = mode_fraction
    q = np.asarray(q, dtype=float)
    return np.where(q < c, np.sqrt(c * q), 1.0 - np.sqrt((1.0 - c) * (1.0 - q))) * width + low


def triangular_cdf(x: float, mode_fraction: float, low: float, width: float) -> float:
    """CDF at ``x`` of the triangular distribution on [low, low + width] (mode at
    ``low + mode_fraction * width``): 0 at or below ``low``, 1 at or above the top."""
    c = mode_fraction
    y = (x - low) / width
    if np.isnan(y):
        return float("nan")
    if y <= 0.0:
        return 0.0
    if y >= 1.0:
        return 1.0
    if y < c:
        return float(y * y / c)
    return float((y * y - 2.0 * y + c) / (c - 1.0))


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of each column of ``values`` (n rows of finite numbers), ties given their average
    rank: SciPy's steps (a stable sort per column, the runs of equal values, each run's first
    ordinal rank plus half its length less one), all columns in one pass."""
    columns = np.asarray(values).T  # (columns, n): SciPy ranks along the last axis
    shape = columns.shape
    order = np.argsort(columns, axis=-1, kind="stable")
    ordered = np.take_along_axis(columns, order, axis=-1)
    ordinal = np.broadcast_to(np.arange(1, shape[-1] + 1, dtype=float), shape)
    first = np.concatenate([np.ones((*shape[:-1], 1), dtype=bool), ordered[..., :-1] != ordered[..., 1:]], axis=-1)
    starts = np.arange(ordered.size)[first.ravel()]
    counts = np.diff(starts, append=ordered.size)
    sorted_ranks = np.repeat(ordinal[first] + (counts.astype(float) - 1) / 2, counts).reshape(shape)
    ranks = np.empty(shape)
    np.put_along_axis(ranks, order, sorted_ranks, axis=-1)
    return ranks.T
