"""Link-level retry of a flit protocol: a bad flit costs a replay round trip, not a lost flit.

PCIe 6.0 / CXL 3 flit mode checks every 256-byte flit with its FEC and an 8-byte CRC; a flit that
fails either is NAKed by sequence number and the transmitter replays it from its replay buffer
(PCI Express Base Specification 6.0, data link layer; flit mode adds selective NAK). The receiver
delivers flits in order, so every flit behind a replayed one waits for it.

Notes
-----
Given which flit slots arrive bad (the emulator's outcome over time: during a lane failure a
share of slots fails until the spare takes over), for a flit first sent in slot ``s``:

- the replay leaves ``k = ceil(d / t_f)`` slots later, with ``d = 2 t_1 + t_f + t_p``: the NAK
  and the replay each cross the link one way (``t_1``: both ends' data path plus ``L n_g / c``),
  the receiver needs the whole flit (``t_f``) before its CRC, ``t_p`` is processing;
- the replay meets the channel of its own slot ``s + k``: it fails again if that slot is bad
  (the failover window is microseconds, a replay round trip a fraction of one); attempts
  continue to ``max_replays``, after which the link would retrain (counted, the flit is kept);
- delivery is in order: ``D_j = max_{i <= j} (s_i t_f + r_i d)``, added latency ``D_j - s_j t_f``;
- the replay buffer must hold every flit from its first send until it is acknowledged,
  ``(r_i + 1) d``; a flit whose span exceeds the buffer is lost.
Replayed flits take slots of new traffic; their share of the link is reported, the push-back of
new flits is not modelled (it is that share of the bandwidth).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from math import ceil

import numpy as np

from mosaiclink.units import SPEED_OF_LIGHT_M_PER_S


@dataclass(frozen=True)
class RetryOutcome:
    """What link-level retry made of the bad flits of one run (times in ns)."""

    flits: int
    flits_bad_on_first_send: int
    replays: int
    flits_lost: int
    retrains: int
    max_replays_of_one_flit: int
    replay_delay_ns: float
    added_latency_mean_ns: float
    added_latency_p99_ns: float
    added_latency_max_ns: float
    replay_buffer_needed_bytes: int
    replayed_share: float

    def to_dict(self) -> dict:
        return asdict(self)


def one_way_ns(datapath_ns: float, cable_m: float, group_index: float) -> float:
    """One-way link latency: both ends' data path plus time of flight ``L n_g / c``."""
    return datapath_ns + cable_m * group_index / SPEED_OF_LIGHT_M_PER_S * 1e9


def link_level_retry(
    bad_slots: np.ndarray,
    flit_ns: float,
    one_way_latency_ns: float,
    processing_ns: float,
    max_replays: int,
    replay_buffer_bytes: int,
    flit_bytes: int,
) -> RetryOutcome:
    """Replay every bad flit of ``bad_slots`` (``(flits,)`` bool) as described in the module notes."""
    bad = np.asarray(bad_slots, dtype=bool)
    flits = bad.size
    delay = 2.0 * one_way_latency_ns + flit_ns + processing_ns
    step = max(1, ceil(delay / flit_ns - 1e-9))
    first = np.flatnonzero(bad)
    tries = np.zeros(first.size, dtype=np.int64)  # replays each flit needed
    pending = np.ones(first.size, dtype=bool)
    for attempt in range(1, max_replays + 1):
        slot = first + attempt * step
        tries[pending] = attempt
        # beyond the emulated run the link is as it ended: taken as healthy (the spare has switched)
        still = pending & (slot < flits) & bad[np.minimum(slot, flits - 1)]
        pending = still
        if not pending.any():
            break
    retrains = int(pending.sum())
    done_ns = np.arange(flits, dtype=float) * flit_ns
    done_ns[first] += tries * delay
    added = np.maximum.accumulate(done_ns) - np.arange(flits) * flit_ns
    # a flit stays buffered from its first send until acknowledged: one round trip per attempt
    span_bytes = ((tries + 1) * delay / flit_ns + 1) * flit_bytes
    needed = int(ceil(max(float(span_bytes.max(initial=0.0)), (delay / flit_ns + 1) * flit_bytes)))
    lost = int((span_bytes > replay_buffer_bytes).sum())
    return RetryOutcome(
        flits=int(flits),
        flits_bad_on_first_send=int(first.size),
        replays=int(tries.sum()),
        flits_lost=lost,
        retrains=retrains,
        max_replays_of_one_flit=int(tries.max()) if first.size else 0,
        replay_delay_ns=float(delay),
        added_latency_mean_ns=float(added.mean()) if flits else 0.0,
        added_latency_p99_ns=float(np.percentile(added, 99)) if flits else 0.0,
        added_latency_max_ns=float(added.max()) if flits else 0.0,
        replay_buffer_needed_bytes=needed,
        replayed_share=float(tries.sum() / flits) if flits else 0.0,
    )
