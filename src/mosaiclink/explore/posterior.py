r"""Posterior of the estimate ranges given measured BER points: the bands conditioned on data.

The ranges of a ``mosaic-ranges/1`` file are the prior (uniform or log-uniform per input,
independent). A dataset of BER points (``mosaic-ber-points/1``, the format ``mosaic calibrate``
reads) measured on a design (its ``base``) informs the inputs that design shares with the one
under study: every ranged input when the data were measured on the design itself, else the
device and fibre physics of :data:`SHARED_PATHS` (the prototype's microLEDs and imaging fibre are
the production design's, its lab optics and discrete receiver are not). The dataset's own
``[free]`` parameters (the prototype's microlens collection and TIA noise) are nuisance inputs,
sampled with their bounds and priors and then dropped.

Notes
-----
Likelihood: each point's model :math:`\log_{10}` BER :math:`m_i` (:func:`model_log10_ber`) against
its observation :math:`y_i \pm \sigma_i` decades, as ``mosaic calibrate``'s residuals: Gaussian for a
measured value, censored for a bound (``BER < x`` costs nothing below ``x`` and
:math:`((m_i - y_i)/\sigma_i)^2/2` above it), :math:`\ln L = -\tfrac12\sum_i r_i^2`. A draw that
makes the data's design one the full model refuses (its imaged array larger than the fibre's image
field: ``mosaic link`` raises, the fast path only flags it) has :math:`L = 0`: the data were measured
on a link that worked (session 8: 9 of 34 draws of the 800G chain shipped before had the prototype's
array outside a fibre of too fine a core pitch).

Sampler: ``emcee``'s ensemble sampler (Foreman-Mackey et al., PASP 125, 2013) with
``vectorize=True`` (each call one array pass of the fast path), mixing two moves half and half: the
differential-evolution move (ter Braak, Stat. Comput. 16, 2006; Nelson et al., ApJS 210, 2014: a
walker jumps by :math:`\gamma` times the difference of two others, :math:`\gamma = 2.38/\sqrt{2d}`) and an
independence Metropolis-Hastings move (:class:`IndependenceProposal`: a kernel density estimate
and a Student t fitted to posterior draws, with the prior as defensive component, so the chain is
uniformly ergodic whatever the fit). Inputs are sampled in the logit of their unit-cube coordinate
:math:`u \in [0, 1]` (the prior's CDF: flat prior); nuisance inputs with a Gaussian prior add
:math:`-\tfrac12((\theta - \mu)/s)^2`. The walkers (:func:`walker_count`) start from prior draws
resampled by likelihood (:func:`_start`), which are also the proposal's first fit. The proposal is
refit to the chain's latest draws after each of :data:`ADAPT_SEGMENTS` segments of
:data:`ADAPT_STEPS` steps, then frozen: only the frozen chain (a time-homogeneous Markov chain) is
kept. It grows by :data:`SEGMENT_STEPS` until every sampled input has the rank-normalised split
:math:`\hat R` < :data:`MAX_RHAT` and bulk and tail effective sample sizes >= :data:`MIN_ESS`
(Vehtari et al., Bayesian Analysis 16, 2021, via ArviZ, each walker a chain), judged after a
burn-in of :data:`BURN_TAUS` of emcee's integrated autocorrelation times (the longest) and thinned
by half the shortest, or until :data:`MAX_STEPS` kept steps (then the result says "not converged").
Inputs the data do not inform have the prior as posterior (the prior is a product and the
likelihood does not depend on them): they are drawn from the prior, not sampled. Which inputs the
data inform is screened (:func:`_screen`): at :data:`SCREEN_PROBES` prior draws resampled by
likelihood, each input redrawn from its prior must change :math:`\ln L` by at least
:data:`SCREEN_LOG_LIKELIHOOD` on average to be sampled. (Session 6 screened by the rank correlation
of the input with the likelihood over the prior, >= 0.1: it left out inputs whose redraw changes
:math:`\ln L` by 10-80 at the posterior, such as the 800G's Auger coefficient and spectral width,
and the round trip's intervals then missed the truth in 28 % of cases.)

Why this sampler (measured on the 800G preset against the published points, CPU seconds at load
~6 on two shared cores, ~2.5 ms per walker and step): the posterior is a thin curved slab (about
3 % of the prior's volume: the SIR effective size of 4,096 prior draws is 138; the log likelihood
changes by ~5 per logit unit across it while the marginals span several). Split R-hat below 1.05
needs each walker's kept chain to be ~20 autocorrelation times long, so the cost is walkers x
steps. The session-5 mix (KDE move of the complementary walkers and stretch, 72 walkers) had
autocorrelation times of 24-29 steps and needed 2,000 steps (477 s); at 32 walkers it left R-hat
1.26 after 600 steps, stretch alone 2.16. Independence proposals alone stick (acceptance 0.17-0.20,
R-hat 1.29 after 300 steps: walkers in the slab's low-loss tail, where the fit is thin); the
stretch/independence mix reached R-hat 1.06 after 400 kept steps with 24 walkers, and converged
(R-hat 1.014-1.041, bulk ESS 508-984, tail ESS 421-1,227) after 1,555 steps in 91 s of CPU,
where the session-5 chain (72 walkers, 2,000 steps) took 477 s. Session 7's screen
(:func:`_screen`) samples 13 inputs instead of 6; the same mix with 52 walkers (4 per input) then
needed 3,030 steps (autocorrelation 68-111 steps, 447 s with two BLAS threads). With one BLAS thread
(the chain runs under one: its matrix products are small) and 26 walkers, stretch/independence took
3,080 steps (autocorrelation 75-107, 131 s) and differential evolution/independence 2,080 steps
(45-64, 91 s): differential evolution's jumps follow the slab's long axes in 13 dimensions, where
the stretch move's single line through two walkers rarely does.
The figures of the shipped chains are in docs/calibration.md. Each preset's posterior on the
published points ships (``tools/posteriors.py``) and is read back (:func:`conditioned`) when its key
(:func:`posterior_key`) matches; ``--data`` files or ``--resample`` run the chain now.

The model is the population-aware fast path's median channel
(:func:`mosaiclink.explore.evaluate.population_pass`, column ``log10_ber_median``) at each point's
conditions: the statistic the published points describe and ``mosaic link`` and ``mosaic
calibrate`` report. ``population_pass`` shares one population reference per group of rows (the
array and variation values and the reference length: the published 20 m and 30 m points give two).
Unlike the surfaces, the likelihood keeps every draw on that reference (``own_reference=False``):
most of the prototype's posterior draws are ones it does not serve (their re-fit's holdout error
above ``physics.population.REFERENCE_HOLDOUT_Q``), and ranking each by itself would cost the chain
~6x its CPU (every one of its 100 channels per draw and point). The likelihood's distance from the
full model that this leaves is measured by :func:`fidelity` (docs/models.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit, logit

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.measurements import BerDataset
from mosaiclink.errors import ConfigError, MosaicError
from mosaiclink.explore.evaluate import BLOCK_ROWS, fits_fibre, nominal_log10_ber, population_pass
from mosaiclink.explore.spec import check_path, numeric_leaves
from mosaiclink.explore.uncertainty import UncertainInput
from mosaiclink.physics.ber import LOG10_BER_FLOOR, LOG10_HALF
from mosaiclink.streams import Stream, generator

# Device and fibre physics a design shares with another built from the same microLEDs and fibre.
# (The LED's temperature coefficients are shared too, but they refer to 25 C, where the published
# prototype ran: its points carry no information on them, so they keep their prior unsampled.)
SHARED_PATHS = (
    "led.wavelength_nm",
    "led.spectral_fwhm_nm",
    "led.active_thickness_nm",
    "led.abc_a_per_s",
    "led.abc_b_cm3_per_s",
    "led.abc_c_cm6_per_s",
    "led.light_extraction_efficiency",
    "led.rin_db_per_hz",
    "fiber.na",
    "fiber.core_pitch_um",
    "fiber.attenuation_db_per_m",
    "fiber.core_coupling_um2_per_m",
    "fiber.chromatic_dispersion_ps_per_nm_km",
    "receiver.quantum_efficiency",
)
MODELLED_STATISTICS = ("median", "nominal")  # the fast path's median channel and nominal channel
MAX_RHAT = 1.05
MIN_ESS = 400.0  # bulk and tail effective sample size, each
ADAPT_SEGMENTS, ADAPT_STEPS = 4, 20  # the independence proposal refit after each (module Notes), then frozen
SEGMENT_STEPS = 25  # the kept chain grows by this many steps between diagnostics
MAX_STEPS = 4000  # cap on the kept (frozen-proposal) steps: past it the result says "not converged"
BURN_TAUS = 2.0  # burn-in of the kept chain in autocorrelation times, thinning by half the shortest (emcee's advice)
WALKERS_PER_INPUT = 2  # walkers per sampled input (module Notes), within [MIN_WALKERS, MAX_WALKERS]
MIN_WALKERS, MAX_WALKERS = 24, 96
START_JITTER = 0.02  # logit units: ~0.5 % of an input's prior CDF near its middle
PROPOSAL_WEIGHTS = (0.5, 0.3, 0.2)  # independence proposal: KDE, Student t (4 dof), prior (defensive)
PROPOSAL_T_DOF, PROPOSAL_T_SCALE = 4.0, 1.5  # the t component: the draws' covariance x 1.5, heavy tails
INDEPENDENCE_FRACTION = 0.5  # of the steps; the rest are differential-evolution moves
NEGLIGIBLE_WEIGHT = 1e-9  # of the largest: prior draws below it do not enter the proposal's first fit
SHIPPED_DRAWS = 2000  # thinned draws of the kept chain a shipped posterior holds
CHECK_DRAWS = 200  # of them, with their stored log likelihood: the staleness check
SAMPLER = (
    "emcee EnsembleSampler, vectorized: 50 % independence Metropolis-Hastings (adapted, then frozen), "
    "50 % differential evolution"
)
START_DRAWS = 4096  # prior draws the walkers' start is resampled from and the screen runs on
SCREEN_PROBES = 64  # likelihood-resampled draws at which the screen redraws each design input (_screen)
SCREEN_LOG_LIKELIHOOD = 0.1  # mean |change of ln L| on a redraw from the prior below which an input keeps its prior


@dataclass(frozen=True)
class DataModel:
    """One dataset against a design: which sampled inputs reach it, its conditions and observations."""

    dataset: BerDataset
    design: MosaicDesign  # the design the data were measured on
    inputs: tuple[int, ...]  # indices of the sampled inputs that set this design's leaves
    condition_paths: tuple[str, ...]
    conditions: np.ndarray  # (points, conditions)
    observed: np.ndarray  # log10 BER
    sigma: np.ndarray  # decades
    kind: np.ndarray  # "value", "upper" or "lower"


def model_log10_ber(
    design: MosaicDesign, paths: tuple[str, ...], values: np.ndarray, data: DataModel, own_reference: bool = False
) -> np.ndarray:
    """log10 BER of the data's statistic at every point's conditions, for every row of ``values``
    (walkers, len(paths)) -> (walkers, points): the one model the likelihood asks (module Notes),
    the population fast path's median channel in one array pass, every draw on its group's reference
    (``own_reference=True``: as the surfaces evaluate a draw, ranked by itself where that one fails)."""
    walkers, points = len(values), len(data.conditions)
    block = max(BLOCK_ROWS // points, 1)
    if walkers > block:  # bounded memory: the fast path's arrays grow with the rows of one pass
        return np.concatenate(
            [
                model_log10_ber(design, paths, values[i : i + block], data, own_reference)
                for i in range(0, walkers, block)
            ]
        )
    keep = [j for j, p in enumerate(paths) if p not in data.condition_paths]
    all_paths = tuple(paths[j] for j in keep) + data.condition_paths
    rows = np.column_stack(
        [np.repeat(values[:, keep], points, axis=0), np.tile(data.conditions, (walkers, 1))]
    )  # walker-major: (walker 0 point 0, walker 0 point 1, ...)
    if data.dataset.statistic == "nominal":
        log10_ber = nominal_log10_ber(design, all_paths, rows)
    else:  # the median: one population reference per group of rows (population_pass groups by the
        # array and variation values and the reference length: the published 20 m and 30 m points give two)
        columns = population_pass(design, all_paths, rows, reaches=False, own_reference=own_reference)
        log10_ber = columns["log10_ber_median"]
    log10_ber = np.clip(np.nan_to_num(log10_ber, nan=LOG10_HALF), LOG10_BER_FLOOR, LOG10_HALF)
    refused = ~fits_fibre(design, all_paths, rows)  # the full model refuses these designs: NaN (module Notes)
    return np.where(refused, np.nan, log10_ber).reshape(walkers, points)


def full_model_log10_ber(
    design: MosaicDesign, paths: tuple[str, ...], values: np.ndarray, data: DataModel
) -> np.ndarray:
    """:func:`model_log10_ber` through the full per-channel model instead of the fast path: the
    dataset's statistic of ``mosaic link``'s channels
    (:class:`~mosaiclink.physics.channel_statistic.ChannelStatistic`, as ``mosaic calibrate`` fits
    it) or its nominal channel, one evaluation per row and point (~10 ms each on the prototype); NaN
    where it refuses the design. The reference :func:`fidelity` measures the likelihood's model against."""
    from mosaiclink.config.overrides import with_overrides
    from mosaiclink.physics.channel_statistic import ChannelStatistic
    from mosaiclink.physics.link import nominal_channel_log10_ber

    nominal = data.dataset.statistic == "nominal"
    channel = None if nominal else ChannelStatistic(data.dataset.statistic)
    out = np.full((len(values), len(data.conditions)), np.nan)
    for i, row in enumerate(np.asarray(values, dtype=float)):
        for j, condition in enumerate(data.conditions):
            overrides = dict(zip(paths, map(float, row), strict=True))
            overrides |= dict(zip(data.condition_paths, map(float, condition), strict=True))
            try:
                point = with_overrides(design, overrides)
                out[i, j] = float(nominal_channel_log10_ber(point) if channel is None else channel.log10_ber(point))
            except MosaicError:  # a design the full model refuses (ModelRangeError: the fast path's fits_fibre)
                continue
    return np.clip(out, LOG10_BER_FLOOR, LOG10_HALF)


