"""Bounded work: estimate a run's size before allocating, refuse in one line what would not fit.

Each check compares an estimate with a limit and raises a
:class:`~mosaiclink.errors.ConfigError` that states both and which knob to turn. Memory limits
are a share of this machine's physical memory (:data:`MEMORY_SHARE`); work limits come from
rates measured on the 2-core development VM (docs/robustness.md).
"""

from __future__ import annotations

import os

from mosaiclink.errors import ConfigError

MEMORY_SHARE = 0.25  # one run may take a quarter of physical memory (machines are shared)
FALLBACK_MEMORY_BYTES = 4 * 2**30  # when the OS does not report its memory

LINK_SAMPLES_MAX = 2**22
"""Largest ``channels x samples_per_bit x isi_span_bits`` of one full link evaluation: the
per-channel pulse responses, crosstalk and statistical eye scale with it. ``evaluate_link``
runs ~100,000 samples/s on one core (100 channels x 256 x 16 in 4.6 s, 460 x 16 x 16 in
1.4 s), so the limit is ~40 s; the shipped presets use 0.03-0.44 M."""
LINK_SAMPLES_PER_S = 1e5

SWEEP_DESIGNS_PER_S = (420.0, 680.0)
"""Full stored rows per second on one core, slowest and fastest measured: the population fast path
with both reach searches, power, FIT and the store's writes, through ``mosaic sweep`` on the 2-core
VM (session 16, its compiled equalizer and rotations and the eye's fused multiply-adds):
``examples/sweep-800g-grid.toml`` 5,600 designs in 15.3 s (367/s), ``examples/sweep-led-lhs.toml``
50,000 in 95.7 s (522/s); with the outer ring's bound 372/s and 533/s; session 15 measured 272/s
and 389/s; session 17 (the outer ring's operating points only where its light counts, five anchors
at the population's stage 0) 5,600 in 14.2 s (395/s) and 50,000 in 88.6 s (564/s); session 19 (the LED's
harmonics transformed as integrated, its levels in one loop, sorted profiles) 5,600 in 13.25-12.30 s
(423-455/s) and 50,000 in 79.9-73.5 s (626-680/s). A design ranked by itself (its own
reference, docs/models.md "Population fast path") costs more: its array's every channel. (Until
session 15 this was 27,000/s, the rate of the nominal channel's row before the population fast
path: estimates were ~100x short.)"""
SWEEP_DESIGNS_MAX = 10**7
"""Largest sweep: ~4.1-6.6 h on one core at :data:`SWEEP_DESIGNS_PER_S`, and ~1 GB of store."""
SAMPLER_COPIES = 3  # scipy's Latin hypercube peaks at ~3 copies of its matrix (0.94 GB for 1e7 x 4)
SAMPLED_DESIGNS_MAX = 10**7
"""Largest random or Latin-hypercube sweep: its samples are drawn up front, before the first design
is stored (scipy drew 1e7 x 4 in 22 s on the 2-core VM; 1e8 ran past 120 s at 4.2 GB with no
design stored). Larger studies: several sweeps with other seeds, or a grid (streamed in chunks)."""

SIM_BITS_MAX = 2 * 10**9
"""Most bits one ``mosaic simulate`` run counts over all its channels: ~25 min at the 1.3 Mbit/s
the symbol path counted on the loaded 2-core VM (10 channels x 200,000 bits; the waveform path
ran 0.4 Mbit/s). Memory is bounded by the runner's blocks; this bounds the time."""
SIM_BITS_PER_S = 1.3e6


