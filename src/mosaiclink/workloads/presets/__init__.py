"""Shipped training jobs (``*.toml`` beside this module) and the GPUs and models they name.

A job file gives ``model`` and ``gpu`` either as a name from ``catalog.toml`` or as a full table.
User files are read through the one safe reader (:func:`mosaiclink.config.io.read_mapping`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from mosaiclink.config.base import deep_merge
from mosaiclink.config.io import SUFFIXES, read_mapping, read_package_toml
from mosaiclink.config.workloads import InferenceSpec, TrainingSpec
from mosaiclink.errors import ConfigError

CATALOG = "catalog"
INFERENCE = "inference-"


@cache
def _catalog() -> dict[str, Any]:
    return read_package_toml(__name__, f"{CATALOG}.toml")


def job_names() -> list[str]:
    """Names of the shipped jobs, sorted."""
    files = resources.files(__name__).iterdir()
    return sorted(
        n
        for f in files
        if (n := f.name.removesuffix(".toml")) != f.name and n != CATALOG and not n.startswith(INFERENCE)
    )


def inference_names() -> list[str]:
    """Names of the shipped inference cases, sorted."""
    files = resources.files(__name__).iterdir()
    return sorted(n for f in files if (n := f.name.removesuffix(".toml")).startswith(INFERENCE))


def gpu_names() -> list[str]:
    return sorted(_catalog()["gpu"])


def model_names() -> list[str]:
    return sorted(_catalog()["model"])


def _named(kind: str, value: Any) -> Any:
    """A catalog entry for a name; a table passes through (validated by the spec)."""
    if not isinstance(value, str):
        return value
    table = _catalog()[kind]
    if value not in table:
        raise ConfigError(f"{kind} = {value!r}: unknown; shipped: {', '.join(sorted(table))} (or give a table)")
    return table[value]


def job_from_mapping(data: dict[str, Any], where: str = "job", **changes: Any) -> TrainingSpec:
    """Validate a job mapping, resolving ``model`` and ``gpu`` names, with ``changes`` merged over it.

    ``gpus`` in ``changes`` rescales ``parallel.global_batch`` with the data-parallel degree
    (weak scaling: the same micro-batches per pipeline), so a plan for 16k GPUs runs on 96k.
    """
    data = dict(data)
    for kind in ("model", "gpu"):
        if kind in data:
            data[kind] = _named(kind, data[kind])
    base = TrainingSpec.from_mapping(data, where=where)
    if not changes:
        return base
    gpus = changes.get("gpus")
    if gpus is not None and gpus != base.gpus:
        par = base.parallel
        ranks = par.tensor * par.pipeline
        if gpus % ranks:
            raise ConfigError(
                f"gpus = {gpus}: must be a multiple of parallel.tensor x pipeline = {ranks} (job {base.name!r})"
            )
        batch = base.microbatches * (gpus // ranks) * par.micro_batch
        changes = deep_merge({"parallel": {"global_batch": batch}}, changes)
    return TrainingSpec.from_mapping(deep_merge(base.model_dump(), changes), where=where)


def load_job(name_or_path: str | Path, **changes: Any) -> TrainingSpec:
    """A shipped job by name or a job file (TOML/YAML/JSON), with ``changes`` (e.g. ``gpus``)."""
    text = str(name_or_path)
    if text in job_names():
        data = read_package_toml(__name__, f"{text}.toml")
        return job_from_mapping(data, where=text, **changes)
    if Path(text).suffix not in SUFFIXES:
        raise ConfigError(f"job = {text!r}: neither a shipped job ({', '.join(job_names())}) nor a file")
    return job_from_mapping(read_mapping(text), where=text, **changes)


def load_inference(name_or_path: str | Path = "inference-llama3-70b", **changes: Any) -> InferenceSpec:
    """A shipped inference case by name or a file, ``model`` and ``gpu`` resolved by name, ``changes`` merged."""
    text = str(name_or_path)
    if text in inference_names():
        data = read_package_toml(__name__, f"{text}.toml")
    elif Path(text).suffix in SUFFIXES:  # the safe reader: a missing, too long or hostile file is one line
        data = read_mapping(text)
    else:
        raise ConfigError(f"inference = {text!r}: neither a shipped case ({', '.join(inference_names())}) nor a file")
    for kind in ("model", "gpu"):
        if kind in data:
            data[kind] = _named(kind, data[kind])
    return InferenceSpec.from_mapping(deep_merge(data, changes), where=text)
