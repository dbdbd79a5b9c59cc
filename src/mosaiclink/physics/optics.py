r"""The optical train, from one étendue budget: per-emitter micro-optic, relay onto the fibre face,
and the receive optic; the launched fraction, spot, angular fill and capture all follow from it.

Notes
-----
*Étendue.* A Lambertian emitter of area :math:`A_{LED}` in air has étendue
:math:`\pi A_{LED}`; no passive optic can reduce the étendue its light occupies, so light put into
an area :math:`A` within a cone :math:`\sin\theta \le s` (étendue :math:`\pi A s^2`) carries at most
the fraction :math:`A s^2/A_{LED}` of the emitter's power (Chaves, *Introduction to Nonimaging
Optics*, 2nd ed., ch. 1-2; Welford & Winston, *High Collection Nonimaging Optics*, ch. 2). For a
:math:`\cos^m\theta` emitter the on-axis radiance is :math:`(m+1)/2` times the Lambertian one and the
bound grows by that factor.

*Transmit, with a micro-optic* (``lens`` = ``microlens`` or ``tir``). Each emitter sits under a
square collimating micro-optic of aperture side :math:`a = \kappa p` (fraction :math:`\kappa` of the
array pitch :math:`p`) that collects the fraction :math:`\eta_c` of its light. Étendue conservation
sets the divergence of the beam leaving the aperture,

.. math:: \sin^2\theta_{beam} = \min\!\left(1,\ D\,\eta_c\,A_{LED}/a^2\right),

with :math:`D \ge 1` the optic's étendue dilution (1 = ideal); a micro-optic too small to hold the
collected étendue (:math:`D\eta_c A_{LED} > a^2`) passes only the cone of étendue :math:`\pi a^2/D`. For a
:math:`\cos^m` emitter :math:`\eta_c A_{LED}` reads :math:`A_{LED}\sin^2\theta_c`, the étendue of the cone holding
the fraction :math:`\eta_c` (:func:`cone_sin2`). A relay of
magnification :math:`M` images the aperture onto the fibre face: the spot is a square of side
:math:`Ma` and, by the Lagrange invariant, :math:`\sin\theta_{face} = \sin\theta_{beam}/M`. The relay's
image-side numerical aperture :math:`r` (its stop) and the fibre NA accept
:math:`\sin\theta \le \min(r, \mathrm{NA})`, so for light uniform in :math:`\sin^2\theta` (a
Lambertian source through lossless optics)

.. math:: \eta_{launch} = \eta_c \min\!\left(1, \frac{\min(r,\mathrm{NA})^2}{\sin^2\theta_{face}}\right),
          \qquad f = \frac{\min(\sin^2\theta_{face}, r^2, \mathrm{NA}^2)}{\mathrm{NA}^2}

where :math:`f` is the angular fill of the fibre's :math:`\mathrm{NA}^2` that sets the modal walk-off
(:func:`mosaiclink.physics.fiber.modal_walkoff_s`). Coupling and walk-off are bought with the same
currency: a smaller stop lowers both. The launched power obeys
:math:`\eta_{launch} \le (Ma)^2 f\,\mathrm{NA}^2/A_{LED}` by construction (a property test checks it).

*Transmit, bare* (``lens = "none"``). The relay images the emitter itself: the object-side
acceptance is :math:`\sin\theta_a = \min(1, M\min(r, \mathrm{NA}))`, the launched fraction is the
:math:`\cos^m` emitter's power inside it, :math:`1-(1-\sin^2\theta_a)^{(m+1)/2}` (Senior, *Optical
Fiber Communications*, 3rd ed., eq. 7.7 for m = 1), the spot is the emitter's image (a disc of
diameter :math:`Md`, modelled as the square of equal area) and :math:`f = \min(1/M^2, r^2,
\mathrm{NA}^2)/\mathrm{NA}^2`.

*Spot on the fibre face.* A square top-hat of side :math:`s` (per axis a rectangle) blurred by a
Gaussian of rms :math:`\sigma` per axis: the relay's blur, the core lattice's sampling of the image
(each core re-emits the light that fell on its cell: :math:`a_c^2/12` per axis for core pitch
:math:`a_c`) and, along the fibre, inter-core spreading. The power an aperture interval of width
:math:`w` centred :math:`c` away collects per axis is, with :math:`G(t) = t\Phi(t) + \phi(t)` the
antiderivative of :math:`\Phi`,

.. math:: P = \frac{\sigma}{s}\left[G\!\left(\tfrac{c+w/2+s/2}{\sigma}\right)
          - G\!\left(\tfrac{c-w/2+s/2}{\sigma}\right) - G\!\left(\tfrac{c+w/2-s/2}{\sigma}\right)
          + G\!\left(\tfrac{c-w/2-s/2}{\sigma}\right)\right]

and the square aperture collects the product of both axes (the profile is separable). As
:math:`s \to 0` it is the Gaussian interval capture.

*Receive.* The relay images the fibre face back onto the detector array (scale :math:`1/M`). With a
receive micro-optic the collecting aperture is the lenslet (side :math:`\kappa p`, :math:`\kappa p M`
on the fibre face), which concentrates onto the photodiode what its étendue allows:
:math:`\min(1, A_{PD}/(a^2 \sin^2\theta_{det}))` with :math:`\sin\theta_{det} = M\sqrt f\,\mathrm{NA}`
(no mode mixing: light leaves the cores at the angles it entered). Without one the photodiode
itself is the aperture.

Validity: paraxial relay, aberrations folded into one Gaussian blur, beams uniform in
:math:`\sin^2\theta` (conservative for :math:`m > 1`); crosstalk below about -60 dB is indicative only.

Examples
--------
>>> from mosaiclink.config.presets import load_preset
>>> from mosaiclink.physics import optics
>>> d = load_preset("mosaic-800g")
>>> train = optics.launch(d.led, d.coupling, d.fiber, d.array.pitch_um)
>>> round(float(train.launched_fraction), 3), round(float(train.angular_fill), 3)
(0.38, 0.181)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import erfcx, ndtr

from mosaiclink.config.batched import Batchable
from mosaiclink.config.design import CouplingSpec, FiberSpec, MicroLedSpec
from mosaiclink.physics._compiled import CompileGate

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)
_SQRT_HALF = np.sqrt(0.5)


def _f(value) -> np.ndarray:
    return np.asarray(value, dtype=float)


@dataclass(frozen=True)
class Launch:
    """The transmit side of the optical train (floats, or arrays over designs)."""

    launched_fraction: Any  # fraction of LED power inside the fibre's accepted cone, before the core fill
    angular_fill: Any  # fraction f of the fibre's NA^2 that the launched light fills (sets walk-off)
    spot_side_um: Any  # side of the square top-hat spot on the fibre face
    face_sin2: Any  # sin^2 of the beam's full angle on the fibre face, before the stop
    collected_fraction: Any  # micro-optic collection after its own étendue cap (1 for a bare LED)
    source_sin2: Any  # sin^2 of the emitter-side cone the optic takes in (collected cone, or the relay's)


def led_area_um2(diameter_um):
    """Emitting area of a circular mesa."""
    return np.pi * (0.5 * _f(diameter_um)) ** 2


def lens_aperture_um(coupling: Batchable[CouplingSpec], pitch_um):
    """Side of the square per-emitter micro-optic: ``lens_aperture_fraction`` of the pitch."""
    return _f(coupling.lens_aperture_fraction) * _f(pitch_um)


def lambertian_coupling(sin_accept, lambertian_order=1.0):
    """Fraction of a cos^m emitter's power inside sin(theta) <= ``sin_accept`` (in air)."""
    s = np.minimum(_f(sin_accept), 1.0)
    return 1.0 - (1.0 - s * s) ** ((_f(lambertian_order) + 1.0) / 2.0)


