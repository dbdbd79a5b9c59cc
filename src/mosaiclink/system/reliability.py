"""Reliability of a MOSAIC link: k-out-of-n channels with spares, in series with shared parts.

Closed form (binomial survival of channels) and a seeded, vectorized Monte Carlo over
component failure times; both take the same :class:`~mosaiclink.config.system.ReliabilitySpec`.
Repair-free: a link fails when any shared part fails or when, in either direction, more
channels have failed than the spares plus the dead channels the FEC absorbs as erasures
(``ReliabilitySpec.erasure_tolerance_channels``, from :func:`erasure_tolerance`).
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from mosaiclink.config.batched import Batchable
from mosaiclink.config.catalog import CatalogEntry
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.system import ComponentReliability, ReliabilitySpec
from mosaiclink.physics.thermal import ModuleTemperatures
from mosaiclink.streams import Stream, generator
from mosaiclink.units import FIT_HOURS, HOURS_PER_YEAR, ZERO_CELSIUS_K

BOLTZMANN_EV_PER_K = 8.617333262e-5
DIRECTIONS = 2
CHANNEL_PARTS = ("led", "photodiode", "channel_electronics")
MODULE_PARTS = ("pcb", "regulators", "controller", "host_interface")  # one of each per end
SHARED_PARTS = (("cmos_die", 2), ("connector", 2), ("fiber", 1)) + tuple((p, 2) for p in MODULE_PARTS)


def arrhenius_factor(activation_energy_ev, temperature_c, reference_temperature_c):
    """Acceleration factor of a thermally activated failure rate.

    Notes
    -----
    ``AF = exp[(E_a / k) (1 / T_ref - 1 / T)]`` with absolute temperatures and
    ``k = 8.617e-5 eV/K``; ``AF > 1`` when ``T > T_ref``. Example: E_a = 0.7 eV, 55 vs 40 C
    gives AF = 3.27.
    """
    t_k = np.asarray(temperature_c, dtype=float) + ZERO_CELSIUS_K
    t_ref_k = np.asarray(reference_temperature_c, dtype=float) + ZERO_CELSIUS_K
    return np.exp(np.asarray(activation_energy_ev, dtype=float) / BOLTZMANN_EV_PER_K * (1.0 / t_ref_k - 1.0 / t_k))


def catalog_fit_per_end(entry: CatalogEntry, temperature_c: float, level: str = "typical", fit=None):
    """FIT of one end of a catalog technology at ``temperature_c`` (Arrhenius from its reference).

    ``fit`` (scalar or array) replaces the catalog's ``level`` figure at its reference temperature.
    """
    fit = getattr(entry.fit, level) if fit is None else np.asarray(fit, dtype=float)
    return fit * float(
        arrhenius_factor(entry.activation_energy_ev.typical, temperature_c, entry.fit_reference_temperature_c)
    )


def cumulative_hazard(part: ComponentReliability, t_h, acceleration: float) -> np.ndarray:
    """Cumulative hazard of one part: ``H(t) = AF lambda t + (AF t / eta)^beta``."""
    t_h = np.asarray(t_h, dtype=float)
    hazard = acceleration * part.fit / FIT_HOURS * t_h
    if part.weibull_shape is not None and part.weibull_scale_years is not None:  # the spec sets both or neither
        eta_h = part.weibull_scale_years * HOURS_PER_YEAR / acceleration
        hazard = hazard + (t_h / eta_h) ** part.weibull_shape
    return hazard


Temperature = float | ModuleTemperatures
"""A reliability temperature: one value for every part (the catalog convention), or the thermal
model's :class:`~mosaiclink.physics.thermal.ModuleTemperatures`, from which each part reads its own
(:data:`PART_NODES`)."""

PART_NODES = {
    "led": "led_junction_c",
    "photodiode": "cmos_c",
    "channel_electronics": "cmos_c",
    "cmos_die": "cmos_c",
}
"""The thermal node each part sits at. The others (optics, fibre, board parts and the host interface,
whose FIT estimate comes from module-level figures quoted at the case temperature) sit at the case."""


def part_temperature_c(temperature: Temperature, name: str) -> float:
    """The temperature part ``name`` runs at: its node of the thermal model, or the one value given."""
    if isinstance(temperature, ModuleTemperatures):
        return float(getattr(temperature, PART_NODES.get(name, "case_c")))
    return float(temperature)


def _af(spec: ReliabilitySpec, name: str, temperature: Temperature):
    """Arrhenius factor of part ``name`` at its temperature, from the FIT's reference temperature."""
    part = getattr(spec, name)
    return arrhenius_factor(
        part.activation_energy_ev, part_temperature_c(temperature, name), spec.reference_temperature_c
    )


