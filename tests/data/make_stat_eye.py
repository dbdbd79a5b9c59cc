"""Make ``stat_eye_mpmath.json``: exact BERs of binary channels with ISI and Gaussian noise.

The statistical eye of an NRZ channel is the convolution of each interferer's two-point
distribution {0, g_k} (equiprobable bits) with the Gaussian noise of each level; with K <= 6
interferers the convolution is an exact sum over the 2^K patterns. Evaluated here with mpmath
(version in the file) at 40 digits, at the midpoint threshold and at the optimal threshold (where
the '0' and '1' densities cross, found by mpmath.findroot), for a few tap sets that span open to
nearly closed eyes and equal and unequal level noise. Run from the repository root:
``python tests/data/make_stat_eye.py``.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import mpmath as mp

OUT = Path(__file__).with_name("stat_eye_mpmath.json")
CASES = [  # (taps with the cursor, cursor index, sigma_0, sigma_1)
    ([0.0, 1.0, 0.0], 1, 0.1, 0.1),
    ([0.05, 1.0, 0.2, 0.08, -0.03], 1, 0.08, 0.1),
    ([0.1, 0.8, 0.3, 0.15, 0.05, -0.02, 0.01], 1, 0.06, 0.09),
    ([0.02, 0.6, 0.25, -0.1], 1, 0.12, 0.12),
    ([0.0, 1.0, 0.35, 0.1], 1, 0.05, 0.07),
]


def _levels(taps, cursor):
    isi = [g for i, g in enumerate(taps) if i != cursor]
    zeros = [sum(b * g for b, g in zip(bits, isi, strict=True)) for bits in itertools.product((0, 1), repeat=len(isi))]
    return zeros, [z + taps[cursor] for z in zeros]


def ber(taps, cursor, s0, s1, t):
    zeros, ones = _levels(taps, cursor)
    tail = lambda x: mp.erfc(x / mp.sqrt(2)) / 2  # noqa: E731
    return (sum(tail((t - z) / s0) for z in zeros) + sum(tail((o - t) / s1) for o in ones)) / (2 * len(zeros))


def optimal_threshold(taps, cursor, s0, s1):
    zeros, ones = _levels(taps, cursor)
    density = lambda t: sum(mp.npdf(t, o, s1) for o in ones) - sum(mp.npdf(t, z, s0) for z in zeros)  # noqa: E731
    low, high = max(zeros), min(ones)
    start = (s1 * low + s0 * high) / (s0 + s1) if high > low else (sum(zeros) / len(zeros) + sum(ones) / len(ones)) / 2
    return mp.findroot(density, start)


def main() -> None:
    mp.mp.dps = 40
    cases = []
    for taps, cursor, s0, s1 in CASES:
        taps_mp = [mp.mpf(str(g)) for g in taps]
        s0m, s1m = mp.mpf(str(s0)), mp.mpf(str(s1))
        zeros, ones = _levels(taps_mp, cursor)
        mid = (sum(zeros) / len(zeros) + sum(ones) / len(ones)) / 2
        t_opt = optimal_threshold(taps_mp, cursor, s0m, s1m)
        cases.append(
            {
                "taps": taps,
                "cursor_index": cursor,
                "sigma_0": s0,
                "sigma_1": s1,
                "midpoint_threshold": float(mid),
                "log10_ber_midpoint": float(mp.log10(ber(taps_mp, cursor, s0m, s1m, mid))),
                "optimal_threshold": float(t_opt),
                "log10_ber_optimal": float(mp.log10(ber(taps_mp, cursor, s0m, s1m, t_opt))),
            }
        )
    OUT.write_text(
        json.dumps(
            {"tool": f"mpmath {mp.__version__}, 40 digits", "script": "tests/data/make_stat_eye.py", "cases": cases},
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
