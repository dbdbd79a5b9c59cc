"""Resolve a :class:`~mosaiclink.config.sweep.SweepSpec` into concrete designs.

Turns the dotted parameter paths into checked leaves of the base design, draws the design
matrix (one row per design, one column per parameter) with the grid, random or Latin
hypercube sampler, and gives every design its store key: the SHA-256 of its full canonical
spec (the whole design as sorted, compact JSON) followed by the code version.

Notes
-----
The key of row ``i`` is computed without building a pydantic model per design: the base
design is serialised once with a placeholder at each swept leaf and the row's values are
spliced in, exactly as ``json.dumps(design.to_mapping(), sort_keys=True)`` would print them
(floats by ``repr``, integer fields as integers). ``test_spec`` checks this identity against
fully validated designs.

Random draws use the stream ``SWEEP_SAMPLES`` of :mod:`mosaiclink.streams`; the Latin hypercube uses
the draws of ``scipy.stats.qmc.LatinHypercube`` seeded from the same generator
(:func:`mosaiclink.explore.sampling.latin_hypercube_unit`; McKay, Beckman & Conover,
Technometrics 21, 1979). The same spec and seed give the same designs and keys.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from mosaiclink.config.base import Spec
from mosaiclink.config.overrides import with_overrides
from mosaiclink.config.sweep import ConstraintSpec, ParameterSpec, SweepSpec
from mosaiclink.errors import ConfigError
from mosaiclink.explore.sampling import latin_hypercube_unit
from mosaiclink.streams import Stream, generator
from mosaiclink.workload import check_sweep_size

if TYPE_CHECKING:
    from mosaiclink.config.design import MosaicDesign

SpecT = TypeVar("SpecT", bound=Spec)
KEY_HEX_CHARS = 32  # 128 bits of SHA-256: collisions are negligible for 1e12 designs
_SENTINEL = "@@P{}@@"
_SENTINEL_RE = re.compile(r'"@@P(\d+)@@"')


def numeric_leaves(design: Spec) -> dict[str, type]:
    """Every numeric leaf of a design as ``{dotted.path: int | float}``."""
    leaves: dict[str, type] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                walk(value, f"{prefix}{key}.")
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            leaves[prefix[:-1]] = int if isinstance(node, int) else float

    walk(design.to_mapping(), "")
    return leaves


def check_path(path: str, leaves: Mapping[str, type]) -> None:
    """Raise a one-line ConfigError for an unknown parameter path, naming the nearest valid one."""
    if path in leaves:
        return
    near = nearest_path(path, leaves)
    hint = f"; did you mean '{near}'?" if near else ""
    raise ConfigError(f"unknown parameter path 'parameters.{path}'{hint}")


def nearest_path(path: str, leaves: Mapping[str, type]) -> str | None:
    """The valid path a mistyped one most likely meant.

    Within the same section when the section exists (``fiber.numerical_aperture`` ->
    ``fiber.na`` by its initials, ``link.lenght_m`` -> ``link.length_m`` by spelling),
    otherwise the closest full path.
    """
    section, _, leaf = path.partition(".")
    sections = {p.partition(".")[0] for p in leaves}
    if section not in sections:
        near = difflib.get_close_matches(section, sorted(sections), n=1, cutoff=0.6)
        section = near[0] if near else section
    inside = {p.partition(".")[2]: p for p in leaves if p.partition(".")[0] == section}
    if not inside:
        near = difflib.get_close_matches(path, list(leaves), n=1, cutoff=0.0)
        return near[0] if near else None
    initials = "".join(word[0] for word in leaf.split("_") if word)
    if initials in inside:
        return inside[initials]
    near = difflib.get_close_matches(leaf, list(inside), n=1, cutoff=0.0)
    return inside[near[0]] if near else None


def canonical_json(design: Spec) -> str:
    """The design as sorted, compact JSON: the text its store key hashes."""
    return json.dumps(design.to_mapping(), sort_keys=True, separators=(",", ":"))


def design_key(design: Spec, code_version: str) -> str:
    """Store key of one design: SHA-256 of its canonical JSON, a newline and the code version."""
    text = f"{canonical_json(design)}\n{code_version}"
    return hashlib.sha256(text.encode()).hexdigest()[:KEY_HEX_CHARS]


@dataclass(frozen=True)
class ResolvedSweep:
    """A sweep with its base design loaded, its paths checked and its samples drawn.

    ``unit`` holds, for random and Latin hypercube sampling, the (designs, parameters)
    matrix of uniform draws in [0, 1); the grid sampler enumerates its rows lazily.
    """

    spec: SweepSpec
    base: Spec
    paths: tuple[str, ...]
    is_int: tuple[bool, ...]
    levels: tuple[np.ndarray, ...]
    unit: np.ndarray | None

    @property
    def n_designs(self) -> int:
        """Number of designs the sweep draws (duplicates included)."""
        if self.unit is not None:
            return self.unit.shape[0]
        return int(np.prod([len(lv) for lv in self.levels], dtype=np.int64))

    @property
    def constraints(self) -> tuple[ConstraintSpec, ...]:
        return self.spec.parsed_constraints

    def rows(self, start: int, stop: int) -> np.ndarray:
        """Design matrix rows ``start:stop`` as float64, shape (designs, parameters)."""
        if self.unit is None:
            shape = tuple(len(lv) for lv in self.levels)
            idx = np.unravel_index(np.arange(start, stop, dtype=np.int64), shape)
            return np.stack([lv[i] for lv, i in zip(self.levels, idx, strict=True)], axis=1)
        return np.stack(
            [
                _from_unit(self.spec.parameters[p], u, is_int)
                for p, u, is_int in zip(self.paths, self.unit[start:stop].T, self.is_int, strict=True)
            ],
            axis=1,
        )

    def chunks(self) -> Iterator[tuple[int, int]]:
        """``(start, stop)`` row ranges of at most ``chunk_size`` designs."""
        n, size = self.n_designs, self.spec.chunk_size
        for start in range(0, n, size):
            yield start, min(start + size, n)

    def design(self, row: np.ndarray) -> Spec:
        """The full validated design of one matrix row."""
        return with_overrides(self.base, self.overrides(row))

    def overrides(self, row: np.ndarray) -> dict[str, Any]:
        """``{path: value}`` of one matrix row, integers where the field is an integer."""
        return {p: (int(v) if is_int else float(v)) for p, v, is_int in zip(self.paths, row, self.is_int, strict=True)}


def load_base(base: str) -> MosaicDesign:
    """The base design: a preset name, or a path to a design file (TOML/YAML/JSON, which may
    ``extends`` a preset like any design file)."""
    from mosaiclink.config.presets import load_design, load_preset

    if Path(base).suffix in (".toml", ".yaml", ".yml", ".json"):
        return load_design(base)
    return load_preset(base)


def load_sweep(
    source: str | Path | Mapping[str, Any], metrics: tuple[str, ...], base: Spec | None = None
) -> ResolvedSweep:
    """Read, validate and resolve a sweep (file path or mapping) into a :class:`ResolvedSweep`.

    Parameters
    ----------
    source : path or mapping
        The sweep file, or its already-parsed content.
    metrics : tuple of str
        Names the evaluator produces; constraints and objectives must use them.
    base : Spec, optional
        Base design; default ``load_base(spec.base)``.
    """
    from mosaiclink.config.io import read_mapping

    data = read_mapping(source) if isinstance(source, (str, Path)) else dict(source)
    spec = SweepSpec.from_mapping(data)
    for name in [c.metric for c in spec.parsed_constraints] + list(spec.objectives):
        if name not in metrics:
            near = difflib.get_close_matches(name, metrics, n=1, cutoff=0.0)
            raise ConfigError(f"unknown metric '{name}'; did you mean '{near[0]}'? (metrics: {', '.join(metrics)})")
    base = base if base is not None else load_base(spec.base)
    leaves = numeric_leaves(base)
    for path in spec.parameters:
        check_path(path, leaves)
    paths = tuple(spec.parameters)
    is_int = tuple(leaves[p] is int for p in paths)
    for path, param, as_int in zip(paths, spec.parameters.values(), is_int, strict=True):
        _check_values(base, path, param, as_int)
    levels = tuple(_levels(spec.parameters[p], as_int) for p, as_int in zip(paths, is_int, strict=True))
    grid_size = math.prod(len(lv) for lv in levels)  # a Python int: no int64 wrap-around
    sampled = spec.sampler != "grid"
    check_sweep_size((spec.samples or 0) if sampled else grid_size, len(paths), sampled=sampled)
    unit = None
    if spec.sampler != "grid":
        rng = generator(spec.seed, Stream.SWEEP_SAMPLES)
        assert spec.samples is not None  # SweepSpec requires samples for the random and lhs samplers
        if spec.sampler == "random":
            unit = rng.random((spec.samples, len(paths)))
        else:
            unit = latin_hypercube_unit(len(paths), spec.samples, rng)
    return ResolvedSweep(spec=spec, base=base, paths=paths, is_int=is_int, levels=levels, unit=unit)


def _check_values(base: Spec, path: str, param: ParameterSpec, as_int: bool) -> None:
    """Validate the extreme (and every listed) value against the design's own bounds."""
    values = param.values if param.values is not None else param.bounds
    for value in dict.fromkeys(values):
        with_overrides(base, {path: int(round(value)) if as_int else float(value)})


