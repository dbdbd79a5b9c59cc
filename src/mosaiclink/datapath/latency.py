"""Latency added by the wide-and-slow data path (one direction, TX + RX), in ns.

Notes
-----
- Gearbox: the TX collects one row of N placement units at the host rate
  (``N u / R_host``) and serializes a unit on a channel (``u / R_line``); the RX mirrors it.
  ``u`` = 1 bit (bit-interleaved) or one m-bit symbol.
- Deskew: early lanes wait for the latest one: the skew budget (``budget_ps / 1000``) plus
  one line bit of phase slack per lane.
- Framing: markers steal ``M`` bits per period; a payload bit may wait behind one marker
  (``M / R_line``).
- FEC (only if the cable terminates the host FEC; otherwise the host pays it): store the I
  interleaved codewords (``I n m / R_host``) plus decoding; the decoder pipeline is taken as
  one more codeword time (our estimate; KP4 decoders are quoted at ~50-100 ns total).
"""

from __future__ import annotations

from mosaiclink.datapath.framing import MARKER_BITS, Framing, deskew_buffer_bits
from mosaiclink.datapath.gearbox import Gearbox


def latency_breakdown_ns(gearbox: Gearbox, framing: Framing, skew_budget_ps: float) -> dict[str, float]:
    """Added latency per stage and total, ns."""
    host = gearbox.host
    line = framing.line_rate_gbps(gearbox.payload_rate_gbps())
    u = gearbox.unit_bits
    gear = 2 * (gearbox.channels * u / host.rate_gbps + u / line)
    deskew = deskew_buffer_bits(skew_budget_ps, line) / line
    marker = MARKER_BITS / line
    fec = 2 * host.block_time_ns if host.coded else 0.0
    out = {"gearbox_ns": gear, "deskew_ns": deskew, "framing_ns": marker, "fec_ns": fec}
    out["total_ns"] = sum(out.values())
    return out
