"""Make ``gaussian_tails_mpmath.csv``: the Gaussian tail Q(x) = erfc(x / sqrt 2) / 2 to 30 digits.

Tool: mpmath (version written into the file's header), 50-digit working precision. Columns: the
Q factor, log10 of its tail, and the tail itself (0 where it underflows a float64). Run from the
repository root: ``python tests/data/make_gaussian_tails.py`` (not collected by pytest).
"""

from __future__ import annotations

from pathlib import Path

import mpmath as mp

OUT = Path(__file__).with_name("gaussian_tails_mpmath.csv")
Q_VALUES = [0.0, 0.1, 0.5, 1.0, 2.0, 3.0, 3.5, 4.0, 4.753, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0, 15.0, 20.0, 25.0, 30.0, 37.0]


def main() -> None:
    mp.mp.dps = 50
    lines = [
        f"# Gaussian tail Q(x) = erfc(x/sqrt(2))/2 by mpmath {mp.__version__} at 50 digits "
        "(tests/data/make_gaussian_tails.py)",
        "q,log10_tail,tail",
    ]
    for q in Q_VALUES:
        tail = mp.erfc(mp.mpf(q) / mp.sqrt(2)) / 2
        value = mp.nstr(tail, 30) if tail > mp.mpf("1e-300") else "0"
        lines.append(f"{q!r},{mp.nstr(mp.log10(tail), 30)},{value}")
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