def accepted_sin(coupling: Batchable[CouplingSpec], na):
    """sin of the largest angle accepted on the fibre face: the relay stop or the fibre NA."""
    return np.minimum(_f(coupling.relay_na), _f(na))


def cone_sin2(fraction, lambertian_order=1.0):
    """sin^2 of the cone holding ``fraction`` of a cos^m emitter's power: the inverse of
    :func:`lambertian_coupling` (equal to the fraction for a Lambertian emitter)."""
    return 1.0 - (1.0 - np.minimum(_f(fraction), 1.0)) ** (2.0 / (_f(lambertian_order) + 1.0))


def launch(
    led: Batchable[MicroLedSpec], coupling: Batchable[CouplingSpec], fiber: Batchable[FiberSpec], pitch_um
) -> Launch:
    """Launched fraction, angular fill and spot of the transmit optic (see module Notes).

    Works element-wise: every argument's leaves may be arrays over designs.
    """
    area_led = led_area_um2(led.diameter_um)
    order = _f(led.lambertian_order)
    m = _f(coupling.spot_magnification)
    na = _f(fiber.na)
    accept = accepted_sin(coupling, na)
    if coupling.lens == "none":
        source_sin2 = np.minimum(m * accept, 1.0) ** 2
        face_sin2 = 1.0 / (m * m)
        fraction = lambertian_coupling(m * accept, order)
        side = m * np.sqrt(area_led)
        collected = np.ones_like(fraction)
    else:
        aperture = lens_aperture_um(coupling, pitch_um)
        dilution = _f(coupling.etendue_dilution)
        # the collected cone's étendue pi A_LED sin^2(theta_c), capped by what the aperture can emit
        source_sin2 = np.minimum(cone_sin2(coupling.collection_efficiency, order), aperture**2 / (dilution * area_led))
        collected = lambertian_coupling(np.sqrt(source_sin2), order)
        beam_sin2 = dilution * source_sin2 * area_led / (aperture * aperture)
        face_sin2 = beam_sin2 / (m * m)
        fraction = collected * np.minimum(1.0, accept * accept / face_sin2)
        side = m * aperture
    # the fill as a ratio of sines (squared), not of their squares: sin^2 of an NA below ~1e-154 is 0
    fill = (np.minimum(np.minimum(np.sqrt(face_sin2), accept), na) / na) ** 2
    return Launch(
        launched_fraction=fraction,
        angular_fill=fill,
        spot_side_um=side * np.ones_like(fill),
        face_sin2=face_sin2 * np.ones_like(fill),
        collected_fraction=collected,
        source_sin2=source_sin2 * np.ones_like(fill),
    )


