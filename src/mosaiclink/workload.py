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

SWEEP_DESIGNS_MAX = 10**9
"""Largest sweep: ~10 h on one core at the ~27,000 designs/s/core of a full stored row
(docs/benchmarks.md), and ~100 GB of store."""
SWEEP_DESIGNS_PER_S = 27_000
SAMPLER_COPIES = 3  # scipy's Latin hypercube peaks at ~3 copies of its matrix (0.94 GB for 1e7 x 4)

SIM_BITS_MAX = 2 * 10**9
"""Most bits one ``mosaic simulate`` run counts over all its channels: ~25 min at the 1.3 Mbit/s
the symbol path counted on the loaded 2-core VM (10 channels x 200,000 bits; the waveform path
ran 0.4 Mbit/s). Memory is bounded by the runner's blocks; this bounds the time."""
SIM_BITS_PER_S = 1.3e6


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


def check_sweep_size(designs: int, parameters: int) -> None:
    """Refuse sweeps beyond :data:`SWEEP_DESIGNS_MAX` designs or whose sample matrix would not fit."""
    if designs > SWEEP_DESIGNS_MAX:
        hours = designs / SWEEP_DESIGNS_PER_S / 3600
        raise ConfigError(
            f"sweep size = {designs:.3g} designs: more than {SWEEP_DESIGNS_MAX:.0e} (estimated {hours:.3g} h on one "
            "core); use fewer steps or samples"
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
