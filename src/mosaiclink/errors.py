"""Exception hierarchy. Library code raises these; the CLI prints one line and exits 2."""

from __future__ import annotations


class MosaicError(Exception):
    """Base of every error mosaiclink raises on purpose (bad input, model out of range).

    Examples
    --------
    >>> import mosaiclink as ml
    >>> try:
    ...     ml.load_design("mosaic-9t")
    ... except ml.MosaicError as exc:  # every deliberate error: one line naming the field
    ...     print(exc)
    design = 'mosaic-9t': neither a preset (mosaic-1.6t, ..., mosaic-prototype) nor an existing design file
    """


class ConfigError(MosaicError, ValueError):
    """A spec, file or option is invalid: names the field, the value and what is allowed.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> try:
    ...     ml.load_preset("mosaic-800g").with_link(length_m=-1.0)
    ... except ml.ConfigError as exc:
    ...     print(type(exc).__name__)
    ConfigError
    """


class ModelRangeError(MosaicError, ValueError):
    """Inputs are valid but outside the range where a model is trustworthy."""


class CatalogError(ConfigError):
    """A technology-catalog entry is malformed (missing source, negative power, ...)."""


class StoreError(MosaicError):
    """A result store cannot be opened, read or written safely."""


def out_of_range(field: str, value: object, allowed: str) -> ConfigError:
    """Build the standard one-line message ``field = value: allowed``."""
    return ConfigError(f"{field} = {value!r}: {allowed}")
