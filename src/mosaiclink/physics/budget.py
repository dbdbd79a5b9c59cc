"""IEEE-style link-budget waterfall: launch OMA, losses, received OMA, sensitivity, penalties,
margin.

Notes
-----
Optical modulation amplitude (OMA) is the '1' minus '0' power. The receiver's sensitivity is
the OMA at which an ideal pulse (full steady-state swing at the sampling instant, no ISI) meets
the target BER with the front end's own noise: :math:`\\mathrm{OMA}_{sens} = Q_t(\\sigma_0 +
\\sigma_1)/R`. The penalties telescope the Gaussian Q from that ideal to the real channel,
each :math:`10\\log_{10}(Q_{before}/Q_{after})` (optical dB, since Q is proportional to
optical power when thermal noise dominates):

1. *pulse spreading*: full swing -> cursor of the unequalized pulse at its best phase (LED
   bandwidth, modal walk-off, chromatic dispersion, receiver bandwidth);
2. *equalizer*: unequalized cursor/noise -> equalized cursor/noise (noise enhancement; can be
   negative when equalization concentrates the pulse energy);
3. *residual ISI* and 4. *crosstalk*: from the equalized noise-only Q to the statistical eye's
   equivalent Q (:math:`Q_{eye} = -\\Phi^{-1}(\\mathrm{BER}_{eye})`), split between ISI and
   crosstalk in proportion to their Gaussian-Q penalties (the stat eye has no such split).

5. *implementation penalty*: a reserve (``receiver.implementation_penalty_db``) for what the
   model leaves out (equalizer adaptation, threshold drift, supply noise), as IEEE link budgets
   carry one.

So :math:`\\text{margin} = \\mathrm{OMA}_{rx} - \\mathrm{OMA}_{sens} - \\sum\\text{penalties} =
10\\log_{10}(Q_{eye}/Q_t) - P_{impl}` exactly per channel, consistent with the reported
stat-eye BER (which itself meets the target when :math:`Q_{eye} \\ge Q_t`).
Waterfall lines are per-line medians over live channels, so the median lines need not sum
exactly. Style after IEEE 802.3 link-model spreadsheets (e.g. the 802.3ae
10GEPBud model).

Examples
--------
>>> from mosaiclink.config.presets import load_preset
>>> from mosaiclink.physics.link import evaluate_link
>>> budget = evaluate_link(load_preset("mosaic-prototype")).budget  # the median channel's waterfall
>>> budget.value("Fibre attenuation")  # dB: 0.1 dB/m over 20 m
2.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mosaiclink.units import linear_to_db

LINES = (
    ("Launch OMA (LED)", "launch_oma_dbm", "level"),
    ("Launch into the fibre NA (étendue)", "coupling_loss_db", "loss"),
    ("Core fill (cladding) loss", "core_fill_loss_db", "loss"),
    ("Fibre attenuation", "fiber_loss_db", "loss"),
    ("Fibre bends (route)", "bend_loss_db", "loss"),
    ("Connectors", "connector_loss_db", "loss"),
    ("Lens/window interfaces", "interface_loss_db", "loss"),
    ("Receive capture (spot, spread, misalignment)", "capture_loss_db", "loss"),
    ("Received OMA", "received_oma_dbm", "level"),
    ("Receiver sensitivity (target BER)", "sensitivity_oma_dbm", "level"),
    ("Pulse-spreading penalty", "pulse_spreading_penalty_db", "penalty"),
    ("Equalizer noise penalty", "equalizer_penalty_db", "penalty"),
    ("Residual ISI penalty", "residual_isi_penalty_db", "penalty"),
    ("Crosstalk penalty", "crosstalk_penalty_db", "penalty"),
    ("Implementation penalty (reserve)", "implementation_penalty_db", "penalty"),
    ("Margin", "margin_db", "margin"),
)
"""The waterfall's lines in order: (name, per-channel key, kind)."""
NEEDS_LIGHT = frozenset(
    {
        "launch_oma_dbm",
        "received_oma_dbm",
        "pulse_spreading_penalty_db",
        "equalizer_penalty_db",
        "residual_isi_penalty_db",
        "crosstalk_penalty_db",
        "margin_db",
    }
)
"""Per-channel lines undefined for a dead emitter (no light: their arrays hold floored placeholders)."""


@dataclass(frozen=True)
class BudgetLine:
    """One waterfall step: a level (dBm) or a loss/penalty (dB, positive = worse)."""

    name: str
    value_db: float
    kind: str  # "level", "loss", "penalty", "margin"
    key: str = ""  # the per-channel array it comes from (LINES)

    @property
    def unit(self) -> str:
        return "dBm" if self.kind == "level" else "dB"


@dataclass(frozen=True)
class LinkBudget:
    """Waterfall of the median channel (per-line medians across live channels)."""

    lines: tuple[BudgetLine, ...]

    def to_dict(self) -> list[dict]:
        return [{"name": line.name, "value_db": line.value_db, "kind": line.kind} for line in self.lines]

    def value(self, name: str) -> float:
        """Value of the line called ``name``."""
        return next(line.value_db for line in self.lines if line.name == name)

    def to_dataframe(self):
        """The waterfall as a :class:`pandas.DataFrame` indexed by step: ``value`` (dBm for levels,
        dB for losses and penalties, positive = worse), ``unit``, ``kind`` and ``key`` (the
        per-channel column of :attr:`mosaiclink.physics.link.LinkReport.budget_per_channel`)."""
        import pandas as pd

        frame = pd.DataFrame(
            {
                "value": [line.value_db for line in self.lines],
                "unit": [line.unit for line in self.lines],
                "kind": [line.kind for line in self.lines],
                "key": [line.key for line in self.lines],
            },
            index=pd.Index([line.name for line in self.lines], name="step"),
        )
        return frame