def etendue_bound(launch_result: Launch, led: Batchable[MicroLedSpec], na):
    """Largest launched fraction étendue allows for the spot and fill used downstream:
    R (spot area) f NA^2 / A_LED, with R the emitter's largest radiance inside the collected cone
    relative to a Lambertian emitter of equal power ((m+1)/2 on axis for m >= 1, at the cone's
    edge for m < 1; see module Notes)."""
    order = _f(led.lambertian_order)
    edge = np.maximum(1.0 - _f(launch_result.source_sin2), 1e-300) ** ((order - 1.0) / 2.0)
    peak_radiance = (order + 1.0) / 2.0 * np.maximum(edge, 1.0)
    spot = _f(launch_result.spot_side_um)
    return peak_radiance * spot * spot * _f(launch_result.angular_fill) * _f(na) ** 2 / led_area_um2(led.diameter_um)


def spot_blur_sigma_um(coupling: Batchable[CouplingSpec], core_pitch_um):
    """Per-axis rms blur of the spot at the fibre input: relay blur and the core lattice's sampling."""
    return np.sqrt(_f(coupling.spot_blur_um) ** 2 + _f(core_pitch_um) ** 2 / 12.0)


def capture_aperture_um(coupling: Batchable[CouplingSpec], pitch_um, photodiode_size_um):
    """Side, on the fibre face, of the aperture collecting one channel's light at the receiver:
    the receive micro-optic (same lenslets as the transmitter), or the bare photodiode."""
    m = _f(coupling.spot_magnification)
    if coupling.lens == "none":
        return m * _f(photodiode_size_um)
    return m * lens_aperture_um(coupling, pitch_um)


