"""Hypothesis strategies that mutate the shipped presets, and the finite-output oracle.

A mutated preset keeps its structure mostly intact (so most examples get past validation and
exercise the models) while each example changes a few leaves: a hostile float (NaN, inf,
subnormal, huge, negative, zero), a value of the wrong type, a deleted key, an extra key, or a
leaf replaced by a nested table or list. Arrays are kept small (rows and cols of 1-6) so an
example evaluates in milliseconds.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import tomllib
from importlib import resources
from typing import Any

import numpy as np
from hypothesis import strategies as st

from mosaiclink.config.presets import preset_names

PRESETS = preset_names()

HOSTILE_FLOATS = st.sampled_from(
    [math.nan, math.inf, -math.inf, 0.0, -0.0, -1.0, 1e-320, 5e-324, 1e-300, 1e-30, 1e-9, 1e-6, 0.5, 1.0, 2.0, 1e6,
     1e12, 1e300, 1.7976931348623157e308]
)  # fmt: skip
ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True, width=64)
WRONG_TYPES = st.sampled_from(["", "nan", "inf", "x", "1e-320", None, True, [], [1.0], {}, {"a": 1}, 10**400]).map(
    copy.deepcopy
)  # fresh objects: no shared, cyclic state


def preset_mapping(name: str) -> dict[str, Any]:
    """The preset's TOML as a plain nested dict (``extends`` resolved by the loader later)."""
    text = resources.files("mosaiclink.config.presets").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _leaves(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.extend(_leaves(value, prefix + (key,)))
        out.append(prefix + (key,))
    return out


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any, delete: bool = False) -> None:
    for key in path[:-1]:
        node = data.get(key)
        if not isinstance(node, dict):
            node = data[key] = {}
        data = node
    if delete:
        data.pop(path[-1], None)
    else:
        data[path[-1]] = value


@st.composite
def mutation_value(draw, current: Any) -> Any:
    """A replacement for one leaf: near its value, hostile, wrong type or nested."""
    kind = draw(st.sampled_from(["scale", "scale", "scale", "hostile", "any", "wrong", "nest", "int"]))
    scalable = isinstance(current, (int, float)) and not isinstance(current, bool) and abs(current) < 1e300
    if kind == "scale" and scalable:
        return type(current)(current * draw(st.sampled_from([0.0, 0.01, 0.1, 0.5, 2.0, 10.0, 100.0, -1.0])))
    if kind == "hostile":
        return draw(HOSTILE_FLOATS)
    if kind == "any":
        return draw(ANY_FLOAT)
    if kind == "int":
        return draw(st.integers(min_value=-(2**70), max_value=2**70))
    if kind == "nest":
        return draw(st.sampled_from([{"x": {"y": current}}, [current, current], {"value": current}]))
    return draw(WRONG_TYPES)


@st.composite
def mutated_preset(draw, max_side: int = 6) -> dict[str, Any]:
    """A preset mapping with 1-3 mutations (values, types, deletions, extra keys, nesting)."""
    data = preset_mapping(draw(st.sampled_from(PRESETS)))
    data.setdefault("array", {})
    data["array"]["rows"] = draw(st.integers(1, max_side))
    data["array"]["cols"] = draw(st.integers(1, max_side))
    data["array"]["spare_channels"] = draw(st.integers(0, max_side))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_leaves(data)))
        node: Any = data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        action = draw(st.sampled_from(["value", "value", "value", "delete", "extra"]))
        if action == "delete":
            _set(data, path, None, delete=True)
        elif action == "extra":
            _set(data, path[:-1] + (path[-1] + "_x",), 1.0)
        else:
            _set(data, path, draw(mutation_value(copy.deepcopy(node))))
    return data


def non_finite_fields(obj: Any, prefix: str = "") -> list[str]:
    """Names of float fields (scalars, arrays, nested dicts/dataclasses) holding NaN or inf."""
    bad: list[str] = []
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        items = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}.items()
    elif isinstance(obj, dict):
        items = obj.items()
    elif isinstance(obj, (list, tuple)):
        items = ((str(i), v) for i, v in enumerate(obj))
    else:
        values = np.asarray(obj) if isinstance(obj, (float, np.ndarray, np.floating)) else None
        if values is not None and values.dtype.kind in "fc" and not np.isfinite(values).all():
            return [prefix or "value"]
        return []
    for key, value in items:
        bad.extend(non_finite_fields(value, f"{prefix}.{key}" if prefix else str(key)))
    return bad
