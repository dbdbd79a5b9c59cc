"""Corrupt RS codewords for the decoder tests: errors at random positions, plus erasures."""

from __future__ import annotations

import numpy as np


def corrupt(rng, words, n_err: int, n_era: int, erasures_wrong: bool = False):
    """Copies of ``words`` with ``n_err`` symbol errors and ``n_era`` erased positions per word.

    Errors flip each chosen symbol to another value. Erased symbols are drawn anew (so they may
    be right by chance), or, with ``erasures_wrong``, flipped like the errors. Returns the words
    and the erasure mask.
    """
    r = words.copy()
    era = np.zeros(r.shape, dtype=bool)
    for i in range(len(r)):
        pos = rng.choice(r.shape[1], n_err + n_era, replace=False)
        r[i, pos[:n_err]] ^= rng.integers(1, 1024, n_err).astype(np.uint16)
        if erasures_wrong:
            r[i, pos[n_err:]] ^= rng.integers(1, 1024, n_era).astype(np.uint16)
        else:
            r[i, pos[n_err:]] = rng.integers(0, 1024, n_era).astype(np.uint16)
        era[i, pos[n_err:]] = True
    return r, era
