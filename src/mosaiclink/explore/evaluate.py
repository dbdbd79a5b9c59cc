r"""Vectorized evaluator: link margin, reach, power and reliability of many designs at once.

Every design of a :class:`~mosaiclink.explore.batch.DesignBatch` is evaluated in one array
pass: arrays have shape ``(designs,)`` or ``(designs, frequencies)``; no per-design Python
loop. All physics comes from the physics and system layers' own element-wise functions called
with array arguments (``microled.operating_point``, ``optics.launch``,
``fiber.transfer_function``, ``receiver.transfer_function``, ``equalizer.solve_ffe``,
``system.power.mosaic_power``, ``system.reliability.link_survival``, ...).

Notes
-----
The link metrics are the full model's channel core (:func:`mosaiclink.physics.channel.decide`)
at the *nominal interior channel* of :func:`physics.link.evaluate_link`: no manufacturing spread,
all 24 neighbours within Chebyshev distance 2 present. The same functions give

* levels: LED power at bias and peak current (``microled.operating_point``), times the launch
  (:func:`_launch`: launched fraction, spot on the fibre face, angular fill), passive loss
  (``budget.passive_loss_db``) and own capture; photocurrent via the responsivity;
* crosstalk: ``link.crosstalk_ratio`` of each neighbour's capture (``optics.interval_capture``,
  separable) over the own capture;
* pulse: the LED's large-signal isolated-bit pulse (``microled.pulse_response_w``, the rate
  equation, vectorized over designs) on ``SPAN_BITS`` periodic bits at the full model's
  ``link.samples_per_bit``, its first harmonics times the fibre, receiver and CTLE responses on the normalised grid
  :math:`\nu = fT` (``SPS`` samples per bit);
* sampling: at the pulse's maximum and the jittered instants around it
  (``sampling.peak_bits``, ``sampling.symbol_samples``, ``ber.sampling_offsets``);
* noise through the equalizer: ``equalizer.noise_autocorrelation_hz`` and ``noise_gain``;
* decision: the statistical eye with jitter (``ber.eye_log10_ber``), floored at 1e-300.

What differs from the full model is the grid only: ``SPAN_BITS`` periodic bits at ``SPS``
samples per bit (the full model: ``link.isi_span_bits`` + 9 bits at ``link.samples_per_bit``);
the agreement is measured in ``tests/explore/test_fast_vs_full.py`` (see docs/models.md).
``q_factor`` is the Q of the eye BER (:math:`-\Phi^{-1}(\mathrm{BER})`) and ``q_margin_db``
:math:`20\log_{10}(Q/Q_t)`.

``reach_m`` is the longest fibre meeting ``link.target_ber`` by the one reach solver
(``physics.reach.solve_reach_m``) over ``[REACH_MIN_M, REACH_MAX_M]``, at most
``REACH_STEPS`` steps (11 evaluations per design) then the secant root of the last bracket.
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
from mosaiclink.config.overrides import check_rows
from mosaiclink.config.system import PowerSpec, ReliabilitySpec
from mosaiclink.explore.batch import DesignBatch, SectionView, design_batch
from mosaiclink.physics import ber, equalizer, fiber, microled, optics, receiver, sampling
from mosaiclink.physics.budget import passive_loss_db
from mosaiclink.physics.channel import decide
from mosaiclink.physics.link import crosstalk_ratio
from mosaiclink.physics.pulse import PRE_BITS  # symbol-spaced samples before the cursor, as the full model
from mosaiclink.physics.reach import margin_log10_ber, solve_reach_m
from mosaiclink.system.power import mosaic_power
from mosaiclink.system.reliability import average_fit, link_survival
from mosaiclink.units import HOURS_PER_YEAR

SPAN_BITS = 16
SPS = 4
REACH_MIN_M, REACH_MAX_M = 0.1, 1000.0
REACH_STEPS = 9  # solver steps after the bracket's ends (6 bisections, 3 Illinois), then the secant root
NEIGHBOUR_RADIUS = 2
BLOCK_ROWS = 512  # designs per array pass: the (designs, instants, patterns) arrays stay in cache

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


def _launch(b: DesignBatch):
    """The optical train's nominal quantities (designs,): fraction of the LED power on the own
    detector's lenslet path (launch into the fibre NA, core fill and the receive concentrator),
    spot side and blur on the fibre face (um), angular fill of the NA, channel pitch and capture
    aperture on the face (um), detector-minus-spot offset (um). The one place the fast path asks
    the optics (``optics.launch`` and friends, as ``physics.optical_path``)."""
    led, cpl, fib, arr, rx = b.led, b.coupling, b.fiber, b.array, b.receiver
    tx = optics.launch(led, cpl, fib, arr.pitch_um)
    fill = fiber.core_fill_factor(fib.core_diameter_um, fib.core_pitch_um)
    concentrate = optics.concentrator_fraction(cpl, arr.pitch_um, rx.photodiode_size_um, tx.angular_fill, fib.na)
    offset = np.asarray(cpl.rx_misalignment_um) - np.asarray(cpl.tx_misalignment_um)
    return (
        tx.launched_fraction * fill * concentrate,
        tx.spot_side_um,
        optics.spot_blur_sigma_um(cpl, fib.core_pitch_um),
        tx.angular_fill,
        np.asarray(arr.pitch_um) * cpl.spot_magnification,
        optics.capture_aperture_um(cpl, arr.pitch_um, rx.photodiode_size_um),
        offset,
    )


class _Static:
    """Length-independent parts of the link, computed once per batch."""

    def __init__(self, b: DesignBatch):
        n = b.size
        led, rx, eq, link = b.led, b.receiver, b.equalizer, b.link
        self.b = b
        self.bit_s = 1e-9 / _full(link.rate_gbps, n)
        p0, p1 = (
            _full(microled.operating_point(led, current)["power_w"], n)
            for current in (led.bias_current_ma, led.peak_current_ma)
        )
        launched, spot_side, sigma0, angular_fill, pitch, side, offset = _launch(b)
        responsivity = receiver.responsivity_a_per_w(rx.quantum_efficiency, microled.peak_wavelength_nm(led))
        self.i0_a, self.i1_a = (_full(responsivity * p * launched, n) for p in (p0, p1))
        self.spot_side_um, self.sigma0_um, self.pitch_f_um, self.side_um, self.offset_um = (
            _full(v, n) for v in (spot_side, sigma0, pitch, side, offset)
        )
        self.angular_fill = _full(angular_fill, n)
        self.dark_na = _full(rx.dark_current_na, n)
        # the LED's large-signal pulse per unit swing, its first harmonics on nu = f T
        led_sps = int(np.max(link.samples_per_bit))  # the full model's sampling of the LED pulse
        led_pulse = _unit_led_pulse(led, self.bit_s, p1 - p0, led_sps)
        self.nu = np.arange(SPAN_BITS * SPS // 2 + 1) / SPAN_BITS
        f_hz = self.nu[None, :] / self.bit_s[:, None]
        h = sampling.spectrum(led_pulse, led_sps)[:, : self.nu.size]
        h *= receiver.transfer_function(_column(rx), f_hz)
        h *= equalizer.ctle_transfer_function(_column(eq), f_hz)
        self.h_static = h
        self.thermal_a2_per_hz = _full(receiver.thermal_noise_a2_per_hz(rx), n)
        self.autocorr_hz = equalizer.noise_autocorrelation_hz(
            _column(rx), _column(eq), self.bit_s[:, None], max(int(eq.ffe_taps), 1)
        )
        rj_bits = np.asarray(rx.jitter_rms_ps) * 1e-12 / self.bit_s
        dj_bits = np.asarray(rx.jitter_dj_pp_ps) * 1e-12 / self.bit_s
        self.offsets_bits, self.weights = ber.sampling_offsets(rj_bits, dj_bits)
        self.eq = eq
        self.threshold = rx.threshold

    _PER_DESIGN = (
        "bit_s",
        "i0_a",
        "i1_a",
        "angular_fill",
        "spot_side_um",
        "spot_side_um",
        "sigma0_um",
        "pitch_f_um",
        "side_um",
        "offset_um",
        "angular_fill",
        "dark_na",
        "h_static",
        "thermal_a2_per_hz",
        "autocorr_hz",
        "offsets_bits",
    )

    def take(self, index: np.ndarray, batch: DesignBatch) -> _Static:
        """The same static parts for the designs ``batch`` whose rows are ``index`` of this one."""
        out = copy.copy(self)
        for name in self._PER_DESIGN:
            setattr(out, name, getattr(self, name)[index])
        out.b = batch
        return out

    def log10_ber(self, length_m) -> np.ndarray:
        """log10 BER of the nominal interior channel at fibre length(s) ``length_m`` (designs,)."""
        b, n = self.b, self.b.size
        fib, led = b.fiber, b.led
        length_m = _full(length_m, n)
        loss_db = passive_loss_db(
            fib.attenuation_db_per_m,
            length_m,
            b.link.connectors,
            b.link.connector_loss_db,
            b.coupling.interface_loss_db,
        )
        transmission = 10.0 ** (-loss_db / 10.0)
        sigma = fiber.spread_sigma_um(self.sigma0_um, fib.core_coupling_um2_per_m, length_m)
        own, captures = _captures(self.offset_um, self.pitch_f_um, self.spot_side_um, sigma, self.side_um)
        xt_ratio = crosstalk_ratio(1.0, 1.0, captures, own)
        i0, i1 = self.i0_a * transmission * own, self.i1_a * transmission * own

        walkoff = fiber.modal_walkoff_s(length_m, fib.na, fib.core_index, self.angular_fill)
        chrom = fiber.chromatic_spread_fwhm_s(
            fib.chromatic_dispersion_ps_per_nm_km, microled.spectral_fwhm_nm(led), length_m
        )
        # the fibre response depends on f t only: evaluated on the normalised grid nu = f T, times in bits
        h = fiber.transfer_function(self.nu, (walkoff / self.bit_s)[:, None], (chrom / self.bit_s)[:, None], np.float32)
        h *= self.h_static
        peak = sampling.peak_bits(h, SPAN_BITS)
        samples = sampling.symbol_samples(h, peak, SPAN_BITS, PRE_BITS, SPAN_BITS, self.offsets_bits)
        samples *= (i1 - i0)[:, None, None]
        psd0 = self.thermal_a2_per_hz + receiver.shot_noise_a2_per_hz(i0, self.dark_na)
        psd1 = self.thermal_a2_per_hz + receiver.shot_noise_a2_per_hz(i1, self.dark_na)
        return decide(
            samples, PRE_BITS, psd0, psd1, self.autocorr_hz, xt_ratio, self.eq, self.threshold, self.weights
        ).log10_ber


def _unit_led_pulse(led: SectionView, bit_s: np.ndarray, swing_w: np.ndarray, led_sps: int) -> np.ndarray:
    """The LED's large-signal isolated-bit pulse over ``SPAN_BITS`` bits per watt of swing
    (designs, SPAN_BITS led_sps), integrated once per distinct (LED, bit period) of the batch: a
    sweep over lengths, fibres, receivers or spares shares one rate-equation solution per LED."""
    fields = {k: v for k, v in led.__dict__.items() if k != "_spec_type"}
    swept = [k for k, v in fields.items() if isinstance(v, np.ndarray)]
    key = np.column_stack([np.broadcast_to(fields[k], bit_s.shape) for k in swept] + [bit_s])
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    distinct = SectionView(led.__dict__["_spec_type"], {k: (v[first] if k in swept else v) for k, v in fields.items()})
    t_s = (np.arange(SPAN_BITS * led_sps) / led_sps)[None, :] * bit_s[first, None]
    pulse = microled.pulse_response_w(distinct, bit_s[first], t_s) / np.maximum(swing_w[first], 1e-300)[:, None]
    return pulse[inverse.reshape(-1)]


def _captures(offset_um, pitch_um, spot_side_um, sigma_um, side_um):
    """Own capture (designs,) and the captures of the 24 neighbours within ``NEIGHBOUR_RADIUS``
    pitches (designs, 24) by this detector.

    The blurred square spot and the square aperture are separable
    (``optics.square_capture`` is the product of two ``optics.interval_capture``):
    capture at grid offset (i, j) is ``A_i B_j`` with ``A_i`` the interval capture along x at
    offset ``offset + i pitch`` and ``B_j`` along y at ``j pitch`` (symmetric in j).
    """
    steps = np.arange(-NEIGHBOUR_RADIUS, NEIGHBOUR_RADIUS + 1)[None, :]
    shift = steps * pitch_um[:, None]
    spot, blur, side = spot_side_um[:, None], sigma_um[:, None], side_um[:, None]
    along_x = optics.interval_capture(offset_um[:, None] + shift, spot, blur, side)
    half_y = optics.interval_capture(shift[:, NEIGHBOUR_RADIUS:], spot, blur, side)
    along_y = np.concatenate([half_y[:, :0:-1], half_y], axis=1)
    grid = (along_x[:, :, None] * along_y[:, None, :]).reshape(len(offset_um), -1)
    centre = grid.shape[1] // 2
    return grid[:, centre], np.delete(grid, centre, axis=1)


def reach_m(static: _Static, log10_target: np.ndarray, margin_db: float | None = None) -> np.ndarray:
    """Longest length whose nominal-channel BER meets ``log10_target`` (designs,), by the one
    reach solver; 0 when even ``REACH_MIN_M`` fails, ``REACH_MAX_M`` when that passes.

    With ``margin_db`` the reach at that budget margin, the implementation penalty included
    (``physics.reach.margin_log10_ber``), as ``physics.reach.max_reach_m``.
    """
    if margin_db is not None:
        penalty = np.asarray(static.b.receiver.implementation_penalty_db)
        log10_target = margin_log10_ber(10.0**log10_target, margin_db + penalty)
    q_target = ber.q_from_log10_ber(log10_target)

    def excess(lengths):  # in Q, nearly linear in ln L (log BER is ~ quadratic)
        return q_target - ber.q_from_log10_ber(static.log10_ber(lengths))

    return solve_reach_m(excess, REACH_MIN_M, REACH_MAX_M, max_steps=REACH_STEPS)


def length_independent(
    base, paths: tuple[str, ...], rows: np.ndarray, checked: bool = False
) -> tuple[DesignBatch, DesignBatch, _Static, np.ndarray]:
    """The batch of all ``rows``, the batch of their distinct rows apart from ``link.length_m``,
    the length-independent link parts of those (:class:`_Static`), and each row's index into them.
    ``checked``: the rows already passed :func:`~mosaiclink.config.overrides.check_rows`."""
    full = design_batch(base, paths, rows, checked=checked)
    others = [j for j, p in enumerate(paths) if p != "link.length_m"]
    if others:
        _, first, inverse = np.unique(rows[:, others], axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
    else:
        first, inverse = np.zeros(1, dtype=np.int64), np.zeros(len(rows), dtype=np.int64)
    b = design_batch(base, paths, rows[first], checked=True)  # a subset of the rows just checked
    return full, b, _Static(b), inverse


def evaluate_rows(
    base,
    paths: tuple[str, ...],
    rows: np.ndarray,
    power_spec: PowerSpec | None = None,
    reliability_spec: ReliabilitySpec | None = None,
    checked: bool = False,
) -> dict[str, np.ndarray]:
    """All :data:`METRICS` for every row of a design matrix over ``base`` (the runner's task).

    Everything except Q at the design's own length is independent of ``link.length_m``, so it
    is computed once per distinct row of the other parameters and broadcast back (a grid
    sweep over L lengths does the expensive reach search 1/L as often). Rows are evaluated in
    blocks of :data:`BLOCK_ROWS` (1.5-2x faster than one pass over thousands: the intermediate
    arrays stay in the CPU cache). A matrix holding a design the one design validation refuses is
    refused with its message (:func:`~mosaiclink.config.overrides.check_rows`, once per call:
    ``checked`` says the caller did it).
    """
    rows = np.asarray(rows, dtype=np.float64)
    if not checked:
        check_rows(base, paths, rows)
    if len(rows) > BLOCK_ROWS:  # the same numbers, block by block
        parts = [
            evaluate_rows(base, paths, rows[i : i + BLOCK_ROWS], power_spec, reliability_spec, checked=True)
            for i in range(0, len(rows), BLOCK_ROWS)
        ]
        return {name: np.concatenate([part[name] for part in parts]) for name in METRICS}
    full, b, static, inverse = length_independent(base, paths, rows, checked=True)
    n = b.size
    log10_target = np.log10(_full(b.link.target_ber, n))
    q_target = ber.q_from_ber(_full(b.link.target_ber, n))
    log10_ber = static.take(inverse, full).log10_ber(full.link.length_m)
    q = ber.q_from_log10_ber(log10_ber)
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
        "reach_m": reach_m(static, log10_target),
        "power_w": _full(power.total_w_per_end, n),
        "pj_per_bit": _full(power.pj_per_bit, n),
        "fit": _full(fit, n),
        "channels_total": _full(b.array.total_channels, n),
        "fits_fibre": _full(diagonal <= field, n).astype(np.float64),
    }
    out = {"q_factor": q, "log10_ber": log10_ber, "ber": 10.0**log10_ber, "q_margin_db": margin_db}
    out.update({name: values[inverse] for name, values in per_row.items()})
    return {name: out[name] for name in METRICS}
