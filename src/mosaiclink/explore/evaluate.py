r"""Vectorized evaluator: link margin, reach, power and reliability of many designs at once.

Every design of a :class:`~mosaiclink.explore.batch.DesignBatch` is evaluated in one array
pass: arrays have shape ``(designs,)`` or ``(designs, frequencies)``; no per-design Python
loop. All physics comes from the physics and system layers' own element-wise functions called
with array arguments (``microled.operating_point``, ``optics.launch``,
``fiber.transfer_function``, ``receiver.transfer_function``, ``equalizer.solve_ffe``,
``system.power.mosaic_power``, ``system.reliability.link_survival``, ...).

Notes
-----
The reduced link model is the *nominal interior channel* of :func:`physics.link.evaluate_link`
without manufacturing spread:

* levels: LED power at bias and peak current, times the optical train's launched fraction, core fill, passive loss
  (fibre, connectors, interfaces) and own capture; photocurrent via the responsivity;
* crosstalk: the 24 neighbours within Chebyshev distance 2 (``physics.array.neighbour_offsets``)
  land in this detector with ``optics.square_aperture_capture`` at their pitch on the fibre face;
* pulse response: on a normalised frequency grid :math:`\nu = fT` (``SPAN_BITS`` bits, ``SPS``
  samples per bit) the NRZ bit spectrum :math:`\mathrm{sinc}(\nu)e^{-i\pi\nu}` is multiplied by
  the LED small-signal response, the fibre (modal walk-off x chromatic spread), the receiver
  front end and the CTLE, and brought to the time domain by one batched inverse FFT;
* cursor: the pulse's maximum as a continuous instant (:func:`_peak_bits`), so Q moves
  smoothly with length and every other parameter (the grid's own argmax jumps 1/``SPS`` bit
  whenever the peak, delayed by half the walk-off, passes a sample midpoint: mosaic-800g lost
  a third of its Q between 34 and 35 m); the symbol-spaced samples at that instant plus whole
  bits come from the same trigonometric sum (:func:`_symbol_samples`);
* equalizer: symbol-spaced samples around the cursor feed ``equalizer.solve_ffe`` (batched MMSE
  or zero-forcing with the coloured-noise autocorrelation), then ``apply_ffe``; the noise through
  the FFE is :math:`c^T R c` with :math:`R` the autocorrelation at the tap lags (as the full model);
* decision: as the full model, ``ber.gaussian_q`` with the ISI taps and the neighbours'
  crosstalk (:math:`\tfrac14\sum_k r_k^2 \sum_m g_m^2`, ``r_k`` aggressor light over own) as
  Gaussian terms; noise :math:`\sigma_{0,1}^2 = (S_{th} + 2q(I_{0,1} + I_d))\int|H_{rx}H_{ctle}
  H_{ffe}|^2 df`; ``ber.log10_ber_from_q`` gives BER without underflow.

Differences from the full model: one nominal channel (no manufacturing spread, no dead
channels, so the full model's worst channel is worse), the LED's small-signal response at the
mean current instead of its large-signal rise/fall asymmetry, sampling at the pulse peak
instead of a phase search, and the Gaussian-Q instead of the statistical-eye BER. :func:`optimize.design_for_target`
therefore confirms its choice with the full ``evaluate_link``.

``reach_m`` is the longest fibre meeting ``link.target_ber``, found by ``REACH_ITERATIONS``
bisection steps in log-length over ``[REACH_MIN_M, REACH_MAX_M]`` and a final log-linear
interpolation of Q; 0 when even ``REACH_MIN_M`` fails, ``REACH_MAX_M`` when that passes.
Power per end is ``system.power.mosaic_power`` and link FIT the mission-average of
``system.reliability.link_survival`` at the reliability spec's reference temperature.
"""

from __future__ import annotations

import copy
import hashlib
from importlib import resources
from pathlib import Path

import numpy as np

