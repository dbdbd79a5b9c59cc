"""Every benchmark in one command: ``python -m benchmarks [--quick] [--only NAME ...] [--json FILE]``.

Run from the repository root with the sources on the path (``PYTHONPATH=src``). Each line is
ours beside a peer (OptiCommPy, galois, reedsolo, a plain Python loop, our own full model) or
beside a target: wall and per-core (CPU time) ratios from interleaved rounds, one thread per
side, matched BERs where errors are counted, and the machine with its load average. The process
reuses freed memory as the ``mosaic`` command does (``process.reuse_freed_memory``).
``--quick`` runs a smaller set in well under 3 minutes and exits 1 when a per-core ratio falls
below its floor (the floors leave room for a loaded 2-core CI machine).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"  # one thread per side, before NumPy, SciPy or Numba load

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from benchmarks import harness  # noqa: E402
from mosaiclink.process import reuse_freed_memory  # noqa: E402

# the `mosaic` command's allocator setting (its every command runs with it): freed temporaries are
# reused instead of page-faulted in again; the same for both sides of every comparison
reuse_freed_memory()

SECTIONS = ("sim", "datapath", "cluster", "distributed", "explore", "link", "production", "report")
QUICK = ("sim", "datapath", "cluster", "explore")  # link: the link-model work re-measures it


def _section(name: str, quick: bool) -> list[harness.Result]:
    """One section's results; the environment is restored after it, so that a section cannot change
    the ones after it (Dask's ``LocalCluster`` leaves ``MALLOC_TRIM_THRESHOLD_=65536`` in
    ``os.environ``: every later ``mosaic`` subprocess then skipped its allocator setting and the
    report's CPU read 8.6 s instead of 4.7 s)."""
    import importlib

    environment = dict(os.environ)
    try:
        return importlib.import_module(f"benchmarks.{name}").run(quick)
    finally:
        os.environ.clear()
        os.environ.update(environment)


def table(results: list[harness.Result]) -> list[str]:
    """Markdown rows: ratio per core and wall, rates, threads, BERs, goal and floor."""
    lines = [
        "| benchmark | what | ours per core | peer per core | x peer per core | x peer wall | BER ours / peer "
        "| goal | floor |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        if r.unit == "run":  # a timed run against a target time
            ours = f"{r.ours.cpu_s / r.ours.units:.3g} s CPU, {r.ours.wall_s / r.ours.units:.3g} s wall"
            peer = f"{r.peer.cpu_s / r.peer.units:.3g} s CPU ({r.peer_name})" if r.peer else "-"
            goal = f"{1 / r.goal:.3g} s" if r.goal else "-"
            lines.append(f"| {r.name} | {r.what} | {ours} | {peer} | - | - | - | {goal} | - |")
            continue
        unit = r.unit
        if r.wall_only and r.peer:
            lines.append(
                f"| {r.name} | {r.what} | {harness.fmt(r.ours.rate_wall)} {unit}/s wall | "
                f"{harness.fmt(r.peer.rate_wall)} {unit}/s wall ({r.peer_name}) | - | **{harness.fmt(r.ratio_wall)}x** "
                "| - | - | - |"
            )
            continue
        ours = f"{harness.fmt(r.ours.rate_cpu)} {unit}/s"
        peer = f"{harness.fmt(r.peer.rate_cpu)} {unit}/s ({r.peer_name})" if r.peer else "-"
        ratio_cpu = f"**{harness.fmt(r.ratio_cpu)}x**" if r.peer else "-"
        ratio_wall = f"{harness.fmt(r.ratio_wall)}x" if r.peer else "-"
        ber = "-"
        if r.ber is not None:
            ber = f"{r.ber[0]:.3g}" + (f" / {r.ber[1]:.3g}" if r.ber[1] == r.ber[1] else "")
        goal = (f"{harness.fmt(r.goal)}x" if r.peer else harness.fmt(r.goal)) if r.goal else "-"
        floor = (f"{harness.fmt(r.floor)}x" if r.peer else harness.fmt(r.floor)) if r.floor else "-"
        what = r.what + (f" ({'; '.join(r.notes)})" if r.notes else "")
        lines.append(f"| {r.name} | {what} | {ours} | {peer} | {ratio_cpu} | {ratio_wall} | {ber} | {goal} | {floor} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the CI set: smaller runs, fails below the floors")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    threads = harness.limit_threads()
    before = harness.machine()
    start = time.perf_counter()
    results: list[harness.Result] = []
    failed: list[str] = []
    for name in args.only or (QUICK if args.quick else SECTIONS):
        try:
            results += _section(name, args.quick)
        except Exception as exc:  # a broken section is reported, and fails the run
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    after = harness.machine()
    print(
        f"Machine: {before['cpu']}, {before['cores']} cores, Python {before['python']}, NumPy {before['numpy']}; "
        f"load average {before['load']} before, {after['load']} after; {time.perf_counter() - start:.0f} s."
    )
    print(f"Threads, each side: {', '.join(f'{k} {v}' for k, v in threads.items())}.\n")
    print("\n".join(table(results)))
    below = [r for r in results if args.quick and not r.passed]
    for r in below:
        print(f"\nBELOW FLOOR: {r.name}: {r.ratio_cpu:.3g} per core < floor {r.floor:.3g}", file=sys.stderr)
    for f in failed:
        print(f"\nFAILED: {f}", file=sys.stderr)
    if args.json:
        rows = [
            {
                "name": r.name,
                "what": r.what,
                "unit": r.unit,
                "ratio_cpu": r.ratio_cpu,
                "ratio_wall": r.ratio_wall,
                "ours": vars(r.ours),
                "peer": vars(r.peer) if r.peer else None,
                "ber": r.ber,
                "goal": r.goal,
                "floor": r.floor,
            }
            for r in results
        ]
        args.json.write_text(json.dumps({"machine": before, "after": after, "threads": threads, "results": rows}))
    return 1 if below or failed else 0


if __name__ == "__main__":
    sys.exit(main())
