"""Margin over life: microLED wear and receiver drift per channel, spares used up, fleet failures by year.

Notes
-----
**Emitter wear.** Each emitter's light decays as :math:`P(t)/P_0 = \\exp[-(t/\\tau)^m]`, the
exponential lumen-maintenance law of IES TM-21-11 (:math:`m = 1`), with

.. math:: \\tau = \\frac{L_{70}}{(-\\ln 0.7)^{1/m}}
    \\left(\\frac{J}{J_{ref}}\\right)^{-n}
    \\exp\\left[\\frac{E_a}{k}\\left(\\frac{1}{T_j} - \\frac{1}{T_{ref}}\\right)\\right]

accelerated by current density (the inverse power law used for LED and laser life tests,
baselines 3.5) and by the junction temperature of the thermal model (:mod:`mosaiclink.system.thermal`),
spread lognormally across the emitters of an array. GaN LED wear is defect generation raising
non-radiative recombination and contact/injection loss (Meneghini et al., IEEE Trans. Device
Mater. Reliab. 8(2), 2008). In the ABC model an SRH rate even 8x higher costs the 800G preset
< 0.02 dB at ~10 kA/cm^2 (Auger and radiative rates dominate), so the wear is applied as the
light lost, not as a larger A.

**Channel margin.** A channel's excess over its target (its budget margin, :math:`10\\log_{10} Q/Q_t`
less the implementation reserve, optical dB, from the full link model at the thermal model's
junctions) falls by :math:`s_i` times the light lost, :math:`(10/\\ln 10)(t/\\tau)^m` dB, and by
the receiver's drift, :math:`d\\,(t/10\\,y)\\,AF(T_{CMOS})`;
each channel's sensitivity :math:`s_i` (dB of excess per dB of light) is measured with the full
model at the L70 point (every emitter at 70 % light): ~0.8 for the 800G preset, not 1, because
crosstalk and residual ISI dim with the signal (a test checks the linear model at 50 % light).
A channel also fails outright at the time its parts' cumulative hazard
(:func:`mosaiclink.system.reliability.channel_hazard`, at the same junctions) reaches an
exponential draw.

**Spares.** A direction runs out when more channels have failed than its spares plus the FEC's
erasure tolerance; the link at the first direction to run out. The Monte Carlo draws the wear
spread and hard failures of many copies of one manufactured module (its channels' time-zero
excess from one seeded variation), in seeded blocks (stream ``LIFE``).

**Fleet.** Spares-exhaustion times are fitted with a two-parameter Weibull by maximum likelihood
(right-censored at the horizon, :func:`weibull_fit_right_censored`); failures in year :math:`y` among
:math:`N` links installed at once are :math:`N [F(y) - F(y-1)]`, with
:math:`1 - F = S_{spares} S_{shared} S_{connectors}`: the fitted Weibull, the shared parts'
hazard and connector contamination (a contaminated mating fails the link when its extra loss
exceeds the link's excess).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.envelope import AgeingSpec, ConnectorSpec, ThermalSpec
from mosaiclink.config.system import PowerSpec, ReliabilitySpec
from mosaiclink.errors import ConfigError
from mosaiclink.physics import microled
from mosaiclink.physics.link import LinkReport, evaluate_link
from mosaiclink.physics.thermal import ModuleTemperatures
from mosaiclink.streams import Stream, generator
from mosaiclink.system.power import led_average_current_ma
from mosaiclink.system.reliability import (
    DIRECTIONS,
    arrhenius_factor,
    channel_hazard,
    mosaic_link_fit,
    shared_hazard,
)
from mosaiclink.system.thermal import link_at_case
from mosaiclink.units import FIT_HOURS, HOURS_PER_YEAR

DB_PER_NEPER_POWER = 10.0 / np.log(10.0)  # dB of a power ratio e^-x per unit x
HORIZON_YEARS = 30.0  # the Monte Carlo follows a module this long; later exhaustion is censored
DECADE_H = 10.0 * HOURS_PER_YEAR
BLOCK_LINKS = 500
MAX_LINKS = 50_000  # ~1 min of Monte Carlo per case temperature
MARGIN_YEARS = tuple(float(y) for y in range(11))  # the margin-over-life grid: years 0 to 10


def emitter_life_h(ageing: AgeingSpec, current_density_a_per_cm2: float, junction_c: float) -> float:
    """The decay time ``tau`` (h) of an emitter at a current density and junction temperature (Notes)."""
    l70_tau = ageing.l70_reference_h / (-np.log(0.7)) ** (1.0 / ageing.time_exponent)
    current = (current_density_a_per_cm2 / ageing.reference_current_density_a_per_cm2) ** -ageing.current_exponent
    thermal = 1.0 / arrhenius_factor(ageing.activation_energy_ev, junction_c, ageing.reference_junction_c)
    return float(l70_tau * current * thermal)


def light_loss_db(t_h, tau_h, time_exponent: float):
    """Light lost by wear, dB: ``(10 / ln 10) (t / tau)^m``."""
    return DB_PER_NEPER_POWER * (np.asarray(t_h, dtype=float) / np.asarray(tau_h, dtype=float)) ** time_exponent


def receiver_drift_db(t_h, ageing: AgeingSpec, cmos_c: float):
    """Receiver drift, dB: linear in time, Arrhenius-accelerated at the CMOS junction."""
    af = arrhenius_factor(ageing.receiver_activation_energy_ev, cmos_c, ageing.reference_junction_c)
    return ageing.receiver_drift_db_per_decade * np.asarray(t_h, dtype=float) / DECADE_H * af


def channel_excess_db(report: LinkReport) -> np.ndarray:
    """Each channel's budget margin over its target (dB, implementation reserve included: the one pass
    criterion, ``LinkReport.meets_target``); dead channels -inf."""
    margin = np.asarray(report.budget_per_channel["margin_db"], dtype=float)
    return np.where(report.dead, -np.inf, margin)


L70_LOSS_DB = float(-10.0 * np.log10(0.7))  # light lost at the L70 point, 1.549 dB


def excess_sensitivity(design: MosaicDesign, excess_db: np.ndarray, seed: int = 0) -> np.ndarray:
    """Each channel's dB of excess lost per dB of light lost, from a full evaluation at 70 % light."""
    dim = design.replace(led={"light_extraction_efficiency": design.led.light_extraction_efficiency * 0.7})
    dimmed = channel_excess_db(evaluate_link(dim, seed=seed, nominal=False))
    with np.errstate(invalid="ignore"):
        slope = (np.asarray(excess_db) - dimmed) / L70_LOSS_DB
    return np.clip(np.where(np.isfinite(slope), slope, 1.0), 0.0, 2.0)


