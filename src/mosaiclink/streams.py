"""The registry of random streams: every stochastic entry point draws from a named purpose.

A stream is ``numpy.random.SeedSequence(seed, spawn_key=key)``; the key says what the stream is
for, so two purposes never share random numbers at the same seed, and the same seed gives the
same numbers (bit-identical results) whatever else runs.

Keys
----
* :attr:`Stream.VARIATION` keeps the key it always had, ``(channel,)`` -- the ``channel``-th
  child of ``SeedSequence(seed).spawn(n)`` -- so the manufacturing variation behind the link
  calibration is unchanged. It is the only purpose with one-element keys.
* Every other purpose has the two-element key ``(tag, index)``: ``tag`` is its value below,
  ``index`` a channel, block or sub-stream number. (The Monte Carlo tags 0-2 are those the
  simulator always used, so its bits, noise and jitter are unchanged too.)

Distinct keys give distinct streams: NumPy assembles the pool input from the seed's 32-bit words
(padded to the pool size, 4 words, for any seed below 2**128) followed by the key's words, so two
``(seed, key)`` pairs with seeds below 2**128 hash the same input only if they are equal.
``tests/test_streams.py`` checks that no two purposes coincide.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
import numpy.typing as npt


class Stream(IntEnum):
    """Purposes of random numbers; the value is the purpose's tag in its spawn keys."""

    VARIATION = -1  #: manufacturing spread per channel (physics.array.draw_variation); key (channel,)
    MC_BITS = 0  #: transmitted bits per channel (sim)
    NOISE = 1  #: receiver noise per channel (sim)
    JITTER = 2  #: sampling jitter per channel (sim, waveform path)
    DATAPATH_SETUP = 3  #: which channels die, initial skew and drift (datapath emulator)
    DATAPATH_RUN = 4  #: channel errors of the emulator's error-pattern mode (datapath)
    FAILURES = 5  #: the Monte Carlo failure year of a cluster (cluster.failures)
    RELIABILITY_TRIALS = 6  #: component failure times of the link-survival Monte Carlo (system)
    ETTR = 7  #: failure gaps of the checkpointing Monte Carlo (cluster.ettr)
    SWEEP_SAMPLES = 8  #: random and Latin-hypercube draws of a design sweep (explore)
    EYE_NOISE = 9  #: full-rate receiver noise of the eye waveforms per channel (sim, waveform path)
    UNCERTAINTY_SAMPLES = 10  #: the Latin hypercube of mosaic uncertainty (explore.uncertainty)
    DATAPATH_IDLE = 11  #: payload mode: idle pattern of all lanes per marker period (index: period)
    DATAPATH_LINE_ERRORS = 12  #: payload mode: line errors per marker period (index: period; K + 1: burst start)
    DATAPATH_FRAMES = 13  #: payload mode: frame bodies per 1,024 frames (index: draw; the last + 1: tail bits)
    LIFE = 14  #: emitter wear spread and channel failure times of the life Monte Carlo (system.life; index: block)
    YIELD = 15  #: per-module manufacturing draws of the yield Monte Carlo (system.production; index: module block)
    POSTERIOR = 16  #: the posterior chain's start and moves (0), its thinning order (1), its full-model resampling (2)


def seed_sequence(seed: int, purpose: Stream, index: int = 0) -> np.random.SeedSequence:
    """The ``SeedSequence`` of stream ``purpose`` number ``index`` (a channel, block or part)."""
    if purpose is Stream.VARIATION:
        return np.random.SeedSequence(int(seed), spawn_key=(int(index),))
    return np.random.SeedSequence(int(seed), spawn_key=(int(purpose), int(index)))


def generator(seed: int, purpose: Stream, index: int = 0) -> np.random.Generator:
    """A PCG64 generator on stream ``purpose`` number ``index``."""
    return np.random.default_rng(seed_sequence(seed, purpose, index))


def generators(seed: int, purpose: Stream, indices: npt.ArrayLike) -> list[np.random.Generator]:
    """One generator per index (per channel, per block, ...), in the order given."""
    return [generator(seed, purpose, int(i)) for i in np.asarray(indices).ravel()]
