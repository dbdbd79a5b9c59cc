"""Make ``touchstone/*.s2p``: the mosaic-800g chain's stages as two-ports and their scikit-rf cascade.

Tool: scikit-rf (version in each file's comment). Each stage of the analog chain at the preset's
50 m (nominal LED, no manufacturing spread) is a matched reciprocal two-port, S21 = S12 = H(f),
S11 = S22 = 0, with H from the physics functions at generation time: ``led.s2p``,
``fiber.s2p``, ``receiver.s2p``, ``ctle.s2p``; ``chain.s2p`` is their cascade computed by
scikit-rf (``a ** b``, through its T-parameters), not by us. 81 frequencies, 10 MHz to 8 GHz.
Run from the repository root: ``PYTHONPATH=src python tests/data/make_skrf_chain.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import skrf

OUT = Path(__file__).with_name("touchstone")
FREQ_HZ = np.linspace(10e6, 8e9, 81)
LENGTH_M = 50.0  # the 800G preset's length when the files were made (it now declares 49 m)


def two_port(name: str, h: np.ndarray) -> skrf.Network:
    s = np.zeros((FREQ_HZ.size, 2, 2), dtype=complex)
    s[:, 1, 0] = s[:, 0, 1] = h
    return skrf.Network(frequency=skrf.Frequency.from_f(FREQ_HZ, unit="Hz"), s=s, name=name)


def main() -> None:
    from mosaiclink.config.presets import load_preset
    from mosaiclink.physics import equalizer, microled, receiver

    try:
        from mosaiclink.physics.chain import fiber_transfer_function
    except ImportError:
        from mosaiclink.physics.pulse import fiber_transfer_function

    design = load_preset("mosaic-800g").with_link(length_m=LENGTH_M)
    stages = {
        "led": microled.transfer_function(design.led, FREQ_HZ),
        "fiber": fiber_transfer_function(design, FREQ_HZ),
        "receiver": receiver.transfer_function(design.receiver, FREQ_HZ),
        "ctle": equalizer.ctle_transfer_function(design.equalizer, FREQ_HZ),
    }
    OUT.mkdir(exist_ok=True)
    networks = [two_port(name, np.asarray(h).reshape(-1)) for name, h in stages.items()]
    cascade = networks[0]
    for net in networks[1:]:
        cascade = cascade**net
    cascade.name = "chain"
    for net in [*networks, cascade]:
        net.write_touchstone(
            str(OUT / net.name), form="ri", skrf_comment=f"scikit-rf {skrf.__version__}; tests/data/make_skrf_chain.py"
        )


if __name__ == "__main__":
    main()
