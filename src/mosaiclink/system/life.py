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

**Fleet.** Spares-exhaustion times are fitted with a two-parameter Weibull
(``scipy.stats.weibull_min``, right-censored at the horizon); failures in year :math:`y` among
:math:`N` links installed at once are :math:`N [F(y) - F(y-1)]`, with
:math:`1 - F = S_{spares} S_{shared} S_{connectors}`: the fitted Weibull, the shared parts'
hazard and connector contamination (a contaminated mating fails the link when its extra loss
exceeds the link's excess).
"""

from __future__ import annotations

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
from mosaiclink.system.reliability import DIRECTIONS, arrhenius_factor, channel_hazard, shared_hazard
from mosaiclink.system.thermal import at_case_temperature
from mosaiclink.units import HOURS_PER_YEAR

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
    dimmed = channel_excess_db(evaluate_link(dim, seed=seed))
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


def _weibull_fit(times_y: np.ndarray, horizon_y: float) -> tuple[float | None, float | None]:
    """Two-parameter Weibull (shape, scale in years) fitted to right-censored exhaustion times."""
    from scipy import stats

    positive = times_y[times_y > 0.0]
    observed = positive[np.isfinite(positive)]
    if observed.size < 10:
        return None, None
    censored = np.full(positive.size - observed.size, horizon_y)
    data = stats.CensoredData(uncensored=observed, right=censored)
    shape, _, scale = stats.weibull_min.fit(data, floc=0.0)
    return float(shape), float(scale)


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
    power = power_spec or PowerSpec()
    hot, temps = at_case_temperature(design, case_c, thermal, power)
    report = evaluate_link(hot, seed=seed)
    excess0 = channel_excess_db(report)
    slope = excess_sensitivity(hot, excess0, seed)
    j = float(microled.current_density_a_per_cm2(led_average_current_ma(hot, power.mark_density), hot.led.diameter_um))
    tau = emitter_life_h(ageing, j, temps.led_junction_c)
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
    contamination = _contamination_rate_per_year(design, connector, float(excess_median[0]))
    fleet = _fleet_years(t_ex_y, shape_w, scale_w, rel, temps, contamination, fleet_links, fleet_years)
    p5, p50 = (_quantile_years(t_ex_y, q) for q in (0.05, 0.5))
    return LifeResult(
        design=design.name,
        length_m=design.link.length_m,
        case_c=float(case_c),
        led_junction_c=temps.led_junction_c,
        cmos_c=temps.cmos_c,
        current_density_a_per_cm2=j,
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
        from scipy import stats

        spares_cdf = stats.weibull_min.cdf(edges, shape_w, scale=scale_w)
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
