"""Monte Carlo throughput beside OptiCommPy on the same link, at matched BER.

Link A, one 2 Gb/s NRZ channel: first-order 150 ps microLED, 2nd-order Butterworth receiver at
1.2 GHz, Gaussian receiver noise (BER ~1e-3), every bit decided and counted.

* waveform path, 8 samples per bit: OptiCommPy's own functions (``upsample``, ``pulseShape``
  'rect', ``firFilter`` with the LED and receiver taps, ``gaussianNoise`` through the receiver,
  ``metrics.bert`` with its own optimal threshold) against our ``WaveformSimulator``;
* symbol path, 1 sample per bit, like for like: OptiCommPy's ``firFilter`` with the link's
  bit-spaced pulse taps, ``gaussianNoise`` and ``bert`` against our ``SymbolSimulator`` with
  the same taps.

Matched BER: the two tools decide differently (discrete vs analog Butterworth, ``bert``'s
optimal threshold vs our midpoint), so after a warm-up the peer's noise sigma is scaled by the
ratio of the two Q values (``Q = -ndtri(BER)``) once; the BERs of the timed rounds are reported
and must agree within 1.5x in a full run.
Also timed (ours only, no peer has an array model): the ``mosaic-800g`` preset's whole array
with its neighbour crosstalk, both paths, in counted Mbit/s per core.
"""

from __future__ import annotations

import numpy as np
from scipy import signal
from scipy.special import ndtri

from benchmarks.harness import Result, interleave

RATE_GBPS, SPB, TAU_S, RX_HZ, SIGMA = 2.0, 8, 150e-12, 1.2e9, 0.125
BIT_S = 1e-9 / RATE_GBPS
DELAY_BITS = 1.0  # decision instant after the bit starts (near the pulse peak, on a sample)


def butterworth(f_hz):
    b, a = signal.butter(2, 1.0, analog=True)
    s = 1j * np.asarray(f_hz) / RX_HZ
    return (np.polyval(b, s) / np.polyval(a, s))[None, :]


def link_a_models(sigma: float = SIGMA):
    """The symbol-rate and waveform models of link A (taps: rect bit x LED x receiver)."""
    from mosaiclink.sim.model import SymbolModel, WaveformModel

    delay = DELAY_BITS * BIT_S
    wm = WaveformModel(RATE_GBPS, [0], TAU_S, TAU_S, butterworth, butterworth, delay, 0.0, 0.0, 0.5, sigma, sigma)
    n, fine = 256 * 64, BIT_S / 64
    f = np.fft.rfftfreq(n, fine)
    rect = BIT_S * np.sinc(f * BIT_S) * np.exp(-1j * np.pi * f * BIT_S)
    pulse = np.fft.irfft(rect * butterworth(f)[0] / (1 + 2j * np.pi * f * TAU_S), n) / fine
    taps = pulse[np.round((delay + np.arange(-2, 9) * BIT_S) / fine).astype(int) % n]
    sm = SymbolModel(RATE_GBPS, [0], taps[None, :], 2, 0.0, 0.5 * taps.sum(), sigma, sigma)
    return sm, wm


