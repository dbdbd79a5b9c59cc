"""Coupling optics: Lambertian emission into a fibre NA, lens gain, étendue limit, and the
capture of a blurred spot by a square aperture (misalignment and crosstalk).

Notes
-----
A source with far field :math:`I(\\theta) \\propto \\cos^m\\theta` puts the fraction

.. math:: \\eta = 1 - \\cos^{m+1}\\theta_a = 1 - (1 - \\mathrm{NA}^2)^{(m+1)/2}

of its power inside the acceptance cone :math:`\\sin\\theta_a = \\mathrm{NA}` (fibre in air). For
a Lambertian source (m = 1) this is the textbook :math:`\\eta = \\mathrm{NA}^2` (Senior, *Optical
Fiber Communications*, 3rd ed., eq. 7.7). A lens raises the coupling by a gain factor (a plain
microlens, and the MOSAIC TIR micro-optic at > 2x the microlens [S2]) but cannot beat étendue
conservation: the coupled fraction is at most
:math:`(A_{\\text{accept}}\\,\\pi \\mathrm{NA}^2)/(A_{\\text{LED}}\\,\\pi)`, the accepting area on the
fibre face (one channel cell, pitch²) times its projected solid angle over the Lambertian
source's étendue (Chaves, *Introduction to Nonimaging Optics*, 2nd ed., ch. 1).

Spots are modelled as 2-D Gaussians of per-axis rms width :math:`\\sigma`; a uniform disc of
radius :math:`r` has per-axis variance :math:`r^2/4`, added in quadrature to the optical blur.
The power a square aperture of side :math:`w` centred at offset :math:`(x, y)` from the spot
captures is separable:
:math:`[\\Phi((x + w/2)/\\sigma) - \\Phi((x - w/2)/\\sigma)]\\,[\\ldots y \\ldots]`.
Valid for paraxial imaging with aberrations folded into one Gaussian blur.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from mosaiclink.config.batched import Batchable
from mosaiclink.config.design import CouplingSpec


def lambertian_coupling(na, lambertian_order=1.0):
    """Fraction of a cos^m emitter's power inside the acceptance cone sin(theta) = NA (in air)."""
    na = np.asarray(na, dtype=float)
    return 1.0 - (1.0 - na * na) ** ((np.asarray(lambertian_order, dtype=float) + 1.0) / 2.0)


def lens_gain(coupling: Batchable[CouplingSpec]) -> float:
    """Coupling gain of the transmit optic over bare butt coupling."""
    return {
        "none": 1.0,
        "microlens": coupling.microlens_gain,
        "tir": coupling.microlens_gain * coupling.tir_gain_vs_microlens,
    }[coupling.lens]


def etendue_limit(accept_area_um2, na, source_area_um2):
    """Maximum coupled fraction allowed by étendue: A_accept NA^2 / A_source (Lambertian source)."""
    return (
        np.asarray(accept_area_um2, dtype=float)
        * np.asarray(na, dtype=float) ** 2
        / np.asarray(source_area_um2, dtype=float)
    )


def launch_coupling(coupling: Batchable[CouplingSpec], na, lambertian_order, cell_area_um2, source_area_um2):
    """Fraction of LED power launched inside the fibre NA: min(gain * eta_Lambertian, étendue, 1)."""
    eta = lens_gain(coupling) * lambertian_coupling(na, lambertian_order)
    return np.minimum(np.minimum(eta, etendue_limit(cell_area_um2, na, source_area_um2)), 1.0)


def spot_sigma_um(image_diameter_um, blur_um):
    """Per-axis rms width of a uniform disc image of the given diameter blurred by a Gaussian."""
    radius = 0.5 * np.asarray(image_diameter_um, dtype=float)
    return np.sqrt(radius**2 / 4.0 + np.asarray(blur_um, dtype=float) ** 2)


def square_aperture_capture(offset_x_um, offset_y_um, sigma_um, side_um):
    """Fraction of a Gaussian spot (rms sigma per axis) collected by a square aperture of side w.

    Offsets are aperture centre minus spot centre; broadcasts over all arguments.
    """
    return interval_capture(offset_x_um, sigma_um, side_um) * interval_capture(offset_y_um, sigma_um, side_um)


def interval_capture(offset_um, sigma_um, side_um):
    """Fraction of a 1-D Gaussian (rms sigma) within an interval of width ``side_um`` centred
    ``offset_um`` away: one axis of :func:`square_aperture_capture` (the spot is separable)."""
    half = 0.5 * np.asarray(side_um, dtype=float)
    s = np.asarray(sigma_um, dtype=float)
    x = np.asarray(offset_um, dtype=float)
    return ndtr((x + half) / s) - ndtr((x - half) / s)
