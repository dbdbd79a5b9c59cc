"""Miscorrection beyond capacity with erasures: formula vs this decoder vs galois vs the emulator;
the health monitor at high BER."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rs_corruption import corrupt

from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.datapath.analytic import analytic_post_fec, log_miscorrection_fraction
from mosaiclink.datapath.emulator import emulate
from mosaiclink.datapath.rs import KP4, reed_solomon


def _within(observed: int, trials: int, p: float, sigmas: float = 4.5) -> bool:
    """Binomial count within ``sigmas`` standard deviations (plus one count of slack)."""
    return abs(observed - trials * p) <= sigmas * math.sqrt(trials * p * (1 - p)) + 1


def test_fraction_matches_closed_forms():
    p = lambda f: float(np.exp(log_miscorrection_fraction(544, 30, f, 10)))  # noqa: E731
    q = 1024
    assert p(28) == pytest.approx((1 + 516 * (q - 1)) / q**2, rel=1e-12)  # r = 2, c = 1: 0.503
    assert p(30) == pytest.approx(1.0)  # no check left: any error pattern decodes to a codeword
    assert p(31) == 0.0  # more erasures than checks: always flagged
    assert 1e-17 < p(0) < 1e-16  # no erasures: (n/q)^t / t! ~ 5e-17, every failure detected


@pytest.mark.parametrize(("errors", "erasures"), [(2, 28), (3, 26), (4, 24), (2, 27), (1, 29), (1, 30)])
def test_decoder_miscorrects_as_the_formula_says(errors, erasures):
    rs = reed_solomon(*KP4)
    rng = np.random.default_rng(errors * 100 + erasures)
    words = rs.encode(rng.integers(0, 1024, (1500, 514)))
    received, era = corrupt(rng, words, errors, erasures, erasures_wrong=True)
    decoded, status = rs.decode(received, era)
    miscorrected = int(np.count_nonzero((status >= 0) & (decoded != words).any(axis=1)))
    checks = 30 - erasures
    capacity = checks // 2
    always_detected = errors <= checks - capacity  # closer than d - c to the sent word
    expected = 0.0 if always_detected else float(np.exp(log_miscorrection_fraction(544, 30, erasures, 10)))
    assert _within(miscorrected, len(words), expected), (miscorrected, expected)


@pytest.mark.slow
def test_galois_miscorrects_half_of_two_errors_with_28_erasures():
    """galois' RS(1023,993) with c = 0, shortened to 544 by leading zeros, is the same KP4 code."""
    galois = pytest.importorskip("galois")
    field = galois.GF(2**10, irreducible_poly="x^10 + x^3 + 1")
    oracle = galois.ReedSolomon(1023, 993, field=field, c=0)
    rs = reed_solomon(*KP4)
    rng = np.random.default_rng(28)
    words = rs.encode(rng.integers(0, 1024, (300, 514)))
    received, era = corrupt(rng, words, 2, 28, erasures_wrong=True)
    pad = np.zeros((len(words), 1023 - 544), dtype=np.uint16)
    full = field(np.hstack([pad, received]))
    erasures = np.hstack([np.zeros(pad.shape, dtype=bool), era])
    decoded, corrected = oracle.decode(full, erasures=erasures, output="codeword", errors=True)
    decoded = np.asarray(decoded)
    # A codeword with non-zero padding is not in the shortened code: a KP4 decoder flags it
    # (galois alone, decoding the full-length code, would call 97 % of these words corrected).
    in_code = (decoded[:, : pad.shape[1]] == 0).all(axis=1)
    wrong = (decoded[:, -544:] != words).any(axis=1)
    miscorrected = int(np.count_nonzero((np.asarray(corrected) >= 0) & in_code & wrong))
    assert _within(miscorrected, len(words), 0.5034), miscorrected


@pytest.mark.parametrize(("dead", "ber"), [(14, 3.5e-4), (13, 5e-4), (15, 3e-4)])
def test_emulator_miscorrections_agree_with_the_analytic_model(dead, ber):
    """272 channels, codeword-diagonal: every channel carries exactly 2 symbols of each codeword,
    so ``dead`` channels declared at link-up erase exactly ``2 dead`` symbols of every word."""
    spec = DatapathSpec(
        channels=272, spares=0, dead_at_start=dead, ber=ber, duration_us=20.0, mapping="codeword-diagonal"
    )
    result = emulate(spec, seed=2)
    erased = [event.channel for event in result.events]
    assert len(erased) == dead
    model = analytic_post_fec("800gbe", 272, "codeword-diagonal", ber, erased_channels=erased)
    n = result.codewords
    assert _within(result.uncorrectable_codewords, n, model.p_uncorrectable)
    assert _within(result.miscorrected_codewords, n, model.p_miscorrected)
    assert model.p_miscorrected > 0.05  # the regime where ignoring miscorrection was wrong


def test_health_monitor_at_high_ber_declares_only_the_killed_lanes():
    """At BER 1e-3 a healthy lane shows ~2.6 BIP-8 mismatches per period; with a fixed threshold
    every lane was declared dead before the kill and no spare took over (regression test)."""
    spec = DatapathSpec(channels=400, spares=20, dead=2, kill_at_us=5.0, ber=1e-3, duration_us=20.0, mode="payload")
    result = emulate(spec, seed=3)
    assert len(result.events) == 2
    for event in result.events:
        assert event.declared_us is not None and event.declared_us > event.dead_us
        assert event.switched_us is not None and event.spare is not None
    model = analytic_post_fec("800gbe", 400, "symbol-aligned", 1e-3)
    assert model.p_uncorrectable < 1e-3
    # the only failures are words hit by the dead lanes between kill and declaration (~2.7 us)
    assert result.uncorrectable_codewords / result.codewords < 0.02