def wear_out_times_h(
    excess_db, tau_h, ageing: AgeingSpec, cmos_c: float, horizon_h: float, sensitivity=1.0
) -> np.ndarray:
    """When each channel's excess, less wear and drift, reaches 0 (h): 0 if it starts below, inf past the horizon.

    The excess falls monotonically in time, so a bisection in ``log t`` (32 halvings of [1 h, horizon]:
    a relative resolution of 3e-9)
    finds the crossing of every channel at once.
    """
    excess = np.asarray(excess_db, dtype=float)
    tau = np.broadcast_to(np.asarray(tau_h, dtype=float), excess.shape)
    slope = np.asarray(sensitivity, dtype=float)

    def remaining(t):
        return excess - slope * light_loss_db(t, tau, ageing.time_exponent) - receiver_drift_db(t, ageing, cmos_c)

    lo, hi = np.zeros(excess.shape), np.full(excess.shape, np.log(horizon_h))
    for _ in range(32):
        mid = 0.5 * (lo + hi)
        ok = remaining(np.exp(mid)) >= 0.0
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    times = np.exp(hi)
    times = np.where(remaining(horizon_h) >= 0.0, np.inf, times)
    return np.where(excess < 0.0, 0.0, times)


def hard_failure_times_h(rng: np.random.Generator, spec: ReliabilitySpec, temps: ModuleTemperatures, shape, horizon_h):
    """Channel failure times (h) from the reliability model's cumulative hazard, by inversion."""
    grid = np.concatenate([[0.0], np.geomspace(1.0, horizon_h, 400)])
    hazard = np.asarray(channel_hazard(spec, grid, temps), dtype=float)
    draws = rng.exponential(size=shape)
    return np.where(draws > hazard[-1], np.inf, np.interp(draws, hazard, grid))


