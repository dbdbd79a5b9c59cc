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
Sci. 5, 2010) of ``emcee`` (Foreman-Mackey et al., PASP 125, 2013) with ``vectorize=True``, so
every step evaluates all walkers in one array pass of the fast path, with differential-evolution
moves (ter Braak & Vrugt, Stat. Comput. 16, 2006/2008: 80 % DE, 20 % snooker), which follow the
curved ridges the data leave better than the stretch move. Inputs are sampled in the logit of
their unit-cube coordinate :math:`u \in [0, 1]` (the prior's CDF: flat prior); nuisance inputs
with a Gaussian prior add :math:`-\tfrac12((\theta - \mu)/s)^2`. The walkers start from
prior draws resampled by likelihood (:func:`_start`). The chain runs in blocks of
:data:`BLOCK_STEPS` until, on its second half, every sampled input has the rank-normalised split
:math:`\hat R` < :data:`MAX_RHAT` and bulk effective sample size >= :data:`MIN_ESS` (Vehtari et al.,
Bayesian Analysis 16, 2021, via ArviZ, each walker a chain), or :data:`MAX_STEPS` is reached (then
the diagnostics say so). Inputs the data do not inform have the prior as posterior (the prior is a
product and the likelihood does not depend on them): they are drawn from the prior, not sampled.
Which inputs the data inform is screened on :data:`START_DRAWS` prior draws (:func:`_screen`: rank
correlation with the likelihood at least three standard errors); an input below it is treated as
uninformed, an approximation the round-trip test (``tests/explore/test_posterior.py``) bounds.

The model is the fast path's nominal interior channel (``explore.evaluate``) at each point's
conditions, the statistic the published points describe (the median channel) approximated by
it until the population-aware fast path gives the median channel in one pass (issue 21).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit, logit

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.measurements import BerDataset
from mosaiclink.errors import ConfigError
from mosaiclink.explore.evaluate import BLOCK_ROWS, length_independent
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
MAX_RHAT = 1.05
MIN_ESS = 400.0
BLOCK_STEPS = 500
MAX_STEPS = 6000
MIN_WALKERS = 32
START_DRAWS = 4096  # prior draws the walkers' start is resampled from and the screen runs on
SCREEN_RANK_CORRELATION = 0.05  # three standard errors of a rank correlation at START_DRAWS draws


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
    (walkers, len(paths)) -> (walkers, points): the one model the likelihood asks (module Notes).

    The fast path's nominal interior channel in one array pass; its median-channel column
    replaces it when the population-aware fast path lands.
    """
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
    full, _, static, inverse = length_independent(design, all_paths, rows)
    log10_ber = static.take(inverse, full).log10_ber(full.link.length_m)
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
    """The chain, its diagnostics and draws of the sampled inputs (in the inputs' units)."""

    sampled: tuple[UncertainInput, ...]  # the inputs the chain ran over (design inputs, then nuisance)
    design_inputs: int  # how many of ``sampled`` are design inputs (the rest are nuisance)
    chain_unit: np.ndarray  # (steps, walkers, sampled) in the unit cube, the whole chain
    log_prob: np.ndarray  # (steps, walkers)
    burn: int  # steps discarded
    rhat: dict[str, float]
    ess: dict[str, float]
    acceptance: float
    datasets: tuple[str, ...]
    seed: int
    screen: dict[str, float] = field(default_factory=dict)  # rank correlation of each candidate with the likelihood

    @property
    def converged(self) -> bool:
        """Every sampled input meets :data:`MAX_RHAT` and :data:`MIN_ESS`."""
        return all(v < MAX_RHAT for v in self.rhat.values()) and all(v >= MIN_ESS for v in self.ess.values())

    def draws_unit(self, count: int, seed: int) -> np.ndarray:
        """``count`` draws (count, sampled) from the kept half of the chain, evenly thinned in a seeded order."""
        kept = self.chain_unit[self.burn :].reshape(-1, self.chain_unit.shape[-1])
        index = np.linspace(0, len(kept) - 1, count).round().astype(int)
        return kept[generator(seed, Stream.POSTERIOR, 1).permutation(index)]

    def shrinkage(self) -> dict[str, float]:
        """Posterior 90 % interval over the prior's, per design input (in the prior's CDF: 0.9 = no
        information, small = the data decide it)."""
        kept = self.chain_unit[self.burn :].reshape(-1, self.chain_unit.shape[-1])
        lo, hi = np.percentile(kept, [5.0, 95.0], axis=0)
        return {inp.path: float((hi[j] - lo[j]) / 0.9) for j, inp in enumerate(self.sampled[: self.design_inputs])}

    def nominal_percentiles(self) -> dict[str, float]:
        """Where each sampled input's preset (nominal) value sits in its posterior, percent: a
        preset value far from 50 is a corner of what the data allow, not a typical value."""
        kept = self.chain_unit[self.burn :].reshape(-1, self.chain_unit.shape[-1])
        return {
            inp.path: float(100.0 * np.mean(kept[:, j] <= inp.to_unit(inp.nominal)))
            for j, inp in enumerate(self.sampled)
        }

    def to_dict(self, draws: int = 500) -> dict[str, Any]:
        """Diagnostics and ``draws`` thinned draws of the design inputs as plain JSON-ready data."""
        steps, walkers = self.chain_unit.shape[:2]
        unit = self.draws_unit(draws, self.seed)
        percentiles = self.nominal_percentiles()
        return {
            "sampler": "emcee EnsembleSampler (stretch move, vectorized)",
            "datasets": list(self.datasets),
            "walkers": int(walkers),
            "steps": int(steps),
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
                    "prior": [inp.low, inp.high],
                    "nominal": inp.nominal,
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
    is at least :data:`SCREEN_RANK_CORRELATION` (three standard errors at :data:`START_DRAWS` draws):
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
    """Walkers drawn from the prior draws by sampling-importance-resampling (Rubin 1988): the chain
    starts near the posterior and its burn-in is short (the diagnostics still judge the kept half)."""
    weights = np.exp(log_like - log_like.max())
    distinct = int(np.count_nonzero(weights > 1e-12 * weights.sum())) >= walkers
    pick = rng.choice(len(unit), size=walkers, replace=not distinct, p=weights / weights.sum())
    x = logit(np.clip(unit[pick][:, free], 1e-9, 1.0 - 1e-9))
    # a sharp likelihood leaves few prior draws of weight: spread repeated picks apart a little
    return x if distinct else x + rng.normal(0.0, 0.05, x.shape)


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

    order, nuisance, models, priors = data_models(design, inputs, datasets, base_of)
    candidates = [inputs[j] for j in order] + list(nuisance)
    if not candidates:
        raise ConfigError("data: no ranged input of the design reaches the data's design; nothing to condition")
    log_prob = _LogProb(candidates, models, priors, len(order))
    rng = generator(seed, Stream.POSTERIOR)
    unit, log_like, screen, free = _screen(log_prob, len(order), rng)
    log_prob.free = free
    sampled = [inp for inp, keep in zip(candidates, free, strict=True) if keep]
    kept_order = tuple(j for j, keep in zip(order, free[: len(order)], strict=True) if keep)
    dims = len(sampled)
    walkers = max(MIN_WALKERS, 2 * ((4 * dims + 1) // 2))
    state = _start(unit, log_like, free, walkers, rng)
    moves = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    sampler = emcee.EnsembleSampler(walkers, dims, log_prob, vectorize=True, moves=moves)
    sampler.random_state = np.random.RandomState(int(rng.integers(2**31))).get_state()  # seeded moves
    steps = 0
    rhat: dict[str, float] = {}
    ess: dict[str, float] = {}
    while steps < max_steps:
        state = sampler.run_mcmc(state, BLOCK_STEPS, progress=False)
        steps += BLOCK_STEPS
        rhat, ess = diagnostics(sampler.get_chain()[steps // 2 :], [s.path for s in sampled])
        if all(v < MAX_RHAT for v in rhat.values()) and all(v >= MIN_ESS for v in ess.values()):
            break
    result = PosteriorResult(
        tuple(sampled),
        len(kept_order),
        expit(sampler.get_chain()),
        sampler.get_log_prob(),
        steps // 2,
        rhat,
        ess,
        float(np.mean(sampler.acceptance_fraction)),
        tuple(ds.name for ds in datasets),
        seed,
        screen,
    )
    return result, kept_order


def diagnostics(chain: np.ndarray, names: list[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Rank-normalised split R-hat and bulk ESS per input (ArviZ), each walker a chain.

    ``chain`` is (steps, walkers, inputs) as ``emcee`` stores it.
    """
    import arviz as az

    per_chain = np.swapaxes(chain, 0, 1)  # (chains, draws, inputs)
    rhat = {n: float(az.rhat(per_chain[:, :, j], method="rank")) for j, n in enumerate(names)}
    ess = {n: float(az.ess(per_chain[:, :, j], method="bulk")) for j, n in enumerate(names)}
    return rhat, ess