def fidelity(
    design: MosaicDesign, inputs: tuple[UncertainInput, ...], datasets: tuple[BerDataset, ...], base_of
) -> tuple[np.ndarray, float]:
    r"""How far the likelihood's fast path is from the full model where the posterior lives: at the
    shipped posterior's stored check draws, the data's log likelihood through the fast path minus
    through :func:`full_model_log10_ber` (draws,), and the effective size of the draws re-weighted
    by the full model's likelihood, :math:`(\sum w)^2 / \sum w^2` with :math:`w = e^{-\Delta}`
    (Kish). Draws either model refuses are left out. Measured in docs/models.md ("Population fast
    path"); ``tests/explore/test_shipped_posteriors.py`` holds it."""
    log_prob, shipped, unit_of = _shipped_model(design, inputs, datasets, base_of)
    delta = -full_model_log_weights(log_prob, unit_of(shipped["check_unit"]))
    delta = delta[np.isfinite(delta)]
    return delta, effective_draws(-delta)


def _shipped_model(design: MosaicDesign, inputs: tuple[UncertainInput, ...], datasets: tuple[BerDataset, ...], base_of):
    """The likelihood of ``design``'s data, its shipped file and the map from the file's draws (of its
    sampled inputs) to unit points of every candidate input; a one-line error when none ships."""
    _, candidates, log_prob, _ = _setup(design, inputs, datasets, base_of)
    shipped = _read_shipped(design.name)
    if shipped is None:
        raise ConfigError(f"{design.name}: no shipped posterior (tools/posteriors.py ships one)")
    by_path = {inp.path: inp for inp in candidates}
    sampled = [by_path[p] for p in shipped["meta"]["sampled"]]
    return log_prob, shipped, lambda draws: _check_unit(candidates, sampled, np.asarray(draws, dtype=np.float64))


