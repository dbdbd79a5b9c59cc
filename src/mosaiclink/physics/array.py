"""Array geometry (positions, real neighbours) and seeded manufacturing variation per channel.

Channels are numbered row-major over a grid of ``cols`` columns: the ``rows x cols`` data
channels first, then the spares filling extra rows (the last one possibly partial). Edge and
corner channels therefore have fewer neighbours, and so less crosstalk.

Randomness: one stream per channel (:attr:`mosaiclink.streams.Stream.VARIATION`), so a channel's
draws do not depend on how many channels the array has; same seed, bit-identical arrays.

Examples
--------
>>> from mosaiclink.config.presets import load_preset
>>> from mosaiclink.physics import array
>>> d = load_preset("mosaic-800g")
>>> variation = array.draw_variation(d.variation, d.array.total_channels, seed=0)
>>> int(variation.dead.sum()), variation.dead.size  # dead emitters drawn at seed 0
(3, 460)
>>> array.neighbour_count(d.array)[:3].tolist()  # corner, edge: fewer neighbours
[2, 3, 3]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtr

from mosaiclink.config.design import ArraySpec, VariationSpec
from mosaiclink.errors import require_seed
from mosaiclink.streams import Stream, generators


def grid_positions(array: ArraySpec) -> np.ndarray:
    """(channels, 2) integer (row, col) grid coordinates of every channel."""
    index = np.arange(array.total_channels)
    return np.stack([index // array.cols, index % array.cols], axis=1)


def neighbour_offsets(radius: int) -> np.ndarray:
    """(K, 2) grid offsets (drow, dcol) within Chebyshev distance ``radius``, excluding (0, 0)."""
    r = np.arange(-radius, radius + 1)
    dr, dc = np.meshgrid(r, r, indexing="ij")
    offsets = np.stack([dr.ravel(), dc.ravel()], axis=1)
    return offsets[np.any(offsets != 0, axis=1)]


def neighbours(array: ArraySpec, radius: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Neighbour channel indices (channels, K) with -1 where the grid has no channel, and the offsets (K, 2)."""
    pos = grid_positions(array)
    n_rows = int(pos[:, 0].max()) + 1
    grid = -np.ones((n_rows, array.cols), dtype=np.int64)
    grid[pos[:, 0], pos[:, 1]] = np.arange(len(pos))
    offsets = neighbour_offsets(radius)
    rr = pos[:, None, 0] + offsets[None, :, 0]
    cc = pos[:, None, 1] + offsets[None, :, 1]
    inside = (rr >= 0) & (rr < n_rows) & (cc >= 0) & (cc < array.cols)
    idx = np.where(inside, grid[np.clip(rr, 0, n_rows - 1), np.clip(cc, 0, array.cols - 1)], -1)
    return idx, offsets


def neighbour_count(array: ArraySpec) -> np.ndarray:
    """Number of nearest (edge-sharing) neighbours of each channel: 4 inside, 3 on an edge, 2 at a corner."""
    idx, offsets = neighbours(array, radius=1)
    nearest = np.abs(offsets).sum(axis=1) == 1
    return (idx[:, nearest] >= 0).sum(axis=1)


@dataclass(frozen=True)
class ChannelVariation:
    """Per-channel manufacturing draws, each shape (channels,) or (channels, 2)."""

    led_efficiency_scale: np.ndarray
    led_rate_scale: np.ndarray
    responsivity_scale: np.ndarray
    tx_offset_um: np.ndarray
    rx_offset_um: np.ndarray
    wavelength_offset_nm: np.ndarray
    length_offset_fraction: np.ndarray
    dead: np.ndarray


_DRAWS_PER_CHANNEL = 10


@functools.lru_cache(maxsize=32)
def _standard_draws(seed: int, channels: int) -> tuple[np.ndarray, np.ndarray]:
    """Each channel's ``_DRAWS_PER_CHANNEL`` standard normals from its own stream, (channels, 10), and
    the dead-channel uniform ``Phi(z_9)``; read-only, cached: they depend on the seed and channel count
    alone, and a report draws them for ~90 designs (one PCG64 per channel: ~3 ms per draw of 460)."""
    rngs = generators(seed, Stream.VARIATION, range(channels))
    z = np.array([rng.standard_normal(_DRAWS_PER_CHANNEL) for rng in rngs]).reshape(channels, _DRAWS_PER_CHANNEL)
    u = ndtr(z[:, 9])  # uniform on (0, 1) for the dead-channel draw
    z.setflags(write=False)
    u.setflags(write=False)
    return z, u


def draw_variation(
    variation: VariationSpec, channels: int, seed: int, length_mismatch_ppm: float = 0.0
) -> ChannelVariation:
    """Seeded Gaussian spreads (scales floored at 5 % to stay physical) and dead-channel draws."""
    z, u = _standard_draws(require_seed(seed), int(channels))

    def scale(col, sigma_pct):
        return np.maximum(1.0 + sigma_pct / 100.0 * z[:, col], 0.05)

    return ChannelVariation(
        led_efficiency_scale=scale(0, variation.led_efficiency_sigma_pct),
        led_rate_scale=scale(1, variation.led_bandwidth_sigma_pct),
        responsivity_scale=scale(2, variation.responsivity_sigma_pct),
        tx_offset_um=variation.misalignment_sigma_um * z[:, 3:5],
        rx_offset_um=variation.misalignment_sigma_um * z[:, 5:7],
        wavelength_offset_nm=variation.wavelength_sigma_nm * z[:, 7],
        length_offset_fraction=length_mismatch_ppm * 1e-6 * z[:, 8],
        dead=u < variation.dead_channel_probability,
    )


def design_variation(design: Any, seed: int) -> ChannelVariation:
    """The seeded draw of every channel of ``design`` (its variation spec, array size and core-length
    mismatch): the one spelling of the draw that the full model, the fast path and the Monte Carlo share."""
    return draw_variation(design.variation, design.array.total_channels, seed, design.fiber.length_mismatch_ppm)
