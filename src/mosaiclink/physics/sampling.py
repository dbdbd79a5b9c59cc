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

from functools import lru_cache

import numpy as np
import scipy.fft

from mosaiclink.physics._compiled import CompileGate

PEAK_OVERSAMPLE = 4  # finer lattice (x sps) on which the pulse peak is bracketed
COMPILED_ROWS = 2048  # from this many pulses on, the peak refinement runs compiled
_PEAK_GATE = CompileGate(COMPILED_ROWS)


def spectrum(pulse, samples_per_bit: int, harmonics: int | None = None) -> np.ndarray:
    """Spectrum ``H`` (batch, K) of pulses sampled on a periodic grid, scaled as in the module Notes;
    its first ``harmonics`` (default all). SciPy's transform: the same values as NumPy's (both are
    pocketfft), 1.5x faster on a batch of rows of the time-major layout (``.T``) the rate equation writes."""
    return scipy.fft.rfft(pulse, axis=-1)[..., :harmonics] / samples_per_bit


SPECTRUM_BLOCK_ROWS = 64  # rows per block of the compiled transform (its working set, 128 KB at 256 samples)


@lru_cache(maxsize=16)
def half_transform_tables(samples: int, harmonics: int) -> tuple[np.ndarray, ...]:
    r"""The bit-reversed order of the half-length transform's ``samples / 2`` points, its twiddles
    :math:`e^{-2\pi i j / M}` (j < M/2) and the real transform's :math:`e^{-i\pi k / M}` (k < K), each
    as (re, im) from NumPy's cosine and sine (both formulations read these)."""
    half = samples // 2
    bits = half.bit_length() - 1
    reverse = np.array([int(format(m, f"0{bits}b")[::-1], 2) if bits else 0 for m in range(half)], dtype=np.int64)
    twiddle = 2.0 * np.pi * np.arange(half // 2) / half
    post = np.pi * np.arange(harmonics) / half
    return reverse, np.cos(twiddle), -np.sin(twiddle), np.cos(post), -np.sin(post)


def half_transform_fits(samples: int, harmonics: int) -> bool:
    """Whether :func:`lowest_harmonics` transforms ``samples`` by its half-length transform (a power of
    two, at least 4, and at most half as many harmonics), rather than by :func:`spectrum`."""
    return samples >= 4 and not samples & (samples - 1) and harmonics <= samples // 2


def lowest_harmonics(
    pulse: np.ndarray, samples_per_bit: int, harmonics: int, per_row=1.0, compiled: bool | None = None
) -> np.ndarray:
    r""":func:`spectrum`'s first ``harmonics`` (rows, K) of time-major pulses (samples, rows), each row
    also divided by its ``per_row`` (rows,): ``rfft(pulse.T)[:, :K] / samples_per_bit / per_row``.

    Notes
    -----
    For a power-of-two number of samples N = 2M the real transform is one complex transform of
    half the length (Cooley & Tukey 1965, radix 2, decimation in time from the bit-reversed
    order): :math:`z_m = x_{2m} + i x_{2m+1}`, :math:`Z = \mathrm{DFT}_M(z)` and
    :math:`X_k = E_k + e^{-i\pi k/M} O_k`, with :math:`E_k = (Z_k + ar Z_{M-k})/2` and
    :math:`O_k = (Z_k - ar Z_{M-k})/(2i)`, formed only for the K harmonics asked for. Every row is
    transformed alike and alone, so the batch vectorises over rows in the layout the pulses arrive
    in: from :data:`COMPILED_ROWS` rows on (or once Numba is loaded) the compiled loop
    (:func:`mosaiclink.physics._spectrum_kernel.lowest_harmonics`, rows in blocks of
    :data:`SPECTRUM_BLOCK_ROWS`) runs the same operations in the same order (identical results);
    ``compiled`` forces the choice. Against SciPy's transform (pocketfft, which forms every
    harmonic from the transposed rows): within a few units of 1e-16 of the largest harmonic
    (``tests/physics/test_sampling.py``); on the benchmark population's LED pulses (256 samples, 33
    harmonics) 0.62 us a row against 1.24. Other sample counts, or harmonics beyond M, take
    :func:`spectrum`.
    """
    samples, rows = pulse.shape
    half = samples // 2
    divisor = np.broadcast_to(np.asarray(per_row, dtype=float), (rows,))
    if not half_transform_fits(samples, harmonics):
        return spectrum(pulse.T, samples_per_bit, harmonics) / divisor[:, None]
    reverse, twiddle_re, twiddle_im, post_re, post_im = half_transform_tables(samples, harmonics)
    if _SPECTRUM_GATE.compiled(rows, compiled):
        from mosaiclink.physics._spectrum_kernel import lowest_harmonics as loop

        out = np.empty((rows, harmonics), dtype=np.complex128)
        tables = (reverse, twiddle_re, twiddle_im, post_re, post_im)
        pulse = np.ascontiguousarray(pulse, dtype=float)
        return loop(pulse, *tables, float(samples_per_bit), np.ascontiguousarray(divisor), SPECTRUM_BLOCK_ROWS, out)
    re, im = pulse[0::2][reverse], pulse[1::2][reverse]  # (M, rows), bit-reversed
    size = 2
    while size <= half:
        step = size // 2
        cr, ci = (t[: step * (half // size) : half // size, None] for t in (twiddle_re, twiddle_im))
        v_re, v_im = re.reshape(half // size, 2, step, rows), im.reshape(half // size, 2, step, rows)
        a_re, a_im, b_re, b_im = v_re[:, 0], v_im[:, 0], v_re[:, 1], v_im[:, 1]
        tr = cr * b_re - ci * b_im
        ti = cr * b_im + ci * b_re
        v_re[:, 1], v_im[:, 1] = a_re - tr, a_im - ti
        v_re[:, 0], v_im[:, 0] = a_re + tr, a_im + ti
        size *= 2
    k = np.arange(harmonics)
    own, mirror = k % half, (half - k) % half
    ar, ai, br, bi = re[own], im[own], re[mirror], -im[mirror]
    even_re, even_im = 0.5 * (ar + br), 0.5 * (ai + bi)
    odd_re, odd_im = 0.5 * (ai - bi), -0.5 * (ar - br)
    c, s = post_re[:, None], post_im[:, None]
    out = np.empty((rows, harmonics), dtype=np.complex128)
    out.real = ((even_re + c * odd_re - s * odd_im) / float(samples_per_bit) / divisor).T
    out.imag = ((even_im + c * odd_im + s * odd_re) / float(samples_per_bit) / divisor).T
    return out


_SPECTRUM_GATE = CompileGate(COMPILED_ROWS)


@lru_cache(maxsize=16)
def _harmonic_factors(harmonics: int, span_bits: int):
    r"""Angular factors :math:`i 2\pi \nu_k` (per bit) and the one-sided weights of a spectrum of
    ``harmonics`` harmonics over ``span_bits``."""
    k = np.arange(harmonics)
    return 2j * np.pi * k / span_bits, np.where((k == 0) | (k == harmonics - 1), 1.0, 2.0) / span_bits


def _interleaved(table) -> np.ndarray:
    """The complex (K, m) ``table`` as the real (2K, m) one whose product with complex128 rows viewed
    as interleaved (re, im) pairs is ``Re(spectra @ table)``: rows (Re T, -Im T) interleaved."""
    stacked = np.empty((2 * table.shape[0], table.shape[1]))
    stacked[0::2], stacked[1::2] = table.real, -table.imag
    return stacked


def _real_product(spectra, stacked):
    """``Re(spectra @ table)`` for complex (batch, K) as one real matrix product with the
    :func:`_interleaved` table (2K, m)."""
    return np.ascontiguousarray(spectra, dtype=np.complex128).view(np.float64) @ stacked


def rotated_spectra(h, t_bits, span_bits: int, compiled: bool | None = None) -> np.ndarray:
    r"""Each spectrum's harmonics rotated to each of its instants, :math:`H_k z^k` (batch, J, K) with
    :math:`z = e^{i 2\pi t / span}` at the instants ``t_bits`` (batch, J): one complex exponential per
    instant, the powers by doubling (:math:`z^{m + j} = z^m z^j`, :math:`z^{2m} = (z^m)^2`: a rounding
    error growing as log2 k, in as many array products over all the instants). The harmonics are the
    last axis, as :func:`symbol_samples`' matrix product takes them (no transposed copy). Written in
    real arithmetic (NumPy's complex product may fuse its multiply-adds), the operations of the
    compiled loop (:func:`mosaiclink.physics._rotation_kernel.rotated_spectra`) in its order: from
    :data:`COMPILED_ROWS` spectra on (or once Numba is loaded) that loop runs instead, with the same
    results bit for bit (``tests/physics/test_sampling.py``); ``compiled`` forces the choice."""
    h = np.asarray(h, dtype=np.complex128)
    t = np.asarray(t_bits, dtype=float)
    phase = 2.0 * np.pi * t / span_bits
    z_re, z_im = np.cos(phase), np.sin(phase)
    harmonics = h.shape[-1]
    out = np.empty((*t.shape, harmonics), dtype=np.complex128)
    if _ROTATION_GATE.compiled(h.shape[0], compiled):
        from mosaiclink.physics._rotation_kernel import rotated_spectra as loop

        return loop(np.ascontiguousarray(h), z_re, z_im, out)
    re, im = np.empty(out.shape), np.empty(out.shape)
    re[..., 0], im[..., 0] = 1.0, 0.0
    m = 1
    while m < harmonics:
        part = min(m, harmonics - m)
        a_re, a_im, zr, zi = re[..., :part], im[..., :part], z_re[..., None], z_im[..., None]
        re[..., m : m + part] = a_re * zr - a_im * zi
        im[..., m : m + part] = a_re * zi + a_im * zr
        z_re, z_im = z_re * z_re - z_im * z_im, z_re * z_im + z_im * z_re
        m *= 2
    h_re, h_im = h.real[:, None, :], h.imag[:, None, :]
    out.real = re * h_re - im * h_im
    out.imag = re * h_im + im * h_re
    return out


_ROTATION_GATE = CompileGate(COMPILED_ROWS)


@lru_cache(maxsize=16)
def _lag_table(harmonics: int, span_bits: int, pre_bits: int, bits: int) -> np.ndarray:
    r""":func:`_interleaved` weighted lags :math:`w_k e^{i 2\pi \nu_k (m - pre)}` (2K, bits) of
    :func:`symbol_samples` (the weights, powers of two, scale exactly wherever they are applied)."""
    omega, weights = _harmonic_factors(harmonics, span_bits)
    return _interleaved(weights[:, None] * np.exp(omega[:, None] * (np.arange(bits) - pre_bits)[None, :]))


@lru_cache(maxsize=16)
def _peak_tables(harmonics: int, span_bits: int):
    """The weighted grid rotations (samples, K) from which :func:`peak_bits` starts and the
    :func:`_interleaved` lattice table of the pulse and its first two derivatives (2K, 3 (2 fine + 1))."""
    omega, weights = _harmonic_factors(harmonics, span_bits)
    n = 2 * (harmonics - 1)
    sps = n // span_bits
    fine = PEAK_OVERSAMPLE
    cell = 1.0 / (sps * fine)
    advance = np.exp(omega[None, :] * (np.arange(n) / sps)[:, None]) * weights
    table = np.exp(omega[:, None] * (np.arange(-fine, fine + 1) * cell)[None, :])
    return advance, _interleaved(np.concatenate([omega[:, None] ** order * table for order in (0, 1, 2)], axis=1))


def peak_bits(h, span_bits: int, refinements: int = 2, compiled: bool | None = None) -> np.ndarray:
    r"""Instant (bits, continuous) of each pulse's maximum.

    From the grid's maximum the pulse and its first two derivatives are evaluated on a
    ``PEAK_OVERSAMPLE`` times finer lattice over one grid sample either side. The root of the
    slope :math:`p'` next to the lattice maximum lies between two lattice samples; there
    :math:`p'` is the cubic Hermite interpolant of its values and slopes :math:`p''` at both
    ends, whose root is found by Newton ``refinements`` steps from the linear-interpolation root
    (clipped to the bracket). Continuous: when the root crosses a lattice sample both brackets
    give that sample. Within 0.0005 dB in Q of the linear root on a 32x lattice. From
    ``COMPILED_ROWS`` rows on (or once Numba is loaded) the refinement runs as one compiled loop
    (:func:`mosaiclink.physics._peak_kernel.refine`, identical results); ``compiled`` forces the choice.
    """
    n = 2 * (h.shape[-1] - 1)
    sps = n // span_bits
    fine = PEAK_OVERSAMPLE
    cell = 1.0 / (sps * fine)  # lattice step, bits
    grid = np.argmax(np.fft.irfft(h, n=n, axis=1), axis=1)
    top = grid / sps
    advance, tables = _peak_tables(h.shape[-1], span_bits)
    near = advance[grid]
    near *= h
    lattice = _real_product(near, tables)
    compiled = _PEAK_GATE.compiled(h.shape[0], compiled)
    if compiled:
        from mosaiclink.physics._peak_kernel import refine

        return refine(lattice, grid, sps, fine, refinements)
    pulse, slope, bend = np.split(lattice, 3, axis=1)
    j = np.argmax(pulse, axis=1)
    rows = np.arange(h.shape[0])
    start = np.clip(np.where(slope[rows, j] < 0, j - 1, j), 0, 2 * fine - 1)
    s0, s1 = slope[rows, start], slope[rows, start + 1]
    c0, c1 = bend[rows, start] * cell, bend[rows, start + 1] * cell
    drop = s0 - s1
    x = np.clip(np.where(drop > 0, s0 / np.where(drop > 0, drop, 1.0), 0.5), 0.0, 1.0)
    for _ in range(refinements):
        x2 = x * x
        x3 = x2 * x
        value = (2 * x3 - 3 * x2 + 1) * s0 + (x3 - 2 * x2 + x) * c0 + (3 * x2 - 2 * x3) * s1 + (x3 - x2) * c1
        gradient = (6 * x2 - 6 * x) * drop + (3 * x2 - 4 * x + 1) * c0 + (3 * x2 - 2 * x) * c1
        x = np.clip(x - np.where(gradient < 0, value / np.where(gradient < 0, gradient, -1.0), 0.0), 0.0, 1.0)
    return top + (start - fine + x) * cell


def symbol_samples(h, cursor_bits, span_bits: int, pre_bits: int, bits: int, offsets_bits=None) -> np.ndarray:
    r"""Symbol-spaced samples :math:`p(t_c + \delta_j + m - pre)`, m = 0 .. bits - 1, of the pulses
    of spectrum ``h`` (batch, K) around the cursor instants ``t_c`` (batch,), in bits.

    ``offsets_bits`` (batch, J) or (J,): sampling-instant offsets (jitter); the result is then
    (batch, J, bits), else (batch, bits). Every instant of every row is one row of one real
    matrix product: :math:`\mathrm{Re}\sum_k H_k e^{i 2\pi \nu_k t} \cdot w_k e^{i 2\pi \nu_k (m - pre)}`.
    """
    cursor = np.asarray(cursor_bits, dtype=float)
    jitter = np.zeros(1) if offsets_bits is None else np.asarray(offsets_bits, dtype=float)
    advanced = rotated_spectra(h, cursor[:, None] + jitter, span_bits)  # (batch, J, K)
    samples = _real_product(advanced.reshape(-1, h.shape[-1]), _lag_table(h.shape[-1], span_bits, pre_bits, bits))
    samples = samples.reshape(h.shape[0], advanced.shape[1], bits)
    return samples[:, 0] if offsets_bits is None else samples
