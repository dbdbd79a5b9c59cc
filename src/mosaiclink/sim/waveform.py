"""Oversampled waveform path: NRZ drive, microLED large-signal response, crosstalk, the linear
chain (fibre, photodiode, TIA, equalizer), filtered receiver noise, skewed and jittered sampling.

All channels run as one ``(channels, samples)`` float32 batch, block by block, with
overlap-save FFT filtering so that filters are continuous across blocks. Filters are the
physical frequency responses supplied by the model, evaluated on the FFT grid: their effect
does not depend on the number of samples per bit. Decision instants (pulse peak plus the
channel's skew) are realised exactly by a fractional delay in the frequency domain, and jitter
by a first-order expansion ``y(t + delta) = y(t) + delta y'(t)`` with the exact derivative.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass

import numpy as np
import scipy.fft as sfft

from mosaiclink.errors import ConfigError
from mosaiclink.sim._kernels import led_large_signal
from mosaiclink.sim.model import WaveformModel
from mosaiclink.sim.streams import STREAM_JITTER, BitStreams, NoiseStreams

_SUPPORT_REL = 1e-5  # impulse-response samples below this fraction of the peak are dropped
_PROBE_BITS = 256  # length of the grid on which the impulse-response support is found
_PROBE_SPB = 64  # its resolution (fixed, so the support is a physical time span)
_WORKERS = 2  # threads per FFT (the machine has 2 cores)
_MIN_SEGMENT_BITS = 512  # FFT segments hold at least this many bits (and 4x the overlap)


@dataclass(frozen=True)
class WaveformBlock:
    """One block's outcome: errors per channel and, if asked, waveforms of some rows."""

    errors: np.ndarray
    bits: int
    waveform: np.ndarray | None = None  # (rows, bits * samples_per_bit), decision at k*spb
    sent: np.ndarray | None = None  # (rows, bits)


def noise_samples_per_bit(samples_per_bit: int) -> int:
    """Rate of the white noise source: 4 per bit (band +-2x the bit rate) when it divides."""
    for d in (4, 2):
        if samples_per_bit % d == 0:
            return d
    return samples_per_bit


