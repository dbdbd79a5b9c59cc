"""Figure of a calibration (PNG, PDF or SVG by suffix): observed vs model BER per point with residuals,
and the sensitivity curve."""

from __future__ import annotations

from pathlib import Path


def calibration_figure(result, path: Path, oma_span_db: float = 8.0, oma_points: int = 9) -> Path:
    """Write :func:`mosaiclink.report.calibration_figure.calibration_figure` to ``path`` (format by suffix)."""
    from mosaiclink.report.calibration_figure import calibration_figure as figure

    return save_figure(figure(result, oma_span_db, oma_points), Path(path), dpi=120)


def save_figure(fig, path: Path, dpi: int) -> Path:
    """Write a Matplotlib figure atomically in the format its suffix names (.png, .pdf, .svg)."""
    import io

    import matplotlib.pyplot as plt

    from mosaiclink.config.io import PLOT_SUFFIXES, check_output, write_bytes_atomic

    check_output(path, "--plot", suffixes=PLOT_SUFFIXES)
    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=dpi, format=path.suffix.lower()[1:])
    plt.close(fig)
    return write_bytes_atomic(path, buffer.getvalue(), "--plot")