def full_model_log_weights(log_prob: _LogProb, unit: np.ndarray) -> np.ndarray:
    """The importance weights (log, (draws,)) that turn draws of the fast path's posterior into draws of
    the full model's: the data's log likelihood through :func:`full_model_log10_ber` minus through
    the likelihood's fast path (:func:`model_log10_ber`) at unit-cube points of every candidate input
    (draws, candidates); -inf where the full model refuses a design the fast path does not, NaN where
    both refuse it (neither gives data: no chain keeps such a draw)."""
    theta = log_prob.values(unit)
    log_weight = np.zeros(len(unit))
    for m in log_prob.models:
        paths = tuple(log_prob.sampled[j].path.split(":")[-1] for j in m.inputs)
        values = theta[:, list(m.inputs)]
        fast, full = model_log10_ber(m.design, paths, values, m), full_model_log10_ber(m.design, paths, values, m)
        log_weight += 0.5 * np.sum(point_residuals(fast, m) ** 2 - point_residuals(full, m) ** 2, axis=1)
        log_weight[np.isnan(log_weight) & np.all(np.isfinite(fast), axis=1)] = -np.inf
    return log_weight


def effective_draws(log_weight: np.ndarray) -> float:
    r"""Kish's effective sample size :math:`(\sum w)^2 / \sum w^2` of draws with weights
    :math:`w = e^{\ln w}` (the finite ones; -inf weighs nothing)."""
    finite = log_weight[np.isfinite(log_weight)]
    if finite.size == 0:
        return 0.0
    w = np.exp(finite - finite.max())
    return float(w.sum() ** 2 / np.sum(w**2))


def importance_resample(log_weight: np.ndarray, seed: int) -> np.ndarray:
    r"""Indices of ``len(log_weight)`` draws resampled in proportion to their weights, systematically
    (one uniform offset, then evenly spaced: each draw is taken :math:`\lfloor n w_i \rfloor` or
    :math:`\lceil n w_i \rceil` times; Kitagawa 1996, *J. Comput. Graph. Stat.* 5, 1), in a seeded
    order; a draw of weight 0 (or -inf, NaN) never."""
    n = len(log_weight)
    finite = np.isfinite(log_weight)
    if not finite.any():
        raise ConfigError("posterior: every draw has zero full-model weight (the full model refuses them all)")
    w = np.where(finite, np.exp(np.where(finite, log_weight, 0.0) - np.max(log_weight[finite])), 0.0)
    rng = generator(seed, Stream.POSTERIOR, 2)
    edges = np.cumsum(w / w.sum())
    edges[-1] = 1.0
    index = np.searchsorted(edges, (rng.random() + np.arange(n)) / n, side="right")
    return rng.permutation(np.minimum(index, n - 1))


def point_residuals(model: np.ndarray, data: DataModel) -> np.ndarray:
    """Residuals in sigmas (walkers, points), censored for bounds as ``mosaic calibrate``'s."""
    diff = (model - data.observed) / data.sigma
    return np.where(
        data.kind == "upper", np.maximum(diff, 0.0), np.where(data.kind == "lower", np.minimum(diff, 0.0), diff)
    )


