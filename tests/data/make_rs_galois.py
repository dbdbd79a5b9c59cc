"""Make ``rs544_galois.json``: RS(544,514) codewords by galois with error and erasure patterns.

Tool: galois (version in the file), the IEEE 802.3 Clause 91 "KP4" code: GF(2^10) with the
primitive polynomial x^10 + x^3 + 1, generator roots alpha^0..alpha^29, the (1023, 993) code
shortened to 544 symbols (galois' shortened-code support). Each case stores the codeword galois
encoded (its first 514 symbols are the message: the code is systematic), the corrupted symbols
as (position, received value) pairs, the positions declared erased, and, for errors-only cases,
galois' own decoding (corrected count, or -1 when it detects failure). Symbol 0 is the
coefficient of x^543 (galois' order). Run from the repository root:
``python tests/data/make_rs_galois.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import galois
import numpy as np

OUT = Path(__file__).with_name("rs544_galois.json")
N, K = 544, 514
PATTERNS = [  # (symbol errors, erasures): 2 e + f <= 30 is within the design distance
    (0, 0),
    (1, 0),
    (15, 0),
    (16, 0),
    (20, 0),
    (0, 30),
    (5, 20),
    (10, 10),
    (1, 28),
    (14, 2),
    (8, 15),
    (3, 25),
]


def main() -> None:
    gf = galois.GF(2**10, irreducible_poly="x^10 + x^3 + 1")
    code = galois.ReedSolomon(1023, 993, field=gf, c=0)
    rng = np.random.default_rng(544)
    cases = []
    for errors, erasures in PATTERNS:
        msg = gf(rng.integers(0, 1024, K))
        cw = np.array(code.encode(msg), dtype=np.int64)  # shortened: 544 symbols
        assert cw.size == N
        places = rng.choice(N, errors + erasures, replace=False)
        err_pos, era_pos = places[:errors], places[errors:]
        rx = cw.copy()
        rx[err_pos] ^= rng.integers(1, 1024, errors)  # a nonzero error value: surely wrong
        rx[era_pos] = rng.integers(0, 1024, erasures)  # an erased symbol may be right or wrong
        case = {
            "errors": errors,
            "erasures": erasures,
            "codeword": cw.tolist(),
            "corrupted": [[int(p), int(rx[p])] for p in sorted(places) if rx[p] != cw[p]],
            "erased_positions": sorted(int(p) for p in era_pos),
        }
        if erasures == 0:
            decoded, corrected = code.decode(gf(rx), output="codeword", errors=True)
            case["galois_corrected"] = int(corrected)
            case["galois_decoded_is_codeword"] = bool(np.array_equal(np.array(decoded), cw))
        cases.append(case)
    OUT.write_text(
        json.dumps(
            {
                "tool": f"galois {galois.__version__}",
                "code": "RS(544,514) over GF(2^10), p(x) = x^10 + x^3 + 1, roots alpha^0..alpha^29",
                "script": "tests/data/make_rs_galois.py",
                "cases": cases,
            },
            separators=(",", ":"),
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