UNCERTAINTY_SAMPLE_S = 1.0 / 400
"""CPU seconds of one Latin-hypercube sample of ``mosaic uncertainty`` (power and reliability, the link
through the population fast path with the median channel's reach, the prior's and the posterior's
draws) where its draws keep their group's reference: ``mosaic-800g`` 409 samples/s (``-n 2000`` minus
``-n 500`` on the 2-core VM at load ~1, session 16; 276/s in session 14, before the compiled
equalizer and rotations; session 6's 847/s predate the stages and the reach's population search)."""
UNCERTAINTY_CHANNEL_S = 8.0e-5
"""CPU seconds per sample and per channel of the array where every draw is ranked by itself (its
array's every channel at each of the run's lengths, docs/models.md, "Population fast path", step 7):
``mosaic-prototype``, most of whose draws are, 106 samples/s over 100 channels (``-n 1000`` minus
``-n 200``, session 16; 74/s in session 14), 9.4 ms a sample, ~6.9 ms beyond the fixed cost; 97/s
in session 17 (10.3 ms, 7.8 ms beyond: the host slower that day, session 16's code ran 11.6 s where
it had run 10.3). The estimate takes every draw so (the bound's worst case)."""
UNCERTAINTY_SECONDS_MAX = 900.0  # 15 min of sampling, the longest run one command may take (our choice)
UNCERTAINTY_PROGRESS_S = 5.0  # runs estimated longer than this show a progress bar and their estimate


def uncertainty_seconds(samples: int, channels: int) -> float:
    """Estimated seconds to evaluate ``samples`` uncertainty samples of a design of ``channels`` channels,
    every draw ranked by itself at worst (the fixed ~10 s setup apart)."""
    return samples * (UNCERTAINTY_SAMPLE_S + channels * UNCERTAINTY_CHANNEL_S)


def uncertainty_estimate(samples: int, channels: int) -> str:
    """The run's estimate as text, from no draw to every draw ranked by itself: ``'2.5-39 s'``."""
    return f"{uncertainty_seconds(samples, 0):,.2g}-{uncertainty_seconds(samples, channels):,.0f} s"


def check_uncertainty_samples(samples: int, channels: int) -> float:
    """The estimate of :func:`uncertainty_seconds`; refuse past :data:`UNCERTAINTY_SECONDS_MAX`."""
    seconds = uncertainty_seconds(samples, channels)
    if seconds > UNCERTAINTY_SECONDS_MAX:
        per_s = 1.0 / (UNCERTAINTY_SAMPLE_S + channels * UNCERTAINTY_CHANNEL_S)
        raise ConfigError(
            f"--samples = {samples:,}: estimated {seconds / 60:,.0f} min at ~{per_s:,.0f} samples/s for "
            f"{channels:,} channels (every draw ranked by itself at worst), more than "
            f"{UNCERTAINTY_SECONDS_MAX / 60:.0f} min; give at most {int(UNCERTAINTY_SECONDS_MAX * per_s):,} samples"
        )
    return seconds


CLUSTER_RACK_PAIRS_MAX = 10**7
"""Most (rack, domain rack) pairs one cluster evaluation lays out: its scale-up cable groups
(``racks x domain_gpus / gpus_per_rack``), ~10 arrays of 8 bytes each. 1.25 M pairs (10 M GPUs,
8 per rack) evaluated in ~9 s at 0.47 GB on the 2-core VM; a 65,536-GPU domain of one-GPU racks
asked for 6.6e11 pairs (4.8 TiB) and failed deep inside numpy."""
CLUSTER_PAIRS_PER_S = 1.4e5
CLUSTER_BYTES_PER_PAIR = 400  # peak bytes per pair, from the 0.47 GB of the run above


def check_cluster_work(what: str, racks: int, domain_racks: int) -> None:
    """Refuse a cluster layout of more than :data:`CLUSTER_RACK_PAIRS_MAX` rack pairs, with its estimate."""
    pairs = racks * domain_racks
    if pairs > CLUSTER_RACK_PAIRS_MAX:
        raise ConfigError(
            f"{what}: {racks:,} racks x {domain_racks:,} racks per scale-up domain = {pairs:.3g} rack pairs, more than "
            f"{CLUSTER_RACK_PAIRS_MAX:.0e} (estimated {_gib(pairs * CLUSTER_BYTES_PER_PAIR)}, "
            f"{pairs / CLUSTER_PAIRS_PER_S / 60:,.0f} min); put more GPUs in a rack or fewer in a domain"
        )
    require_memory(f"{what} ({pairs:,} rack pairs)", pairs * CLUSTER_BYTES_PER_PAIR, "put more GPUs in a rack")