@dataclass(frozen=True)
class FleetYear:
    """Expected link failures in one service year across the fleet, by cause."""

    year: int
    spares_exhausted: float
    shared_parts: float
    connector_contamination: float

    @property
    def total(self) -> float:
        """All causes."""
        return self.spares_exhausted + self.shared_parts + self.connector_contamination


@dataclass(frozen=True)
class LifeResult:
    """A link over its service life at one case temperature."""

    design: str
    length_m: float
    case_c: float
    led_junction_c: float
    cmos_c: float
    current_density_a_per_cm2: float
    emitter_l70_years: float  # the median emitter's time to 70 % light at these conditions
    links_simulated: int
    exhausted_at_start: float  # fraction of links short of channels on day one
    exhaustion_years_p5: float  # inf: not within the horizon
    exhaustion_years_median: float
    exhausted_by_5y: float
    exhausted_by_10y: float
    weibull_shape: float | None  # fitted to the exhaustion times (right-censored); None if too few fell
    weibull_scale_years: float | None
    years: tuple[float, ...]
    link_excess_db_median: tuple[float, ...]  # the N-th best channel's excess, median over links
    fleet_links: float
    fleet: tuple[FleetYear, ...] = field(default=())
    contamination_failures_per_link_year: float = 0.0
    mission_fit_per_link: float = 0.0  # the closed form's -ln R(T) / T x 1e9 (inf: short on day one)
    constant_fit_per_link: float = 0.0  # the constant-FIT model's at the same junctions and spares alive

    def to_dict(self) -> dict:
        """JSON-ready dict (infinite times as None)."""
        out = asdict(self)
        out["fleet"] = [asdict(f) | {"total": f.total} for f in self.fleet]
        return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in out.items()}


def link_exhaustion_times_h(channel_times_h: np.ndarray, tolerated: int) -> np.ndarray:
    """Time each link runs out of channels: the ``tolerated + 1``-th failure of its worse direction.

    ``channel_times_h`` has shape (links, directions, channels).
    """
    n = channel_times_h.shape[-1]
    if tolerated >= n:
        return np.full(channel_times_h.shape[0], np.inf)
    return np.partition(channel_times_h, tolerated, axis=-1)[..., tolerated].min(axis=-1)


def weibull_fit_right_censored(observed: np.ndarray, censored: np.ndarray) -> tuple[float, float] | None:
    r"""Maximum-likelihood two-parameter Weibull (shape :math:`k`, scale :math:`\lambda`) of failure
    times ``observed`` (> 0) and times ``censored`` (> 0) survived without failing; ``None`` when the
    likelihood has no finite maximum (every failure at the largest time).

    Notes
    -----
    With :math:`r` failures :math:`t_i` and all times :math:`t_j` (failures and censored), the
    log-likelihood :math:`r\ln k - rk\ln\lambda + (k-1)\sum_i\ln t_i - \sum_j (t_j/\lambda)^k`
    profiles out the scale, :math:`\lambda^k = \sum_j t_j^k / r`, and the shape solves

    .. math:: g(k) = \frac{1}{k} + \frac{1}{r}\sum_i \ln t_i
        - \frac{\sum_j t_j^k \ln t_j}{\sum_j t_j^k} = 0,

    :math:`g' = -1/k^2 - \mathrm{Var}_w(\ln t) < 0` (weights :math:`t_j^k`): one root, from
    :math:`+\infty` at :math:`k \to 0` down to the mean log failure time less the largest log time
    (Cohen, Technometrics 7, 1965; Lawless, *Statistical Models and Methods for Lifetime Data*,
    2nd ed., 2003, sec. 5.2). It is solved by Newton's method kept inside a shrinking bracket
    (bisection when a step leaves it) to the last bits of ``k``: the exact maximum, where
    ``scipy.stats.weibull_min.fit`` on ``CensoredData`` stops its Nelder-Mead search at ~1e-4
    relative (a test checks this likelihood is at least SciPy's).
    """
    log_all = np.log(np.concatenate([observed, censored]))
    top = log_all.max()
    shifted = log_all - top  # <= 0: the weights t^k / max(t)^k never overflow
    shifted_observed = shifted[: observed.size]
    if np.all(shifted_observed == 0.0):
        return None
    mean_observed = float(np.mean(shifted_observed))  # < 0: g falls below zero at a finite k

    def g_and_slope(k: float) -> tuple[float, float, float]:
        w = np.exp(k * shifted)
        total = w.sum()
        mean_w = float((w * shifted).sum() / total)
        var_w = float((w * (shifted - mean_w) ** 2).sum() / total)
        return 1.0 / k + mean_observed - mean_w, -1.0 / k**2 - var_w, float(total)

    low, high = 1.0, 1.0
    while g_and_slope(low)[0] <= 0.0:
        low /= 2.0
    while g_and_slope(high)[0] >= 0.0:
        high *= 2.0
    k = 0.5 * (low + high)
    for _ in range(200):
        g, slope, _ = g_and_slope(k)
        if g == 0.0:
            break
        if g > 0.0:
            low = k
        else:
            high = k
        step = k - g / slope
        following = step if low < step < high else 0.5 * (low + high)
        if abs(following - k) <= 4.0 * np.finfo(float).eps * k:
            k = following
            break
        k = following
    total = g_and_slope(k)[2]
    return k, float(np.exp(top + np.log(total / observed.size) / k))


