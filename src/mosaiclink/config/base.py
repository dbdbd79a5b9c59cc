"""Frozen, validated spec base class with one-line error messages.

Every spec in mosaiclink derives from :class:`Spec`: a pydantic v2 model that is frozen
(hashable, safe to share), forbids unknown keys, and turns validation failures into a
:class:`~mosaiclink.errors.ConfigError` that names the field path, the value and what is
allowed, and for a misspelled key suggests the nearest valid one.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping
from typing import Any, Self

import pydantic
from pydantic import BaseModel, ConfigDict

from mosaiclink.errors import ConfigError


class Spec(BaseModel):
    """Base of all specs: frozen, strict about keys, errors as :class:`ConfigError`."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "") -> Self:
        """Validate a plain mapping (as read from TOML/YAML/JSON) into this spec."""
        try:
            return cls.model_validate(dict(data))
        except pydantic.ValidationError as exc:
            raise config_error_from(exc, cls, where) from None

    def replace(self, **changes: Any) -> Self:
        """A validated copy with some fields changed (``dataclasses.replace`` for specs)."""
        return type(self).from_mapping({**self.model_dump(), **changes})

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
    message = err["msg"].removeprefix("Value error, ")
    if not loc:  # a check across fields: its message names them
        return ConfigError(f"{where}: {message}" if where else message)
    return ConfigError(f"{path} = {err.get('input')!r}: {message}")
