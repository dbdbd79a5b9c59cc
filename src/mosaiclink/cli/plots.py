"""Eye-diagram PNGs for the CLI (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_eye_pngs(result, out: Path) -> list[str]:
    """One PNG per eye in ``result`` (a :class:`~mosaiclink.sim.runner.SimResult`): the eye
    histogram (log density) with the threshold, and the bathtub below it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    for channel, eye in result.eyes.items():
        hist = eye.histogram
        fig, (ax, tub) = plt.subplots(2, 1, figsize=(6, 6.5), height_ratios=[3, 1.4])
        density = np.log10(1 + hist.counts[0].T)
        edges = hist.amplitude_edges * 1e6
        ax.imshow(
            density,
            origin="lower",
            aspect="auto",
            cmap="inferno",
            extent=[hist.time_ui[0], hist.time_ui[-1] + hist.time_ui[1] - hist.time_ui[0], edges[0], edges[-1]],
        )
        ax.axhline(eye.threshold * 1e6, color="cyan", lw=0.8, ls="--")
        s = eye.summary()
        ax.set_title(
            f"{result.design_name} ch {channel}: {result.length_m:g} m, {result.rate_gbps:g} Gb/s, Q = {s['q']:.2f}"
        )
        ax.set_xlabel("time from decision instant (UI)")
        ax.set_ylabel("equalized photocurrent (uA)")
        tub.semilogy(eye.metrics.phase_ui, np.maximum(eye.bathtub_ber, 1e-30), "o-", ms=3)
        tub.set_xlabel("sampling phase (UI)")
        tub.set_ylabel("BER (Gaussian per phase)")
        tub.set_ylim(1e-15, 1)
        fig.tight_layout()
        path = out / f"eye_ch{channel}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(str(path))
    return written
