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

from typing import Any, Protocol, TypeAlias, TypeVar


class SectionBatch(Protocol):
    """The fields of one spec (or spec section) for many designs: each a scalar or an array."""

    def __getattr__(self, name: str) -> Any: ...


SpecT = TypeVar("SpecT")
Batchable: TypeAlias = SpecT | SectionBatch