def concentrator_fraction(coupling: Batchable[CouplingSpec], pitch_um, photodiode_size_um, angular_fill, na):
    """Fraction of the light in the receive lenslet that it can concentrate onto the photodiode
    (étendue: A_PD / (a^2 sin^2 theta_det), at most 1); 1 without a micro-optic (see module Notes)."""
    if coupling.lens == "none":
        return np.ones_like(_f(angular_fill))
    aperture = lens_aperture_um(coupling, pitch_um)
    sin2_det = _f(coupling.spot_magnification) ** 2 * _f(angular_fill) * _f(na) ** 2
    return np.minimum(1.0, _f(photodiode_size_um) ** 2 / np.maximum(aperture * aperture * sin2_det, 1e-300))


_TAIL_WIDTH = 0.125  # the tail table's interval in a (see interval_capture)
_TAIL_DEGREE = 8  # degree of its polynomial on each interval
_TAIL_A_MAX = 39.0  # exp(-a^2/2) is 0.0 in float64 from a = 38.61 on: the table ends here
MIN_BLUR_UM = 1e-9  # the blur the capture takes at least (a sharper spot is a step at this scale)
_CF_TERMS = 200  # of the Mills-ratio continued fraction: converged to rounding for a >= 2
COMPILED_CAPTURES = 100_000  # from this many intervals on (2,000 rows of the chain) the compiled loops run
_CAPTURE_GATE = CompileGate(COMPILED_CAPTURES)
_CAPTURE_BLOCK = 4096  # intervals per block of the capture's temporaries


def tail_factor(a) -> np.ndarray:
    r""":math:`P(a) = e^{a^2/2} G(-a)` for :math:`a \ge 0`, to near rounding: the erfcx form
    :math:`1/\sqrt{2\pi} - (a/2)\,\mathrm{erfcx}(a/\sqrt 2)` below :math:`a = 2` (its cancellation
    costs at most a factor 5 of rounding there), the continued fraction
    :math:`K/(\sqrt{2\pi}(a + K))`, :math:`K = 1/(a + 2/(a + 3/(a + \ldots)))`, above (Laplace's
    continued fraction of the Mills ratio :math:`\Phi(-a)/\phi(a) = 1/(a + K)`, Abramowitz & Stegun
    26.2.14), where the erfcx form would lose :math:`\log_{10} a^2` digits."""
    a = _f(a)
    far = np.maximum(a, 2.0)
    k = np.zeros_like(a)
    for j in range(_CF_TERMS, 1, -1):  # backward recurrence of the fraction's tail
        k = j / (far + k)
    k = 1.0 / (far + k)
    fraction = k / (np.sqrt(2.0 * np.pi) * (far + k))
    return np.where(a < 2.0, _INV_SQRT_2PI - 0.5 * a * erfcx(a * _SQRT_HALF), fraction)


def _tail_table() -> np.ndarray:
    """Power-basis coefficients (intervals, degree + 1; highest first) of :func:`tail_factor` on each
    ``_TAIL_WIDTH`` interval in the local variable t in [-1, 1]: the Chebyshev interpolant at the
    points of the first kind (Trefethen, *Approximation Theory and Approximation Practice*, ch. 3-4),
    converted to powers of t (well conditioned: P is entire and the intervals are short)."""
    n = _TAIL_DEGREE + 1
    k = np.arange(n)
    nodes = np.cos(np.pi * (k + 0.5) / n)
    left = np.arange(round(_TAIL_A_MAX / _TAIL_WIDTH)) * _TAIL_WIDTH
    values = tail_factor(left[:, None] + 0.5 * (nodes[None, :] + 1.0) * _TAIL_WIDTH)
    chebyshev = values @ np.cos(np.pi * np.outer(k, k + 0.5) / n).T * (2.0 / n)
    chebyshev[:, 0] *= 0.5
    to_power = np.zeros((n, n))  # row j: T_j in powers of t
    for j in range(n):
        to_power[j, : j + 1] = np.polynomial.chebyshev.cheb2poly(np.eye(n)[j, : j + 1])
    return np.ascontiguousarray((chebyshev @ to_power)[:, ::-1])


