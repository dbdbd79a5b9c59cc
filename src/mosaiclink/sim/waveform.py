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

from dataclasses import dataclass

import numpy as np
import scipy.fft as sfft

from mosaiclink.errors import ConfigError
from mosaiclink.sim._kernels import decimating_fir, led_large_signal
from mosaiclink.sim.model import WaveformModel
from mosaiclink.sim.streams import STREAM_EYE_NOISE, STREAM_JITTER, BitStreams, NoiseStreams

_SUPPORT_REL = 1e-5  # impulse-response samples below this fraction of the peak are dropped
_PROBE_BITS = 256  # length of the grid on which the impulse-response support is found
_PROBE_SPB = 64  # its resolution (fixed, so the support is a physical time span)
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


def _fir_taps(response: np.ndarray, n: int, length: int) -> np.ndarray:
    """The first ``length`` samples of the impulse response of ``response`` (rows, n/2+1) on an
    ``n``-point grid, reversed, float32 (for :func:`mosaiclink.sim._kernels.decimating_fir`)."""
    return np.ascontiguousarray(sfft.irfft(response, n, axis=-1)[:, :length][:, ::-1], np.float32)


def decision_noise_acf(noise_response: np.ndarray, samples_per_bit: int) -> np.ndarray:
    """Autocorrelation of the shaped receiver noise at bit spacing, ``R[k] / R[0]``, circular.

    ``noise_response`` (channels, nf) is the shaping ``G`` on an ``rfft`` grid of
    ``samples_per_bit`` samples per bit; :math:`r(\\tau) = \\int |G(f)|^2 e^{2\\pi i f\\tau} df`
    (Wiener-Khinchin) sampled at :math:`\\tau = kT`.
    """
    n = 2 * noise_response.shape[-1] - 2
    r = sfft.irfft(np.abs(noise_response) ** 2, n, axis=-1)[:, ::samples_per_bit]
    return r / r[:, :1]


