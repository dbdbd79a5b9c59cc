"""Host protocols the cable carries: their FEC codeword, interleave, rate and frame check.

The cable is protocol-agnostic: it moves the host's FEC-coded symbol stream. What matters to
the data path is the code (RS over GF(2^m)), how many codewords the host interleaves symbol
by symbol, the coded bit rate, and how the payload is checked end to end (Ethernet frames
with CRC-32, PCIe flits with their CRC, or nothing for a raw stream).

Notes
-----
- 400GbE (IEEE 802.3bs cl. 119 PCS): 425 Gb/s of RS(544,514) KP4 codewords (4 x 106.25 Gb/s
  400GAUI-4 or 8 x 53.125 Gb/s), interleaved symbol by symbol 2-way (cl. 119.2.4.4).
- 800GbE (IEEE 802.3df cl. 172 over the cl. 119 PCS): 8 host lanes x 106.25 Gb/s = 850 Gb/s
  of RS(544,514) "KP4" codewords (IEEE 802.3 cl. 91.5.2.7: GF(2^10), ``x^10 + x^3 + 1``,
  roots ``alpha^0 .. alpha^29``); codewords interleaved symbol by symbol 2-way
  (cl. 119.2.4.4, "the 10-bit symbols of the two codewords are interleaved").
- 1.6TbE (IEEE 802.3dj): 8 x 212.5 Gb/s = 1700 Gb/s of the same KP4 code; we model it as a
  4-way symbol interleave (two 2-way interleaved flows), our simplification.
- 2 x 1.6TbE: a 3.2T twin-port module (16 x 212.5 Gb/s = 3400 Gb/s, two 802.3dj ports, as 800G
  modules carry 2 x 400GbE); modelled as one 8-way interleave of the two ports' codewords.
- PCIe 6.0 / CXL 3 flit mode: 256-byte flits = 236 B TLP + 6 B DLP + 8 B CRC + 6 B FEC; the
  FEC is three byte-interleaved single-symbol-correcting RS codes over GF(2^8) with two
  check bytes each (codewords of 86, 85, 85 bytes). x16 at 64 GT/s PAM4 = 1024 Gb/s per
  direction. We model all three as RS(86,84) (the 85-byte ones shortened by a leading zero)
  and take a CRC-64 (ECMA-182) in place of the PCIe flit CRC polynomial (our assumption).
- UALink 200G 1.0 (ratified April 2025, https://probsee.com/p/ualink): a x4 station of 200 Gb/s
  lanes on the IEEE 802.3dj 200G-per-lane PHY, so 4 x 212.5 = 850 Gb/s of RS(544,514) KP4
  codewords, taken 2-way interleaved like 800GbE (our reading). The data link layer packs
  64-byte transaction-layer flits into 640-byte DL flits with a CRC and replays bad ones (link
  level replay; Teledyne LeCroy, "UALink 1.0 fundamentals",
  https://www.teledynelecroy.com/services/ualink-1.0-fundamentals---austin-labs-testing-and-training).
  We model the DL flit as a 640-byte frame with a CRC-32 stand-in (the DL CRC polynomial is our
  assumption). An NVLink-class scale-up link is the same shape (flits, CRC, replay).
- raw: an uncoded bit stream with CRC-32 frames; every channel error is a frame error.
"""

from __future__ import annotations

from dataclasses import dataclass

from mosaiclink.config.line_rate import HOST_CODED_RATE_GBPS
from mosaiclink.datapath.gf import BYTE_POLY, KP4_POLY
from mosaiclink.datapath.rs import ReedSolomon, reed_solomon
from mosaiclink.errors import ConfigError


