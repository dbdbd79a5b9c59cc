r"""Uncertainty of the headline numbers: propagate every estimate's range through the chain.

Each uncertain input (a design leaf, a :class:`~mosaiclink.config.system.PowerSpec` or
:class:`~mosaiclink.config.system.ReliabilitySpec` leaf from a ``mosaic-ranges/1`` file, and the
AOC catalog row's power and FIT) is drawn by a seeded Latin hypercube; the link physics of all
samples runs in one pass of the fast path (:func:`mosaiclink.explore.evaluate.evaluate_rows`);
power, reliability and the cluster figures follow per sample from the system layer's own
functions. The result holds the 5/50/95 % band of every metric and a global sensitivity
analysis naming the inputs that drive it.

Notes
-----
Sampling: a Latin hypercube (:func:`mosaiclink.explore.sampling.latin_hypercube_unit`, the same
draws as ``scipy.stats.qmc.LatinHypercube``; McKay, Beckman & Conover, Technometrics 21,
1979) in the unit cube, mapped per input by its distribution's inverse CDF: uniform,
log-uniform (``scale = "log"``), or triangular between the catalog's low and high with its
typical value as the mode.

Sensitivity: first-order indices by RBD-FAST (Tarantola, Gatelli & Mara, Reliab. Eng. Syst.
Saf. 91, 2006; Plischke, Reliab. Eng. Syst. Saf. 95, 2010), SALib's steps in one array pass over
every input (a test checks them against ``SALib.analyze.rbd_fast``), on the same Latin hypercube
sample (no extra model runs), beside Spearman's rank correlation for the direction of each effect.

Cluster figures use the optical fabric links of the shipped ``100k-optics`` scenario (``N``
links, evaluated once): MOSAIC's cluster link-failure interval :math:`10^9/(N\,FIT_{link})`
hours, today's :math:`10^9/(N\,2\,FIT_{AOC,end})`, and the module power saved
:math:`2N(P_{AOC} - P_{MOSAIC})`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mosaiclink.config.base import Spec
from mosaiclink.config.catalog import CatalogEntry
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.estimate_ranges import InputRange
from mosaiclink.config.overrides import check_rows
from mosaiclink.config.system import PowerSpec, ReliabilitySpec
from mosaiclink.errors import ConfigError
from mosaiclink.explore.batch import design_batch
from mosaiclink.explore.evaluate import design_columns, evaluate_rows
from mosaiclink.explore.sampling import average_ranks, latin_hypercube_unit, triangular_cdf, triangular_ppf
from mosaiclink.explore.spec import check_path, numeric_leaves, with_overrides
from mosaiclink.streams import Stream, generator
from mosaiclink.system.compare import ENDS_PER_LINK, fit_ratio, percent_below
from mosaiclink.system.reliability import catalog_fit_per_end
from mosaiclink.units import FIT_HOURS

PERCENTILES = (5.0, 50.0, 95.0)
MARGIN_FLOOR_DB = -40.0  # a closed eye (Q <= 0) is shown at this floor, never as -inf
MIN_RANK_CORRELATION = 0.1
MIN_SENSITIVITY_SAMPLES = 16
SPEC_ROOTS = {"power": PowerSpec, "reliability": ReliabilitySpec}
METRICS = {
    "reach_m": "reach (m)",
    "margin_db": "link margin at the design length (dB, reserve included)",
    "power_w_per_end": "power per end (W)",
    "percent_below_aoc": "power below the AOC (%)",
    "link_fit": "MOSAIC link FIT",
    "fit_ratio_vs_aoc": "AOC link FIT / MOSAIC link FIT",
    "cluster_failure_interval_h": "MOSAIC link-failure interval at 100k GPUs (h)",
    "aoc_failure_interval_h": "AOC link-failure interval at 100k GPUs (h)",
    "power_saved_mw": "module power saved at 100k GPUs (MW)",
}


@dataclass(frozen=True)
class UncertainInput:
    """One sampled input: its path, distribution over ``[low, high]`` and nominal (preset) value."""

    path: str
    low: float
    high: float
    nominal: float
    distribution: str  # "linear", "log" or "triangular" (mode at the nominal)
    basis: str
    integer: bool = False  # an integer leaf (array.rows): drawn as whole numbers

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map uniform draws in [0, 1) onto this input (inverse CDF); an integer input takes each
        whole number of ``[low, high]`` with equal probability (rounded in log space for a log range)."""
        if self.integer:
            low, high = math.ceil(self.low), math.floor(self.high)
            if self.distribution == "log":
                return np.clip(np.rint(np.exp(np.log(low) + u * (np.log(high) - np.log(low)))), low, high)
            return np.clip(np.floor(low + u * (high - low + 1)), low, high)
        if self.distribution == "log":
            return np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))
        if self.distribution == "triangular":
            c = (self.nominal - self.low) / (self.high - self.low)
            return triangular_ppf(u, c, self.low, self.high - self.low)
        return self.low + u * (self.high - self.low)

    def to_unit(self, value: float) -> float:
        """The prior's CDF at ``value`` (the inverse of :meth:`from_unit`)."""
        if self.distribution == "log":
            return float(np.log(value / self.low) / np.log(self.high / self.low))
        if self.distribution == "triangular":
            c = (self.nominal - self.low) / (self.high - self.low)
            return triangular_cdf(value, c, self.low, self.high - self.low)
        return float((value - self.low) / (self.high - self.low))