def _weibull_fit(times_y: np.ndarray, horizon_y: float) -> tuple[float | None, float | None]:
    """Two-parameter Weibull (shape, scale in years) fitted to exhaustion times right-censored at
    ``horizon_y`` (infinite: not exhausted within it); ``None`` for fewer than 10 exhaustions."""
    positive = times_y[times_y > 0.0]
    observed = positive[np.isfinite(positive)]
    if observed.size < 10:
        return None, None
    censored = np.full(positive.size - observed.size, horizon_y)
    fit = weibull_fit_right_censored(observed, censored)
    return (None, None) if fit is None else fit


@dataclass(frozen=True)
class OperatingPoint:
    """One module at one case temperature: its junctions, its channels' time-zero excess and wear rate."""

    design: MosaicDesign  # at the thermal model's junction temperatures
    temps: ModuleTemperatures
    report: LinkReport
    excess_db: np.ndarray  # each channel's excess over its target at time zero (dB; dead: -inf)
    sensitivity: np.ndarray  # dB of excess per dB of light lost, per channel
    current_density_a_per_cm2: float
    tau_h: float  # the median emitter's decay time


def operating_point(
    design: MosaicDesign,
    case_c: float,
    thermal: ThermalSpec | None = None,
    power_spec: PowerSpec | None = None,
    ageing: AgeingSpec | None = None,
    seed: int = 0,
) -> OperatingPoint:
    """The full link model at the thermal model's junctions for ``case_c``, and the emitters' decay time.

    Evaluated once per process for each set of inputs, as :func:`~mosaiclink.system.thermal.link_at_case`
    (the envelope's life and the qualified length ask for the same point): its arrays are read-only."""
    thermal, ageing, power = thermal or ThermalSpec(), ageing or AgeingSpec(), power_spec or PowerSpec()
    return _operating_point(
        design.model_dump_json(),
        float(case_c),
        thermal.model_dump_json(),
        power.model_dump_json(),
        ageing.model_dump_json(),
        int(seed),
    )


@functools.lru_cache(maxsize=64)
def _operating_point(
    design_json: str, case_c: float, thermal_json: str, power_json: str, ageing_json: str, seed: int
) -> OperatingPoint:
    design, thermal = MosaicDesign.model_validate_json(design_json), ThermalSpec.model_validate_json(thermal_json)
    power, ageing = PowerSpec.model_validate_json(power_json), AgeingSpec.model_validate_json(ageing_json)
    hot, temps, report = link_at_case(design, case_c, thermal, power, seed)
    excess0 = channel_excess_db(report)
    slope = excess_sensitivity(hot, excess0, seed)
    for array in (excess0, slope):
        array.setflags(write=False)
    j = float(microled.current_density_a_per_cm2(led_average_current_ma(hot, power.mark_density), hot.led.diameter_um))
    return OperatingPoint(hot, temps, report, excess0, slope, j, emitter_life_h(ageing, j, temps.led_junction_c))


