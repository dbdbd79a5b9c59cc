r"""The signal chain as one object: LED -> optics -> fibre -> receiver -> CTLE -> FFE -> decision.

A :class:`Chain` holds, for a batch of *rows*, every length-independent stage of one channel's
signal chain; :meth:`Chain.at_length` adds the fibre at a length and returns the
:class:`ChainStages` the decision needs (levels, crosstalk, symbol-spaced pulse, noise). A row is
one channel of one design: its design values (a spec, or a design batch whose swept leaves are
arrays, :mod:`mosaiclink.config.batched`) and its manufacturing draw (:class:`ChannelDraw`).
Two constructors build the same stages:

* :meth:`Chain.per_channel` -- every channel of one design with its seeded variation
  (:func:`mosaiclink.physics.array.design_variation`) and its real neighbours;
* :meth:`Chain.batched` -- many designs, each at one or more given channels (the nominal
  interior channel, :meth:`ChannelDraw.nominal`, or channels of a drawn array,
  :meth:`ChannelDraw.of_channels`): the fast path of sweeps, the explorer and the population
  (:mod:`mosaiclink.physics.population`).

The stages that depend on the design alone (:class:`DesignStages`: launch and core fill,
concentrator, spot geometry, receiver and CTLE responses, noise and its autocorrelation, jitter
instants) are computed by ``Chain.batched`` or, for a block of designs whose channels run in
several batches (the population's stages), once for the block and taken per batch: the same
values bit for bit.

Notes
-----
Per row :math:`i` (aggressors :math:`k`, channel :math:`j(k)`, at grid offset :math:`o_k`):

* LED levels :math:`P_{0,1}` from ``microled.level_powers_w`` (the operating point's power) at
  the bias and peak currents with the row's rate and efficiency scales; the large-signal
  isolated-bit pulse per watt of
  swing (``microled.pulse_response_w``), integrated once per distinct (LED, bit period, rate
  scale) of the batch;
* optics: launched fraction, core fill and the receive concentrator (``optics.launch``,
  ``fiber.core_fill_factor``, ``optics.concentrator_fraction``), the passive loss
  (``budget.passive_loss_db``) and the own and crosstalk captures of the blurred square spot
  (``optics.interval_capture`` per axis) at the offsets
  :math:`d_{ii} = \Delta_0 + r_i - t_i` and :math:`d_{ik} = -p\,o_k + \Delta_0 + r_i - t_{j(k)}`
  (:math:`p` the pitch on the fibre face, :math:`\Delta_0` the nominal receive-minus-transmit
  misalignment, :math:`r, t` the drawn offsets), blur :math:`\sigma(L)` from
  ``fiber.spread_sigma_um``; the outer ring's spots are skipped (0), and its neighbours' LED
  operating points not solved, where :func:`outer_ring_bound` proves the ring brings less than
  ``NEGLIGIBLE_CROSSTALK`` of the own light (:meth:`Chain.captures`; the full model evaluates
  them, to the interval formula's rounding residue there, ~1e-15);
* crosstalk ratio :math:`\Delta P_{j} C_{ik} / (\Delta P_i C_{ii})` (:func:`crosstalk_ratio`);
* photocurrents :math:`I_{0,1} = R_i P_{0,1} \eta\,T(L)\,C_{ii}` with the responsivity at the
  LED's drawn wavelength times the drawn responsivity scale;
* pulse: the LED pulse's first harmonics on the normalised grid :math:`\nu = fT` (``SPS``
  samples per bit over ``SPAN_BITS`` periodic bits) times the receiver, CTLE and fibre
  (walk-off rectangle x chromatic Gaussian, :func:`fiber_spread_s`) responses, sampled at the
  pulse maximum and the jittered instants (``sampling``);
* noise: thermal + amplifier + shot at each level, through the equalizer
  (``equalizer.noise_autocorrelation_hz``); the decision is ``channel.decide``.

The per-channel full model (:func:`mosaiclink.physics.link.evaluate_link`) runs the same
stages on the finite time grid of ``link.samples_per_bit`` instead of the periodic grid; the
stage-by-stage parity of the two constructors is tested (``tests/physics/test_chain.py``).

Examples
--------
>>> from mosaiclink.config.presets import load_preset
>>> from mosaiclink.physics.array import design_variation
>>> from mosaiclink.physics.chain import Chain, ChannelDraw
>>> design = load_preset("mosaic-prototype")
>>> Chain.per_channel(design, design_variation(design, 0)).rows  # every channel, its own draw
100
>>> nominal = Chain.batched(design, ChannelDraw.nominal(1))  # the nominal interior channel
>>> round(float(nominal.log10_ber(20.0)[0]), 1)  # log10 BER at 20 m
-19.6
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
from scipy.special import ndtr

from mosaiclink.config.batched import SectionView, column_view, taken_view
from mosaiclink.physics import ber, equalizer, fiber, microled, optics, receiver, sampling
from mosaiclink.physics.array import ChannelVariation, neighbour_offsets, neighbours
from mosaiclink.physics.budget import passive_loss_db
from mosaiclink.physics.channel import Decision, decide

SPAN_BITS = 16
SPS = 4
NEIGHBOUR_RADIUS = 2
PRE_BITS = 4  # symbol-spaced samples before the cursor (the full model's, physics.pulse.PRE_BITS)
_OFFSETS = neighbour_offsets(NEIGHBOUR_RADIUS)  # (K, 2) grid offsets of the aggressors


def harmonics_nu() -> np.ndarray:
    """The chain's normalised frequencies :math:`\\nu = fT` (F,): the harmonics of its periodic
    grid of ``SPAN_BITS`` bits at ``SPS`` samples per bit."""
    return np.arange(SPAN_BITS * SPS // 2 + 1) / SPAN_BITS


def fiber_spread_s(design: Any, length_m, angular_fill=None) -> tuple[np.ndarray, np.ndarray]:
    """Modal walk-off and chromatic spread (FWHM) in seconds of a design (or batch) at ``length_m``:
    the one place the fibre's two time spreads are computed (the chain, the report, the Monte Carlo);
    ``angular_fill``: the launch's (``optics.launch``), computed here if not given."""
    fib = design.fiber
    if angular_fill is None:
        angular_fill = optics.launch(design.led, design.coupling, fib, design.array.pitch_um).angular_fill
    walk = fiber.modal_walkoff_s(length_m, fib.na, fib.core_index, angular_fill)
    chrom = fiber.chromatic_spread_fwhm_s(
        fib.chromatic_dispersion_ps_per_nm_km, microled.spectral_fwhm_nm(design.led), length_m
    )
    return np.asarray(walk, dtype=float), np.asarray(chrom, dtype=float)