def channel_hazard(spec: ReliabilitySpec, t_h, temperature_c: Temperature) -> np.ndarray:
    """Cumulative hazard of one channel (microLED + photodiode + its driver/TIA)."""
    return functools.reduce(
        operator.add,
        (cumulative_hazard(getattr(spec, p), t_h, _af(spec, p, temperature_c)) for p in CHANNEL_PARTS),
    )


def shared_hazard(spec: ReliabilitySpec, t_h, temperature_c: Temperature) -> np.ndarray:
    """Cumulative hazard of the shared series parts of a link (dies, optics, module parts, fibre)."""
    return functools.reduce(
        operator.add,
        (count * cumulative_hazard(getattr(spec, p), t_h, _af(spec, p, temperature_c)) for p, count in SHARED_PARTS),
    )


def _spares(design: Batchable[MosaicDesign], spares: int | None) -> int:
    return design.array.spare_channels if spares is None else int(spares)


def without_module_parts(spec: ReliabilitySpec) -> ReliabilitySpec:
    """``spec`` with the module parts (board, regulators, controller, host interface) at 0 FIT.

    The MOSAIC paper's reliability model counts the microLED channels with spares and a few
    shared optical parts [S1 CLM-118]; this is that model, for reproducing its "< 20 FIT" point.
    """
    return spec.replace(**{p: getattr(spec, p).replace(fit=0.0) for p in MODULE_PARTS})


def _tolerated(design: Batchable[MosaicDesign], spec: ReliabilitySpec, spares: int | None):
    """Failed channels a direction survives: spares plus the FEC's erasure tolerance."""
    return _spares(design, spares) + spec.erasure_tolerance_channels


def erasure_tolerance(design: MosaicDesign, host: str, mapping: str = "codeword-diagonal") -> int:
    """Dead channels per direction the host's FEC absorbs as erasures, in the worst placement.

    :func:`mosaiclink.datapath.failover.dead_channel_tolerance` of the gearbox that maps
    ``host`` (e.g. ``"800gbe"``) onto the design's data channels, with erasures declared. It
    assumes no random errors in the codewords those channels touch: the erasures use up the
    code's whole margin, so the link then has none left for the channels' own BER.
    """
    from mosaiclink.datapath.failover import dead_channel_tolerance
    from mosaiclink.datapath.gearbox import Gearbox
    from mosaiclink.datapath.protocols import host_protocol

    return dead_channel_tolerance(Gearbox(host_protocol(host), design.array.data_channels, mapping), erasures=True)


def channels_log_survival(
    design: Batchable[MosaicDesign], spec: ReliabilitySpec, t_h, temperature_c: Temperature, spares: int | None = None
) -> np.ndarray:
    """``ln`` survival of the channel arrays of both directions (k-out-of-n, binomial)."""
    n = design.array.data_channels + _spares(design, spares)
    q = -np.expm1(-channel_hazard(spec, t_h, temperature_c))  # channel failure probability by t
    # Binomial tails as regularised incomplete beta functions (scipy.special, not the far heavier
    # scipy.stats import; equal to scipy.stats.binom's within 1.2e-12 relative over n 100-1720,
    # s 0-60, q 1e-12-0.9). log1p(-sf) keeps precision when spares are rarely exhausted, log(cdf)
    # when they mostly are.
    from scipy.special import bdtr, bdtrc

    s = _tolerated(design, spec, spares)
    s_int, n_int = np.rint(s).astype(np.int64), np.rint(n).astype(np.int64)
    sf = bdtrc(s_int, n_int, q)
    with np.errstate(divide="ignore"):
        return DIRECTIONS * np.where(sf < 0.5, np.log1p(-np.minimum(sf, 0.5)), np.log(bdtr(s_int, n_int, q)))


def link_survival(
    design: Batchable[MosaicDesign], spec: ReliabilitySpec, t_h, temperature_c: Temperature, spares: int | None = None
) -> np.ndarray:
    """Probability that the link still works at ``t_h`` hours (closed form).

    Notes
    -----
    With channel failure probability ``q(t) = 1 - exp(-H_c(t))``, ``n = k + s`` channels per
    direction, ``k`` data channels, ``s`` spares and ``e`` dead channels absorbed as erasures::

        R(t) = [P(Binomial(n, q(t)) <= s + e)]^2 * exp(-H_shared(t))

    where ``H`` are cumulative hazards with Arrhenius acceleration (``cumulative_hazard``).
    Channels fail independently; a failed channel is replaced by a spare without loss.
    """
    return np.exp(
        channels_log_survival(design, spec, t_h, temperature_c, spares) - shared_hazard(spec, t_h, temperature_c)
    )


def average_fit(survival: float | np.ndarray, t_h: float) -> np.ndarray:
    """Mission-average failure rate ``-ln R(T) / T`` in FIT."""
    with np.errstate(divide="ignore"):
        return -np.log(survival) / t_h * FIT_HOURS


