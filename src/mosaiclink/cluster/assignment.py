"""Give every link a technology by policy, from its length and the technology catalog.

The catalog entries (:class:`mosaiclink.config.catalog.CatalogEntry`) are turned once into a
:class:`TechTable` of arrays; assignment is then one vectorized arg-min over
``(link groups, technologies)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from mosaiclink.errors import ConfigError, ModelRangeError

KINDS = ("copper", "optical", "mosaic")
POLICY_KEYS = {"cheapest": "cost_usd_per_end", "lowest-power": "power_w_per_end", "most-reliable": "fit_per_link"}


@dataclass(frozen=True)
class TechTable:
    """Technologies at one rate as arrays of shape ``(technologies,)``.

    ``kind`` is ``copper``, ``optical`` (laser based) or ``mosaic`` (microLED). ``fit_per_link``
    counts both ends (and the cable). ``cost_usd_per_end`` is NaN where nothing is published.
    """

    technology: tuple[str, ...]
    kind: tuple[str, ...]
    rate_gbps: float
    power_w_per_end: np.ndarray
    reach_m: np.ndarray
    fit_per_link: np.ndarray
    cost_usd_per_end: np.ndarray

    def __post_init__(self) -> None:
        for kind in self.kind:
            if kind not in KINDS:
                raise ConfigError(f"technology kind = {kind!r}: must be one of {', '.join(KINDS)}")

    def index(self, technology: str) -> int:
        """Position of a technology key."""
        try:
            return self.technology.index(technology)
        except ValueError:
            raise ConfigError(
                f"technology = {technology!r}: not in the catalog at {self.rate_gbps:g} Gb/s "
                f"(have {', '.join(self.technology)})"
            ) from None

    def subset(self, technologies: Sequence[str] | None) -> TechTable:
        """Only the named technologies (``None``: all), in the given order."""
        if technologies is None:
            return self
        idx = np.array([self.index(t) for t in technologies], dtype=np.int64)
        return TechTable(
            technology=tuple(self.technology[i] for i in idx),
            kind=tuple(self.kind[i] for i in idx),
            rate_gbps=self.rate_gbps,
            power_w_per_end=self.power_w_per_end[idx],
            reach_m=self.reach_m[idx],
            fit_per_link=self.fit_per_link[idx],
            cost_usd_per_end=self.cost_usd_per_end[idx],
        )


def tech_table(rows: Iterable[dict], rate_gbps: float) -> TechTable:
    """Build a :class:`TechTable` from rows with keys ``technology, kind, power_w_per_end, reach_m,
    fit_per_link, cost_usd_per_end`` (see :func:`mosaiclink.cluster.catalog_link.cluster_techs`)."""
    rows = list(rows)
    if not rows:
        raise ConfigError(f"rate = {rate_gbps:g} Gb/s: the catalog has no technology at this rate")
    return TechTable(
        technology=tuple(r["technology"] for r in rows),
        kind=tuple(r["kind"] for r in rows),
        rate_gbps=rate_gbps,
        power_w_per_end=np.array([r["power_w_per_end"] for r in rows], dtype=float),
        reach_m=np.array([r["reach_m"] for r in rows], dtype=float),
        fit_per_link=np.array([r["fit_per_link"] for r in rows], dtype=float),
        cost_usd_per_end=np.array(
            [np.nan if r["cost_usd_per_end"] is None else r["cost_usd_per_end"] for r in rows], dtype=float
        ),
    )


def assign(length_m: np.ndarray, table: TechTable, policy: str) -> np.ndarray:
    """Index into ``table`` of the technology each link gets: shape of ``length_m``.

    Notes
    -----
    Feasible: ``reach_m >= length``. Among feasible technologies the policy minimises cost per
    end (``cheapest``), power per end (``lowest-power``) or link FIT (``most-reliable``); ties
    and unpublished figures (NaN, ranked last) fall back to lower power, then lower FIT.
    Raises :class:`ModelRangeError` if some link is longer than every allowed technology reaches.
    """
    if policy not in POLICY_KEYS:
        raise ConfigError(f"policy = {policy!r}: must be one of {', '.join(POLICY_KEYS)}")
    primary = getattr(table, POLICY_KEYS[policy])
    # Lexicographic key: primary, then power, then FIT, as one float rank per technology.
    order = np.lexsort((table.fit_per_link, table.power_w_per_end, np.where(np.isnan(primary), np.inf, primary)))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    length_m = np.asarray(length_m, dtype=float)
    feasible = table.reach_m[None, :] >= length_m[:, None]
    scored = np.where(feasible, rank[None, :], len(order))
    choice = np.argmin(scored, axis=1)
    bad = ~feasible[np.arange(len(length_m)), choice]
    if bad.any():
        raise ModelRangeError(
            f"link length = {length_m[bad].max():.1f} m: beyond the reach of every allowed technology "
            f"({', '.join(table.technology)}; longest reach {table.reach_m.max():g} m)"
        )
    return choice
