"""Cluster evaluation beside a per-link Python loop, and the command-line start-up times.

No cluster simulator with link technologies and faults exists to compare against (DESIGN.md),
so the peer is the obvious implementation: one Python object per link, assigned in a loop,
on the same cluster as our vectorized ``evaluate``. Start-up: wall and CPU time (children
included) of fresh ``python -m mosaiclink`` processes, against their targets.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from benchmarks.harness import Result, interleave

ROOT = Path(__file__).resolve().parents[1]


def per_link_loop(result, techs) -> float:
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


def evaluation(quick: bool) -> list[Result]:
    from mosaiclink.cluster.model import evaluate, failure_year
    from mosaiclink.cluster.scenarios import load_scenario
    from mosaiclink.cluster.summary import summarize
    from mosaiclink.cluster.techs import cluster_techs

    techs = cluster_techs(800.0)
    spec = load_scenario("100k-optics").cluster[0].replace(gpus=10_000 if quick else 100_000)
    result = evaluate(spec, techs, techs)
    links = float(np.round(result.links.count).sum())

    def vectorized():
        evaluate(spec, techs, techs)
        return links, 0

    def loop():
        per_link_loop(result, techs)
        return links, 0

    vectorized()
    mine, theirs = interleave(vectorized, loop, 3 if quick else 2)
    big = load_scenario("100k-mosaic").cluster[0].replace(gpus=1_000_000)

    def full():
        r = evaluate(big, techs, techs)
        summarize(r, failure_year(r, seed=1))
        return 1, 0

    whole, _ = interleave(full, None, 3)
    return [
        Result(
            "cluster-evaluate",
            f"technology assignment of a {spec.gpus:,}-GPU cluster ({links:,.0f} links): vectorized vs per-link loop",
            "link",
            mine,
            theirs,
            "Python loop",
            floor=40.0,
        ),
        Result(
            "cluster-1m",
            "1M-GPU MOSAIC cluster: evaluate + Monte Carlo failure year + summary, in process (target 5 s)",
            "run",
            whole,
            goal=1 / 5.0,
        ),
    ]


def workload_table(quick: bool) -> list[Result]:
    """The issue-24 acceptance table: two jobs x two cluster sizes x six technologies (target 10 s CPU)."""
    from mosaiclink.workloads.presets import load_job
    from mosaiclink.workloads.training import evaluate_training

    specs = [load_job(name, gpus=g) for name in ("llama3-70b", "deepseek-v3") for g in (16_384, 98_304)]

    def table():
        for spec in specs:
            evaluate_training(spec).summary()
        return 1, 0

    mine, _ = interleave(table, None, 2 if quick else 3)
    return [
        Result(
            "workload-table",
            "Llama 3 70B and DeepSeek-V3 on 16k and 98k GPUs x 6 technologies, catalog loaded each time (target 10 s)",
            "run",
            mine,
            goal=1 / 10.0,
        )
    ]


def _fresh(*args: str):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}

    def run():
        subprocess.run([sys.executable, "-m", "mosaiclink", *args], check=True, capture_output=True, env=env)
        return 1, 0

    return run


def startup(quick: bool) -> list[Result]:
    out = []
    for name, args, target_s in (
        ("startup-help", ("--help",), 0.3),
        ("startup-cluster", ("cluster", "--gpus", "1000000", "--json"), 1.0),
    ):
        run = _fresh(*args)
        run()  # warm the file cache and Numba's on-disk cache
        mine, _ = interleave(run, None, 3 if quick else 5)
        out.append(
            Result(
                name,
                f"`mosaic {' '.join(args)}` in a fresh process (target {target_s} s)",
                "run",
                mine,
                goal=1 / target_s,
            )
        )
    return out


def run(quick: bool) -> list[Result]:
    return evaluation(quick) + workload_table(quick) + startup(quick)
