"""Design-space exploration throughput, designs per second per core, beside the full model.

Cases: ``lhs-5d`` (Latin hypercube over five LED/receiver parameters, every design distinct)
and ``grid-800g`` (``examples/sweep-800g-grid.toml``); for each the *link pass* (Q/BER at the
design's length, power, FIT: one array pass) and the *full row* (plus the reach search). The
peer is the full per-channel model ``physics.link.evaluate_link`` (statistical eye, all
channels) on the same base design. These figures belong to the link model, which is being
reworked: the quick CI run leaves them out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.harness import Result, interleave

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
    """log10 BER at the design's length, power and FIT in one array pass (no reach search)."""
    from mosaiclink.config.system import PowerSpec, ReliabilitySpec
    from mosaiclink.explore.batch import design_batch
    from mosaiclink.explore.evaluate import BLOCK_ROWS, _Static
    from mosaiclink.system.power import mosaic_power
    from mosaiclink.system.reliability import average_fit, link_survival
    from mosaiclink.units import HOURS_PER_YEAR

    out = []
    for start in range(0, len(rows), BLOCK_ROWS):  # in the evaluator's blocks
        b = design_batch(base, paths, rows[start : start + BLOCK_ROWS])
        q = _Static(b).log10_ber(b.link.length_m)
        power = mosaic_power(b, PowerSpec()).total_w_per_end
        rel = ReliabilitySpec()
        mission_h = rel.mission_years * HOURS_PER_YEAR
        fit = average_fit(link_survival(b, rel, mission_h, rel.reference_temperature_c), mission_h)
        out.append(q + power + fit)
    return np.concatenate(out)


def run(quick: bool) -> list[Result]:
    from mosaiclink.explore.evaluate import METRICS, evaluate_rows
    from mosaiclink.explore.spec import load_sweep
    from mosaiclink.physics.link import evaluate_link

    cases = {
        "lhs-5d": load_sweep(LHS_5D, METRICS),
        "grid-800g": load_sweep(ROOT / "examples" / "sweep-800g-grid.toml", METRICS),
    }
    base = cases["grid-800g"].base
    evaluate_link(base, seed=0)

    def peer():
        evaluate_link(base.with_link(length_m=20.0), seed=0)
        return 1, 0

    out = []
    for name, sweep in cases.items():
        chunks = [sweep.rows(a, b) for a, b in sweep.chunks()]
        for label, fn in (("link pass", link_pass), ("full row", evaluate_rows)):

            def ours(fn=fn, sweep=sweep, chunks=chunks):
                for rows in chunks:
                    fn(sweep.base, sweep.paths, rows)
                return sweep.n_designs, 0

            ours()
            mine, theirs = interleave(ours, peer, 2)
            out.append(
                Result(
                    f"explore-{name}-{label.replace(' ', '-')}",
                    f"{name} ({sweep.n_designs:,} designs), {label} vs full per-channel evaluate_link"
                    + (" (target 100,000 designs/s per core)" if label == "link pass" else ""),
                    "design",
                    mine,
                    theirs,
                    "evaluate_link",
                )
            )
    return out