def fiber_transfer_function(design: Any, freq, length_m=None, time_unit_s=1.0, dtype=np.float64) -> np.ndarray:
    """The fibre's response (walk-off rectangle x chromatic Gaussian, ``fiber.transfer_function``) of a
    design (or batch) at ``length_m`` (default its own) on ``freq`` in cycles per ``time_unit_s``:
    Hz by default, per bit with the rows' bit periods (the chain's normalised grid, (rows, F))."""
    walk, chrom = fiber_spread_s(design, design.link.length_m if length_m is None else length_m)
    unit = np.asarray(time_unit_s, dtype=float)
    if unit.ndim:
        return fiber.transfer_function(freq, (walk / unit)[:, None], (chrom / unit)[:, None], dtype)
    return fiber.transfer_function(freq, walk / unit, chrom / unit, dtype)


def channel_responsivity_a_per_w(design: Any, wavelength_offset_nm, responsivity_scale) -> np.ndarray:
    """Photodiode responsivity (A/W) at each channel's LED wavelength (its drawn offset from the
    peak) times its drawn responsivity scale."""
    wavelength = microled.peak_wavelength_nm(design.led, wavelength_offset_nm)
    return receiver.responsivity_a_per_w(design.receiver.quantum_efficiency, wavelength) * responsivity_scale


def crosstalk_ratio(own_launched_w, aggressor_launched_w, crosstalk_capture, own_capture):
    """Light of each aggressor in this detector over this channel's own: (batch, A).

    :math:`r_a = P_a C_a / (P_{own} C_{own})`, with :math:`P` the modulated power launched on the
    fibre face (the passive transmission to the detector plane is common and cancels) and
    :math:`C` the detector's capture of each spot. The one formula of the chain, the full model
    and the Monte Carlo models.
    """
    own = np.maximum(np.asarray(own_launched_w) * np.asarray(own_capture), 1e-300)
    return np.asarray(aggressor_launched_w) * np.asarray(crosstalk_capture) / own[..., None]


