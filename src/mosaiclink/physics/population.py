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
same seeded draw, :func:`mosaiclink.physics.array.design_variation`), every channel of one
reference design of the group (:meth:`Chain.per_channel`, the full model's stages) orders the
live channels from best to worst (statistical-eye BER, ties by the Gaussian Q); dead channels
come last with BER 1/2 in both paths. An array that does not fit the fibre is ranked too (the
fast path flags it ``fits_fibre = 0``; the full model refuses it). The order is set by each
channel's own draw (efficiency, responsivity, bandwidth, misalignment, edge position) and
shifts with the design's regime (noise-, bandwidth- or crosstalk-limited): the reference fixes
which channels are anchors and what is known of each channel, the regression below follows the
design's own order.

*Anchors.* Each design of the group evaluates, exactly, a fixed set of channels of that order
(the best, the live worst, the median pair, the worst data channel in service and the
:data:`QUANTILES`), as one batch of chain rows, giving their
:math:`Q = -\Phi^{-1}(\mathrm{BER})`; in stages (below), so that a design far from everything
the acceptance bounds stops after a few.

*Regression.* Every other live channel's Q in the design is regressed on what the reference
knows of it, per design by least squares through the anchors:
:math:`Q_i \approx c_0 + c_1 Q^{\mathrm{ref}}_i + c_2 u_i + c_3 u_i^2 + c_4 \ln s_i
+ c_5 Q^{\mathrm{G}}_i + c_6 x_i + c_7 u_i \ln s_i`, with :math:`Q^{\mathrm{ref}}_i` the
channel's Q in the reference, :math:`u_i` the log of its photocurrent swing there (its share of
the light: efficiency, responsivity, capture), :math:`s_i` its drawn LED rate scale (its
bandwidth), :math:`Q^{\mathrm{G}}_i` its Gaussian Q in the reference (ISI and crosstalk taken as
noise: how much of its eye closure is bounded interference rather than noise) and :math:`x_i`
its summed crosstalk ratio (its neighbours' light over its own). The reference Q alone carries
the reference's regime; a design in another regime weighs the channel's light, bandwidth and
interference differently (thermal-noise-limited Q grows with the swing, a RIN-limited one does
not: the quadratic in :math:`u` spans both; a faster line rate closes the eye of a slow LED
more: the product :math:`u \ln s`; a design whose eye is closed more by crosstalk or ISI than
its reference's: :math:`Q^{\mathrm{G}}` and :math:`x`), which the per-design coefficients
capture. The features are the reference's, so the map from the anchors' Q to every channel's Q
is one fixed (live, R) matrix per group (:attr:`Population.predict`, the anchors returning their
own exact value). That map takes the first :data:`ANCHOR_FIT` regressors and serves the reaches'
trial lengths: there, through the anchors alone (13 for the 800G array), all eight extrapolate
poorly to lengths far from the reference's (every data channel's reach of one seed-12 hypercube
design 1.95 % short of the full model's, +0.59 % with five). At the design's own length, near
the reference's, all eight are fitted (below). Fitted through every channel instead of the
anchors (the best these regressors can do), on the acceptance test's hypercubes of seeds 12 and 13
(designs with >= 20 channels within 0.1 of the target), the eight leave an rms of 0.002 in Q
there (median over the designs; 0.005 at most), the first five alone 0.006-0.009 (0.021).

*Local anchors.* The count of channels meeting the target is decided where the population
crosses the target, often a dense part of it (up to 116 of the 800G's 460 channels within 0.1
in Q), so a residual of 0.01 in Q there moves several channels. At each design's own length,
:data:`LOCAL_ANCHORS` channels whose fitted Q lies within :data:`LOCAL_BAND_Q` of the target
(evenly spaced in the reference's order; :func:`local_ranks`) are evaluated exactly too, and the
regression, all eight regressors, is re-fitted per design through the anchors and these
(:func:`refined_profile`; through the anchors alone where no channel is that near): the fit is
then held where the count is read, and the median, the count and the worst data channel in
service at that length come from the re-fitted channels. (The five regressors there instead,
where a design has no local anchor: the median 0.087 decade off at most on seeds 11-13 instead of
0.119, but 0.068-0.084 instead of 0.037-0.044 on seeds 14-16, and 8.8 decades instead of 4.0 at
the posterior draws of docs/models.md.)
The reaches' trial lengths use the anchors' fit alone (:attr:`Population.predict`). Exact
probes alone, shifting the fit by their mean residual, were erratic (a probe's own residual moved
tens of channels where the profile is flat); in the re-fit each probe is one more point of the
same model.

*Stages.* The anchors are evaluated in three stages (:data:`STAGE_QUANTILES`), each as one batch
of chain rows over every group. Stage 0, for every design: the best, the live worst, one of the
median pair, the worst data channel in service and the quantile 0.75 (5 for the 800G array),
fitted with the first :data:`STAGE_FIT` regressors of stage 0 (three: 1, the reference's Q and the
log swing); stage 1, for the designs stage 0 did not settle: the median pair's other and the
quantiles 0.25 and 0.97 (8 anchors), fitted with the first :data:`ANCHOR_FIT`. At either, a design
is settled (:func:`settled`) when every live channel's fitted Q is :data:`FAR_Q` plus
:data:`HOLDOUT_FACTOR` times the fit's *holdout error* or more from the target's (no channel near
enough for the count or the verdict to change) and its median is where that fit is measured to
hold, a BER above 1e-3 with a holdout error of at most :data:`AWFUL_HOLDOUT_Q` (0.05 in Q at stage
0, whose two spare anchors check less; 0.1 at stage 1: 0.017 decade at most from ``mosaic link``
on the 223 such designs of hypercube seeds 11-16; 0.007 with eight anchors at stage 0; every
anchor: 0.006), or outside the acceptance bound, a median and a worst
data channel in service both below 1e-15 by 0.5 in Q (on the 546 designs of seeds 11-16 with a
median below 1e-30, within 15 % of the exponent, the worst in service 28 %; with eight anchors at
stage 0: 14 % and 18 %; every anchor with the re-fit: 14 % and 21 %). The holdout error is the largest
leave-one-out error of the fit at its anchors (:func:`holdout_errors`: each anchor's Q against
the fit through the others, from the hat matrix at no extra chain row): the fit's residual at its
own anchors is no check (8 points, 5 coefficients: below 0.02 in Q where the median is 0.3 decade
off), but how well the anchors predict each other is, and it is large exactly where the design's
order or regime departs from the reference's (session 13; docs/models.md). Stage 2, for the
other designs: the quantiles 0.03, 0.1, 0.4, 0.6 and 0.9, then the local anchors and the re-fit
above: exactly the numbers of all 13 anchors. A stage settles nothing through fewer than
:data:`SETTLE_SPARE_ANCHORS` anchors beyond its regressors, nor on an array of no more live
channels than anchors (every channel is exact at the last stage): five anchors at stage 0,
interpolated by five regressors, left the prototype's median 1.2 decades off at 33-39 m, and
six on a random 1 x 7 array with 3 spares (9 live channels) miscounted one channel. On seeds
11-16 (1,200 designs) stage 0 settles 738 and stage 1 101 more (827 when stage 0 had the eight);
on the benchmark's Latin hypercube 56 % and 14 %: 8.3 exact chain rows per design (10.0 with
eight anchors at stage 0, 13.45 without stages), the own references' 0.56 besides. Five anchors
through three regressors at stage 0 (session 17) left every bounded figure of seeds 11-16 as it
was (docs/models.md): they move only settled designs' medians, by the figures above. The reach
search evaluates every anchor at its trial
lengths; it builds all the anchors' chain rows first, and the stages take theirs from them
(:meth:`ExactRows.take`): the same numbers with or without the reaches (to rounding).

*Own reference.* A group's reference is its design with the group's array and variation: a design
whose own physics orders the channels otherwise (a posterior draw varies many physics inputs at
once) is fitted in the wrong order, which no anchor of that order repairs. The last stage's re-fit
measures it: its holdout error, the largest leave-one-out error at its points (:func:`refined_profiles`).
Where it is above :data:`REFERENCE_HOLDOUT_Q` and the acceptance bounds the design
(:func:`reference_fails`), the design is ranked by itself (:func:`own_references`): every channel
of its array exactly at its own length, in batches of chain rows (:data:`OWN_REFERENCE_ROWS`), is its
profile there and orders its channels for its reach search. At the shipped posteriors' check draws
0.21 decade at most from ``mosaic link`` (on the group's reference: 7.75); on the acceptance's
hypercubes no design is flagged, on the benchmark's 5 of 4,096 (docs/models.md, step 7).

The design's channels are then sorted: the median, the count meeting the target and the worst
data channel in service are read from them. A quadratic profile in the normal score of the
reference rank (session 4) missed by 0.61 decade and 11 % of the array on random designs in
another regime than their reference; the agreement with ``mosaic link`` is measured in
``tests/explore/test_fast_vs_full.py`` and recorded in docs/models.md ("Population fast path").

*Criterion.* A channel meets when its budget margin is at least 0 dB: the target BER with the
implementation reserve (``physics.budget.budget_margin_db``, ``physics.reach.margin_log10_ber``),
the one pass criterion of ``mosaic link``.

*Reaches.* ``reach_median_m`` and ``reach_all_m`` are the longest lengths at which the median
channel, respectively the worst data channel in service, meets it: the one reach
solver (``physics.reach.solve_reach_m``) on the regressed channels at each trial length.

Examples
--------
>>> import numpy as np
>>> from mosaiclink.config.presets import load_preset
>>> from mosaiclink.physics.population import population, population_columns
>>> design = load_preset("mosaic-prototype")  # 100 channels, 20 m
>>> columns = population_columns(design, [(population(design), np.arange(1))], [20.0], reach_range_m=None)
>>> round(float(columns["log10_ber_median"][0]), 2)  # the median channel (mosaic link: -13.24)
-13.24
>>> round(float(columns["log10_ber_worst_in_service"][0]), 2)  # the worst channel (mosaic link: -1.84)
-1.84
>>> int(columns["channels_meeting"][0])  # mosaic link: 94
94
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.physics import ber
from mosaiclink.physics.array import ChannelVariation, design_variation
from mosaiclink.physics.chain import Chain, ChannelDraw, DesignStages, take_rows
from mosaiclink.physics.reach import (
    FAST_REACH_BISECTIONS,
    FAST_REACH_STEPS,
    log_q_excess,
    margin_log10_ber,
    solve_reach_m,
)

SEED = 0  # the draw `mosaic link` uses by default
STAGE_QUANTILES = (
    (0.75,),  # stage 0, with the ends, one of the median pair and the in-service rank
    (0.25, 0.97),  # stage 1, with the median pair's other
    (0.03, 0.1, 0.4, 0.6, 0.9),  # stage 2, then the local anchors and the re-fit
)  # the profile anchors besides the ends, the median and the in-service rank, by stage (module Notes)
QUANTILES = tuple(sorted(q for stage in STAGE_QUANTILES for q in stage))


@dataclass(frozen=True)
class Population:
    """The ranked channels of one group of designs (same array, same variation spec)."""

    channels: int
    data_channels: int
    live: int  # live channels; ranks 0..live-1 are live, best first
    anchor_ranks: np.ndarray  # (R,) ranks among the live channels, increasing
    anchor_stage: np.ndarray  # (R,) the stage each anchor is evaluated in (module Notes, "Stages")
    anchors: ChannelDraw  # (R,) the anchor channels' draws, in anchor_ranks order
    features: np.ndarray  # (live, 8) every live channel's regressors (module Notes, "Regression")
    predict: np.ndarray  # (live, R): anchors' Q -> every live channel's Q, the first ANCHOR_FIT regressors
    stage_predict: tuple[np.ndarray, ...]  # per stage k: (live, anchors of stages <= k), as predict
    stage_holdout: tuple[np.ndarray, ...]  # per stage k: (its anchors, its anchors): their Q -> leave-one-out errors
    array: Any  # the reference's array and its drawn variation: the draws of the local anchors
    variation: ChannelVariation
    order: np.ndarray  # (live,) the channel index of each rank

    @property
    def size(self) -> int:
        return int(self.anchor_ranks.size)

    @cached_property
    def read_ranks(self) -> np.ndarray:
        """The live ranks a :class:`Profile` reads: the median pair and the worst data channel in service."""
        ranks = {(self.channels - 1) // 2, self.channels // 2, self.data_channels - 1}
        return np.array(sorted(r for r in ranks if 0 <= r < self.live), dtype=np.int64)

    @cached_property
    def ranked_draws(self) -> ChannelDraw:
        """Every live channel's draw (with its real neighbours) in rank order, built once (each call's
        local anchors take theirs)."""
        return ChannelDraw.of_channels(self.array, self.variation, self.order)

    @cached_property
    def every_draw(self) -> ChannelDraw:
        """Every channel's draw in channel order (with its real neighbours), built once (the own
        references take theirs)."""
        return ChannelDraw.of_channels(self.array, self.variation)


def _anchor_ranks(live: int, channels: int, data_channels: int) -> tuple[np.ndarray, np.ndarray]:
    """The anchors' ranks (R,), increasing, and the stage of each (R,): its earliest stage."""
    first = {0, live - 1, min((channels - 1) // 2, live - 1), min(data_channels - 1, live - 1)}
    stage = dict.fromkeys(first, 0)
    stage.setdefault(min(channels // 2, live - 1), 1)  # np.median's pair's other (the same rank when odd)
    for k, quantiles in enumerate(STAGE_QUANTILES):
        for q in quantiles:
            stage.setdefault(int(round(q * (live - 1))), k)
    ranks = np.array(sorted(r for r in stage if r >= 0), dtype=np.int64)
    return ranks, np.array([stage[r] for r in ranks], dtype=np.int64)


ANCHOR_FIT = 5  # regressors of the anchors' fit (every length); the re-fit with the local anchors takes all 8
STAGE_FIT = (3, ANCHOR_FIT)  # regressors of each settling stage's fit (module Notes, "Stages")
LENGTH_BIN = 1.25  # designs rank their channels by a reference within this length ratio of their own


def reference_length_m(length_m) -> np.ndarray:
    """The reference length of a design's ranking: its length rounded to a power of ``LENGTH_BIN``
    (0 m, a link of no fibre, is its own: log 0 = -inf, LENGTH_BIN^-inf = 0)."""
    with np.errstate(divide="ignore"):
        return LENGTH_BIN ** np.round(np.log(np.asarray(length_m, dtype=float)) / np.log(LENGTH_BIN))


def population(reference: MosaicDesign, seed: int = SEED) -> Population:
    """Rank the channels of ``reference``'s array by its per-channel chain at ``reference`` (module Notes)."""
    return _population(reference.model_dump_json(), seed)


@lru_cache(maxsize=1024)
def _population(reference_json: str, seed: int) -> Population:
    design = MosaicDesign.model_validate_json(reference_json)
    variation = design_variation(design, seed)
    chain = Chain.per_channel(design, variation)
    stages = chain.at_length(design.link.length_m)
    return ranked_population(
        design.array, variation, design.array.total_channels, design.array.data_channels,
        EveryChannel.of(chain, stages), chain.draw,
    )  # fmt: skip


@dataclass(frozen=True)
class EveryChannel:
    """Every channel of one array evaluated exactly at one length (channels,), in channel index order:
    what the ranking and the regressors read (module Notes, "Reference ranking" and "Regression")."""

    log10_ber: np.ndarray
    q_gaussian: np.ndarray
    swing_a: np.ndarray  # photocurrent swing
    rate_scale: np.ndarray  # drawn LED rate scale
    crosstalk_ratio: np.ndarray  # summed over the aggressors

    @classmethod
    def of(cls, chain: Chain, stages: Any) -> EveryChannel:
        """From ``chain``'s rows and its ``stages`` at one length (:meth:`Chain.at_length`)."""
        decision = chain.decision(stages)
        return cls(
            decision.log10_ber, decision.q_gaussian, stages.current_1_a - stages.current_0_a,
            chain.draw.rate_scale, stages.xt_ratio.sum(axis=1),
        )  # fmt: skip

    def rows(self, part: slice) -> EveryChannel:
        return EveryChannel(*(getattr(self, f)[part] for f in self.__dataclass_fields__))


def ranked_population(
    array: Any, variation: ChannelVariation, channels: int, data: int, every: EveryChannel, draw: ChannelDraw
) -> Population:
    """The :class:`Population` of an array whose every channel was evaluated at the reference (``every``;
    ``draw``: every channel's, :meth:`ChannelDraw.of_channels`): its live channels ranked best first,
    the anchors, the regressors and the fixed maps."""
    live_index = np.flatnonzero(~variation.dead)
    log10_ber, q = every.log10_ber[live_index], every.q_gaussian[live_index]
    order = live_index[np.lexsort((-q, log10_ber))]
    none = np.zeros(0, dtype=np.int64)
    ranks, stage = _anchor_ranks(order.size, channels, data) if order.size else (none, none)
    anchors = draw.take(order[ranks])
    features = channel_features(
        ber.q_from_log10_ber(every.log10_ber[order]),
        every.swing_a[order],
        every.rate_scale[order],
        every.q_gaussian[order],
        every.crosstalk_ratio[order],
    )
    settling = range(len(STAGE_QUANTILES) - 1)
    return Population(
        channels, data, int(order.size), ranks, stage, anchors, features, regression(features[:, :ANCHOR_FIT], ranks),
        tuple(regression(features[:, : STAGE_FIT[k]], ranks[stage <= k]) for k in settling),
        tuple(holdout_errors(features[:, : STAGE_FIT[k]], ranks[stage <= k]) for k in settling),
        array, variation, order,
    )  # fmt: skip


def channel_features(
    q_reference: np.ndarray,
    swing_a: np.ndarray,
    rate_scale: np.ndarray,
    q_gaussian: np.ndarray,
    crosstalk_ratio: np.ndarray,
) -> np.ndarray:
    """The regressors of each live channel's Q (live, 8), all from the reference design: 1, its Q,
    its log photocurrent swing and that squared, its log LED rate scale, its Gaussian Q (ISI and
    crosstalk as noise), its summed crosstalk ratio and the product of swing and rate scale
    (module Notes, "Regression"), each standardised over the channels (conditioning only)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        log_swing = np.log(np.maximum(swing_a, 1e-300))
        columns = [q_reference, log_swing, np.log(rate_scale), q_gaussian, crosstalk_ratio]
    q, u, s, g, x = (_standardised(c) for c in columns)
    # u^2 of the standardised swing: the same span with 1 and u as the raw square, which is u's twin
    # (correlation -0.99998 on the 800G array: a condition number of 8,300 through its anchors, 520 so)
    return np.column_stack([np.ones(q.size), q, u, _standardised(u**2), s, g, x, u * s])


def _standardised(column: np.ndarray) -> np.ndarray:
    """``column`` centred and scaled over its finite entries; a non-finite entry (a channel with no
    light: 0/0 swing) sits at the mean, so the least squares stays defined (its Q is the anchors' fit)."""
    finite = np.isfinite(column)
    if not finite.any():
        return np.zeros(column.shape)
    mean, std = column[finite].mean(), column[finite].std()
    return np.where(finite, (column - mean) / (std if std > 0 and np.isfinite(std) else 1.0), 0.0)


def regression(features: np.ndarray, anchor_ranks: np.ndarray) -> np.ndarray:
    """The linear map (live, R) from the anchors' exact Q to every live channel's Q: the least-squares
    fit of the anchors' Q on their ``features`` (minimum norm when fewer anchors than regressors),
    evaluated at every channel's features; the anchors' own rows return their exact values."""
    if anchor_ranks.size == 0:
        return np.zeros((features.shape[0], 0))
    out = features @ np.linalg.pinv(features[anchor_ranks])
    out[anchor_ranks] = np.eye(anchor_ranks.size)
    return out


def holdout_errors(features: np.ndarray, anchor_ranks: np.ndarray) -> np.ndarray:
    """The linear map (R, R) from the anchors' exact Q to each anchor's leave-one-out error: its Q
    minus the fit through the others, :math:`e_i / (1 - h_{ii})` with :math:`e = (I - H) q` the
    residuals and :math:`H = X X^+` the hat matrix of the anchors' ``features`` (Hastie, Tibshirani
    & Friedman, *The Elements of Statistical Learning*, 2009, eq. 7.52). An anchor the others
    cannot predict at all (leverage 1: no other anchor spans its features) gets a NaN row (its error
    is unbounded: :func:`holdout_error`)."""
    if anchor_ranks.size == 0:
        return np.zeros((0, 0))
    x = features[anchor_ranks]
    hat = x @ np.linalg.pinv(x)
    spare = 1.0 - np.diag(hat)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (np.eye(anchor_ranks.size) - hat) / spare[:, None]
    return np.where(spare[:, None] > LEVERAGE_TOLERANCE, out, np.nan)  # NaN: read as an infinite error


LEVERAGE_TOLERANCE = 1e-9  # 1 - h_ii below this: the anchor is fitted exactly whatever its Q


def holdout_error(q_known: np.ndarray, holdout: np.ndarray) -> np.ndarray:
    """The largest leave-one-out error of each design's fit (designs,) from its anchors' Q (designs, R)
    and :func:`holdout_errors`' map; infinite where an anchor cannot be predicted by the others."""
    errors = np.abs(q_known @ holdout.T)
    return np.max(np.where(np.isnan(errors), np.inf, errors), axis=1, initial=0.0)


@dataclass(frozen=True)
class Profile:
    """Q of every rank of a population for each design (designs, live), best first: each live
    channel's regressed Q (the anchors' exact), in the design's own order (:func:`ranked`); the profile
    reads the ranks :attr:`Population.read_ranks`."""

    q: np.ndarray
    population: Population

    def rank_log10_ber(self, rank: int) -> np.ndarray:
        """log10 BER of the profile at ``rank`` over all channels (dead ones last, BER 1/2)."""
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


Group = tuple[Population, np.ndarray]  # a population and its designs (row indices into the batch)


@dataclass(frozen=True)
class ExactRows:
    """Chain rows of several groups' channels evaluated as one batch: part ``i`` holds the channels
    ``draws[i]`` of the designs ``rows[i]`` of the batch. A chain row depends on its own design and
    draw alone, so the batch returns what each part would alone (to rounding: the symbol samples'
    BLAS product sums a row in an order that depends on its place in the batch), with one call's
    overhead and the LED pulses of channels the parts share integrated once (``Chain.batched``)."""

    chain: Chain | None  # None: no row
    rows: np.ndarray  # (chain rows,) the design row of each chain row
    sizes: np.ndarray  # (parts,) chain rows of each part

    @classmethod
    def of(
        cls,
        design: Any,
        rows: list[np.ndarray],
        draws: list[tuple[ChannelDraw, np.ndarray]],
        stages: DesignStages | None = None,
    ) -> ExactRows:
        """The channels ``draws[i]`` (a draw and its rows to take) of the designs ``rows[i]``;
        ``stages``: the batch's design-only stages (:class:`DesignStages`, one row per design), taken
        instead of computed again."""
        index = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        sizes = np.array([r.size for r in rows], dtype=np.int64)
        if index.size == 0:
            return cls(None, index, sizes)
        taken = None if stages is None else stages.take(index)
        return cls(Chain.batched(take_rows(design, index), ChannelDraw.gathered(draws), taken), index, sizes)

    def take(self, index: list[np.ndarray]) -> ExactRows:
        """The chain rows ``index[i]`` (indices into this batch) as part ``i``: the same rows, no new
        chain construction (a chain row depends on its own design and draw alone)."""
        flat = np.concatenate(index) if index else np.zeros(0, dtype=np.int64)
        sizes = np.array([i.size for i in index], dtype=np.int64)
        if flat.size == 0 or self.chain is None:
            return ExactRows(None, flat, sizes)
        return ExactRows(self.chain.take(flat), self.rows[flat], sizes)

    def q(self, length_m: np.ndarray) -> list[np.ndarray]:
        """Each part's exact Q (its chain rows,) with every design at its ``length_m`` (designs,)."""
        if self.chain is None:
            return [np.zeros(0) for _ in self.sizes]
        return np.split(ber.q_from_log10_ber(self.chain.log10_ber(length_m[self.rows])), np.cumsum(self.sizes)[:-1])


def anchor_rows(design: Any, groups: list[Group], stages: DesignStages | None = None) -> ExactRows:
    """The anchors of every group's designs as one batch of chain rows (design-major in each group)."""
    return ExactRows.of(
        design,
        [np.repeat(members, pop.size) for pop, members in groups],
        [(pop.anchors, np.tile(np.arange(pop.size), members.size)) for pop, members in groups],
        stages,
    )


def anchor_q(anchors: ExactRows, groups: list[Group], length_m: np.ndarray) -> list[np.ndarray]:
    """Each group's anchors' exact Q (its designs, R) with every design at its ``length_m`` (designs,)."""
    return [q.reshape(members.size, pop.size) for q, (pop, members) in zip(anchors.q(length_m), groups, strict=True)]


def profile(q_anchor: np.ndarray, pop: Population) -> Profile:
    """The population's Q profile from its anchors' exact Q (designs, R): the anchors' fit."""
    return ranked(q_anchor @ pop.predict.T, pop)


def ranked(q: np.ndarray, pop: Population) -> Profile:
    """The profile of every live channel's Q (designs, live), best first: each design's channels sorted.
    NumPy's sort (vectorised where the CPU allows) sorts a design's 457 channels in a third of the time
    ``np.partition`` took to place just the three ranks a profile reads (8 against 28 ms on the
    benchmark pass's 7,162 profiles); the values at those ranks are the same."""
    if pop.read_ranks.size == 0:
        return Profile(q, pop)
    if np.isnan(q).any():  # NaN last (the worst), as np.sort puts it last in ascending order
        return Profile(-np.sort(-q, axis=1), pop)
    return Profile(np.sort(q, axis=1)[:, ::-1], pop)  # ascending, read backwards (a view: no negated copies)


FAR_Q = 0.5  # stage 0 settles a design only if every live channel's fitted Q is this far from the target's
HOLDOUT_FACTOR = 2.0  # ... plus this many times the fit's largest leave-one-out error at its anchors,
AWFUL_LOG10_BER = -3.0  # ... and its fitted median's BER is above 1e-3
AWFUL_HOLDOUT_Q = (0.05, 0.1)  # ... with that leave-one-out error at most this (stage 0's fit, stage 1's),
DEEP_LOG10_BER = -15.0  # ... or its fitted median's and worst in service's BER below 1e-15
DEEP_MARGIN_Q = 0.5  # ... by this much in Q
SETTLE_SPARE_ANCHORS = 2  # ... and only through at least this many anchors more than the regressors


@lru_cache(maxsize=1)
def _deep_q() -> float:
    """The Q below whose BER the acceptance does not bound a design: :data:`DEEP_LOG10_BER`'s plus
    :data:`DEEP_MARGIN_Q` (computed once, not in every call of the stages)."""
    return float(ber.q_from_log10_ber(np.array(DEEP_LOG10_BER))) + DEEP_MARGIN_Q


def settled(stage: int, fitted: Profile, q_target: np.ndarray, holdout: np.ndarray) -> np.ndarray:
    """Which designs (designs,) the anchors' fit of ``stage`` settles (module Notes, "Stages"): every live
    channel :data:`FAR_Q` plus :data:`HOLDOUT_FACTOR` times the fit's ``holdout`` error (designs,),
    its largest leave-one-out error at its anchors (:func:`holdout_error`), from the target (the
    count and the verdict cannot change), and a median where the regression through those anchors
    is measured to hold (BER above :data:`AWFUL_LOG10_BER` with a holdout error of at most
    :data:`AWFUL_HOLDOUT_Q`) or that the acceptance does not bound (median and worst in service
    below :data:`DEEP_LOG10_BER`, by :data:`DEEP_MARGIN_Q`). Never the last stage, nor a stage with
    fewer than :data:`SETTLE_SPARE_ANCHORS` anchors beyond the regressors (with as many anchors as
    regressors the fit only interpolates them: nothing checks it), nor an array whose every live
    channel is an anchor of the last stage (exact there, at no more rows than the stages save)."""
    pop = fitted.population
    known = int(np.count_nonzero(pop.anchor_stage <= stage))
    if stage >= len(STAGE_QUANTILES) - 1 or known < STAGE_FIT[stage] + SETTLE_SPARE_ANCHORS or pop.live <= pop.size:
        return np.zeros(q_target.shape, dtype=bool)  # the last stage, a fit its anchors barely check, a small array
    distance = np.subtract(fitted.q, q_target[:, None])
    far = np.min(np.abs(distance, out=distance), axis=1, initial=np.inf) >= FAR_Q + HOLDOUT_FACTOR * holdout
    median = fitted.median_log10_ber()
    deepest = np.maximum(median, fitted.worst_in_service_log10_ber())
    awful = (median >= AWFUL_LOG10_BER) & (holdout <= AWFUL_HOLDOUT_Q[stage])
    return far & (awful | (ber.q_from_log10_ber(deepest) >= _deep_q()))


def staged_profiles(
    design: Any,
    groups: list[Group],
    length_m: np.ndarray,
    q_target: np.ndarray,
    anchors: ExactRows | None,
    stages: DesignStages | None = None,
) -> tuple[list[Profile], list[np.ndarray]]:
    """Each group's profile at its designs' own lengths (module Notes, "Stages"): the anchors of each
    stage are evaluated exactly, as one batch of chain rows over every group, for the designs no
    earlier stage settled (:func:`settled`); the last stage's designs are re-fitted with their local
    anchors (:func:`refined_profiles`). ``anchors``: every anchor's chain rows
    (:func:`anchor_rows`, built for the reaches), taken instead of built again; the same numbers;
    ``stages``: the batch's design-only stages (:class:`DesignStages`). Also returns each group's
    re-fit holdout error (its designs,): 0 for a design a stage settled."""
    q_anchor = [np.zeros((members.size, pop.size)) for pop, members in groups]
    q_ranked = [np.zeros((members.size, pop.live)) for pop, members in groups]
    pending = [np.arange(members.size) for _, members in groups]
    last = len(STAGE_QUANTILES) - 1
    for stage in range(last + 1):
        columns = [np.flatnonzero(pop.anchor_stage == stage) for pop, _ in groups]
        exact = _stage_rows(design, groups, pending, columns, anchors, stages).q(length_m)
        for q, p, c, values in zip(q_anchor, pending, columns, exact, strict=True):
            q[np.ix_(p, c)] = values.reshape(p.size, c.size)
        if stage == last:
            break
        for g, (pop, members) in enumerate(groups):
            p = pending[g]
            known = pop.anchor_stage <= stage
            q_known = q_anchor[g][p][:, known]
            fitted = ranked(q_known @ pop.stage_predict[stage].T, pop)
            done = settled(stage, fitted, q_target[members[p]], holdout_error(q_known, pop.stage_holdout[stage]))
            q_ranked[g][p[done]] = fitted.q[done]
            pending[g] = p[~done]
    rest = [(pop, members[p]) for (pop, members), p in zip(groups, pending, strict=True)]
    final, errors = refined_profiles(
        design, rest, [q[p] for q, p in zip(q_anchor, pending, strict=True)], length_m, q_target, stages
    )
    holdout = [np.zeros(members.size) for _, members in groups]
    for q, h, p, f, e in zip(q_ranked, holdout, pending, final, errors, strict=True):
        q[p], h[p] = f.q, e
    return [Profile(q, pop) for q, (pop, _) in zip(q_ranked, groups, strict=True)], holdout


def _stage_rows(
    design: Any,
    groups: list[Group],
    pending: list[np.ndarray],
    columns: list[np.ndarray],
    anchors: ExactRows | None,
    stages: DesignStages | None,
) -> ExactRows:
    """The anchors ``columns[g]`` of the designs ``pending[g]`` (positions in group g) as chain rows,
    design-major in each group: built, or taken from ``anchors`` (every group's designs x anchors)."""
    if anchors is None:
        return ExactRows.of(
            design,
            [np.repeat(members[p], c.size) for (_, members), p, c in zip(groups, pending, columns, strict=True)],
            [(pop.anchors, np.tile(c, p.size)) for (pop, _), p, c in zip(groups, pending, columns, strict=True)],
            stages,
        )
    return _taken_anchors(anchors, groups, pending, columns)


def _taken_anchors(
    anchors: ExactRows, groups: list[Group], positions: list[np.ndarray], columns: list[np.ndarray]
) -> ExactRows:
    """The anchors ``columns[g]`` of the designs ``positions[g]`` (positions in group g) taken from
    ``anchors``, every group's designs x anchors design-major (:func:`anchor_rows`): no new chain row."""
    start = np.cumsum([0] + [members.size * pop.size for pop, members in groups])[:-1]
    return anchors.take(
        [
            s + (p[:, None] * pop.size + c[None, :]).ravel()
            for s, (pop, _), p, c in zip(start, groups, positions, columns, strict=True)
        ]
    )


LOCAL_ANCHORS = 4  # channels per design evaluated exactly where its target falls (module Notes)
LOCAL_BAND_Q = 0.1  # ... among those whose fitted Q is within this of the target's


def local_ranks(fitted_q: np.ndarray, q_target: np.ndarray, pop: Population) -> np.ndarray:
    """The local anchors of each design (designs, :data:`LOCAL_ANCHORS`) as ranks, -1 where none:
    the live channels other than the anchors whose fitted Q is within :data:`LOCAL_BAND_Q` of the
    design's target, evenly spaced in the reference's order (all of them when fewer)."""
    designs, live = fitted_q.shape
    anchor = np.zeros(live, dtype=bool)
    anchor[pop.anchor_ranks] = True
    near = (np.abs(fitted_q - q_target[:, None]) <= LOCAL_BAND_Q) & ~anchor
    found = near.sum(axis=1)
    # the k-th of the `found` candidates (k from 0), k evenly spaced from the first to the last: the first
    # rank where the running count of candidates reaches k + 1, found row by row in one flat search
    k = np.rint(np.arange(LOCAL_ANCHORS) * (found[:, None] - 1) / max(LOCAL_ANCHORS - 1, 1)).astype(np.int64)
    row_start = np.arange(designs)[:, None] * (live + 1)
    running = (np.cumsum(near, axis=1) + row_start).ravel()
    picks = np.searchsorted(running, (k + 1 + row_start).ravel()).reshape(k.shape) - np.arange(designs)[:, None] * live
    repeated = np.zeros(k.shape, dtype=bool)
    repeated[:, 1:] = k[:, 1:] == k[:, :-1]  # fewer candidates than local anchors
    return np.where((found[:, None] > 0) & ~repeated, picks, -1)


RIDGE = 1e-10  # relative: the re-fit stays solvable where a regressor is undetermined


def refined_profiles(
    design: Any,
    groups: list[Group],
    q_anchor: list[np.ndarray],
    length_m: np.ndarray,
    q_target: np.ndarray,
    stages: DesignStages | None = None,
) -> tuple[list[Profile], list[np.ndarray]]:
    r"""Each group's profile at its designs' own lengths with their local anchors (module Notes, "Local
    anchors"): the regression re-fitted per design through the anchors and the local anchors, the
    local anchors of every group evaluated exactly as one batch of chain rows (:class:`ExactRows`,
    ``stages`` the batch's design-only stages); a group without a live channel keeps the anchors' fit.

    Each design's least squares :math:`\min_c \|A c - q\|^2 + \lambda \|c\|^2` is solved by the QR
    factorisation of :math:`A` stacked on :math:`\sqrt{\lambda} I` (the condition of :math:`A`, not
    its square as in the normal equations), with :math:`\lambda` = :data:`RIDGE` times the mean
    eigenvalue of :math:`A^T A`: the pseudo-inverse's solution as :math:`\lambda \to 0`, and defined
    where the points leave a regressor undetermined (an array without spread in one of the draws: a
    zero column). Also returns each group's holdout error of the re-fit (its designs,): the largest
    leave-one-out error at its points, :math:`e_i / (1 - h_{ii})` with the leverages of the same
    regularised least squares, :math:`H = A (A^T A + \lambda I)^{-1} A^T = Q_A Q_A^T` (:math:`Q_A`
    the rows of the factor :math:`Q` at the points; exact for a fixed :math:`\lambda`; Hastie,
    Tibshirani & Friedman 2009, eq. 7.52); 0 where every live channel is exact."""
    picks = [
        local_ranks(q @ pop.predict.T, q_target[members], pop)
        for q, (pop, members) in zip(q_anchor, groups, strict=True)
    ]
    found = [np.nonzero(p >= 0) for p in picks]
    local = ExactRows.of(
        design,
        [members[row] for (_, members), (row, _) in zip(groups, found, strict=True)],
        [(pop.ranked_draws, p[row, column]) for (pop, _), p, (row, column) in zip(groups, picks, found, strict=True)],
        stages,
    )
    q_local = local.q(length_m)
    refits = [
        _refit(pop, q, p, where, exact) if pop.live else (profile(q, pop), np.zeros(q.shape[0]))
        for (pop, _), q, p, where, exact in zip(groups, q_anchor, picks, found, q_local, strict=True)
    ]
    return [p for p, _ in refits], [e for _, e in refits]


def _refit(
    pop: Population, q_anchor: np.ndarray, picks: np.ndarray, found: tuple[np.ndarray, ...], exact
) -> tuple[Profile, np.ndarray]:
    """One group's re-fitted profile (:func:`refined_profiles`) from its local anchors' ranks ``picks``
    (designs, LOCAL_ANCHORS; -1 where none), their positions ``found`` and exact Q, and its holdout
    error (designs,)."""
    valid, (row, column) = picks >= 0, found
    q_local = np.zeros(picks.shape)
    q_local[row, column] = exact
    features = pop.features
    designs, regressors = q_anchor.shape[0], features.shape[1]
    at_local = np.where(valid[..., None], features[np.maximum(picks, 0)], 0.0)  # an absent one weighs nothing
    points = np.concatenate([np.broadcast_to(features[pop.anchor_ranks], (designs, pop.size, regressors)), at_local], 1)
    ridge = np.sqrt(RIDGE * np.einsum("dnp,dnp->d", points, points) / regressors)
    q_factor, r_factor = np.linalg.qr(np.concatenate([points, ridge[:, None, None] * np.eye(regressors)], axis=1))
    values = np.concatenate([q_anchor, q_local, np.zeros((designs, regressors))], axis=1)
    coefficients = np.linalg.solve(r_factor, np.einsum("dnp,dn->dp", q_factor, values)[..., None])[..., 0]
    q = coefficients @ features.T
    q[:, pop.anchor_ranks] = q_anchor
    q[row, picks[row, column]] = q_local[row, column]
    n = points.shape[1]  # an absent local anchor: a zero row, zero value: residual 0, leverage 0
    at_points = q_factor[:, :n]
    spare = 1.0 - np.einsum("dnp,dnp->dn", at_points, at_points)
    residual = values[:, :n] - np.einsum("dnp,dp->dn", points, coefficients)
    with np.errstate(divide="ignore", invalid="ignore"):
        errors = np.where(spare > LEVERAGE_TOLERANCE, np.abs(residual) / spare, np.where(residual == 0.0, 0.0, np.inf))
    holdout = errors.max(axis=1) if pop.live > pop.size else np.zeros(designs)  # every live channel exact
    return ranked(q, pop), holdout


REFERENCE_HOLDOUT_Q = 0.2  # a re-fit's holdout error above this, where the acceptance bounds the design: own reference


def reference_fails(fitted: Profile, holdout: np.ndarray) -> np.ndarray:
    """Which designs (designs,) the group's reference does not serve (module Notes, "Own reference"):
    the re-fit's holdout error (:func:`refined_profiles`) above :data:`REFERENCE_HOLDOUT_Q` while its
    median or its worst data channel in service is where the acceptance bounds it (not below
    :data:`DEEP_LOG10_BER` by :data:`DEEP_MARGIN_Q`)."""
    deepest = np.maximum(fitted.median_log10_ber(), fitted.worst_in_service_log10_ber())
    return (holdout > REFERENCE_HOLDOUT_Q) & (ber.q_from_log10_ber(deepest) < _deep_q())


OWN_REFERENCE_ROWS = 8192  # chain rows per batch of designs ranked by themselves (a whole array at least)


def own_references(
    design: Any,
    groups: list[Group],
    flagged: list[np.ndarray],
    length_m: np.ndarray,
    rank: bool,
    stages: DesignStages | None = None,
) -> tuple[list[Group], list[Profile]]:
    """The designs ``groups[g][1][flagged[g]]`` evaluated by themselves (module Notes, "Own reference"):
    every channel of each one's array exactly at its own length is its profile there; with ``rank``
    each is also a group of its own ranked by itself (:func:`ranked_population`: the anchors of its
    reach search), else they stay on their group's population (the profile's values do not depend
    on the ranking). The chain rows run in batches of at most :data:`OWN_REFERENCE_ROWS` (bounded
    memory: every channel of every flagged design of a block is many rows on a large array);
    ``stages``: the batch's design-only stages (:class:`DesignStages`)."""
    own_groups: list[Group] = []
    own_profiles: list[Profile] = []
    for (pop, members), f in zip(groups, flagged, strict=True):
        step = max(1, OWN_REFERENCE_ROWS // max(pop.channels, 1))
        for start in range(0, f.size, step):
            part = members[f[start : start + step]]
            found_groups, found_profiles = _own_part(design, pop, part, length_m, rank, stages)
            own_groups += found_groups
            own_profiles += found_profiles
    return own_groups, own_profiles


def _own_part(
    design: Any, pop: Population, rows: np.ndarray, length_m: np.ndarray, rank: bool, stages: DesignStages | None
) -> tuple[list[Group], list[Profile]]:
    """:func:`own_references` of the designs ``rows`` of one group, as one batch of chain rows."""
    draw = pop.every_draw
    index = np.repeat(rows, pop.channels)
    taken = None if stages is None else stages.take(index)
    chain = Chain.batched(take_rows(design, index), draw.take(np.tile(np.arange(pop.channels), rows.size)), taken)
    every = EveryChannel.of(chain, chain.at_length(length_m[index]))
    q = ber.q_from_log10_ber(every.log10_ber).reshape(rows.size, pop.channels)
    if not rank:
        return [(pop, rows)], [ranked(q[:, pop.order], pop)]
    groups: list[Group] = []
    profiles: list[Profile] = []
    for k, row in enumerate(rows):
        block = every.rows(slice(k * pop.channels, (k + 1) * pop.channels))
        own = ranked_population(pop.array, pop.variation, pop.channels, pop.data_channels, block, draw)
        groups.append((own, np.array([row])))
        profiles.append(ranked(q[k : k + 1, own.order], own))
    return groups, profiles


def population_columns(
    design: Any,
    groups: list[Group],
    length_m,
    reach_range_m: tuple[float, float] | None = (0.1, 1000.0),
    reaches: tuple[str, ...] = ("reach_median_m", "reach_all_m"),
    own_reference: bool = True,
) -> dict[str, np.ndarray]:
    """The population columns of a batch of designs: designs in, columns out.

    Parameters
    ----------
    design : a design batch (array leaves, one value per design) or a spec (every design the same)
    groups : each group's :func:`population` and its designs (row indices into the batch); together
        they hold every design once. Every group's chain rows run as one batch (:class:`ExactRows`)
    length_m : (designs,) fibre lengths at which the BER columns are judged
    reach_range_m : the reach search's range; None skips the reaches
    reaches : which of :data:`REACHES` to search (one search for all of them)
    own_reference : a design its group's reference does not serve (:func:`reference_fails`) is ranked
        by itself (:func:`own_references`); False keeps every design on its group's reference

    Returns
    -------
    ``log10_ber_median``, ``ber_median``, ``channels_meeting``, ``channels_data``,
    ``channels_total``, ``log10_ber_worst_in_service`` and (with ``reach_range_m``) those of
    ``reach_median_m`` and ``reach_all_m`` named in ``reaches``, each of shape (designs,).
    """
    designs = sum(members.size for _, members in groups)
    # the one pass criterion: budget margin >= 0 dB, the implementation reserve included
    penalty_db = np.broadcast_to(np.asarray(design.receiver.implementation_penalty_db, dtype=float), (designs,))
    target = np.broadcast_to(np.asarray(design.link.target_ber, dtype=float), (designs,))
    q_target = ber.q_from_log10_ber(margin_log10_ber(target, penalty_db))
    length_m = np.broadcast_to(np.asarray(length_m, dtype=float), (designs,))
    search = reach_range_m is not None and bool(reaches)
    stages = DesignStages.of(design, designs)  # the design-only stages, once for every batch of chain rows
    anchors = anchor_rows(design, groups, stages) if search else None  # every anchor at every trial length
    profiles, holdout = staged_profiles(design, groups, length_m, q_target, anchors, stages)
    flagged = [
        np.flatnonzero(reference_fails(p, h)) if own_reference else np.zeros(0, dtype=np.int64)
        for p, h in zip(profiles, holdout, strict=True)
    ]
    own_groups, own_profiles = own_references(design, groups, flagged, length_m, search, stages)
    if own_groups:  # the others keep their group's reference
        kept = [np.setdiff1d(np.arange(members.size), f) for (_, members), f in zip(groups, flagged, strict=True)]
        if anchors is not None:
            anchors = _taken_anchors(anchors, groups, kept, [np.arange(pop.size) for pop, _ in groups])
        profiles = [Profile(p.q[k], p.population) for p, k in zip(profiles, kept, strict=True)]
        groups = [(pop, members[k]) for (pop, members), k in zip(groups, kept, strict=True)]
    rows = [members for _, members in groups] + [members for _, members in own_groups]
    profiles = profiles + own_profiles
    median = _assembled(rows, [p.median_log10_ber() for p in profiles])
    out = {
        "log10_ber_median": median,
        "ber_median": 10.0**median,
        "channels_meeting": _assembled(
            rows, [p.channels_meeting(q_target[r]) for p, r in zip(profiles, rows, strict=True)]
        ),
        "channels_data": _assembled(rows, [p.population.data_channels for p in profiles]),
        "channels_total": _assembled(rows, [p.population.channels for p in profiles]),
        "log10_ber_worst_in_service": _assembled(rows, [p.worst_in_service_log10_ber() for p in profiles]),
    }
    if anchors is not None and reach_range_m is not None:
        found = [_reaches_of(anchors, groups, q_target, reach_range_m, reaches)]
        if own_groups:
            own_anchors = anchor_rows(design, own_groups, stages)
            found.append(_reaches_of(own_anchors, own_groups, q_target, reach_range_m, reaches))
        for name in reaches:
            out[name] = np.empty(designs)
            for where, values in found:
                out[name][where] = values[name]
    return out


def _reaches_of(
    anchors: ExactRows, groups: list[Group], q_target: np.ndarray, range_m: tuple[float, float], names
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """:func:`_reaches_m` of the designs ``groups`` hold (a part of the batch): those designs (their rows
    of the batch) and their reaches. A design's reach is its own (:func:`_reaches_m`)."""
    where = np.concatenate([members for _, members in groups] + [np.zeros(0, dtype=np.int64)])
    position = np.zeros(q_target.size, dtype=np.int64)
    position[where] = np.arange(where.size)
    compact = [(pop, position[members]) for pop, members in groups]
    part = ExactRows(anchors.chain, position[anchors.rows], anchors.sizes)
    return where, _reaches_m(part, compact, q_target[where], range_m, names)


def _assembled(rows: list[np.ndarray], values: list[Any]) -> np.ndarray:
    """Each group's ``values`` (one per design of the group, or one for all) at its designs' ``rows``
    of the batch: (designs,) floats."""
    out = np.empty(sum(r.size for r in rows))
    for r, value in zip(rows, values, strict=True):
        out[r] = value
    return out


def _reaches_m(
    anchors: ExactRows,
    groups: list[Group],
    q_target: np.ndarray,
    range_m: tuple[float, float],
    names,
) -> dict[str, np.ndarray]:
    """The reaches ``names`` of :data:`REACHES` (module Notes, "Reaches"): their searches run as one,
    so the lengths they try alike (the bracket's ends) evaluate the population once. Each design's
    reach is its own (a fixed number of steps, element by element): the same with any other reach
    or design beside it."""
    statistics = [REACHES[name] for name in names]
    q_targets = np.tile(q_target, len(statistics))

    def excess(lengths_m: np.ndarray) -> np.ndarray:
        parts = np.split(lengths_m, len(statistics))
        profiles: list[list[Profile]] = []
        for i, part in enumerate(parts):
            same = next((j for j in range(i) if np.array_equal(parts[j], part)), None)
            profiles.append(
                profiles[same]
                if same is not None
                else [profile(q, pop) for q, (pop, _) in zip(anchor_q(anchors, groups, part), groups, strict=True)]
            )
        rows = [members for _, members in groups]
        q = np.concatenate(
            [_assembled(rows, [s(p) for p in part]) for s, part in zip(statistics, profiles, strict=True)]
        )
        return log_q_excess(q_targets, ber.q_from_log10_ber(q))

    lo, hi = range_m
    size = q_target.size * len(statistics)
    found = solve_reach_m(
        excess, lo, hi, size=size, max_steps=FAST_REACH_STEPS, bisections=FAST_REACH_BISECTIONS, spacing="linear"
    )
    return dict(zip(names, np.split(found, len(statistics)), strict=True))


REACHES: dict[str, Callable[[Profile], np.ndarray]] = {
    "reach_median_m": Profile.median_log10_ber,  # the median channel's
    "reach_all_m": Profile.worst_in_service_log10_ber,  # every data channel in service
}
