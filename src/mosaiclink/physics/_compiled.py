"""When a batch runs a compiled (Numba) kernel rather than its NumPy twin.

Loading Numba and a kernel's on-disk cache costs ~0.5 s of CPU: more than a NumPy pass over one
design's channels costs (``mosaic link``: 460 rows). Every kernel has a NumPy twin giving the same
numbers (bit for bit, or within the 1e-9 its tests hold), so the choice is speed only: a batch runs
compiled when it is large, when Numba is already loaded (the kernel then costs only its cache
load), or once its gate has run ``numpy_batches`` small batches in NumPy (a command evaluating many
designs in small batches then pays the load once).
"""

from __future__ import annotations

import sys


class CompileGate:
    """The compiled-or-NumPy choice of one kernel (module docstring)."""

    def __init__(self, min_size: float, numpy_batches: int | None = None) -> None:
        self.min_size = min_size
        self.numpy_batches = numpy_batches
        self.numpy_runs = 0

    def would_compile(self, size: int) -> bool:
        """Whether a batch of ``size`` would run compiled now (counts nothing)."""
        return (
            size >= self.min_size
            or "numba" in sys.modules
            or (self.numpy_batches is not None and self.numpy_runs >= self.numpy_batches)
        )

    def compiled(self, size: int, forced: bool | None = None) -> bool:
        """Whether a batch of ``size`` runs compiled (``forced``: the caller's choice); counts NumPy runs."""
        if forced is None:
            forced = self.would_compile(size)
        if not forced:
            self.numpy_runs += 1
        return forced
