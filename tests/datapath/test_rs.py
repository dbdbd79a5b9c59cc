"""RS codec against independent oracles (galois, reedsolo) and the decoding-radius properties."""

from __future__ import annotations

import galois
import numpy as np
import pytest
import reedsolo
from hypothesis import given, settings
from hypothesis import strategies as st
from rs_corruption import corrupt

from mosaiclink.datapath.analytic import binomial_log10_uncorrectable
from mosaiclink.datapath.gf import BYTE_POLY, KP4_POLY, galois_field
from mosaiclink.datapath.rs import KP4, KR4, ReedSolomon, reed_solomon
from mosaiclink.errors import ConfigError

GF1024 = galois.GF(2**10, irreducible_poly="x^10 + x^3 + 1")


@pytest.fixture(scope="module")
def kp4():
    return reed_solomon(*KP4)


def test_field_matches_galois_and_kp4_polynomial():
    gf = galois_field(10, KP4_POLY)
    assert GF1024.irreducible_poly == galois.Poly.Int(KP4_POLY) and GF1024.primitive_element == 2
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 1024, 2000), rng.integers(1, 1024, 2000)
    assert np.array_equal(gf.mul(a, b), np.array(GF1024(a) * GF1024(b)))
    assert np.array_equal(gf.div(a, b), np.array(GF1024(a) / GF1024(b)))
    assert np.array_equal(gf.power(a, 7), np.array(GF1024(a) ** 7))
    with pytest.raises(ConfigError):
        galois_field(10, 0b100_0000_0011)  # x^10 + x + 1 is not primitive


@pytest.mark.slow  # galois compiles its GF(2^10) kernels on first use (~2 min on 2 cores)
def test_codec_matches_galois_oracle(kp4):
    """Generator, encoder and decoder against galois, in one test: galois needs ~1 min to build
    and compile RS(1023,993), and costs seconds per decode call, so it is built and called once.

    galois cannot build RS(544,514) directly (no primitive 544th root of unity in GF(2^10)); the
    IEEE 802.3 cl. 91 KP4 code is RS(1023,993) with alpha = x (x^10 + x^3 + 1) and roots
    alpha^0..alpha^29 (c = 0, not galois' default c = 1), shortened to 544 symbols.
    """
    oracle = galois.ReedSolomon(1023, 993, field=GF1024, c=0)
    assert np.array_equal(kp4.generator, np.array(oracle.generator_poly.coeffs))
    gpoly = galois.Poly(GF1024(kp4.generator))
    assert np.all(gpoly(GF1024(2) ** np.arange(30)) == 0) and gpoly(GF1024(2) ** 30) != 0
    rng = np.random.default_rng(10)
    counts = np.repeat(np.r_[np.arange(16), 16, 20], 6)
    msgs = rng.integers(0, 1024, (counts.size, 514))
    cw = kp4.encode(msgs)  # (the encoder is checked against reedsolo below; galois' JIT costs ~10 s)
    rx = np.vstack([corrupt(rng, cw[i : i + 1], int(c), 0)[0] for i, c in enumerate(counts)])
    theirs, n_fixed = oracle.decode(GF1024(rx), output="codeword", errors=True)
    theirs, n_fixed = np.array(theirs), np.array(n_fixed)
    ours, status = kp4.decode(rx)
    ok = counts <= 15
    assert np.array_equal(ours[ok], cw[ok]) and np.array_equal(ours[ok], theirs[ok])
    assert np.array_equal(status[ok], n_fixed[ok]) and np.array_equal(status[ok], counts[ok])
    assert np.all(status[~ok] == -1) and np.all(n_fixed[~ok] == -1)  # beyond t: both report failure