def wear_out_probability(point: OperatingPoint, ageing: AgeingSpec, t_h) -> np.ndarray:
    """P(channel ``i`` has worn below its target by ``t``), shape (times, channels), in closed form.

    Notes
    -----
    Channel ``i`` (excess :math:`e_i`, sensitivity :math:`s_i`) has worn out by ``t`` when
    :math:`s_i (10/\\ln 10)(t/\\tau_i)^m + d(t) \\ge e_i`, i.e. when
    :math:`\\ln\\tau_i \\le \\ln t - \\ln(x_i)/m` with :math:`x_i = (e_i - d(t)) \\ln 10 / (10 s_i)`.
    With :math:`\\ln\\tau_i \\sim N(\\ln\\tau, \\sigma^2)` (the Monte Carlo's lognormal spread) the
    probability is :math:`\\Phi([\\ln t - \\ln(x_i)/m - \\ln\\tau]/\\sigma)`; a channel below its
    target at time zero, or whose drift alone reaches its excess, has worn out (probability 1).
    """
    from scipy.special import ndtr

    t = np.atleast_1d(np.asarray(t_h, dtype=float))[:, None]
    excess, slope = point.excess_db[None, :], point.sensitivity[None, :]
    left = excess - receiver_drift_db(t, ageing, point.temps.cmos_c)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_x = np.log(left / (DB_PER_NEPER_POWER * slope))
        z = np.log(np.maximum(t, 1e-300)) - log_x / ageing.time_exponent - np.log(point.tau_h)
        if ageing.life_sigma > 0.0:
            worn = ndtr(z / ageing.life_sigma)
        else:
            worn = (z >= 0.0).astype(float)
    worn = np.where(slope > 0.0, worn, 0.0)
    worn = np.where(t > 0.0, worn, 0.0)
    return np.where((excess < 0.0) | (left <= 0.0), 1.0, worn)


def _at_most(q: np.ndarray, tolerated: int) -> np.ndarray:
    """P(at most ``tolerated`` of independent events with probabilities ``q[..., i]``): the Poisson-binomial
    distribution's CDF by the exact recursion over events, states above ``tolerated`` lumped."""
    dp = np.zeros((*q.shape[:-1], tolerated + 1))
    dp[..., 0] = 1.0
    for i in range(q.shape[-1]):
        qi = q[..., i : i + 1]
        dp[..., 1:] = dp[..., 1:] * (1.0 - qi) + dp[..., :-1] * qi
        dp[..., :1] *= 1.0 - qi
    return dp.sum(axis=-1)


def life_survival(
    point: OperatingPoint,
    t_h,
    reliability_spec: ReliabilitySpec | None = None,
    ageing: AgeingSpec | None = None,
    contamination_per_year: float = 0.0,
    spares: int | None = None,
) -> np.ndarray:
    """Probability that a link built like ``point`` still works at ``t_h``: the life model in closed form.

    Notes
    -----
    Channel ``i`` is lost by ``t`` by wear (:func:`wear_out_probability`, :math:`w_i`) or by a hard
    failure (cumulative hazard :math:`H_c`): :math:`q_i = 1 - (1 - w_i) e^{-H_c}`. A direction
    works while at most ``spares + e`` of its ``n`` channels are lost (a Poisson-binomial CDF, exact
    recursion); the two directions wear independently; shared parts and connector contamination
    are in series::

        R(t) = [P(sum_i B(q_i) <= s + e)]^2 exp(-H_shared(t)) exp(-c t)

    This is the Monte Carlo of :func:`life` without sampling or the Weibull fit. With no wear
    (``w_i = 0``: every channel above its target, no drift, infinite emitter life) the ``q_i`` are
    equal and it is :func:`mosaiclink.system.reliability.link_survival`, the cluster model's
    constant-FIT limit, with :func:`spares_alive` spares (the channels dead from manufacture have
    spent theirs).
    """
    ageing, rel = ageing or AgeingSpec(), reliability_spec or ReliabilitySpec()
    t = np.atleast_1d(np.asarray(t_h, dtype=float))
    hard = np.exp(-np.asarray(channel_hazard(rel, t, point.temps), dtype=float))[:, None]
    lost = 1.0 - (1.0 - wear_out_probability(point, ageing, t)) * hard
    tolerated = (point.design.array.spare_channels if spares is None else int(spares)) + rel.erasure_tolerance_channels
    direction = _at_most(lost, tolerated)
    shared = np.exp(-np.asarray(shared_hazard(rel, t, point.temps), dtype=float))
    return direction**DIRECTIONS * shared * np.exp(-contamination_per_year * t / HOURS_PER_YEAR)