class OptiCommPyLink:
    """Link A through OptiCommPy's functions; ``spb`` 8 (waveform) or 1 (symbol taps)."""

    def __init__(self, spb: int, taps: np.ndarray | None = None, sigma: float = SIGMA, seed: int = 1) -> None:
        from optic.utils import parameters

        self.spb, self.sigma = spb, sigma
        self.rng = np.random.default_rng(seed)
        if spb == 1:  # the bit-spaced pulse, front-padded so firFilter's centring keeps it causal
            self.filters = [np.r_[np.zeros(taps.size - 1), taps]]
            self.noise_filter = None
        else:
            fs = RATE_GBPS * 1e9 * spb
            t = np.arange(64 * spb) / fs
            h_led = np.exp(-t / TAU_S)
            b, a = signal.bilinear(*signal.butter(2, 2 * np.pi * RX_HZ, analog=True), fs)
            h_rx = signal.lfilter(b, a, np.r_[1.0, np.zeros(64 * spb - 1)])
            pad = np.zeros(64 * spb - 1)
            self.filters = [np.r_[pad, h_led / h_led.sum()], np.r_[pad, h_rx]]
            self.noise_filter = np.r_[pad, h_rx]
            self.white = 1.0 / np.sqrt(np.sum(h_rx**2))  # unit noise after the receiver
            p = parameters()
            p.pulseType, p.SpS = "rect", spb
            from optic.dsp.core import pulseShape

            self.pulse = pulseShape(p) * spb
        self.offset: int | None = None

    def run(self, n_bits: int) -> tuple[int, int]:
        """Decide and count ``n_bits`` bits; returns (bits counted, errors)."""
        from optic.comm.metrics import bert
        from optic.dsp.core import firFilter, gaussianNoise, upsample

        bits = self.rng.integers(0, 2, n_bits)
        x = bits.astype(float)
        if self.spb > 1:
            x = firFilter(self.pulse, upsample(x, self.spb))
        for h in self.filters:
            x = firFilter(h, x)
        if self.noise_filter is None:
            x = x + gaussianNoise(x.shape, self.sigma**2)
        else:
            x = x + firFilter(self.noise_filter, gaussianNoise(x.shape, (self.sigma * self.white) ** 2))
        guard = 16
        if self.offset is None:  # alignment: the sample phase and bit delay with fewest errors
            trials = [
                bert(x[k :: self.spb][: n_bits - guard], bits[: n_bits - guard])[0] for k in range(guard * self.spb)
            ]
            self.offset = int(np.argmin(trials))
        m = min((x.size - self.offset) // self.spb, n_bits) - guard
        ber, _ = bert(x[self.offset :: self.spb][:m], bits[:m])
        return m, int(round(ber * m))


def _match_noise(peer: OptiCommPyLink, ours_ber: float, bits: int) -> None:
    """Scale the peer's sigma once so its BER lands on ours (Q = -ndtri(BER) scales as 1/sigma)."""
    n, e = peer.run(bits)
    peer.sigma *= -ndtri(max(e, 1) / n) / -ndtri(ours_ber)


def _ours_rate(sim_factory, bits: int, block: int, counted=lambda out: int(out.errors[0])):
    """A callable running our simulator for ``bits`` bits per round: (bits, errors)."""
    sim = sim_factory()

    def run():
        n = e = 0
        while n < bits:
            out = sim.run_block(block) if block else sim.run_block()
            n, e = n + out.bits, e + counted(out)
        return n, e

    return run


def run(quick: bool) -> list[Result]:
    from mosaiclink.sim.symbol import SymbolSimulator
    from mosaiclink.sim.waveform import WaveformSimulator

    scale = 0.2 if quick else 1.0
    rounds = 3 if quick else 5
    sm, wm = link_a_models()
    results = []
    # -- waveform path, 8 samples per bit --------------------------------------------------
    ours = _ours_rate(lambda: WaveformSimulator(wm, SPB, seed=1), int(4e6 * scale), 0)
    ours()  # warm-up: Numba kernels, FFT plans; and our BER for the noise match
    n, e = ours()
    peer = OptiCommPyLink(SPB)
    peer.run(20_000)
    _match_noise(peer, e / n, int(4e5 * scale))
    mine, theirs = interleave(ours, lambda: peer.run(int(2e5 * scale)), rounds)
    results.append(
        Result(
            "sim-waveform",
            "link A, 8 samples/bit: WaveformSimulator vs OptiCommPy (upsample, pulseShape, firFilter, "
            "gaussianNoise, bert)",
            "bit",
            mine,
            theirs,
            "OptiCommPy",
            goal=15.0,
            floor=15.0,
            ber=(mine.errors / mine.units, theirs.errors / theirs.units),
            notes=[f"peer noise sigma x{peer.sigma / SIGMA:.3f} to match the BER"],
        )
    )
    # -- symbol path, 1 sample per bit, the same taps --------------------------------------
    ours = _ours_rate(lambda: SymbolSimulator(sm, seed=1), int(1e8 * scale), 1 << 22)
    SymbolSimulator(sm, seed=9).run_block(1 << 16)
    n, e = _ours_rate(lambda: SymbolSimulator(sm, seed=2), int(2e7 * scale), 1 << 22)()
    peer = OptiCommPyLink(1, sm.taps[0])
    peer.run(20_000)
    _match_noise(peer, e / n, int(1e6 * scale))
    mine, theirs = interleave(ours, lambda: peer.run(int(2e6 * scale)), rounds)
    results.append(
        Result(
            "sim-symbol",
            "link A, 1 sample/bit, same pulse taps: SymbolSimulator vs OptiCommPy (firFilter, gaussianNoise, bert)",
            "bit",
            mine,
            theirs,
            "OptiCommPy",
            goal=30.0,
            floor=30.0,
            ber=(mine.errors / mine.units, theirs.errors / theirs.units),
            notes=[f"peer noise sigma x{peer.sigma / SIGMA:.3f} to match the BER"],
        )
    )
    if not quick:
        results += _array()
    return results


def _array() -> list[Result]:
    """The mosaic-800g array with crosstalk, all channels in one batch (ours only)."""
    from mosaiclink.config.presets import load_preset
    from mosaiclink.sim.physics_models import link_models
    from mosaiclink.sim.symbol import SymbolSimulator
    from mosaiclink.sim.waveform import WaveformSimulator

    models = link_models(load_preset("mosaic-800g"), 0)
    ch = models.symbol.channels
    total = lambda out: int(out.errors.sum())  # noqa: E731
    rows = []
    for name, factory, bits, block in (
        ("sim-array-symbol", lambda: SymbolSimulator(models.symbol, seed=1), 1 << 17, 1 << 15),
        ("sim-array-waveform", lambda: WaveformSimulator(models.waveform, SPB, seed=1), 4000, 0),
    ):
        run_once = _ours_rate(factory, bits, block, total)
        run_once()
        mine, _ = interleave(lambda r=run_once: (lambda n, e: (n * ch, e))(*r()), None, 3)
        rows.append(
            Result(
                name,
                f"mosaic-800g, {ch} channels with neighbour crosstalk, "
                + ("symbol path" if "symbol" in name else "waveform path, 8 samples/bit"),
                "bit",
                mine,
                ber=(mine.errors / mine.units, float("nan")),
            )
        )
    return rows
