"""Many designs as one object of arrays: the input of the vectorized evaluator.

:func:`design_batch` turns a base design plus a design matrix (one row per design, one column
per swept dotted path) into a :class:`DesignBatch` that looks like a
:class:`~mosaiclink.config.design.MosaicDesign` (``batch.led.peak_current_ma``,
``batch.array.data_channels``) except that every swept leaf is a float64 array of shape
``(designs,)``; unswept leaves stay scalars and broadcast. The physics functions are
element-wise NumPy, so they accept a batch section wherever they accept a spec section, and
one call evaluates every design.

Section properties (e.g. ``ArraySpec.total_channels``) are evaluated on the arrays through the
spec class's own property code, so derived quantities are never re-implemented here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel

from mosaiclink.config.base import Spec
from mosaiclink.config.batched import SectionView
from mosaiclink.config.line_rate import required_line_rate_gbps
from mosaiclink.config.overrides import check_rows, rate_follows_channels


class DesignBatch(SectionView):
    """A design whose swept leaves are arrays of length :attr:`size`."""

    def __init__(self, spec_type: type[BaseModel], values: dict[str, Any], size: int):
        super().__init__(spec_type, values)
        self.__dict__["size"] = size


def design_batch(base: Spec, paths: tuple[str, ...], rows: np.ndarray, checked: bool = False) -> DesignBatch:
    """View ``rows`` (shape (designs, len(paths))) over ``base`` as a :class:`DesignBatch`.

    The rows pass the one design validation first (:func:`mosaiclink.config.overrides.check_rows`:
    a row :func:`~mosaiclink.config.overrides.with_overrides` refuses is refused with its message),
    and a design with a host protocol keeps it: its line rate follows the data channels unless
    ``link.rate_gbps`` is swept, as in :func:`~mosaiclink.config.overrides.with_overrides`.
    """
    rows = np.asarray(rows, dtype=np.float64)
    if not checked:  # ``checked``: the caller ran check_rows on these rows (or a superset)
        check_rows(base, paths, rows)
    overrides = {path: rows[:, j] for j, path in enumerate(paths)}
    batch = DesignBatch(type(base), _section_values(base, overrides), rows.shape[0])
    link = batch.link
    host = getattr(link, "host_protocol", "none")
    if host != "none" and "link.rate_gbps" not in paths and rate_follows_channels(base):  # as with_overrides
        link.__dict__["rate_gbps"] = required_line_rate_gbps(host, batch.array.data_channels, link.marker_period_bits)
    return batch


def _section_values(spec: BaseModel, overrides: dict[str, np.ndarray]) -> dict[str, Any]:
    """Field values of ``spec`` with dotted-path ``overrides`` (relative to it) substituted."""
    values: dict[str, Any] = {}
    for name in type(spec).model_fields:
        value = getattr(spec, name)
        if isinstance(value, BaseModel):
            prefix = f"{name}."
            inner = {k[len(prefix) :]: v for k, v in overrides.items() if k.startswith(prefix)}
            values[name] = SectionView(type(value), _section_values(value, inner))
        else:
            values[name] = overrides.get(name, value)
    return values
