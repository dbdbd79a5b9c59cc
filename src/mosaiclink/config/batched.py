"""A spec, or many designs' values of it at once: the type the vectorized fast path relies on.

:mod:`mosaiclink.explore.batch` presents a sweep's designs as one object (``DesignBatch``, whose
sections are ``SectionView``) in which every swept leaf is a NumPy array of shape ``(designs,)``
and the others keep their scalar value. The physics and system functions that the fast path
calls are written for both, and their signatures say so with :data:`Batchable`::

    def transfer_function(receiver: Batchable[ReceiverSpec], freq_hz): ...

mypy then checks every field a function reads against the spec (an attribute must exist on
``ReceiverSpec``) while accepting the batch view, whose fields are typed ``Any`` (a float or an
array). The view lives in ``explore`` (above these layers), so the contract is a
:class:`~typing.Protocol` here rather than the class itself.
"""

from __future__ import annotations

import inspect
import types
from typing import Any, Protocol, TypeAlias, TypeVar

import numpy as np
from pydantic import BaseModel


class SectionBatch(Protocol):
    """The fields of one spec (or spec section) for many designs: each a scalar or an array."""

    def __getattr__(self, name: str) -> Any: ...


SpecT = TypeVar("SpecT")
Batchable: TypeAlias = SpecT | SectionBatch


class SectionView:
    """Attribute view of one spec section whose leaves may be arrays (the concrete batch view).

    Section properties (e.g. ``ArraySpec.total_channels``) and methods (e.g.
    ``PowerSpec.host_serdes_w``) are evaluated on the arrays through the spec class's own code, so
    derived quantities are never re-implemented.
    """

    def __init__(self, spec_type: type[BaseModel], values: dict[str, Any]):
        self.__dict__.update(values)
        self.__dict__["_spec_type"] = spec_type

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.__dict__["_spec_type"], name, None)
        if isinstance(attr, property) and attr.fget is not None:
            return attr.fget(self)
        if inspect.isfunction(attr):  # a spec method, run on the view's (array) leaves
            return types.MethodType(attr, self)
        raise AttributeError(f"{self.__dict__['_spec_type'].__name__} has no field '{name}'")


def column_view(section: Any) -> Any:
    """The same section with every array leaf as a column (rows, 1), to broadcast over a second axis."""
    values = {
        k: (v[:, None] if isinstance(v, np.ndarray) else v) for k, v in section.__dict__.items() if k != "_spec_type"
    }
    return SectionView(section.__dict__["_spec_type"], values)


def taken_view(section: Any, index: np.ndarray) -> Any:
    """The same section with every array leaf indexed by ``index`` (rows of a batch)."""
    values = {
        k: (v[index] if isinstance(v, np.ndarray) else v) for k, v in section.__dict__.items() if k != "_spec_type"
    }
    return SectionView(section.__dict__["_spec_type"], values)
