r"""The population-aware fast path: what ``mosaic link`` headlines, for many designs at once.

``mosaic link`` (:func:`mosaiclink.physics.link.evaluate_link`) judges a design by its array of
channels with their seeded manufacturing spread: the median channel's BER, the channels meeting
the target, the worst data channel still in service after the spares, and the reaches of the
median channel and of every data channel. :func:`population_columns` returns the same numbers
for a batch of designs in one array pass, from the same variation draw (seed 0, the CLI's
default) and the same channel chain (:class:`mosaiclink.physics.chain.Chain`).

Notes
-----
*Reference ranking.* For a group of designs sharing the array and the variation spec (so the
same seeded draw, :func:`mosaiclink.physics.array.design_variation`), the full per-channel model
of one reference design of the group orders the live channels from best to worst
(statistical-eye BER, ties by the Gaussian Q); dead channels come last with BER 1/2 in both
models. The order is set by each channel's own draw (efficiency, responsivity, bandwidth,
misalignment, edge position) and changes little across designs.

*Anchors.* Each design of the group evaluates, exactly, :data:`ANCHORS` channels of that
order (the best, the live worst, the median pair, the worst data channel in service and a few
quantiles), as one batch of chain rows. Their Q values (:math:`Q = -\Phi^{-1}(\mathrm{BER})`)
are sorted, placed at their ranks and interpolated linearly in rank over all live channels;
the median, the count meeting the target and the worst in service are read from that profile.
An anchor at the median pair and at the worst in service makes those columns exact when the
design orders its channels as the reference does; elsewhere the error is the reordering. The
agreement with ``mosaic link`` is measured in ``tests/physics/test_population.py`` and recorded
in docs/models.md ("Population fast path").

*Criterion.* A channel meets when its budget margin is at least 0 dB: the target BER with the
implementation reserve (``physics.budget.budget_margin_db``, ``physics.reach.margin_log10_ber``),
the one pass criterion of ``mosaic link``.

*Reaches.* ``reach_median_m`` and ``reach_all_m`` are the longest lengths at which the median
profile value, respectively the worst data channel in service, meets it: the one reach
solver (``physics.reach.solve_reach_m``) on the anchors' profile at each trial length.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy.special import ndtri

from mosaiclink.config.design import MosaicDesign
from mosaiclink.physics import ber
from mosaiclink.physics.chain import Chain, ChannelDraw, take_rows
from mosaiclink.physics.reach import margin_log10_ber, solve_reach_m

SEED = 0  # the draw `mosaic link` uses by default
QUANTILES = (
    0.03,
    0.1,
    0.25,
    0.4,
    0.6,
    0.75,
    0.9,
    0.97,
)  # profile anchors besides the ends, the median and the in-service rank


@dataclass(frozen=True)
class Population:
    """The ranked channels of one group of designs (same array, same variation spec)."""

    channels: int
    data_channels: int
    live: int  # live channels; ranks 0..live-1 are live, best first
    anchor_ranks: np.ndarray  # (R,) ranks among the live channels, increasing
    anchors: ChannelDraw  # (R,) the anchor channels' draws, in anchor_ranks order

    @property
    def size(self) -> int:
        return int(self.anchor_ranks.size)


def _anchor_ranks(live: int, channels: int, data_channels: int) -> np.ndarray:
    ranks = {0, live - 1}
    for middle in ((channels - 1) // 2, channels // 2):  # np.median's pair (one rank when odd)
        ranks.add(min(middle, live - 1))
    ranks.add(min(data_channels - 1, live - 1))
    ranks.update(int(round(q * (live - 1))) for q in QUANTILES)
    return np.array(sorted(r for r in ranks if r >= 0))


LENGTH_BIN = 1.25  # designs rank their channels by a reference within this length ratio of their own


def reference_length_m(length_m) -> np.ndarray:
    """The reference length of a design's ranking: its length rounded to a power of ``LENGTH_BIN``."""
    return LENGTH_BIN ** np.round(np.log(np.asarray(length_m, dtype=float)) / np.log(LENGTH_BIN))


def population(reference: MosaicDesign, seed: int = SEED) -> Population:
    """Rank the channels of ``reference``'s array by the full model at ``reference`` (module Notes)."""
    return _population(reference.model_dump_json(), seed)


@lru_cache(maxsize=32)
def _population(reference_json: str, seed: int) -> Population:
    from mosaiclink.physics.array import design_variation
    from mosaiclink.physics.link import analyse
    from mosaiclink.physics.pulse import chain

    design = MosaicDesign.model_validate_json(reference_json)
    variation = design_variation(design, seed)
    report = analyse(design, chain(design, variation))
    live_index = np.flatnonzero(~variation.dead)
    order = live_index[np.lexsort((-report.q[live_index], report.log10_ber_stateye[live_index]))]
    channels, data = design.array.total_channels, design.array.data_channels
    ranks = _anchor_ranks(order.size, channels, data) if order.size else np.zeros(0, dtype=np.int64)
    anchors = ChannelDraw.of_channels(design.array, variation, order[ranks])
    return Population(channels, data, int(order.size), ranks, anchors)


