"""Time of collective operations with alpha-beta (Hockney) cost models: ring, tree, hierarchical.

A message of ``n`` bytes between two ranks takes ``alpha + n / B`` (Hockney 1994): ``alpha`` is the
per-step latency (software, NIC, switches, cables), ``B`` the bandwidth one rank sends with. The
collective algorithms are those of Thakur, Rabenseifner & Gropp, "Optimization of collective
communication operations in MPICH", IJHPCA 19(1) 49-66 (2005), as NCCL implements them (ring
and double binary tree). ``n`` is always the full buffer of one rank (nccl-tests' "size").

All functions broadcast over NumPy arrays and return seconds; one rank (``p = 1``) costs nothing.
"""

from __future__ import annotations

import numpy as np


def _p(ranks) -> np.ndarray:
    return np.asarray(ranks, dtype=float)


def ring_all_gather_s(nbytes, ranks, alpha_s, bandwidth_byte_s):
    """Ring all-gather (and reduce-scatter): ``(p - 1) alpha + (p - 1)/p n / B``.

    Notes
    -----
    ``p - 1`` steps, each moving one ``n/p`` shard (Thakur et al. 2005, sec. 4.1). The reduction
    arithmetic of a reduce-scatter runs at GPU memory speed and is neglected.
    """
    p = _p(ranks)
    return np.where(p > 1, (p - 1) * alpha_s + (p - 1) / p * np.asarray(nbytes, dtype=float) / bandwidth_byte_s, 0.0)


ring_reduce_scatter_s = ring_all_gather_s


def ring_all_reduce_s(nbytes, ranks, alpha_s, bandwidth_byte_s):
    """Ring all-reduce = reduce-scatter + all-gather: ``2 (p - 1) alpha + 2 (p - 1)/p n / B``.

    Notes
    -----
    Bandwidth-optimal (Patarasuk & Yuan 2009); the latency term grows linearly with ``p``.
    """
    return 2.0 * ring_all_gather_s(nbytes, ranks, alpha_s, bandwidth_byte_s)


def tree_all_reduce_s(nbytes, ranks, alpha_s, bandwidth_byte_s):
    """Pipelined double binary tree all-reduce: ``2 ceil(log2 p) alpha + 2 n / B``.

    Notes
    -----
    A reduce up a binary tree then a broadcast down, each pipelined in small chunks, costs
    ``2 ceil(log2 p)`` latencies. Two complementary trees each carry half the data; every rank is
    an inner node of one and a leaf of the other, so it sends ``n`` per phase, ``2 n`` in all
    (Sanders, Speck & Traeff, Parallel Computing 35(12) 2009; NCCL 2.4 and its tuner's algorithm
    bandwidth of half the bus bandwidth). It beats the ring when ``p`` is large and ``n`` small.
    """
    p = _p(ranks)
    steps = np.ceil(np.log2(np.maximum(p, 1.0)))
    return np.where(p > 1, 2.0 * steps * alpha_s + 2.0 * np.asarray(nbytes, dtype=float) / bandwidth_byte_s, 0.0)


def all_reduce_s(nbytes, ranks, alpha_s, bandwidth_byte_s):
    """The faster of ring and tree, as NCCL's tuner picks per size (:func:`ring_all_reduce_s`,
    :func:`tree_all_reduce_s`)."""
    return np.minimum(
        ring_all_reduce_s(nbytes, ranks, alpha_s, bandwidth_byte_s),
        tree_all_reduce_s(nbytes, ranks, alpha_s, bandwidth_byte_s),
    )


def all_to_all_s(nbytes, ranks, alpha_s, bandwidth_byte_s):
    """All-to-all on a non-blocking switch: ``alpha + (p - 1)/p n / B``.

    Notes
    -----
    Each rank holds ``n`` bytes, ``n/p`` for every rank, and keeps its own share. On a switched
    fabric with full bisection the ``p - 1`` sends are posted at once and proceed concurrently
    (NCCL's grouped send/receive), so one latency is paid and the rank's own link sets the time;
    the pairwise-exchange bound of Thakur et al. (2005, sec. 4.4), ``(p-1) alpha``, holds for
    one message in flight.
    """
    p = _p(ranks)
    return np.where(p > 1, alpha_s + (p - 1) / p * np.asarray(nbytes, dtype=float) / bandwidth_byte_s, 0.0)


def hierarchical_all_reduce_s(nbytes, inner, outer, inner_alpha_s, inner_bw, outer_alpha_s, outer_bw):
    """Two-level all-reduce: reduce-scatter inside a domain of ``q`` ranks, all-reduce of the
    ``n/q`` shards across ``k`` domains (every rank on its own NIC), all-gather inside.

    Notes
    -----
    ``T = 2 T_ring_ag(n, q; inner) + T_ar(n/q, k; outer)`` (Thakur et al. 2005 compose the same
    way; NCCL's NVLS-tree and "hierarchical" rings). The scale-out fabric carries ``2 (k-1)/k n/q``
    per rank: a larger scale-up domain divides the traffic on the slower tier by ``q``.
    """
    q = _p(inner)
    shard = np.asarray(nbytes, dtype=float) / q
    return 2.0 * ring_all_gather_s(nbytes, q, inner_alpha_s, inner_bw) + all_reduce_s(
        shard, outer, outer_alpha_s, outer_bw
    )


def two_tier_all_to_all_s(nbytes, ranks, inner, inner_alpha_s, inner_bw, outer_alpha_s, outer_bw):
    """All-to-all over ``p`` ranks of which ``q`` share a scale-up domain.

    Notes
    -----
    A rank sends ``n (q - 1)/p`` inside its domain and ``n (p - q)/p`` over its NIC at the same
    time (:func:`all_to_all_s` on each tier); the slower of the two sets the time.
    """
    p = _p(ranks)
    q = np.minimum(_p(inner), p)
    n = np.asarray(nbytes, dtype=float)
    inside = np.where(q > 1, inner_alpha_s + n * (q - 1) / p / inner_bw, 0.0)
    outside = np.where(p > q, outer_alpha_s + n * (p - q) / p / outer_bw, 0.0)
    return np.where(p > 1, np.maximum(inside, outside), 0.0)


def bus_bandwidth_byte_s(collective: str, nbytes, seconds, ranks):
    """nccl-tests' bus bandwidth: algorithm bandwidth ``n / t`` times ``2(p-1)/p`` (all-reduce) or
    ``(p-1)/p`` (all-gather, reduce-scatter, all-to-all), so that it compares with link speed
    (NVIDIA nccl-tests, doc/PERFORMANCE.md)."""
    p = _p(ranks)
    factor = {"all_reduce": 2.0 * (p - 1) / p}.get(collective, (p - 1) / p)
    return np.asarray(nbytes, dtype=float) / np.asarray(seconds, dtype=float) * factor
