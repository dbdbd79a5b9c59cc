"""Figure of a calibration (Matplotlib, no I/O): observed vs model BER per point with residuals,
the sensitivity curve and, with a measured LED response, its |S21| beside the model's."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from mosaiclink.explore.calibrate import Calibration


def calibration_figure(result: Calibration, oma_span_db: float = 8.0, oma_points: int = 9) -> Figure:
    """Left: each BER point, observed (bar: +-2 sigma; triangle: a bound) and fitted model, with the
    residual in sigmas. Middle: the calibrated design's BER vs received OMA (the link model,
    :func:`mosaiclink.explore.sensitivity_curve.ber_vs_oma`) with measured points when the dataset has them.
    Right, when the dataset has a measured LED response: its |S21| beside the fitted model's.
    Returns the figure (the caller saves it)."""
    from matplotlib.figure import Figure

    from mosaiclink.explore.sensitivity_curve import ber_vs_oma
    from mosaiclink.physics.link import evaluate_link

    data = result.to_dict()["points"]
    led = result.led_response_table()
    fig = Figure(figsize=(16 if led else 11, 4.5))
    axes = fig.subplots(1, 3 if led else 2)
    ax, sens = axes[0], axes[1]
    x = np.arange(len(data))
    for i, p in enumerate(data):
        marker = {"upper": "v", "lower": "^"}.get(p["kind"], "o")
        ax.errorbar(i, p["observed_log10_ber"], yerr=2 * p["sigma_decades"], fmt=marker, color="k", capsize=3)
        ax.annotate(
            f"{p['residual_sigma']:+.1f} sigma", (i, p["model_log10_ber"]), textcoords="offset points", xytext=(6, 4)
        )
    ax.plot(x, [p["model_log10_ber"] for p in data], "s", color="tab:red", label="model (fitted)")
    ax.set_xticks(x, [p["label"].split(":")[0] for p in data], rotation=20, ha="right")
    ax.set_ylabel("log10 BER")
    ax.set_title(f"{result.dataset.name}: {result.fit_quality}", fontsize=9)
    ax.legend()
    design = result.design
    top = float(np.median(evaluate_link(design).received_oma_dbm))
    curve = ber_vs_oma(design, np.linspace(top - oma_span_db, top, oma_points))
    sens.plot(curve.received_oma_dbm, curve.log10_ber, "-", color="tab:red", label=f"{design.name} (median channel)")
    measured = result.dataset.sensitivity
    if measured is not None:
        sens.plot(measured.received_oma_dbm, [o.log10_ber for o in measured.observations], "ko", label="measured")
    sens.set_xlabel("received OMA (dBm)")
    sens.set_ylabel("log10 BER")
    sens.set_title("sensitivity: BER vs received OMA")
    sens.legend()
    if led:
        s21 = axes[2]
        f_ghz = [r["frequency_hz"] / 1e9 for r in led]
        s21.semilogx(f_ghz, [r["measured_db"] for r in led], "ko", ms=3, label="measured")
        s21.semilogx(f_ghz, [r["model_db"] for r in led], "-", color="tab:red", label="model (fitted)")
        s21.set_xlabel("frequency (GHz)")
        s21.set_ylabel("|S21| (dB, normalised)")
        s21.set_title("LED small-signal response")
        s21.legend()
    fig.tight_layout()
    return fig
