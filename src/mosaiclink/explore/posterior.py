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
:math:`((m_i - y_i)/\sigma_i)^2/2` above it), :math:`\ln L = -\tfrac12\sum_i r_i^2`.

Sampler: the affine-invariant ensemble sampler (Goodman & Weare, Commun. Appl. Math. Comput.
Sci. 5, 2010) of ``emcee`` (Foreman-Mackey et al., PASP 125, 2013) with ``vectorize=True`` (each
call one array pass of the fast path over half the walkers), mixing two moves half and half: the
KDE move (proposals from a Gaussian kernel density estimate of the complementary walkers, an
independence-type proposal shaped like the posterior) and the stretch move. Inputs are sampled in
the logit of their unit-cube coordinate :math:`u \in [0, 1]` (the prior's CDF: flat prior);
nuisance inputs with a Gaussian prior add :math:`-\tfrac12((\theta - \mu)/s)^2`. The walkers
(:func:`walker_count`: 12 per sampled input, the KDE needs many more points than dimensions) start
from prior draws resampled by likelihood (:func:`_start`). The chain runs in blocks of
:data:`BLOCK_STEPS` until, on its second half, every sampled input has the rank-normalised split
:math:`\hat R` < :data:`MAX_RHAT` and bulk effective sample size >= :data:`MIN_ESS` (Vehtari et al.,
Bayesian Analysis 16, 2021, via ArviZ, each walker a chain), or :data:`MAX_STEPS` is reached (then
the diagnostics say so); emcee's integrated autocorrelation time is stored beside them. Inputs
the data do not inform have the prior as posterior (the prior is a product and the likelihood
does not depend on them): they are drawn from the prior, not sampled. Which inputs the data
inform is screened on :data:`START_DRAWS` prior draws (:func:`_screen`: rank correlation with the
likelihood at least ``explore.uncertainty``'s driver threshold, 0.1); an input below it is treated
as uninformed, an approximation the round-trip test (``tests/explore/test_posterior.py``) bounds.

Measured on the 800G preset against the published points (the median channel, load ~8 on two
shared cores, so CPU seconds): the posterior is a thin slab (about 3 % of the prior's volume: the
SIR effective size of 4,096 prior draws is 137), where with 256 walkers over 11 inputs (screen at
0.05) and 160 steps the DE mix (80 % DE, 20 % snooker) accepted 0.085 and left split R-hat
2.1-2.4, the KDE/stretch mix accepted 0.143 and left 1.6-1.8 (the same start). Split R-hat needs
chains of about 20 integrated autocorrelation times, so the chain's cost is walkers x steps: at
~2.5 ms of CPU per walker (three points through the population pass) a converged chain takes
minutes, not the 2-minute budget of ``mosaic uncertainty``. The chain therefore ships: each preset's
posterior on the published points is run by ``tools/posteriors.py`` and read back
(:func:`conditioned`) when its key (:func:`posterior_key`) matches; ``--data`` files or
``--resample`` run it now. The shipped chains' figures are in docs/calibration.md.

The model is the population-aware fast path's median channel
(:func:`mosaiclink.explore.evaluate.population_pass`, column ``log10_ber_median``) at each point's
conditions: the statistic the published points describe and ``mosaic link`` and ``mosaic
calibrate`` report. ``population_pass`` shares one population reference per group of rows (the
array and variation values and the reference length: the published 20 m and 30 m points give two).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import expit, logit

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.measurements import BerDataset
from mosaiclink.errors import ConfigError
from mosaiclink.explore.evaluate import BLOCK_ROWS, nominal_log10_ber, population_pass
from mosaiclink.explore.spec import check_path, numeric_leaves
from mosaiclink.explore.uncertainty import MIN_RANK_CORRELATION as SCREEN_RANK_CORRELATION
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
MIN_ESS = 400.0
BLOCK_STEPS = 250
MAX_STEPS = 4000
WALKERS_PER_INPUT = 12  # walkers per sampled input (module Notes), within [MIN_WALKERS, MAX_WALKERS]
MIN_WALKERS, MAX_WALKERS = 32, 160
START_JITTER = 0.02  # logit units: ~0.5 % of an input's prior CDF near its middle
SHIPPED_DRAWS = 2000  # thinned draws of the kept chain a shipped posterior holds
CHECK_DRAWS = 200  # of them, with their stored log likelihood: the staleness check
SAMPLER = "emcee EnsembleSampler, vectorized: 50 % KDE, 50 % stretch moves"
START_DRAWS = 4096  # prior draws the walkers' start is resampled from and the screen runs on


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


def model_log10_ber(design: MosaicDesign, paths: tuple[str, ...], values: np.ndarray, data: DataModel) -> np.ndarray:
    """log10 BER of the data's statistic at every point's conditions, for every row of ``values``
    (walkers, len(paths)) -> (walkers, points): the one model the likelihood asks (module Notes),
    the population fast path's median channel in one array pass."""
    walkers, points = len(values), len(data.conditions)
    block = max(BLOCK_ROWS // points, 1)
    if walkers > block:  # bounded memory: the fast path's arrays grow with the rows of one pass
        return np.concatenate(
            [model_log10_ber(design, paths, values[i : i + block], data) for i in range(0, walkers, block)]
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
        log10_ber = population_pass(design, all_paths, rows, reaches=False)["log10_ber_median"]
    log10_ber = np.clip(np.nan_to_num(log10_ber, nan=LOG10_HALF), LOG10_BER_FLOOR, LOG10_HALF)
    return log10_ber.reshape(walkers, points)


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
    kept_unit: np.ndarray  # (draws, sampled) in the unit cube: the kept half of the chain (thinned when shipped)
    walkers: int
    steps: int
    burn: int  # steps discarded
    rhat: dict[str, float]
    ess: dict[str, float]
    acceptance: float
    datasets: tuple[str, ...]
    seed: int
    screen: dict[str, float] = field(default_factory=dict)  # rank correlation of each candidate with the likelihood
    autocorr_steps: dict[str, float] = field(default_factory=dict)  # emcee's integrated autocorrelation time
    source: str = "chain run now"  # or the shipped file it was read from

    @property
    def converged(self) -> bool:
        """Every sampled input meets :data:`MAX_RHAT` and :data:`MIN_ESS`."""
        return all(v < MAX_RHAT for v in self.rhat.values()) and all(v >= MIN_ESS for v in self.ess.values())

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
                    "autocorr_steps": _finite(self.autocorr_steps.get(inp.path)),
                    "prior": [inp.low, inp.high],
                    "nominal": inp.nominal,
                    "posterior_median": medians[inp.path],
                    "nominal_percentile": percentiles[inp.path],
                }
                for j, inp in enumerate(self.sampled)
            ],
            "shrinkage": self.shrinkage(),
            "screen_rank_correlation": dict(self.screen),
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
        for f in ds.free:
            check_path(f.path, leaves)
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
    """Prior draws and their log likelihood (START_DRAWS, dims), and which inputs the data inform.

    A design input is sampled when the rank correlation of its prior draws with the log likelihood
    is at least :data:`SCREEN_RANK_CORRELATION` (the threshold that names a driver in ``explore.uncertainty``):
    the others keep their prior (the data do not move them measurably). Nuisance inputs are always sampled.
    """
    from mosaiclink.explore.uncertainty import spearman

    dims = len(log_prob.sampled)
    unit = rng.random((START_DRAWS, dims))
    log_like = log_prob.log_likelihood(unit)
    rho = np.nan_to_num(spearman(unit, log_like))
    free = np.abs(rho) >= SCREEN_RANK_CORRELATION
    free[design_dims:] = True
    return unit, log_like, {inp.path: float(r) for inp, r in zip(log_prob.sampled, rho, strict=True)}, free


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
                BLOCK_STEPS,
                MAX_STEPS,
                MAX_RHAT,
                MIN_ESS,
                START_DRAWS,
                SCREEN_RANK_CORRELATION,
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
    """Run the chain over the inputs the data inform (module Notes); also return their indices in ``inputs``."""
    import emcee

    order, candidates, log_prob, key = _setup(design, inputs, datasets, base_of)
    rng = generator(seed, Stream.POSTERIOR)
    unit, log_like, screen, free = _screen(log_prob, len(order), rng)
    log_prob.free = free
    sampled = [inp for inp, keep in zip(candidates, free, strict=True) if keep]
    kept_order = tuple(j for j, keep in zip(order, free[: len(order)], strict=True) if keep)
    dims = len(sampled)
    walkers = walker_count(dims)
    state = _start(unit, log_like, free, walkers, rng)
    sampler = emcee.EnsembleSampler(walkers, dims, log_prob, vectorize=True, moves=_moves())
    sampler.random_state = np.random.RandomState(int(rng.integers(2**31))).get_state()  # seeded moves
    steps = 0
    rhat: dict[str, float] = {}
    ess: dict[str, float] = {}
    names = [s.path for s in sampled]
    while steps < max_steps:
        state = sampler.run_mcmc(state, BLOCK_STEPS, progress=False)
        steps += BLOCK_STEPS
        rhat, ess = diagnostics(sampler.get_chain()[steps // 2 :], names)
        if all(v < MAX_RHAT for v in rhat.values()) and all(v >= MIN_ESS for v in ess.values()):
            break
    tau = sampler.get_autocorr_time(discard=steps // 2, tol=0)
    result = PosteriorResult(
        tuple(sampled),
        len(kept_order),
        expit(sampler.get_chain(discard=steps // 2, flat=True)),
        walkers,
        steps,
        steps // 2,
        rhat,
        ess,
        float(np.mean(sampler.acceptance_fraction)),
        tuple(ds.name for ds in datasets),
        seed,
        screen,
        dict(zip(names, (float(t) for t in tau), strict=True)),
        f"chain run now (key {key[:12]})",
    )
    return result, kept_order


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
    return sample_posterior(design, inputs, datasets, base_of, seed)


def save_posterior(
    result: PosteriorResult,
    design: MosaicDesign,
    inputs: tuple[UncertainInput, ...],
    datasets: tuple[BerDataset, ...],
    base_of,
    path=None,
) -> Path:
    """Write ``result`` as the shipped posterior of ``design`` (``tools/posteriors.py``): its key,
    diagnostics, :data:`SHIPPED_DRAWS` thinned draws and :data:`CHECK_DRAWS` draws with their log
    likelihood (the staleness check of :func:`check_shipped`)."""
    import io
    import json

    from mosaiclink.config.io import write_bytes_atomic
    from mosaiclink.config.posteriors import posterior_path

    _, candidates, log_prob, key = _setup(design, inputs, datasets, base_of)
    draws = result.draws_unit(SHIPPED_DRAWS, result.seed)
    check = draws[:CHECK_DRAWS].astype(np.float64)
    meta = {
        "key": key,
        "sampled": [inp.path for inp in result.sampled],
        "design_inputs": result.design_inputs,
        "walkers": result.walkers,
        "steps": result.steps,
        "burn": result.burn,
        "rhat": result.rhat,
        "ess": result.ess,
        "acceptance": result.acceptance,
        "datasets": list(result.datasets),
        "seed": result.seed,
        "screen": result.screen,
        "autocorr_steps": result.autocorr_steps,
    }
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        meta=np.array(json.dumps(meta, sort_keys=True)),
        draws=draws.astype(np.float32),
        check_unit=check,
        check_log_likelihood=_check_log_likelihood(log_prob, candidates, result.sampled, check),
    )
    return write_bytes_atomic(path or posterior_path(design.name), buffer.getvalue(), "posterior file")


def _check_log_likelihood(log_prob: _LogProb, candidates, sampled, unit: np.ndarray) -> np.ndarray:
    """Log likelihood of draws of the sampled inputs, the screened-out ones at their prior median."""
    full = np.full((len(unit), len(candidates)), 0.5)
    full[:, [candidates.index(inp) for inp in sampled]] = unit
    return log_prob.log_likelihood(full)


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
    """The shipped posterior of ``design`` and the indices of its design inputs in ``inputs``, or
    None when there is none or its key differs from this design, ranges and data's."""
    order, candidates, _, key = _setup(design, inputs, datasets, base_of)
    shipped = _read_shipped(design.name)
    if shipped is None or shipped["meta"]["key"] != key:
        return None
    meta = shipped["meta"]
    by_path = {inp.path: inp for inp in candidates}
    sampled = tuple(by_path[p] for p in meta["sampled"])
    paths = [inp.path for inp in inputs]
    kept_order = tuple(paths.index(p) for p in meta["sampled"][: meta["design_inputs"]])
    result = PosteriorResult(
        sampled,
        meta["design_inputs"],
        shipped["draws"].astype(np.float64),
        meta["walkers"],
        meta["steps"],
        meta["burn"],
        meta["rhat"],
        meta["ess"],
        meta["acceptance"],
        tuple(meta["datasets"]),
        meta["seed"],
        meta["screen"],
        meta["autocorr_steps"],
        f"shipped {shipped['path'].name} (key {key[:12]}, tools/posteriors.py)",
    )
    return result, kept_order


def check_shipped(
    design: MosaicDesign, inputs: tuple[UncertainInput, ...], datasets: tuple[BerDataset, ...], base_of
) -> tuple[bool, np.ndarray]:
    """Is the shipped posterior of ``design`` current: its key matches, and the model's log
    likelihood now minus the stored one at its :data:`CHECK_DRAWS` draws (the model code's check)."""
    _, candidates, log_prob, key = _setup(design, inputs, datasets, base_of)
    shipped = _read_shipped(design.name)
    if shipped is None:
        return False, np.array([np.inf])
    by_path = {inp.path: inp for inp in candidates}
    sampled = [by_path[p] for p in shipped["meta"]["sampled"] if p in by_path]
    if len(sampled) != len(shipped["meta"]["sampled"]):
        return False, np.array([np.inf])
    now = _check_log_likelihood(log_prob, candidates, sampled, shipped["check_unit"])
    return shipped["meta"]["key"] == key, now - shipped["check_log_likelihood"]


def walker_count(dims: int) -> int:
    """Walkers of a chain over ``dims`` inputs: :data:`WALKERS_PER_INPUT` each (the KDE move's
    density estimate needs many more points than dimensions), even, within the bounds."""
    return 2 * (min(max(WALKERS_PER_INPUT * dims, MIN_WALKERS), MAX_WALKERS) // 2)


def _moves() -> list:
    import emcee

    return [(emcee.moves.KDEMove(), 0.5), (emcee.moves.StretchMove(), 0.5)]


def diagnostics(chain: np.ndarray, names: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Rank-normalised split R-hat and bulk ESS per input (ArviZ), each walker a chain.

    ``chain`` is (steps, walkers, inputs) as ``emcee`` stores it.
    """
    import arviz as az

    per_chain = np.swapaxes(chain, 0, 1)  # (chains, draws, inputs)
    rhat = {n: float(az.rhat(per_chain[:, :, j], method="rank")) for j, n in enumerate(names)}
    ess = {n: float(az.ess(per_chain[:, :, j], method="bulk")) for j, n in enumerate(names)}
    return rhat, ess