def _levels(param: ParameterSpec, as_int: bool) -> np.ndarray:
    """Grid levels of one parameter (unique, in the order given or ascending)."""
    if param.values is not None:
        levels = np.asarray(param.values, dtype=float)
    elif param.range is not None:
        levels = np.linspace(*param.range, param.steps or 1)
    else:
        assert param.log_range is not None  # ParameterSpec holds exactly one of values, range, log_range
        low, high = np.log(param.log_range)
        levels = np.exp(np.linspace(low, high, param.steps or 1))
        levels[[0, -1]] = param.log_range  # exact end points despite exp(log(x))
    if as_int:
        levels = np.rint(levels)
    _, first = np.unique(levels, return_index=True)
    return levels[np.sort(first)]


def _from_unit(param: ParameterSpec, u: np.ndarray, as_int: bool) -> np.ndarray:
    """Map uniform draws in [0, 1) onto a parameter (uniform, log-uniform or a listed level)."""
    if param.values is not None:
        values = np.asarray(param.values, dtype=float)
        out = values[np.minimum((u * len(values)).astype(np.int64), len(values) - 1)]
    elif param.range is not None:
        low, high = param.range
        out = low + u * (high - low)
    else:
        assert param.log_range is not None  # ParameterSpec holds exactly one of values, range, log_range
        low, high = np.log(param.log_range)
        out = np.exp(low + u * (high - low))
    return np.rint(out) if as_int else out


