"""Find the best design for a target (aggregate rate, reach, pre-FEC BER), explain the choice
and confirm it with the full link model.

Notes
-----
The candidate space keeps the device technology of a base design (default preset
``mosaic-800g``) and varies the architect's knobs (:data:`KNOBS`): per-channel line rate, LED
drive (peak and bias current), CTLE peaking and the spare fraction. The data-channel grid
follows from the rate: ``N = ceil(R_total / R_ch)`` channels on the most square
``rows x cols`` grid holding them. Every candidate is evaluated at ``link.length_m = reach``
and ``link.target_ber = ber`` in one vectorized pass (:func:`evaluate.evaluate_rows`).

A candidate is feasible when its nominal channel meets the BER at the target length, its
aggregate rate reaches the target, its array image fits the fibre's image field and (if given)
its link FIT is at most ``max_fit``. The feasible candidates are ranked by the objective
(ties by lower FIT, then larger Q margin); the best is then run through the full
``physics.link.evaluate_link`` (manufacturing spread, every channel). If the full model
rejects it (its worst data channel misses the BER after the spares replaced the worst
channels), the next candidate is tried, up to ``CONFIRM_ATTEMPTS``.

The *runner-up* is the best other feasible candidate that differs in more than its spare
count; "why it lost" is its objective gap (or the tie-breaker: link FIT, then Q margin).
The *closest miss* is the best-objective infeasible candidate that would have won, with the
constraint it violates.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from mosaiclink.config.base import Spec
from mosaiclink.config.line_rate import DEFAULT_MARKER_PERIOD_BITS, required_line_rate_gbps
from mosaiclink.errors import ConfigError, ModelRangeError
from mosaiclink.explore.batch import design_batch
from mosaiclink.explore.evaluate import design_columns, evaluate_rows, nominal_log10_ber
from mosaiclink.explore.spec import with_overrides
from mosaiclink.physics.ber import q_from_log10_ber
from mosaiclink.physics.budget import shown_margin_db
from mosaiclink.physics.reach import margin_log10_ber

if TYPE_CHECKING:
    from mosaiclink.config.design import MosaicDesign

KNOBS: dict[str, tuple[float, ...]] = {
    "link.rate_gbps": (1.0, 1.25, 1.5, 1.6, 1.75, 2.0, 2.25, 2.5, 3.0),
    "led.peak_current_ma": (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0),
    "led.bias_current_ma": (0.25, 0.5, 1.0),
    "equalizer.ctle_peaking_db": (0.0, 3.0, 6.0),
}
SPARE_FRACTIONS = (0.0, 0.025, 0.05, 0.075, 0.10, 0.15)
OBJECTIVES = {"power": ("power_w", "W"), "fit": ("fit", "FIT"), "channels": ("channels_total", "channels")}
CONFIRM_ATTEMPTS = 8
MARGIN_STEP_DB = 0.2


@dataclass(frozen=True)
class DesignChoice:
    """The chosen design, why, and what the full link model says about it."""

    design: MosaicDesign
    knobs: dict[str, float]
    metrics: dict[str, float]
    margins: dict[str, float]
    runner_up: dict[str, Any] | None
    closest_miss: dict[str, Any] | None
    confirmation: dict[str, Any]
    candidates: int
    feasible: int
    objective: str
    rejected_by_full_model: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "objective": self.objective,
            "host_protocol": self.design.link.host_protocol,
            "line_rate_gbps": self.design.link.rate_gbps,
            "knobs": self.knobs,
            "metrics": self.metrics,
            "margins": self.margins,
            "runner_up": self.runner_up,
            "closest_miss": self.closest_miss,
            "confirmation": self.confirmation,
            "candidates": self.candidates,
            "feasible": self.feasible,
            "rejected_by_full_model": self.rejected_by_full_model,
            "design": self.design.to_mapping(),
        }


def grid_shape(channels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Most square ``rows x cols`` grid with at least ``channels`` cells (cols >= rows)."""
    cols = np.ceil(np.sqrt(channels))
    rows = np.ceil(channels / cols)
    return rows, cols


HOST_FOR_RATE_GBPS = {
    400.0: "400gbe",
    800.0: "800gbe",
    1600.0: "1.6tbe",
    3200.0: "2x1.6tbe",
}  # host protocols a target rate is carried as