@dataclass(frozen=True)
class LinkReliability:
    """Reliability figures of one MOSAIC link at a temperature."""

    link_fit: float
    channels_fit: float
    shared_fit: float
    mtbf_h: float
    mttf_h: float
    survival: float
    mission_years: float
    spares: int
    data_channels: int
    temperature_c: float

    def to_dict(self) -> dict:
        """Plain dict of the figures."""
        return asdict(self)


def mosaic_link_fit(
    design: MosaicDesign,
    reliability_spec: ReliabilitySpec | None = None,
    temperature_c: Temperature | None = None,
    spares: int | None = None,
) -> float:
    """Mission-average FIT of a whole MOSAIC link (both ends and the fibre); see :func:`mosaic_reliability`."""
    spec = reliability_spec or ReliabilitySpec()
    return sum(_fit_split(design, spec, _temperature(spec, temperature_c), spares))


def link_mtbf_h(link_fit: float) -> float:
    """``MTBF = 1e9 / FIT`` hours (infinite for a link that never fails)."""
    return FIT_HOURS / link_fit if link_fit > 0 else float("inf")


def _temperature(spec: ReliabilitySpec, temperature_c: Temperature | None) -> Temperature:
    if temperature_c is None:
        return spec.reference_temperature_c
    return temperature_c if isinstance(temperature_c, ModuleTemperatures) else float(temperature_c)


def _fit_split(
    design: MosaicDesign, spec: ReliabilitySpec, temperature_c: Temperature, spares: int | None
) -> tuple[float, float]:
    """(channels FIT, shared FIT) averaged over the mission: ``-ln R_part(T) / T``."""
    mission_h = spec.mission_years * HOURS_PER_YEAR
    channels = -float(channels_log_survival(design, spec, mission_h, temperature_c, spares)) / mission_h * FIT_HOURS
    shared = float(shared_hazard(spec, mission_h, temperature_c)) / mission_h * FIT_HOURS
    return channels, shared


def mosaic_reliability(
    design: MosaicDesign,
    reliability_spec: ReliabilitySpec | None = None,
    temperature_c: Temperature | None = None,
    spares: int | None = None,
) -> LinkReliability:
    """Link FIT averaged over the mission, its split, MTBF and repair-free MTTF.

    Notes
    -----
    ``FIT = -ln R(T) / T * 1e9`` (mean hazard over the mission ``T``); it splits exactly into
    a channel part and a shared part because ``ln R`` is their sum. ``MTBF = 1e9 / FIT`` is
    the figure comparable to catalog rows (constant-rate parts); ``MTTF = int_0^inf R(t) dt``
    is the repair-free mean life. Temperature defaults to the spec's reference temperature; one
    value puts every part at it (the catalog convention), the thermal model's
    :class:`~mosaiclink.physics.thermal.ModuleTemperatures` puts each part at its own node
    (:data:`PART_NODES`: the LED at its junction, the dies at the CMOS junction, the rest at the case).
    """
    spec = reliability_spec or ReliabilitySpec()
    temp_c = _temperature(spec, temperature_c)
    channels_fit, shared_fit = _fit_split(design, spec, temp_c, spares)
    link_fit = channels_fit + shared_fit
    return LinkReliability(
        link_fit=link_fit,
        channels_fit=channels_fit,
        shared_fit=shared_fit,
        mtbf_h=link_mtbf_h(link_fit),
        mttf_h=_mttf_h(design, spec, temp_c, spares),
        survival=float(np.exp(-link_fit / FIT_HOURS * spec.mission_years * HOURS_PER_YEAR)),
        mission_years=spec.mission_years,
        spares=_spares(design, spares),
        data_channels=design.array.data_channels,
        temperature_c=part_temperature_c(temp_c, "case"),
    )


def _mttf_h(design: MosaicDesign, spec: ReliabilitySpec, temperature_c: Temperature, spares: int | None) -> float:
    """``int_0^inf R(t) dt`` on ``[0, t_end]`` with ``R(t_end) < e^-40``."""

    def survival(t: float) -> float:
        return float(link_survival(design, spec, t, temperature_c, spares))

    t_end = spec.mission_years * HOURS_PER_YEAR
    for _ in range(200):
        if survival(t_end) < np.exp(-40.0):
            break
        t_end *= 2.0
    else:
        return float("inf")
    # Split the range in decades so quad resolves both the early knee and the long tail.
    edges = np.concatenate([[0.0], np.geomspace(t_end * 1e-6, t_end, 7)])
    from scipy import integrate  # deferred: a heavy import most commands never need

    return float(sum(integrate.quad(survival, a, b, limit=200)[0] for a, b in itertools.pairwise(edges)))