class _Decimator:
    """``irfft(Y, n)[..., ::step]`` from the half spectrum, by folding (aliasing) it first.

    Sampling every ``step``-th point of a length-``n`` signal folds its spectrum:
    :math:`Z[k] = \\frac{1}{D}\\sum_{r<D} Y[k + rM]`, ``M = n / D``, with the upper half of
    :math:`Y` given by Hermitian symmetry. One small inverse FFT of size ``M`` replaces a full
    one. For even ``D`` every alias band is a contiguous slice (mirrored and conjugated in
    the upper half); odd ``D`` falls back to a full inverse transform.
    """

    def __init__(self, n: int, step: int) -> None:
        self.n, self.m, self.step = n, n // step, step

    def __call__(self, spectrum: np.ndarray) -> np.ndarray:
        n, m, d = self.n, self.m, self.step
        h = m // 2
        if d % 2:  # odd factor: plain inverse transform, then every d-th sample
            return sfft.irfft(spectrum, n, axis=-1, workers=_WORKERS)[..., ::d]
        low = functools.reduce(operator.add, (spectrum[..., r * m : r * m + h + 1] for r in range(d // 2)))
        high = functools.reduce(
            operator.add, (spectrum[..., n - r * m - h : n - r * m + 1][..., ::-1] for r in range(d // 2, d))
        )
        return sfft.irfft((low + high.conj()) / d, m, axis=-1, workers=_WORKERS)


def _windows(buffer: np.ndarray, width: int, hop: int) -> np.ndarray:
    """Overlapping segments ``buffer[:, s*hop : s*hop + width]`` as (rows, segments, width)."""
    return np.lib.stride_tricks.sliding_window_view(buffer, width, axis=-1)[:, ::hop]


def _support(h: np.ndarray) -> tuple[int, int]:
    """Circular sample window ``[start, stop)`` (start may be negative) holding the response."""
    mag = np.max(np.abs(h), axis=0)
    n = mag.size
    peak = int(np.argmax(mag))
    rolled = np.roll(mag, n // 2 - peak)
    significant = np.nonzero(rolled > _SUPPORT_REL * rolled.max())[0]
    return int(significant[0]) - n // 2 + peak, int(significant[-1]) + 1 - n // 2 + peak


class WaveformSimulator:
    """Block-wise oversampled simulation of a :class:`WaveformModel`.

    Notes
    -----
    With :math:`x_i(t)` the crosstalk-mixed LED light, the decision variable of bit ``n`` is

    .. math:: y_i(t_n) = y_{0,i} + (h_i * x_i)(t_n) + \\sigma_{b,i}\\,(g_i * w_i)(t_n),
              \\qquad t_n = nT + \\tau_i + \\delta_n,

    with :math:`h_i` the linear chain, :math:`g_i` the receiver-noise shaping normalised to
    unit output variance, :math:`w_i` white noise, :math:`\\tau_i` the sampling delay (incl.
    skew) and :math:`\\delta_n \\sim N(0, \\sigma_J^2)` jitter (first order in the slope).

    Filtering is overlap-save: each block is cut into FFT segments (at least 512 bits and 4x
    the filter span, found from the responses themselves as the samples above 1e-5 of the
    peak on a fixed 64-samples-per-bit grid) that are transformed as one batch. The filters are
    shifted to be causal, with the
    channel's sampling instant made to fall exactly on a sample. The white noise is drawn at
    4 samples per bit (flat over +-2x the bit rate, well beyond the receiver bandwidth) at
    every oversampling, so the noise realisation does not depend on ``samples_per_bit``;
    decisions come from spectra folded to the bit rate (:class:`_Decimator`); full-rate
    waveforms are formed only for the rows whose eye is requested.
    """

    def __init__(
        self,
        model: WaveformModel,
        samples_per_bit: int = 8,
        pattern: str = "random",
        seed: int = 0,
        max_block_samples: int = 1 << 21,
    ) -> None:
        if samples_per_bit < 2:
            raise ConfigError(f"samples_per_bit = {samples_per_bit!r}: must be >= 2")
        self.model = model
        spb = self.spb = int(samples_per_bit)
        nspb = self.noise_spb = noise_samples_per_bit(spb)
        bit_s = model.bit_s
        dt, dt_n = bit_s / spb, bit_s / nspb
        # -- impulse-response spans (on a fine fixed grid, so in seconds) and causal shifts --
        dt_p = bit_s / _PROBE_SPB
        f_probe = sfft.rfftfreq(_PROBE_BITS * _PROBE_SPB, dt_p)
        h_start, h_stop = _support(sfft.irfft(model.response(f_probe), f_probe.size * 2 - 2, axis=-1))
        g_start, g_stop = _support(sfft.irfft(model.noise_response(f_probe), f_probe.size * 2 - 2, axis=-1))
        shift_s, g_shift_s = -h_start * dt_p, -g_start * dt_p
        delay_bits = int(np.ceil((model.sample_delay_s.max() + shift_s) / bit_s - 1e-9))
        extra_s = delay_bits * bit_s - (model.sample_delay_s + shift_s)  # >= 0 per channel
        span_bits = max((h_stop - h_start) * dt_p + extra_s.max(), (g_stop - g_start) * dt_p) / bit_s
        span_bits += model.led_pulse_bits if model.led_pulse is not None else 0
        self._ov = int(np.ceil(span_bits)) + 1  # overlap, bits
        seg_total = 1 << int(np.ceil(np.log2(max(4 * self._ov, _MIN_SEGMENT_BITS))))
        self._seg_bits = seg_total - self._ov
        self._segments = max(1, max_block_samples // (model.channels * seg_total * spb))
        self.block_bits = self._segments * self._seg_bits
        # -- filters on the segment grids ----------------------------------------------------
        n_fft, n_fft_n = seg_total * spb, seg_total * nspb
        f = sfft.rfftfreq(n_fft, dt)
        phase = np.exp(-2j * np.pi * f[None, :] * (shift_s + extra_s[:, None]))
        H = model.response(f) * phase
        if model.led_pulse is not None:  # superposed LED pulses: impulses through P(f)/dt
            t_led = np.arange(model.led_pulse_bits * spb) * dt
            H = H * sfft.rfft(model.led_pulse(t_led), n_fft, axis=-1)
        self._H = H.astype(np.complex64)[:, None, :]
        self._dH = self._H * (2j * np.pi * f).astype(np.complex64)
        fn = sfft.rfftfreq(n_fft_n, dt_n)
        G = model.noise_response(fn) * np.exp(-2j * np.pi * fn * g_shift_s)[None, :]
        # white unit samples through G: output variance = mean |G|^2 over the full FFT grid
        power = (2 * np.sum(np.abs(G) ** 2, axis=-1) - np.abs(G[:, 0]) ** 2 - np.abs(G[:, -1]) ** 2) / n_fft_n
        self._G = (G / np.sqrt(power)[:, None]).astype(np.complex64)[:, None, :]
        self._fold = _Decimator(n_fft, spb)
        self._fold_n = _Decimator(n_fft_n, nspb)
        self._n_fft, self._n_fft_n = n_fft, n_fft_n
        # -- streams and state -------------------------------------------------------------
        ch = model.channels
        self._bits = BitStreams(pattern, model.channel_ids, seed)
        self._noise = NoiseStreams(model.channel_ids, seed)
        self._jitter = NoiseStreams(model.channel_ids, seed, STREAM_JITTER)
        self._led_state = np.zeros(ch)
        self._x_hist = np.zeros((ch, self._ov * spb), np.float32)  # LED dark before t = 0
        self._w_hist = self._noise.next(self._ov * nspb)
        self._sent_hist = np.zeros((ch, delay_bits), np.uint8)
        self._skip = delay_bits  # the first decisions belong to the dark pre-history
        self._tau_r = model.tau_rise_s / bit_s
        self._tau_f = model.tau_fall_s / bit_s
        self._sig0 = model.sigma_zero.astype(np.float32)[:, None]
        self._dsig = (model.sigma_one - model.sigma_zero).astype(np.float32)[:, None]
        self._jit = model.jitter_rms_s.astype(np.float32)[:, None]

    def run_block(self, keep_rows=None) -> WaveformBlock:
        """Simulate the next :attr:`block_bits` bits; ``keep_rows`` returns their waveforms."""
        m, spb, nspb = self.model, self.spb, self.noise_spb
        nb, ov, seg = self.block_bits, self._ov, self._seg_bits
        bits = self._bits.next(nb)
        led = np.zeros((m.channels, nb * spb), np.float32)
        if m.led_pulse is None:  # nonlinear LED: light mixes at the sample rate
            led_large_signal(bits, self._led_state, self._tau_r, self._tau_f, spb, led)
            if m.crosstalk.index.shape[1]:
                led = m.crosstalk.mix(led)
        else:  # superposed pulses: linear, so the neighbours' bits mix at the bit rate
            led[:, ::spb] = m.crosstalk.mix(bits) if m.crosstalk.index.shape[1] else bits
        x = np.concatenate([self._x_hist, led], axis=1)
        self._x_hist = x[:, x.shape[1] - ov * spb :]
        w = np.concatenate([self._w_hist, self._noise.next(nb * nspb)], axis=1)
        self._w_hist = w[:, w.shape[1] - ov * nspb :]
        sent_all = np.concatenate([self._sent_hist, bits], axis=1)
        sent = sent_all[:, :nb]  # the bit whose decision instant is output sample k*spb
        self._sent_hist = sent_all[:, nb:]

        X = sfft.rfft(_windows(x, self._n_fft, seg * spb), axis=-1, workers=_WORKERS)
        XH = X * self._H
        WG = sfft.rfft(_windows(w, self._n_fft_n, seg * nspb), axis=-1, workers=_WORKERS) * self._G
        rows = m.channels
        signal = self._fold(XH)[..., ov:].reshape(rows, nb)
        noise = self._fold_n(WG)[..., ov:].reshape(rows, nb)
        sigma = self._sig0 + self._dsig * sent
        decision = m.level_zero[:, None] + signal + sigma * noise
        if np.any(self._jit > 0):
            slope = self._fold(X * self._dH)[..., ov:].reshape(rows, nb)
            decision += self._jit * self._jitter.next(nb) * slope
        wrong = (decision > m.threshold[:, None]) != sent.astype(bool)
        skip, self._skip = self._skip, 0
        errors = np.count_nonzero(wrong[:, skip:], axis=1)
        if keep_rows is None:
            return WaveformBlock(errors, nb - skip)
        return self._keep(np.asarray(keep_rows), XH, WG, sigma, sent, errors, skip)

    def _keep(self, rows, XH, WG, sigma, sent, errors, skip) -> WaveformBlock:
        """Full-rate waveforms of ``rows``: signal plus noise interpolated from 4/bit."""
        spb, ov, nb = self.spb, self._ov, self.block_bits
        full = np.zeros(XH[rows].shape, np.complex64)
        full[..., : WG.shape[-1]] = WG[rows] * (self._n_fft / self._n_fft_n)
        noise = sfft.irfft(full, self._n_fft, axis=-1)[..., ov * spb :].reshape(rows.size, nb * spb)
        signal = sfft.irfft(XH[rows], self._n_fft, axis=-1)[..., ov * spb :].reshape(rows.size, nb * spb)
        y = self.model.level_zero[rows, None] + signal + np.repeat(sigma[rows], spb, axis=1) * noise
        return WaveformBlock(errors, nb - skip, y[:, skip * spb :].astype(np.float32), sent[rows, skip:].copy())