@dataclass(frozen=True)
class PosteriorResult:
    """The chain's kept draws, its diagnostics and where it comes from (run now, or shipped)."""

    sampled: tuple[UncertainInput, ...]  # the inputs the chain ran over (design inputs, then nuisance)
    design_inputs: int  # how many of ``sampled`` are design inputs (the rest are nuisance)
    kept_unit: np.ndarray  # (draws, sampled) in the unit cube: the kept chain after burn-in, thinned
    walkers: int
    steps: int  # every step, the proposal's adaptation included
    burn: int  # steps discarded: the adaptation and the kept chain's burn-in
    rhat: dict[str, float]
    ess: dict[str, float]  # bulk
    acceptance: float
    datasets: tuple[str, ...]
    seed: int
    screen: dict[str, float] = field(default_factory=dict)  # each design input's mean |change of ln L| (_screen)
    autocorr_steps: dict[str, float] = field(default_factory=dict)  # emcee's integrated autocorrelation time
    source: str = "chain run now"  # or the shipped file it was read from
    ess_tail: dict[str, float] = field(default_factory=dict)  # tail ESS (5 % and 95 % quantiles)
    thin: int = 1  # every thin-th step of the kept chain
    full_model_draws: float | None = None  # effective draws after the full model's weights (:func:`reweighted`)

    @property
    def converged(self) -> bool:
        """Every sampled input meets :data:`MAX_RHAT`, and :data:`MIN_ESS` in bulk and tail."""
        return passes(self.rhat, self.ess, self.ess_tail)

    def draws_unit(self, count: int, seed: int) -> np.ndarray:
        """``count`` draws (count, sampled) from the kept draws, evenly thinned in a seeded order."""
        index = np.linspace(0, len(self.kept_unit) - 1, count).round().astype(int)
        return self.kept_unit[generator(seed, Stream.POSTERIOR, 1).permutation(index)]

    def shrinkage(self) -> dict[str, float]:
        """Posterior 90 % interval over the prior's, per design input (in the prior's CDF: 0.9 = no
        information, small = the data decide it)."""
        lo, hi = np.percentile(self.kept_unit, [5.0, 95.0], axis=0)
        return {inp.path: float((hi[j] - lo[j]) / 0.9) for j, inp in enumerate(self.sampled[: self.design_inputs])}

    def nominal_percentiles(self) -> dict[str, float]:
        """Where each sampled input's preset (nominal) value sits in its posterior, percent: a
        preset value far from 50 is a corner of what the data allow, not a typical value."""
        return {
            inp.path: float(100.0 * np.mean(self.kept_unit[:, j] <= inp.to_unit(inp.nominal)))
            for j, inp in enumerate(self.sampled)
        }

    def medians(self) -> dict[str, float]:
        """Posterior median of each sampled input, in its units."""
        mid = np.median(self.kept_unit, axis=0)
        return {inp.path: float(inp.from_unit(np.array([mid[j]]))[0]) for j, inp in enumerate(self.sampled)}

    def to_dict(self, draws: int = 500) -> dict[str, Any]:
        """Diagnostics and ``draws`` thinned draws of the design inputs as plain JSON-ready data."""
        unit = self.draws_unit(draws, self.seed)
        percentiles = self.nominal_percentiles()
        medians = self.medians()
        return {
            "sampler": SAMPLER,
            "source": self.source,
            "datasets": list(self.datasets),
            "walkers": int(self.walkers),
            "steps": int(self.steps),
            "burn": int(self.burn),
            "thin": int(self.thin),
            "acceptance": self.acceptance,
            "converged": self.converged,
            "max_rhat": MAX_RHAT,
            "min_ess": MIN_ESS,
            "inputs": [
                {
                    "path": inp.path,
                    "nuisance": j >= self.design_inputs,
                    "rhat": self.rhat[inp.path],
                    "ess": self.ess[inp.path],
                    "ess_tail": self.ess_tail[inp.path],
                    "autocorr_steps": _finite(self.autocorr_steps.get(inp.path)),
                    "prior": [inp.low, inp.high],
                    "nominal": inp.nominal,
                    "posterior_median": medians[inp.path],
                    "nominal_percentile": percentiles[inp.path],
                }
                for j, inp in enumerate(self.sampled)
            ],
            "shrinkage": self.shrinkage(),
            "full_model_reweight": None
            if self.full_model_draws is None
            else {"draws": len(self.kept_unit), "effective_draws": self.full_model_draws},
            "screen_log_likelihood_change": dict(self.screen),
            "draws": {
                inp.path: inp.from_unit(unit[:, j]).tolist() for j, inp in enumerate(self.sampled[: self.design_inputs])
            },
        }


def _finite(value: float | None) -> float | None:
    """``value`` when a finite number, else None (JSON has no NaN)."""
    return value if value is not None and np.isfinite(value) else None


def data_models(
    design: MosaicDesign, inputs: tuple[UncertainInput, ...], datasets: tuple[BerDataset, ...], base_of
) -> tuple[tuple[int, ...], list[UncertainInput], list[DataModel], list[tuple[float | None, float | None]]]:
    """The design inputs the data inform, the nuisance inputs and each dataset's model.

    ``base_of(name)`` loads a dataset's base design. An input informs a dataset measured on the
    design itself (same name, or no base) always, on another design when it is in :data:`SHARED_PATHS`.
    A dataset's ``[free]`` leaf is a nuisance input unless the design it was measured on ranges it:
    then that ranged input is the parameter (the prototype's collection efficiency and TIA noise on
    its own published points).
    """
    informed: set[int] = set()
    nuisance: list[UncertainInput] = []
    plans = []
    for ds in datasets:
        if ds.statistic not in MODELLED_STATISTICS:
            raise ConfigError(
                f"data: dataset {ds.name!r} field 'statistic' = {ds.statistic!r}: the posterior models "
                f"{' or '.join(MODELLED_STATISTICS)} (use `mosaic calibrate` for the worst channel)"
            )
        own = ds.base is None or ds.base == design.name
        base = design if own else base_of(ds.base)
        leaves = numeric_leaves(base)
        idx = tuple(
            j
            for j, inp in enumerate(inputs)
            if "." in inp.path
            and inp.path.split(".")[0] in ("led", "coupling", "fiber", "array", "receiver", "equalizer", "link")
            and (own or inp.path in SHARED_PATHS)
            and inp.path in leaves
        )
        informed.update(idx)
        extra = []
        ranged = {inputs[j].path for j in idx}
        for f in ds.free:
            check_path(f.path, leaves)
            if f.path in ranged:  # measured on this design: its ranged input is that parameter, its range the
                continue  # prior (a second, nuisance copy would set the leaf instead and leave the input unseen)
            nominal = float(_leaf(base, f.path))
            dist = "log" if f.low > 0 and f.high / f.low >= 10.0 else "linear"
            mean = f.prior_mean if f.prior_mean is not None else nominal
            extra.append(
                (
                    UncertainInput(f"{ds.name}:{f.path}", f.low, f.high, min(max(mean, f.low), f.high), dist, "free"),
                    f.prior_mean,
                    f.prior_sigma,
                )
            )
        points = ds.points
        cpaths = tuple(dict.fromkeys(p for pt in points for p in pt.overrides))
        for p in cpaths:
            check_path(p, leaves)
        conditions = np.array([[pt.overrides.get(p, float(_leaf(base, p))) for p in cpaths] for pt in points])
        plans.append((ds, base, idx, extra, cpaths, conditions))
    order = tuple(sorted(informed))
    models = []
    for ds, base, idx, extra, cpaths, conditions in plans:
        first = len(order) + len(nuisance)
        nuisance.extend(e[0] for e in extra)
        obs = [pt.observation for pt in ds.points]
        models.append(
            (
                DataModel(
                    ds,
                    base,
                    tuple(order.index(j) for j in idx) + tuple(range(first, first + len(extra))),
                    cpaths,
                    conditions,
                    np.array([o.log10_ber for o in obs]),
                    np.array([o.sigma_decades for o in obs]),
                    np.array([o.kind for o in obs]),
                ),
                [(e[1], e[2]) for e in extra],
            )
        )
    priors = [p for _, ps in models for p in ps]
    return order, nuisance, [m for m, _ in models], priors


def _leaf(spec: Any, path: str) -> Any:
    node = spec
    for part in path.split("."):
        node = getattr(node, part)
    return node


