"""The one validation of a design edited by dotted paths, for every entry point.

:func:`with_overrides` is what the CLI (``--length-m``, ``--rate-gbps``), the explorer's
query, a saved explorer design, a sweep's parameter check and the optimizer call: it replaces
leaves of a validated design and validates the result through :class:`MosaicDesign` itself, so a
refused design gets the same one-line :class:`~mosaiclink.errors.ConfigError` everywhere.
:func:`check_rows` is the same refusal for a design matrix (the fast path's batches): the rows
are screened with array operations against the very bounds the spec declares and the line-rate
rule, and the first refused row is then validated by :func:`with_overrides`, whose message it
raises.

Notes
-----
The line rate of a design with a host protocol (``link.host_protocol`` other than ``"none"``)
is derived, not free: unless the edit sets ``link.rate_gbps``, the design runs at what its data
channels need (:func:`mosaiclink.config.line_rate.required_line_rate_gbps`), so changing the
array re-derives it and a preset -> edit -> preset round trip is exact. An explicit rate (in the
edit, or stated above the need in the design edited) is kept and judged: below the need it is
refused (``mosaic link --rate-gbps 2.0`` on the 800G preset), above it the link runs faster than
it must. Only a design without a host protocol (custom) has
a free rate; switching a design to ``"none"`` keeps the rate it ran at.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, TypeVar

import annotated_types
import numpy as np
from pydantic import BaseModel

from mosaiclink.config.base import Spec
from mosaiclink.config.line_rate import DEFAULT_MARKER_PERIOD_BITS, RATE_TOLERANCE, required_line_rate_gbps
from mosaiclink.errors import ConfigError

SpecT = TypeVar("SpecT", bound=Spec)


def with_overrides(design: SpecT, overrides: Mapping[str, Any]) -> SpecT:
    """A validated copy of ``design`` with dotted-path leaves replaced (ConfigError if invalid).

    A design with a host protocol keeps deriving its line rate from its data channels unless
    ``link.rate_gbps`` is among the overrides (see the module Notes).
    """
    mapping = design.to_mapping()
    for path, value in overrides.items():
        node = mapping
        *parents, leaf = str(path).split(".")
        for depth, part in enumerate(parents):
            if not isinstance(node.get(part), dict):
                known = ", ".join(sorted(k for k, v in node.items() if isinstance(v, dict)))
                section = ".".join(parents[: depth + 1])
                raise ConfigError(
                    f"unknown parameter path '{path}': '{section}' is not a section of the design; sections: {known}"
                )
            node = node[part]
        node[leaf] = value
    link = mapping.get("link")
    if (
        isinstance(link, dict)
        and "link.rate_gbps" not in overrides
        and link.get("host_protocol", "none") != "none"
        and rate_follows_channels(design)
    ):
        link["rate_gbps"] = None  # derived again from the (possibly edited) data channels
    return type(design).from_mapping(mapping)


def rate_follows_channels(design: Any) -> bool:
    """Whether an edit re-derives ``design``'s line rate: it has no host protocol (one that an edit
    adds sets the need) or runs at exactly what its host needs; a rate stated above the need is kept."""
    need = getattr(design, "required_rate_gbps", None)
    return need is None or abs(design.link.rate_gbps - need) <= RATE_TOLERANCE * need


def check_rows(base: Spec, paths: tuple[str, ...], rows: np.ndarray) -> None:
    """Refuse a design matrix over ``base`` holding a design :func:`with_overrides` refuses.

    Every row is screened against the bounds its columns' fields declare (``ge``/``gt``/``le``/
    ``lt``, whole numbers for integer fields) and, with a host protocol and a swept
    ``link.rate_gbps``, against the rate the row's data channels need; the first row found is
    validated by :func:`with_overrides`, which raises its message. The other rules between
    fields (e.g. bias below peak current) are checked on the first row and on the rows holding
    each column's smallest and largest value.
    """
    rows = np.asarray(rows, dtype=np.float64)
    if rows.size == 0:
        return
    bad = np.zeros(rows.shape[0], dtype=bool)
    for j, path in enumerate(paths):
        bad |= ~_within_field(base, path, rows[:, j])
    rate_gbps = _row_rate_gbps(base, paths, rows)
    if rate_gbps is not None:
        rate, need = rate_gbps
        with np.errstate(invalid="ignore"):
            bad |= ~(rate >= need * (1.0 - RATE_TOLERANCE))
    extremes = {0, *np.argmin(rows, axis=0).tolist(), *np.argmax(rows, axis=0).tolist()}
    for i in [*np.flatnonzero(bad)[:1].tolist(), *sorted(extremes)]:
        with_overrides(base, row_overrides(base, paths, rows[i]))


def row_overrides(base: Spec, paths: tuple[str, ...], row: np.ndarray) -> dict[str, Any]:
    """``{path: value}`` of one matrix row: integers where the field is an integer and the value whole
    (a fractional value stays a float, for the spec to refuse)."""
    out: dict[str, Any] = {}
    for path, value in zip(paths, row, strict=True):
        value = float(value)
        out[path] = int(value) if _field_type(base, path) is int and value.is_integer() else value
    return out


def _field(base: Spec, path: str):
    """The pydantic field of a dotted path (None if the path names no field)."""
    return _model_field(type(base), path)


@lru_cache(maxsize=4096)
def _model_field(model: Any, path: str):
    """:func:`_field` of a spec class (the fields of a class do not change: a matrix check asks it
    once per column and row, a likelihood thousands of times)."""
    *parents, leaf = path.split(".")
    for part in parents:
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        model = field.annotation
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    return model.model_fields.get(leaf)


def _field_type(base: Spec, path: str) -> type | None:
    field = _field(base, path)
    return field.annotation if field is not None else None


def _within_field(base: Spec, path: str, values: np.ndarray) -> np.ndarray:
    """Which ``values`` the field at ``path`` accepts by its declared bounds (all True if unknown)."""
    field = _field(base, path)
    ok = np.isfinite(values)
    if field is None:
        return ok
    with np.errstate(invalid="ignore"):
        for rule in field.metadata:
            if isinstance(rule, annotated_types.Ge):
                ok &= values >= rule.ge
            elif isinstance(rule, annotated_types.Gt):
                ok &= values > rule.gt
            elif isinstance(rule, annotated_types.Le):
                ok &= values <= rule.le
            elif isinstance(rule, annotated_types.Lt):
                ok &= values < rule.lt
        if field.annotation is int:
            ok &= values == np.round(values)
    return ok


def _row_rate_gbps(base: Spec, paths: tuple[str, ...], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Each row's line rate and the rate its data channels need, when the rate is swept on a host protocol."""
    link = getattr(base, "link", None)
    if link is None or "link.rate_gbps" not in paths or getattr(link, "host_protocol", "none") == "none":
        return None
    column = {path: rows[:, j] for j, path in enumerate(paths)}
    array = base.array  # type: ignore[attr-defined]
    grid = SimpleNamespace(rows=column.get("array.rows", array.rows), cols=column.get("array.cols", array.cols))
    channels = np.maximum(np.asarray(type(array).data_channels.fget(grid), dtype=float), 1.0)
    period = np.asarray(column.get("link.marker_period_bits", link.marker_period_bits), dtype=float)
    usable = (period >= 8) & (period % 8 == 0)  # others are refused by the field bounds or the spec
    need = required_line_rate_gbps(link.host_protocol, channels, np.where(usable, period, DEFAULT_MARKER_PERIOD_BITS))
    return column["link.rate_gbps"], np.broadcast_to(need, rows.shape[:1])
