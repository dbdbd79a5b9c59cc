"""Monte Carlo throughput: our symbol-rate and waveform paths beside OptiCommPy, same links.

Run:  PYTHONPATH=src /work/venv/bin/python benchmarks/bench_sim.py [--quick]

Link A (one channel): 2 Gb/s NRZ, microLED as a first-order 150 ps response, receiver as a
2nd-order Butterworth at 1.2 GHz, Gaussian receiver noise set for BER ~1e-3, 8 samples per bit
on the oversampled paths; every bit decided and counted.
  * OptiCommPy: bits -> upsample -> pulseShape('rect') -> firFilter(LED taps) ->
    firFilter(receiver taps) -> + gaussianNoise(filtered through the receiver) ->
    decimate at the decision instant -> metrics.bert (its own error counting).
  * ours, waveform path: WaveformSimulator at 8 samples per bit.
  * ours, symbol path: SymbolSimulator with the same link's bit-spaced pulse.
Link B (array): the mosaic-800g preset (440 channels incl. spares, real neighbour crosstalk) at
50 m through both of our paths, all channels in one batch; OptiCommPy has no array model, so
its figure is link A's single-channel pipeline per channel (a loop is what a user would write).
Reported: counted Mbit/s (all channels) and our speed over OptiCommPy's.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import time

import numpy as np
from scipy import signal

RATE_GBPS, SPB, TAU_S, RX_HZ = 2.0, 8, 150e-12, 1.2e9
BIT_S = 1e-9 / RATE_GBPS


def butterworth(f_hz):
    b, a = signal.butter(2, 1.0, analog=True)
    s = 1j * np.asarray(f_hz) / RX_HZ
    return (np.polyval(b, s) / np.polyval(a, s))[None, :]


def led(f_hz):
    return 1.0 / (1.0 + 2j * np.pi * np.asarray(f_hz) * TAU_S)


def link_a_models(sigma):
    from mosaiclink.sim.model import SymbolModel, WaveformModel

    delay = 1.05 * BIT_S
    wm = WaveformModel(RATE_GBPS, [0], TAU_S, TAU_S, butterworth, butterworth, delay, 0.0, 0.0, 0.5, sigma, sigma)
    # bit-spaced pulse of the same linear link (rect bit x LED x receiver), fine grid
    n, fine = 256 * 64, BIT_S / 64
    f = np.fft.rfftfreq(n, fine)
    rect = BIT_S * np.sinc(f * BIT_S) * np.exp(-1j * np.pi * f * BIT_S)
    p = np.fft.irfft(rect * led(f) * butterworth(f)[0], n) / fine
    taps = p[np.round((delay + np.arange(-2, 9) * BIT_S) / fine).astype(int) % n]
    sm = SymbolModel(RATE_GBPS, [0], taps[None, :], 2, 0.0, 0.5 * taps.sum(), sigma, sigma)
    return sm, wm


def opticommpy_link_a(bits_total, sigma, seed=1, chunk=200_000, offset=None):
    """Link A with OptiCommPy's own functions; returns (errors, bits, seconds, offset).

    ``firFilter`` removes a symmetric filter's delay, so the causal LED and receiver taps are
    front-padded with zeros to stay causal; the decision sample offset within the bit is the
    one with the fewest errors (found on the warm-up run, as a clock recovery would).
    """
    from optic.comm.metrics import bert
    from optic.dsp.core import firFilter, gaussianNoise, pulseShape, upsample
    from optic.utils import parameters

    fs = RATE_GBPS * 1e9 * SPB
    t = np.arange(64 * SPB) / fs
    h_led = np.exp(-t / TAU_S)
    h_led /= h_led.sum()
    b, a = signal.butter(2, 2 * np.pi * RX_HZ, analog=True)
    bz, az = signal.bilinear(b, a, fs)
    h_rx = signal.lfilter(bz, az, np.r_[1.0, np.zeros(64 * SPB - 1)])
    white = sigma / np.sqrt(np.sum(h_rx**2))
    h_led = np.r_[np.zeros(h_led.size - 1), h_led]
    h_rx = np.r_[np.zeros(h_rx.size - 1), h_rx]
    p = parameters()
    p.pulseType, p.SpS = "rect", SPB
    pulse = pulseShape(p)
    rng = np.random.default_rng(seed)
    errors = n = 0
    start = time.perf_counter()
    while n < bits_total:
        bits = rng.integers(0, 2, chunk)
        x = firFilter(pulse * SPB, upsample(bits.astype(float), SPB))
        x = firFilter(h_rx, firFilter(h_led, x))
        x = x + firFilter(h_rx, gaussianNoise(x.shape, white**2))
        if offset is None:  # alignment search (warm-up only)
            offset = int(
                np.argmin([bert(x[k::SPB][: bits.size - 2], bits[: bits.size - 2])[0] for k in range(2 * SPB)])
            )
        m = (x.size - offset) // SPB
        ber, _ = bert(x[offset::SPB][:m], bits[:m])
        errors += int(round(ber * m))
        n += m
    return errors, n, time.perf_counter() - start, offset


def ours(sim, bits_total, run):
    errors, n = 0, 0
    start = time.perf_counter()
    while n < bits_total:
        out = run(sim)
        errors = errors + out.errors
        n += out.bits
    return errors, n, time.perf_counter() - start


def machine() -> str:
    model = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
            if ln.startswith("Model name")
        ),
        "?",
    )
    import os

    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}"


def main() -> None:
    from mosaiclink.config.presets import load_preset
    from mosaiclink.sim.physics_models import link_models
    from mosaiclink.sim.symbol import SymbolSimulator
    from mosaiclink.sim.waveform import WaveformSimulator

    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller runs (smoke test)")
    args = ap.parse_args()
    scale = 0.1 if args.quick else 1.0
    import os

    load0 = f"{os.getloadavg()[0]:.1f}"
    sigma = 0.1
    sm, wm = link_a_models(sigma)
    rows = []

    # warm-up (Numba compilation, FFT plans) outside the timings
    SymbolSimulator(sm, seed=9).run_block(10_000)
    WaveformSimulator(wm, SPB, seed=9).run_block()
    offset = opticommpy_link_a(20_000, sigma, chunk=20_000)[3]

    e, n, s, _ = opticommpy_link_a(int(1e6 * scale), sigma, offset=offset)
    ref = n / s / 1e6
    rows.append(("A: 1 channel", "OptiCommPy (8 samples/bit)", n, e / n, ref, 1.0))
    e, n, s = ours(WaveformSimulator(wm, SPB, seed=1), int(8e6 * scale), lambda x: x.run_block())
    rows.append(("A: 1 channel", "mosaiclink waveform (8 samples/bit)", n, e[0] / n, n / s / 1e6, n / s / 1e6 / ref))
    e, n, s = ours(SymbolSimulator(sm, seed=1), int(1e8 * scale), lambda x: x.run_block(1 << 22))
    rows.append(("A: 1 channel", "mosaiclink symbol", n, e[0] / n, n / s / 1e6, n / s / 1e6 / ref))

    design = load_preset("mosaic-800g")
    models = link_models(design, 0)
    ch = models.symbol.channels
    e, n, s = ours(WaveformSimulator(models.waveform, SPB, seed=1), int(2e4 * scale), lambda x: x.run_block())
    rows.append(
        (
            f"B: {ch}-channel array",
            "mosaiclink waveform (8 samples/bit)",
            n * ch,
            float(np.median(e / n)),
            n * ch / s / 1e6,
            n * ch / s / 1e6 / ref,
        )
    )
    e, n, s = ours(SymbolSimulator(models.symbol, seed=1), int(4e5 * scale), lambda x: x.run_block(1 << 15))
    rows.append(
        (
            f"B: {ch}-channel array",
            "mosaiclink symbol",
            n * ch,
            float(np.median(e / n)),
            n * ch / s / 1e6,
            n * ch / s / 1e6 / ref,
        )
    )

    import os

    print(f"machine: {machine()}; load average before/after: {load0} / {os.getloadavg()[0]:.1f}")
    print("| link | tool / path | bits counted | BER (median) | Mbit/s | x OptiCommPy |")
    print("|---|---|---:|---:|---:|---:|")
    for link, tool, bits, ber, mbps, ratio in rows:
        print(f"| {link} | {tool} | {bits:,} | {ber:.2e} | {mbps:.2f} | {ratio:.0f} |")


if __name__ == "__main__":
    main()
