r"""Sampling instant and symbol-spaced samples of periodic pulse responses, from their spectra.

A pulse computed on a periodic grid of ``span_bits`` bits with ``sps`` samples per bit is the
trigonometric polynomial

.. math:: p(t) = \mathrm{Re}\sum_k w_k H_k e^{i 2\pi \nu_k t}, \qquad \nu_k = k / \text{span},

(``H = rfft(samples) / sps``, :math:`w_k` = 1 at DC and Nyquist, 2 between, over the span),
the exact band-limited interpolant of its samples, so the pulse can be sampled at any instant
(continuous in every parameter: no jump of one grid sample when the peak crosses a midpoint).
The full model (:mod:`mosaiclink.physics.link`) and the fast path
(:mod:`mosaiclink.explore.evaluate`) both sample at the pulse's maximum (:func:`peak_bits`) and
take the symbol-spaced samples there and at the jittered instants (:func:`symbol_samples`).
Arrays are batched over the leading axis (channels or designs); times are in bits from the
start of the periodic grid.

Examples
--------
A Gaussian pulse centred 3.25 bits into a 16-bit periodic grid of 8 samples per bit: the
band-limited interpolant puts its maximum between grid samples, where it is.

>>> import numpy as np
>>> from mosaiclink.physics import sampling
>>> t_bits = np.arange(16 * 8) / 8
>>> pulse = np.exp(-(((t_bits - 3.25) / 0.6) ** 2))[None, :]
>>> np.round(sampling.peak_bits(sampling.spectrum(pulse, 8), 16), 4).tolist()
[3.25]
"""

from __future__ import annotations

import numpy as np

PEAK_OVERSAMPLE = 4  # finer lattice (x sps) on which the pulse peak is bracketed


def spectrum(pulse, samples_per_bit: int, harmonics: int | None = None) -> np.ndarray:
    """Spectrum ``H`` (batch, K) of pulses sampled on a periodic grid, scaled as in the module Notes;
    its first ``harmonics`` (default all)."""
    return np.fft.rfft(pulse, axis=-1)[..., :harmonics] / samples_per_bit


def _harmonics(h, span_bits: int):
    r"""Angular factors :math:`i 2\pi \nu_k` (per bit) and the one-sided weights of the spectrum ``h``."""
    k = np.arange(h.shape[-1])
    nyquist = h.shape[-1] - 1
    return 2j * np.pi * k / span_bits, np.where((k == 0) | (k == nyquist), 1.0, 2.0) / span_bits


def _real_product(spectra, table):
    """``Re(spectra @ table)`` for complex (batch, K) and (K, m) as one real matrix product:
    the complex128 rows viewed as interleaved (re, im) pairs times the interleaved (Re T, -Im T)."""
    stacked = np.empty((2 * table.shape[0], table.shape[1]))
    stacked[0::2], stacked[1::2] = table.real, -table.imag
    return np.ascontiguousarray(spectra, dtype=np.complex128).view(np.float64) @ stacked


def _advanced(h, t_bits, span_bits: int):
    r"""Weighted spectrum of the pulse advanced by ``t_bits`` (batch,): :math:`w_k H_k e^{i 2\pi \nu_k t}`.
    The rotations are the powers of :math:`e^{i 2\pi t / span}` (successive products over the
    harmonics: one complex exponential per row instead of one per harmonic)."""
    _, weights = _harmonics(h, span_bits)
    rotation = np.empty(h.shape[::-1], dtype=np.complex128)  # (K, batch)
    rotation[0] = 1.0
    rotation[1] = np.exp(2j * np.pi * np.asarray(t_bits) / span_bits)
    for k in range(2, h.shape[1]):  # a loop over the harmonics, not the batch
        np.multiply(rotation[k - 1], rotation[1], out=rotation[k])
    out = h * weights
    out *= rotation.T
    return out


