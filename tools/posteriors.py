"""Run and ship each preset's posterior on the published points (``src/mosaiclink/config/posteriors``).

``mosaic uncertainty`` and the report read a preset's shipped posterior when its key (the design,
ranges, datasets and sampler settings: :func:`mosaiclink.explore.posterior.posterior_key`) matches,
so the chain (minutes of CPU) stays out of their hot path. This script runs the chain of every preset
(or those named) and writes the file with its diagnostics; presets whose chain is the same (the
production presets share the prototype's device and fibre physics and its points:
:func:`~mosaiclink.explore.posterior.chain_key`) run it once. ``tests/explore/test_shipped_posteriors.py``
fails when a shipped file is stale (key or stored log likelihood). Run it niced:

    PYTHONPATH=src nice -n 15 python tools/posteriors.py [--preset mosaic-800g --preset ...] [--max-steps 16000]

and with ``--weights`` only the shipped draws' full-model weights are computed again (after a change of
the full model; the chain stays):

    PYTHONPATH=src python tools/posteriors.py --weights [--preset mosaic-800g --preset ...]

(session 7: the production chain converged in 3,680 steps, 193 s of CPU; the prototype's, over 29
inputs, in 11,030 steps, 1,355 s, past the live chain's 4,000-step cap.)
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import sys

import numpy as np


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def ship(presets: list[str], max_steps: int) -> None:
    """Run the chain of each distinct :func:`chain_key` among ``presets`` and write every preset's file."""
    from mosaiclink.explore.posterior import _read_shipped as read_shipped
    from mosaiclink.explore.posterior import sample_posterior, save_posterior, shared_chain
    from mosaiclink.explore.spec import load_base

    chains: dict = {}
    for preset in presets:
        design, inputs, data = _setup_preset(preset)
        key = shared_chain(design, inputs, data, load_base)
        weights = None
        if key in chains:
            chain, order, cpu_s, first = chains[key]
            # the same chain; this preset's inputs carry its own nominal values (the percentiles' reference)
            chain = dataclasses.replace(chain, sampled=tuple(inputs[j] for j in order) + chain.sampled[len(order) :])
            weights = read_shipped(first)["full_model_log_weight"]  # the same draws, the same likelihoods
            how = f"the chain and weights of {first}"
        else:
            start = _cpu_s()
            chain, order = sample_posterior(design, inputs, data, load_base, seed=0, max_steps=max_steps)
            cpu_s = _cpu_s() - start
            chains[key] = (chain, order, cpu_s, preset)
            how = f"{cpu_s:.0f} s CPU"
        path = save_posterior(chain, design, inputs, data, load_base, weights=weights)
        print(
            f"{preset}: {path.name}, {chain.walkers} walkers x {chain.steps} steps, acceptance {chain.acceptance:.3f}, "
            f"R-hat {min(chain.rhat.values()):.3f}-{max(chain.rhat.values()):.3f}, "
            f"ESS {min(chain.ess.values()):.0f}-{max(chain.ess.values()):.0f} "
            f"(tail {min(chain.ess_tail.values()):.0f}-{max(chain.ess_tail.values()):.0f}), burn {chain.burn}, "
            f"thin {chain.thin}, autocorrelation "
            f"{min(chain.autocorr_steps.values()):.0f}-{max(chain.autocorr_steps.values()):.0f} steps, "
            f"{'converged' if chain.converged else 'NOT converged'}, {how}",
            flush=True,
        )


def weigh(presets: list[str]) -> None:
    """Rewrite each preset's shipped file with its draws' full-model weights, the chain as it is: once
    per distinct :func:`chain_key` (presets sharing a chain share its draws and likelihoods)."""
    from mosaiclink.explore.posterior import _read_shipped as read_shipped
    from mosaiclink.explore.posterior import effective_draws, shared_chain, weigh_shipped

    weighed: dict[str, str] = {}
    for preset in presets:
        design, inputs, data = _setup_preset(preset)
        start = _cpu_s()
        key = shared_chain(design, inputs, data, _base_of())
        first = weighed.setdefault(key, preset)
        shared = None
        if first != preset:
            theirs, mine = read_shipped(first), read_shipped(preset)
            if np.array_equal(theirs["draws"], mine["draws"]):  # else a file of another run: its own weights
                shared = theirs["full_model_log_weight"]
        path = weigh_shipped(design, inputs, data, _base_of(), weights=shared)
        weight = read_shipped(preset)["full_model_log_weight"]
        print(
            f"{preset}: {path.name}, full-model weights of {len(weight)} draws, effective "
            f"{effective_draws(weight):.0f}, {_cpu_s() - start:.0f} s CPU",
            flush=True,
        )


def _setup_preset(preset: str):
    """A preset's design, its uncertain inputs and the published data (as ``mosaic uncertainty`` reads them)."""
    from mosaiclink.config.datasets import DEFAULT_DATASET, dataset_path
    from mosaiclink.config.estimate_ranges import load_ranges
    from mosaiclink.config.measurements import load_ber_dataset
    from mosaiclink.config.presets import load_preset
    from mosaiclink.config.system import PowerSpec, ReliabilitySpec
    from mosaiclink.explore.uncertainty import reference_entry, uncertain_inputs

    design = load_preset(preset)
    inputs = uncertain_inputs(design, load_ranges(preset), PowerSpec(), ReliabilitySpec(), reference_entry(design))
    return design, inputs, (load_ber_dataset(dataset_path(DEFAULT_DATASET)),)


def _base_of():
    """The loader of a design's base (``explore.spec.load_base``), imported on use."""
    from mosaiclink.explore.spec import load_base

    return load_base


def _steps(text: str) -> int:
    """``--max-steps``: a whole number of kept steps, at least one diagnostics segment and at most 10^6
    (a cap below one segment would write a file of an unjudged chain over the shipped one)."""
    from mosaiclink.explore.posterior import SEGMENT_STEPS

    try:
        steps = int(text)
    except ValueError:
        steps = -1
    if not SEGMENT_STEPS <= steps <= 1_000_000:
        raise argparse.ArgumentTypeError(f"{text!r}: a whole number of steps from {SEGMENT_STEPS} to 1000000")
    return steps


if __name__ == "__main__":
    from mosaiclink.config.presets import preset_names
    from mosaiclink.explore.posterior import MAX_STEPS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", action="append", choices=preset_names(), help="default: every preset")
    parser.add_argument(
        "--max-steps",
        type=_steps,
        default=MAX_STEPS,
        help=f"cap on the kept steps (default {MAX_STEPS}: the live chain's); a chain over many inputs may need more",
    )
    parser.add_argument(
        "--weights",
        action="store_true",
        help="only (re)compute the shipped draws' full-model weights (a full-model change; ~30 s per chain)",
    )
    args = parser.parse_args()
    (weigh if args.weights else lambda presets: ship(presets, args.max_steps))(args.preset or preset_names())
    sys.exit(0)