_TAIL_TABLE = _tail_table()


def _edges(offset, spot_side, sigma, width):
    """The four edges of each interval of ``offset`` (groups, M) in units of its group's blur,
    clamped to ``_TAIL_A_MAX`` in magnitude (4, groups M), -a^2/2 of each and the second difference
    of their linear parts max(t, 0) (groups M,): the NumPy twin of ``_capture_kernel.edges`` (the
    same operations in the same order)."""
    half_w, half_s, per_sigma = (v[:, None] for v in (0.5 * width, 0.5 * spot_side, 1.0 / sigma))
    t = np.stack(
        [offset + half_w + half_s, offset - half_w + half_s, offset + half_w - half_s, offset - half_w - half_s]
    )
    t *= per_sigma
    t = t.reshape(4, -1)
    lin = np.maximum(t, 0.0)
    linear = lin[0] - lin[1] - lin[2] + lin[3]
    a = np.minimum(np.abs(t), _TAIL_A_MAX)
    return a, -0.5 * a * a, linear


def _blurred(a, gauss, linear, spot_side, sigma, table, width):
    """The blurred capture, clipped to [0, 1] (groups, M), from the edges, their Gaussian factors
    exp(-a^2/2) and the linear part: the NumPy twin of ``_capture_kernel.blurred``."""
    j = np.minimum((a * (1.0 / width)).astype(np.intp), table.shape[0] - 1)
    t = (a - j * width) * (2.0 / width) - 1.0
    p = table[j, 0]
    for k in range(1, table.shape[1]):
        p = p * t + table[j, k]
    tail = (gauss * p).reshape(4, spot_side.size, -1)
    value = (sigma / spot_side)[:, None] * (
        linear.reshape(spot_side.size, -1) + (tail[0] - tail[1] - tail[2] + tail[3])
    )
    return np.clip(value, 0.0, 1.0)


def _groups(shape: tuple[int, ...], parameters) -> int:
    """The number of leading axes of ``shape`` along which the ``parameters`` vary (they are
    constant along the rest): intervals come in groups sharing the spot, blur and width."""
    lead = 0
    for p in parameters:
        p_shape = (1,) * (len(shape) - np.ndim(p)) + np.shape(p)
        varying = [axis for axis, size in enumerate(p_shape) if size != 1]
        lead = max(lead, varying[-1] + 1 if varying else 0)
    return lead


