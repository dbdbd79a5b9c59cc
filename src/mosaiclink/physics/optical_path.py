"""Per-channel optical path from each microLED to each photodiode: the optical train's launch,
core fill, fibre and connector loss, spot spreading, own capture and the crosstalk capture by the
real neighbours' receive apertures.

Notes
-----
Geometry lives on the fibre face: the arrays are imaged with scale M (``spot_magnification``),
so the channel pitch there is :math:`pM`. The transmit optic (:func:`mosaiclink.physics.optics.launch`)
fixes the launched fraction, the angular fill and the spot (a square top-hat of side :math:`s`,
blurred by the relay and the core lattice, :math:`\\sigma_0`). An imaging fibre preserves position,
so the output spot of channel j sits where it was launched (nominal position plus its transmit
offset) with blur :math:`\\sigma_j(L) = \\sqrt{\\sigma_0^2 + sL}` (see :mod:`mosaiclink.physics.fiber`),
and the receive aperture of channel i (nominal position plus its receive offset) collects the
fraction :func:`~mosaiclink.physics.optics.square_capture` of it: the own capture for i = j, the
crosstalk for i != j, each times the receive concentrator's étendue fraction. The end-to-end optical
gain of channel i is

.. math:: G_i = \\eta_{launch}\\,F_{core}\\,10^{-(\\alpha L + n_c L_c + L_{if})/10}\\,C_{ii}

The same launched light lands in the neighbours' apertures with :math:`C_{ij}`; light outside
any aperture is lost (a property test checks that the captures never sum above one). Validity: as
the component models; values below about -60 dB are only indicative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import ModelRangeError
from mosaiclink.physics import fiber, microled, optics
from mosaiclink.physics.array import ChannelVariation, neighbours
from mosaiclink.physics.budget import passive_loss_db
from mosaiclink.physics.chain import NEIGHBOUR_RADIUS, ChannelDraw, captures, fits_fibre, image_diagonal_um


@dataclass(frozen=True)
class OpticalPath:
    """Per-channel optical quantities (arrays over channels unless stated)."""

    launch_coupling: float  # fraction of LED power launched inside the accepted cone (before the core fill)
    angular_fill: float  # fraction of the fibre's NA^2 filled by the launch (sets modal walk-off)
    core_fill: float  # core-area fraction of the lattice
    passive_loss_db: float  # fibre + connectors + interfaces, dB
    spot_side_um: float  # side of the square top-hat spot on the fibre face
    spot_sigma_um: np.ndarray  # (channels,) blur rms of the spot at the fibre output
    capture_side_um: float  # side of the receive aperture on the fibre face
    cores_per_channel: float  # cores under the launched spot (nominal)
    own_capture: np.ndarray  # (channels,)
    launched_to_detector: np.ndarray  # (channels,) launch x fill x passive transmission (no capture)
    neighbour_index: np.ndarray  # (channels, K) aggressor indices, -1 for none
    crosstalk_capture: np.ndarray  # (channels, K) fraction of aggressor k's launched light in this detector
    skew_s: np.ndarray  # (channels,)

    @property
    def optical_gain(self) -> np.ndarray:
        """End-to-end power transmission from LED to own photodiode."""
        return self.launched_to_detector * self.own_capture


def check_fits_fibre(design: MosaicDesign) -> None:
    """Raise ModelRangeError if the imaged array does not fit in the fibre's image field."""
    if not fits_fibre(design):
        fib = design.fiber
        diagonal, field = (float(v) for v in image_diagonal_um(design))
        raise ModelRangeError(
            f"array image diagonal = {diagonal:.0f} um on the fibre face exceeds the fibre's image field "
            f"({field:.0f} um from {fib.core_count} cores at {fib.core_pitch_um} um pitch): "
            "raise fiber.core_count or lower coupling.spot_magnification"
        )


def optical_path(design: MosaicDesign, variation: ChannelVariation) -> OpticalPath:
    """Compute the optical path of every channel (vectorized)."""
    check_fits_fibre(design)
    cpl, fib, arr, rx, link = design.coupling, design.fiber, design.array, design.receiver, design.link
    pitch_f = arr.pitch_um * cpl.spot_magnification
    tx = optics.launch(design.led, cpl, fib, arr.pitch_um)
    fill = float(fiber.core_fill_factor(fib.core_diameter_um, fib.core_pitch_um))
    passive_db = float(
        passive_loss_db(
            fib.attenuation_db_per_m,
            link.length_m,
            link.connectors,
            link.connector_loss_db,
            cpl.interface_loss_db,
            link.bend_loss_db,
        )
    )
    sigma0 = float(optics.spot_blur_sigma_um(cpl, fib.core_pitch_um))
    sigma = np.full(
        arr.total_channels, float(fiber.spread_sigma_um(sigma0, fib.core_coupling_um2_per_m, link.length_m))
    )
    side_spot = float(tx.spot_side_um)
    side_rx = float(optics.capture_aperture_um(cpl, arr.pitch_um, rx.photodiode_size_um))
    concentrate = float(optics.concentrator_fraction(cpl, arr.pitch_um, rx.photodiode_size_um, tx.angular_fill, fib.na))
    idx, _ = neighbours(arr, NEIGHBOUR_RADIUS)
    own, xt = captures(
        ChannelDraw.of_channels(arr, variation),
        pitch_f,
        cpl.rx_misalignment_um - cpl.tx_misalignment_um,
        side_spot,
        sigma,
        side_rx,
    )
    own, xt = concentrate * own, np.where(idx >= 0, concentrate * xt, 0.0)
    launched = np.full(arr.total_channels, float(tx.launched_fraction) * fill * 10.0 ** (-passive_db / 10.0))
    return OpticalPath(
        launch_coupling=float(tx.launched_fraction),
        angular_fill=float(tx.angular_fill),
        core_fill=fill,
        passive_loss_db=passive_db,
        spot_side_um=side_spot,
        spot_sigma_um=sigma,
        capture_side_um=side_rx,
        cores_per_channel=float(fiber.cores_in_spot(side_spot, sigma0, fib.core_pitch_um)),
        own_capture=own,
        launched_to_detector=launched,
        neighbour_index=idx,
        crosstalk_capture=xt,
        skew_s=fiber.skew_s(
            link.length_m,
            fiber.core_group_index(fib.core_index, microled.peak_wavelength_nm(design.led)),
            variation.length_offset_fraction,
        ),
    )


def led_levels_w(design: MosaicDesign, variation: ChannelVariation) -> tuple[np.ndarray, np.ndarray]:
    """Steady LED optical power (W) at the bias ('0') and peak ('1') currents, per channel.

    Dead channels emit nothing."""
    alive = ~variation.dead
    p0 = microled.operating_point(
        design.led, design.led.bias_current_ma, variation.led_rate_scale, variation.led_efficiency_scale
    )["power_w"]
    p1 = microled.operating_point(
        design.led, design.led.peak_current_ma, variation.led_rate_scale, variation.led_efficiency_scale
    )["power_w"]
    return p0 * alive, p1 * alive
