r"""The channel core: equalizer, noise through it and the decision, for a batch of channels.

Both the full per-channel model (:func:`mosaiclink.physics.link.analyse`, a batch of channels
with manufacturing spread) and the fast path (:mod:`mosaiclink.explore.evaluate`, a batch of
designs at their nominal interior channel) call :func:`decide` on the symbol-spaced samples of
the photocurrent-referred pulse at the nominal sampling instant and the jittered ones.

Notes
-----
1. FFE taps from the nominal instant's samples (``equalizer.equalize``: MMSE with the noise
   autocorrelation :math:`\tfrac12(S_0 + S_1)\,r(kT)`, or zero-forcing), main tap normalised to
   1, applied to the samples of every instant (taps fixed: the receiver adapts to the average
   instant);
2. noise rms per level :math:`\sigma_{0,1} = \sqrt{S_{0,1}\,c^T R c}`
   (``equalizer.noise_gain``), with :math:`S_{0,1}` thermal + amplifier + shot at each level;
3. ``ber.eye_log10_ber``: the statistical eye with the strongest interferers exact, the rest
   Gaussian, the threshold at the nominal instant and the BER averaged over the instants.
   A channel whose cursor is not positive has BER 1/2.

The Gaussian Q (ISI and crosstalk as Gaussian noise of variance
:math:`\tfrac14(\sum_{isi} g_k^2 + \sum_a r_a^2 \sum_m g_m^2)`) is returned for the budget's
split of the penalties; it is pessimistic and never the reported BER.

Examples
--------
One channel without equalizer, a cursor of 10 uA and no ISI, noise of 1 uA rms on each level
(1e-22 A^2/Hz over a 1e10 Hz noise bandwidth): Q = 10 / (1 + 1) = 5, BER = Phi(-5) = 2.9e-7.

>>> import numpy as np
>>> from mosaiclink.config.design import EqualizerSpec
>>> from mosaiclink.physics.channel import decide
>>> d = decide(np.array([[[0.0, 1e-5, 0.0]]]), 1, [1e-22], [1e-22], np.array([1e10]), np.zeros((1, 0)),
...            EqualizerSpec(enable=False))
>>> round(float(d.q_gaussian[0]), 6), round(float(d.log10_ber[0]), 3)
(5.0, -6.543)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from mosaiclink.config.design import EqualizerSpec
from mosaiclink.physics import ber, equalizer


@dataclass(frozen=True)
class Decision:
    """Per-channel (or per-design) results of :func:`decide`."""

    log10_ber: np.ndarray  # statistical eye with jitter, floored
    ffe_taps: np.ndarray  # (batch, taps), main tap 1; (batch, 1) of ones without FFE
    g: np.ndarray  # (batch, bits) equalized pulse at the nominal instant
    cursor: np.ndarray
    sigma_0: np.ndarray
    sigma_1: np.ndarray
    xt_ratio: np.ndarray  # (batch, A) aggressor light in this detector over own
    cursor_index: int

    @cached_property
    def q_gaussian(self) -> np.ndarray:
        """Q with ISI and crosstalk as Gaussian noise (pessimistic; the budget's split and the
        population's regressors only, computed when read; module Notes)."""
        isi = np.delete(self.g, self.cursor_index, axis=1)
        xt, g0 = self.xt_ratio, self.g
        interference_var = 0.25 * ((isi**2).sum(axis=1) + (xt**2).sum(axis=1) * (g0**2).sum(axis=1))
        s0, s1 = self.sigma_0, self.sigma_1
        q = self.cursor / (np.sqrt(s1**2 + interference_var) + np.sqrt(s0**2 + interference_var))
        return np.where(self.cursor > 0, q, 0.0)


def decide(
    samples,
    cursor_index: int,
    psd_0,
    psd_1,
    autocorr_hz,
    xt_ratio,
    equalizer_spec: EqualizerSpec,
    threshold: str = "optimal",
    weights=None,
) -> Decision:
    """Equalize, add the noise and decide (see module Notes).

    Parameters
    ----------
    samples : (batch, J, bits) unequalized symbol-spaced pulse (A) at each sampling instant,
        instant 0 nominal, cursor at ``cursor_index``
    psd_0, psd_1 : (batch,) input-referred noise densities at the two levels (A^2/Hz)
    autocorr_hz : (taps,) or (batch, taps) unit-density noise autocorrelation at symbol lags
    xt_ratio : (batch, A) aggressor light in this detector over own
    weights : (J,) weights of the instants (``ber.sampling_offsets``)
    """
    psd_0, psd_1 = np.asarray(psd_0, dtype=float), np.asarray(psd_1, dtype=float)
    taps, g, gain = equalizer.equalize(samples, cursor_index, equalizer_spec, 0.5 * (psd_0 + psd_1), autocorr_hz)
    sigma_0, sigma_1 = np.sqrt(psd_0 * gain), np.sqrt(psd_1 * gain)
    xt = np.asarray(xt_ratio, dtype=float)
    g0 = g[:, 0]
    cursor = g0[:, cursor_index]
    log10_ber = ber.eye_log10_ber(g, cursor_index, xt, sigma_0, sigma_1, weights, threshold)
    log10_ber = np.where(cursor > 0, log10_ber, ber.LOG10_HALF)
    return Decision(log10_ber, taps, g0, cursor, sigma_0, sigma_1, xt, cursor_index)