from mosaiclink import __version__
from mosaiclink.config.system import PowerSpec, ReliabilitySpec
from mosaiclink.explore.batch import DesignBatch, SectionView, design_batch
from mosaiclink.physics import ber, equalizer, fiber, microled, optics, receiver
from mosaiclink.system.power import mosaic_power
from mosaiclink.system.reliability import average_fit, link_survival
from mosaiclink.units import HOURS_PER_YEAR

SPAN_BITS = 12
SPS = 4
PRE_BITS = 2  # symbol-spaced samples kept before the cursor (precursor ISI, FFE precursor taps)
REACH_MIN_M, REACH_MAX_M = 0.1, 1000.0
REACH_ITERATIONS = 8
NEIGHBOUR_RADIUS = 2
PEAK_OVERSAMPLE = 4  # finer lattice (x SPS) on which the pulse peak is bracketed

METRICS = (
    "rate_gbps_total",
    "q_factor",
    "log10_ber",
    "ber",
    "q_margin_db",
    "reach_m",
    "power_w",
    "pj_per_bit",
    "fit",
    "channels_total",
    "fits_fibre",
)
_CODE_MODULES = ("physics", "system", "explore/evaluate.py", "explore/batch.py", "config/design.py", "config/system.py")


def code_version() -> str:
    """Package version plus a hash of the model sources: results of other code are not reused."""
    digest = hashlib.sha256()
    root = Path(str(resources.files("mosaiclink")))  # an installed package is a directory
    for name in _CODE_MODULES:
        node = root.joinpath(name)
        files = sorted((p for p in node.rglob("*.py")), key=str) if node.is_dir() else [node]
        for path in files:
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def _column(section: SectionView) -> SectionView:
    """The same section with every array leaf as a column (designs, 1) to broadcast over frequency."""
    values = {
        k: (v[:, None] if isinstance(v, np.ndarray) else v) for k, v in section.__dict__.items() if k != "_spec_type"
    }
    return SectionView(section.__dict__["_spec_type"], values)


def _full(value, size: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (size,)).copy()


