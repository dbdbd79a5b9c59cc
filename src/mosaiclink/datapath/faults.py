"""Error and fault models of the optical channels, as error positions ``(channel, bit)``.

- independent errors at each channel's BER (from the link model or given);
- Gilbert-Elliott bursts: a two-state Markov chain per channel (good/bad) with a BER per state;
- dead or stuck channels (a dark microLED reads as 0; scrambled data is 1 half the time, so each
  bit is wrong with probability 1/2), from link-up or from a time t;
- skew drift: a lane whose skew outgrows the deskew buffer slips and is lost from then on.

Notes
-----
Independent errors are drawn by *thinning* (Lewis and Shedler, Naval Res. Logist. Q. 26 (1979) 403):
candidate positions on the time-major line index ``L = bit * C + channel`` with geometric gaps at
``p_max = max BER``, each kept with probability ``p(channel, bit) / p_max``. A link's lanes span many
decades of BER (the 800G's three closed-eye lanes at 1/2, the other 457 below 4e-5), so one
``p_max`` for all would draw ~10 million candidates to keep ~65,000. :func:`thinned_errors` thins
the lanes in *strata* of one decade instead (:func:`ber_strata`): each stratum has its own line
``L = bit * C_s + k`` over its ``C_s`` lanes and its own ``p_max``, so at most 10 candidates are
drawn per kept error on average and the cost is proportional to the number of errors, not of bits.
The strata are independent Bernoulli fields, so their union is exactly the per-lane field.
Gilbert-Elliott sojourns are geometric (mean ``1/p_gb`` good, ``1/p_bg`` bad bits); within a
sojourn errors again come by geometric gaps. The state is carried from chunk to chunk.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from mosaiclink.config.datapath import GilbertElliottSpec


def geometric(rng: np.random.Generator, p: float, size: int) -> np.ndarray:
    """``rng.geometric(p, size)``, the same numbers at half the cost for ``p < 1/3``.

    There NumPy draws by inversion, ``ceil(-E / log1p(-p))`` with ``E`` its standard exponential
    (``random_geometric_inversion``); the same arithmetic on a whole array of
    ``rng.standard_exponential`` draws (the same generator steps) avoids a per-draw logarithm
    call. ``tests/datapath/test_faults_geometric.py`` checks the equality.
    """
    if not 0.0 < p < 1.0 / 3.0:
        return rng.geometric(p, size=size)
    draws = rng.standard_exponential(size)
    np.divide(draws, -math.log1p(-p), out=draws)
    return np.ceil(draws, out=draws).astype(np.int64)


def candidate_line_errors(rng: np.random.Generator, p_max: float, lanes: int, bit_start: int, bit_stop: int):
    """Sorted candidate error positions ``L = (bit - bit_start) lanes + lane`` at rate ``p_max``."""
    total = lanes * (bit_stop - bit_start)
    if p_max <= 0 or total <= 0:
        return np.zeros(0, dtype=np.int64)
    expected = total * p_max
    draw = int(expected + 6 * np.sqrt(expected) + 16)
    pos = geometric(rng, p_max, draw)  # a fresh array: summed and shifted in place
    np.cumsum(pos, out=pos)
    pos -= 1
    while pos[-1] < total:  # rare: draw more
        pos = np.concatenate([pos, pos[-1] + np.cumsum(geometric(rng, p_max, draw))])
    return pos[: np.searchsorted(pos, total)]  # sorted: the prefix below total, no mask pass


def candidate_errors(rng: np.random.Generator, p_max: float, lanes: int, bit_start: int, bit_stop: int):
    """Candidate errors as ``(lane, bit)``, sorted by time then lane."""
    bit, lane = np.divmod(candidate_line_errors(rng, p_max, lanes, bit_start, bit_stop), lanes)
    return lane, bit + bit_start


STRATUM_SPAN = 10.0  # the BERs of one thinning stratum lie within this factor of its largest


def ber_strata(ber: np.ndarray) -> list[np.ndarray]:
    """The lanes with ``ber > 0`` in strata of one decade (module Notes), largest BER first: each
    stratum's lanes (ascending) have BERs in ``(top / STRATUM_SPAN, top]``, ``top`` its largest."""
    ber = np.asarray(ber, dtype=np.float64)
    order = np.argsort(-ber, kind="stable")
    order = order[ber[order] > 0.0]
    descending = -ber[order]  # ascending, for searchsorted
    strata = []
    first = 0
    while first < order.size:
        top = ber[order[first]]
        stop = max(first + 1, int(np.searchsorted(descending, -top / STRATUM_SPAN, side="left")))
        strata.append(np.sort(order[first:stop]))
        first = stop
    return strata


def thinned_errors(
    rng: np.random.Generator, ber: np.ndarray, lanes: int, bit_start: int, bit_stop: int
) -> tuple[np.ndarray, np.ndarray]:
    """Independent errors ``(lane, bit)`` at each lane's ``ber`` (``lanes`` of them), sorted by
    time then lane, over bits ``[bit_start, bit_stop)``.

    Each stratum of :func:`ber_strata`, in turn, draws the candidates of :func:`candidate_line_errors`
    on its own line at its largest BER ``p_s``, then their uniforms (``rng.random``), and keeps a
    candidate of lane ``l`` where ``uniform < ber[l] / p_s`` (module Notes). The lane and bit of each
    candidate are computed in one compiled pass that keeps only the accepted ones.
    """
    ber = np.asarray(ber, dtype=np.float64)
    if ber.shape != (lanes,):
        raise ValueError(f"ber has shape {ber.shape}: one BER per lane ({lanes}) expected")
    lane_parts, bit_parts = [], []
    for stratum in ber_strata(ber):
        p_stratum = float(ber[stratum].max())
        line = candidate_line_errors(rng, p_stratum, stratum.size, bit_start, bit_stop)
        if line.size == 0:
            continue
        index, bit = _thin_line(line, rng.random(line.size), ber[stratum] / p_stratum, stratum.size, bit_start)
        lane_parts.append(stratum[index])
        bit_parts.append(bit)
    if not lane_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lane, bit = np.concatenate(lane_parts), np.concatenate(bit_parts)
    if len(lane_parts) > 1:
        order = np.lexsort((lane, bit))
        lane, bit = lane[order], bit[order]
    return lane, bit