def peak_bits(h, span_bits: int, refinements: int = 2) -> np.ndarray:
    r"""Instant (bits, continuous) of each pulse's maximum.

    From the grid's maximum the pulse and its first two derivatives are evaluated on a
    ``PEAK_OVERSAMPLE`` times finer lattice over one grid sample either side. The root of the
    slope :math:`p'` next to the lattice maximum lies between two lattice samples; there
    :math:`p'` is the cubic Hermite interpolant of its values and slopes :math:`p''` at both
    ends, whose root is found by Newton ``refinements`` steps from the linear-interpolation root
    (clipped to the bracket). Continuous: when the root crosses a lattice sample both brackets
    give that sample. Within 0.0005 dB in Q of the linear root on a 32x lattice.
    """
    n = 2 * (h.shape[-1] - 1)
    sps = n // span_bits
    fine = PEAK_OVERSAMPLE
    cell = 1.0 / (sps * fine)  # lattice step, bits
    omega, weights = _harmonics(h, span_bits)
    grid = np.argmax(np.fft.irfft(h, n=n, axis=1), axis=1)
    top = grid / sps
    advance = np.exp(omega[None, :] * (np.arange(n) / sps)[:, None]) * weights  # (samples, K)
    table = np.exp(omega[:, None] * (np.arange(-fine, fine + 1) * cell)[None, :])  # (K, 2 fine + 1)
    tables = np.concatenate([omega[:, None] ** order * table for order in (0, 1, 2)], axis=1)
    near = advance[grid]
    near *= h
    pulse, slope, bend = np.split(_real_product(near, tables), 3, axis=1)
    j = np.argmax(pulse, axis=1)
    start = np.clip(np.where(np.take_along_axis(slope, j[:, None], axis=1)[:, 0] < 0, j - 1, j), 0, 2 * fine - 1)
    s0, s1, c0, c1 = (
        np.take_along_axis(values, (start + d)[:, None], axis=1)[:, 0] * scale
        for values, scale in ((slope, 1.0), (bend, cell))
        for d in (0, 1)
    )
    drop = s0 - s1
    x = np.clip(np.where(drop > 0, s0 / np.where(drop > 0, drop, 1.0), 0.5), 0.0, 1.0)
    for _ in range(refinements):
        value = (
            (2 * x**3 - 3 * x**2 + 1) * s0
            + (x**3 - 2 * x**2 + x) * c0
            + (3 * x**2 - 2 * x**3) * s1
            + (x**3 - x**2) * c1
        )
        gradient = (6 * x**2 - 6 * x) * (s0 - s1) + (3 * x**2 - 4 * x + 1) * c0 + (3 * x**2 - 2 * x) * c1
        x = np.clip(x - np.where(gradient < 0, value / np.where(gradient < 0, gradient, -1.0), 0.0), 0.0, 1.0)
    return top + (start - fine + x) * cell


def symbol_samples(h, cursor_bits, span_bits: int, pre_bits: int, bits: int, offsets_bits=None) -> np.ndarray:
    r"""Symbol-spaced samples :math:`p(t_c + \delta_j + m - pre)`, m = 0 .. bits - 1, of the pulses
    of spectrum ``h`` (batch, K) around the cursor instants ``t_c`` (batch,), in bits.

    ``offsets_bits`` (batch, J) or (J,): sampling-instant offsets (jitter); the result is then
    (batch, J, bits), else (batch, bits).
    """
    omega, _ = _harmonics(h, span_bits)
    lags = np.exp(omega[:, None] * (np.arange(bits) - pre_bits)[None, :])  # (K, bits)
    if offsets_bits is None:
        return _real_product(_advanced(h, cursor_bits, span_bits), lags)
    offsets = np.broadcast_to(np.asarray(offsets_bits, dtype=float), (h.shape[0], np.shape(offsets_bits)[-1]))
    return np.stack(
        [
            _real_product(_advanced(h, np.asarray(cursor_bits) + offsets[:, j], span_bits), lags)
            for j in range(offsets.shape[1])  # a loop over the jitter instants, not the batch
        ],
        axis=1,
    )