def spares_alive(point: OperatingPoint) -> int:
    """Spares left on delivery: the design's less its channels dead from manufacture (``LinkReport.dead``).

    The constant-FIT model (:func:`mosaiclink.system.reliability.link_survival`) counts every spare as
    free; the life model spends one on each dead channel, so the two agree with this many spares.
    """
    return int(point.design.array.spare_channels - np.count_nonzero(point.report.dead))


def link_excess_at_start_db(point: OperatingPoint) -> float:
    """The link's excess on day one: its ``N``-th best channel's (``N`` data channels)."""
    k = point.report.data_channels
    return float(-np.partition(-point.excess_db, k - 1)[k - 1])


def life_link_fit(
    design: MosaicDesign,
    case_c: float,
    thermal: ThermalSpec | None = None,
    power_spec: PowerSpec | None = None,
    reliability_spec: ReliabilitySpec | None = None,
    ageing: AgeingSpec | None = None,
    connector: ConnectorSpec | None = None,
    seed: int = 0,
) -> float:
    """Mission-average FIT of a MOSAIC link by the life model: ``-ln R(T) / T x 1e9`` (:func:`life_survival`).

    The figure the cluster model takes for MOSAIC: hard failures and wear-out together, with the
    spares the channels short of margin on day one have already used; ``inf`` when the link is
    short of channels at the start (``R(0) = 0``).
    """
    ageing = ageing or AgeingSpec()
    point = operating_point(design, case_c, thermal, power_spec, ageing, seed)
    return point_link_fit(point, reliability_spec, ageing, connector)


def point_link_fit(
    point: OperatingPoint,
    reliability_spec: ReliabilitySpec | None = None,
    ageing: AgeingSpec | None = None,
    connector: ConnectorSpec | None = None,
) -> float:
    """:func:`life_link_fit` of an evaluated :class:`OperatingPoint`."""
    ageing, rel, connector = ageing or AgeingSpec(), reliability_spec or ReliabilitySpec(), connector or ConnectorSpec()
    contamination = _contamination_rate_per_year(point.design, connector, link_excess_at_start_db(point))
    mission_h = rel.mission_years * HOURS_PER_YEAR
    survival = float(life_survival(point, mission_h, rel, ageing, contamination)[0])
    with np.errstate(divide="ignore"):
        return float(-np.log(survival) / mission_h * FIT_HOURS)


