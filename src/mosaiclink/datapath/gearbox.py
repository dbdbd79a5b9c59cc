"""Gearbox: how the host's FEC symbols are spread over N slow optical channels.

Three mappings, all round-robin over the N data channels in a *placement order*:

``bit-interleaved``
    host bits in wire order, bit ``g`` to channel ``g mod N``. Cheapest logic, but the
    ~``n m / N`` bits a channel carries of one codeword all fall in different symbols.
``symbol-aligned``
    whole m-bit symbols in host wire order (codewords symbol-interleaved), symbol ``s`` to
    channel ``s mod N``. With an I-way host interleave and ``I | N`` each channel only ever
    carries symbols of one codeword of the block.
``codeword-diagonal``
    whole symbols, but the block is first de-interleaved so each codeword is laid
    contiguously along the channel array; successive codewords start where the previous
    ended, tracing diagonals through the (channel, time) grid. Every channel carries at
    most ``ceil(n / N)`` symbols of any codeword.

::

    symbol-aligned, I = 2, N = 4          codeword-diagonal, I = 2, N = 4
    ch0: A0 A2 A4 ...                     ch0: A0 A4 ... B0 B4 ...
    ch1: B0 B2 B4 ...                     ch1: A1 A5 ... B1 B5 ...
    ch2: A1 A3 A5 ...                     ch2: A2 A6 ... B2 B6 ...
    ch3: B1 B3 B5 ...                     ch3: A3 A7 ... B3 B7 ...

Notes
-----
Placement unit ``U = block * units_per_block + d`` goes to channel ``U mod N`` at unit slot
``U // N``; the inverse is ``U = slot N + channel``. Per-channel payload rate is
``R_host / N``; the line rate adds the framing overhead ``(P + M) / P`` (see
:mod:`mosaiclink.datapath.framing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from math import gcd

import numpy as np

from mosaiclink.datapath.protocols import HostProtocol
from mosaiclink.errors import ConfigError

MAPPINGS = ("bit-interleaved", "symbol-aligned", "codeword-diagonal")


@dataclass(frozen=True)
class Gearbox:
    """Host-symbol to channel mapping for ``channels`` data channels."""

    host: HostProtocol
    channels: int
    mapping: str

    def __post_init__(self) -> None:
        if self.mapping not in MAPPINGS:
            raise ConfigError(f"mapping = {self.mapping!r}: allowed {', '.join(MAPPINGS)}")
        if self.channels < 1:
            raise ConfigError(f"channels = {self.channels}: must be >= 1")

    @property
    def unit_bits(self) -> int:
        """Bits per placement unit (1 for bit-interleaved, m otherwise)."""
        return 1 if self.mapping == "bit-interleaved" else self.host.m

    @property
    def units_per_block(self) -> int:
        return self.host.block_bits // self.unit_bits

    @property
    def blocks_per_period(self) -> int:
        """Interleave blocks after which the channel pattern repeats exactly."""
        return self.channels // gcd(self.units_per_block, self.channels)

    @cached_property
    def _tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per block symbol ``h`` (wire order): codeword index, position in codeword; order."""
        h = self.host
        sym = np.arange(h.block_symbols)
        cw = sym % h.interleave
        j = sym // h.interleave
        full = h.n if h.coded else h.block_symbols
        pos = j + (full - np.asarray(h.transmitted))[cw]  # shortened codewords start late
        if self.mapping == "codeword-diagonal":
            order = np.lexsort((j, cw))  # de-interleaved: codeword by codeword
        else:
            order = sym
        return cw, pos, order

    def locate(self, channel, channel_bit):
        """Map channel bits to ``(codeword, position, bit)`` (global codeword index).

        ``position`` is the symbol index in the full-length codeword, ``bit`` the bit of
        that symbol (0 = first transmitted = least significant).
        """
        ch = np.asarray(channel, dtype=np.int64)
        cb = np.asarray(channel_bit, dtype=np.int64)
        u = self.unit_bits
        unit = (cb // u) * self.channels + ch
        block, d = np.divmod(unit, self.units_per_block)
        cw_of, pos_of, order = self._tables
        if u == 1:
            hsym, bit = np.divmod(d, self.host.m)
        else:
            hsym, bit = order[d], cb % u
        return block * self.host.interleave + cw_of[hsym], pos_of[hsym], bit

    @cached_property
    def _inverse_order(self) -> np.ndarray:
        cw_of, pos_of, order = self._tables
        inv = np.empty_like(order)
        inv[order] = np.arange(order.size)
        return inv

    @cached_property
    def _symbol_of(self) -> np.ndarray:
        """Wire symbol index in a block from (codeword-in-block, position)."""
        cw_of, pos_of, _ = self._tables
        full = self.host.n if self.host.coded else self.host.block_symbols
        table = np.full((self.host.interleave, full), -1, dtype=np.int64)
        table[cw_of, pos_of] = np.arange(cw_of.size)
        return table

    def place(self, codeword, position, bit):
        """Inverse of :meth:`locate`: ``(channel, channel_bit)`` of codeword bits."""
        cw = np.asarray(codeword, dtype=np.int64)
        block, c = np.divmod(cw, self.host.interleave)
        hsym = self._symbol_of[c, np.asarray(position, dtype=np.int64)]
        if np.any(hsym < 0):
            raise ConfigError("position is not transmitted (shortened codeword)")
        b = np.asarray(bit, dtype=np.int64)
        within: np.ndarray | int
        if self.unit_bits == 1:
            d = hsym * self.host.m + b
            within = 0
        else:
            d = self._inverse_order[hsym]
            within = b
        unit = block * self.units_per_block + d
        slot, ch = np.divmod(unit, self.channels)
        return ch, slot * self.unit_bits + within

    def codeword_channels(self, codewords) -> np.ndarray:
        """Channel of every bit of the given codewords: shape ``(len, n_full, m)``, -1 if absent."""
        h = self.host
        cws = np.asarray(codewords, dtype=np.int64)
        full = h.n if h.coded else h.block_symbols
        out = np.full((cws.size, full, h.m), -1, dtype=np.int64)
        present = self._symbol_of[cws % h.interleave] >= 0  # (len, full)
        ci, pi = np.nonzero(present)
        for b in range(h.m):  # m <= 16 bit planes
            ch, _ = self.place(cws[ci], pi, np.full(ci.size, b))
            out[ci, pi, b] = ch
        return out

    def payload_rate_gbps(self) -> float:
        """Per-channel payload rate (before framing overhead)."""
        return self.host.rate_gbps / self.channels

    def to_channels(self, block_symbols: np.ndarray) -> np.ndarray:
        """Host symbol stream ``(blocks, block_symbols)`` -> channel bits ``(N, bits)`` uint8.

        The number of blocks must fill whole rows of N units (a multiple of ``blocks_per_period``).
        """
        blocks = block_symbols.shape[0]
        if blocks % self.blocks_per_period:
            raise ConfigError(f"blocks = {blocks}: must be a multiple of {self.blocks_per_period}")
        _, _, order = self._tables
        m = self.host.m
        placed = block_symbols[:, order]  # placement order
        bits = (placed[..., None] >> np.arange(m, dtype=np.uint16)) & 1  # (blocks, S, m)
        units = bits.reshape(-1, self.channels, self.unit_bits)  # (slots, N, u)
        return np.ascontiguousarray(units.transpose(1, 0, 2).reshape(self.channels, -1)).astype(np.uint8)

    def from_channels(self, channel_bits: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`to_channels`: ``(N, bits)`` -> ``(blocks, block_symbols)`` uint16."""
        u = self.unit_bits
        m = self.host.m
        units = channel_bits.reshape(self.channels, -1, u).transpose(1, 0, 2)
        bits = units.reshape(-1, self.host.block_symbols, m).astype(np.uint16)
        placed = (bits << np.arange(m, dtype=np.uint16)).sum(axis=2, dtype=np.uint16)
        out = np.empty_like(placed)
        _, _, order = self._tables
        out[:, order] = placed
        return out


@lru_cache(maxsize=32)
def period_codeword_channels(gearbox: Gearbox) -> np.ndarray:
    """:meth:`Gearbox.codeword_channels` of every codeword of one period (``blocks_per_period``
    interleave blocks, after which the channel pattern repeats): ``(codewords, n_full, m)``.

    Cached per gearbox (a frozen, hashable description), so the analytic model evaluated over many
    BER vectors of one mapping places the bits once; the returned array is read-only.
    """
    out = gearbox.codeword_channels(np.arange(gearbox.blocks_per_period * gearbox.host.interleave))
    out.flags.writeable = False
    return out
