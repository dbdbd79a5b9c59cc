"""Frozen, validated spec base class with one-line error messages.

Every spec in mosaiclink derives from :class:`Spec`: a pydantic v2 model that is frozen
(hashable, safe to share), forbids unknown keys, refuses NaN, infinity and subnormal floats in
every float field (nested lists and tables included), and turns validation failures into a
:class:`~mosaiclink.errors.ConfigError` that names the field path, the value and what is
allowed, and for a misspelled key suggests the nearest valid one.

The conversion happens at every entry point a user reaches: the constructor
(``LinkSpec(length_m=-1)``), :meth:`Spec.from_mapping`, :meth:`Spec.replace` and attribute
assignment. Nested specs given as mappings are validated by pydantic's core in one pass (the
constructor of the nested class is not called), so the first error keeps its full dotted path
(``link.length_m``); a nested spec given as an already-built instance was validated when it was
built.
"""

from __future__ import annotations

import difflib
import math
import sys
import types
import typing
from collections.abc import Mapping
from typing import Any, Self

import pydantic
from pydantic import BaseModel, ConfigDict, field_validator

from mosaiclink.errors import ConfigError

SMALLEST_NORMAL = sys.float_info.min  # 2.2e-308: below it a float has lost precision (subnormal)
MAX_REPR_CHARS = 60  # longest value echoed back in an error message


class Spec(BaseModel):
    """Base of all specs: frozen, strict about keys, finite floats, errors as :class:`ConfigError`."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True, allow_inf_nan=False)

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except pydantic.ValidationError as exc:
            raise config_error_from(exc, type(self)) from None

    # Tell pydantic this __init__ only wraps the base one, so nested specs given as mappings are
    # still validated by the core in one pass (errors keep their dotted path) instead of through
    # this constructor (which would nest one ConfigError message inside another).
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except pydantic.ValidationError as exc:
            raise config_error_from(exc, type(self)) from None

    @field_validator("*", mode="after")
    @classmethod
    def _no_subnormal(cls, value: Any) -> Any:
        """Refuse subnormal floats (|x| < 2.2e-308, not 0): no physical quantity here is one, and
        they turn into NaN or inf in the first division or logarithm."""
        if isinstance(value, float) and value != 0.0 and abs(value) < SMALLEST_NORMAL:
            raise ValueError("is subnormal (|x| < 2.2e-308): not a physical value; use 0 or a normal number")
        return value

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "") -> Self:
        """Validate a plain mapping (as read from TOML/YAML/JSON) into this spec."""
        if not isinstance(data, Mapping):
            raise ConfigError(f"{where or cls.__name__}: must be a table of keys, got {type(data).__name__}")
        try:
            return cls.model_validate(dict(data))
        except pydantic.ValidationError as exc:
            raise config_error_from(exc, cls, where) from None
        except RecursionError:
            raise ConfigError(f"{where or cls.__name__}: nested too deeply to be a spec") from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        """Validate JSON text into this spec; malformed JSON or an invalid value is one ConfigError line."""
        try:
            return super().model_validate_json(json_data, **kwargs)
        except pydantic.ValidationError as exc:
            raise config_error_from(exc, cls) from None

    def replace(self, **changes: Any) -> Self:
        """A validated copy with some fields changed (``dataclasses.replace`` for specs).

        A mapping given for a nested spec is merged into it (``design.replace(fiber={"na": 0.3})``
        changes only the NA); a spec instance replaces the section whole.
        """
        return type(self).from_mapping(deep_merge(self.model_dump(), changes))

    def to_mapping(self) -> dict[str, Any]:
        """Plain nested dict, ready for TOML/YAML/JSON."""
        return self.model_dump(mode="json")


def _model_at(model: type[BaseModel], path: tuple) -> type[BaseModel] | None:
    """Follow a validation-error location down nested spec fields."""
    current: Any = model
    for part in path:
        if isinstance(part, int) and typing.get_origin(current) is list:
            current = typing.get_args(current)[0]  # an item of a list of specs
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = field.annotation
        if typing.get_origin(current) in (typing.Union, types.UnionType):  # an optional table: its spec
            current = next(a for a in typing.get_args(current) if a is not type(None))
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def deep_merge(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` applied; a mapping merges into a mapping at every depth."""
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, BaseModel):
            value = value.model_dump()
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            value = deep_merge(merged[key], value)
        merged[key] = value
    return merged


def _short_repr(value: Any) -> str:
    """``repr`` cut to :data:`MAX_REPR_CHARS` (a 400-digit integer or a 1 MB string stays one line)."""
    text = repr(value)
    return text if len(text) <= MAX_REPR_CHARS else text[: MAX_REPR_CHARS - 3] + "..."


def config_error_from(exc: pydantic.ValidationError, model: type[BaseModel], where: str = "") -> ConfigError:
    """Turn the first pydantic error into one line: ``path = value: what is allowed``."""
    err = exc.errors(include_url=False)[0]
    loc = tuple(err["loc"])
    path = ".".join(str(p) for p in ((where,) if where else ()) + loc)
    if err["type"] == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        valid = sorted(parent.model_fields) if parent else []
        near = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.5)
        hint = f"; did you mean '{near[0]}'?" if near else f"; valid keys: {', '.join(valid)}"
        return ConfigError(f"unknown key '{path}'{hint}")
    if err["type"] == "missing":
        return ConfigError(f"{path}: required field is missing")
    value = err.get("input")
    if err["type"] == "finite_number" or (isinstance(value, float) and not math.isfinite(value)):
        message = "must be a finite number (NaN and infinity are refused)"
    else:
        message = err["msg"].removeprefix("Value error, ")
    if not loc:  # a check across fields: its message names them
        return ConfigError(f"{where}: {message}" if where else message)
    return ConfigError(f"{path or model.__name__} = {_short_repr(value)}: {message}".replace("\n", " "))
