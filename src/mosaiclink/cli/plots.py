"""Eye-diagram PNGs for the CLI: the report's eye (volts at the TIA output, compliance mask) and
bathtub, drawn by :mod:`mosaiclink.report.paper_figures` (one drawing for the report and the CLI)."""

from __future__ import annotations

from pathlib import Path


def write_eye_pngs(result, out: Path, transimpedance_ohm: float, target_ber: float) -> list[str]:
    """One PNG per eye in ``result`` (a :class:`~mosaiclink.sim.runner.SimResult`): the eye in volts
    (photocurrent x ``transimpedance_ohm``) with the threshold and the hexagon mask, and the bathtub
    with its dual-Dirac walls at ``target_ber`` below it; written atomically into ``out``."""
    import io

    import matplotlib.pyplot as plt

    from mosaiclink.config.io import write_bytes_atomic
    from mosaiclink.report.paper_figures import DPI

    written = []
    for channel in result.eyes:
        fig = eye_png_figure(result, channel, transimpedance_ohm, target_ber)
        buffer = io.BytesIO()
        fig.savefig(buffer, dpi=DPI, format="png")
        plt.close(fig)
        path = out / f"eye_ch{channel}.png"
        write_bytes_atomic(path, buffer.getvalue(), "--out")
        written.append(str(path))
    return written


def eye_png_figure(result, channel: int, transimpedance_ohm: float, target_ber: float):
    """The Matplotlib figure of one PNG of :func:`write_eye_pngs`."""
    import matplotlib.pyplot as plt

    from mosaiclink.report.paper_figures import draw_bathtub, draw_eye, plain_log_labels
    from mosaiclink.report.sections.simulation import bathtub_data, eye_plot_data

    eye = result.eyes[channel]
    fig, (ax, tub) = plt.subplots(2, 1, figsize=(6, 7), height_ratios=[3, 1.6], layout="constrained")
    draw_eye(fig, ax, eye_plot_data(eye, transimpedance_ohm), channel)
    ax.set_title(f"{result.design_name} ch {channel}: {result.length_m:g} m, {result.rate_gbps:g} Gb/s")
    draw_bathtub(tub, bathtub_data(eye, target_ber))
    plain_log_labels(fig)
    return fig