class KeyMaker:
    """Fast store keys for many rows of one sweep (see module Notes)."""

    def __init__(self, base: Spec, paths: tuple[str, ...], is_int: tuple[bool, ...], code_version: str):
        mapping = copy.deepcopy(base.to_mapping())
        for i, path in enumerate(paths):
            node = mapping
            *parents, leaf = path.split(".")
            for part in parents:
                node = node[part]
            node[leaf] = _SENTINEL.format(i)
        pieces = _SENTINEL_RE.split(json.dumps(mapping, sort_keys=True, separators=(",", ":")))
        self._texts = pieces[0::2]
        self._order = [int(i) for i in pieces[1::2]]
        self._is_int = is_int
        self._suffix = f"{self._texts[-1]}\n{code_version}"

    def keys(self, rows: np.ndarray) -> np.ndarray:
        """Keys of the rows of a design matrix, as an object array of hex strings."""
        columns = [
            [str(int(v)) for v in rows[:, j]] if self._is_int[j] else [repr(float(v)) for v in rows[:, j]]
            for j in range(rows.shape[1])
        ]
        ordered = [columns[j] for j in self._order]
        texts, suffix = self._texts, self._suffix
        out = np.empty(rows.shape[0], dtype=object)
        for i, values in enumerate(zip(*ordered, strict=True)):
            parts = [texts[0]]
            for text, value in zip(texts[1:-1], values[:-1], strict=True):
                parts += (value, text)
            parts += (values[-1], suffix)
            out[i] = hashlib.sha256("".join(parts).encode()).hexdigest()[:KEY_HEX_CHARS]
        return out