def memory_budget_bytes() -> int:
    """Bytes one run may allocate: :data:`MEMORY_SHARE` of physical memory."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        total = FALLBACK_MEMORY_BYTES
    return int(total * MEMORY_SHARE)


def _gib(nbytes: float) -> str:
    return f"{nbytes / 2**30:.1f} GiB"


def require_memory(what: str, needed_bytes: float, hint: str) -> None:
    """Refuse a run whose estimated memory exceeds :func:`memory_budget_bytes`."""
    budget = memory_budget_bytes()
    if needed_bytes > budget:
        raise ConfigError(
            f"{what} needs ~{_gib(needed_bytes)} of memory, more than the {_gib(budget)} one run may use "
            f"({MEMORY_SHARE:.0%} of this machine's memory); {hint}"
        )


def check_link_work(channels: int, samples_per_bit: int, isi_span_bits: int) -> None:
    """Refuse a full link evaluation larger than :data:`LINK_SAMPLES_MAX` samples."""
    samples = channels * samples_per_bit * isi_span_bits
    if samples > LINK_SAMPLES_MAX:
        minutes = samples / LINK_SAMPLES_PER_S / 60
        raise ConfigError(
            f"link model work = {channels} channels x {samples_per_bit} samples/bit x {isi_span_bits} ISI bits = "
            f"{samples:,} samples: more than {LINK_SAMPLES_MAX:,} (estimated {minutes:.0f} min on one core); "
            "lower link.samples_per_bit or link.isi_span_bits"
        )


LINK_RUN_SAMPLES_MAX = 30 * LINK_SAMPLES_MAX
"""Most link-model samples one command may evaluate over all its link evaluations (an envelope over
case temperatures, a life or yield run): ~20 min on one core at :data:`LINK_SAMPLES_PER_S`."""


def check_link_evaluations(
    what: str, evaluations: int, channels: int, samples_per_bit: int, isi_span_bits: int
) -> None:
    """Refuse a command that would run more than :data:`LINK_RUN_SAMPLES_MAX` link-model samples."""
    check_link_work(channels, samples_per_bit, isi_span_bits)
    samples = evaluations * channels * samples_per_bit * isi_span_bits
    if samples > LINK_RUN_SAMPLES_MAX:
        minutes = samples / LINK_SAMPLES_PER_S / 60
        raise ConfigError(
            f"{what}: ~{evaluations} link evaluations x {channels} channels x {samples_per_bit} samples/bit x "
            f"{isi_span_bits} ISI bits = {samples:,} samples, more than {LINK_RUN_SAMPLES_MAX:,} (estimated "
            f"{minutes:.0f} min on one core); give fewer points or lower link.samples_per_bit"
        )


CALIBRATION_EVALUATIONS_PER_FREE = 110
"""Model evaluations a fit spends per free parameter, each evaluating every BER point: the least
squares and both profile-likelihood ends of each interval. The published prototype fit took 217
evaluations of 3 points for 2 free parameters (docs/calibration.md)."""


def check_calibration_work(free: int, points: int, channels: int, samples_per_bit: int, isi_span_bits: int) -> None:
    """Refuse a fit whose estimated work (:data:`CALIBRATION_EVALUATIONS_PER_FREE` x ``free`` model
    evaluations x ``points`` link evaluations) is over :data:`LINK_RUN_SAMPLES_MAX`, with its estimate.

    The per-evaluation cost is the one link bound of :func:`check_link_evaluations`; the fit's own
    evaluations are ~10x cheaper than a full ``evaluate_link`` on small designs (pulses cached,
    ~1.8 M samples/s) and superlinear on large ones (64 samples/bit x 256 ISI bits x 100 channels:
    6.1 s per evaluation, 0.27 M samples/s), so the bound refuses the fits that would run for hours.
    """
    evaluations = CALIBRATION_EVALUATIONS_PER_FREE * max(free, 1) * max(points, 1)
    check_link_evaluations(
        f"calibration fit ({free} free x {points} points)", evaluations, channels, samples_per_bit, isi_span_bits
    )


def check_simulation_bits(bits: int, channels: int) -> None:
    """Refuse a Monte Carlo run of fewer than 1 or more than :data:`SIM_BITS_MAX` counted bits."""
    if bits < 1:
        raise ConfigError(f"--bits = {bits}: must be at least 1")
    total = bits * channels
    if total > SIM_BITS_MAX:
        minutes = total / SIM_BITS_PER_S / 60
        raise ConfigError(
            f"--bits = {bits:,} x {channels} channels = {total:.3g} bits: more than {SIM_BITS_MAX:.0e} "
            f"(estimated {minutes:,.0f} min); count fewer bits or channels"
        )


def sweep_seconds(designs: int) -> tuple[float, float]:
    """Estimated seconds (fastest, slowest) of a sweep of ``designs`` designs on one core."""
    slow, fast = SWEEP_DESIGNS_PER_S
    return designs / fast, designs / slow


def sweep_estimate(designs: int) -> str:
    """:func:`sweep_seconds` as text: ``'2.1-3.1 min'``, in s, min or h by the slower figure."""
    fast_s, slow_s = sweep_seconds(designs)
    unit, size = ("s", 1.0) if slow_s < 120 else ("min", 60.0) if slow_s < 7200 else ("h", 3600.0)
    return f"{fast_s / size:,.3g}-{slow_s / size:,.3g} {unit}"


def check_sweep_size(designs: int, parameters: int, sampled: bool = False) -> None:
    """Refuse sweeps beyond :data:`SWEEP_DESIGNS_MAX` designs (:data:`SAMPLED_DESIGNS_MAX` when
    ``sampled``: drawn up front) or whose sample matrix would not fit."""
    if sampled and designs > SAMPLED_DESIGNS_MAX:
        raise ConfigError(
            f"samples = {designs:.3g}: more than {SAMPLED_DESIGNS_MAX:.0e}, which a random or Latin-hypercube sweep "
            f"draws up front (estimated {sweep_estimate(designs)} on one core); run several sweeps with "
            "other seeds, or a grid"
        )
    if designs > SWEEP_DESIGNS_MAX:
        raise ConfigError(
            f"sweep size = {designs:.3g} designs: more than {SWEEP_DESIGNS_MAX:.0e} "
            f"(estimated {sweep_estimate(designs)} on one core); use fewer steps or samples"
        )
    require_memory(
        f"sweep sample matrix ({designs:,} designs x {parameters} parameters)",
        designs * parameters * 8.0 * SAMPLER_COPIES,
        "use fewer samples",
    )


WORKLOAD_COLUMNS_MAX = 2_000
"""Most (job, GPU count, technology) columns one ``mosaic workload`` run evaluates: each is a
cluster evaluation plus a scale-up sweep share, ~10-20 ms of CPU (docs/workloads.md), so ~40 s."""


def check_workload_columns(jobs: int, gpu_counts: int, technologies: int) -> None:
    """Refuse a workload table of more than :data:`WORKLOAD_COLUMNS_MAX` columns."""
    columns = jobs * gpu_counts * technologies
    if columns > WORKLOAD_COLUMNS_MAX:
        raise ConfigError(
            f"workload table = {jobs} jobs x {gpu_counts} GPU counts x {technologies} technologies = {columns} "
            f"columns: more than {WORKLOAD_COLUMNS_MAX:,}; give fewer --job or --gpus"
        )