def candidate_matrix(
    rate_gbps_total: float, host: str = "none", marker_period_bits: int = DEFAULT_MARKER_PERIOD_BITS
) -> tuple[tuple[str, ...], np.ndarray]:
    """(paths, rows) of every candidate; invalid drive pairs (bias >= peak) are left out.

    With a host protocol the rate knob is the fastest line rate allowed: the grid holds enough
    channels to carry the host's coded stream plus markers at that rate, and each candidate runs
    at exactly what its grid needs (:func:`mosaiclink.config.line_rate.required_line_rate_gbps`).
    """
    combos = np.array(list(itertools.product(*KNOBS.values(), SPARE_FRACTIONS)), dtype=float)
    rate, peak, bias, ctle, spare_fraction = combos.T
    keep = bias < peak
    rate, peak, bias, ctle, spare_fraction = (c[keep] for c in (rate, peak, bias, ctle, spare_fraction))
    if host == "none":
        rows, cols = grid_shape(np.ceil(rate_gbps_total / rate - 1e-9))
    else:
        line_total = required_line_rate_gbps(host, 1, marker_period_bits)
        rows, cols = grid_shape(np.ceil(line_total / rate - 1e-9))
    spares = np.ceil(spare_fraction * rows * cols)
    paths = (*KNOBS, "array.rows", "array.cols", "array.spare_channels")
    matrix = np.column_stack([rate, peak, bias, ctle, rows, cols, spares])
    if host != "none":  # the rate follows from the grid (explore.batch): keep the host declared
        return paths[1:], np.unique(matrix[:, 1:], axis=0)
    return paths, matrix


SCREEN_DECADES = 2.0  # a candidate whose nominal channel misses the target BER by more is not evaluated further


def screened_metrics(base, paths: tuple[str, ...], rows: np.ndarray, log10_target: float) -> dict[str, np.ndarray]:
    """Every metric but the reaches for each candidate (reaches: :func:`design_for_target`'s ``row_metrics``).

    The channel population (:func:`evaluate.population_pass`) is evaluated only for candidates
    whose nominal interior channel (no manufacturing spread, all neighbours: the best-placed
    channel, measured never worse than the median in docs/models.md) is within
    :data:`SCREEN_DECADES` of the target; the others fail the BER check on their nominal value
    (``screened``), which their population could only make worse.
    """
    nominal = nominal_log10_ber(base, paths, rows)
    keep = np.flatnonzero(nominal <= log10_target + SCREEN_DECADES)
    batch = design_batch(base, paths, rows)
    q = q_from_log10_ber(nominal)
    penalty_db = np.broadcast_to(np.asarray(batch.receiver.implementation_penalty_db, dtype=float), q.shape)
    margin_db = shown_margin_db(q, np.full(q.shape, q_from_log10_ber(log10_target)), penalty_db)
    m = {name: np.asarray(v, dtype=float) for name, v in design_columns(batch).items()}
    m.update(
        log10_ber_nominal=nominal,
        log10_ber=nominal.copy(),
        ber=10.0**nominal,
        q_factor=q,
        margin_db=margin_db,
        log10_ber_median=nominal.copy(),
        ber_median=10.0**nominal,
        log10_ber_worst_in_service=nominal.copy(),
        channels_meeting=np.zeros(len(rows)),
        channels_data=np.broadcast_to(np.asarray(batch.array.data_channels, dtype=float), (len(rows),)).copy(),
        channels_total=np.broadcast_to(np.asarray(batch.array.total_channels, dtype=float), (len(rows),)).copy(),
    )
    if keep.size:
        for name, values in evaluate_rows(base, paths, rows[keep], reaches=False).items():
            m[name][keep] = values
    m["screened"] = np.ones(len(rows), dtype=bool)
    m["screened"][keep] = False
    return m