def life(
    design: MosaicDesign,
    case_c: float,
    fleet_links: float,
    thermal: ThermalSpec | None = None,
    power_spec: PowerSpec | None = None,
    reliability_spec: ReliabilitySpec | None = None,
    ageing: AgeingSpec | None = None,
    connector: ConnectorSpec | None = None,
    links: int = 2000,
    seed: int = 0,
    years: Sequence[float] = MARGIN_YEARS,
    fleet_years: int = 5,
) -> LifeResult:
    """Margin over the years, spares exhaustion and fleet failures at one case temperature (Notes)."""
    if not 1 <= links <= MAX_LINKS:
        raise ConfigError(f"links = {links!r}: allowed 1 to {MAX_LINKS}")
    if not 1 <= fleet_years <= 30:
        raise ConfigError(f"fleet_years = {fleet_years!r}: allowed 1 to 30")
    ageing, connector = ageing or AgeingSpec(), connector or ConnectorSpec()
    rel = reliability_spec or ReliabilitySpec()
    point = operating_point(design, case_c, thermal, power_spec, ageing, seed)
    temps, report, excess0, slope, tau = point.temps, point.report, point.excess_db, point.sensitivity, point.tau_h
    horizon_h = HORIZON_YEARS * HOURS_PER_YEAR
    tolerated = design.array.spare_channels + rel.erasure_tolerance_channels
    t_years = np.asarray(years, dtype=float)
    exhaustion, excess_paths = [], []
    for block in range(-(-links // BLOCK_LINKS)):
        m = min(BLOCK_LINKS, links - block * BLOCK_LINKS)
        rng = generator(seed, Stream.LIFE, block)
        shape = (m, DIRECTIONS, excess0.size)
        taus = tau * rng.lognormal(0.0, ageing.life_sigma, size=shape)
        wear = wear_out_times_h(np.broadcast_to(excess0, shape), taus, ageing, temps.cmos_c, horizon_h, slope)
        hard = hard_failure_times_h(rng, rel, temps, shape, horizon_h)
        exhaustion.append(link_exhaustion_times_h(np.minimum(wear, hard), tolerated))
        excess_paths.append(
            _link_excess_over_years(excess0, slope, taus, hard, t_years, ageing, temps.cmos_c, report.data_channels)
        )
    t_ex_y = np.concatenate(exhaustion) / HOURS_PER_YEAR
    excess_median = np.median(np.concatenate(excess_paths, axis=0), axis=0)
    shape_w, scale_w = _weibull_fit(t_ex_y, HORIZON_YEARS)
    contamination = _contamination_rate_per_year(design, connector, link_excess_at_start_db(point))
    fleet = _fleet_years(t_ex_y, shape_w, scale_w, rel, temps, contamination, fleet_links, fleet_years)
    p5, p50 = (_quantile_years(t_ex_y, q) for q in (0.05, 0.5))
    return LifeResult(
        design=design.name,
        length_m=design.link.length_m,
        case_c=float(case_c),
        led_junction_c=temps.led_junction_c,
        cmos_c=temps.cmos_c,
        current_density_a_per_cm2=point.current_density_a_per_cm2,
        emitter_l70_years=float(tau * (-np.log(0.7)) ** (1.0 / ageing.time_exponent) / HOURS_PER_YEAR),
        links_simulated=links,
        exhausted_at_start=float(np.mean(t_ex_y <= 0.0)),
        exhaustion_years_p5=p5,
        exhaustion_years_median=p50,
        exhausted_by_5y=float(np.mean(t_ex_y <= 5.0)),
        exhausted_by_10y=float(np.mean(t_ex_y <= 10.0)),
        weibull_shape=shape_w,
        weibull_scale_years=scale_w,
        years=tuple(float(y) for y in t_years),
        link_excess_db_median=tuple(float(v) for v in excess_median),
        fleet_links=float(fleet_links),
        fleet=fleet,
        contamination_failures_per_link_year=contamination,
        mission_fit_per_link=point_link_fit(point, rel, ageing, connector),
        constant_fit_per_link=mosaic_link_fit(point.design, rel, temperature_c=temps, spares=spares_alive(point)),
    )


def _quantile_years(times_y: np.ndarray, q: float) -> float:
    """Quantile of exhaustion times; inf when it lies past the horizon (censored)."""
    value = float(np.quantile(np.where(np.isfinite(times_y), times_y, 2.0 * HORIZON_YEARS), q))
    return value if value <= HORIZON_YEARS else float("inf")


def _link_excess_over_years(excess0, slope, taus, hard_h, t_years, ageing, cmos_c, data_channels) -> np.ndarray:
    """(links, years): the worse direction's N-th best channel excess, failed channels at -inf."""
    rows = []
    for t in t_years * HOURS_PER_YEAR:
        loss = slope * light_loss_db(t, taus, ageing.time_exponent)
        excess = np.where(hard_h <= t, -np.inf, excess0 - loss - receiver_drift_db(t, ageing, cmos_c))
        nth = -np.partition(-excess, data_channels - 1, axis=-1)[..., data_channels - 1]
        rows.append(nth.min(axis=-1))
    return np.maximum(np.stack(rows, axis=-1), -99.0)  # -99 dB: a link with too few live channels


def _contamination_rate_per_year(design: MosaicDesign, connector: ConnectorSpec, excess_db: float) -> float:
    """Link failures per year from contaminated matings: only when the extra loss exceeds the excess."""
    if connector.contamination_loss_db <= excess_db:
        return 0.0
    return design.link.connectors * connector.matings_per_year * connector.contamination_probability


def _fleet_years(t_ex_y, shape_w, scale_w, rel, temps, contamination, fleet_links, years) -> tuple[FleetYear, ...]:
    """Expected failures per service year among ``fleet_links`` links installed together (Notes)."""
    edges = np.arange(years + 1, dtype=float)
    if shape_w is not None and scale_w is not None:
        spares_cdf = -np.expm1(-((edges / scale_w) ** shape_w))  # the Weibull CDF
        spares_cdf = np.where(edges > 0, spares_cdf * (1 - np.mean(t_ex_y <= 0)) + np.mean(t_ex_y <= 0), 0.0)
    else:  # (nearly) none ran out within the horizon, or all did at once: the Monte Carlo's own fractions
        spares_cdf = np.array([np.mean(t_ex_y <= e) if e > 0 else 0.0 for e in edges])
    shared_cdf = -np.expm1(-np.asarray(shared_hazard(rel, edges * HOURS_PER_YEAR, temps), dtype=float))
    contam_cdf = -np.expm1(-contamination * edges)
    survival = (1 - spares_cdf) * (1 - shared_cdf) * (1 - contam_cdf)
    out = []
    for y in range(1, years + 1):
        total = fleet_links * (survival[y - 1] - survival[y])
        # split the year's failures by cause in proportion to each cause's own increment
        parts = np.array([spares_cdf[y] - spares_cdf[y - 1], shared_cdf[y] - shared_cdf[y - 1],
                          contam_cdf[y] - contam_cdf[y - 1]])  # fmt: skip
        share = parts / parts.sum() if parts.sum() > 0 else np.zeros(3)
        out.append(FleetYear(y, *(float(total * s) for s in share)))
    return tuple(out)


@dataclass(frozen=True)
class QualifiedLink:
    """The longest length a design serves at a case temperature with no failures beyond its parts'."""

    design: str
    length_m: float
    case_c: float
    fit_per_link: float  # life-model FIT at length_m (both ends and the fibre)
    constant_fit_per_link: float  # the constant-FIT model's at the same junction temperatures
    excess_at_start_db: float  # the N-th best channel's excess on day one at length_m

    def to_dict(self) -> dict:
        """Plain dict."""
        return asdict(self)


QUALIFY_TOLERANCE = 0.01  # "no added failures": the life FIT within 1 % of the constant-FIT limit


def qualified_link(
    design: MosaicDesign,
    case_c: float,
    reliability_spec: ReliabilitySpec | None = None,
    seed: int = 0,
) -> QualifiedLink:
    """The longest whole-metre length, up to the design's, at which wear-out and connector
    contamination add no failures over the mission (:data:`QUALIFY_TOLERANCE`), and the life FIT there.

    Notes
    -----
    The life FIT (:func:`life_link_fit`) rises with length: a shorter link has more excess for
    wear, drift and a contaminated mating. At lengths where every channel's excess covers them it
    equals the constant-FIT model (:func:`mosaiclink.system.reliability.mosaic_link_fit` at the
    thermal model's junctions); a bisection over whole metres finds the last length where it does.
    Every shorter cable then fails no more often, so the cluster can take this FIT for every
    MOSAIC link it admits up to this length. Cached per (design, case temperature).
    """
    rel = reliability_spec or ReliabilitySpec()
    return _qualified(design.model_dump_json(), float(case_c), rel.model_dump_json(), seed)


@functools.lru_cache(maxsize=32)
def _qualified(design_json: str, case_c: float, rel_json: str, seed: int) -> QualifiedLink:
    from mosaiclink.errors import ModelRangeError

    design, rel = MosaicDesign.model_validate_json(design_json), ReliabilitySpec.model_validate_json(rel_json)

    def at(length_m: float) -> QualifiedLink:
        d = design.replace(link={"length_m": length_m})
        point = operating_point(d, case_c, seed=seed)
        fit = point_link_fit(point, rel)
        limit = mosaic_link_fit(d, rel, temperature_c=point.temps, spares=spares_alive(point))
        return QualifiedLink(design.name, length_m, case_c, fit, limit, link_excess_at_start_db(point))

    def holds(q: QualifiedLink) -> bool:
        return bool(q.fit_per_link <= (1.0 + QUALIFY_TOLERANCE) * q.constant_fit_per_link)

    top = at(design.link.length_m)
    if holds(top):
        return top
    lo, hi = 1, int(np.ceil(design.link.length_m)) - 1
    best = at(float(lo))
    if not holds(best):
        raise ModelRangeError(
            f"{design.name} at {case_c:g} C case: wear-out or contamination add failures even at 1 m; "
            "no qualified length"
        )
    while lo < hi:
        mid = (lo + hi + 1) // 2
        q = at(float(mid))
        if holds(q):
            lo, best = mid, q
        else:
            hi = mid - 1
    return best
