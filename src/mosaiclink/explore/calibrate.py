r"""Fit declared free parameters of a design to measured BER points, with profile-likelihood intervals.

Given a :class:`~mosaiclink.config.measurements.BerDataset`, a base design and a few free
dotted-path parameters with bounds (from the dataset's ``[free]`` table, else from the design's
ranges file), :func:`calibrate` minimises a weighted sum of squares in :math:`\log_{10}` BER
(and in dB for a measured LED response) with ``scipy.optimize.least_squares`` and gives each
fitted value a 95 % profile-likelihood interval.

Notes
-----
Residuals, each in units of its own standard deviation:

* a measured BER (counted, a value or an interval): :math:`r = (\hat y - y)/\sigma` with
  :math:`\hat y` the model's :math:`\log_{10}` BER at the point's conditions, of the channel the
  dataset's ``statistic`` names: the median (default) or worst channel of the full per-channel
  model (:class:`mosaiclink.physics.channel_statistic.ChannelStatistic`, seed 0: the spread is
  drawn once, so the objective is deterministic), or the nominal interior channel of the fast
  path (:func:`mosaiclink.explore.evaluate.nominal_log10_ber`, the same channel core);
* a 95 % interval ("just above the threshold", read as :math:`[p_l, p_h]`) is a Gaussian
  measurement at its log-centre whose own 95 % interval is :math:`[p_l, p_h]`;
* a bound ("BER < x"): the hinge :math:`r = \max(0, \hat y - y)/\sigma` (zero while the bound
  holds: a censored observation, every value on its side equally likely), "BER > x" the mirror
  image;
* an LED response: :math:`(20\log_{10}|H(f)| - m(f))/\sigma_{dB}` with ``microled.transfer_function``;
* a Gaussian prior: :math:`(\theta - \mu)/\sigma_\theta`.

Parameters whose bounds span a decade or more are fitted in :math:`\ln\theta`. With
:math:`\chi^2(\theta) = \sum r^2`, the 95 % profile interval of :math:`\theta_j` is
:math:`\{t : \min_{\theta_{-j}} \chi^2(\theta_j = t) \le \chi^2_{min} + 3.84\}` (Wilks; Venzon &
Moolgavkar, Appl. Stat. 37, 1988), found by Brent's method on each side; an end that the bound
reaches before :math:`\Delta\chi^2 = 3.84` is reported as the bound (the data do not constrain it).
With priors the point estimate is the posterior mode (penalised least squares) and the interval
is the profile of the posterior; when the data pin only a combination of the free parameters, the
priors choose the point along it and each interval is the range the data and the priors allow.

Goodness of fit: with :math:`n` residuals (BER points, LED frequencies and priors, each one
observation; a bound that holds contributes 0, which makes the test lenient) and :math:`k` free
parameters, :math:`\nu = n - k` degrees of freedom and :math:`p = P(\chi^2_\nu \ge
\chi^2_{min})`. The intervals above assume the model can describe the data; when
:math:`p <` :data:`MIN_P_VALUE` it cannot (the residuals are far larger than the stated sigmas),
the intervals are too narrow, and :attr:`Calibration.warning` says so (``mosaic calibrate``
prints it, and ``--strict`` exits non-zero and writes nothing). With :math:`\nu = 0` the fit is
exact by construction and cannot be judged (``p`` is None).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.estimate_ranges import InputRange
from mosaiclink.config.measurements import BerDataset, BerPoint, FreeParameter
from mosaiclink.errors import ConfigError, ModelRangeError
from mosaiclink.explore.evaluate import nominal_log10_ber
from mosaiclink.explore.spec import check_path, numeric_leaves, with_overrides
from mosaiclink.physics.channel_statistic import ChannelStatistic

DELTA_CHI2_95 = 3.841458820694124  # chi2 quantile, 1 degree of freedom, 95 %
LED_RESPONSE_SIGMA_DB = 0.5  # a VNA-measured LED response read to half a dB (documented choice)
LOG10_HALF = float(np.log10(0.5))
LOG10_BER_FLOOR = -300.0  # below float64's smallest normal number
MIN_SIGMA_DECADES = 1e-3  # smallest accepted sigma of an observation (documented choice: a 0.2 % BER error)
LOG_SPAN = 10.0  # bounds spanning this ratio or more are fitted in ln(theta)
PROFILE_TOL = 1e-5  # relative tolerance of the inner fits along a profile (chi2 to ~1e-4)
PROFILE_XTOL = 1e-3  # interval ends to 0.1 % of the parameter's (transformed) range
MAX_FIT_EVALUATIONS = 200  # residual evaluations a fit may spend before it is declared not converged
MIN_P_VALUE = 0.01  # below it the model cannot describe the data (a 1 % test; our choice, as is usual)


@dataclass(frozen=True)
class Fitted:
    """One fitted parameter: value and 95 % profile interval (an end at a bound is open)."""

    path: str
    value: float
    low: float
    high: float
    low_at_bound: bool
    high_at_bound: bool
    start: float

    def covers(self, value: float) -> bool:
        """Whether the interval contains ``value``."""
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Calibration:
    """The fit of one dataset: parameters, residuals and the calibrated design."""

    dataset: BerDataset
    design: MosaicDesign
    fitted: tuple[Fitted, ...]
    chi2: float
    residuals: np.ndarray  # per BER point, in sigmas
    model_log10_ber: np.ndarray  # per BER point
    evaluations: int
    dof: int = 0  # residuals (points, LED frequencies, priors) minus free parameters
    led_model_db: np.ndarray | None = None  # the fitted model's 20 log10 |H(f)| at the measured frequencies

    @property
    def chi2_per_dof(self) -> float | None:
        """Reduced chi-square, or None without degrees of freedom."""
        return self.chi2 / self.dof if self.dof > 0 else None

    @property
    def log10_p_value(self) -> float | None:
        """log10 of P(chi2 >= the fit's) on ``dof`` degrees of freedom (None without any): a log,
        since a failed fit's p underflows a float."""
        return log10_chi2_sf(self.chi2, self.dof) if self.dof > 0 else None

    @property
    def fit_acceptable(self) -> bool:
        """False when the model cannot describe the data (p below :data:`MIN_P_VALUE`)."""
        log10_p = self.log10_p_value
        return log10_p is None or bool(log10_p >= np.log10(MIN_P_VALUE))

    @property
    def fit_quality(self) -> str:
        """``chi2/dof 356 (1068 on 3 dof, p 1e-230)``, or that there are no degrees of freedom."""
        if self.dof <= 0:
            return f"chi2 {self.chi2:.3g} on 0 degrees of freedom (exact by construction: cannot be judged)"
        log10_p = self.log10_p_value
        assert log10_p is not None  # dof > 0
        p = f"{10.0**log10_p:.2g}" if log10_p >= -3 else f"1e{log10_p:.0f}"  # a log: p may underflow
        return f"chi2/dof {self.chi2_per_dof:.3g} ({self.chi2:.4g} on {self.dof} dof, p {p})"

    @property
    def warning(self) -> str | None:
        """Why the fit cannot be trusted, or None when it can."""
        if self.fit_acceptable:
            return None
        return (
            f"the model cannot describe these data: {self.fit_quality} (p < {MIN_P_VALUE:g}); the residuals are "
            f"{self.rms_residual:.3g} sigma rms, so the 95 % intervals, which assume it can, are too narrow. "
            "Check the points' conditions and sigmas, or free other parameters."
        )

    @property
    def rms_residual(self) -> float:
        """Root-mean-square of the BER points' residuals (sigmas)."""
        return float(np.sqrt(np.mean(self.residuals**2)))

    def provenance(self, path: str) -> str:
        """The ``fitted`` provenance line of one parameter (dataset hash, residual, interval)."""
        f = next(f for f in self.fitted if f.path == path)
        low = f"{f.low:.4g}" + (" (bound)" if f.low_at_bound else "")
        high = f"{f.high:.4g}" + (" (bound)" if f.high_at_bound else "")
        return (
            f"fitted: dataset {self.dataset.name} sha256:{self.dataset.sha256[:16]}, "
            f"{self.dataset.statistic} channel, rms residual {self.rms_residual:.3g} sigma, {self.fit_quality}"
            f"{'' if self.fit_acceptable else ' POOR FIT'}, 95 % profile interval [{low}, {high}]"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready summary."""
        return {
            "dataset": self.dataset.name,
            "dataset_sha256": self.dataset.sha256,
            "statistic": self.dataset.statistic,
            "chi2": self.chi2,
            "dof": self.dof,
            "chi2_per_dof": self.chi2_per_dof,
            "log10_p_value": self.log10_p_value,
            "fit_acceptable": self.fit_acceptable,
            "warning": self.warning,
            "rms_residual": self.rms_residual,
            "evaluations": self.evaluations,
            "fitted": [vars(f) for f in self.fitted],
            "points": [
                {
                    "label": p.label,
                    "observed_log10_ber": p.observation.log10_ber,
                    "kind": p.observation.kind,
                    "sigma_decades": p.observation.sigma_decades,
                    "model_log10_ber": float(m),
                    "residual_sigma": float(r),
                }
                for p, m, r in zip(self.dataset.points, self.model_log10_ber, self.residuals, strict=True)
            ],
            "led_response": self.led_response_table(),
        }

    def led_response_table(self) -> list[dict[str, float]] | None:
        """The measured LED |S21| beside the fitted model's, per frequency (dB, both normalised to
        the lowest frequency), or None when the dataset has no LED response."""
        response = self.dataset.led_response
        if response is None or self.led_model_db is None:
            return None
        return [
            {
                "frequency_hz": float(f),
                "measured_db": float(m),
                "model_db": float(h),
                "residual_sigma": float((h - m) / LED_RESPONSE_SIGMA_DB),
            }
            for f, m, h in zip(response.frequency_hz, response.magnitude_db, self.led_model_db, strict=True)
        ]


def calibration_inputs(
    dataset: str | Path = "published",
    base: str | None = None,
    free: list[str] | tuple[str, ...] = (),
    ranges: str | Path | None = None,
) -> tuple[BerDataset, MosaicDesign, tuple[FreeParameter, ...]]:
    """The dataset (a shipped name or a TOML/CSV file), the base design (``base``, else the
    dataset's; datasheets applied) and the free parameters with their bounds, as ``mosaic
    calibrate`` and ``ml.calibrate`` read them: one setup for both."""
    from mosaiclink.config.ber_csv import load_ber_data
    from mosaiclink.config.datasets import dataset_path
    from mosaiclink.config.estimate_ranges import load_ranges, shipped_ranges_names
    from mosaiclink.explore.spec import load_base
    from mosaiclink.workload import check_calibration_work, check_link_work

    data = load_ber_data(dataset_path(str(dataset)))
    base_name = base or data.base
    if base_name is None:
        raise ConfigError(f"{data.path}: no 'base' design: pass --base PRESET|FILE")
    design = load_base(base_name)
    if not isinstance(design, MosaicDesign):
        raise ConfigError(f"--base = {base_name!r}: not a MOSAIC design")
    # a heavy base is refused with its estimate, before any model runs
    check_link_work(design.array.total_channels, design.link.samples_per_bit, design.link.isi_span_bits)
    if data.datasheets:
        design = with_overrides(design, data.datasheet_overrides())
    if ranges:
        table = load_ranges(ranges)
    else:
        table = load_ranges(base_name) if base_name in shipped_ranges_names() else {}
    free_params = free_parameters(data, design, list(free), table)
    links = (design.array.total_channels, design.link.samples_per_bit, design.link.isi_span_bits)
    check_calibration_work(len(free_params), len(data.points), *links)
    return data, design, free_params


def log10_chi2_sf(chi2: float, dof: int) -> float:
    r"""log10 P(chi2_dof >= chi2), finite however large ``chi2`` is.

    scipy's ``chi2.logsf`` until it underflows, then the leading term of the tail's asymptotic
    series, :math:`\ln Q(a, x) \approx (a - 1)\ln x - x - \ln\Gamma(a)` with :math:`a = \nu/2`,
    :math:`x = \chi^2/2` (Abramowitz & Stegun 6.5.32; relative error O(a/x) in the log).
    """
    from scipy import special, stats

    log_sf = float(stats.chi2.logsf(chi2, dof))
    if not np.isfinite(log_sf):
        a, x = 0.5 * dof, 0.5 * chi2
        log_sf = (a - 1.0) * np.log(x) - x - float(special.gammaln(a))
    return log_sf / float(np.log(10.0))


def free_parameters(
    dataset: BerDataset, design: MosaicDesign, names: list[str], ranges: dict[str, InputRange]
) -> tuple[FreeParameter, ...]:
    """The parameters to fit: ``names`` (default: the dataset's ``[free]`` table), bounds from the
    dataset or else from the design's ranges; every path and bound checked against the design."""
    declared = {f.path: f for f in dataset.free}
    twice = next((name for i, name in enumerate(names) if name in names[:i]), None)
    if twice is not None:
        raise ConfigError(f"--free = {twice!r}: given twice; fit each parameter once")
    names = names or list(declared)
    if not names:
        raise ConfigError(f'{dataset.path}: no free parameters: pass --free PATH or add a [free."PATH"] table')
    leaves = numeric_leaves(design)
    out = []
    for name in names:
        where = f"{dataset.path}: free '{name}'"
        try:
            check_path(name, leaves)
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        if name in declared:
            free = declared[name]
        elif name in ranges:
            r = ranges[name]
            free = FreeParameter(name, r.low, r.high)
        else:
            raise ConfigError(f'{where}: no bounds: add [free."{name}"] low/high to the dataset or a range for it')
        for bound in (free.low, free.high):
            try:
                with_overrides(design, {name: bound})
            except ConfigError as exc:
                raise ConfigError(f"{where}: bound outside the design's validation: {exc}") from None
        if leaves[name] is int:
            raise ConfigError(f"{where}: an integer parameter cannot be fitted by least squares")
        out.append(free)
    return tuple(out)


class _Problem:
    """Residual function of one dataset over the free parameters (transformed coordinates)."""

    def __init__(self, dataset: BerDataset, design: MosaicDesign, free: tuple[FreeParameter, ...]):
        self.dataset, self.design, self.free = dataset, design, free
        self.log = np.array([f.low > 0 and f.high / f.low >= LOG_SPAN for f in free])
        self.lower = self.to_x(np.array([f.low for f in free]))
        self.upper = self.to_x(np.array([f.high for f in free]))
        self.paths = tuple(f.path for f in free)
        points = dataset.points
        self.condition_paths = tuple(dict.fromkeys(p for point in points for p in point.overrides))
        for path in self.condition_paths:
            check_path(path, numeric_leaves(design))
        self.conditions = np.array([[_condition(design, pt, p) for p in self.condition_paths] for pt in points])
        self.observed = np.array([pt.observation.log10_ber for pt in points])
        self.sigma = np.array([pt.observation.sigma_decades for pt in points])
        self.kind = np.array([pt.observation.kind for pt in points])
        self.channel = None if dataset.statistic == "nominal" else ChannelStatistic(dataset.statistic)
        self.evaluations = 0

    def to_x(self, theta: np.ndarray) -> np.ndarray:
        return np.where(self.log, np.log(np.maximum(theta, 1e-300)), theta)

    def to_theta(self, x: np.ndarray) -> np.ndarray:
        return np.where(self.log, np.exp(x), x)

    def model(self, theta: np.ndarray) -> np.ndarray:
        """Model log10 BER of the dataset's statistic at every point for parameter values ``theta``."""
        keep = [j for j, p in enumerate(self.paths) if p not in self.condition_paths]
        paths = tuple(self.paths[j] for j in keep) + self.condition_paths
        n = len(self.conditions)
        rows = np.column_stack([np.tile(theta[keep], (n, 1)), self.conditions])
        self.evaluations += 1
        if self.channel is None:
            log10_ber = nominal_log10_ber(self.design, paths, rows)
        else:
            designs = (with_overrides(self.design, dict(zip(paths, map(float, row), strict=True))) for row in rows)
            log10_ber = np.array([self.channel.log10_ber(design) for design in designs])
        # a closed eye is BER 1/2 (a coin toss), never NaN or above it
        return np.clip(np.nan_to_num(log10_ber, nan=LOG10_HALF), LOG10_BER_FLOOR, LOG10_HALF)

    def point_residuals(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        model = self.model(theta)
        diff = (model - self.observed) / self.sigma
        r = np.where(
            self.kind == "upper", np.maximum(diff, 0.0), np.where(self.kind == "lower", np.minimum(diff, 0.0), diff)
        )
        return r, model

    def residuals(self, x: np.ndarray) -> np.ndarray:
        theta = self.to_theta(x)
        parts = [self.point_residuals(theta)[0]]
        if self.dataset.led_response is not None:
            parts.append(self._led_residuals(theta))
        priors = [(t - f.prior_mean) / f.prior_sigma for t, f in zip(theta, self.free, strict=True) if f.prior_sigma]
        parts.append(np.asarray(priors, dtype=float))
        return np.concatenate(parts)

    def led_model_db(self, theta: np.ndarray) -> np.ndarray:
        """The model's LED response at the measured frequencies, dB (normalised as the data are)."""
        from mosaiclink.physics import microled

        response = self.dataset.led_response
        assert response is not None  # called only when the dataset has one
        design = with_overrides(self.design, dict(zip(self.paths, map(float, theta), strict=True)))
        h = microled.transfer_function(design.led, response.frequency_hz)
        return 20.0 * np.log10(np.abs(h))

    def _led_residuals(self, theta: np.ndarray) -> np.ndarray:
        response = self.dataset.led_response
        assert response is not None
        return (self.led_model_db(theta) - response.magnitude_db) / LED_RESPONSE_SIGMA_DB

    @property
    def observations(self) -> int:
        """Residuals of the objective: BER points, LED frequencies and priors."""
        led = 0 if self.dataset.led_response is None else self.dataset.led_response.frequency_hz.size
        return len(self.dataset.points) + led + sum(1 for f in self.free if f.prior_sigma)

    def chi2(self, x: np.ndarray) -> float:
        return float(np.sum(self.residuals(x) ** 2))


def _leaf(design: MosaicDesign, path: str) -> float:
    node: Any = design
    for part in path.split("."):
        node = getattr(node, part)
    return float(node)


def _condition(design: MosaicDesign, point: BerPoint, path: str) -> float:
    """A point's value of a condition leaf, the design's own where the point does not set it."""
    return point.overrides[path] if path in point.overrides else _leaf(design, path)


def _least_squares(problem: _Problem, x0: np.ndarray, fixed: dict[int, float] | None = None, tol: float = 1e-8):
    """Least squares over the non-fixed coordinates; returns (x, chi2, result)."""
    fixed = fixed or {}
    free_j = [j for j in range(len(x0)) if j not in fixed]

    def full(z):
        x = np.array(x0, dtype=float)
        x[free_j] = z
        for j, v in fixed.items():
            x[j] = v
        return x

    if not free_j:
        x = full(np.zeros(0))
        return x, problem.chi2(x), None
    from scipy import optimize  # deferred: ~0.2 s of import the report (check_points only) never needs

    lo, hi = problem.lower[free_j], problem.upper[free_j]
    start = np.clip(x0[free_j], lo + 1e-9 * (hi - lo), hi - 1e-9 * (hi - lo))
    result = optimize.least_squares(
        lambda z: problem.residuals(full(z)),
        start,
        bounds=(lo, hi),
        x_scale="jac",
        diff_step=1e-4,
        max_nfev=MAX_FIT_EVALUATIONS,
        ftol=tol,
        xtol=tol,
        gtol=tol,
    )
    x = full(result.x)
    return x, 2.0 * float(result.cost), result


def _profile_end(
    problem: _Problem, x_hat: np.ndarray, chi2_min: float, j: int, side: int, step: float
) -> tuple[float, bool]:
    r"""The interval end of coordinate ``j`` on one side (-1 low, +1 high); True when at the bound.

    ``step`` (the Wald half-width from the Jacobian, :math:`1.96\,\sigma_j`) brackets the root
    first, so Brent's method starts close to it; the bound is tried only when the bracket fails.
    """
    from scipy import optimize  # deferred as in _least_squares

    bound = problem.lower[j] if side < 0 else problem.upper[j]
    target = chi2_min + DELTA_CHI2_95
    seen: dict[float, float] = {}

    def excess(t: float) -> float:
        # each inner fit starts from the optimum, so the profile is a function of t alone (a warm
        # start from the previous t can land in another local minimum and break Brent's bracket)
        if t not in seen:
            seen[t] = _least_squares(problem, x_hat, {j: t}, tol=PROFILE_TOL)[1] - target
        return seen[t]

    tol = PROFILE_XTOL * (problem.upper[j] - problem.lower[j])
    span = abs(bound - x_hat[j])
    if span <= tol:  # the optimum sits at this bound
        return float(bound), True
    guess = 1.3 * step if np.isfinite(step) and step > 0 else span
    near = x_hat[j] + side * min(max(guess, tol), span)
    inner = x_hat[j]
    if near != bound:
        if excess(near) > 0:
            return float(optimize.brentq(excess, inner, near, xtol=tol, maxiter=40)), False
        inner = near
    if excess(bound) <= 0:
        return float(bound), True
    return float(optimize.brentq(excess, inner, bound, xtol=tol, maxiter=40)), False


def _wald_steps(problem: _Problem, x_hat: np.ndarray, result) -> np.ndarray:
    """1.96 standard errors per coordinate from the Jacobian at the optimum (inf where singular)."""
    if result is None:
        return np.full(len(x_hat), np.inf)
    jac = np.asarray(result.jac, dtype=float)
    try:
        cov = np.linalg.pinv(jac.T @ jac)
    except np.linalg.LinAlgError:
        return np.full(len(x_hat), np.inf)
    return 1.959963984540054 * np.sqrt(np.maximum(np.diag(cov), 0.0))


def calibrate(dataset: BerDataset, design: MosaicDesign, free: tuple[FreeParameter, ...]) -> Calibration:
    """Fit ``free`` to ``dataset`` from ``design`` (module Notes). A fit that does not converge
    raises :class:`~mosaiclink.errors.ModelRangeError` and returns nothing.

    The per-channel model's matrix products are small: OpenBLAS's second thread only spins
    (the published fit took 14.7 s of CPU with two BLAS threads and 8.0 s with one, 8.0 s wall
    both), so the fit runs with one BLAS thread.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _fit(dataset, design, free)


def check_points(dataset: BerDataset, design: MosaicDesign) -> None:
    """Refuse, before the optimizer, points the model cannot be fitted to (one line each).

    Each point's conditions go through the design's own validation and the link work bound (a
    point at -300 degC, 0 K, 1e308 m or ``array.rows = 2.5`` is refused as a design file would
    be); each observation must be finite, inside the model's range
    [:data:`LOG10_BER_FLOOR`, log10 1/2] and have a sigma of at least :data:`MIN_SIGMA_DECADES`.
    """
    from mosaiclink.workload import check_link_work

    for point in dataset.points:
        where = f"{dataset.path}: point {point.row}"
        try:
            at = with_overrides(design, point.overrides)
            check_link_work(at.array.total_channels, at.link.samples_per_bit, at.link.isi_span_bits)
        except ConfigError as exc:
            raise ConfigError(f"{where}: conditions outside the design's validation: {exc}") from None
        obs = point.observation
        if not (math.isfinite(obs.log10_ber) and LOG10_BER_FLOOR <= obs.log10_ber <= LOG10_HALF):
            raise ConfigError(
                f"{where}: log10 BER = {obs.log10_ber:g}: outside the model's range "
                f"[{LOG10_BER_FLOOR:g}, {LOG10_HALF:.3f}] (a BER between 1e-300 and 1/2)"
            )
        if not (math.isfinite(obs.sigma_decades) and obs.sigma_decades >= MIN_SIGMA_DECADES):
            raise ConfigError(
                f"{where}: sigma = {obs.sigma_decades:g} decades: must be >= {MIN_SIGMA_DECADES:g} "
                "(no BER is known to better than a thousandth of a decade)"
            )


def _fit(dataset: BerDataset, design: MosaicDesign, free: tuple[FreeParameter, ...]) -> Calibration:
    check_points(dataset, design)
    problem = _Problem(dataset, design, free)
    clash = [f.path for f in free if f.path in problem.condition_paths]
    if clash:
        raise ConfigError(f"{dataset.path}: free '{clash[0]}': it is a measurement condition of the points, not free")
    start = np.array([float(_leaf(design, f.path)) for f in free])
    for f, s in zip(free, start, strict=True):
        if not f.low <= s <= f.high:
            raise ConfigError(
                f"{dataset.path}: free '{f.path}': the base design's value {s:g} lies outside [{f.low:g}, {f.high:g}]"
            )
    x_hat, chi2_min, result = _least_squares(problem, problem.to_x(start))
    if result is not None and result.status <= 0:
        raise ModelRangeError(f"{dataset.path}: the fit did not converge ({result.message}); nothing written")
    fitted = []
    steps = _wald_steps(problem, x_hat, result)
    for j, f in enumerate(free):
        try:
            lo, lo_bound = _profile_end(problem, x_hat, chi2_min, j, -1, steps[j])
            hi, hi_bound = _profile_end(problem, x_hat, chi2_min, j, +1, steps[j])
        except (ValueError, RuntimeError) as exc:  # Brent's bracket lost or its iterations spent
            raise ModelRangeError(
                f"{dataset.path}: free '{f.path}': the profile interval did not converge ({exc}); nothing written"
            ) from None
        value, low, high = (float(np.exp(v)) if problem.log[j] else float(v) for v in (x_hat[j], lo, hi))
        fitted.append(Fitted(f.path, value, low, high, lo_bound, hi_bound, float(start[j])))
    theta = problem.to_theta(x_hat)
    residuals, model = problem.point_residuals(theta)
    calibrated = with_overrides(design, dict(zip(problem.paths, map(float, theta), strict=True)))
    calibrated = calibrated.replace(description=f"{design.description} (calibrated on {dataset.name})".strip())
    led_db = problem.led_model_db(theta) if dataset.led_response is not None else None
    return Calibration(
        dataset,
        calibrated,
        tuple(fitted),
        chi2_min,
        residuals,
        model,
        problem.evaluations,
        dof=problem.observations - len(free),
        led_model_db=led_db,
    )