def interval_capture(offset_um, spot_side_um, sigma_um, width_um, compiled: bool | None = None):
    r"""Fraction of a blurred top-hat (side ``spot_side_um``, Gaussian rms ``sigma_um``) within an
    interval of width ``width_um`` centred ``offset_um`` away: one axis of the square capture.

    Broadcasts over all arguments; a spot side of 0 gives the Gaussian interval capture.

    Notes
    -----
    The second difference of :math:`G(t) = t\Phi(t) + \phi(t)` over the four edges (module Notes),
    each :math:`G(t)` split as :math:`\max(t, 0) + T(|t|)` so that far-tail differences do not
    cancel, with the tail :math:`T(a) = G(-a) = \phi(a) - a\Phi(-a) = e^{-a^2/2} P(a)`. :math:`P`
    (:func:`tail_factor`) is smooth and slowly varying (from :math:`1/\sqrt{2\pi}` at 0 to
    :math:`1/(\sqrt{2\pi} a^2)` far out), so it is tabulated at import as polynomial interpolants
    on intervals of ``_TAIL_WIDTH`` up to ``_TAIL_A_MAX`` (:func:`_tail_table`), where
    :math:`e^{-a^2/2}` has underflowed to 0: one ``exp`` and one polynomial per edge, no ``erfcx``.
    :math:`T` keeps its relative precision in the far tail (to the rounding of :math:`a^2/2`
    in the exponent); the erfcx formulation is the tests' oracle. A spot much narrower than its
    blur (:math:`s < 10^{-3}\sigma`) is the Gaussian of the same variance
    :math:`\sigma^2 + s^2/12`, exact to :math:`O((s/\sigma)^4)`, where the second difference would
    cancel. From ``COMPILED_CAPTURES`` intervals on (or once Numba is loaded) the edges and tails
    run as compiled loops (:mod:`mosaiclink.physics._capture_kernel`) with the same operations in
    the same order (identical results); ``compiled`` forces the choice.
    """
    parameters = (spot_side_um, sigma_um, width_um)
    shape = np.broadcast_shapes(np.shape(offset_um), *(np.shape(v) for v in parameters))
    lead = _groups(shape, parameters)
    size = int(np.prod(shape, dtype=np.int64))
    per_group = int(np.prod(shape[lead:], dtype=np.int64))
    if per_group > _CAPTURE_BLOCK:  # few large groups: one interval per group
        lead, per_group = len(shape), 1
    groups = size // max(per_group, 1)
    c = np.ascontiguousarray(np.broadcast_to(_f(offset_um), shape)).reshape(groups, per_group)
    s, sig, w = (np.broadcast_to(_f(v), shape[:lead] + (1,) * (len(shape) - lead)).reshape(groups) for v in parameters)
    return grouped_interval_capture(c, s, sig, w, compiled).reshape(shape)


def grouped_interval_capture(offset_um, spot_side_um, sigma_um, width_um, compiled: bool | None = None):
    """:func:`interval_capture` of intervals in groups sharing the spot, blur and width: offsets
    (groups, M), the others (groups,); returns (groups, M). The chain's layout (a group per row)."""
    c = np.ascontiguousarray(offset_um, dtype=float)
    groups, per_group = c.shape
    s, w = _f(spot_side_um), _f(width_um)
    sig = np.maximum(_f(sigma_um), MIN_BLUR_UM)
    thin = s < 1e-3 * sig
    any_thin = bool(thin.any())
    s_safe = np.where(thin, 1.0, s) if any_thin else s
    compiled = _CAPTURE_GATE.compiled(c.size, compiled)
    out = np.empty((groups, per_group))
    if compiled:
        from mosaiclink.physics import _capture_kernel as kernel
    block = max(1, _CAPTURE_BLOCK // max(per_group, 1))
    for start in range(0, groups, block):  # blocks of groups: the temporaries stay in cache
        part = slice(start, start + block)
        if compiled:
            a, gauss, linear = kernel.edges(c[part], s[part], sig[part], w[part], _TAIL_A_MAX)
            np.exp(gauss, out=gauss)
            kernel.blurred(a, gauss, linear, s_safe[part], sig[part], _TAIL_TABLE, _TAIL_WIDTH, out[part])
        else:
            a, gauss, linear = _edges(c[part], s[part], sig[part], w[part])
            np.exp(gauss, out=gauss)
            out[part] = _blurred(a, gauss, linear, s_safe[part], sig[part], _TAIL_TABLE, _TAIL_WIDTH)
    if any_thin:
        sig_t, s_t = sig[thin][:, None], s[thin][:, None]
        sig_thin = np.sqrt(sig_t * sig_t + s_t * s_t / 12.0)
        half_w = 0.5 * w[thin][:, None]
        gaussian = ndtr((c[thin] + half_w) / sig_thin) - ndtr((c[thin] - half_w) / sig_thin)
        out[thin] = np.clip(gaussian, 0.0, 1.0)
    return out


def square_capture(offset_x_um, offset_y_um, spot_side_um, sigma_um, width_um):
    """Fraction of the blurred square spot collected by a square aperture of side ``width_um``
    whose centre is offset (x, y) from the spot's; the product of the two axes."""
    return interval_capture(offset_x_um, spot_side_um, sigma_um, width_um) * interval_capture(
        offset_y_um, spot_side_um, sigma_um, width_um
    )
