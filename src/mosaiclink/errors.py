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
    design = 'mosaic-9t': neither a preset (mosaic-1.6t, ..., mosaic-prototype) nor a design file (.toml, ...)
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


SEED_MAX = 2**63 - 1  # numpy's SeedSequence takes any non-negative int; 63 bits fit every store and JSON reader


def require_seed(seed: object, field: str = "seed") -> int:
    """``seed`` as an int in ``[0, SEED_MAX]``; a float, string, bool or negative seed is one ConfigError line."""
    if isinstance(seed, bool) or not hasattr(seed, "__index__"):
        raise out_of_range(field, seed, f"must be a whole number 0 to {SEED_MAX}")
    value = int(seed.__index__())
    if not 0 <= value <= SEED_MAX:
        raise out_of_range(field, value, f"must be a whole number 0 to {SEED_MAX}")
    return value


def require_instance(value: object, expected: type, field: str) -> None:
    """Refuse an argument of the wrong type in one line (not an AttributeError deep inside a model)."""
    if not isinstance(value, expected):
        raise ConfigError(f"{field} = {type(value).__name__} object: expected a {expected.__name__}")
