r"""The per-channel line rate a host interface needs: one function that the link physics, the data
path and every headline use, so that no headline is computed at a rounder rate than the data path
carries.

Notes
-----
The cable carries the host's FEC-coded stream (it does not decode it) spread over ``data_channels``
channels by the gearbox, plus an alignment marker of :data:`MARKER_BITS` bits (sync, lane ID, BIP-8)
every ``marker_period_bits`` payload bits on each channel (:mod:`mosaiclink.datapath.framing`):

.. math:: R_{line} = \frac{R_{host,coded}}{N_{data}}\;\frac{P + M}{P}

800GbE is 8 x 106.25 Gb/s of RS(544,514)-coded lanes = 850 Gb/s (IEEE 802.3df/cl. 119), so over
400 channels with P = 4096: 850/400 x 4136/4096 = 2.1458 Gb/s. A design without a host protocol
(``"none"``, e.g. a lab prototype driven by a pattern generator) runs at the rate it states.
"""

from __future__ import annotations

import numpy as np

from mosaiclink.errors import ConfigError

MARKER_BITS = 40
DEFAULT_MARKER_PERIOD_BITS = 4096
RATE_TOLERANCE = 1e-9  # relative: a stated rate this close below the need is the need (float rounding)

HOST_CODED_RATE_GBPS: dict[str, float] = {
    "400gbe": 425.0,  # IEEE 802.3bs: 4 x 106.25 (or 8 x 53.125) Gb/s RS(544,514)-coded
    "800gbe": 850.0,  # IEEE 802.3df: 8 x 106.25 Gb/s RS(544,514)-coded
    "1.6tbe": 1700.0,  # IEEE 802.3dj: 8 x 212.5 Gb/s RS(544,514)-coded
    "2x1.6tbe": 3400.0,  # two IEEE 802.3dj 1.6TbE ports (a 3.2T twin-port module): 16 x 212.5 Gb/s
    "pcie6": 1024.0,  # PCIe 6.0 / CXL 3 x16 flit mode: 16 x 64 GT/s (FEC and CRC inside the flit)
    "ualink": 850.0,  # UALink 200G 1.0 x4 station: 4 x 212.5 Gb/s RS(544,514)-coded (IEEE 802.3dj PHY)
    "raw": 800.0,  # uncoded stream
}

HOST_DATA_RATE_GBPS: dict[str, float] = {
    "400gbe": 400.0,
    "800gbe": 800.0,  # the MAC rate the cable delivers
    "1.6tbe": 1600.0,
    "2x1.6tbe": 3200.0,
    "pcie6": 1024.0,  # x16 at 64 GT/s (the flit's TLP share is 236/256 of it)
    "ualink": 800.0,  # x4 station at 200 Gb/s per lane
    "raw": 800.0,
}


def host_data_rate_gbps(host: str) -> float:
    """Nominal data rate of a host interface (what energy per bit is quoted against)."""
    if host not in HOST_DATA_RATE_GBPS:
        raise ConfigError(f"host protocol = {host!r}: allowed {', '.join(HOST_DATA_RATE_GBPS)}")
    return HOST_DATA_RATE_GBPS[host]


def required_line_rate_gbps(host: str, data_channels, marker_period_bits=DEFAULT_MARKER_PERIOD_BITS):
    """Per-channel line rate (Gb/s) that carries ``host`` over ``data_channels`` channels (see Notes).

    ``data_channels`` and ``marker_period_bits`` may be arrays (a batch of designs).
    """
    if host not in HOST_CODED_RATE_GBPS:
        raise ConfigError(f"host protocol = {host!r}: allowed {', '.join(HOST_CODED_RATE_GBPS)}")
    channels = np.asarray(data_channels, dtype=float)
    period = np.asarray(marker_period_bits, dtype=float)
    if np.any(channels < 1):
        raise ConfigError(f"data channels = {data_channels!r}: must be at least 1")
    if np.any(period < 8) or np.any(period % 8):
        raise ConfigError(f"marker_period_bits = {marker_period_bits!r}: must be a positive multiple of 8")
    rate = HOST_CODED_RATE_GBPS[host] / channels * (period + MARKER_BITS) / period
    return float(rate) if rate.ndim == 0 else rate
