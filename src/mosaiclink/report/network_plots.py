"""|H(f)| of a channel's stages and their cascade, modelled and measured (Matplotlib, no I/O)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import skrf
    from matplotlib.figure import Figure


def _db(network: skrf.Network) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return 20.0 * np.log10(np.abs(network.s[:, 1, 0]))


FLOOR_DB = -60.0  # the axes stop here: the walk-off's nulls reach -500 dB and would hide the passband


def network_figure(model: dict[str, skrf.Network], measured: dict[str, skrf.Network] | None = None) -> Figure:
    """Left: each stage's |S21| (dB; ``gain`` is flat and left out) with measured blocks beside the
    stages they replace. Right: the chain's |H(f)| normalised to its lowest frequency, the model's
    and, when blocks were measured, the cascade with them. ``measured`` is the output of
    :func:`mosaiclink.physics.networks.channel_networks` with measured blocks (its measured stages
    say so in their names). Returns the figure (the caller saves it)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.2), layout="constrained")
    stages, chain = fig.subplots(1, 2)
    colours = dict(zip(("led", "fiber", "receiver", "ctle"), ("C0", "C1", "C2", "C3"), strict=True))
    for name, colour in colours.items():
        f_ghz = model[name].frequency.f / 1e9
        stages.plot(f_ghz, _db(model[name]), color=colour, label=f"{name} (model)")
        if measured and "measured" in measured[name].name:
            every = max(1, f_ghz.size // 40)
            stages.plot(
                f_ghz, _db(measured[name]), "o", color=colour, ms=3, markevery=every, label=f"{name} (measured)"
            )
    stages.set_xlabel("frequency (GHz)")
    stages.set_ylabel("|S21| (dB, unit DC gain)")
    stages.set_title("stages")
    stages.set_ylim(FLOOR_DB, max(5.0, max(float(_db(model[k]).max()) for k in colours) + 3.0))
    stages.legend(fontsize=8)
    f_ghz = model["chain"].frequency.f / 1e9
    reference = _db(model["chain"])
    chain.plot(f_ghz, reference - reference[0], color="k", label="model")
    if measured:
        with_measured = _db(measured["chain"])
        replaced = "+".join(k for k, n in measured.items() if k != "chain" and "measured" in n.name)
        chain.plot(f_ghz, with_measured - with_measured[0], "--", color="C3", label=f"with measured {replaced}")
    chain.set_xlabel("frequency (GHz)")
    chain.set_ylabel("|H(f)| (dB, relative to the lowest frequency)")
    chain.set_title(f"chain: {model['chain'].name.split(' chain')[0]}")
    chain.set_ylim(FLOOR_DB, max(5.0, float((reference - reference[0]).max()) + 3.0))
    chain.legend(fontsize=8)
    return fig
