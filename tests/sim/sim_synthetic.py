"""Independent oracles for the sim tests: a linear link built from textbook filters, its pulse
response by direct numerical integration, and the exact ISI-pattern BER by enumeration."""

from __future__ import annotations

import itertools

import numpy as np
from scipy import signal
from scipy.special import ndtr

from mosaiclink.sim.model import Crosstalk, SymbolModel, WaveformModel


def butterworth(order: int, cutoff_hz):
    """Analog Butterworth low-pass ``H(f)`` per channel: cutoff_hz (channels,)."""
    cutoff_hz = np.atleast_1d(np.asarray(cutoff_hz, float))
    b, a = signal.butter(order, 1.0, analog=True)

    def response(f_hz):
        s = 1j * np.asarray(f_hz)[None, :] / cutoff_hz[:, None]
        return np.polyval(b, s) / np.polyval(a, s)

    return response


def linear_link(
    channels=1,
    rate_gbps=2.0,
    tau_ps=120.0,
    rx_ghz=1.4,
    order=2,
    gain=1.0,
    delay_s=None,
    sigma=0.1,
    jitter_s=0.0,
    xt=None,
    level_zero=0.05,
    tau_fall_ps=None,
):
    """A WaveformModel with a first-order LED (tau) and a Butterworth receiver."""
    ids = np.arange(channels)
    rx = butterworth(order, np.full(channels, rx_ghz * 1e9))
    bit_s = 1e-9 / rate_gbps
    delay = np.full(channels, 0.9 * bit_s) if delay_s is None else np.asarray(delay_s, float)
    return WaveformModel(
        rate_gbps,
        ids,
        tau_ps * 1e-12,
        (tau_fall_ps or tau_ps) * 1e-12,
        lambda f: gain * rx(f),
        rx,
        delay,
        jitter_s,
        level_zero,
        level_zero + 0.5 * gain,
        sigma,
        sigma,
        xt,
    )


def pulse_taps(wm: WaveformModel, n_pre=2, n_post=8, fine_spb=256, n_bits=128):
    """Bit-spaced samples of the linear chain's response to one isolated bit (1 above 0)."""
    bit_s = wm.bit_s
    dt = bit_s / fine_spb
    n = n_bits * fine_spb
    f = np.fft.rfftfreq(n, dt)
    tau = wm.tau_rise_s[:, None]
    rect = bit_s * np.sinc(f * bit_s) * np.exp(-1j * np.pi * f * bit_s)
    p = np.fft.irfft(rect * wm.response(f) / (1 + 2j * np.pi * f * tau), n, axis=-1) / dt
    t = wm.sample_delay_s[:, None] + (np.arange(-n_pre, n_post + 1) * bit_s)[None, :]
    idx = np.round(t / dt).astype(int) % n
    return np.take_along_axis(p, idx, axis=1)


def symbol_twin(wm: WaveformModel, n_pre=2, n_post=8) -> SymbolModel:
    """The symbol-rate model of the same linear link."""
    taps = pulse_taps(wm, n_pre, n_post)
    return SymbolModel(
        wm.rate_gbps,
        wm.channel_ids,
        taps,
        n_pre,
        wm.level_zero,
        wm.threshold,
        wm.sigma_zero,
        wm.sigma_one,
        wm.crosstalk,
    )


def exact_ber(sm: SymbolModel) -> np.ndarray:
    """Exact BER per channel by enumerating every ISI pattern (no crosstalk), Gaussian noise."""
    out = np.zeros(sm.channels)
    others = [k for k in range(sm.taps.shape[1]) if k != sm.cursor]
    patterns = np.array(list(itertools.product([0, 1], repeat=len(others))), float)
    isi = patterns @ sm.taps[:, others].T  # (patterns, channels)
    one = sm.level_zero + sm.taps[:, sm.cursor] + isi
    zero = sm.level_zero + isi
    p1 = ndtr((sm.threshold - one) / sm.sigma_one)
    p0 = ndtr((zero - sm.threshold) / sm.sigma_zero)
    out = 0.5 * (p1 + p0).mean(axis=0)
    return out


__all__ = ["Crosstalk", "butterworth", "exact_ber", "linear_link", "pulse_taps", "symbol_twin"]