def decision_noise_filter(acf: np.ndarray, n_bits: int, delay_bits: int = 0) -> np.ndarray:
    """Zero-phase bit-rate filter ``F = sqrt(S)``, ``S`` the spectrum of ``acf`` on an
    ``n_bits`` grid, delayed by ``delay_bits``: white unit noise through it has exactly the
    autocorrelation ``acf`` (lags beyond half of ``acf``'s length taken as zero)."""
    ch, p = acf.shape
    full = np.zeros((ch, n_bits))
    half = min(p, n_bits) // 2
    full[:, :half] = acf[:, :half]
    full[:, n_bits - half + 1 :] = acf[:, p - half + 1 :]
    spectrum = np.maximum(sfft.rfft(full, axis=-1).real, 0.0)
    k = np.arange(spectrum.shape[-1])
    return np.sqrt(spectrum) * np.exp(-2j * np.pi * k * delay_bits / n_bits)


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

    The filters are the physical responses evaluated on an FFT grid of segments of at least
    512 bits and 4x the filter span (the span found from the responses themselves as the
    samples above 1e-5 of the peak on a fixed 64-samples-per-bit grid), shifted to be causal
    with the channel's sampling instant made to fall exactly on a sample. Decisions need the
    filtered signal only once per bit, so it is evaluated there alone, as a direct sum over the
    response's span at the full sample rate (:func:`mosaiclink.sim._kernels.decimating_fir`,
    a polyphase decimator: the same numbers as filtering every sample and keeping one in
    ``samples_per_bit``). The receiver noise is drawn only where it is decided on: one white
    sample per bit through the zero-phase filter :math:`\\sqrt{S_T(f)}`, :math:`S_T` the
    spectrum of the shaped noise's autocorrelation at bit spacing (:func:`decision_noise_acf`,
    from the shaping on a fine 64-per-bit grid), which gives exactly the correlation of the
    continuous noise sampled once per bit, whatever ``samples_per_bit``. Full-rate waveforms
    (overlap-save FFT filtering of the signal, plus noise drawn at 4 samples per bit through
    ``G``) are formed only for the rows
    whose eye is requested.
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
        n_probe = f_probe.size * 2 - 2
        h_start, h_stop = _support(sfft.irfft(model.response(f_probe), n_probe, axis=-1))
        g_probe = model.noise_response(f_probe)
        g_start, g_stop = _support(sfft.irfft(g_probe, n_probe, axis=-1))
        acf = decision_noise_acf(g_probe, _PROBE_SPB)
        f_start, f_stop = _support(sfft.irfft(decision_noise_filter(acf, _PROBE_BITS), _PROBE_BITS, axis=-1))
        shift_s, g_shift_s = -h_start * dt_p, -g_start * dt_p
        delay_bits = int(np.ceil((model.sample_delay_s.max() + shift_s) / bit_s - 1e-9))
        extra_s = delay_bits * bit_s - (model.sample_delay_s + shift_s)  # >= 0 per channel
        span_bits = max((h_stop - h_start) * dt_p + extra_s.max(), (g_stop - g_start) * dt_p) / bit_s
        span_bits = max(span_bits + (model.led_pulse_bits if model.led_pulse is not None else 0), f_stop - f_start)
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
        self._H = H.astype(np.complex64)[:, None, :]  # for the eye rows' full-rate waveforms
        self._h_taps = _fir_taps(H, n_fft, self._ov * spb)
        self._dh_taps = _fir_taps(H * (2j * np.pi * f), n_fft, self._ov * spb)
        self._f_taps = _fir_taps(decision_noise_filter(acf, seg_total, -f_start), seg_total, self._ov)
        fn = sfft.rfftfreq(n_fft_n, dt_n)
        G = model.noise_response(fn) * np.exp(-2j * np.pi * fn * g_shift_s)[None, :]
        # white unit samples through G: output variance = mean |G|^2 over the full FFT grid
        power = (2 * np.sum(np.abs(G) ** 2, axis=-1) - np.abs(G[:, 0]) ** 2 - np.abs(G[:, -1]) ** 2) / n_fft_n
        self._G = (G / np.sqrt(power)[:, None]).astype(np.complex64)[:, None, :]
        self._n_fft, self._n_fft_n, self._seg_total = n_fft, n_fft_n, seg_total
        # -- streams and state -------------------------------------------------------------
        ch = model.channels
        self._bits = BitStreams(pattern, model.channel_ids, seed)
        self._noise = NoiseStreams(model.channel_ids, seed)
        self._jitter = NoiseStreams(model.channel_ids, seed, STREAM_JITTER)
        self._eye_noise = NoiseStreams(model.channel_ids, seed, STREAM_EYE_NOISE)
        self._eye_hist: dict[int, np.ndarray] = {}  # last overlap of each kept row's eye noise
        self._led_state = np.zeros(ch)
        self._x_hist = np.zeros((ch, self._ov * spb), np.float32)  # LED dark before t = 0
        self._v_hist = self._noise.next(self._ov)
        self._sent_hist = np.zeros((ch, delay_bits), np.uint8)
        self._skip = delay_bits  # the first decisions belong to the dark pre-history
        self._tau_r = model.tau_rise_s / bit_s
        self._tau_f = model.tau_fall_s / bit_s
        self._sig0 = model.sigma_zero.astype(np.float32)[:, None]
        self._dsig = (model.sigma_one - model.sigma_zero).astype(np.float32)[:, None]
        self._jit = model.jitter_rms_s.astype(np.float32)[:, None]

    def run_block(self, keep_rows=None, count_bits: int | None = None) -> WaveformBlock:
        """Simulate the next :attr:`block_bits` bits; ``keep_rows`` returns their waveforms.

        ``count_bits`` counts errors over only the first that many decided bits of the block
        (a run's last block, so a run counts exactly the bits it was asked for).
        """
        m, spb = self.model, self.spb
        nb, ov, seg = self.block_bits, self._ov, self._seg_bits
        bits = self._bits.next(nb)
        x = np.zeros((m.channels, (ov + nb) * spb), np.float32)  # overlap history, then this block
        x[:, : ov * spb] = self._x_hist
        led = x[:, ov * spb :]
        if m.led_pulse is None:  # nonlinear LED: light mixes at the sample rate
            led_large_signal(bits, self._led_state, self._tau_r, self._tau_f, spb, led)
            if m.crosstalk.index.shape[1]:
                led[:] = m.crosstalk.mix(led)
        else:  # superposed pulses: linear, so the neighbours' bits mix at the bit rate
            led[:, ::spb] = m.crosstalk.mix(bits) if m.crosstalk.index.shape[1] else bits
        self._x_hist = x[:, x.shape[1] - ov * spb :].copy()
        v = np.concatenate([self._v_hist, self._noise.next(nb)], axis=1)
        self._v_hist = v[:, v.shape[1] - ov :]
        sent_all = np.concatenate([self._sent_hist, bits], axis=1)
        sent = sent_all[:, :nb]  # the bit whose decision instant is output sample k*spb
        self._sent_hist = sent_all[:, nb:]

        rows = m.channels
        signal = np.empty((rows, nb), np.float32)
        decimating_fir(x, self._h_taps, spb, ov, signal)
        noise = np.empty((rows, nb), np.float32)
        decimating_fir(v, self._f_taps, 1, ov, noise)
        sigma = self._sig0 + self._dsig * sent
        decision = m.level_zero[:, None] + signal + sigma * noise
        if np.any(self._jit > 0):
            slope = np.empty((rows, nb), np.float32)
            decimating_fir(x, self._dh_taps, spb, ov, slope)
            decision += self._jit * self._jitter.next(nb) * slope
        wrong = (decision > m.threshold[:, None]) != sent.astype(bool)
        skip, self._skip = self._skip, 0
        stop = nb if count_bits is None else min(nb, skip + max(int(count_bits), 0))
        errors = np.count_nonzero(wrong[:, skip:stop], axis=1)
        if keep_rows is None:
            return WaveformBlock(errors, stop - skip)
        keep = np.asarray(keep_rows)
        XH = sfft.rfft(_windows(x[keep], self._n_fft, seg * spb), axis=-1) * self._H[keep]
        return self._keep(keep, XH, sigma, sent, errors, skip, stop - skip)

    def _keep(self, rows, XH, sigma, sent, errors, skip, counted) -> WaveformBlock:
        """Full-rate waveforms of ``rows``: the signal plus receiver noise drawn at 4/bit through
        the shaping ``G`` and interpolated (a realisation of its own: the counted decisions use
        the bit-rate noise of :func:`decision_noise_filter`, of the same statistics)."""
        spb, ov, nb, nspb, seg = self.spb, self._ov, self.block_bits, self.noise_spb, self._seg_bits
        w = np.empty((rows.size, (nb + ov) * nspb), np.float32)
        for i, r in enumerate(rows.tolist()):  # a continuous stream per row while it is kept
            hist = self._eye_hist.get(r)
            w[i, : ov * nspb] = self._eye_noise.next(ov * nspb, [r])[0] if hist is None else hist
            w[i, ov * nspb :] = self._eye_noise.next(nb * nspb, [r])[0]
            self._eye_hist[r] = w[i, nb * nspb :].copy()
        WG = sfft.rfft(_windows(w, self._n_fft_n, seg * nspb), axis=-1) * self._G[rows]
        full = np.zeros(XH.shape, np.complex64)
        full[..., : WG.shape[-1]] = WG * (self._n_fft / self._n_fft_n)
        noise = sfft.irfft(full, self._n_fft, axis=-1)[..., ov * spb :].reshape(rows.size, nb * spb)
        signal = sfft.irfft(XH, self._n_fft, axis=-1)[..., ov * spb :].reshape(rows.size, nb * spb)
        y = self.model.level_zero[rows, None] + signal + np.repeat(sigma[rows], spb, axis=1) * noise
        return WaveformBlock(errors, counted, y[:, skip * spb :].astype(np.float32), sent[rows, skip:].copy())