class _LogProb:
    """Vectorized log posterior in the logit of the unit cube (walkers, dims) -> (walkers,).

    :math:`u = 1/(1 + e^{-x})` maps every real ``x`` into the prior's CDF coordinate, so the walls of
    the box are not walls for the walkers; the flat prior in ``u`` is :math:`\\ln u + \\ln(1-u)` in ``x``.
    """

    def __init__(self, sampled: list[UncertainInput], models: list[DataModel], priors: list, design_dims: int):
        self.sampled, self.models = sampled, models
        self.free = np.ones(len(sampled), dtype=bool)  # the inputs the chain moves (see _screen)
        self.gauss = [
            (design_dims + k, mean, sigma) for k, (mean, sigma) in enumerate(priors) if mean is not None and sigma
        ]

    def values(self, unit: np.ndarray) -> np.ndarray:
        return np.column_stack([inp.from_unit(unit[:, j]) for j, inp in enumerate(self.sampled)])

    def log_likelihood(self, unit: np.ndarray) -> np.ndarray:
        """Data and the nuisance inputs' Gaussian priors at unit-cube points (n, dims) -> (n,)."""
        theta = self.values(unit)
        lp = np.zeros(len(unit))
        for j, mean, sigma in self.gauss:
            lp -= 0.5 * ((theta[:, j] - mean) / sigma) ** 2
        for m in self.models:
            paths = tuple(self.sampled[j].path.split(":")[-1] for j in m.inputs)
            model = model_log10_ber(m.design, paths, theta[:, list(m.inputs)], m)
            lp -= 0.5 * np.sum(point_residuals(model, m) ** 2, axis=1)
            lp[np.any(np.isnan(model), axis=1)] = -np.inf  # a design the model refuses made no data
        return lp

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Log posterior of the free inputs' logits (walkers, free); the screened-out inputs sit at
        their prior median (the likelihood does not depend on them)."""
        x = np.atleast_2d(x)
        free_unit = np.clip(expit(x), 1e-12, 1.0 - 1e-12)
        unit = np.full((len(x), len(self.sampled)), 0.5)
        unit[:, self.free] = free_unit
        jacobian = np.sum(np.log(free_unit) + np.log1p(-free_unit), axis=1)
        return self.log_likelihood(unit) + jacobian


def _screen(
    log_prob: _LogProb, design_dims: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, dict[str, float], np.ndarray]:
    r"""Prior draws and their log likelihood (START_DRAWS, dims), and which inputs the data inform.

    At :data:`SCREEN_PROBES` draws resampled by likelihood (where the posterior lives) each design
    input in turn is redrawn from its prior, and the mean absolute change of :math:`\ln L` is its
    screen value (over the redraws the model accepts: one that makes a design the model refuses, ln L
    = -inf, samples the input whatever the rest); an input is sampled when it reaches
    :data:`SCREEN_LOG_LIKELIHOOD`; the others keep
    their prior and sit at its median in the likelihood, which moves the posterior's weights by
    about that fraction at most. This sees what a rank correlation over the prior misses: an input
    whose effect is not monotone, or that matters only once another is pinned by the data (a ridge
    of TIA noise against collection efficiency). Nuisance inputs are always sampled.
    """
    dims = len(log_prob.sampled)
    unit = rng.random((START_DRAWS, dims))
    log_like = log_prob.log_likelihood(unit)
    weights = np.exp(log_like - log_like.max())
    pick = rng.choice(START_DRAWS, size=SCREEN_PROBES, replace=True, p=weights / weights.sum())
    redrawn = np.repeat(unit[pick][None], design_dims, axis=0)  # (design input, probe, dims)
    for j in range(design_dims):
        redrawn[j, :, j] = rng.random(SCREEN_PROBES)
    change = log_prob.log_likelihood(redrawn.reshape(-1, dims)).reshape(design_dims, SCREEN_PROBES) - log_like[pick]
    refused = np.isneginf(change)  # the redraw made a design the model refuses (L = 0): the input matters
    with np.errstate(invalid="ignore"):  # an input whose every redraw is refused: no finite change
        finite_mean = np.nan_to_num(np.nanmean(np.where(refused, np.nan, np.abs(change)), axis=1))
    informed = (finite_mean >= SCREEN_LOG_LIKELIHOOD) | refused.any(axis=1)
    free = np.concatenate([informed, np.ones(dims - design_dims, dtype=bool)])
    screen = {inp.path: float(e) for inp, e in zip(log_prob.sampled[:design_dims], finite_mean, strict=False)}
    return unit, log_like, screen, free


def _start(unit: np.ndarray, log_like: np.ndarray, free: np.ndarray, walkers: int, rng) -> np.ndarray:
    """Walkers drawn from the prior draws by sampling-importance-resampling (Rubin 1988), with
    replacement (drawing without it would fill the ensemble with the low-weight tail once the few
    heavy draws are taken), each moved by :data:`START_JITTER` in the logit so that no two coincide:
    the chain starts near the posterior and its burn-in is short (the diagnostics judge the kept half)."""
    weights = np.exp(log_like - log_like.max())
    pick = rng.choice(len(unit), size=walkers, replace=True, p=weights / weights.sum())
    x = logit(np.clip(unit[pick][:, free], 1e-9, 1.0 - 1e-9))
    return x + rng.normal(0.0, START_JITTER, x.shape)


def _setup(
    design: MosaicDesign, inputs: tuple[UncertainInput, ...], datasets: tuple[BerDataset, ...], base_of
) -> tuple[tuple[int, ...], list[UncertainInput], _LogProb, str]:
    """The informed inputs' indices, the candidates (design inputs, then nuisance), the log
    posterior and the key of everything the chain depends on (:func:`posterior_key`)."""
    order, nuisance, models, priors = data_models(design, inputs, datasets, base_of)
    candidates = [inputs[j] for j in order] + list(nuisance)
    if not candidates:
        raise ConfigError("data: no ranged input of the design reaches the data's design; nothing to condition")
    return (
        order,
        candidates,
        _LogProb(candidates, models, priors, len(order)),
        posterior_key(design, candidates, models, priors),
    )


def shared_chain(
    design: MosaicDesign, inputs: tuple[UncertainInput, ...], datasets: tuple[BerDataset, ...], base_of
) -> str:
    """The :func:`chain_key` of a design's chain (``tools/posteriors.py`` runs each distinct one once)."""
    order, nuisance, models, priors = data_models(design, inputs, datasets, base_of)
    return chain_key([inputs[j] for j in order] + list(nuisance), models, priors)


def posterior_key(design: MosaicDesign, candidates: list[UncertainInput], models: list[DataModel], priors) -> str:
    """SHA-256 of everything a shipped posterior depends on but the model code: the design (its
    nominal values are the percentiles' reference) and the chain's own key (:func:`chain_key`). The
    model code is checked by the stored log likelihoods instead (:func:`check_shipped`)."""
    return _sha256({"design": design.model_dump(mode="json"), "chain": chain_key(candidates, models, priors)})


def chain_key(candidates: list[UncertainInput], models: list[DataModel], priors) -> str:
    """SHA-256 of everything the chain itself depends on: the designs the data were measured on, the
    candidate inputs' paths and ranges, the nuisance priors, the datasets (their files' hashes) and
    the sampler's settings. Designs that share it (the production presets on the prototype's
    points) share one chain."""
    return _sha256(
        {
            "bases": {m.design.name: m.design.model_dump(mode="json") for m in models},
            "inputs": [[i.path, i.low, i.high, i.distribution, i.integer] for i in candidates],
            "priors": priors,
            "datasets": [[m.dataset.name, m.dataset.base, m.dataset.sha256, m.dataset.statistic] for m in models],
            "sampler": [
                SAMPLER,
                WALKERS_PER_INPUT,
                MIN_WALKERS,
                MAX_WALKERS,
                ADAPT_SEGMENTS,
                ADAPT_STEPS,
                SEGMENT_STEPS,
                MAX_STEPS,
                BURN_TAUS,
                PROPOSAL_WEIGHTS,
                PROPOSAL_T_DOF,
                PROPOSAL_T_SCALE,
                INDEPENDENCE_FRACTION,
                MAX_RHAT,
                MIN_ESS,
                START_DRAWS,
                SCREEN_PROBES,
                SCREEN_LOG_LIKELIHOOD,
            ],
        }
    )


