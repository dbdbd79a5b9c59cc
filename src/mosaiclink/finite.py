"""Finite-output guard: no NaN or infinity leaves the library silently.

The models compute in floating point; an accepted design can still drive one of them to a
value it cannot represent (a live channel that receives no light has ``-inf`` dBm, a noiseless
receiver an infinite Q). :func:`require_finite` is called where results leave the library
(command bodies, the report, the web server, the sweep runner before it stores rows) and turns
such a result into a :class:`~mosaiclink.errors.ModelRangeError` that names the quantity and
the likely cause, instead of printing or storing ``nan``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from mosaiclink.errors import ModelRangeError

CAUSES = (
    ("dbm", "no light reaches the detector (a coupling, capture or loss term is 0 or overflowed)"),
    ("loss_db", "a coupling, capture or loss factor underflowed to 0"),
    ("q", "the noise or the eye opening is 0 or infinite"),
    ("ber", "the Q factor is not finite"),
    ("fit", "a failure rate overflowed"),
    ("power", "a current, voltage or energy overflowed"),
)
"""Substring of a quantity's name -> what usually drives it non-finite (first match wins)."""


def non_finite(result: Any, name: str = "") -> Iterator[tuple[str, Any, int]]:
    """``(dotted name, first bad value, how many bad)`` for every float field holding NaN or inf.

    Walks dataclasses, mappings, lists and tuples; leaves are floats and NumPy arrays.
    """
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        children: Any = ((f.name, getattr(result, f.name)) for f in dataclasses.fields(result))
    elif isinstance(result, Mapping):
        children = result.items()
    elif isinstance(result, (list, tuple)):
        children = enumerate(result)
    else:
        if isinstance(result, (float, np.floating, np.ndarray)):
            values = np.asarray(result)
            if values.dtype.kind in "fc":
                bad = ~np.isfinite(values)
                if bad.any():
                    yield name or "value", values[bad].flat[0], int(np.count_nonzero(bad))
        return
    for key, value in children:
        yield from non_finite(value, f"{name}.{key}" if name else str(key))


def require_finite(result: Any, what: str) -> Any:
    """Return ``result`` unchanged, or raise ModelRangeError naming its first non-finite quantity."""
    for name, value, count in non_finite(result):
        leaf = name.rsplit(".", 1)[-1].lower()
        cause = next((text for key, text in CAUSES if key in leaf), "a model left its range")
        where = f" ({count} values)" if count > 1 else ""
        raise ModelRangeError(f"{what}: {name} = {value}{where} cannot be computed: {cause}")
    return result
