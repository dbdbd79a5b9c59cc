"""Design-space exploration throughput: designs per second per core.

Run (one core, any load):  OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_explore.py

Measures CPU time (``time.process_time``) of one process pinned to one BLAS thread, so the
figure is per core even on a busy machine. Cases:

* ``lhs-5d``: Latin hypercube over five LED/receiver parameters, every design distinct (worst
  case: no sharing between designs);
* ``grid-800g``: ``examples/sweep-800g-grid.toml`` (rate x drive x NA x length x spares);
* for each, the *link pass* (Q/BER at the design's length, power, FIT: one array pass) and the
  *full row* (plus the reach search, ~10 link evaluations per distinct design);
* the full per-channel model ``physics.link.evaluate_link`` on a few designs, as the peer;
* end to end through the store (keys + DuckDB transactions), in-process.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from mosaiclink.config.system import PowerSpec, ReliabilitySpec  # noqa: E402
from mosaiclink.explore.batch import design_batch  # noqa: E402
from mosaiclink.explore.evaluate import METRICS, _Static, code_version, evaluate_rows  # noqa: E402
from mosaiclink.explore.runner import run_sweep  # noqa: E402
from mosaiclink.explore.spec import load_sweep  # noqa: E402
from mosaiclink.explore.store import ResultStore  # noqa: E402
from mosaiclink.physics.link import evaluate_link  # noqa: E402
from mosaiclink.system.power import mosaic_power  # noqa: E402
from mosaiclink.system.reliability import average_fit, link_survival  # noqa: E402
from mosaiclink.units import HOURS_PER_YEAR  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 8192

LHS_5D = {
    "name": "bench-lhs",
    "sampler": "lhs",
    "samples": 40_000,
    "seed": 1,
    "chunk_size": CHUNK,
    "parameters": {
        "led.diameter_um": {"range": [3.0, 10.0]},
        "led.peak_current_ma": {"range": [1.0, 5.0]},
        "link.rate_gbps": {"range": [1.2, 2.8]},
        "fiber.na": {"range": [0.15, 0.4]},
        "link.length_m": {"range": [5.0, 60.0]},
    },
}


def link_pass(base, paths, rows) -> np.ndarray:
    """Q at the design's length, power and FIT in one array pass (no reach search)."""
    b = design_batch(base, paths, rows)
    q = _Static(b).log10_ber(b.link.length_m)
    power = mosaic_power(b, PowerSpec()).total_w_per_end
    rel = ReliabilitySpec()
    mission_h = rel.mission_years * HOURS_PER_YEAR
    fit = average_fit(link_survival(b, rel, mission_h, rel.reference_temperature_c), mission_h)
    return q + power + fit


def rate(fn, sweep, repeat: int = 2) -> float:
    """Designs per CPU-second of ``fn`` over every chunk of ``sweep`` (best of ``repeat``)."""
    chunks = [sweep.rows(a, b) for a, b in sweep.chunks()]
    best = np.inf
    for _ in range(repeat):
        t0 = time.process_time()
        for rows in chunks:
            fn(sweep.base, sweep.paths, rows)
        best = min(best, time.process_time() - t0)
    return sweep.n_designs / best


def main() -> None:
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}; OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}"
    )
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.1f} (CPU time is measured, so the rates are per core)")
    cases = {
        "lhs-5d": load_sweep(LHS_5D, METRICS),
        "grid-800g": load_sweep(ROOT / "examples" / "sweep-800g-grid.toml", METRICS),
    }
    results = {}
    for name, sweep in cases.items():
        link = rate(link_pass, sweep)
        full = rate(evaluate_rows, sweep, repeat=1)
        results[name] = (sweep.n_designs, link, full)
        print(
            f"{name:10s} {sweep.n_designs:7d} designs | link pass {link:10.0f} designs/s/core | "
            f"full row (with reach) {full:9.0f} designs/s/core"
        )
    base = cases["grid-800g"].base
    t0 = time.process_time()
    lengths = (10.0, 20.0, 30.0, 40.0)
    for length in lengths:
        evaluate_link(base.with_link(length_m=length), seed=0)
    peer = len(lengths) / (time.process_time() - t0)
    print(
        f"peer: full per-channel evaluate_link {peer:.2f} designs/s/core "
        f"-> link pass is {results['lhs-5d'][1] / peer:,.0f}x, full row {results['lhs-5d'][2] / peer:,.0f}x"
    )
    with tempfile.TemporaryDirectory() as tmp, ResultStore(Path(tmp) / "b.duckdb") as store:
        sweep = cases["grid-800g"]
        t0, c0 = time.perf_counter(), time.process_time()
        summary = run_sweep(sweep, store, evaluate_rows, code_version())
        cpu = time.process_time() - c0
        print(
            f"end to end (keys + evaluate + DuckDB), grid-800g: {summary.n_computed} designs, "
            f"{summary.n_computed / cpu:.0f} designs/s/core CPU, {time.perf_counter() - t0:.2f} s wall"
        )


if __name__ == "__main__":
    main()
