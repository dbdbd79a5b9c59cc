"""CRC-32 (IEEE 802.3 FCS) against zlib's, on random frames; CRC append/check round trip."""

from __future__ import annotations

import zlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.datapath.crc import append_crc, check_crc, crc


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=8), st.integers(min_value=0, max_value=300), st.randoms())
def test_crc32_equals_zlib(frames, length, random):
    data = np.frombuffer(random.randbytes(frames * length), dtype=np.uint8).reshape(frames, length)
    expected = [zlib.crc32(row.tobytes()) for row in data]
    assert crc(data, "crc32").tolist() == expected


def test_crc32_check_value():
    """The catalogue check value of CRC-32/ISO-HDLC: crc32("123456789") = 0xCBF43926."""
    assert int(crc(np.frombuffer(b"123456789", dtype=np.uint8)[None, :], "crc32")[0]) == 0xCBF43926


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["crc32", "crc64"]), st.integers(min_value=1, max_value=64), st.randoms())
def test_append_then_check_accepts_and_any_single_bit_flip_is_caught(name, length, random):
    body = np.frombuffer(random.randbytes(length), dtype=np.uint8)[None, :]
    frame = append_crc(body, name)
    assert check_crc(frame, name).all()
    flipped = frame.copy()
    bit = random.randrange(flipped.size * 8)
    flipped[0, bit // 8] ^= np.uint8(1 << (bit % 8))
    assert not check_crc(flipped, name).any()  # a CRC detects every single-bit error