@dataclass(frozen=True)
class Fleet:
    """The cluster the fleet figures refer to: optical fabric links of a shipped scenario."""

    scenario: str
    gpus: int
    optical_links: float
    mosaic_links: float | None = None  # MOSAIC links of the MOSAIC scenario (None: as many as optical_links)


@dataclass(frozen=True)
class UncertaintyResult:
    """Samples, metrics and their analysis (see module Notes)."""

    inputs: tuple[UncertainInput, ...]
    unit: np.ndarray  # (samples, inputs) Latin hypercube in [0, 1)
    values: np.ndarray  # (samples, inputs) in the inputs' units
    metrics: dict[str, np.ndarray]  # per sample
    nominal: dict[str, float]  # every input at its preset value
    seed: int
    fleet: Fleet
    sensitivity: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def band(self, metric: str) -> tuple[float, float, float]:
        """5 %, 50 % and 95 % points of a metric over the samples."""
        return tuple(float(v) for v in np.percentile(self.metrics[metric], PERCENTILES))  # type: ignore[return-value]

    def to_dict(self) -> dict[str, Any]:
        """Bands, nominal values, drivers and the inputs, as plain JSON-ready data."""
        return {
            "samples": int(self.unit.shape[0]),
            "seed": self.seed,
            "fleet": vars(self.fleet),
            "bands": {
                m: {
                    "label": METRICS.get(m, m),
                    "nominal": self.nominal[m],
                    **dict(zip(("p5", "p50", "p95"), self.band(m), strict=True)),
                    "drivers": self.sensitivity.get(m, []),
                }
                for m in self.metrics
            },
            "inputs": [vars(i) for i in self.inputs],
        }


def uncertain_inputs(
    design: MosaicDesign,
    ranges: dict[str, InputRange],
    power_spec: PowerSpec,
    reliability_spec: ReliabilitySpec,
    reference: CatalogEntry,
) -> tuple[UncertainInput, ...]:
    """Check every range against its spec (leaf exists, bounds valid, nominal inside) and add the
    reference catalog row's power and FIT as triangular inputs."""
    roots: dict[str, Spec] = {"": design, "power": power_spec, "reliability": reliability_spec}
    out = []
    for path, entry in ranges.items():
        root, leaf = _split(path)
        spec = roots[root]
        where = f"range '{path}'"
        try:
            check_path(leaf, numeric_leaves(spec))
            for bound in (entry.low, entry.high):
                with_overrides(spec, {leaf: bound})
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        nominal = float(_get(spec, leaf))
        if not entry.low <= nominal <= entry.high:
            raise ConfigError(f"{where}: the design's value {nominal:g} lies outside [{entry.low:g}, {entry.high:g}]")
        integer = numeric_leaves(spec)[leaf] is int
        if integer and math.floor(entry.high) < math.ceil(entry.low):
            raise ConfigError(f"{where}: [{entry.low:g}, {entry.high:g}] holds no whole number for an integer input")
        out.append(UncertainInput(path, entry.low, entry.high, nominal, entry.scale, entry.basis, integer))
    for name in ("power_w_per_end", "fit"):
        figure = getattr(reference, name)
        if figure.high > figure.low:
            out.append(
                UncertainInput(
                    f"catalog.{reference.id}.{name}",
                    figure.low,
                    figure.high,
                    figure.typical,
                    "triangular",
                    f"catalog {reference.id} low/typical/high [{figure.confidence}] {figure.source_url}",
                )
            )
    return tuple(out)


def _split(path: str) -> tuple[str, str]:
    root, _, rest = path.partition(".")
    return (root, rest) if root in SPEC_ROOTS else ("", path)


def _get(spec: Spec, path: str) -> Any:
    node: Any = spec
    for part in path.split("."):
        node = getattr(node, part)
    return node