class _Static:
    """Length-independent parts of the link, computed once per batch."""

    def __init__(self, b: DesignBatch):
        n = b.size
        led, cpl, fib, arr, rx, eq, link = b.led, b.coupling, b.fiber, b.array, b.receiver, b.equalizer, b.link
        self.b = b
        self.bit_s = 1e-9 / _full(link.rate_gbps, n)
        levels = [
            microled.operating_point(led, current)["power_w"] for current in (led.bias_current_ma, led.peak_current_ma)
        ]
        tx = optics.launch(led, cpl, fib, arr.pitch_um)
        fill = fiber.core_fill_factor(fib.core_diameter_um, fib.core_pitch_um)
        responsivity = receiver.responsivity_a_per_w(rx.quantum_efficiency, microled.peak_wavelength_nm(led))
        self.fixed_loss_db = _full(np.asarray(link.connectors) * link.connector_loss_db + cpl.interface_loss_db, n)
        concentrate = optics.concentrator_fraction(cpl, arr.pitch_um, rx.photodiode_size_um, tx.angular_fill, fib.na)
        self.i0_a, self.i1_a = (_full(responsivity * p * tx.launched_fraction * fill * concentrate, n) for p in levels)
        m = cpl.spot_magnification
        self.angular_fill = _full(tx.angular_fill, n)
        self.spot_side_um = _full(tx.spot_side_um, n)
        self.sigma0_um = _full(optics.spot_blur_sigma_um(cpl, fib.core_pitch_um), n)
        self.pitch_f_um = _full(np.asarray(arr.pitch_um) * m, n)
        self.side_um = _full(optics.capture_aperture_um(cpl, arr.pitch_um, rx.photodiode_size_um), n)
        self.offset_um = _full(np.asarray(cpl.rx_misalignment_um) - np.asarray(cpl.tx_misalignment_um), n)
        self.dark_na = _full(rx.dark_current_na, n)
        # frequency grid nu = f T, shape (K,); physical f = nu / T, shape (designs, K)
        self.nu = np.arange(SPAN_BITS * SPS // 2 + 1) / SPAN_BITS
        self.f_hz = self.nu[None, :] / self.bit_s[:, None]
        h_led = microled.transfer_function(led, self.f_hz)
        h_rx = receiver.transfer_function(_column(rx), self.f_hz)
        h_ctle = equalizer.ctle_transfer_function(_column(eq), self.f_hz)
        h_rx *= h_ctle
        self.h_noise = h_rx
        h_led *= np.sinc(self.nu) * np.exp(-1j * np.pi * self.nu)
        h_led *= self.h_noise
        self.h_static = h_led
        self.thermal_a2_per_hz = _full(receiver.thermal_noise_a2_per_hz(rx), n)
        # trapezoid weights over nu, and the cosine table of the noise autocorrelation lags
        weights = np.full(self.nu.size, self.nu[1])
        weights[[0, -1]] *= 0.5
        lags = np.arange(max(int(eq.ffe_taps), 1))
        cos_table = (np.cos(2 * np.pi * self.nu[None, :] * lags[:, None]) * weights).T  # (K, taps)
        # unit-density noise autocorrelation at symbol lags: int |H_rx H_ctle|^2 cos(2 pi f k T) df
        self.autocorr_unit = ((self.h_noise.real**2 + self.h_noise.imag**2) @ cos_table) / self.bit_s[
            :, None
        ]  # (designs, taps)
        self.eq = eq
        self.use_ffe = bool(equalizer.ffe_active(eq))

    _PER_DESIGN = (
        "bit_s",
        "fixed_loss_db",
        "i0_a",
        "i1_a",
        "angular_fill",
        "spot_side_um",
        "sigma0_um",
        "pitch_f_um",
        "side_um",
        "offset_um",
        "dark_na",
        "f_hz",
        "h_noise",
        "h_static",
        "thermal_a2_per_hz",
        "autocorr_unit",
    )

    def take(self, index: np.ndarray, batch: DesignBatch) -> _Static:
        """The same static parts for the designs ``batch`` whose rows are ``index`` of this one."""
        out = copy.copy(self)
        for name in self._PER_DESIGN:
            setattr(out, name, getattr(self, name)[index])
        out.b = batch
        return out

    def q_factor(self, length_m) -> np.ndarray:
        """Q of the nominal interior channel at fibre length(s) ``length_m`` (designs,)."""
        b, n = self.b, self.b.size
        fib, led = b.fiber, b.led
        length_m = _full(length_m, n)
        transmission = fiber.transmission(fib.attenuation_db_per_m, length_m) * 10.0 ** (-self.fixed_loss_db / 10.0)
        sigma = fiber.spread_sigma_um(self.sigma0_um, fib.core_coupling_um2_per_m, length_m)
        own, xt_ratio_sq = _capture_and_crosstalk(
            self.offset_um, self.pitch_f_um, self.spot_side_um, sigma, self.side_um
        )
        i0, i1 = self.i0_a * transmission * own, self.i1_a * transmission * own

        walkoff = fiber.modal_walkoff_s(length_m, fib.na, fib.core_index, self.angular_fill)
        chrom = fiber.chromatic_spread_fwhm_s(
            fib.chromatic_dispersion_ps_per_nm_km, microled.spectral_fwhm_nm(led), length_m
        )
        # the fibre response depends on f t only: evaluated on the normalised grid nu = f T, times in bits
        h = fiber.transfer_function(self.nu, (walkoff / self.bit_s)[:, None], (chrom / self.bit_s)[:, None], np.float32)
        h *= self.h_static
        symbols = _symbol_samples(h, _peak_bits(h))  # (designs, bits), cursor at PRE_BITS: the pulse peak

        bandwidth_hz = self.autocorr_unit[:, 0]
        if self.use_ffe:
            density = self.thermal_a2_per_hz + receiver.shot_noise_a2_per_hz(0.5 * (i0 + i1), self.dark_na)
            taps = equalizer.solve_ffe(
                symbols * (i1 - i0)[:, None], PRE_BITS, self.eq, density[:, None] * self.autocorr_unit
            )
            symbols = equalizer.apply_ffe(symbols, taps, self.eq.ffe_precursor_taps)
            # noise through the FFE: c^T R c with R the unit autocorrelation at the tap lags
            lags = np.abs(np.arange(taps.shape[1])[:, None] - np.arange(taps.shape[1])[None, :])
            bandwidth_hz = np.einsum("dk,dkl,dl->d", taps, self.autocorr_unit[:, lags], taps)
        g = symbols * (i1 - i0)[:, None]  # equalized symbol-spaced pulse, photocurrent-referred
        xt_var = 0.25 * xt_ratio_sq * np.sum(g**2, axis=1)
        var0 = (self.thermal_a2_per_hz + receiver.shot_noise_a2_per_hz(i0, self.dark_na)) * bandwidth_hz + xt_var
        var1 = (self.thermal_a2_per_hz + receiver.shot_noise_a2_per_hz(i1, self.dark_na)) * bandwidth_hz + xt_var
        isi = np.concatenate([g[:, :PRE_BITS], g[:, PRE_BITS + 1 :]], axis=1)
        cursor = g[:, PRE_BITS]
        return np.where(cursor > 0, ber.gaussian_q(cursor, isi, np.sqrt(var0), np.sqrt(var1)), 0.0)


def _harmonics(h):
    r"""Angular factors :math:`i 2\pi \nu_k` (per bit) and the one-sided weights of the pulse spectrum ``h``
    (1 at DC and Nyquist, 2 between, over ``SPAN_BITS``: the scaling of ``SPS * irfft``, which makes
    the NRZ bit unit-height for unit DC gain)."""
    k = np.arange(h.shape[-1])
    return 2j * np.pi * k / SPAN_BITS, np.where((k == 0) | (k == SPAN_BITS * SPS // 2), 1.0, 2.0) / SPAN_BITS


def _advanced(h, t_bits):
    r"""Weighted spectrum of the pulse advanced by ``t_bits`` (designs,): :math:`w_k H_k e^{i 2\pi \nu_k t}`,
    so that ``Re(_advanced(h, t) @ table)`` evaluates the periodic pulse
    :math:`p(t) = \mathrm{Re}\sum_k w_k H_k e^{i 2\pi \nu_k t}` (the trigonometric interpolant of
    its ``irfft`` grid, exact for the band-limited periodic pulse) at instants relative to ``t``.
    The rotations are the powers of :math:`e^{i 2\pi t / SPAN\_BITS}` (successive products over
    the harmonics, each one contiguous row over the designs: one complex exponential per design
    instead of one per harmonic)."""
    _, weights = _harmonics(h)
    rotation = np.empty(h.shape[::-1], dtype=np.complex128)  # (K, designs)
    rotation[0] = 1.0
    rotation[1] = np.exp(2j * np.pi * t_bits / SPAN_BITS)
    for k in range(2, h.shape[1]):  # a loop over the harmonics, not the designs
        np.multiply(rotation[k - 1], rotation[1], out=rotation[k])
    out = h * weights
    out *= rotation.T
    return out


def _peak_bits(h, refinements: int = 2) -> np.ndarray:
    r"""Instant (bits, continuous) of each pulse's maximum, so the decision instant moves
    continuously with the design instead of jumping a grid sample at a time.

    From the ``irfft`` grid's maximum (``SPS`` per bit) the pulse and its first two derivatives
    are evaluated on a ``PEAK_OVERSAMPLE`` times finer lattice over one grid sample either side.
    The root of the slope :math:`p'` next to the lattice maximum lies between two lattice samples
    (the lattice is absolute, so a change of grid maximum does not move it); there :math:`p'` is
    the cubic Hermite interpolant of its values and slopes :math:`p''` at both ends, whose root is
    found by Newton ``refinements`` steps from the linear-interpolation root (clipped to the
    bracket). Continuous: when the root crosses a lattice sample both brackets give that sample.
    Within 0.0005 dB in Q of the linear root on a 32x lattice over the benchmark LHS.
    """
    fine = PEAK_OVERSAMPLE
    cell = 1.0 / (SPS * fine)  # lattice step, bits
    omega, weights = _harmonics(h)
    grid = np.argmax(np.fft.irfft(h, n=SPAN_BITS * SPS, axis=1), axis=1)
    top = grid / SPS
    # the grid maxima are whole samples: their rotations come from one (samples, K) table
    advance = np.exp(omega[None, :] * (np.arange(SPAN_BITS * SPS) / SPS)[:, None]) * weights
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


def _symbol_samples(h, cursor_bits) -> np.ndarray:
    r"""Symbol-spaced samples :math:`p(t_c + m - PRE\_BITS)`, m = 0 .. SPAN_BITS - 1, of the pulse
    of spectrum ``h`` (designs, K) around the cursor instants ``t_c`` (designs,) in bits."""
    omega, _ = _harmonics(h)
    lags = np.exp(omega[:, None] * (np.arange(SPAN_BITS) - PRE_BITS)[None, :])  # (K, bits)
    return _real_product(_advanced(h, cursor_bits), lags)


def _real_product(spectra, table):
    """``Re(spectra @ table)`` for complex (designs, K) and (K, m) as one real matrix product:
    the complex128 rows viewed as interleaved (re, im) pairs times the interleaved (Re T, -Im T)."""
    stacked = np.empty((2 * table.shape[0], table.shape[1]))
    stacked[0::2], stacked[1::2] = table.real, -table.imag
    return np.ascontiguousarray(spectra).view(np.float64) @ stacked


def _capture_and_crosstalk(offset_um, pitch_um, spot_side_um, sigma_um, side_um):
    """Own capture and the sum over the neighbours within ``NEIGHBOUR_RADIUS`` pitches of
    (their light in this detector / own)^2.

    The blurred square spot and the square aperture are separable
    (``optics.square_capture`` is the product of two ``optics.interval_capture``):
    capture at grid offset (i, j) is ``C_ij = A_i B_j`` with ``A_i`` the interval capture
    along x at offset ``offset + i pitch`` and ``B_j`` along y at ``j pitch``, so the own
    capture is ``A_0 B_0`` and the 5 x 5 sum of squares ``sum(A^2) sum(B^2)``, minus the own term.
    """
    steps = np.arange(-NEIGHBOUR_RADIUS, NEIGHBOUR_RADIUS + 1)[None, :]
    shift = steps * pitch_um[:, None]
    along_x = optics.interval_capture(
        offset_um[:, None] + shift, spot_side_um[:, None], sigma_um[:, None], side_um[:, None]
    )
    # along y the offsets are +-j pitch: symmetric, so j >= 0 only, the others counted twice
    along_y = optics.interval_capture(
        shift[:, NEIGHBOUR_RADIUS:], spot_side_um[:, None], sigma_um[:, None], side_um[:, None]
    )
    own = along_x[:, NEIGHBOUR_RADIUS] * along_y[:, 0]
    own2 = np.maximum(own, 1e-300) ** 2
    sum_y = 2.0 * (along_y**2).sum(axis=1) - along_y[:, 0] ** 2
    return own, ((along_x**2).sum(axis=1) * sum_y - own2) / own2


def reach_m(static: _Static, q_target: np.ndarray) -> np.ndarray:
    """Longest length with Q >= q_target (see module Notes).

    Q falls steeply with length and then sits just below zero once the eye closes, which
    defeats false-position methods; plain bisection in ln L keeps ``a`` passing and ``b``
    failing, then Q is interpolated linearly in ln L across the final bracket (at most
    ``(REACH_MAX_M / REACH_MIN_M) ** 2**-REACH_ITERATIONS`` wide, 3.7 % for 8 steps).
    """
    n = static.b.size
    a = np.full(n, np.log(REACH_MIN_M))
    b = np.full(n, np.log(REACH_MAX_M))
    fa = static.q_factor(np.exp(a)) - q_target
    fb = static.q_factor(np.exp(b)) - q_target
    fails_short, passes_long = fa < 0, fb >= 0
    for _ in range(REACH_ITERATIONS):
        c = 0.5 * (a + b)
        fc = static.q_factor(np.exp(c)) - q_target
        ok = fc >= 0
        a, fa = np.where(ok, c, a), np.where(ok, fc, fa)
        b, fb = np.where(ok, b, c), np.where(ok, fb, fc)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.clip(np.nan_to_num(fa / (fa - fb)), 0.0, 1.0)
    return np.where(fails_short, 0.0, np.where(passes_long, REACH_MAX_M, np.exp(a + frac * (b - a))))


def evaluate_rows(
    base,
    paths: tuple[str, ...],
    rows: np.ndarray,
    power_spec: PowerSpec | None = None,
    reliability_spec: ReliabilitySpec | None = None,
) -> dict[str, np.ndarray]:
    """All :data:`METRICS` for every row of a design matrix over ``base`` (the runner's task).

    Everything except Q at the design's own length is independent of ``link.length_m``, so it
    is computed once per distinct row of the other parameters and broadcast back (a grid
    sweep over L lengths does the expensive reach search 1/L as often).
    """
    rows = np.asarray(rows, dtype=np.float64)
    full = design_batch(base, paths, rows)
    others = [j for j, p in enumerate(paths) if p != "link.length_m"]
    if others:
        _, first, inverse = np.unique(rows[:, others], axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
    else:
        first, inverse = np.zeros(1, dtype=np.int64), np.zeros(len(rows), dtype=np.int64)
    b = design_batch(base, paths, rows[first])
    n = b.size
    static = _Static(b)
    q_target = ber.q_from_ber(_full(b.link.target_ber, n))
    q = static.take(inverse, full).q_factor(full.link.length_m)
    log10_ber = ber.log10_ber_from_q(q)
    power = mosaic_power(b, power_spec or PowerSpec())
    rel = reliability_spec or ReliabilitySpec()
    mission_h = rel.mission_years * HOURS_PER_YEAR
    fit = average_fit(link_survival(b, rel, mission_h, rel.reference_temperature_c), mission_h)
    with np.errstate(divide="ignore", invalid="ignore"):
        margin_db = 20.0 * np.log10(np.maximum(q, 0.0) / q_target[inverse])
    field = fiber.image_field_diameter_um(b.fiber.core_count, b.fiber.core_pitch_um)
    rows_used = -(-np.asarray(b.array.total_channels) // np.asarray(b.array.cols))
    diagonal = np.asarray(b.array.pitch_um) * b.coupling.spot_magnification * np.hypot(rows_used, b.array.cols)
    per_row = {
        "rate_gbps_total": _full(power.data_rate_gbps, n),
        "reach_m": reach_m(static, q_target),
        "power_w": _full(power.total_w_per_end, n),
        "pj_per_bit": _full(power.pj_per_bit, n),
        "fit": _full(fit, n),
        "channels_total": _full(b.array.total_channels, n),
        "fits_fibre": _full(diagonal <= field, n).astype(np.float64),
    }
    out = {"q_factor": q, "log10_ber": log10_ber, "ber": 10.0**log10_ber, "q_margin_db": margin_db}
    out.update({name: values[inverse] for name, values in per_row.items()})
    return {name: out[name] for name in METRICS}