@pytest.mark.parametrize("n_err,n_era", [(0, 30), (1, 28), (5, 20), (7, 16), (10, 10), (14, 2), (0, 1)])
def test_errors_and_erasures_within_2e_plus_f(kp4, n_err, n_era):
    rng = np.random.default_rng(100 + 31 * n_err + n_era)
    cw = kp4.encode(rng.integers(0, 1024, (24, 514)))
    rx, era = corrupt(rng, cw, n_err, n_era)
    ours, status = kp4.decode(rx, era)
    assert np.array_equal(ours, cw) and np.all(status >= n_err)
    # reedsolo as a second, independent errors-and-erasures oracle on a few words
    rsc = reedsolo.RSCodec(30, nsize=1023, c_exp=10, prim=KP4_POLY, fcr=0, generator=2)
    for i in range(1):
        fixed = rsc.decode(list(rx[i]), erase_pos=list(np.nonzero(era[i])[0]))[1]
        assert np.array_equal(np.array(list(fixed)), cw[i])


@pytest.mark.parametrize("n_err,n_era", [(16, 0), (20, 0), (40, 0), (8, 15), (15, 1), (0, 31)])
def test_beyond_radius_reports_failure_never_wrong_success(kp4, n_err, n_era):
    rng = np.random.default_rng(200 + n_err + 7 * n_era)
    cw = kp4.encode(rng.integers(0, 1024, (200, 514)))
    rx, era = corrupt(rng, cw, n_err, n_era)
    ours, status = kp4.decode(rx, era)
    assert np.all(status == -1)  # a miscorrection (~1e-12 per word for t = 15) would fail here
    assert np.array_equal(ours, rx)  # returned untouched for the upper layer to flag


def test_kr4_and_pcie_byte_code_match_reedsolo():
    rng = np.random.default_rng(5)
    kr4 = reed_solomon(*KR4)
    msgs = rng.integers(0, 1024, (20, 514))
    cw = kr4.encode(msgs)
    rx, _ = corrupt(rng, cw, 7, 0)
    assert np.array_equal(kr4.decode(rx)[0], cw) and kr4.t == 7
    pcie = ReedSolomon(86, 84, m=8, poly=BYTE_POLY)
    oracle = reedsolo.RSCodec(2, nsize=255, c_exp=8, prim=BYTE_POLY, fcr=0, generator=2)
    msgs = rng.integers(0, 256, (50, 84))
    cw = pcie.encode(msgs)
    assert all(list(oracle.encode(bytes(msgs[i].astype(np.uint8)))) == list(cw[i]) for i in range(50))
    rx = cw.copy()
    rx[np.arange(50), rng.integers(0, 86, 50)] ^= rng.integers(1, 256, 50).astype(np.uint16)
    assert np.array_equal(pcie.decode(rx)[0], cw)


def test_roots_past_the_field_order_wrap_as_reedsolo_wraps_them():
    """A first consecutive root of 250 in GF(2^8) with 10 parity symbols: the roots alpha^250 ...
    alpha^259 wrap to alpha^0 ... alpha^4 (alpha has order 255). reedsolo (an independent
    implementation) encodes the same codewords, and the decoder corrects 5 symbol errors."""
    rng = np.random.default_rng(7)
    code = ReedSolomon(60, 50, m=8, poly=BYTE_POLY, fcr=250)
    oracle = reedsolo.RSCodec(10, nsize=255, c_exp=8, prim=BYTE_POLY, fcr=250, generator=2)
    msgs = rng.integers(0, 256, (20, 50))
    cw = code.encode(msgs)
    assert all(list(oracle.encode(bytes(msgs[i].astype(np.uint8)))) == list(cw[i]) for i in range(20))
    rx = cw.copy()
    for row in rx:
        row[rng.choice(60, 5, replace=False)] ^= rng.integers(1, 256, 5).astype(np.uint16)
    assert np.array_equal(code.decode(rx)[0], cw)


