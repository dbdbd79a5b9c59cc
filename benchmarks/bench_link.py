"""Benchmark of the link physics: `mosaic link --json` end to end and `evaluate_link` per preset.

Run:  PYTHONPATH=src python benchmarks/bench_link.py [--write docs/benchmarks.md]

The speed target (issue 2) is `mosaic link --json` for the 800G preset, all 460 channels, in
under 2 s. No peer tool evaluates a microLED/imaging-fibre link (OptiCommPy has no LED or
imaging fibre), so the ratio reported is against the target. CPU time is reported beside wall
time because shared machines inflate wall time.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 2.0


def time_cli(runs: int) -> tuple[float, float]:
    """Best wall time and the CPU time of that run for `mosaic link --preset mosaic-800g --json`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    best = (float("inf"), float("inf"))
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mosaiclink", "link", "--preset", "mosaic-800g", "--json"],
            check=True,
            capture_output=True,
            env=env,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (wall, cpu))
    return best


def time_presets(runs: int) -> list[tuple[str, int, float]]:
    sys.path.insert(0, str(ROOT / "src"))
    from mosaiclink.config.presets import load_preset, preset_names
    from mosaiclink.physics.link import evaluate_link

    rows = []
    for name in preset_names():
        design = load_preset(name)
        evaluate_link(design)
        best = min(_timed(evaluate_link, design) for _ in range(runs))
        rows.append((name, design.array.total_channels, best))
    return rows


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, load average {load:.1f} at start"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", type=Path, help="Append/replace the 'Link physics' section of this markdown file.")
    args = parser.parse_args()
    wall, cpu = time_cli(args.runs)
    rows = time_presets(args.runs)
    lines = [
        "## Link physics (`benchmarks/bench_link.py`)",
        "",
        f"Machine: {machine()}.",
        "",
        "| What | Best wall time | CPU time | Target | Ratio (target / time) |",
        "|---|---|---|---|---|",
        "| `mosaic link --preset mosaic-800g --json` (460 channels, process start to exit) | "
        f"{wall:.2f} s | {cpu:.2f} s | {TARGET_S:.1f} s | {TARGET_S / wall:.2f}x |",
        "",
        "CPU time is the process's own work (user + system); wall time on a shared machine is inflated "
        "by the other jobs counted in the load average.",
        "",
        "| Preset | Channels | `evaluate_link` best of runs |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {channels} | {seconds * 1e3:.0f} ms |" for name, channels, seconds in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        old = args.write.read_text() if args.write.exists() else "# Benchmarks\n"
        head, sep, tail = old.partition("## Link physics")
        rest = tail.split("\n## ", 1)[1] if sep and "\n## " in tail else ""
        args.write.write_text(head.rstrip() + "\n\n" + text + ("\n## " + rest if rest else ""))


if __name__ == "__main__":
    main()
