"""Assess a design end to end once; every view (report sections, terminal, JSON, figures) reads the result.

:func:`assess` runs each model exactly once and returns a frozen :class:`Assessment`:

- **link**: :func:`~mosaiclink.physics.link.evaluate_link` at the design point, the reach of the
  median channel and of every data channel (:func:`~mosaiclink.physics.reach.max_reach_m`), and a
  length x rate sweep of the median channel on the population fast path
  (:func:`~mosaiclink.explore.evaluate.evaluate_rows`, which reuses the static link parts);
- **simulation**: one Monte Carlo run counting the worst countable channels on the symbol-rate
  path, with the median channel's eye drawn on the waveform path at ``EYE_SAMPLES_PER_BIT``;
- **datapath**: the gearbox's line rate, the link at that rate (the design point's report when the
  rates agree), the analytic RS(544,514) model and an error-pattern emulation;
- **system**: the bottom-up power range, link FIT vs spares and :func:`~mosaiclink.system.compare.compare`
  fed with the reach computed above (no second reach search);
- **cluster**: the shipped 100k-GPU scenarios and the scale-up scenario;
- **workload**: the DeepSeek-V3 training job on 16,384 GPUs per technology
  (:func:`~mosaiclink.workloads.training.evaluate_training`): step time, goodput per MW, MOSAIC's gain;
- **claims**: the seeded Latin hypercube of ``mosaic uncertainty`` over the design's shipped
  ranges (:func:`~mosaiclink.explore.claims.assess_claims`, ``UNCERTAINTY_SAMPLES`` samples on the
  fast path): 5/50/95 % bands of the headline numbers and the published claims' verdicts.

Nothing here formats or draws (this layer is data only): :mod:`mosaiclink.report` renders an
assessment, :mod:`mosaiclink.web` serves it, :mod:`mosaiclink.cli` prints it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mosaiclink import __version__
from mosaiclink.assessment.envelope import EnvelopeAssessment, assess_envelope
from mosaiclink.assessment.scenario import ScenarioAssessment, assess_scenario
from mosaiclink.cluster.run import evaluate_columns
from mosaiclink.cluster.scenarios import DEFAULT_SCENARIOS, load_scenario
from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.estimate_ranges import load_ranges, shipped_ranges_names
from mosaiclink.config.system import ComponentReliability, ReliabilitySpec
from mosaiclink.datapath.analytic import PostFec, analytic_post_fec
from mosaiclink.datapath.emulator import DatapathResult, emulate
from mosaiclink.datapath.gearbox import MAPPINGS
from mosaiclink.errors import ConfigError, ModelRangeError
from mosaiclink.explore.claims import ClaimsAssessment, assess_claims
from mosaiclink.explore.evaluate import evaluate_rows, population_pass
from mosaiclink.explore.uncertainty import fleet
from mosaiclink.physics import ber
from mosaiclink.physics.equalizer import ffe_transfer_function
from mosaiclink.physics.link import LinkReport, evaluate_link
from mosaiclink.physics.pulse import chain_pulse_response, component_transfer_functions
from mosaiclink.physics.reach import max_reaches_m
from mosaiclink.sim.runner import EyeData, SimResult, simulate
from mosaiclink.system.catalog import load_catalog
from mosaiclink.system.compare import ComparisonResult, compare
from mosaiclink.system.power import PowerBreakdown, mosaic_power_range
from mosaiclink.system.reach import REACH_TOLERANCE_M, physics_reach_fn
from mosaiclink.system.reliability import spare_sweep
from mosaiclink.workloads.lanes import lane_margin_table
from mosaiclink.workloads.media import wide_slow_media_table
from mosaiclink.workloads.presets import load_job
from mosaiclink.workloads.training import evaluate_training

# Link sweep (fast path): lengths and per-channel rates (factors of the design's) of the BER-vs-length
# and reach-vs-rate views; the BER-vs-length figure draws BER_CURVE_RATE_FACTORS of them.
SWEEP_LENGTHS_M = tuple(np.linspace(1.0, 100.0, 100))
SWEEP_RATE_FACTORS = tuple(np.round(np.linspace(0.5, 2.0, 16), 3))
BER_CURVE_RATE_FACTORS = (0.75, 1.0, 1.25)
# Monte Carlo: the worst channels a report-sized count resolves, and the eye of the median channel.
COUNTED_CHANNELS = 6
BITS_PER_CHANNEL = 2_000_000
COUNTABLE_LOG10_BER = (-7.0, -2.0)  # a 2e6-bit count resolves these
EYE_BITS = 4_000
EYE_SAMPLES_PER_BIT = 32
# Data path: the gearbox mapping, the emulated run and the dead-channel sweep.
DATAPATH_MAPPING = "symbol-aligned"
KILLED_MID_RUN = 3
KILL_AT_US = 5.0
EMULATED_US = 20.0
DEAD_COUNTS = (0, 1, 2, 3, 5, 8, 12, 16, 20)
LOG10_P_FLOOR = -40.0
# System: the operating point of the comparison (the paper's 30 m claim, a warm module) and the FIT sweep.
COMPARE_REACH_M = 30.0
COMPARE_TEMPERATURE_C = 55.0
LED_FITS = (1.0, 0.1)  # per-microLED FIT values of the paper's reliability model [S1 CLM-118]
LED_ACTIVATION_ENERGY_EV = 0.65
SPARES = (0, 1, 2, 4, 6, 10, 20, 30, 40, 60)
SCALE_UP_SCENARIO = "scale-up"
# Claims: Latin hypercube samples of the bands. Over 8 seeds the 5/50/95 % points of the 800G preset
# moved by at most 9 % of the band's width (14 % for the AOC/MOSAIC FIT ratio) and no verdict changed
# (docs/benchmarks.md, "Report"); 1000 samples give at most 10 % at 3.3x the CPU.
UNCERTAINTY_SAMPLES = 500


@dataclass(frozen=True)
class LinkAssessment:
    """The design point (every channel), its reach, and the fast path's length x rate sweep.

    The sweep is the median channel of the population fast path
    (:func:`~mosaiclink.explore.evaluate.population_pass`, the explorer's and the sweeps' path,
    the channels ranked at the design's length) and its reach per rate
    (:func:`~mosaiclink.explore.evaluate.evaluate_rows`); the design point and its reaches are the
    full per-channel model.
    """

    report: LinkReport
    reach_median_m: float
    reach_all_data_m: float  # every data channel meets the target (the k-th best channel, k = data channels)
    sweep_lengths_m: np.ndarray  # (lengths,)
    sweep_rates_gbps: np.ndarray  # (rates,) per-channel rates
    sweep_log10_ber_median: np.ndarray  # (rates, lengths) the median channel
    sweep_reach_median_m: np.ndarray  # (rates,) reach of the median channel at the target BER


@dataclass(frozen=True)
class SignalAssessment:
    """Signal-integrity views of the design point for its median and worst live channels.

    ``sensitivity_*`` is BER vs received OMA with every other impairment of the channel held:
    in the thermal-noise limit the Gaussian Q (ISI and crosstalk included, both proportional to
    the signal) scales linearly with optical power, so
    :math:`Q(\\mathrm{OMA}) = Q_c\\,10^{(\\mathrm{OMA}-\\mathrm{OMA}_c)/10}` (OMA in dBm), and the
    noise-only curve uses the equalized cursor over noise alone. Computed here from public
    :class:`~mosaiclink.physics.link.LinkReport` fields (shot noise held at its operating value).
    """

    channels: tuple[int, int]  # (median, worst) live channel numbers
    freq_hz: np.ndarray
    response_db: dict[str, np.ndarray]  # |H(f)| in dB, each unit gain at DC: led, fiber, receiver, ctle, ffe, total
    pulse_t_ui: np.ndarray  # time relative to each channel's decision instant, UI
    pulse_pre_ffe: np.ndarray  # (2, samples) receiver + CTLE output normalized to its peak
    cursor_lags_ui: np.ndarray  # symbol lags of the equalized taps
    cursor_pre_ffe: np.ndarray  # (2, lags) the pre-FFE pulse at the decision instants, normalized
    cursor_post_ffe: np.ndarray  # (2, lags) equalized symbol-spaced pulse, normalized to its cursor
    oma_dbm: np.ndarray  # received OMA axis of the sensitivity curves
    log10_ber_vs_oma: np.ndarray  # (2, oma) with ISI and crosstalk
    log10_ber_vs_oma_noise_only: np.ndarray  # (2, oma)


@dataclass(frozen=True)
class SimulationAssessment:
    """Counted BER of the worst countable channels and the median channel's eye."""

    counted: SimResult
    eye: EyeData


@dataclass(frozen=True)
class DatapathAssessment:
    """Post-FEC behaviour at the line rate the gearbox needs."""

    host: str
    mapping: str
    line_rate_gbps: float
    link: LinkReport  # at line_rate_gbps
    data_ber: np.ndarray  # the best ``data_channels`` channels' BER (spares take the worst)
    analytic: dict[str, PostFec]  # per mapping
    emulated: DatapathResult
    dead_counts: tuple[int, ...]
    log10_p_uncorrectable_vs_dead: dict[str, tuple[float, ...]]  # "<mapping>" and "<mapping> + erasures"


@dataclass(frozen=True)
class SystemAssessment:
    """Power range, FIT vs spares and (when the catalog has the rate) the comparison."""

    rate_gbps: float
    power_co_packaged: PowerBreakdown
    power_pluggable: PowerBreakdown
    fit_vs_spares: dict[float, list[dict]]  # per-microLED FIT -> rows of spare_sweep
    comparison: ComparisonResult | None


@dataclass(frozen=True)
class ClusterAssessment:
    """Summaries of the 100k-GPU fabrics (incumbent first, MOSAIC second) and the scale-up options."""

    fabric: tuple[dict, ...]
    scale_up: tuple[dict, ...]
    temperature_c: float  # module case temperature of the fabric scenarios (their FIT scaling)


@dataclass(frozen=True)
class Assessment:
    """Everything the report shows about one design, computed once by :func:`assess`.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> from mosaiclink.assessment import assess  # the function ml.assess exports
    >>> bench = ml.load_preset("mosaic-prototype").replace(name="bench")  # no shipped ranges: no posterior claims
    >>> assessment = assess(bench)
    >>> reach_m, power_w = assessment.link.reach_all_data_m, assessment.system.power_pluggable.total_w_per_end
    >>> round(reach_m, 1), round(power_w, 3)  # the reach is a bisection's meeting end, to 0.5 m
    (8.9, 1.392)
    >>> assessment.claims is None, assessment.claims_note.startswith("no shipped ranges for 'bench'")
    (True, True)
    """

    design: MosaicDesign
    origin: str
    seed: int
    version: str
    generated_utc: str
    link: LinkAssessment
    signal: SignalAssessment
    simulation: SimulationAssessment
    datapath: DatapathAssessment | None
    system: SystemAssessment
    cluster: ClusterAssessment
    scenarios: tuple[ScenarioAssessment, ...] = ()  # each --scenario (memory pool or scale-up sweep)
    claims: ClaimsAssessment | None = None  # bands and verdicts (None: the design has no ranges)
    claims_note: str = ""  # why there are no bands, when there are none
    workload: dict[str, Any] | None = None  # the report's AI training job per technology (workloads layer)
    envelope: EnvelopeAssessment | None = None  # case temperature, life, yield, bends (None: out of range)

    def __repr__(self) -> str:
        report, power = self.link.report, self.system
        return (
            f"<Assessment {self.design.name}: {report.channels} ch @ {report.rate_gbps:.4g} Gb/s, "
            f"{report.length_m:g} m, reach {self.link.reach_all_data_m:.3g} m, "
            f"{power.power_co_packaged.total_w_per_end:.3g}-{power.power_pluggable.total_w_per_end:.3g} W/end, "
            f"seed {self.seed}>"
        )


STEPS = (
    "link physics",
    "Monte Carlo check",
    "data path and FEC",
    "power, reliability and cost",
    "cluster impact",
    "uncertainty bands and claims",
)


def assess_link(design: MosaicDesign, seed: int) -> LinkAssessment:
    """The design point, its two reaches (bisection on the full model) and the fast-path sweep."""
    report = evaluate_link(design, seed=seed)
    reach_median_m, reach_all_m = max_reaches_m(
        design, (None, report.data_channels), seed=seed, tolerance_m=REACH_TOLERANCE_M
    )
    rates = design.link.rate_gbps * np.asarray(SWEEP_RATE_FACTORS)
    lengths = np.asarray(SWEEP_LENGTHS_M)
    grid = np.column_stack([np.repeat(rates, lengths.size), np.tile(lengths, rates.size)])
    # what the optics allow at each rate, whether or not a host protocol could use it
    optics_only = design.replace(link={"host_protocol": "none"})
    paths = ("link.rate_gbps", "link.length_m")
    # the median channel (population fast path), ranked at the design's length: one reference run
    curves = population_pass(optics_only, paths, grid, reaches=False, reference_length_m=design.link.length_m)
    at_design = np.column_stack([rates, np.full(rates.size, design.link.length_m)])
    shape = (rates.size, lengths.size)
    return LinkAssessment(
        report,
        reach_median_m,
        reach_all_m,
        lengths,
        rates,
        curves["log10_ber_median"].reshape(shape),
        evaluate_rows(optics_only, paths, at_design)["reach_m"],
    )


def median_and_worst_live(report: LinkReport) -> tuple[int, int]:
    """The live channel of median stat-eye BER and the live channel of worst BER."""
    live = np.flatnonzero(~report.dead)
    order = live[np.argsort(report.log10_ber_stateye[live])]
    return int(order[len(order) // 2]), int(order[-1])


def assess_signal(design: MosaicDesign, report: LinkReport, seed: int) -> SignalAssessment:
    """Frequency responses, pulse before and after the FFE, and BER vs received OMA (see class Notes)."""
    picked = median_and_worst_live(report)
    rate_hz = design.link.rate_gbps * 1e9
    freq_hz = np.geomspace(rate_hz / 1000.0, 2.0 * rate_hz, 400)
    median = picked[0]
    parts = component_transfer_functions(design, freq_hz)
    parts["led"] = np.broadcast_to(parts["led"], freq_hz.shape)
    taps = report.ffe_taps[median]
    dc_gain = float(np.sum(taps)) or 1.0  # unit DC gain like the other blocks
    parts["ffe"] = ffe_transfer_function(taps / dc_gain, design.equalizer.ffe_precursor_taps, 1.0 / rate_hz, freq_hz)
    parts["total"] = np.prod(np.stack([parts[k] for k in ("led", "fiber", "receiver", "ctle", "ffe")]), axis=0)
    response_db = {k: 20.0 * np.log10(np.maximum(np.abs(v), 1e-15)) for k, v in parts.items()}
    # pulses: the chain's output before the FFE, aligned on each channel's decision instant
    t_s, pulses = chain_pulse_response(design, seed=seed)
    bit_s = 1.0 / rate_hz
    pre = pulses[list(picked)]
    peaks_s = t_s[np.argmax(pre, axis=1)]
    decision_s = peaks_s + report.sampling_offset_ps[list(picked)] * 1e-12
    lags = np.arange(report.cursor_taps.shape[1]) - report.cursor_index
    pulse_t_ui = (t_s - decision_s[0]) / bit_s
    shifted = np.stack([np.interp(t_s, t_s - (decision_s[i] - decision_s[0]), pre[i]) for i in range(2)])
    cursor_pre = np.stack([np.interp(decision_s[i] + lags * bit_s, t_s, pre[i]) for i in range(2)])
    scale = np.maximum(pre.max(axis=1), 1e-30)[:, None]
    post = report.cursor_taps[list(picked)]
    post = post / np.where(
        post[:, report.cursor_index : report.cursor_index + 1] == 0,
        1.0,
        post[:, report.cursor_index : report.cursor_index + 1],
    )
    # sensitivity: Q proportional to received OMA, every other impairment held
    oma_c = report.received_oma_dbm[list(picked)]
    oma_dbm = np.linspace(oma_c.min() - 6.0, oma_c.max() + 6.0, 121)
    gain = np.power(10.0, (oma_dbm[None, :] - oma_c[:, None]) / 10.0)
    with_isi = ber.log10_ber_from_q(report.q[list(picked)][:, None] * gain)
    noise_only = ber.log10_ber_from_q(report.q_noise_only[list(picked)][:, None] * gain)
    return SignalAssessment(
        picked,
        freq_hz,
        response_db,
        pulse_t_ui,
        shifted / scale,
        lags.astype(float),
        cursor_pre / scale,
        post,
        oma_dbm,
        with_isi,
        noise_only,
    )


def worst_countable_channels(report: LinkReport) -> tuple[list[int], int]:
    """The worst live channels whose BER a report-sized count resolves, and the median live channel."""
    log_ber = np.where(report.dead, np.inf, report.log10_ber_stateye)
    order = np.argsort(log_ber)
    live = order[np.isfinite(log_ber[order])]
    low, high = COUNTABLE_LOG10_BER
    countable = [int(c) for c in live[::-1] if low <= log_ber[c] <= high][:COUNTED_CHANNELS]
    return sorted(countable) or [int(live[-1])], int(live[len(live) // 2])


def assess_simulation(design: MosaicDesign, report: LinkReport, seed: int) -> SimulationAssessment:
    """One Monte Carlo run: counts on the symbol path, the median channel's eye on the waveform path."""
    counted_channels, eye_channel = worst_countable_channels(report)
    run = simulate(
        design,
        bits=BITS_PER_CHANNEL,
        channels=counted_channels,
        samples_per_bit=EYE_SAMPLES_PER_BIT,
        path="symbol",
        seed=seed,
        variation_seed=seed,
        eye_channels=[eye_channel],
        eye_bits=EYE_BITS,
    )
    return SimulationAssessment(run, run.eyes[eye_channel])


def dead_channel_sweep(host: str, channels: int, ber: np.ndarray) -> dict[str, tuple[float, ...]]:
    """log10 P(uncorrectable codeword) vs ``DEAD_COUNTS`` dead channels, per mapping, with and without erasures."""
    curves: dict[str, tuple[float, ...]] = {}
    for mapping in MAPPINGS:
        for erasures in (False, True):
            values = []
            for dead in DEAD_COUNTS:
                if dead == 0 and erasures:  # nothing erased: the curve without erasures' first point
                    values.append(curves[mapping][0])
                    continue
                ber_dead = ber.copy()
                ber_dead[:dead] = 0.5
                result = analytic_post_fec(
                    host, channels, mapping, ber_dead, erased_channels=range(dead) if erasures else ()
                )
                values.append(max(result.log10_p_uncorrectable, LOG10_P_FLOOR))
            curves[f"{mapping}{' + erasures' if erasures else ''}"] = tuple(values)
    return curves


def assess_datapath(design: MosaicDesign, report: LinkReport, seed: int) -> DatapathAssessment | None:
    """Post-FEC behaviour through the design's host protocol (None for a design without one).

    The design already runs at the line rate its host needs (:mod:`mosaiclink.config.line_rate`),
    so the design point's link report is the data path's input; it is re-evaluated only for a design
    that states a faster rate than the need.
    """
    channels = design.array.data_channels
    host = design.link.host_protocol
    need_gbps = design.required_rate_gbps
    if host == "none" or need_gbps is None:
        return None
    line_rate_gbps = design.link.rate_gbps
    link = report if abs(line_rate_gbps - report.rate_gbps) < 1e-9 else evaluate_link(design, seed=seed)
    sorted_ber = np.sort(np.power(10.0, link.log10_ber_stateye))  # best channels carry data, spares the rest
    data_ber = sorted_ber[:channels]
    analytic = {m: analytic_post_fec(host, channels, m, data_ber) for m in MAPPINGS}
    run = emulate(
        DatapathSpec.from_mapping(
            dict(
                host=host,
                channels=channels,
                spares=design.array.spare_channels,
                mapping=DATAPATH_MAPPING,
                ber_per_channel=tuple(float(b) for b in sorted_ber),
                dead=KILLED_MID_RUN,
                kill_at_us=KILL_AT_US,
                duration_us=EMULATED_US,
                mode="pattern",
            )
        ),
        seed=seed,
    )
    curves = dead_channel_sweep(host, channels, data_ber)
    return DatapathAssessment(
        host, DATAPATH_MAPPING, line_rate_gbps, link, data_ber, analytic, run, DEAD_COUNTS, curves
    )


def assess_system(design: MosaicDesign, link: LinkAssessment, seed: int) -> SystemAssessment:
    """Power, reliability and the comparison at ``COMPARE_REACH_M`` and ``COMPARE_TEMPERATURE_C``."""
    low, high = mosaic_power_range(design)
    rate_gbps = low.data_rate_gbps  # the host's data rate (the line rate adds the host FEC and markers)
    curves = {
        led_fit: spare_sweep(
            design,
            ReliabilitySpec(led=ComponentReliability(fit=led_fit, activation_energy_ev=LED_ACTIVATION_ENERGY_EV)),
            COMPARE_TEMPERATURE_C,
            spares=SPARES,
        )
        for led_fit in LED_FITS
    }
    comparison = None
    if rate_gbps in load_catalog().rates_gbps():
        physics_reach = physics_reach_fn()

        def reach_fn(candidate: MosaicDesign, target_ber: float) -> float:
            """The reach computed above for this design (``mosaic compare`` uses variation seed 0)."""
            if seed == 0 and candidate is design and target_ber == design.link.target_ber:
                return link.reach_all_data_m
            return physics_reach(candidate, target_ber)

        comparison = compare(
            rate=rate_gbps,
            reach_m=COMPARE_REACH_M,
            temperature_c=COMPARE_TEMPERATURE_C,
            design=design,
            reach_fn=reach_fn,
        )
    return SystemAssessment(rate_gbps, low, high, curves, comparison)


def assess_cluster(design: MosaicDesign, seed: int) -> ClusterAssessment:
    """The default 100k-GPU comparison and the scale-up scenario with this design as MOSAIC."""
    fabric_specs = [c for name in DEFAULT_SCENARIOS for c in load_scenario(name).clusters]
    fabric = evaluate_columns(fabric_specs, seed=seed, design=design).summaries
    scale_up = evaluate_columns(load_scenario(SCALE_UP_SCENARIO).clusters, seed=seed, design=design).summaries
    temperatures = {spec.temperature_c for spec in fabric_specs}
    if len(temperatures) != 1:
        raise ModelRangeError(
            f"cluster scenarios {DEFAULT_SCENARIOS}: compared at different temperatures {temperatures}"
        )
    return ClusterAssessment(tuple(fabric), tuple(scale_up), temperatures.pop())


REPORT_JOB = "deepseek-v3"  # the MoE job shows all three parts of MOSAIC's gain: domain, failures, power


def assess_workload(design: MosaicDesign) -> dict[str, Any]:
    """The ``mosaic workload --job deepseek-v3`` summary with this design as MOSAIC (at its rate;
    otherwise the shipped preset of the job's scale-up rate), with ``mosaic workload --lanes``'s margin
    table (``lane_margin``) and ``--media``'s table (``media``)."""
    spec = load_job(REPORT_JOB)
    mine = design if design.data_rate_gbps == spec.scale_up.rate_gbps else None
    summary = evaluate_training(spec, design=mine).summary()
    try:  # the lane-rate and media comparisons of this design (an array that does not halve has none)
        summary["lane_margin"] = lane_margin_table(design=mine)
        summary["media"] = wide_slow_media_table(design=mine)
    except (ConfigError, ModelRangeError) as exc:
        summary["lane_margin"], summary["media"], summary["lanes_note"] = [], [], str(exc)
    return summary


def assess_uncertainty(design: MosaicDesign, seed: int) -> tuple[ClaimsAssessment | None, str]:
    """Bands and claim verdicts over the shipped ranges named like the design, or why there are none.

    The same call as ``mosaic uncertainty --preset <name> --samples UNCERTAINTY_SAMPLES --seed <seed>``
    when the preset's shipped posterior matches; without one the report keeps the prior's bands and
    says why (``ClaimsAssessment.unconditioned``) where the CLI runs the chain (minutes of CPU).
    """
    if design.name not in shipped_ranges_names():
        return None, f"no shipped ranges for '{design.name}' (presets with ranges: {', '.join(shipped_ranges_names())})"
    try:
        claims = assess_claims(
            design, load_ranges(design.name), UNCERTAINTY_SAMPLES, seed, preset=design.name, run_chain=False
        )
    except ConfigError as exc:  # a changed design whose values leave the preset's ranges
        return None, f"the shipped ranges of '{design.name}' do not fit this design: {exc}"
    return claims, ""


def assess(
    design: MosaicDesign,
    seed: int = 0,
    origin: str = "",
    on_step: Callable[[int, str], None] | None = None,
    scenarios: tuple[str, ...] = (),
) -> Assessment:
    """Assess ``design`` end to end (see module Notes); ``on_step(index, label)`` before each of ``STEPS``.

    Parameters
    ----------
    design
        The MOSAIC design (e.g. :func:`mosaiclink.config.presets.load_preset`).
    seed
        Seed of every stochastic step: manufacturing variation, Monte Carlo, emulation, cluster year.
    origin
        Where the design came from (``"preset mosaic-800g"``, ``"file my.toml"``), shown in the report.
    scenarios
        Memory-pool or scale-up-sweep scenarios (shipped names or files), each evaluated once
        (:func:`mosaiclink.assessment.scenario.assess_scenario`).

    Returns
    -------
    Assessment
        Frozen; the same design and seed give the same numbers.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> from mosaiclink.assessment import assess  # the function ml.assess exports
    >>> assess(ml.load_preset("mosaic-prototype").replace(name="bench"))  # a preset's name adds its claims (minutes)
    <Assessment bench: 100 ch @ 2 Gb/s, 20 m, reach 8.94 m, 0.842-1.39 W/end, seed 0>
    """

    def step(index: int) -> None:
        if on_step:
            on_step(index, STEPS[index])

    step(0)
    link = assess_link(design, seed)
    signal = assess_signal(design, link.report, seed)
    step(1)
    simulation = assess_simulation(design, link.report, seed)
    step(2)
    datapath = assess_datapath(design, link.report, seed)
    step(3)
    system = assess_system(design, link, seed)
    step(4)
    cluster = assess_cluster(design, seed)
    workload = assess_workload(design)
    extra = tuple(assess_scenario(name, design) for name in scenarios)
    step(5)
    claims, claims_note = assess_uncertainty(design, seed)
    fleet_links = (claims.result.fleet if claims is not None else fleet()).optical_links
    envelope = assess_envelope(design, seed, fleet_links)
    generated = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return Assessment(
        design,
        origin or f"design {design.name}",
        seed,
        __version__,
        generated,
        link,
        signal,
        simulation,
        datapath,
        system,
        cluster,
        extra,
        claims,
        claims_note,
        workload,
        envelope,
    )
