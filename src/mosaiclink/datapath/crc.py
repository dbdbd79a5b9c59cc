"""Frame check sequences, computed for many frames at once (one table step per byte column).

CRC-32 is the IEEE 802.3 FCS (reflected 0x04C11DB7, init and final XOR all ones; equals
``zlib.crc32``). For PCIe flits we use CRC-64/XZ (ECMA-182 polynomial, reflected) as a
stand-in for the PCIe 6.0 flit CRC (same length, different polynomial; our assumption).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_SPECS = {  # name: (reflected polynomial, width in bits)
    "crc32": (0xEDB88320, 32),
    "crc64": (0xC96C5795D7870F42, 64),
}


@lru_cache(maxsize=4)
def _table(name: str) -> np.ndarray:
    poly, _ = _SPECS[name]
    table = np.zeros(256, dtype=np.uint64)
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table[byte] = crc
    return table


def crc(frames: np.ndarray, name: str = "crc32") -> np.ndarray:
    """CRC of each row of ``frames`` (uint8, shape (F, bytes)) -> uint64 (F,)."""
    _, width = _SPECS[name]
    ones = np.uint64((1 << width) - 1)
    table = _table(name)
    reg = np.full(frames.shape[0], ones, dtype=np.uint64)
    for col in frames.T:
        reg = table[(reg ^ col.astype(np.uint64)) & np.uint64(0xFF)] ^ (reg >> np.uint64(8))
    return reg ^ ones


def crc_bytes(name: str) -> int:
    return _SPECS[name][1] // 8


def append_crc(bodies: np.ndarray, name: str) -> np.ndarray:
    """Frames = bodies followed by their CRC, least significant byte first."""
    value = crc(bodies, name)
    nb = crc_bytes(name)
    tail = ((value[:, None] >> (np.arange(nb, dtype=np.uint64) * np.uint64(8))) & np.uint64(0xFF)).astype(np.uint8)
    return np.concatenate([bodies, tail], axis=1)


def check_crc(frames: np.ndarray, name: str) -> np.ndarray:
    """True where the trailing CRC matches the body."""
    nb = crc_bytes(name)
    return np.all(frames[:, -nb:] == append_crc(frames[:, :-nb], name)[:, -nb:], axis=1)