def design_for_target(
    rate_gbps_total: float,
    reach_m: float,
    ber: float,
    minimize: str = "power",
    *,
    base: MosaicDesign | None = None,
    max_fit: float | None = None,
    seed: int = 0,
    confirm: Callable[[MosaicDesign, int], dict[str, Any]] | None = None,
) -> DesignChoice:
    """Lowest-objective design meeting the target, confirmed by the full link model.

    Parameters
    ----------
    rate_gbps_total : float
        Aggregate data rate (data channels x line rate), Gb/s.
    reach_m : float
        Fibre length the link must span.
    ber : float
        Pre-FEC BER every data channel must meet (2.4e-4 for KP4 RS(544,514)).
    minimize : {"power", "fit", "channels"}
        Objective.
    base : MosaicDesign, optional
        Device technology to start from (default preset ``mosaic-800g``).
    max_fit : float, optional
        Upper bound on link FIT.
    seed : int
        Seed of the full model's manufacturing spread.
    confirm : callable, optional
        ``confirm(design, seed) -> {"confirmed": bool, ...}``; default :func:`confirm_with_link_model`.
    """
    from mosaiclink.config.presets import load_preset

    if minimize not in OBJECTIVES:
        raise ConfigError(f"minimize = {minimize!r}: must be one of {', '.join(OBJECTIVES)}")
    if not (0 < ber < 0.5):
        raise ConfigError(f"ber = {ber!r}: must be in (0, 0.5)")
    if not reach_m > 0:
        raise ConfigError(f"reach_m = {reach_m!r}: must be positive")
    base = base if base is not None else load_preset("mosaic-800g")
    given = with_overrides(base, {"link.target_ber": float(ber)})  # as shipped, judged at the target BER
    host = HOST_FOR_RATE_GBPS.get(float(rate_gbps_total), "none")
    base = base.from_mapping(
        {**base.model_dump(), "link": {**base.model_dump()["link"], "host_protocol": host, "rate_gbps": None}}
    )
    base = with_overrides(base, {"link.length_m": float(reach_m), "link.target_ber": float(ber)})
    confirm = confirm or confirm_with_link_model
    metric, unit = OBJECTIVES[minimize]

    paths, rows = candidate_matrix(rate_gbps_total, host, base.link.marker_period_bits)
    m = screened_metrics(base, paths, rows, math.log10(ber))
    penalty_db = base.receiver.implementation_penalty_db
    checks = {
        "ber": (
            m["log10_ber"] <= margin_log10_ber(ber, penalty_db),
            lambda i: (
                f"BER {m['ber'][i]:.2e} misses {ber:.2e} with the {penalty_db:g} dB reserve at {reach_m:g} m"
                + (" (already on the nominal channel)" if m["screened"][i] else "")
            ),
        ),
        "channels": (
            m["log10_ber_worst_in_service"] <= margin_log10_ber(ber, penalty_db),
            lambda i: (
                f"worst data channel in service at BER {10.0 ** m['log10_ber_worst_in_service'][i]:.2e}: "
                f"{m['channels_meeting'][i]:.0f} of {m['channels_total'][i]:.0f} channels meet {ber:.2e} with the "
                f"{penalty_db:g} dB reserve, "
                f"{m['channels_data'][i]:.0f} data channels needed"
            ),
        ),
        "rate": (
            m["rate_gbps_total"] >= rate_gbps_total * (1 - 1e-9),
            lambda i: f"rate {m['rate_gbps_total'][i]:g} Gb/s < {rate_gbps_total:g} Gb/s",
        ),
        "fibre": (m["fits_fibre"] > 0, lambda i: "array image exceeds the fibre's image field"),
    }
    if max_fit is not None:
        checks["fit"] = (m["fit"] <= max_fit, lambda i: f"link FIT {m['fit'][i]:.3g} > {max_fit:g}")
    feasible = np.logical_and.reduce([ok for ok, _ in checks.values()])
    if not feasible.any():
        best = int(np.argmax(m["q_factor"]))
        reasons = "; ".join(why(best) for ok, why in checks.values() if not ok[best])
        raise ModelRangeError(
            f"no candidate meets {rate_gbps_total:g} Gb/s at {reach_m:g} m with BER <= {ber:g}: "
            f"the best-margin candidate fails ({reasons}); {_base_reach_text(given)}"
        )
    order = np.lexsort((-m["q_factor"], m["fit"], m[metric]))  # objective, then lower FIT, then larger Q

    described: dict[int, dict[str, float]] = {}

    def row_metrics(i: int) -> dict[str, float]:
        """Every metric of candidate ``i``, its reaches included (one row of the same evaluator)."""
        if i not in described:
            described[i] = {k: float(v[0]) for k, v in evaluate_rows(base, paths, rows[i : i + 1]).items()}
        return described[i]

    def describe(i: int) -> dict[str, Any]:
        return {"knobs": _knobs(paths, rows[i]), "metrics": row_metrics(i)}

    rejected: list[dict[str, Any]] = []
    chosen, required_db = None, 0.0
    confirmation: dict[str, Any] = {}
    for _ in range(CONFIRM_ATTEMPTS):
        ranked = order[(feasible & (m["margin_db"] >= required_db))[order]]
        if ranked.size == 0:
            break
        i = int(ranked[0])
        confirmation = confirm(with_overrides(base, _knobs(paths, rows[i])), seed)
        if confirmation["confirmed"]:
            chosen = i
            break
        rejected.append({**describe(i), "required_margin_db": required_db, "full_model": confirmation})
        required_db = float(m["margin_db"][i]) + max(confirmation.get("margin_deficit_db", 0.0), 0.0) + MARGIN_STEP_DB
    if chosen is None:
        first = rejected[0]["full_model"].get("reason", "BER above target") if rejected else "no candidate left"
        raise ModelRangeError(
            f"the full link model rejected every candidate tried for {rate_gbps_total:g} Gb/s at "
            f"{reach_m:g} m ({len(rejected)} tried; first: {first}); {_base_reach_text(given)}"
        )
    ranked = order[(feasible & (m["margin_db"] >= required_db))[order]]

    runner_up = None
    structural = [j for j, p in enumerate(paths) if p != "array.spare_channels"]
    others = ranked[(rows[ranked][:, structural] != rows[chosen, structural]).any(axis=1)]
    if others.size:
        j = int(others[0])
        gap = m[metric][j] - m[metric][chosen]
        if gap > 0:
            why = f"{metric} {m[metric][j]:.4g} {unit} vs {m[metric][chosen]:.4g} {unit} (+{gap:.3g} {unit})"
        elif m["fit"][j] > m["fit"][chosen]:
            why = f"same {metric}; higher link FIT ({m['fit'][j]:.3g} vs {m['fit'][chosen]:.3g})"
        else:
            why = f"same {metric} and FIT; smaller margin ({_margin(m, j):.2f} dB vs {_margin(m, chosen):.2f} dB)"
        runner_up = {**describe(j), "why_lost": why}
    better = np.flatnonzero(~feasible & (m[metric] < m[metric][chosen]))
    closest_miss = None
    if better.size:
        k = int(better[np.argmax(m["q_factor"][better])])
        closest_miss = {**describe(k), "why_infeasible": "; ".join(why(k) for ok, why in checks.values() if not ok[k])}
    margins = {
        "ber_decades": float(math.log10(ber) - m["log10_ber"][chosen]),
        "margin_db": float(m["margin_db"][chosen]),
        "reach_margin_m": row_metrics(chosen)["reach_m"] - reach_m,
        "rate_margin_gbps": float(m["rate_gbps_total"][chosen] - rate_gbps_total),
    }
    if max_fit is not None:
        margins["fit_margin"] = float(max_fit - m["fit"][chosen])
    return DesignChoice(
        design=with_overrides(base, _knobs(paths, rows[chosen])),
        knobs=_knobs(paths, rows[chosen]),
        metrics=row_metrics(chosen),
        margins=margins,
        runner_up=runner_up,
        closest_miss=closest_miss,
        confirmation=confirmation,
        candidates=len(rows),
        feasible=int(feasible.sum()),
        objective=metric,
        rejected_by_full_model=rejected,
    )