@njit(cache=True)
def _thin_line(line, uniform, keep_probability, lanes, bit_start):
    """Kept ``(lane, bit_start + bit)`` of the sorted line positions ``line = bit lanes + lane``
    where ``uniform < keep_probability[lane]`` (exact integer division by an estimate and correction)."""
    out_lane = np.empty(line.size, dtype=np.int64)
    out_bit = np.empty(line.size, dtype=np.int64)
    inverse = 1.0 / lanes
    kept = 0
    for i in range(line.size):
        bit = np.int64(line[i] * inverse)  # within one of line // lanes for line < 2**53
        lane = line[i] - bit * lanes
        if lane < 0:
            bit -= 1
            lane += lanes
        elif lane >= lanes:
            bit += 1
            lane -= lanes
        if uniform[i] < keep_probability[lane]:
            out_lane[kept] = lane
            out_bit[kept] = bit + bit_start
            kept += 1
    return out_lane[:kept].copy(), out_bit[:kept].copy()


@njit(cache=True)
def _ge_kernel(seed, lanes, bit_start, bit_stop, p_gb, p_bg, ber_g, ber_b, state):
    np.random.seed(seed)
    out_lane = []
    out_bit = []
    for lane in range(lanes):
        pos = bit_start
        s = state[lane]
        while pos < bit_stop:
            p_leave = p_gb if s == 0 else p_bg
            stay = np.random.geometric(p_leave)  # sojourn length in bits
            end = min(pos + stay, bit_stop)
            ber = ber_g if s == 0 else ber_b
            if ber > 0:
                e = pos + np.random.geometric(ber) - 1
                while e < end:
                    out_lane.append(lane)
                    out_bit.append(e)
                    e += np.random.geometric(ber)
            if pos + stay <= bit_stop:
                s = 1 - s
            pos = end
        state[lane] = s
    return np.array(out_lane, dtype=np.int64), np.array(out_bit, dtype=np.int64)


def gilbert_elliott_errors(
    rng: np.random.Generator, ge: GilbertElliottSpec, lanes: int, bit_start: int, bit_stop: int, state: np.ndarray
):
    """Burst errors on every lane over [bit_start, bit_stop); ``state`` (uint8, lanes) is updated.

    A geometric sojourn that crosses the chunk end is cut there; by memorylessness the chain
    continues exactly from the carried state.
    """
    seed = int(rng.integers(0, 2**31 - 1))
    lane, bit = _ge_kernel(
        seed, lanes, bit_start, bit_stop, ge.p_good_to_bad, ge.p_bad_to_good, ge.ber_good, ge.ber_bad, state
    )
    order = np.lexsort((lane, bit))
    return lane[order], bit[order]


def stationary_bad_fraction(ge: GilbertElliottSpec) -> float:
    """Probability of the bad state, ``p_gb / (p_gb + p_bg)``."""
    return ge.p_good_to_bad / (ge.p_good_to_bad + ge.p_bad_to_good)


def initial_ge_state(rng: np.random.Generator, ge: GilbertElliottSpec, lanes: int) -> np.ndarray:
    """Per-lane start state drawn from the stationary distribution."""
    return (rng.random(lanes) < stationary_bad_fraction(ge)).astype(np.uint8)


def dead_errors(rng: np.random.Generator, lanes: np.ndarray, starts: np.ndarray, stops: np.ndarray):
    """Bit errors of dead lanes: every bit of [start, stop) wrong with probability 1/2."""
    lengths = np.maximum(np.asarray(stops) - np.asarray(starts), 0)
    total = int(lengths.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    lane = np.repeat(np.asarray(lanes, dtype=np.int64), lengths)
    offsets = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    bit = np.repeat(np.asarray(starts, dtype=np.int64), lengths) + offsets
    keep = rng.random(total) < 0.5
    return lane[keep], bit[keep]


def pick_channels(rng: np.random.Generator, channels: int, count: int, exclude=()) -> np.ndarray:
    """``count`` distinct channels chosen uniformly, avoiding ``exclude``."""
    pool = np.setdiff1d(np.arange(channels), np.asarray(exclude, dtype=np.int64))
    return np.sort(rng.choice(pool, size=count, replace=False)).astype(np.int64)


def initial_skew_ps(rng: np.random.Generator, lanes: int, core_mismatch_cm: float, skew_ps_per_cm: float):
    """Per-lane static skew, uniform over the core-length mismatch (``50 ps/cm`` [S2])."""
    return rng.random(lanes) * core_mismatch_cm * skew_ps_per_cm


def slip_time_ns(skew_ps: np.ndarray, drift_ps_per_us: float, budget_ps: float) -> np.ndarray:
    """Time at which a lane drifting at ``drift_ps_per_us`` leaves the deskew budget (inf if never)."""
    skew = np.asarray(skew_ps, dtype=np.float64)
    with np.errstate(divide="ignore"):
        t_us = np.where(drift_ps_per_us > 0, (budget_ps - skew) / drift_ps_per_us, np.inf)
    return np.maximum(t_us, 0.0) * 1e3
