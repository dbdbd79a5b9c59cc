"""Receiver sensitivity curve: median BER vs received OMA, computed by the full link model.

The received OMA is set by adding attenuation on the optical path at fixed everything else
(drive, bandwidths, noise, crosstalk ratios): the design's loss leaf named by
``config.measurements.ATTENUATION_PATH`` grows by ``OMA_0 - OMA`` dB, where ``OMA_0`` is the
median received OMA of the design itself (:func:`mosaiclink.physics.link.evaluate_link`). An
OMA above ``OMA_0`` plus that leaf's own value cannot be reached by removing loss and is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.measurements import ATTENUATION_PATH
from mosaiclink.errors import ModelRangeError
from mosaiclink.explore.spec import with_overrides


@dataclass(frozen=True)
class SensitivityCurve:
    """Model median log10 BER at each received OMA (dBm), and the OMA each point really received."""

    design_name: str
    target_oma_dbm: np.ndarray
    received_oma_dbm: np.ndarray
    log10_ber: np.ndarray


def ber_vs_oma(design: MosaicDesign, oma_dbm, seed: int = 0) -> SensitivityCurve:
    """Median-channel BER of ``design`` at each received OMA in ``oma_dbm`` (module docstring)."""
    from mosaiclink.physics.link import evaluate_link

    loss_path = ATTENUATION_PATH
    section, leaf = loss_path.split(".")
    own_loss_db = float(getattr(getattr(design, section), leaf))
    reference = float(np.median(evaluate_link(design, seed=seed).received_oma_dbm))
    targets = np.atleast_1d(np.asarray(oma_dbm, dtype=float))
    ceiling = reference + own_loss_db
    if np.any(targets > ceiling):
        raise ModelRangeError(
            f"oma_dbm = {targets.max():g}: above {ceiling:.2f} dBm, the most this design receives with {loss_path} at 0"
        )
    received, log10_ber = [], []
    for target in targets:
        report = evaluate_link(with_overrides(design, {loss_path: own_loss_db + reference - target}), seed=seed)
        received.append(float(np.median(report.received_oma_dbm)))
        log10_ber.append(report.ber_summary()["log10_median"])
    return SensitivityCurve(design.name, targets, np.array(received), np.array(log10_ber))
