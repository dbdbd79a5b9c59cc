r"""Vectorized evaluator: the channel population, reach, power and reliability of many designs.

Every design of a :class:`~mosaiclink.explore.batch.DesignBatch` is evaluated in one array
pass: no per-design Python loop. This module only builds batches and reads results: the link
columns come from the physics layer's population fast path
(:func:`mosaiclink.physics.population.population_columns`, the same channel population
``mosaic link`` headlines) and nominal channel (:class:`mosaiclink.physics.chain.Chain` at
:meth:`~mosaiclink.physics.chain.ChannelDraw.nominal`); power and FIT from
``system.power.mosaic_power`` and ``system.reliability``.

Notes
-----
Columns (:data:`METRICS`):

* ``log10_ber``/``ber``, ``q_factor``, ``margin_db`` and ``reach_m`` are the *median
  channel's* (``log10_ber_median``, ``reach_median_m``), as ``mosaic link`` headlines;
  ``q_factor`` is :math:`-\Phi^{-1}(\mathrm{BER})` and ``margin_db`` the one link margin of the
  budget (``physics.budget.budget_margin_db``: :math:`10\log_{10}(Q/Q_t)` minus the implementation
  reserve, optical dB; a closed eye at ``physics.budget.CLOSED_EYE_Q``, ``shown_margin_db``, as in
  ``mosaic link``'s budget: -3,000 dB and below); every reach and count meets it at 0 dB;
* ``channels_meeting`` (of ``channels_total``, spares included), ``channels_data``,
  ``log10_ber_worst_in_service`` (the ``channels_data``-th best channel: the link passes when it
  meets the target) and ``reach_all_m`` (every data channel in service meets the target);
* ``log10_ber_nominal`` and ``reach_nominal_m``: the nominal interior channel (no spread),
  labelled as such; no surface headlines them.

Reaches use the one reach solver (``physics.reach.solve_reach_m``) over
``[REACH_MIN_M, REACH_MAX_M]``: ``physics.reach.FAST_REACH_STEPS`` steps after the bracket's ends
(the first in ln L, then Illinois in L on the ln-Q excess, ``physics.reach.log_q_excess``), then the
secant root. Power per end
is ``system.power.mosaic_power`` and link FIT the mission-average of
``system.reliability.link_survival`` at the reliability spec's reference temperature.
The agreement with ``mosaic link`` is measured in ``tests/explore/test_fast_vs_full.py``
(docs/models.md, "Population fast path").
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from mosaiclink import __version__
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.io import read_bytes
from mosaiclink.config.overrides import check_rows
from mosaiclink.config.system import PowerSpec, ReliabilitySpec
from mosaiclink.errors import ConfigError
from mosaiclink.explore.batch import DesignBatch, design_batch
from mosaiclink.physics import ber
from mosaiclink.physics.budget import shown_margin_db
from mosaiclink.physics.chain import Chain, ChannelDraw
from mosaiclink.physics.chain import fits_fibre as fibre_fit
from mosaiclink.physics.population import Population, population, population_columns, reference_length_m
from mosaiclink.physics.reach import (
    FAST_REACH_BISECTIONS,
    FAST_REACH_STEPS,
    log_q_excess,
    margin_log10_ber,
    solve_reach_m,
)
from mosaiclink.system.power import mosaic_power
from mosaiclink.system.reliability import average_fit, link_survival
from mosaiclink.units import HOURS_PER_YEAR

REACH_MIN_M, REACH_MAX_M = 0.1, 1000.0
# designs per array pass: a call's fixed cost (~10 ms: groups, stages, fits) spread over more rows
# (session 15, interleaved runs: +6 % population and +7 % nominal pass over 512; 2,048 no better)
BLOCK_ROWS = 1024

METRICS = (
    "rate_gbps_total",
    "q_factor",
    "log10_ber",
    "ber",
    "margin_db",
    "reach_m",
    "power_w",
    "pj_per_bit",
    "fit",
    "channels_total",
    "fits_fibre",
    "log10_ber_median",
    "ber_median",
    "channels_meeting",
    "channels_data",
    "log10_ber_worst_in_service",
    "reach_median_m",
    "reach_all_m",
    "log10_ber_nominal",
    "reach_nominal_m",
)
LINK_PASS = ("log10_ber_median", "channels_meeting", "log10_ber_worst_in_service")  # without the reaches
_CODE_MODULES = ("physics", "system", "explore/evaluate.py", "explore/batch.py", "config/design.py", "config/system.py")


def code_version() -> str:
    """Package version plus a hash of the model sources: results of other code are not reused."""
    digest = hashlib.sha256()
    root = Path(str(resources.files("mosaiclink")))  # an installed package is a directory
    for name in _CODE_MODULES:
        node = root.joinpath(name)
        files = sorted((p for p in node.rglob("*.py")), key=str) if node.is_dir() else [node]
        for path in files:
            digest.update(read_bytes(path, "package source"))
    return f"{__version__}+{digest.hexdigest()[:12]}"


def _full(value, size: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (size,)).copy()


def reach_m(chain: Chain, log10_target: np.ndarray, margin_db: float | None = None) -> np.ndarray:
    """Longest length whose BER of each row of ``chain`` meets ``log10_target`` (rows,), by the one
    reach solver; 0 when even ``REACH_MIN_M`` fails, ``REACH_MAX_M`` when that passes.

    With ``margin_db`` the reach at that budget margin, the implementation penalty included
    (``physics.reach.margin_log10_ber``), as ``physics.reach.max_reach_m``.
    """
    if margin_db is not None:
        penalty = np.asarray(chain.design.receiver.implementation_penalty_db)
        log10_target = margin_log10_ber(10.0**log10_target, margin_db + penalty)
    q_target = ber.q_from_log10_ber(log10_target)

    def excess(lengths):  # ln of the Q ratio: nearly linear in L
        return log_q_excess(q_target, ber.q_from_log10_ber(chain.log10_ber(lengths)))

    return solve_reach_m(
        excess,
        REACH_MIN_M,
        REACH_MAX_M,
        max_steps=FAST_REACH_STEPS,
        bisections=FAST_REACH_BISECTIONS,
        spacing="linear",
    )


def nominal_chain(batch: DesignBatch) -> Chain:
    """The nominal interior channel of every design of ``batch``."""
    return Chain.batched(batch, ChannelDraw.nominal(batch.size))


def distinct_batches(
    base, paths: tuple[str, ...], rows: np.ndarray, checked: bool = False
) -> tuple[DesignBatch, DesignBatch, np.ndarray]:
    """The batch of all ``rows``, the batch of their distinct rows apart from ``link.length_m``,
    and each row's index into the latter (``checked``: the rows already passed
    :func:`~mosaiclink.config.overrides.check_rows`)."""
    full = design_batch(base, paths, rows, checked=checked)
    first, inverse = _distinct(rows, [j for j, p in enumerate(paths) if p != "link.length_m"])
    return full, design_batch(base, paths, rows[first], checked=True), inverse  # a subset of the rows just checked


def length_independent(
    base, paths: tuple[str, ...], rows: np.ndarray, checked: bool = False
) -> tuple[DesignBatch, DesignBatch, Chain, np.ndarray]:
    """:func:`distinct_batches` and the nominal chain of the distinct rows: the batch of all ``rows``,
    the batch of their distinct rows apart from ``link.length_m``, that chain, each row's index."""
    full, b, inverse = distinct_batches(base, paths, rows, checked=checked)
    return full, b, nominal_chain(b), inverse