@dataclass(frozen=True)
class HostProtocol:
    """One host interface as seen by the cable.

    Attributes
    ----------
    name : str
    rate_gbps : float
        Coded bit rate the cable must carry (all host lanes together).
    host_lanes : int
        Electrical host lanes (informational; the gearbox works on FEC symbols).
    n, k, m, poly, fcr : int
        The RS code (``n = k = 0`` for an uncoded stream; then ``m`` is the bit-group size).
    interleave : int
        Codewords interleaved symbol by symbol on the host stream.
    transmitted : tuple[int, ...]
        Transmitted symbols of each interleaved codeword (``n`` unless shortened in the flit).
    check : str
        End-to-end check on the payload: ``"crc32"`` per frame, ``"crc64-flit"`` per PCIe flit,
        ``"crc32-dl-flit"`` per UALink data-link flit.
    flit_bytes : int
        Frame size fixed by the protocol (a flit), 0 where frames are the user's (Ethernet, raw).
    """

    name: str
    rate_gbps: float
    host_lanes: int
    n: int
    k: int
    m: int
    poly: int
    fcr: int
    interleave: int
    transmitted: tuple[int, ...]
    check: str
    flit_bytes: int = 0

    @property
    def link_retry(self) -> bool:
        """Whether the link layer replays a flit that fails its check (PCIe 6 / CXL, UALink)."""
        return self.check in ("crc64-flit", "crc32-dl-flit")

    @property
    def coded(self) -> bool:
        return self.n > 0

    @property
    def code(self) -> ReedSolomon:
        if not self.coded:
            raise ConfigError(f"host '{self.name}' has no FEC")
        return reed_solomon(self.n, self.k, self.m, self.poly, self.fcr)

    @property
    def block_symbols(self) -> int:
        """Symbols per interleave block on the wire (sum of transmitted symbols)."""
        return sum(self.transmitted)

    @property
    def block_bits(self) -> int:
        return self.block_symbols * self.m

    @property
    def block_time_ns(self) -> float:
        """Duration of one interleave block on the host side."""
        return self.block_bits / self.rate_gbps


HOSTS: dict[str, HostProtocol] = {
    "400gbe": HostProtocol(
        "400gbe", HOST_CODED_RATE_GBPS["400gbe"], 4, 544, 514, 10, KP4_POLY, 0, 2, (544, 544), "crc32"
    ),
    "800gbe": HostProtocol(
        "800gbe", HOST_CODED_RATE_GBPS["800gbe"], 8, 544, 514, 10, KP4_POLY, 0, 2, (544, 544), "crc32"
    ),
    "1.6tbe": HostProtocol(
        "1.6tbe", HOST_CODED_RATE_GBPS["1.6tbe"], 8, 544, 514, 10, KP4_POLY, 0, 4, (544,) * 4, "crc32"
    ),
    "2x1.6tbe": HostProtocol(
        "2x1.6tbe", HOST_CODED_RATE_GBPS["2x1.6tbe"], 16, 544, 514, 10, KP4_POLY, 0, 8, (544,) * 8, "crc32"
    ),
    "pcie6": HostProtocol(
        "pcie6", HOST_CODED_RATE_GBPS["pcie6"], 16, 86, 84, 8, BYTE_POLY, 0, 3, (86, 85, 85), "crc64-flit"
    ),
    "ualink": HostProtocol(
        "ualink", HOST_CODED_RATE_GBPS["ualink"], 4, 544, 514, 10, KP4_POLY, 0, 2, (544, 544), "crc32-dl-flit", 640
    ),
    "raw": HostProtocol("raw", HOST_CODED_RATE_GBPS["raw"], 8, 0, 0, 8, 0, 0, 1, (256,), "crc32"),
}


def host_protocol(name: str) -> HostProtocol:
    """Look up a host protocol by name (``400gbe``, ``800gbe``, ``1.6tbe``, ``2x1.6tbe``, ``pcie6``, ``ualink``,
    ``raw``)."""
    try:
        return HOSTS[name]
    except KeyError:
        raise ConfigError(f"host = {name!r}: allowed {', '.join(HOSTS)}") from None
