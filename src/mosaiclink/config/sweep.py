"""Sweep specs: which design fields to vary, how to sample them, what to require and optimise.

A sweep file (TOML) names a base design (a preset name or a design file), the parameters to
vary addressed by their dotted spec path (``fiber.na``, ``link.length_m``), a sampler, the
constraints a useful design must meet and the objectives to trade. Example::

    name = "reach-vs-led"
    base = "mosaic-800g"
    sampler = "lhs"            # grid | random | lhs
    samples = 20000            # random / lhs only
    seed = 7
    constraints = ["ber <= 2.4e-4", "reach_m >= 30"]

    [parameters]
    "link.length_m" = { log_range = [1.0, 100.0], steps = 12 }
    "fiber.na" = { range = [0.2, 0.5], steps = 7 }
    "array.spare_channels" = { values = [0, 10, 20, 40] }

    [objectives]
    power_w = "minimize"
    reach_m = "maximize"

This module only checks the file's structure; :mod:`mosaiclink.explore.spec` resolves the
paths against the design type and the constraint/objective names against the evaluator's
metrics (both live in higher layers).
"""

from __future__ import annotations

import math
import re
from typing import Literal

from pydantic import Field, model_validator

from mosaiclink.config.base import Spec

CONSTRAINT_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(<=|>=)\s*([-+0-9.eE]+)\s*$")


DEFAULT_STORE = "mosaic-results.duckdb"  # embedded DuckDB result file used when no --store is given


class ParameterSpec(Spec):
    """One swept field: an explicit list, a linear range or a logarithmic range.

    ``steps`` is the number of grid levels over a range (grid sampler); random and Latin
    hypercube samplers draw continuously inside the range (log-uniformly for ``log_range``)
    and uniformly among ``values``.
    """

    values: list[float] | None = Field(None, min_length=1, max_length=100_000, description="explicit levels")
    range: tuple[float, float] | None = Field(None, description="[low, high], linear")
    log_range: tuple[float, float] | None = Field(None, description="[low, high] > 0, logarithmic")
    steps: int | None = Field(None, ge=1, le=100_000, description="grid levels over a range")

    @model_validator(mode="after")
    def _one_kind(self) -> ParameterSpec:
        kinds = [k for k in ("values", "range", "log_range") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("give exactly one of values, range, log_range")
        bounds = self.range or self.log_range
        if bounds is not None:
            low, high = bounds
            if not (math.isfinite(low) and math.isfinite(high) and low <= high):
                raise ValueError("range needs finite low <= high")
            if self.log_range is not None and low <= 0:
                raise ValueError("log_range needs low > 0")
        if self.values is not None and not all(math.isfinite(v) for v in self.values):
            raise ValueError("values must be finite numbers")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value this parameter can take."""
        if self.values is not None:
            return min(self.values), max(self.values)
        return self.range or self.log_range  # type: ignore[return-value]


class ConstraintSpec(Spec):
    """``metric <= limit`` or ``metric >= limit``, parsed from a string such as ``"ber <= 2.4e-4"``."""

    metric: str
    op: Literal["<=", ">="]
    limit: float

    @classmethod
    def parse(cls, text: str) -> ConstraintSpec:
        """Parse ``"metric <= value"``; anything else is a ValueError naming the expected form."""
        match = CONSTRAINT_RE.match(text)
        if match is None:
            raise ValueError(f"constraint {text!r} must look like 'metric <= number' or 'metric >= number'")
        metric, op, limit = match.groups()
        try:
            value = float(limit)
        except ValueError:
            raise ValueError(f"constraint {text!r}: {limit!r} is not a number") from None
        return cls(metric=metric, op="<=" if op == "<=" else ">=", limit=value)  # the regex allows only these

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.limit:g}"


class SweepSpec(Spec):
    """A whole sweep: base design, parameters, sampler, constraints and objectives."""

    name: str = Field("sweep", min_length=1, description="label stored with every run")
    base: str = Field("mosaic-800g", description="preset name or path of a design file")
    sampler: Literal["grid", "random", "lhs"] = "grid"
    samples: int | None = Field(None, ge=1, le=100_000_000, description="designs drawn (random, lhs)")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="seed of the random and lhs samplers")
    chunk_size: int = Field(8192, ge=1, le=10_000_000, description="designs per task / store transaction")
    parameters: dict[str, ParameterSpec] = Field(..., min_length=1)
    constraints: list[str] = Field(default_factory=list)
    objectives: dict[str, Literal["minimize", "maximize"]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _sampler_needs(self) -> SweepSpec:
        if self.sampler == "grid":
            for path, param in self.parameters.items():
                if param.values is None and param.steps is None:
                    raise ValueError(f"parameter '{path}': the grid sampler needs 'steps' for a range")
        elif self.samples is None:
            raise ValueError(f"sampler '{self.sampler}' needs 'samples'")
        for text in self.constraints:
            ConstraintSpec.parse(text)
        return self

    @property
    def parsed_constraints(self) -> tuple[ConstraintSpec, ...]:
        """The constraints as structured objects."""
        return tuple(ConstraintSpec.parse(text) for text in self.constraints)