@dataclass(frozen=True)
class Profile:
    """Q of every rank of a population for each design (designs, live), best first."""

    q: np.ndarray
    population: Population

    def rank_log10_ber(self, rank: int) -> np.ndarray:
        """log10 BER of the channel at ``rank`` over all channels (dead ones last, BER 1/2)."""
        if rank >= self.population.live:
            return np.full(self.q.shape[0], ber.LOG10_HALF)
        return ber.floored_log10_ber(ber.log10_ber_from_q(self.q[:, rank]))

    def median_log10_ber(self) -> np.ndarray:
        """np.median of the log10 BER over every channel (the pair's mean when the count is even)."""
        n = self.population.channels
        return 0.5 * (self.rank_log10_ber((n - 1) // 2) + self.rank_log10_ber(n // 2))

    def worst_in_service_log10_ber(self) -> np.ndarray:
        """The ``data_channels``-th best channel's log10 BER (spares replace the worse ones)."""
        return self.rank_log10_ber(self.population.data_channels - 1)

    def channels_meeting(self, q_target: np.ndarray) -> np.ndarray:
        return np.count_nonzero(self.q >= np.asarray(q_target)[:, None], axis=1)


def profile(chain: Chain, pop: Population, length_m) -> Profile:
    """The population's Q profile from its anchor rows' exact chain (designs x anchors rows, design-major)."""
    designs = chain.rows // max(pop.size, 1)
    if pop.live == 0:
        return Profile(np.zeros((designs, 0)), pop)
    q = ber.q_from_log10_ber(chain.log10_ber(length_m)).reshape(designs, pop.size)
    q = -np.sort(-q, axis=1)  # the design's own order of the anchors
    hi = np.clip(np.searchsorted(pop.anchor_ranks, np.arange(pop.live)), 1, max(pop.size - 1, 1))
    lo = hi - 1
    if pop.size == 1:
        return Profile(np.repeat(q, pop.live, axis=1), pop)
    z = ndtri((np.arange(pop.live) + 0.5) / pop.live)  # Q is near-linear in the normal score of the rank
    span = z[pop.anchor_ranks[hi]] - z[pop.anchor_ranks[lo]]
    w = (z - z[pop.anchor_ranks[lo]]) / np.where(span > 0, span, 1.0)
    return Profile(q[:, lo] * (1.0 - w) + q[:, hi] * w, pop)


def population_columns(
    design: Any,
    designs: int,
    pop: Population,
    length_m,
    reach_range_m: tuple[float, float] | None = (0.1, 1000.0),
    reach_steps: int = 9,
) -> dict[str, np.ndarray]:
    """The population columns of ``designs`` designs (one group): designs in, columns out.

    Parameters
    ----------
    design : a design batch (array leaves of length ``designs``) or a spec (one design)
    pop : the group's :func:`population`
    length_m : (designs,) fibre lengths at which the BER columns are judged
    reach_range_m : the reach search's range; None skips the two reaches

    Returns
    -------
    ``log10_ber_median``, ``ber_median``, ``channels_meeting``, ``channels_data``,
    ``channels_total``, ``log10_ber_worst_in_service`` and (with ``reach_range_m``)
    ``reach_median_m`` and ``reach_all_m``, each of shape (designs,).
    """
    index = np.repeat(np.arange(designs), pop.size)
    chain = Chain.batched(take_rows(design, index), pop.anchors.take(np.tile(np.arange(pop.size), designs)))
    # the one pass criterion: budget margin >= 0 dB, the implementation reserve included
    penalty_db = np.broadcast_to(np.asarray(design.receiver.implementation_penalty_db, dtype=float), (designs,))
    target = np.broadcast_to(np.asarray(design.link.target_ber, dtype=float), (designs,))
    q_target = ber.q_from_log10_ber(margin_log10_ber(target, penalty_db))
    length_m = np.broadcast_to(np.asarray(length_m, dtype=float), (designs,))
    prof = profile(chain, pop, np.repeat(length_m, pop.size))
    median = prof.median_log10_ber()
    out = {
        "log10_ber_median": median,
        "ber_median": 10.0**median,
        "channels_meeting": prof.channels_meeting(q_target).astype(float),
        "channels_data": np.full(designs, float(pop.data_channels)),
        "channels_total": np.full(designs, float(pop.channels)),
        "log10_ber_worst_in_service": prof.worst_in_service_log10_ber(),
    }
    if reach_range_m is not None:
        lo, hi = reach_range_m

        def excess(statistic: Callable[[Profile], np.ndarray]):
            def at(lengths_m: np.ndarray) -> np.ndarray:
                p = profile(chain, pop, np.repeat(lengths_m, pop.size))
                return q_target - ber.q_from_log10_ber(statistic(p))

            return at

        for name, statistic in (
            ("reach_median_m", Profile.median_log10_ber),
            ("reach_all_m", Profile.worst_in_service_log10_ber),
        ):
            out[name] = solve_reach_m(excess(statistic), lo, hi, size=designs, max_steps=reach_steps)
    return out
