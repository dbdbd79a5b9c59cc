"""Run a resolved sweep into a result store: in-process, on local processes or on Dask.

The main process draws the designs chunk by chunk, keys them, asks the store which keys are
missing and hands only those rows to the workers; each finished chunk is written to the store
in one transaction by the main process (DuckDB has one writer). Tasks only compute, so a task
that runs twice (a retried chunk after a worker died) is harmless: the store's primary key
keeps exactly one row per design.

Backends
--------
* ``workers == 1`` and no scheduler: evaluate in this process (no start-up cost).
* ``workers > 1``: a :class:`concurrent.futures.ProcessPoolExecutor` (spawned processes). If a
  worker process dies the pool breaks; it is rebuilt and the chunks in flight are resubmitted,
  at most ``retries`` times.
* ``scheduler="tcp://host:port"``: an existing Dask cluster via :class:`distributed.Client`;
  each chunk is a task submitted with ``retries=``; the scheduler re-runs the tasks of a
  worker that dies.

At most ``2 * workers + 2`` chunks are in flight, so memory stays bounded for any sweep size.

Local worker processes watch their parent (:func:`_exit_with_parent`): if the main process is
killed (SIGKILL leaves no chance to shut the pool down) they exit within
:data:`PARENT_POLL_S` instead of lingering as orphans.
"""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import multiprocessing
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from mosaiclink.errors import ConfigError
from mosaiclink.explore.spec import KeyMaker, ResolvedSweep, canonical_json
from mosaiclink.explore.store import ResultStore
from mosaiclink.finite import require_finite

PARENT_POLL_S = 0.5  # how often a local worker checks that the main process is alive
SCHEDULER_RE = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$")

Evaluate = Callable[[Any, tuple[str, ...], np.ndarray], dict[str, np.ndarray]]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepSummary:
    """What a run did: designs drawn, already stored, newly stored, wall time."""

    n_designs: int
    n_already_stored: int
    n_computed: int
    n_chunks_written: int
    seconds: float


@dataclass(frozen=True)
class _Task:
    keys: np.ndarray
    rows: np.ndarray


def check_scheduler(address: str) -> str:
    """``address`` if it is ``tcp://HOST:PORT`` or ``tls://HOST:PORT`` with a port in 1-65535, else ConfigError."""
    match = SCHEDULER_RE.match(address)
    if match is None or not 1 <= int(match.group(3)) <= 65535:
        raise ConfigError(
            f"--scheduler = {address[:80]!r}: must be tcp://HOST:PORT or tls://HOST:PORT with a port in 1-65535 "
            "(the address a Dask scheduler prints)"
        )
    return address


def check_workers(workers: int) -> int:
    """``workers`` if this machine can run that many local processes usefully, else ConfigError."""
    limit = 4 * (os.cpu_count() or 1)
    if not 1 <= workers <= limit:
        raise ConfigError(
            f"--workers = {workers}: must be 1-{limit} (4 per CPU of this machine); use --scheduler beyond"
        )
    return workers


