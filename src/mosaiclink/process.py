"""Process settings for throughput: glibc's malloc keeps freed blocks for reuse and Python's cycle
collector runs less often.

Every ``mosaic`` command applies both to its own process (:func:`mosaiclink.cli.main.run`), and
``python -m benchmarks`` the first (for both sides of every comparison); a notebook or script
that runs population passes, sweeps or Monte Carlo at length applies them with
:func:`tune_for_throughput` (``ml.tune_for_throughput()``), once. Neither changes a number: they
change how memory is reused and how often Python looks for reference cycles.
"""

from __future__ import annotations

import ctypes
import gc
import os

MALLOC_VARIABLES = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "GLIBC_TUNABLES")
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (glibc's malloc.h)
MMAP_THRESHOLD_BYTES = 32 * 2**20  # glibc's largest (DEFAULT_MMAP_THRESHOLD_MAX on 64-bit)
TRIM_THRESHOLD_BYTES = 256 * 2**20


def reuse_freed_memory() -> None:
    """Ask glibc's malloc to keep freed blocks for reuse, unless the user tuned it.

    The models allocate and free arrays of up to tens of MB by the thousand (a reach search's
    (rows x samples) temporaries, the emulator's ~10 million candidate errors). By default glibc
    serves blocks above its dynamic mmap threshold with fresh pages and returns freed heap tops to
    the system, so each new temporary page-faults its memory in again. Blocks below 32 MB then come
    from the heap, and up to 256 MB of freed heap top is kept. Measured on the default ``mosaic
    report`` (load ~2.5): ~71,000 minor page faults instead of ~106,000 and 0.40-0.64 s of system
    time instead of 0.84-0.96 s, the same peak memory (~440 MB). Setting any of
    :data:`MALLOC_VARIABLES` (even empty) keeps glibc's defaults. A no-op where the C library has no
    ``mallopt`` (macOS, Windows).
    """
    if any(name in os.environ for name in MALLOC_VARIABLES):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # TypeError: Windows has no CDLL(None)
        return
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)


YOUNG_COLLECTION_ALLOCATIONS = 50_000  # net container allocations between young-generation collections (700)


def fewer_collections() -> None:
    """Run Python's cycle collector every 50,000 net allocations of container objects instead of 700.

    A command imports ~1,500 modules (pydantic's schemas, Plotly's validators, Numba's types) and
    builds models of thousands of small objects; at the default threshold the collector ran ~550
    times in the default ``mosaic report``, 0.32-0.38 s of its CPU, re-traversing the survivors.
    At this threshold it runs 7 times, 0.10 s, with the same peak memory (~445 MB): the models'
    arrays are freed by reference counting, not by the collector. No number depends on it.
    """
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_ALLOCATIONS, middle, old)


def tune_for_throughput() -> None:
    """Apply to the calling process what every ``mosaic`` command applies to its own:
    :func:`reuse_freed_memory` and :func:`fewer_collections`. Without them a long population pass
    page-faults its freed temporaries back in: on 4,096 designs of the benchmark hypercube in a fresh
    process, 26,000-28,000 minor page faults and 4,757-4,952 designs/s, with them ~1,200 and
    4,868-5,217 (three interleaved pairs, session 13). No number changes.

    Examples
    --------
    >>> import gc
    >>> import mosaiclink as ml
    >>> before = gc.get_threshold()
    >>> ml.tune_for_throughput()  # once, before the long run
    >>> gc.get_threshold()[0]  # the young generation is collected every 50,000 allocations
    50000
    >>> gc.set_threshold(*before)  # (this example leaves the process as it found it)
    """
    reuse_freed_memory()
    fewer_collections()