def passive_loss_db(attenuation_db_per_m, length_m, connectors, connector_loss_db, interface_loss_db, bend_loss_db=0.0):
    """Fibre attenuation + bends + connectors + lens/window interfaces, dB (the one passive-loss formula)."""
    return (
        np.asarray(attenuation_db_per_m) * np.asarray(length_m)
        + np.asarray(bend_loss_db)
        + np.asarray(connectors) * np.asarray(connector_loss_db)
        + np.asarray(interface_loss_db)
    )


CLOSED_EYE_Q = 1e-300  # a closed eye's Q (BER 1/2: Q = 0) where a surface must show a finite margin


def shown_margin_db(q_eye, q_target, implementation_penalty_db):
    """:func:`budget_margin_db` as every surface shows it: a closed eye (Q <= 0, whose margin is -inf)
    at :data:`CLOSED_EYE_Q`, so finite (-3,000 dB and below), as ``mosaic link``'s budget lines."""
    return budget_margin_db(np.maximum(q_eye, CLOSED_EYE_Q), q_target, implementation_penalty_db)


def budget_margin_db(q_eye, q_target, implementation_penalty_db):
    """The one link margin (optical dB): :math:`10\\log_{10}(Q_{eye}/Q_t) - P_{impl}`.

    Every surface (budget, reach, pass/fail, uncertainty, explorer, compare, design) reads this
    definition: a channel passes when its margin is at least 0, the implementation reserve
    included, so a negative margin is never "OK".
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return 10.0 * np.log10(np.maximum(q_eye, 0.0) / q_target) - np.asarray(implementation_penalty_db)


def build_budget(
    *,
    launch_oma_w,
    launch_coupling,
    core_fill,
    fiber_loss_db,
    connector_loss_db,
    bend_loss_db=0.0,
    interface_loss_db,
    capture,
    sensitivity_oma_w,
    q_ideal,
    q_spread,
    q_equalized,
    q_isi_gaussian,
    q_final_gaussian,
    q_eye,
    q_target,
    implementation_penalty_db=0.0,
    alive,
) -> tuple[LinkBudget, dict[str, np.ndarray]]:
    """Per-channel waterfall arrays and the median-channel :class:`LinkBudget`."""
    per_channel = {
        "launch_oma_dbm": linear_to_db(launch_oma_w * 1e3),
        "coupling_loss_db": -linear_to_db(launch_coupling) * np.ones_like(launch_oma_w),
        "core_fill_loss_db": -linear_to_db(core_fill) * np.ones_like(launch_oma_w),
        "fiber_loss_db": fiber_loss_db * np.ones_like(launch_oma_w),
        "bend_loss_db": bend_loss_db * np.ones_like(launch_oma_w),
        "connector_loss_db": connector_loss_db * np.ones_like(launch_oma_w),
        "interface_loss_db": interface_loss_db * np.ones_like(launch_oma_w),
        "capture_loss_db": -linear_to_db(capture),
    }
    per_channel["received_oma_dbm"] = per_channel["launch_oma_dbm"] - sum(
        per_channel[k]
        for k in (
            "coupling_loss_db",
            "core_fill_loss_db",
            "fiber_loss_db",
            "bend_loss_db",
            "connector_loss_db",
            "interface_loss_db",
            "capture_loss_db",
        )
    )
    per_channel["sensitivity_oma_dbm"] = linear_to_db(sensitivity_oma_w * 1e3)
    per_channel["pulse_spreading_penalty_db"] = linear_to_db(q_ideal / q_spread)
    per_channel["equalizer_penalty_db"] = linear_to_db(q_spread / q_equalized)
    isi_g = linear_to_db(q_equalized / q_isi_gaussian)
    xt_g = linear_to_db(q_isi_gaussian / q_final_gaussian)
    total = linear_to_db(q_equalized / q_eye)
    isi_share = np.where(isi_g + xt_g > 0, isi_g / np.where(isi_g + xt_g > 0, isi_g + xt_g, 1.0), 1.0)
    per_channel["residual_isi_penalty_db"] = total * isi_share
    per_channel["crosstalk_penalty_db"] = total * (1.0 - isi_share)
    per_channel["implementation_penalty_db"] = implementation_penalty_db * np.ones_like(launch_oma_w)
    per_channel["margin_db"] = budget_margin_db(q_eye, q_target, implementation_penalty_db)
    live = alive if np.any(alive) else np.ones_like(alive)
    lines = tuple(BudgetLine(name, float(np.median(per_channel[key][live])), kind, key) for name, key, kind in LINES)
    return LinkBudget(lines), per_channel


def channel_budget(per_channel: dict[str, np.ndarray], channel: int) -> LinkBudget:
    """The waterfall of one channel: its lines sum exactly (received OMA = launch - losses; margin
    = received - sensitivity - penalties), unlike the per-line medians of :func:`build_budget`."""
    return LinkBudget(tuple(BudgetLine(name, float(per_channel[key][channel]), kind, key) for name, key, kind in LINES))