def _base_reach_text(base: MosaicDesign) -> str:
    """What the base design itself reaches at the target BER (median channel, fast path): the context of a refusal."""
    m = evaluate_rows(base, ("link.length_m",), np.array([[base.link.length_m]]))
    return f"the base design {base.name} itself reaches {float(m['reach_m'][0]):.1f} m at this BER (median channel)"


def _margin(m: dict[str, np.ndarray], i: int) -> float:
    return float(m["margin_db"][i])


def _knobs(paths: tuple[str, ...], row: np.ndarray) -> dict[str, float]:
    ints = {"array.rows", "array.cols", "array.spare_channels"}
    return {p: (int(v) if p in ints else float(v)) for p, v in zip(paths, row, strict=True)}


def confirm_with_link_model(design: MosaicDesign, seed: int) -> dict[str, Any]:
    """Run the full ``physics.link.evaluate_link`` on a design and judge it against its target BER."""
    from mosaiclink.physics.link import evaluate_link

    report = evaluate_link(design, seed)
    return link_report_verdict(report, design)


def link_report_verdict(report: Any, design: Spec) -> dict[str, Any]:
    """Summary of a full-model ``LinkReport``: confirmed when ``report.link_ok``.

    ``link_ok`` means at least ``data_channels`` channels (data plus spares, manufacturing
    spread and dead channels included) have a budget margin of at least 0 dB (the target BER on
    the statistical eye with the implementation reserve).
    """
    summary = report.ber_summary()
    verdict = {
        "confirmed": bool(report.link_ok),
        "model": "physics.link.evaluate_link",
        "length_m": float(report.length_m),
        "target_ber": float(report.target_ber),
        "channels_meeting_target": int(report.channels_meeting_target),
        "data_channels": int(report.data_channels),
        "spares_needed": int(report.spares_needed),
        "spare_channels": int(report.spare_channels),
        "median_ber": summary["median"],
        "log10_median_ber": summary["log10_median"],
        "median_q": float(np.median(report.q)),
    }
    margins = np.sort(np.asarray(report.budget_per_channel["margin_db"]))[::-1]
    needed_db = float(margins[min(report.data_channels, report.channels) - 1])
    verdict["margin_deficit_db"] = min(-needed_db, 20.0) if np.isfinite(needed_db) else 20.0
    if not verdict["confirmed"]:
        verdict["reason"] = (
            f"only {verdict['channels_meeting_target']} of {report.channels} channels meet "
            f"BER {report.target_ber:g}; {report.data_channels} needed"
        )
    return verdict
