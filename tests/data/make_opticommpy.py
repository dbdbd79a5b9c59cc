"""Make ``opticommpy_link_a.json``: a reference NRZ link simulated by OptiCommPy, waveform and BER.

Tool: OptiCommPy (version in the file). Link A of ``benchmarks/sim.py``: 2 Gb/s NRZ, 8 samples
per bit, a rectangular bit (``pulseShape('rect')``), a first-order 150 ps microLED response, a
2nd-order Butterworth receiver at 1.2 GHz (bilinear), Gaussian noise through the receiver
normalised to ``sigma`` at the decision, OptiCommPy's ``firFilter``, ``gaussianNoise`` and
``metrics.bert`` (its own threshold) with the sampling phase found by its fewest errors. Stored:
the noiseless decision samples of 96 bits (the waveform at the chosen phase) with their bits, and
the counted errors at three noise levels. Run from the repository root:
``PYTHONPATH=src python tests/data/make_opticommpy.py``.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).with_name("opticommpy_link_a.json")
SIGMAS = (0.10, 0.125, 0.15)
BITS = 400_000


def main() -> None:
    from optic.dsp.core import firFilter, upsample

    from benchmarks.sim import RATE_GBPS, RX_HZ, SPB, TAU_S, OptiCommPyLink

    link = OptiCommPyLink(SPB, sigma=SIGMAS[1], seed=7)
    link.run(20_000)  # sets the sampling phase (bert's fewest errors)
    offset = link.offset
    bits = np.random.default_rng(8).integers(0, 2, 160)
    x = firFilter(link.pulse, upsample(bits.astype(float), SPB))
    for h in link.filters:
        x = firFilter(h, x)
    samples = x[offset::SPB][:96]
    counted = []
    for i, sigma in enumerate(SIGMAS):
        run = OptiCommPyLink(SPB, sigma=sigma, seed=11 + i)
        n, e = run.run(BITS)
        counted.append({"sigma": sigma, "bits": n, "errors": e, "offset_samples": run.offset})
    OUT.write_text(
        json.dumps(
            {
                "tool": f"OptiCommPy {version('opticommpy')}",
                "script": "tests/data/make_opticommpy.py",
                "link": {
                    "rate_gbps": RATE_GBPS,
                    "samples_per_bit": SPB,
                    "led_tau_s": TAU_S,
                    "rx_butterworth_hz": RX_HZ,
                },
                "noiseless": {"offset_samples": int(offset), "bits": bits[:96].tolist(), "samples": samples.tolist()},
                "counted": counted,
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
