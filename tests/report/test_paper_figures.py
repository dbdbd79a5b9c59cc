"""Paper figures: the plain-text log labels say the numbers Matplotlib's mathtext labels say."""

from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mosaiclink.report.paper_figures import SUPERSCRIPT, plain_log_labels  # noqa: E402

NORMAL = {chr(v): chr(k) for k, v in SUPERSCRIPT.items()}


def read_plain(label: str) -> float:
    """'10⁻⁵' -> 1e-5, '2×10⁻⁵' -> 2e-5, '3' -> 3."""
    coefficient, _, power = label.rpartition("\u00d7")
    if power.isascii():
        return float(label)
    exponent = int("".join(NORMAL.get(c, c) for c in power[2:]))
    return (float(coefficient) if coefficient else 1.0) * 10.0**exponent


def read_mathtext(label: str) -> float:
    r"""'$\mathdefault{2\times10^{-5}}$' -> 2e-5."""
    found = re.fullmatch(r"\$\\mathdefault\{(?:([\d.]+)\\times)?10\^\{([-\u2212]?\d+)\}\}\$", label)
    assert found, label
    return float(found.group(1) or 1.0) * 10.0 ** int(found.group(2).replace("\u2212", "-"))


@given(st.integers(-40, 10), st.integers(1, 40))
@settings(max_examples=25, deadline=None)
def test_plain_log_labels_label_the_same_ticks_with_the_same_values(low_exponent, decades):
    (fig, plain), (reference_fig, reference) = plt.subplots(), plt.subplots()
    try:
        check_labels(fig, plain, reference, low_exponent, decades)
    finally:
        plt.close(fig)
        plt.close(reference_fig)


def check_labels(fig, plain, reference, low_exponent, decades):
    for ax in (plain, reference):
        ax.set_yscale("log")
        ax.set_ylim(10.0**low_exponent, 10.0 ** (low_exponent + decades))
    plain_log_labels(fig)  # the reference figure keeps Matplotlib's own formatters
    for which in ("major", "minor"):
        locs = getattr(reference.yaxis, f"get_{which}_locator")()()
        ours = getattr(plain.yaxis, f"get_{which}_formatter")()
        theirs = getattr(reference.yaxis, f"get_{which}_formatter")()
        ours.set_locs(locs)
        theirs.set_locs(locs)
        for loc in locs:
            label, expected = ours(loc), theirs(loc)
            assert bool(label) == bool(expected)  # the same ticks get a label
            if label:
                assert "$" not in label
                assert math.isclose(read_plain(label), read_mathtext(expected), rel_tol=1e-9), (label, expected)
