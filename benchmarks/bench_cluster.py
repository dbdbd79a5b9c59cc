"""Cluster evaluation speed: a 1M-GPU cluster end to end, beside a per-link Python baseline.

Run: ``PYTHONPATH=src /work/venv/bin/python benchmarks/bench_cluster.py``

No cluster simulator with link technologies and faults exists to compare against (DESIGN.md),
so the peer is the obvious implementation: one Python object per link, assigned in a loop.
It is timed on a 100k-GPU cluster (1.2 M links) and compared with the vectorized path on the
same cluster; the 1M-GPU figure (target: < 5 s) is the vectorized path only.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from mosaiclink.cluster.model import evaluate, failure_year
from mosaiclink.cluster.scenarios import load_scenario
from mosaiclink.cluster.summary import summarize
from mosaiclink.cluster.techs import cluster_techs


def best_of(fn, repeats: int = 3) -> float:
    """Best wall time of ``repeats`` runs (seconds)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def full_run(spec, techs) -> dict:
    """Everything ``mosaic cluster`` computes for one column."""
    result = evaluate(spec, techs, techs)
    return summarize(result, failure_year(result, seed=1))


def per_link_baseline(result, techs) -> float:
    """Expand every link into a Python object, assign it in a loop, sum power and FIT."""
    links = [
        {"length_m": float(m), "tier": int(t)}
        for m, t, n in zip(
            result.links.length_m, result.links.tier, np.round(result.links.count).astype(int), strict=True
        )
        for _ in range(n)
    ]
    order = np.argsort(techs.power_w_per_end)
    allowed = {techs.index(t) for t in result.spec.scale_out.technologies}
    power_w = fit = 0.0
    for link in links:
        for i in order:
            if i in allowed and techs.reach_m[i] >= link["length_m"]:
                link["technology"] = techs.technology[i]
                power_w += 2 * techs.power_w_per_end[i]
                fit += techs.fit_per_link[i]
                break
    return power_w + fit


def fresh_process_seconds(*args: str) -> float:
    """Wall time of ``python ARGS`` in a fresh process with this checkout's sources."""
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    techs = cluster_techs(800.0)
    incumbent, alternative = (load_scenario(n).cluster[0] for n in ("100k-optics", "100k-mosaic"))
    rows = []
    for gpus in (100_000, 1_000_000):
        for spec in (incumbent, alternative):
            s = spec.replace(gpus=gpus)
            rows.append((s.name, gpus, best_of(lambda s=s: full_run(s, techs))))
    small = evaluate(incumbent, techs, techs)
    vector_s = best_of(lambda: evaluate(incumbent, techs, techs))
    loop_s = best_of(lambda: per_link_baseline(small, techs), repeats=1)
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, NumPy {np.__version__}"
    )
    print("| cluster | GPUs | evaluate + Monte Carlo year + summary (s) |")
    print("|---|---:|---:|")
    for name, gpus, seconds in rows:
        print(f"| {name} | {gpus:,} | {seconds:.3f} |")
    links = int(round(small.links.count.sum()))
    cli_s = fresh_process_seconds("-m", "mosaiclink", "cluster", "--gpus", "1000000", "--json")
    import_s = fresh_process_seconds(
        "-c", "from mosaiclink.cli.main import COMMANDS, load_command; [load_command(*c) for c in COMMANDS.items()]"
    )
    print(
        f"\n`mosaic cluster --gpus 1000000 --json` (both columns, fresh process): {cli_s:.2f} s, "
        f"of which importing the CLI and its command modules: {import_s:.2f} s; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"per-link Python baseline, 100k GPUs ({links:,} links): {loop_s:.2f} s; "
        f"vectorized evaluate: {vector_s:.3f} s; ratio {loop_s / vector_s:.0f}x"
    )


if __name__ == "__main__":
    main()
