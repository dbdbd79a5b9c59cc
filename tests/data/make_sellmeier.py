"""Make ``fused_silica_malitson.csv``: refractive, group index and material dispersion of fused silica.

Source: I. H. Malitson, "Interspecimen comparison of the refractive index of fused silica",
J. Opt. Soc. Am. 55, 1205-1209 (1965): the three-term Sellmeier fit
``n^2 - 1 = sum_i B_i lambda^2 / (lambda^2 - C_i^2)`` with B = (0.6961663, 0.4079426, 0.8974794)
and C = (0.0684043, 0.1162414, 9.896161) um, valid 0.21-3.71 um. The script evaluates n, the group
index ``n - lambda dn/dlambda`` and the material dispersion ``D = -(lambda / c) d^2n/dlambda^2`` with
mpmath's exact derivatives (version in the file), at spectral lines (Hg g 435.8, Hg e 546.1,
He d 587.6, H C 656.3 nm) and at the LED and telecom wavelengths.
Run from the repository root: ``python tests/data/make_sellmeier.py``.
"""

from __future__ import annotations

from pathlib import Path

import mpmath as mp

OUT = Path(__file__).with_name("fused_silica_malitson.csv")
B = ("0.6961663", "0.4079426", "0.8974794")
C_UM = ("0.0684043", "0.1162414", "9.896161")
SPECTRAL_LINES = (0.4358343, 0.5460740, 0.5875618, 0.6562725, 1.0139750)
EXTRA = (0.40, 0.45, 0.47, 0.50, 0.85, 1.31, 1.55)
C_M_PER_S = 299792458


def index(lam_um):
    return mp.sqrt(1 + sum(mp.mpf(b) * lam_um**2 / (lam_um**2 - mp.mpf(c) ** 2) for b, c in zip(B, C_UM, strict=True)))


def main() -> None:
    mp.mp.dps = 40
    lines = [
        f"# fused silica, Malitson 1965 Sellmeier (J. Opt. Soc. Am. 55, 1205); mpmath {mp.__version__}; "
        "tests/data/make_sellmeier.py",
        "wavelength_um,n,group_index,dispersion_ps_per_nm_km",
    ]
    for lam in sorted([*SPECTRAL_LINES, *EXTRA]):
        x = mp.mpf(lam)
        n, d1, d2 = index(x), mp.diff(index, x), mp.diff(index, x, 2)
        # D = -(lambda/c) n'' with lambda in um, n'' in 1/um^2: s/m^2 * 1e6 -> ps/(nm km)
        dispersion = -(x * 1e-6 / C_M_PER_S) * d2 * 1e12 * 1e6
        lines.append(f"{lam},{mp.nstr(n, 12)},{mp.nstr(n - x * d1, 12)},{mp.nstr(dispersion, 10)}")
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
