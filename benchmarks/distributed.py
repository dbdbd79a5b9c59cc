"""Distributed Monte Carlo: the same (channels, block) run on a 1-worker and a 2-worker local
Dask cluster (127.0.0.1, one thread per worker process), interleaved; the wall ratio is the
scaling. The prototype preset at 30 m, all 100 channels, symbol path. The counts of the two
runs must be identical (and are checked)."""

from __future__ import annotations

import numpy as np

from benchmarks.harness import Result, interleave

BITS = 1 << 23


def run(quick: bool) -> list[Result]:
    from dask.distributed import Client, LocalCluster

    from mosaiclink.config.presets import load_preset
    from mosaiclink.sim.distributed import count_distributed
    from mosaiclink.sim.physics_models import link_models

    model = link_models(load_preset("mosaic-prototype").with_link(length_m=30.0), 0).symbol
    channels = np.arange(model.channels)
    bits = BITS // 8 if quick else BITS
    counts = []
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as one,
        Client(one) as c1,
        LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as two,
        Client(two) as c2,
    ):

        def on(client):
            def go():
                errors, n = count_distributed(model, channels, bits, seed=1, client=client)
                counts.append(errors)
                return float(n.sum()), float(errors.sum())

            return go

        on(c1)(), on(c2)()  # warm-up: worker imports and Numba's cache
        mine, theirs = interleave(on(c2), on(c1), 2)
    assert all(np.array_equal(c, counts[0]) for c in counts)
    return [
        Result(
            "distributed-2-vs-1",
            f"symbol path, mosaic-prototype at 30 m, {channels.size} channels x {bits:,} bits: "
            "2 Dask workers vs 1 (wall ratio = scaling)",
            "bit",
            mine,
            theirs,
            "1 worker",
            wall_only=True,
        )
    ]
