"""The posterior of ``mosaic uncertainty``: its chain on the 800G preset against the 2-minute CPU target,
and (``python -m benchmarks.posterior --round-trip N``) the long round trip: ``N`` designs drawn from the
prior, noisy BER points from each, and how often the 90 % posterior interval holds the truth.

No peer samples this model, so the chain stands against its target: converged (R-hat < 1.05, bulk and tail
ESS >= 400 for every sampled input) within 120 s of CPU. ``--quick`` skips it (the chain alone is a minute or more).
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.harness import Result, interleave

TARGET_CPU_S = 120.0


def run(quick: bool) -> list[Result]:
    if quick:
        return []
    from mosaiclink.config.datasets import dataset_path
    from mosaiclink.config.estimate_ranges import load_ranges
    from mosaiclink.config.measurements import load_ber_dataset
    from mosaiclink.config.presets import load_preset
    from mosaiclink.config.system import PowerSpec, ReliabilitySpec
    from mosaiclink.explore.posterior import sample_posterior
    from mosaiclink.explore.spec import load_base
    from mosaiclink.explore.uncertainty import reference_entry, uncertain_inputs

    design = load_preset("mosaic-800g")
    inputs = uncertain_inputs(
        design, load_ranges("mosaic-800g"), PowerSpec(), ReliabilitySpec(), reference_entry(design)
    )
    data = (load_ber_dataset(dataset_path("published")),)

    def once():
        result, _ = sample_posterior(design, inputs, data, load_base, seed=0)
        if not result.converged:
            raise RuntimeError(f"posterior not converged: R-hat {result.rhat}, ESS {result.ess}, {result.ess_tail}")
        return 1, 0

    mine, _ = interleave(once, None, 1)
    return [
        Result(
            "posterior-800g",
            "`sample_posterior` of mosaic-800g on the published points to R-hat < 1.05 and ESS >= 400 "
            f"(target {TARGET_CPU_S:g} s CPU)",
            "run",
            mine,
            goal=1 / TARGET_CPU_S,
        )
    ]


def round_trip(seeds: int) -> float:
    """Fraction of (input, seed) cases whose 90 % posterior interval holds the true value."""
    import importlib.util
    from pathlib import Path

    import numpy as np

    path = Path(__file__).resolve().parents[1] / "tests" / "explore" / "test_posterior.py"
    spec = importlib.util.spec_from_file_location("test_posterior", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    covered = []
    for seed in range(seeds):
        inside, chain = module._covered(seed)
        covered.append(inside)
        print(
            f"seed {seed}: inside {inside.astype(int).tolist()}, R-hat max {max(chain.rhat.values()):.3f}, "
            f"ESS min {min(chain.ess.values()):.0f} (tail {min(chain.ess_tail.values()):.0f}), "
            f"acceptance {chain.acceptance:.2f}, {chain.walkers} walkers x {chain.steps} steps, "
            f"{'converged' if chain.converged else 'NOT converged'}",
            flush=True,
        )
    return float(np.mean(covered))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trip", type=int, default=20, help="designs (seeds) of the round trip")
    args = parser.parse_args()
    rate = round_trip(args.round_trip)
    print(f"90 % interval coverage over {args.round_trip} seeds x 3 inputs: {rate:.2f} (acceptance: >= 0.80)")
    sys.exit(0 if rate >= 0.8 else 1)