def fits_fibre(base, paths: tuple[str, ...], rows: np.ndarray) -> np.ndarray:
    """Whether each row's imaged array fits its fibre's image field (rows,): the full model refuses
    the others (``physics.optical_path.check_fits_fibre``); ``rows`` already checked."""
    batch = design_batch(base, paths, np.asarray(rows, dtype=np.float64), checked=True)
    return np.broadcast_to(fibre_fit(batch), (len(rows),))


def nominal_log10_ber(base, paths: tuple[str, ...], rows: np.ndarray) -> np.ndarray:
    """``log10_ber_nominal`` alone (the nominal interior channel at each row's length): no population."""
    full, _, chain, inverse = length_independent(base, paths, np.asarray(rows, dtype=np.float64))
    return chain.take(inverse, full).log10_ber(full.link.length_m)


def _distinct(rows: np.ndarray, columns: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """First row of each distinct value of ``rows[:, columns]`` and every row's index into them."""
    if not columns:  # every row the same design (no design without rows)
        return np.zeros(min(len(rows), 1), dtype=np.int64), np.zeros(len(rows), dtype=np.int64)
    _, first, inverse = np.unique(rows[:, columns], axis=0, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


GROUP_SECTIONS = ("array.", "variation.")  # the paths that change the channel population's draw


def populations(
    base, paths: tuple[str, ...], rows: np.ndarray, length_m: float | None = None
) -> list[tuple[Population, np.ndarray]]:
    """The channel population of each group of rows sharing the array and variation values and the
    reference length (``physics.population.reference_length_m``, or ``length_m`` for every row),
    with the group's row indices: its reference is ``base`` with the group's values at that length."""
    columns = [j for j, p in enumerate(paths) if p.startswith(GROUP_SECTIONS)]
    lengths = design_batch(base, paths, rows, checked=True).link.length_m if length_m is None else length_m
    key = np.column_stack([rows[:, columns], np.broadcast_to(reference_length_m(lengths), (len(rows),))])
    first, group = _distinct(key, list(range(key.shape[1])))
    base_json = base.model_dump_json()
    out = []
    for g, i in enumerate(first):
        overrides = tuple((paths[j], float(rows[i, j])) for j in columns) + (("link.length_m", float(key[i, -1])),)
        out.append((_group_population(base_json, overrides), np.flatnonzero(group == g)))
    return out


@lru_cache(maxsize=1024)
def _group_population(base_json: str, overrides: tuple[tuple[str, float], ...]) -> Population:
    """The population of ``base`` (as JSON) with a group's ``overrides``: the reference design is
    validated once per group and process, not once per block of rows (``population`` caches the
    ranking itself by the reference's JSON)."""
    from mosaiclink.explore.spec import with_overrides

    return population(with_overrides(MosaicDesign.model_validate_json(base_json), dict(overrides)))


def population_pass(
    base,
    paths: tuple[str, ...],
    rows: np.ndarray,
    reaches: bool | Collection[str] = True,
    reference_length_m: float | None = None,
    checked: bool = False,
    own_reference: bool = True,
) -> dict[str, np.ndarray]:
    """The population columns of every row (its group's reference, :func:`populations`, or its own where
    that one does not serve it; every group's chain rows in one batch): designs in, columns out.

    The batched entry point to the channel population ``mosaic link`` reports (e.g. a likelihood
    over many parameter draws): ``rows`` (designs, len(paths)) of values of the dotted ``paths``
    over ``base``; returns ``log10_ber_median``, ``ber_median``, ``channels_meeting``,
    ``channels_data``, ``channels_total``, ``log10_ber_worst_in_service`` and, with ``reaches``,
    ``reach_median_m`` and ``reach_all_m`` (or those of them ``reaches`` names), each (designs,),
    finite. Same rows, same numbers
    (seed 0 draw; the group references are cached). With ``reference_length_m`` every row ranks
    its channels at that one length (e.g. a BER-vs-length curve around a design point: one
    reference run instead of one per length bin); ``checked`` as for :func:`length_independent`;
    ``own_reference=False`` keeps every row on its group's reference
    (``physics.population.population_columns``)."""
    if not checked:
        check_rows(base, paths, rows)
    wanted = tuple(name for name in ("reach_median_m", "reach_all_m") if name in _reach_columns(reaches))
    batch = design_batch(base, paths, rows, checked=True)
    groups = populations(base, paths, rows, reference_length_m)
    return population_columns(batch, groups, batch.link.length_m, (REACH_MIN_M, REACH_MAX_M), wanted, own_reference)


def evaluate_rows(
    base,
    paths: tuple[str, ...],
    rows: np.ndarray,
    power_spec: PowerSpec | None = None,
    reliability_spec: ReliabilitySpec | None = None,
    reaches: bool | Collection[str] = True,
    checked: bool = False,
) -> dict[str, np.ndarray]:
    """All :data:`METRICS` for every row of a design matrix over ``base`` (the runner's task);
    ``reaches=False`` leaves out the four reach columns (their searches cost 20x the rest), a
    collection of :data:`REACH_COLUMNS` keeps those (``reach_m`` comes with ``reach_median_m``).

    Designs in, columns out: the population columns (:func:`population_pass`), the nominal
    channel, power and FIT. What does not depend on ``link.length_m`` (the nominal chain's
    length-independent stages and its reach, power, FIT) is computed once per distinct row of
    the other parameters and broadcast back. Rows are evaluated in blocks of
    :data:`BLOCK_ROWS` (bounded memory, a call's fixed cost spread over many rows). A matrix holding a design
    the one design validation refuses is refused with its message
    (:func:`~mosaiclink.config.overrides.check_rows`, once per call; ``checked``: the caller did it).
    """
    rows = np.asarray(rows, dtype=np.float64)
    if not checked:
        check_rows(base, paths, rows)
    if len(rows) > BLOCK_ROWS:  # the same numbers, block by block
        parts = [
            evaluate_rows(base, paths, rows[i : i + BLOCK_ROWS], power_spec, reliability_spec, reaches, checked=True)
            for i in range(0, len(rows), BLOCK_ROWS)
        ]
        return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    full, b, chain, inverse = length_independent(base, paths, rows, checked=True)
    n = b.size
    log10_target = np.log10(_full(b.link.target_ber, n))
    out = population_pass(base, paths, rows, reaches, checked=True)
    out["log10_ber_nominal"] = chain.take(inverse, full).log10_ber(full.link.length_m)  # as nominal_log10_ber
    q = ber.q_from_log10_ber(out["log10_ber_median"])
    q_target = ber.q_from_ber(_full(full.link.target_ber, len(rows)))
    penalty_db = _full(full.receiver.implementation_penalty_db, len(rows))
    out["margin_db"] = shown_margin_db(q, q_target, penalty_db)
    out.update(q_factor=q, log10_ber=out["log10_ber_median"], ber=out["ber_median"])
    out.update({name: values[inverse] for name, values in design_columns(b, power_spec, reliability_spec).items()})
    if "reach_median_m" in out:
        out["reach_m"] = out["reach_median_m"]
    if "reach_nominal_m" in _reach_columns(reaches):
        out["reach_nominal_m"] = reach_m(chain, log10_target, margin_db=0.0)[inverse]
    return {name: out[name] for name in METRICS if name in out}


REACH_COLUMNS = ("reach_median_m", "reach_all_m", "reach_nominal_m")


def _reach_columns(reaches: bool | Collection[str]) -> tuple[str, ...]:
    """The reach columns ``reaches`` asks for: all, none, or the named ones (each one of :data:`REACH_COLUMNS`)."""
    if isinstance(reaches, bool):
        return REACH_COLUMNS if reaches else ()
    if isinstance(reaches, str):  # one name, not its letters
        reaches = (reaches,)
    unknown = set(reaches) - set(REACH_COLUMNS)
    if unknown:
        raise ConfigError(f"reaches = {sorted(unknown)}: allowed {', '.join(REACH_COLUMNS)}, True or False")
    return tuple(reaches)


def design_columns(
    b: DesignBatch, power_spec: PowerSpec | None = None, reliability_spec: ReliabilitySpec | None = None
) -> dict[str, np.ndarray]:
    """Length-independent columns of a batch: rate, power, energy per bit, link FIT, fits the fibre."""
    n = b.size
    power = mosaic_power(b, power_spec or PowerSpec())
    rel = reliability_spec or ReliabilitySpec()
    mission_h = rel.mission_years * HOURS_PER_YEAR
    fit = average_fit(link_survival(b, rel, mission_h, rel.reference_temperature_c), mission_h)
    return {
        "rate_gbps_total": _full(power.data_rate_gbps, n),
        "power_w": _full(power.total_w_per_end, n),
        "pj_per_bit": _full(power.pj_per_bit, n),
        "fit": _full(fit, n),
        "fits_fibre": _full(fibre_fit(b), n).astype(np.float64),
    }