def latin_hypercube(inputs: tuple[UncertainInput, ...], samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded Latin hypercube: unit draws (samples, inputs) and the inputs' values."""
    if samples < 2:
        raise ConfigError(f"samples = {samples}: need at least 2")
    rng = generator(seed, Stream.UNCERTAINTY_SAMPLES)
    unit = latin_hypercube_unit(len(inputs), samples, rng)
    values = np.column_stack([inp.from_unit(unit[:, j]) for j, inp in enumerate(inputs)])
    return unit, values


def evaluate_samples(
    design: MosaicDesign,
    inputs: tuple[UncertainInput, ...],
    values: np.ndarray,
    power_spec: PowerSpec,
    reliability_spec: ReliabilitySpec,
    reference: CatalogEntry,
    fleet: Fleet,
    probes: dict[str, dict[str, float]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Every metric for every row of ``values``; ``probes`` adds ``log10_ber@name`` at fixed
    conditions (e.g. a published BER point's length and rate); ``progress(done, total)`` is
    called as the link metrics' blocks of samples finish, and once more when all are done."""
    columns = {inp.path: values[:, j] for j, inp in enumerate(inputs)}
    dpaths = tuple(p for p in columns if _split(p)[0] == "" and not p.startswith("catalog."))
    drows = np.column_stack([columns[p] for p in dpaths]) if dpaths else np.zeros((len(values), 0))
    n = len(values)
    link = _link_metrics(design, dpaths, drows, progress)
    # every sample in one array pass: the design, power and reliability specs as batches
    fixed = design_columns(
        design_batch(design, dpaths, drows, checked=True),  # checked by _link_metrics
        _spec_batch(power_spec, "power", columns, n),
        _spec_batch(reliability_spec, "reliability", columns, n),
    )
    power_w, fit = fixed["power_w"], fixed["fit"]
    if progress is not None:
        progress(n, n)
    modules = modules_per_end(design, reference)
    aoc_power = modules * columns.get(
        f"catalog.{reference.id}.power_w_per_end", np.full(n, reference.power_w_per_end.typical)
    )
    aoc_end_fit = modules * catalog_fit_per_end(
        reference,
        reliability_spec.reference_temperature_c,
        fit=columns.get(f"catalog.{reference.id}.fit", np.full(n, reference.fit.typical)),
    )
    aoc_link_fit = ENDS_PER_LINK * aoc_end_fit
    metrics = {
        "reach_m": link["reach_m"],
        "margin_db": np.maximum(np.nan_to_num(link["margin_db"], nan=MARGIN_FLOOR_DB), MARGIN_FLOOR_DB),
        "power_w_per_end": power_w,
        "percent_below_aoc": percent_below(power_w, aoc_power),
        "link_fit": fit,
        "fit_ratio_vs_aoc": fit_ratio(aoc_link_fit, fit),
        "cluster_failure_interval_h": FIT_HOURS / ((fleet.mosaic_links or fleet.optical_links) * fit),
        "aoc_failure_interval_h": FIT_HOURS / (fleet.optical_links * aoc_link_fit),
        "power_saved_mw": ENDS_PER_LINK * fleet.optical_links * (aoc_power - power_w) / 1e6,
    }
    for name, conditions in (probes or {}).items():
        keep = [j for j, p in enumerate(dpaths) if p not in conditions]
        paths = tuple(dpaths[j] for j in keep) + tuple(conditions)
        rows = np.column_stack([drows[:, keep], np.tile(list(conditions.values()), (n, 1))])
        metrics[f"log10_ber@{name}"] = _link_metrics(design, paths, rows, reaches=())["log10_ber"]
    return metrics


def _spec_batch(spec: Spec, root: str, columns: dict[str, np.ndarray], n: int):
    """``spec`` with the sampled ``root.*`` columns as array leaves (a batch of ``n``), or ``spec``."""
    prefix = f"{root}."
    paths = tuple(p[len(prefix) :] for p in columns if p.startswith(prefix))
    if not paths:
        return spec
    return design_batch(spec, paths, np.column_stack([columns[prefix + p] for p in paths]).reshape(n, len(paths)))


PROGRESS_ROWS = 256  # a progress bar's step: ~4 a default run of 1,000 samples, each a call's fixed ~10 ms


def _link_metrics(
    design: MosaicDesign,
    paths: tuple[str, ...],
    rows: np.ndarray,
    progress: Callable[[int, int], None] | None = None,
    reaches: tuple[str, ...] = ("reach_median_m",),
) -> dict[str, np.ndarray]:
    """The fast path over all rows, in blocks of :data:`PROGRESS_ROWS` reported to ``progress`` when a
    bar watches, else in one call (whose own blocks are :data:`~mosaiclink.explore.evaluate.BLOCK_ROWS`:
    session 8's ten blocks of 50 rows for the default 500 samples paid each block's fixed cost, ~0.35 s
    of a report); of the reaches only ``reaches`` (:data:`METRICS` has the median channel's). Rows are
    independent of their block, so the numbers are the same either way (to rounding); the matrix is
    validated once, as a whole (:func:`~mosaiclink.config.overrides.check_rows`)."""
    n = len(rows)
    step = max(PROGRESS_ROWS if progress is not None else n, 1)
    try:
        check_rows(design, paths, rows)
        parts = []
        for start in range(0, max(n, 1), step):
            parts.append(evaluate_rows(design, paths, rows[start : start + step], reaches=reaches, checked=True))
            if progress is not None:
                progress(min(start + step, n), n)
        return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    except (ValueError, TypeError) as exc:
        raise ConfigError(
            f"ranges: the fast path cannot sweep these leaves together ({', '.join(paths)}): {exc}; "
            "drop the leaf it cannot broadcast from the ranges file"
        ) from None


def rbd_fast_s1(unit: np.ndarray, output: np.ndarray, harmonics: int) -> np.ndarray:
    """First-order RBD-FAST indices of every input column at once (Plischke 2010; Tissot & Prieur 2012).

    The output is reordered along each input's "sawtooth" permutation (ascending on even ranks,
    descending on odd), its one-sided periodogram (mean removed) summed over the first ``harmonics``
    frequencies over the total (DC excluded), and the bias ``lambda/(1-lambda)(1-S1)``, ``lambda = 2M/N``, removed: the
    steps of ``SALib.analyze.rbd_fast`` in one array pass, without its bootstrap intervals.
    """
    order = np.argsort(unit, axis=0, kind="stable").T  # (inputs, samples)
    sawtooth = np.concatenate([order[:, ::2], order[:, 1::2][:, ::-1]], axis=1)
    reordered = output[sawtooth]
    # the one-sided periodogram (scipy.signal.periodogram's, up to a constant factor that cancels)
    power = np.abs(np.fft.rfft(reordered - reordered.mean(axis=1, keepdims=True), axis=1)) ** 2
    power[:, 1 : None if output.size % 2 else -1] *= 2.0
    s1 = power[:, 1 : harmonics + 1].sum(axis=1) / power[:, 1:].sum(axis=1)
    lam = 2.0 * harmonics / output.size
    return s1 - lam / (1.0 - lam) * (1.0 - s1)


def sensitivity(
    inputs: tuple[UncertainInput, ...], unit: np.ndarray, output: np.ndarray, top: int = 3, rank_only: bool = False
) -> list[dict]:
    """The inputs driving ``output`` (at most ``top``): RBD-FAST first-order index ``s1``
    (:func:`rbd_fast_s1`) and Spearman's rank correlation; an input counts when
    ``|spearman| >= MIN_RANK_CORRELATION`` (about 3 standard errors at 1000 samples), so sampling
    noise names no driver. ``rank_only`` (posterior draws: RBD-FAST needs independent uniform
    inputs) orders by ``|spearman|`` and gives no ``s1``."""
    finite = np.isfinite(output)
    n = int(finite.sum())
    if n < MIN_SENSITIVITY_SAMPLES or np.ptp(output[finite]) == 0:
        return []
    rho = np.nan_to_num(spearman(unit[finite], output[finite]))
    if rank_only:
        order = [j for j in np.argsort(-np.abs(rho)) if abs(rho[j]) >= MIN_RANK_CORRELATION]
        return [{"input": inputs[j].path, "s1": None, "spearman": float(rho[j])} for j in order[:top]]
    harmonics = min(10, n // MIN_SENSITIVITY_SAMPLES * 2)  # SALib's default M = 10 needs N >> 2M
    s1 = rbd_fast_s1(unit[finite], output[finite], harmonics)
    order = [j for j in np.argsort(-np.nan_to_num(s1, nan=-1.0)) if abs(rho[j]) >= MIN_RANK_CORRELATION]
    return [{"input": inputs[j].path, "s1": float(s1[j]), "spearman": float(rho[j])} for j in order[:top]]


def spearman(columns: np.ndarray, output: np.ndarray) -> np.ndarray:
    """Spearman's rank correlation of ``output`` with every column (Pearson on average ranks)."""
    ranks = average_ranks(np.column_stack([columns, output]))
    centred = ranks - ranks.mean(axis=0)
    norms = np.sqrt((centred**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (centred[:, :-1] * centred[:, -1:]).sum(axis=0) / (norms[:-1] * norms[-1])


def unranged_estimates(preset: str, ranges: dict[str, InputRange]) -> list[str]:
    """The preset's estimated or fitted leaves that no range covers (they stay at their value)."""
    from mosaiclink.config.provenance import preset_provenance

    return [p for p, kind in preset_provenance(preset).items() if kind in ("estimate", "fitted") and p not in ranges]


def reference_entry(design: MosaicDesign, technology: str = "aoc", catalog=None) -> CatalogEntry:
    """The ``technology`` row (the claims' baseline) at the smallest catalog rate that carries the
    design's data rate (the host protocol's, else channels x line rate); when no row carries it,
    the fastest row, of which :func:`modules_per_end` modules carry it side by side (a 1.6T MOSAIC
    end against two 800G AOC ends)."""
    from mosaiclink.system.catalog import load_catalog

    catalog = catalog or load_catalog()
    rate_gbps = design.data_rate_gbps
    rows = sorted(catalog.entries(technology=technology), key=lambda e: e.rate_gbps)
    if not rows:
        raise ConfigError(f"baseline = {technology!r}: no catalog row of this technology; choose another baseline")
    fits = [e for e in rows if e.rate_gbps >= rate_gbps * (1 - 1e-9)]
    return fits[0] if fits else rows[-1]


def modules_per_end(design: MosaicDesign, reference: CatalogEntry) -> int:
    """Reference modules an end needs to carry the design's data rate (1 unless the catalog's
    fastest row is slower than the design: then power and FIT add over the modules)."""
    return max(math.ceil(design.data_rate_gbps / reference.rate_gbps * (1 - 1e-9)), 1)


def fleet(scenario: str = "100k-optics", mosaic_scenario: str | None = "100k-mosaic") -> Fleet:
    """Optical fabric links of a shipped cluster scenario and the MOSAIC links of its MOSAIC twin
    (evaluated once): the MOSAIC failure interval counts the links the cluster model gives MOSAIC,
    so the report shows one number for it."""
    from mosaiclink.cluster.run import evaluate_columns
    from mosaiclink.cluster.scenarios import load_scenario

    def links(name: str, kind: str) -> tuple[int, float]:
        spec = load_scenario(name)
        result = evaluate_columns(spec.cluster[:1]).results[0]
        chosen = np.array([k == kind for k in result.classes.kind], dtype=bool)
        return int(spec.cluster[0].gpus), float(result.classes.links[chosen].sum())

    gpus, optical = links(scenario, "optical")
    mosaic = links(mosaic_scenario, "mosaic")[1] if mosaic_scenario else None
    return Fleet(scenario, gpus, optical, mosaic)


def propagate(
    design: MosaicDesign,
    ranges: dict[str, InputRange],
    samples: int = 1000,
    seed: int = 0,
    power_spec: PowerSpec | None = None,
    reliability_spec: ReliabilitySpec | None = None,
    probes: dict[str, dict[str, float]] | None = None,
    fleet_figures: Fleet | None = None,
    baseline: str = "aoc",
    unit: np.ndarray | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> UncertaintyResult:
    """Latin hypercube over every range, all metrics, bands and drivers (module Notes).

    ``unit`` (samples, inputs) in the unit cube replaces the Latin hypercube (posterior draws,
    :mod:`mosaiclink.explore.posterior`); the drivers are then rank correlations only.
    """
    power_spec = power_spec or PowerSpec()
    reliability_spec = reliability_spec or ReliabilitySpec()
    reference = reference_entry(design, baseline)
    inputs = uncertain_inputs(design, ranges, power_spec, reliability_spec, reference)
    rank_only = unit is not None
    if unit is None:
        unit, values = latin_hypercube(inputs, samples, seed)
    else:
        values = np.column_stack([inp.from_unit(unit[:, j]) for j, inp in enumerate(inputs)])
    nominal_row = np.array([[inp.nominal for inp in inputs]])
    context = fleet_figures or fleet()
    metrics = evaluate_samples(
        design,
        inputs,
        np.vstack([values, nominal_row]),
        power_spec,
        reliability_spec,
        reference,
        context,
        probes,
        progress,
    )
    nominal = {k: float(v[-1]) for k, v in metrics.items()}
    metrics = {k: v[:-1] for k, v in metrics.items()}
    drivers = {k: sensitivity(inputs, unit, v, rank_only=rank_only) for k, v in metrics.items()}
    return UncertaintyResult(inputs, unit, values, metrics, nominal, seed, context, drivers)