def image_diagonal_um(design: Any) -> tuple[np.ndarray, np.ndarray]:
    """Diagonal of the imaged array on the fibre face and the fibre's image field (um): the one
    "array fits the fibre" computation (spec or batch)."""
    array = design.array
    rows = -(-np.asarray(array.total_channels) // np.asarray(array.cols))
    diagonal = np.asarray(array.pitch_um) * design.coupling.spot_magnification * np.hypot(rows, array.cols)
    field = fiber.image_field_diameter_um(design.fiber.core_count, design.fiber.core_pitch_um)
    return np.asarray(diagonal, dtype=float), np.asarray(field, dtype=float)


def fits_fibre(design: Any) -> np.ndarray:
    """Whether the imaged array fits the fibre's image field (:func:`image_diagonal_um`): the one
    criterion the full model refuses by (``optical_path.check_fits_fibre``) and the fast path flags."""
    diagonal, field = image_diagonal_um(design)
    return diagonal <= field


def captures(draw: ChannelDraw, pitch_f_um, nominal_offset_um, spot_side_um, sigma_um, side_um):
    """Own capture (rows,) and each aggressor's capture (rows, K) of every row's detector (before the
    receive concentrator): the blurred square spots of the channel and of its aggressors at
    grid offsets :data:`_OFFSETS` (one pitch ``pitch_f_um`` on the fibre face apart), with the
    nominal receive-minus-transmit offset ``nominal_offset_um`` (x) and the drawn offsets."""
    return _captures_at(capture_offsets_um(draw, pitch_f_um, nominal_offset_um), spot_side_um, sigma_um, side_um)


def capture_offsets_um(draw: ChannelDraw, pitch_f_um, nominal_offset_um, ring: np.ndarray | None = None) -> np.ndarray:
    """Offsets (x, y) of the spots from each row's detector, the channel's own first, then its
    aggressors' (rows, 1 + K, 2): the length-independent geometry of :func:`captures`; with ``ring``
    (aggressor indices), the own spot's and those aggressors' alone (rows, 1 + len(ring), 2)."""
    n = draw.rows
    pitch, nominal = _full(pitch_f_um, n), _full(nominal_offset_um, n)
    ring = np.arange(len(_OFFSETS)) if ring is None else ring
    out = np.empty((n, 1 + ring.size, 2))
    out[:, 0] = draw.own_offset_um + np.stack([nominal, np.zeros(n)], axis=1)
    grid = _OFFSETS[ring]
    out[:, 1:] = _aggressor_offsets_um(grid, np.take(draw.aggressor_offset_um, ring, axis=1), pitch, nominal, _X[ring])
    return out


_X = np.broadcast_to([True, False], _OFFSETS.shape)  # the x entries of the grid offsets (aggressors, 2)


def _aggressor_offsets_um(grid: np.ndarray, drawn_um: np.ndarray, pitch: np.ndarray, nominal: np.ndarray, x):
    """Offsets from each row's detector of aggressor spots at ``grid`` (entries of :data:`_OFFSETS`, in
    pitches ``pitch`` (rows,)) with their drawn offsets ``drawn_um`` (rows, grid's shape): the spot sits
    ``-grid x pitch + drawn`` away, plus the nominal receive-minus-transmit offset ``nominal`` (rows,)
    on its x entries (``x``, a mask of the grid's shape). The one formula of :func:`capture_offsets_um`
    and :func:`outer_ring_gap_um`."""
    out = -grid[None] * pitch.reshape((-1,) + (1,) * grid.ndim) + drawn_um
    out[:, x] += nominal[:, None]
    return out


def _captures_at(offsets_um: np.ndarray, spot_side_um, sigma_um, side_um) -> tuple[np.ndarray, np.ndarray]:
    """Own (rows,) and aggressor (rows, K) captures of the spots at ``offsets_um`` (rows, 1 + K, 2)."""
    n = offsets_um.shape[0]
    both = _spot_captures(offsets_um, _full(spot_side_um, n), _full(sigma_um, n), _full(side_um, n))
    return both[:, 0], both[:, 1:]


def _spot_captures(offsets_um: np.ndarray, spot, sigma, side) -> np.ndarray:
    """Captures (rows, spots) of the spots at ``offsets_um`` (rows, spots, 2): the product of the two
    axes' ``optics.interval_capture``, a group of intervals per row (each interval computed alone:
    a spot's capture does not depend on which other spots are evaluated with it)."""
    n = offsets_um.shape[0]
    flat = offsets_um.reshape(n, offsets_um.shape[1] * offsets_um.shape[2])  # (rows, intervals), also for 0 rows
    along = optics.grouped_interval_capture(flat, spot, sigma, side).reshape(offsets_um.shape)
    return along[..., 0] * along[..., 1]


_OUTER_RING = np.flatnonzero(np.max(np.abs(_OFFSETS), axis=1) == NEIGHBOUR_RADIUS)  # aggressors a ring out
_OUTER_AXIS = np.where(np.abs(_OFFSETS[_OUTER_RING, 0]) == NEIGHBOUR_RADIUS, 0, 1)  # ... along this axis
_INNER_SPOTS = np.setdiff1d(np.arange(1 + len(_OFFSETS)), 1 + _OUTER_RING)  # the own spot, then the inner rings'
_INNER_RING = _INNER_SPOTS[1:] - 1  # aggressors within a ring
NEGLIGIBLE_CROSSTALK = 1e-17  # an outer ring whose crosstalk is provably below this is not evaluated (Chain.captures)


def outer_ring_gap_um(draw: ChannelDraw, pitch_f_um, nominal_offset_um, spot_side_um, side_um) -> np.ndarray:
    r"""The smallest edge-to-edge gap (rows,) between an outer-ring spot and the detector's aperture, each
    spot along the axis on which it is a ring out: :math:`\min_k |c_k| - (s + w)/2`, with :math:`c_k`
    the spot's offset there (the entry of :func:`capture_offsets_um`, computed alone: the same number)."""
    n = draw.rows
    pitch, nominal = _full(pitch_f_um, n), _full(nominal_offset_um, n)
    pairs = draw.aggressor_offset_um.reshape(n, 2 * len(_OFFSETS))  # (x, y) pairs, also for 0 rows
    drawn = np.take(pairs, 2 * _OUTER_RING + _OUTER_AXIS, axis=1)
    along = _aggressor_offsets_um(_OFFSETS[_OUTER_RING, _OUTER_AXIS], drawn, pitch, nominal, _OUTER_AXIS == 0)
    half = 0.5 * (np.asarray(spot_side_um, dtype=float) + np.asarray(side_um, dtype=float))
    return np.min(np.abs(along), axis=1) - half


def outer_ring_bound(gap_um: np.ndarray, swing_ceiling, own_capture, blur_um) -> np.ndarray:
    r"""An upper bound (rows,) on the outer ring's summed crosstalk ratio (:func:`crosstalk_ratio`):
    :math:`\Phi(-g / \sigma) \sum_k \bar r_k / C_{own}`, with :math:`g` the ring's smallest gap
    (:func:`outer_ring_gap_um`), :math:`\bar r_k \ge |r_k|` a ceiling of each outer aggressor's swing
    over this channel's (``swing_ceiling``: their sum (rows,), :meth:`Chain._rings`), :math:`\sigma`
    the blur (rows,) and :math:`C_{own}` the own capture. Every point of an outer spot lies at
    least :math:`g` from the aperture along one axis, so the blurred spot puts at most
    :math:`\Phi(-g/\sigma)` of its light in it (and at most all of it along the other axis). NaN
    where an input is."""
    return np.asarray(swing_ceiling) * ndtr(-gap_um / blur_um) / np.maximum(own_capture, 1e-300)


def _full(value, size: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (size,)).copy()


@dataclass(frozen=True)
class ChannelDraw:
    """The manufacturing draw of one channel per row, and of its aggressors (rows, K).

    Offsets are in um on the fibre face, beyond the nominal misalignment; an absent or dead
    aggressor has efficiency scale 0 (it emits nothing)."""

    efficiency_scale: np.ndarray  # (rows,)
    rate_scale: np.ndarray
    responsivity_scale: np.ndarray
    wavelength_offset_nm: np.ndarray
    own_offset_um: np.ndarray  # (rows, 2): receive minus transmit offset of the channel
    aggressor_efficiency_scale: np.ndarray  # (rows, K)
    aggressor_rate_scale: np.ndarray  # (rows, K)
    aggressor_offset_um: np.ndarray  # (rows, K, 2): this receive offset minus the aggressor's transmit offset
    dead: np.ndarray  # (rows,) bool

    @property
    def rows(self) -> int:
        return int(self.efficiency_scale.shape[0])

    @classmethod
    def nominal(cls, rows: int) -> ChannelDraw:
        """The nominal interior channel: no spread, every aggressor within ``NEIGHBOUR_RADIUS`` present."""
        k = len(_OFFSETS)
        one, ones = np.ones(rows), np.ones((rows, k))
        return cls(one, one, one, np.zeros(rows), np.zeros((rows, 2)), ones, ones, np.zeros((rows, k, 2)),
                   np.zeros(rows, dtype=bool))  # fmt: skip

    @classmethod
    def of_channels(cls, array: Any, variation: ChannelVariation, index: np.ndarray | None = None) -> ChannelDraw:
        """Channels ``index`` (default all) of an array with its drawn ``variation`` and real neighbours."""
        idx, _ = neighbours(array, NEIGHBOUR_RADIUS)
        index = np.arange(len(idx)) if index is None else np.asarray(index)
        agg = idx[index]
        present = agg >= 0
        safe = np.where(present, agg, 0)
        v = variation
        lit = present & ~v.dead[safe]
        return cls(
            efficiency_scale=v.led_efficiency_scale[index],
            rate_scale=v.led_rate_scale[index],
            responsivity_scale=v.responsivity_scale[index],
            wavelength_offset_nm=v.wavelength_offset_nm[index],
            own_offset_um=v.rx_offset_um[index] - v.tx_offset_um[index],
            aggressor_efficiency_scale=np.where(lit, v.led_efficiency_scale[safe], 0.0),
            aggressor_rate_scale=np.where(present, v.led_rate_scale[safe], 1.0),
            aggressor_offset_um=v.rx_offset_um[index][:, None, :] - v.tx_offset_um[safe],
            dead=v.dead[index],
        )

    def take(self, index: np.ndarray) -> ChannelDraw:
        return ChannelDraw(*(getattr(self, f)[index] for f in self.__dataclass_fields__))

    @staticmethod
    def concatenate(draws: list[ChannelDraw]) -> ChannelDraw:
        return ChannelDraw.gathered([(d, np.arange(d.rows)) for d in draws])

    @staticmethod
    def gathered(parts: list[tuple[ChannelDraw, np.ndarray]]) -> ChannelDraw:
        """The rows ``index`` of each ``draw`` of ``parts`` (draw, index), one part after the other: the
        concatenation of the parts' :meth:`take`, in one copy (at least one part; valid indices)."""
        stops = np.cumsum([index.size for _, index in parts])
        values = []
        for name in ChannelDraw.__dataclass_fields__:
            first = getattr(parts[0][0], name)
            out = np.empty((int(stops[-1]),) + first.shape[1:], dtype=first.dtype)
            for (draw, index), stop in zip(parts, stops, strict=True):
                np.take(getattr(draw, name), index, axis=0, out=out[stop - index.size : stop], mode="clip")
            values.append(out)
        return ChannelDraw(*values)


@dataclass(frozen=True)
class ChainStages:
    """The chain at one fibre length, per row: what the decision needs (and the budget reads)."""

    current_0_a: np.ndarray
    current_1_a: np.ndarray
    own_capture: np.ndarray  # with the receive concentrator
    xt_ratio: np.ndarray  # (rows, K)
    samples_a: np.ndarray  # (rows, J, SPAN_BITS) unequalized symbol-spaced pulse, instant 0 nominal
    psd_0: np.ndarray
    psd_1: np.ndarray


@dataclass(frozen=True)
class DesignStages:
    """The length-independent stages of the chain that depend on the design alone, not on the
    channel's draw, per row (:meth:`of`); a block of designs whose channels run in several batches
    of chain rows (the population's stages) computes them once and takes each batch's rows."""

    bit_s: np.ndarray
    launched: np.ndarray  # launched fraction x core fill (no passive loss, no capture)
    concentrate: np.ndarray  # receive concentrator's étendue fraction
    spot_side_um: np.ndarray
    sigma0_um: np.ndarray
    pitch_f_um: np.ndarray
    side_um: np.ndarray
    nominal_offset_um: np.ndarray  # receive minus transmit nominal misalignment (x)
    h_receiver_ctle: np.ndarray  # (rows, F) receiver front end x CTLE on the grid nu
    walk_bits_per_m: np.ndarray  # the fibre's modal walk-off and chromatic spread per metre, in bits
    chrom_bits_per_m: np.ndarray  # (both proportional to the length, fiber_spread_s)
    thermal_a2_per_hz: np.ndarray
    dark_na: np.ndarray
    rin_db_per_hz: np.ndarray  # the LED's relative intensity noise (receiver.level_noise_a2_per_hz)
    autocorr_hz: np.ndarray  # (rows, taps)
    offsets_bits: np.ndarray  # (rows, J) sampling instants
    weights: np.ndarray  # (J,)

    @classmethod
    def of(cls, design: Any, rows: int) -> DesignStages:
        """The stages of ``rows`` rows of ``design`` (a spec: every row the same design; a batch: one
        value per row) on the grid :func:`harmonics_nu`; the receiver, CTLE, noise and jitter once per run of
        rows sharing them (a design's channels are consecutive rows)."""
        n = rows
        rx, eq, link, cpl, fib, arr = (design.receiver, design.equalizer, design.link, design.coupling,
                                       design.fiber, design.array)  # fmt: skip
        bit_s = 1e-9 / _full(link.rate_gbps, n)
        tx = optics.launch(design.led, cpl, fib, arr.pitch_um)
        fill = fiber.core_fill_factor(fib.core_diameter_um, fib.core_pitch_um)
        concentrate = optics.concentrator_fraction(cpl, arr.pitch_um, rx.photodiode_size_um, tx.angular_fill, fib.na)
        first, inverse = _runs(bit_s, *_swept(rx), *_swept(eq))
        rx_d, eq_d, bit_d = _taken(rx, first), _taken(eq, first), bit_s[first]
        rx_col = column_view(rx_d) if isinstance(rx_d, SectionView) else rx_d
        eq_col = column_view(eq_d) if isinstance(eq_d, SectionView) else eq_d
        f_hz = harmonics_nu()[None, :] / bit_d[:, None]
        taps = max(int(np.max(eq.ffe_taps)), 1)
        rj_bits = np.asarray(rx_d.jitter_rms_ps) * 1e-12 / bit_d
        dj_bits = np.asarray(rx_d.jitter_dj_pp_ps) * 1e-12 / bit_d
        offsets, weights = ber.sampling_offsets(rj_bits, dj_bits)
        walk_s, chrom_s = fiber_spread_s(design, np.ones(n), tx.angular_fill)
        return cls(
            bit_s=bit_s,
            launched=_full(tx.launched_fraction * fill, n),
            concentrate=_full(concentrate, n),
            spot_side_um=_full(tx.spot_side_um, n),
            sigma0_um=_full(optics.spot_blur_sigma_um(cpl, fib.core_pitch_um), n),
            pitch_f_um=_full(np.asarray(arr.pitch_um) * cpl.spot_magnification, n),
            side_um=_full(optics.capture_aperture_um(cpl, arr.pitch_um, rx.photodiode_size_um), n),
            nominal_offset_um=_full(np.asarray(cpl.rx_misalignment_um) - np.asarray(cpl.tx_misalignment_um), n),
            h_receiver_ctle=np.broadcast_to(_receiver_ctle(rx_col, eq_col, f_hz), f_hz.shape)[inverse],
            walk_bits_per_m=walk_s / bit_s,
            chrom_bits_per_m=chrom_s / bit_s,
            thermal_a2_per_hz=_full(receiver.thermal_noise_a2_per_hz(rx), n),
            dark_na=_full(rx.dark_current_na, n),
            rin_db_per_hz=_full(design.led.rin_db_per_hz, n),
            autocorr_hz=np.broadcast_to(
                equalizer.noise_autocorrelation_hz(rx_col, eq_col, bit_d[:, None], taps), (first.size, taps)
            )[inverse],
            offsets_bits=np.broadcast_to(offsets, (first.size, offsets.shape[-1]))[inverse],
            weights=weights,
        )

    def take(self, index: np.ndarray) -> DesignStages:
        """Rows ``index`` of these stages."""
        return replace(self, **{f: getattr(self, f)[index] for f in self.__dataclass_fields__ if f != "weights"})


@dataclass(frozen=True)
class Chain:
    """Length-independent stages of the signal chain for a batch of rows (see module Notes)."""

    design: Any  # a spec or a batch whose array leaves have one value per row
    draw: ChannelDraw
    stages: DesignStages  # the stages of each row's design alone
    power_0_w: np.ndarray  # LED power at the bias and peak currents (rows,)
    power_1_w: np.ndarray
    responsivity_a_per_w: np.ndarray
    swing_w: np.ndarray  # the LED's modulated power at the draw's efficiency (dead rows too): the ratios' unit
    inner_swing_ratio: np.ndarray  # (rows, inner ring) aggressor's modulated power over this channel's
    nu: np.ndarray  # (F,) normalised frequencies f T
    h_led: np.ndarray  # (rows, F) LED pulse per watt of swing, first harmonics

    @property
    def rows(self) -> int:
        return self.draw.rows

    @classmethod
    def batched(cls, design: Any, draw: ChannelDraw, stages: DesignStages | None = None) -> Chain:
        """The chain of ``draw.rows`` rows: row i is channel ``draw`` i of design row i of ``design``
        (a spec: every row the same design; a batch: its arrays have ``draw.rows`` values);
        ``stages``: those rows' :class:`DesignStages`, computed here if not given (a caller running
        a block of designs' channels in several batches computes them once, ``DesignStages.take``)."""
        n = draw.rows
        led, link = design.led, design.link
        led_col = column_view(led) if isinstance(led, SectionView) else led
        # the LED at the bias and peak currents (one solve): this channel at unit efficiency (the pulse's
        # swing) and at the draw's, and its inner ring of neighbours at theirs
        inner = [
            np.take(scale, _INNER_RING, axis=1)
            for scale in (draw.aggressor_rate_scale, draw.aggressor_efficiency_scale)
        ]
        rate = np.column_stack([draw.rate_scale, draw.rate_scale, inner[0]])
        efficiency = np.column_stack([np.ones(n), draw.efficiency_scale, inner[1]])
        levels = microled.level_powers_w(led_col, rate, efficiency)
        (unit_0, p0), (unit_1, p1) = ((level[:, 0], level[:, 1]) for level in levels)
        agg = [level[:, 2:] for level in levels]
        swing = np.maximum(p1 - p0, 1e-300)
        responsivity = channel_responsivity_a_per_w(design, draw.wavelength_offset_nm, draw.responsivity_scale)
        led_sps = _full(link.samples_per_bit, n)  # each row's design's sampling of its LED pulse (the full model's)
        nu = harmonics_nu()
        at_design = DesignStages.of(design, n) if stages is None else stages
        h_led = _unit_led_spectrum(led, at_design.bit_s, draw.rate_scale, _full(unit_1 - unit_0, n), led_sps, nu.size)
        return cls(
            design=design,
            draw=draw,
            power_0_w=p0 * ~draw.dead,
            power_1_w=p1 * ~draw.dead,
            responsivity_a_per_w=_full(responsivity, n),
            swing_w=swing,
            inner_swing_ratio=(agg[1] - agg[0]) / swing[:, None],
            stages=at_design,
            nu=nu,
            h_led=h_led,
        )

    @classmethod
    def per_channel(cls, design: Any, variation: ChannelVariation) -> Chain:
        """Every channel of one design (a spec) with its drawn ``variation`` and real neighbours."""
        return cls.batched(design, ChannelDraw.of_channels(design.array, variation))

    _PER_ROW = ("power_0_w", "power_1_w", "responsivity_a_per_w", "swing_w", "inner_swing_ratio", "h_led")

    def take(self, index: np.ndarray, design: Any = None) -> Chain:
        """Rows ``index`` of this chain (``design``: the batch of those rows, default taken here)."""
        values = {name: getattr(self, name)[index] for name in self._PER_ROW}
        if design is None:
            design = take_rows(self.design, index)
        return replace(self, design=design, draw=self.draw.take(index), stages=self.stages.take(index), **values)

    def transfer_function(self, length_m, stages: tuple[str, ...] = ("led", "fiber", "receiver", "ctle")):
        """Product of the named stages' responses on the normalised grid ``nu`` (rows, F): any subset of
        ``led`` (large-signal pulse per watt of swing), ``fiber``, ``receiver`` and ``ctle`` (the chain
        keeps the last two's product; each alone is computed here)."""
        h = np.ones((self.rows, self.nu.size), dtype=complex)
        f_hz = self.nu[None, :] / self.stages.bit_s[:, None]
        rx, eq = (
            column_view(v) if isinstance(v, SectionView) else v for v in (self.design.receiver, self.design.equalizer)
        )
        for stage in stages:
            if stage == "fiber":
                h = h * fiber_transfer_function(self.design, self.nu, _full(length_m, self.rows), self.stages.bit_s)
            elif stage == "receiver":
                h = h * receiver.transfer_function(rx, f_hz)
            elif stage == "ctle":
                h = h * equalizer.ctle_transfer_function(eq, f_hz)
            elif stage == "led":
                h = h * self.h_led
            else:
                raise KeyError(stage)
        return h

    def captures(self, length_m) -> tuple[np.ndarray, np.ndarray]:
        """Own capture (rows,) and each aggressor's capture (rows, K) by this detector, before the
        receive concentrator, at ``length_m``. The outer ring's spots of a row whose outer ring
        provably brings less than :data:`NEGLIGIBLE_CROSSTALK` of its own light (:func:`outer_ring_bound`:
        Gaussian tails 9 and more blur sigmas out, ~1e-19 and below) are not evaluated and capture 0:
        16 of the 25 spots, the same row's value whatever its batch; the others are those of the
        whole row (each spot is computed alone)."""
        own, xt, _ = self._captures(length_m)
        return own, xt

    def _captures(self, length_m) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`captures` and the rows whose outer ring it evaluated."""
        n = self.rows
        sigma = fiber.spread_sigma_um(self.stages.sigma0_um, self.design.fiber.core_coupling_um2_per_m, length_m)
        blur = _full(np.maximum(sigma, optics.MIN_BLUR_UM), n)
        inner_offsets, gap_um, ceiling = self._rings
        inner = _spot_captures(inner_offsets, self.stages.spot_side_um, blur, self.stages.side_um)
        own, xt = inner[:, 0], np.zeros((n, len(_OFFSETS)))
        xt[:, _INNER_RING] = inner[:, 1:]
        lit = np.flatnonzero(~(outer_ring_bound(gap_um, ceiling, own, blur) <= NEGLIGIBLE_CROSSTALK))  # NaN: lit
        if lit.size:
            stages = self.stages
            outer = capture_offsets_um(
                self.draw.take(lit), stages.pitch_f_um[lit], stages.nominal_offset_um[lit], _OUTER_RING
            )
            captured = _spot_captures(outer[:, 1:], stages.spot_side_um[lit], blur[lit], stages.side_um[lit])
            xt[np.ix_(lit, _OUTER_RING)] = captured
        return own, xt, lit

    @property
    def aggressor_swing_ratio(self) -> np.ndarray:
        """Each aggressor's modulated power over this channel's (rows, K), every ring's (the chain
        itself computes the outer ring's only for the rows whose outer ring it evaluates)."""
        return self._swing_ratio(np.arange(self.rows))

    def _swing_ratio(self, lit: np.ndarray) -> np.ndarray:
        """The aggressors' swing ratios (rows, K): the inner ring's, the outer ring's at rows ``lit``
        (0 elsewhere: there the ring's captures are 0)."""
        out = np.zeros((self.rows, len(_OFFSETS)))
        out[:, _INNER_RING] = self.inner_swing_ratio
        if lit.size:
            out[np.ix_(lit, _OUTER_RING)] = self._outer_swing_ratio(lit)
        return out

    def _outer_swing_ratio(self, rows: np.ndarray) -> np.ndarray:
        """The outer ring's swing ratios at ``rows`` (rows, outer ring): its aggressors' LED levels
        (``microled.level_powers_w``, as the inner ring's) over this channel's swing, computed on a
        row's first use and kept (a reach search asks at many lengths)."""
        values, done = self._outer_swings
        need = rows[~done[rows]]
        if need.size:
            led = take_rows(self.design, need).led
            led_col = column_view(led) if isinstance(led, SectionView) else led
            ring = (self.draw.aggressor_rate_scale, self.draw.aggressor_efficiency_scale)
            ring = tuple(scale[np.ix_(need, _OUTER_RING)] for scale in ring)
            p0, p1 = microled.level_powers_w(led_col, *ring)
            values[need] = (p1 - p0) / self.swing_w[need, None]
            done[need] = True
        return values[rows]

    # length-independent factors of at_length, computed on its first call (a reach search calls it
    # at many lengths): the capture geometry and the LED x receiver x CTLE response (the fibre's two
    # time spreads per metre are the design stages')

    @cached_property
    def _outer_swings(self) -> tuple[np.ndarray, np.ndarray]:
        """The outer ring's swing ratios computed so far (rows, outer ring) and which rows hold them."""
        return np.zeros((self.rows, _OUTER_RING.size)), np.zeros(self.rows, dtype=bool)

    @cached_property
    def _rings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The own and inner spots' offsets (rows, 9, 2), the outer ring's smallest gap
        (:func:`outer_ring_gap_um`, rows) and the sum of its aggressors' swing ceilings over this
        channel's swing (rows,): each at most its LED's power at unit IQE at the larger of the bias
        and peak currents (``microled.emitted_power_w``), no operating point solved (the outer
        ring's offsets are computed for the rows whose ring is evaluated alone)."""
        draw, pitch, nominal = self.draw, self.stages.pitch_f_um, self.stages.nominal_offset_um
        led = self.design.led
        efficiency = np.abs(np.take(draw.aggressor_efficiency_scale, _OUTER_RING, axis=1)).sum(axis=1)
        ceiling = microled.emitted_power_w(led, np.maximum(led.bias_current_ma, led.peak_current_ma), efficiency)
        return (
            capture_offsets_um(draw, pitch, nominal, _INNER_RING),
            outer_ring_gap_um(draw, pitch, nominal, self.stages.spot_side_um, self.stages.side_um),
            ceiling / self.swing_w,
        )

    @cached_property
    def _h_led_receiver_ctle(self) -> np.ndarray:
        return self.h_led * self.stages.h_receiver_ctle

    def at_length(self, length_m) -> ChainStages:
        """Every stage at fibre length(s) ``length_m`` (scalar or (rows,))."""
        n, d = self.rows, self.design
        length_m = _full(length_m, n)
        loss_db = passive_loss_db(
            d.fiber.attenuation_db_per_m, length_m, d.link.connectors, d.link.connector_loss_db,
            d.coupling.interface_loss_db, d.link.bend_loss_db,
        )  # fmt: skip
        own, xt, lit = self._captures(length_m)
        xt_ratio = crosstalk_ratio(1.0, self._swing_ratio(lit), xt, own)  # swings relative to this channel's
        own = own * self.stages.concentrate
        gain = self.responsivity_a_per_w * self.stages.launched * 10.0 ** (-loss_db / 10.0) * own
        i0, i1 = self.power_0_w * gain, self.power_1_w * gain
        walk_bits, chrom_bits = (
            per_m * length_m for per_m in (self.stages.walk_bits_per_m, self.stages.chrom_bits_per_m)
        )
        first, inverse = _runs(walk_bits, chrom_bits)  # once per run of rows alike (a design's channels)
        h = fiber.transfer_function(self.nu, walk_bits[first, None], chrom_bits[first, None], np.float32)[inverse]
        h *= self._h_led_receiver_ctle
        peak = sampling.peak_bits(h, SPAN_BITS)
        samples = sampling.symbol_samples(h, peak, SPAN_BITS, PRE_BITS, SPAN_BITS, self.stages.offsets_bits)
        samples *= (i1 - i0)[:, None, None]
        level = (receiver.level_noise_a2_per_hz(i, self.stages.dark_na, self.stages.rin_db_per_hz) for i in (i0, i1))
        psd0, psd1 = (self.stages.thermal_a2_per_hz + s for s in level)
        return ChainStages(i0, i1, own, xt_ratio, samples, psd0, psd1)

    def decide(self, length_m) -> Decision:
        """The channel core (``channel.decide``) at ``length_m``; dead rows get BER 1/2."""
        return self.decision(self.at_length(length_m))

    def decision(self, s: ChainStages) -> Decision:
        """The channel core (``channel.decide``) on this chain's ``stages`` at one length (:meth:`at_length`),
        for a caller that reads both; dead rows get BER 1/2."""
        eq, threshold = self.design.equalizer, self.design.receiver.threshold
        d = decide(
            s.samples_a,
            PRE_BITS,
            s.psd_0,
            s.psd_1,
            self.stages.autocorr_hz,
            s.xt_ratio,
            eq,
            threshold,
            self.stages.weights,
        )
        return replace(d, log10_ber=np.where(self.draw.dead, ber.LOG10_HALF, d.log10_ber))

    def log10_ber(self, length_m) -> np.ndarray:
        """log10 BER (statistical eye with jitter, floored) of every row at ``length_m``."""
        return self.decide(length_m).log10_ber


def take_rows(design: Any, index: np.ndarray) -> Any:
    """Rows ``index`` of a design batch (sections with array leaves); a spec is returned unchanged."""
    if not isinstance(design, SectionView):
        return design
    values = {
        k: (taken_view(v, index) if isinstance(v, SectionView) else v)
        for k, v in design.__dict__.items()
        if k not in ("_spec_type", "size")
    }
    out = type(design).__new__(type(design))
    out.__dict__.update(values)
    out.__dict__["_spec_type"] = design.__dict__["_spec_type"]
    if "size" in design.__dict__:
        out.__dict__["size"] = len(index)
    return out


def _swept(section: Any) -> list[np.ndarray]:
    """The array leaves (one value per row) of a batch section; none of a spec."""
    if not isinstance(section, SectionView):
        return []
    return [v for k, v in section.__dict__.items() if k != "_spec_type" and isinstance(v, np.ndarray)]


def _taken(section: Any, index: np.ndarray) -> Any:
    """Rows ``index`` of a batch section (:func:`taken_view`); a spec section is returned unchanged."""
    return taken_view(section, index) if isinstance(section, SectionView) else section


def _runs(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First row of each run of consecutive rows equal in every column (rows,) and each row's run:
    ``x[first][inverse]`` is ``x`` for any row-wise stage of those columns. A design's channels
    are consecutive rows (:func:`mosaiclink.physics.population.population_columns`), so a stage
    that depends on the design alone runs once per design, in O(rows) (no sort)."""
    rows = columns[0].shape[0]
    change = np.zeros(rows, dtype=bool)
    change[:1] = True
    for column in columns:
        change[1:] |= column[1:] != column[:-1]
    first = np.flatnonzero(change)
    return first, np.cumsum(change) - 1


def _receiver_ctle(receiver_col: Any, equalizer_col: Any, f_hz: np.ndarray) -> np.ndarray:
    """The receiver front end's and the CTLE's responses' product at ``f_hz`` (the chain multiplies the
    LED's spectrum by it)."""
    return receiver.transfer_function(receiver_col, f_hz) * equalizer.ctle_transfer_function(equalizer_col, f_hz)


def _distinct(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One row of each distinct row of ``key`` (rows, columns) and each row's distinct row:
    ``x[first][inverse]`` is ``x`` for any row-wise stage of those columns. A lexicographic sort
    of the columns (``np.unique(axis=0)`` sorts the rows as raw bytes, 20x slower on a few
    columns). A batch whose rows are all distinct (a hypercube's designs x anchors) is recognised
    first by one weighted sum of the columns, sorted: equal rows have equal sums, so sums all
    distinct prove the rows are (a NaN sum counts as distinct: its row computed alone, as the sort
    would); any tie takes the sort."""
    rows = key.shape[0]
    with np.errstate(all="ignore"):
        scale = np.maximum(np.max(np.where(np.isfinite(key), np.abs(key), 0.0), axis=0, initial=0.0), 1e-300)
        summary = key[:, 0] / scale[0]
        for c in range(1, key.shape[1]):
            summary = summary + key[:, c] * ((1.0 + 0.6180339887498949 * c) / scale[c])
    summary.sort()
    if np.all(summary[1:] != summary[:-1]):
        every = np.arange(rows)
        return every, every
    order = np.lexsort(key.T)
    ordered = key[order]
    new = np.ones(rows, dtype=bool)
    new[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    inverse = np.empty(rows, dtype=np.intp)
    inverse[order] = np.cumsum(new) - 1
    return order[new], inverse


def _unit_led_spectrum(
    led: Any, bit_s: np.ndarray, rate_scale: np.ndarray, swing_w: np.ndarray, led_sps: np.ndarray, size: int
):
    """First ``size`` harmonics (rows, size) of the LED's large-signal isolated-bit pulse over
    ``SPAN_BITS`` bits per watt of swing (:func:`microled.grid_pulse_harmonics` of its ``led_sps``
    (rows,) samples per bit: each row's design's own, as the full model samples it), integrated once
    per distinct (LED, bit period, rate scale, sampling) of the batch: a sweep over lengths, fibres,
    receivers or spares shares one rate-equation solution, and a row's pulse does not depend on the
    others of its batch. The pulse stays time-major (the rate equation's layout), without the
    (rows, samples) time grid the general :func:`microled.pulse_response_w` reads, and is
    transformed block by block as it is integrated; it is divided by the swing after its transform
    (linear: on ``size`` harmonics instead of every sample)."""
    fields = {k: v for k, v in led.__dict__.items() if k != "_spec_type"} if isinstance(led, SectionView) else {}
    swept = [k for k, v in fields.items() if isinstance(v, np.ndarray)]
    key = np.column_stack([np.broadcast_to(fields[k], bit_s.shape) for k in swept] + [bit_s, rate_scale, led_sps])
    first, inverse = _distinct(key)
    per_watt = np.empty((first.size, size), dtype=complex)
    for sps in np.unique(led_sps[first]):  # a loop over the batch's samplings, not its rows
        where = np.flatnonzero(led_sps[first] == sps)
        rows = first[where]
        distinct = led
        if fields:
            distinct = SectionView(
                led.__dict__["_spec_type"], {k: (v[rows] if k in swept else v) for k, v in fields.items()}
            )
        per_watt[where] = microled.grid_pulse_harmonics(
            distinct, bit_s[rows], int(sps), SPAN_BITS, size, rate_scale[rows], np.maximum(swing_w[rows], 1e-300)
        )
    return per_watt[inverse]
