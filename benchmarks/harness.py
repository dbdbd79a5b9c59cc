"""Fair timing: one thread per side, wall and CPU time, interleaved rounds, the machine stated.

Every comparison runs the peer and us in alternating rounds of the same work (so a change of
machine load hits both sides alike) and reports two ratios of the peer's time per unit of work
over ours: wall clock and CPU time (``time.process_time`` of this process, every thread
included, plus ``RUSAGE_CHILDREN`` for subprocess work), i.e. per core. Both sides run with
one thread (:func:`limit_threads`), so the per-core and wall ratios differ only by the load.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field

THREADS = 1  # threads each side may use (BLAS/OpenMP, Numba, scipy.fft)


def limit_threads() -> dict[str, int]:
    """Pin every thread pool to :data:`THREADS`; returns what each pool now uses."""
    import numba
    from threadpoolctl import threadpool_info, threadpool_limits

    threadpool_limits(THREADS)
    numba.set_num_threads(THREADS)
    pools = {f"{p['internal_api']}": int(p["num_threads"]) for p in threadpool_info()}
    return {**pools, "numba": numba.get_num_threads(), "scipy.fft": 1}


def machine() -> dict[str, str]:
    """CPU model (``lscpu``), cores, load average and versions."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        model = platform.processor() or platform.machine()
    import numpy as np

    return {
        "cpu": model,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "load": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
    }


@dataclass
class Clock:
    """Accumulated wall and CPU seconds (this process and its finished children) and work."""

    wall_s: float = 0.0
    cpu_s: float = 0.0
    units: float = 0.0
    errors: float = 0.0

    def run(self, fn: Callable[[], tuple[float, float]]) -> None:
        """Time ``fn``, which returns (units of work done, errors counted)."""
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0, c0 = time.perf_counter(), time.process_time()
        units, errors = fn()
        c1, w1 = time.process_time(), time.perf_counter()
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.wall_s += w1 - w0
        self.cpu_s += c1 - c0 + (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        self.units += units
        self.errors += errors

    @property
    def rate_wall(self) -> float:
        return self.units / self.wall_s

    @property
    def rate_cpu(self) -> float:
        return self.units / self.cpu_s


@dataclass
class Result:
    """One benchmark: ours beside a peer (or a target when no peer exists)."""

    name: str
    what: str
    unit: str
    ours: Clock
    peer: Clock | None = None
    peer_name: str = ""
    goal: float | None = None  # per-core ratio (or per-core rate without a peer) we aim for
    floor: float | None = None  # the quick run fails below this
    ber: tuple[float, float] | None = None  # (ours, peer) when errors are counted
    notes: list[str] = field(default_factory=list)
    wall_only: bool = False  # the work runs in other processes: only wall time is ours to see

    @property
    def ratio_wall(self) -> float:
        return self.ours.rate_wall / self.peer.rate_wall if self.peer else self.ours.rate_wall

    @property
    def ratio_cpu(self) -> float:
        """Per-core figure: our work per CPU second over the peer's (or our rate per core)."""
        return self.ours.rate_cpu / self.peer.rate_cpu if self.peer else self.ours.rate_cpu

    @property
    def passed(self) -> bool:
        return self.floor is None or self.ratio_cpu >= self.floor


def interleave(ours: Callable, peer: Callable | None, rounds: int) -> tuple[Clock, Clock | None]:
    """``rounds`` alternating runs, the peer first; each callable returns (units, errors)."""
    mine, theirs = Clock(), (Clock() if peer else None)
    for _ in range(rounds):
        if peer is not None and theirs is not None:
            theirs.run(peer)
        mine.run(ours)
    return mine, theirs


def fmt(value: float) -> str:
    """Three significant figures, thousands separated."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"
