"""Link emulator: the whole data path over time, in payload mode or error-pattern mode.

:mod:`.setup` draws which channels die when and the skew; :mod:`.payload` pushes real frames
with CRC through every stage; :mod:`.pattern` simulates only error positions, using the
code's linearity; :mod:`.result` turns what either engine counted (:class:`RunCounts`) into a
:class:`DatapathResult`.
"""

from __future__ import annotations

from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.datapath.emulator.pattern import run_pattern
from mosaiclink.datapath.emulator.payload import Progress, run_payload
from mosaiclink.datapath.emulator.result import DatapathResult, LaneEvent, RunCounts, build_result
from mosaiclink.datapath.emulator.setup import make_setup
from mosaiclink.streams import Stream, generator


def emulate(spec: DatapathSpec, seed: int = 0, progress: Progress | None = None) -> DatapathResult:
    """Run the data-path emulator described by ``spec``; same seed, same result.

    Parameters
    ----------
    spec : DatapathSpec
        Host, channels, spares, mapping, error and fault models, mode, timing.
    seed : int
        Seed of the streams :attr:`~mosaiclink.streams.Stream.DATAPATH_SETUP` (which channels die,
        skew), then :attr:`~mosaiclink.streams.Stream.DATAPATH_RUN` (pattern mode: errors) or the
        payload mode's per-period and per-frame streams (``DATAPATH_IDLE``, ``DATAPATH_LINE_ERRORS``,
        ``DATAPATH_FRAMES``).
    progress : callable, optional
        ``progress(done, total)`` after each processed block (marker periods in payload mode,
        interleave blocks in pattern mode).
    """
    setup = make_setup(spec, generator(seed, Stream.DATAPATH_SETUP))
    if spec.mode == "payload":
        counts = run_payload(setup, seed, progress)
    else:
        counts = run_pattern(setup, generator(seed, Stream.DATAPATH_RUN), progress)
    return build_result(setup, seed, counts)


__all__ = ["DatapathResult", "LaneEvent", "RunCounts", "emulate"]