def _exit_with_parent(parent_pid: int) -> None:
    """Pool initializer: a daemon thread ends this worker once its parent process is gone.

    A SIGKILLed parent cannot shut its pool down, and a worker blocked on the task queue would
    wait forever; when the parent dies the worker is re-parented, so ``os.getppid()`` changes.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="mosaic-parent-watch", daemon=True).start()


def _tasks(sweep: ResolvedSweep, store: ResultStore, keymaker: KeyMaker, counts: dict[str, int]) -> Iterator[_Task]:
    """Chunks of not-yet-stored designs (duplicates inside a chunk removed)."""
    for start, stop in sweep.chunks():
        rows = sweep.rows(start, stop)
        keys = keymaker.keys(rows)
        keys, first = np.unique(keys, return_index=True)
        rows = rows[first]
        todo = store.missing(keys)
        counts["already"] += int((~todo).sum())
        counts["skipped"] += (stop - start) - int(todo.sum())
        if todo.any():
            yield _Task(keys=keys[todo], rows=rows[todo])


def run_sweep(
    sweep: ResolvedSweep,
    store: ResultStore,
    evaluate: Evaluate,
    code_version: str,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    retries: int = 3,
    on_progress: Progress | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> SweepSummary:
    """Evaluate every design of ``sweep`` that ``store`` lacks and store the results.

    Parameters
    ----------
    sweep : ResolvedSweep
        Designs to evaluate.
    store : ResultStore
        Open (writable) store; chunks are committed one transaction each.
    evaluate : callable
        ``evaluate(base, paths, rows) -> {metric: array}``, a module-level function (it is
        pickled to the workers).
    code_version : str
        Part of every key: results of other code versions are not reused.
    workers, scheduler, retries
        Backend choice (see module docstring).
    on_progress : callable, optional
        ``on_progress(designs_done, designs_total)`` after every chunk (stored or skipped).
    on_chunk : callable, optional
        ``on_chunk(chunks_written)`` after each committed chunk.
    """
    if scheduler is not None:
        check_scheduler(scheduler)
    elif workers > 1:
        check_workers(workers)
    t0 = time.perf_counter()
    keymaker = KeyMaker(sweep.base, sweep.paths, sweep.is_int, code_version)
    base_key = store.begin_sweep(
        sweep.spec.name,
        sweep.spec.to_mapping(),
        canonical_json(sweep.base),
        code_version,
        sweep.n_designs,
    )
    counts = {"already": 0, "skipped": 0, "computed": 0, "chunks": 0, "done": 0}
    total = sweep.n_designs

    def write(task: _Task, metrics: dict[str, np.ndarray]) -> None:
        _require_finite_rows(task, metrics, sweep.paths)
        columns = {p: task.rows[:, j] for j, p in enumerate(sweep.paths)} | metrics
        counts["computed"] += store.write_chunk(
            task.keys, columns, code_version=code_version, base_key=base_key, sweep=sweep.spec.name
        )
        counts["chunks"] += 1
        counts["done"] += len(task.keys)
        if on_chunk:
            on_chunk(counts["chunks"])
        report()

    def report() -> None:
        if on_progress:
            on_progress(min(counts["done"] + counts["skipped"], total), total)

    tasks = _tasks(sweep, store, keymaker, counts)
    if scheduler is not None:
        _run_dask(tasks, scheduler, evaluate, sweep, write, retries)
    elif workers > 1:
        _run_pool(tasks, workers, evaluate, sweep, write, retries)
    else:
        for task in tasks:
            write(task, evaluate(sweep.base, sweep.paths, task.rows))
    report()
    return SweepSummary(
        n_designs=total,
        n_already_stored=counts["already"],
        n_computed=counts["computed"],
        n_chunks_written=counts["chunks"],
        seconds=time.perf_counter() - t0,
    )


def _require_finite_rows(task: _Task, metrics: dict[str, np.ndarray], paths: tuple[str, ...]) -> None:
    """Nothing non-finite enters the store: name the first such design and metric (ModelRangeError)."""
    for name, values in metrics.items():
        bad = ~np.isfinite(np.asarray(values, dtype=np.float64))
        if bad.any():
            row = task.rows[int(np.argmax(bad))]
            design = ", ".join(f"{p} = {v:g}" for p, v in zip(paths, row, strict=True))
            require_finite({name: np.asarray(values)[bad]}, f"sweep design ({design})")


def _run_pool(
    tasks: Iterator[_Task], workers: int, evaluate: Evaluate, sweep: ResolvedSweep, write: Callable, retries: int
) -> None:
    """Local processes; a broken pool (a worker died) is rebuilt and its chunks resubmitted."""
    context = multiprocessing.get_context("spawn")
    window = 2 * workers + 2
    restarts = 0

    def new_pool() -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_exit_with_parent, initargs=(os.getpid(),)
        )

    pool = new_pool()
    in_flight: dict[cf.Future, _Task] = {}
    try:
        while True:
            for task in tasks:
                in_flight[pool.submit(evaluate, sweep.base, sweep.paths, task.rows)] = task
                if len(in_flight) >= window:
                    break
            if not in_flight:
                return
            done, _ = cf.wait(in_flight, return_when=cf.FIRST_COMPLETED)
            for future in done:
                task = in_flight.pop(future)
                try:
                    metrics = future.result()
                except cf.process.BrokenProcessPool:
                    restarts += 1
                    if restarts > retries:
                        raise
                    pending = [task, *in_flight.values()]
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = new_pool()
                    in_flight = {pool.submit(evaluate, sweep.base, sweep.paths, t.rows): t for t in pending}
                    break
                write(task, metrics)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _run_dask(
    tasks: Iterator[_Task], scheduler: str, evaluate: Evaluate, sweep: ResolvedSweep, write: Callable, retries: int
) -> None:
    """An existing Dask cluster; lost workers' tasks are re-run by the scheduler."""
    from distributed import Client, as_completed

    from mosaiclink.errors import StoreError

    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise StoreError(f"scheduler = '{scheduler}': cannot connect ({exc})") from None
    try:
        window = 2 * max(1, sum(client.nthreads().values())) + 2
        in_flight: dict[Any, _Task] = {}
        pending = as_completed()

        def submit(count: int) -> None:
            for task in itertools.islice(tasks, count):
                future = client.submit(evaluate, sweep.base, sweep.paths, task.rows, retries=retries, pure=False)
                in_flight[future] = task
                pending.add(future)

        submit(window)
        for future in pending:
            write(in_flight.pop(future), future.result())
            submit(1)
    finally:
        client.close()