def _sha256(content: dict[str, Any]) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def sample_posterior(
    design: MosaicDesign,
    inputs: tuple[UncertainInput, ...],
    datasets: tuple[BerDataset, ...],
    base_of,
    seed: int = 0,
    max_steps: int = MAX_STEPS,
) -> tuple[PosteriorResult, tuple[int, ...]]:
    """Run the chain over the inputs the data inform (module Notes); also return their indices in ``inputs``.

    The proposal adapts for :data:`ADAPT_SEGMENTS` x :data:`ADAPT_STEPS` steps and is then frozen; the
    kept chain grows by :data:`SEGMENT_STEPS` until :func:`passes` (or ``max_steps`` kept steps: the
    result then says "not converged"), judged on the kept chain after :data:`BURN_TAUS` autocorrelation
    times, thinned by half the shortest (:func:`_kept`)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):  # small products: a second BLAS thread only spins
        return _sample(design, inputs, datasets, base_of, seed, max_steps)


def _sample(
    design: MosaicDesign,
    inputs: tuple[UncertainInput, ...],
    datasets: tuple[BerDataset, ...],
    base_of,
    seed: int,
    max_steps: int,
) -> tuple[PosteriorResult, tuple[int, ...]]:
    import emcee

    order, candidates, log_prob, key = _setup(design, inputs, datasets, base_of)
    rng = generator(seed, Stream.POSTERIOR)
    unit, log_like, screen, free = _screen(log_prob, len(order), rng)
    log_prob.free = free
    sampled = [inp for inp, keep in zip(candidates, free, strict=True) if keep]
    kept_order = tuple(j for j, keep in zip(order, free[: len(order)], strict=True) if keep)
    dims = len(sampled)
    walkers = walker_count(dims)
    proposal = IndependenceProposal(dims)
    proposal.fit(logit(np.clip(unit[:, free], 1e-9, 1.0 - 1e-9)), np.exp(log_like - log_like.max()))
    state = _start(unit, log_like, free, walkers, rng)
    moves = [
        (emcee.moves.MHMove(proposal), INDEPENDENCE_FRACTION),
        (emcee.moves.DEMove(), 1 - INDEPENDENCE_FRACTION),
    ]
    sampler = emcee.EnsembleSampler(walkers, dims, log_prob, vectorize=True, moves=moves)
    sampler.random_state = np.random.RandomState(int(rng.integers(2**31))).get_state()  # seeded moves
    for segment in range(ADAPT_SEGMENTS):
        state = sampler.run_mcmc(state, ADAPT_STEPS, progress=False)
        proposal.fit(sampler.get_chain()[-min((segment + 1) * ADAPT_STEPS, 3 * ADAPT_STEPS) :].reshape(-1, dims))
    adapt = ADAPT_SEGMENTS * ADAPT_STEPS
    names = [s.path for s in sampled]
    kept = 0
    while True:
        state = sampler.run_mcmc(state, SEGMENT_STEPS, progress=False)
        kept += SEGMENT_STEPS
        tau, burn, thin = _kept(sampler, adapt, kept)
        chain = sampler.get_chain(discard=adapt + burn, thin=thin)
        rhat, ess, ess_tail = diagnostics(chain, names)
        if passes(rhat, ess, ess_tail) or kept >= max_steps:
            break
    result = PosteriorResult(
        sampled=tuple(sampled),
        design_inputs=len(kept_order),
        kept_unit=expit(chain.reshape(-1, dims)),
        walkers=walkers,
        steps=adapt + kept,
        burn=adapt + burn,
        rhat=rhat,
        ess=ess,
        acceptance=float(np.mean(sampler.acceptance_fraction)),
        datasets=tuple(ds.name for ds in datasets),
        seed=seed,
        screen=screen,
        autocorr_steps=dict(zip(names, (float(t) for t in tau), strict=True)),
        source=f"chain run now (key {key[:12]})",
        ess_tail=ess_tail,
        thin=thin,
    )
    return result, kept_order


def _kept(sampler, adapt: int, kept: int) -> tuple[np.ndarray, int, int]:
    """emcee's integrated autocorrelation time of each input on the kept chain (``kept`` steps after
    the ``adapt`` steps of adaptation), its burn-in (:data:`BURN_TAUS` times the longest, at most half
    the kept chain) and its thinning (half the shortest, at least 1). A walker that never moved leaves
    no autocorrelation time: the burn-in is then half the chain and the diagnostics judge it."""
    tau = integrated_time_steps(sampler.get_chain(discard=adapt))
    if not np.all(np.isfinite(tau)):
        return tau, kept // 2, 1
    burn = min(int(np.ceil(BURN_TAUS * np.max(tau))), kept // 2)
    return tau, burn, max(int(np.min(tau) // 2), 1)


def integrated_time_steps(chain: np.ndarray, window_c: float = 5.0) -> np.ndarray:
    """Integrated autocorrelation time of each input of a (steps, walkers, inputs) chain: emcee's
    ``autocorr.integrated_time(chain, c=window_c, tol=0)`` in one FFT over every walker and input.

    As emcee (Goodman & Weare, CAMCoS 5, 2010; Sokal's window): each walker's normalised
    autocorrelation function :math:`\rho_k(t)` by FFT (zero-padded to twice the next power of two),
    averaged over the walkers, :math:`\\hat\tau(M) = 1 + 2\\sum_{t=1}^{M}\bar\rho(t)` at the
    smallest window :math:`M \\ge c\\,\\hat\tau(M)`. emcee loops over walkers and inputs in Python
    (392 transforms per check on the 800G chain, ~7 s of a live chain's ~140 s); here one batched
    transform: the same estimate to rounding (tested against emcee). A walker that never moved has
    0/0 in its autocorrelation: NaN, as emcee's.
    """
    steps = chain.shape[0]
    size = 2 * (1 << max(steps - 1, 0).bit_length())  # twice the next power of two >= steps
    series = np.ascontiguousarray(np.moveaxis(chain, 0, -1))  # (walkers, inputs, steps): transforms on rows
    series = series - series.mean(axis=-1, keepdims=True)
    spectrum = np.fft.rfft(series, n=size, axis=-1)
    acf = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, n=size, axis=-1)[..., :steps]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_acf = (acf / acf[..., :1]).mean(axis=0).T  # (steps, inputs)
    taus = 2.0 * np.cumsum(mean_acf, axis=0) - 1.0
    short = np.arange(steps)[:, None] < window_c * taus
    window = np.where(short.any(axis=0), np.argmin(short, axis=0), steps - 1)
    return taus[window, np.arange(taus.shape[1])]


class IndependenceProposal:
    r"""Independence Metropolis-Hastings proposal (Tierney, Ann. Statist. 22, 1994) in the sampler's
    logit coordinates, for ``emcee.moves.MHMove``: a mixture of a Gaussian kernel density estimate
    of posterior draws (Scott's bandwidth), a Student t (:data:`PROPOSAL_T_DOF` dof) with their
    mean and :data:`PROPOSAL_T_SCALE` times their covariance, and the prior itself (the logistic
    density of a flat prior in the unit cube), weighted :data:`PROPOSAL_WEIGHTS`.

    The prior component is the defensive mixture of Hesterberg (Technometrics 37, 1995): the
    posterior over the proposal is at most :math:`\max L / w_{prior}` (the likelihood here is at most
    1: it is built of squared residuals), so the chain is uniformly ergodic (Mengersen & Tweedie,
    Ann. Statist. 24, 1996) whatever the fit. The proposal does not depend on the walker's state:
    its Hastings factor is :math:`\ln q(x) - \ln q(x')`.
    """

    def __init__(self, dims: int):
        self.dims = dims
        self.kde: Any = None
        self.t: Any = None

    def fit(self, points: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Fit the KDE and t components to ``points`` (n, dims), optionally weighted; a degenerate
        set (fewer distinct weighty points than dimensions) keeps the previous fit, or the prior alone."""
        from scipy.stats import gaussian_kde, multivariate_t

        if weights is not None:  # points of no weight only slow the KDE (and zero weights make its logpdf NaN)
            keep = weights > NEGLIGIBLE_WEIGHT * np.max(weights)
            points, weights = points[keep], weights[keep]
        try:
            kde = gaussian_kde(points.T, weights=weights)
            cov = PROPOSAL_T_SCALE * np.atleast_2d(kde.covariance) / kde.factor**2
            t = multivariate_t(np.average(points, axis=0, weights=weights), cov, df=PROPOSAL_T_DOF)
        except (np.linalg.LinAlgError, ValueError):
            return
        self.kde, self.t = kde, t

    def log_density(self, x: np.ndarray) -> np.ndarray:
        r""":math:`\ln q(x)` at (n, dims) points."""
        prior = -np.sum(np.logaddexp(0.0, x) + np.logaddexp(0.0, -x), axis=1)
        if self.kde is None:
            return prior
        parts = np.array([self.kde.logpdf(x.T), self.t.logpdf(x).reshape(-1), prior])
        return np.logaddexp.reduce(np.log(PROPOSAL_WEIGHTS)[:, None] + parts, axis=0)

    def __call__(self, coords: np.ndarray, random: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
        """emcee's proposal function: new points for every walker and the Hastings log factors."""
        n = len(coords)
        new = logit(np.clip(random.rand(n, self.dims), 1e-12, 1.0 - 1e-12))  # the prior component
        if self.kde is not None:
            component = np.searchsorted(np.cumsum(PROPOSAL_WEIGHTS), random.rand(n) * sum(PROPOSAL_WEIGHTS))
            if (k := int(np.sum(component == 0))) > 0:
                new[component == 0] = self.kde.resample(k, seed=random).T
            if (k := int(np.sum(component == 1))) > 0:
                new[component == 1] = np.reshape(self.t.rvs(size=k, random_state=random), (k, self.dims))
        return new, self.log_density(coords) - self.log_density(new)


def conditioned(
    design: MosaicDesign,
    inputs: tuple[UncertainInput, ...],
    datasets: tuple[BerDataset, ...],
    base_of,
    seed: int = 0,
    resample: bool = False,
    run_chain: bool = True,
) -> tuple[PosteriorResult, tuple[int, ...]] | None:
    """The shipped posterior of ``design`` when its key matches (and ``resample`` is not asked), else a
    chain run now (:func:`sample_posterior`), or None when there is no matching shipped posterior and
    ``run_chain`` is False (the report: the chain, minutes of CPU, stays out of its hot path)."""
    if not resample:
        shipped = load_shipped(design, inputs, datasets, base_of)
        if shipped is not None:
            return shipped
        if not run_chain:
            return None
    chain, order = sample_posterior(design, inputs, datasets, base_of, seed)
    _, candidates, log_prob, _ = _setup(design, inputs, datasets, base_of)
    draws = chain.draws_unit(SHIPPED_DRAWS, chain.seed)
    log_weight = full_model_log_weights(log_prob, _check_unit(candidates, chain.sampled, draws))
    return reweighted(chain, draws, log_weight), order


def reweighted(chain: PosteriorResult, draws: np.ndarray, log_weight: np.ndarray) -> PosteriorResult:
    """The full model's posterior from ``draws`` (n, sampled) of the fast path's (``chain``'s thinned draws)
    and their :func:`full_model_log_weights`: the draws resampled by those weights
    (:func:`importance_resample`), with their effective number (docs/calibration.md). The chain's
    diagnostics stay the fast path's chain's."""
    resampled = draws[importance_resample(log_weight, chain.seed)]
    return replace(chain, kept_unit=resampled, full_model_draws=effective_draws(log_weight))


def save_posterior(
    result: PosteriorResult,
    design: MosaicDesign,
    inputs: tuple[UncertainInput, ...],
    datasets: tuple[BerDataset, ...],
    base_of,
    path=None,
    weights: np.ndarray | None = None,
) -> Path:
    """Write ``result`` as the shipped posterior of ``design`` (``tools/posteriors.py``): its key,
    diagnostics, :data:`SHIPPED_DRAWS` thinned draws with their :func:`full_model_log_weights` (one
    full-model run per draw and point, ~30 s; ``weights``: those another design of the same chain,
    :func:`shared_chain`, got for the same draws) and :data:`CHECK_DRAWS` draws with their log
    likelihood (the staleness check of :func:`check_shipped`)."""
    from mosaiclink.config.posteriors import posterior_path

    _, candidates, log_prob, key = _setup(design, inputs, datasets, base_of)
    draws = result.draws_unit(SHIPPED_DRAWS, result.seed).astype(np.float32)  # as stored, and weighed as read
    check = draws[:CHECK_DRAWS].astype(np.float64)
    meta = {
        "key": key,
        "sampled": [inp.path for inp in result.sampled],
        "design_inputs": result.design_inputs,
        "walkers": result.walkers,
        "steps": result.steps,
        "burn": result.burn,
        "thin": result.thin,
        "rhat": result.rhat,
        "ess": result.ess,
        "ess_tail": result.ess_tail,
        "acceptance": result.acceptance,
        "datasets": list(result.datasets),
        "seed": result.seed,
        "screen": result.screen,
        "autocorr_steps": result.autocorr_steps,
    }
    return _write_posterior(
        path or posterior_path(design.name),
        meta,
        draws=draws,
        check_unit=check,
        check_log_likelihood=_check_log_likelihood(log_prob, candidates, result.sampled, check),
        full_model_log_weight=full_model_log_weights(
            log_prob, _check_unit(candidates, result.sampled, draws.astype(np.float64))
        )
        if weights is None
        else weights,
    )


def weigh_shipped(
    design: MosaicDesign,
    inputs: tuple[UncertainInput, ...],
    datasets: tuple[BerDataset, ...],
    base_of,
    weights: np.ndarray | None = None,
) -> Path:
    """(Re)compute the full-model weights of ``design``'s shipped draws and rewrite its file with them,
    every other array as it was (``tools/posteriors.py --weights``: the chain is not run again);
    ``weights``: those of another design's file of the same chain (:func:`shared_chain`: the same
    draws and likelihoods), written as they are."""
    log_prob, shipped, unit_of = _shipped_model(design, inputs, datasets, base_of)
    if weights is None:
        weights = full_model_log_weights(log_prob, unit_of(shipped["draws"]))
    arrays = {k: v for k, v in shipped.items() if k not in ("meta", "path", "full_model_log_weight")}
    return _write_posterior(shipped["path"], shipped["meta"], **arrays, full_model_log_weight=weights)


def _write_posterior(path: Path, meta: dict[str, Any], **arrays: np.ndarray) -> Path:
    """A posterior file: its ``meta`` as JSON beside ``arrays``, compressed, written atomically."""
    import io
    import json

    from mosaiclink.config.io import write_bytes_atomic

    buffer = io.BytesIO()
    fields: dict[str, Any] = {"meta": np.array(json.dumps(meta, sort_keys=True)), **arrays}
    np.savez_compressed(buffer, **fields)
    return write_bytes_atomic(path, buffer.getvalue(), "posterior file")


def _check_log_likelihood(log_prob: _LogProb, candidates, sampled, unit: np.ndarray) -> np.ndarray:
    """Log likelihood of draws of the sampled inputs, the screened-out ones at their prior median."""
    return log_prob.log_likelihood(_check_unit(candidates, sampled, unit))


def _check_unit(candidates, sampled, unit: np.ndarray) -> np.ndarray:
    """Unit-cube points of every candidate input (draws, candidates): the ``sampled`` inputs' draws
    ``unit``, the screened-out ones at their prior median (0.5)."""
    full = np.full((len(unit), len(candidates)), 0.5)
    full[:, [candidates.index(inp) for inp in sampled]] = unit
    return full


def _read_shipped(name: str) -> dict[str, Any] | None:
    import json

    from mosaiclink.config.io import read_npz
    from mosaiclink.config.posteriors import posterior_path

    path = posterior_path(name)
    if not path.is_file():
        return None
    out = read_npz(path, "posterior file")
    return {**out, "meta": json.loads(str(out["meta"])), "path": path}


def load_shipped(
    design: MosaicDesign, inputs: tuple[UncertainInput, ...], datasets: tuple[BerDataset, ...], base_of
) -> tuple[PosteriorResult, tuple[int, ...]] | None:
    """The shipped posterior of ``design`` (its draws resampled by their stored full-model weights:
    :func:`reweighted`) and the indices of its design inputs in ``inputs``, or None when there is
    none, its key differs from this design, ranges and data's, or it has no weights for its draws."""
    order, candidates, _, key = _setup(design, inputs, datasets, base_of)
    shipped = _read_shipped(design.name)
    if shipped is None or shipped["meta"]["key"] != key:
        return None
    meta = shipped["meta"]
    by_path = {inp.path: inp for inp in candidates}
    sampled = tuple(by_path[p] for p in meta["sampled"])
    paths = [inp.path for inp in inputs]
    kept_order = tuple(paths.index(p) for p in meta["sampled"][: meta["design_inputs"]])
    draws = shipped["draws"].astype(np.float64)
    result = PosteriorResult(
        sampled=sampled,
        design_inputs=meta["design_inputs"],
        kept_unit=draws,
        walkers=meta["walkers"],
        steps=meta["steps"],
        burn=meta["burn"],
        rhat=meta["rhat"],
        ess=meta["ess"],
        acceptance=meta["acceptance"],
        datasets=tuple(meta["datasets"]),
        seed=meta["seed"],
        screen=meta["screen"],
        autocorr_steps=meta["autocorr_steps"],
        source=f"shipped {shipped['path'].name} (key {key[:12]}, tools/posteriors.py)",
        ess_tail=meta["ess_tail"],
        thin=meta["thin"],
    )
    weight = shipped.get("full_model_log_weight")
    if weight is None or weight.shape != (len(draws),):  # a file shipped before the weights: stale
        return None
    return reweighted(result, draws, weight.astype(np.float64)), kept_order


def check_shipped(
    design: MosaicDesign, inputs: tuple[UncertainInput, ...], datasets: tuple[BerDataset, ...], base_of
) -> tuple[bool, np.ndarray]:
    """Is the shipped posterior of ``design`` current: its key matches, and the model's log
    likelihood now minus the stored one at its :data:`CHECK_DRAWS` draws, then their full-model
    weights now minus the stored ones (the model code's check: the fast path's and the full model's)."""
    _, candidates, log_prob, key = _setup(design, inputs, datasets, base_of)
    shipped = _read_shipped(design.name)
    if shipped is None:
        return False, np.array([np.inf])
    by_path = {inp.path: inp for inp in candidates}
    sampled = [by_path[p] for p in shipped["meta"]["sampled"] if p in by_path]
    if len(sampled) != len(shipped["meta"]["sampled"]):
        return False, np.array([np.inf])
    now = _check_log_likelihood(log_prob, candidates, sampled, shipped["check_unit"])
    stored = shipped.get("full_model_log_weight")
    if stored is None or len(stored) < CHECK_DRAWS:
        return False, np.array([np.inf])
    weight = full_model_log_weights(log_prob, _check_unit(candidates, sampled, shipped["check_unit"]))
    moved = np.where(weight == stored[:CHECK_DRAWS], 0.0, weight - stored[:CHECK_DRAWS])  # -inf == -inf
    return shipped["meta"]["key"] == key, np.concatenate([now - shipped["check_log_likelihood"], moved])


def walker_count(dims: int) -> int:
    """Walkers of a chain over ``dims`` inputs: :data:`WALKERS_PER_INPUT` each, even, within the
    bounds (differential evolution needs more walkers than dimensions to span them; the R-hat over
    walkers and the ESS >= 400 need ~20 kept autocorrelation times each and at least 20 walkers)."""
    return 2 * (min(max(WALKERS_PER_INPUT * dims, MIN_WALKERS), MAX_WALKERS) // 2)


def passes(rhat: dict[str, float], ess: dict[str, float], ess_tail: dict[str, float]) -> bool:
    """Every input has R-hat below :data:`MAX_RHAT` and bulk and tail ESS of at least :data:`MIN_ESS`."""
    return (
        all(v < MAX_RHAT for v in rhat.values())
        and all(v >= MIN_ESS for v in ess.values())
        and all(v >= MIN_ESS for v in ess_tail.values())
        and set(ess_tail) == set(rhat)
    )


def diagnostics(chain: np.ndarray, names: list[str]) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Rank-normalised split R-hat, bulk ESS and tail ESS per input (ArviZ; Vehtari et al., Bayesian
    Analysis 16, 2021), each walker a chain.

    ``chain`` is (steps, walkers, inputs) as ``emcee`` stores it.
    """
    import arviz as az

    per_chain = np.swapaxes(chain, 0, 1)  # (chains, draws, inputs)
    rhat = {n: float(az.rhat(per_chain[:, :, j], method="rank")) for j, n in enumerate(names)}
    ess = {n: float(az.ess(per_chain[:, :, j], method="bulk")) for j, n in enumerate(names)}
    tail = {n: float(az.ess(per_chain[:, :, j], method="tail")) for j, n in enumerate(names)}
    return rhat, ess, tail