def test_bad_inputs_raise_config_error(kp4):
    with pytest.raises(ConfigError):
        ReedSolomon(544, 544)
    with pytest.raises(ConfigError):
        ReedSolomon(600, 514)  # 86 parity symbols exceed the packed LFSR
    # the packed LFSR: 5 words of 64 bits hold floor(63 / m) symbols each: 30 at m = 10 (KP4's
    # 544 - 514 exactly), 35 at m = 8
    assert ReedSolomon(545, 515).parity == 30
    with pytest.raises(ConfigError, match=r"RS\(545,514\): at most 30 parity symbols for m = 10"):
        ReedSolomon(545, 514)
    assert ReedSolomon(255, 220, m=8, poly=0x11D).parity == 35
    with pytest.raises(ConfigError, match="at most 35 parity symbols for m = 8"):
        ReedSolomon(255, 219, m=8, poly=0x11D)
    with pytest.raises(ConfigError):
        kp4.encode(np.zeros((2, 513)))
    with pytest.raises(ConfigError):
        kp4.decode(np.zeros((2, 543)))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=15), st.data())
def test_decoder_corrects_everything_inside_its_capacity(kp4, n_err, data):
    """Property: any ``e`` errors and ``f`` erasures with ``2e + f <= n - k`` decode to the codeword."""
    n_era = data.draw(st.integers(min_value=0, max_value=kp4.parity - 2 * n_err))
    rng = np.random.default_rng(data.draw(st.integers(min_value=0, max_value=2**32)))
    cw = kp4.encode(rng.integers(0, 1024, (2, 514)))
    rx, era = corrupt(rng, cw, n_err, n_era)
    ours, status = kp4.decode(rx, era)
    assert np.array_equal(ours, cw) and np.all(status >= n_err)


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=16, max_value=60), st.integers(min_value=0, max_value=2**32))
def test_decoder_never_claims_more_than_its_capacity(kp4, n_err, seed):
    """Property: beyond ``t`` errors the decoder reports failure and returns the word untouched
    (a miscorrection to another codeword is possible in principle, ~1e-12 per word at t = 15)."""
    rng = np.random.default_rng(seed)
    cw = kp4.encode(rng.integers(0, 1024, (2, 514)))
    rx, era = corrupt(rng, cw, n_err, 0)
    ours, status = kp4.decode(rx, era)
    assert np.all(status == -1) and np.array_equal(ours, rx)


@given(st.floats(min_value=1e-9, max_value=1e-2), st.floats(min_value=1.01, max_value=10.0))
def test_analytic_uncorrectable_probability_grows_with_the_error_rate(p_symbol, factor):
    """More symbol errors never make the code fail less often; more capacity never more often."""
    low = binomial_log10_uncorrectable(544, 15, p_symbol)
    high = binomial_log10_uncorrectable(544, 15, min(p_symbol * factor, 0.5))
    assert high >= low - 1e-9
    assert binomial_log10_uncorrectable(544, 16, p_symbol) <= low + 1e-9


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from([(31, 25, 5, 0x25, 3), (60, 40, 8, BYTE_POLY, 0), (255, 223, 8, BYTE_POLY, 1), KP4]),
    st.integers(min_value=0, max_value=2**32),
)
def test_decoded_words_are_codewords_or_returned_untouched(params, seed):
    """Property, also beyond the radius (where small codes miscorrect often): a success is a codeword
    by an independent check (the LFSR division), with ``status`` symbols changed; a failure leaves the
    word as received. The decoder itself checks its result through the updated syndromes."""
    code = reed_solomon(*params)
    rng = np.random.default_rng(seed)
    cw = code.encode(rng.integers(0, 1 << code.m, (40, code.k)))
    rx, era = cw.copy(), np.zeros(cw.shape, dtype=bool)
    for i in range(len(rx)):
        n_err, n_era = int(rng.integers(0, code.t + 4)), int(rng.integers(0, 4))
        pos = rng.choice(code.n, n_err + n_era, replace=False)
        rx[i, pos[:n_err]] ^= rng.integers(1, 1 << code.m, n_err).astype(np.uint16)
        era[i, pos[n_err:]] = True
    ours, status = code.decode(rx, era)
    ok = status >= 0
    assert np.all(code.is_codeword(ours[ok])) and np.array_equal(ours[~ok], rx[~ok])
    assert np.array_equal((ours[ok] != rx[ok]).sum(axis=1), status[ok])