def spare_sweep(
    design: MosaicDesign,
    reliability_spec: ReliabilitySpec | None = None,
    temperature_c: Temperature | None = None,
    spares: Sequence[int] = (0, 1, 2, 4, 10, 20, 40, 60),
    years: Sequence[float] = (5.0, 10.0),
) -> list[dict]:
    """Link FIT (over the spec's mission) and survival at each of ``years``, per spare count."""
    spec = reliability_spec or ReliabilitySpec()
    temp_c = _temperature(spec, temperature_c)
    t_h = np.asarray(years, dtype=float) * HOURS_PER_YEAR
    rows = []
    for s in spares:
        survival = link_survival(design, spec, t_h, temp_c, s)
        fit = mosaic_link_fit(design, spec, temp_c, s)
        rows.append(
            {
                "spares": int(s),
                "spare_pct": 100.0 * s / design.array.data_channels,
                "link_fit": fit,
                **{f"survival_{y:g}y": float(r) for y, r in zip(years, survival, strict=True)},
            }
        )
    return rows


@dataclass(frozen=True)
class MonteCarloSurvival:
    """Monte Carlo estimate of link survival at one time, with a Wilson confidence interval."""

    survival: float
    ci_low: float
    ci_high: float
    trials: int
    failures: int
    t_h: float
    confidence: float

    def fit_interval(self) -> tuple[float, float, float]:
        """(estimate, low, high) of the mission-average FIT implied by the survival interval."""
        return (
            float(average_fit(self.survival, self.t_h)),
            float(average_fit(self.ci_high, self.t_h)),
            float(average_fit(self.ci_low, self.t_h)),
        )


def _part_failure_times(
    rng: np.random.Generator, part: ComponentReliability, acceleration: float, shape: tuple[int, ...]
) -> np.ndarray:
    """Failure times (h) of independent copies of a part: min(exponential, Weibull)."""
    rate_per_h = acceleration * part.fit / FIT_HOURS
    times = rng.exponential(1.0 / rate_per_h, size=shape) if rate_per_h > 0 else np.full(shape, np.inf)
    if part.weibull_shape is not None and part.weibull_scale_years is not None:  # the spec sets both or neither
        eta_h = part.weibull_scale_years * HOURS_PER_YEAR / acceleration
        times = np.minimum(times, eta_h * rng.weibull(part.weibull_shape, size=shape))
    return times


def monte_carlo_survival(
    design: MosaicDesign,
    reliability_spec: ReliabilitySpec | None = None,
    temperature_c: Temperature | None = None,
    t_h: float | None = None,
    trials: int = 20_000,
    seed: int = 0,
    spares: int | None = None,
    confidence: float = 0.99,
    block_trials: int = 2_000,
) -> MonteCarloSurvival:
    """Estimate link survival by sampling every component's failure time.

    Each trial draws a failure time for every channel part of every channel of both
    directions and for every shared part; a direction dies at the ``(s+1)``-th channel
    failure (``np.partition``), the link at the first of its directions and shared parts.
    Trials run in seeded blocks (stream ``RELIABILITY_TRIALS``, one per block), so memory stays bounded and
    the same seed gives the same result.
    """
    spec = reliability_spec or ReliabilitySpec()
    temp_c = _temperature(spec, temperature_c)
    mission_h = spec.mission_years * HOURS_PER_YEAR if t_h is None else float(t_h)
    n = design.array.data_channels + _spares(design, spares)
    s = _tolerated(design, spec, spares)
    blocks = -(-trials // block_trials)
    failures = 0
    for b in range(blocks):
        rng = generator(seed, Stream.RELIABILITY_TRIALS, b)
        m = min(block_trials, trials - b * block_trials)
        channel_t = np.full((m, DIRECTIONS, n), np.inf)
        for p in CHANNEL_PARTS:
            part = getattr(spec, p)
            channel_t = np.minimum(channel_t, _part_failure_times(rng, part, _af(spec, p, temp_c), (m, DIRECTIONS, n)))
        link_t = np.partition(channel_t, s, axis=2)[:, :, s].min(axis=1)
        for p, count in SHARED_PARTS:
            part = getattr(spec, p)
            link_t = np.minimum(link_t, _part_failure_times(rng, part, _af(spec, p, temp_c), (m, count)).min(axis=1))
        failures += int(np.count_nonzero(link_t <= mission_h))
    low, high = wilson_interval(trials - failures, trials, confidence)
    return MonteCarloSurvival(1.0 - failures / trials, low, high, trials, failures, mission_h, confidence)


def wilson_interval(successes: int, trials: int, confidence: float) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion."""
    from scipy.special import ndtri

    z = float(ndtri(0.5 + confidence / 2.0))
    p = successes / trials
    denom = 1.0 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * np.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))
