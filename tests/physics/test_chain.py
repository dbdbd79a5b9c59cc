"""One signal chain: the per-channel and the batched constructors build the same stages.

* ``Chain.per_channel`` (every channel of one design, its seeded draw, real neighbours) against
  the full model's own composition (``physics.pulse.chain``: optical path, LED levels,
  responsivity, crosstalk ratio) on random designs: the same numbers to 1e-9 relative.
* ``Chain.batched`` over a design batch (array leaves, one design per row, each at one drawn
  channel) against ``Chain.per_channel`` of each design alone, stage by stage and through the
  decision: the batch view changes nothing (1e-9 relative).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config.presets import load_preset
from mosaiclink.explore.batch import design_batch
from mosaiclink.explore.spec import with_overrides
from mosaiclink.physics.array import design_variation
from mosaiclink.physics.chain import (
    _OUTER_RING,
    Chain,
    ChannelDraw,
    DesignStages,
    fiber_spread_s,
    image_diagonal_um,
    take_rows,
)
from mosaiclink.physics.link import chain_crosstalk_ratio, evaluate_link
from mosaiclink.physics.pulse import chain

RTOL = 1e-9
PATHS = ("led.peak_current_ma", "fiber.na", "link.length_m", "variation.misalignment_sigma_um")


def per_row_arrays(c: Chain) -> dict[str, np.ndarray]:
    """Every per-row array of a chain by name: its own and its design-only stages'."""
    stages = {name: getattr(c.stages, name) for name in DesignStages.__dataclass_fields__ if name != "weights"}
    return {**{name: getattr(c, name) for name in Chain._PER_ROW}, **stages}


def design_of(preset: str, row) -> object:
    return with_overrides(load_preset(preset), dict(zip(PATHS, map(float, row), strict=True)))


rows_strategy = st.tuples(
    st.floats(1.5, 5.0), st.floats(0.2, 0.4), st.floats(5.0, 60.0), st.floats(0.0, 3.0, allow_subnormal=False)
)  # fmt: skip


@settings(max_examples=8, deadline=None)
@given(
    preset=st.sampled_from(["mosaic-prototype", "mosaic-400g"]),
    row=rows_strategy,
    dead=st.floats(0.0, 0.05, allow_subnormal=False),
)
def test_per_channel_chain_equals_the_full_models_stages(preset, row, dead):
    design = with_overrides(design_of(preset, row), {"variation.dead_channel_probability": dead})
    variation = design_variation(design, 3)
    cp = chain(design, variation)
    stages = Chain.per_channel(design, variation)
    at = stages.at_length(design.link.length_m)
    alive = ~variation.dead
    np.testing.assert_allclose(stages.power_0_w, cp.led_power_0_w, rtol=RTOL)
    np.testing.assert_allclose(stages.power_1_w, cp.led_power_1_w, rtol=RTOL)
    np.testing.assert_allclose(stages.responsivity_a_per_w, cp.responsivity_a_per_w, rtol=RTOL)
    np.testing.assert_allclose(at.own_capture, cp.path.own_capture, rtol=RTOL)
    np.testing.assert_allclose(at.current_0_a, cp.current_0_a, rtol=RTOL, atol=1e-300)
    np.testing.assert_allclose(at.current_1_a, cp.current_1_a, rtol=RTOL, atol=1e-300)
    full_xt = chain_crosstalk_ratio(cp)[alive]
    inner = np.setdiff1d(np.arange(full_xt.shape[1]), _OUTER_RING)
    np.testing.assert_allclose(at.xt_ratio[alive][:, inner], full_xt[:, inner], rtol=RTOL, atol=1e-300)
    # the outer ring, where the chain skips it (0), is the interval formula's rounding residue in the full
    # model (~1e-15: its linear part cancels far out); the true values are below NEGLIGIBLE_CROSSTALK
    np.testing.assert_allclose(at.xt_ratio[alive][:, _OUTER_RING], full_xt[:, _OUTER_RING], rtol=RTOL, atol=1e-14)
    report = evaluate_link(design, seed=3)
    walk, chrom = fiber_spread_s(design, design.link.length_m)
    assert report.walkoff_ps == float(walk) * 1e12 and report.chromatic_spread_ps == float(chrom) * 1e12


@settings(max_examples=6, deadline=None)
@given(rows=st.lists(rows_strategy, min_size=2, max_size=4), channel=st.integers(0, 99))
def test_batched_chain_equals_per_channel_stage_by_stage(rows, channel):
    base = load_preset("mosaic-prototype")
    matrix = np.array(rows)
    batch = design_batch(base, PATHS, matrix)
    designs = [design_of("mosaic-prototype", r) for r in matrix]
    singles = [Chain.per_channel(d, design_variation(d, 0)).take(np.array([channel])) for d in designs]
    draw = ChannelDraw.concatenate([s.draw for s in singles])
    batched = Chain.batched(batch, draw)
    for name, value in per_row_arrays(batched).items():
        single = np.concatenate([per_row_arrays(s)[name] for s in singles])
        np.testing.assert_allclose(value, single, rtol=RTOL, atol=1e-300, err_msg=name)
    lengths = matrix[:, 2]
    at = batched.at_length(lengths)
    alone = [s.at_length(L) for s, L in zip(singles, lengths, strict=True)]
    for name in ("current_0_a", "current_1_a", "own_capture", "xt_ratio", "samples_a", "psd_0", "psd_1"):
        single = np.concatenate([getattr(a, name) for a in alone])
        # the fibre response is float32 (physics.chain.Chain.at_length): samples agree to 1e-9 of the cursor
        scale = np.abs(single).max() if name == "samples_a" else 0.0
        np.testing.assert_allclose(getattr(at, name), single, rtol=RTOL, atol=max(RTOL * scale, 1e-300), err_msg=name)
    together = batched.log10_ber(lengths)
    np.testing.assert_allclose(
        together, [s.log10_ber(L)[0] for s, L in zip(singles, lengths, strict=True)], rtol=RTOL, atol=1e-12
    )
    # any subset of stages: the product of its parts
    whole = batched.transfer_function(lengths)
    parts = batched.transfer_function(lengths, ("led", "fiber")) * batched.transfer_function(
        lengths, ("receiver", "ctle")
    )
    np.testing.assert_allclose(whole, parts, rtol=RTOL, atol=1e-300)


def test_nominal_draw_is_the_interior_channel_of_a_spreadless_array():
    """ChannelDraw.nominal is the centre of a 5 x 5 array without spread (physics.link.nominal_design)."""
    from mosaiclink.physics.link import NOMINAL_CHANNEL, nominal_design

    design = nominal_design(load_preset("mosaic-800g"))
    centre = ChannelDraw.of_channels(design.array, design_variation(design, 0), np.array([NOMINAL_CHANNEL]))
    nominal = ChannelDraw.nominal(1)
    for name in ChannelDraw.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(centre, name), getattr(nominal, name), err_msg=name)


@settings(max_examples=6, deadline=None)
@given(
    rows=st.lists(st.tuples(st.floats(2.2, 2.8), st.floats(0.8, 3.0), st.floats(1.5, 5.0)), min_size=1, max_size=3),
    repeats=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_batched_chain_of_repeated_designs_is_each_design_alone(rows, repeats, seed):
    """Rows of one design next to each other (a population's anchors) share the design-only stages
    (receiver, CTLE, noise, jitter: computed once per run of equal rows); every row is bit for bit
    what a batch of that row alone gives, whatever its draw."""
    paths = ("link.rate_gbps", "receiver.tia_bandwidth_ghz", "led.peak_current_ma")
    base = load_preset("mosaic-800g")
    matrix = np.repeat(np.array(rows), repeats, axis=0)
    draw = ChannelDraw.of_channels(base.array, design_variation(base, seed), np.arange(len(matrix)))
    together = Chain.batched(design_batch(base, paths, matrix), draw)
    for i, row in enumerate(matrix):
        alone = Chain.batched(design_batch(base, paths, row[None]), draw.take(np.array([i])))
        for (name, value), single in zip(per_row_arrays(together).items(), per_row_arrays(alone).values(), strict=True):
            np.testing.assert_array_equal(value[i], single[0], err_msg=name)


@settings(max_examples=5, deadline=None)
@given(
    samplings=st.lists(st.sampled_from([4, 8, 16, 32]), min_size=2, max_size=4),
    seed=st.integers(0, 2**16),
)
def test_a_rows_led_pulse_is_sampled_as_its_own_design_whatever_its_batch(samplings, seed):
    """A batch mixing designs of several ``link.samples_per_bit`` (a sweep over it) samples each row's
    LED pulse at its own design's rate, as the full model does: every row's LED spectrum bit for bit
    the chain of its design alone (the pulse had been sampled at the batch's largest rate), its
    BER to rounding (the symbol samples' BLAS product sums a row in an order that
    depends on its place in the batch: 1 ulp on one example in six)."""
    base = load_preset("mosaic-prototype")
    matrix = np.array(samplings, dtype=float)[:, None]
    draw = ChannelDraw.of_channels(base.array, design_variation(base, seed), np.arange(len(matrix)))
    together = Chain.batched(design_batch(base, ("link.samples_per_bit",), matrix), draw)
    for i, sps in enumerate(samplings):
        alone = Chain.batched(base.with_link(samples_per_bit=sps), draw.take(np.array([i])))
        np.testing.assert_array_equal(together.h_led[i], alone.h_led[0], err_msg=str(sps))
        np.testing.assert_allclose(together.log10_ber(20.0)[i], alone.log10_ber(20.0)[0], rtol=1e-13, err_msg=str(sps))


@settings(max_examples=6, deadline=None)
@given(
    rows=st.lists(st.tuples(st.floats(2.2, 2.8), st.floats(0.8, 3.0), st.floats(1.5, 5.0)), min_size=1, max_size=4),
    seed=st.integers(0, 2**16),
    data=st.data(),
)
def test_design_stages_computed_once_for_a_block_are_the_chains_own(rows, seed, data):
    """A block of designs computes its design-only stages once (``DesignStages.of``) and each batch of
    its channels takes its rows (the population's stages): every row of that chain is bit for bit the
    chain that computes them itself, in any order of the block's designs, repeated or not."""
    paths = ("link.rate_gbps", "receiver.tia_bandwidth_ghz", "led.peak_current_ma")
    base = load_preset("mosaic-800g")
    block = design_batch(base, paths, np.array(rows))
    index = np.array(data.draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=8)))
    draw = ChannelDraw.of_channels(base.array, design_variation(base, seed), np.arange(index.size))
    taken = Chain.batched(take_rows(block, index), draw, DesignStages.of(block, len(rows)).take(index))
    own = Chain.batched(take_rows(block, index), draw)
    for (name, value), expected in zip(per_row_arrays(taken).items(), per_row_arrays(own).values(), strict=True):
        np.testing.assert_array_equal(value, expected, err_msg=name)
    np.testing.assert_array_equal(taken.stages.weights, own.stages.weights)
    np.testing.assert_array_equal(taken.log10_ber(30.0), own.log10_ber(30.0))


def test_per_channel_chain_and_full_model_agree_on_every_channels_ber():
    """Two independent time grids give one BER per channel: the chain's periodic spectrum (``SPS`` = 4
    samples per bit over 16 periodic bits, harmonics up to the Nyquist 2 cycles per bit) and the
    full model's finite 16-sample-per-bit waveform (``evaluate_link``). On the prototype at 2 Gb/s
    and 20 m they agree to 1.4e-4 decade on all 100 channels (measured); 3e-3 decade allowed. A
    grid that stops short of the Nyquist frequency (harmonics up to 1.3 cycles per bit) moves the
    chain by 0.02 decade (seen as a surviving mutant of ``Chain.batched``'s frequency grid)."""
    design = load_preset("mosaic-prototype")
    full = evaluate_link(design, seed=0).log10_ber_stateye
    fast = Chain.per_channel(design, design_variation(design, 0)).log10_ber(design.link.length_m)
    alive = np.isfinite(full) & (full > -300)
    assert alive.sum() == design.array.total_channels
    np.testing.assert_allclose(fast[alive], full[alive], rtol=0, atol=3e-3)


def test_image_diagonal_counts_a_partial_spare_row():
    """A 10 x 10 data array with 5 spares occupies 11 rows (spares fill extra rows, a partial one
    counts): the imaged diagonal is pitch x magnification x hypot(11, 10) = 50 um x 0.5 x 14.866
    = 371.65 um on the prototype, worked by hand; without the partial row it would be 353.55 um."""
    design = with_overrides(load_preset("mosaic-prototype"), {"array.spare_channels": 5})
    assert design.array.total_channels == 105 and design.array.cols == 10
    diagonal, _ = image_diagonal_um(design)
    assert float(diagonal) == pytest.approx(50.0 * 0.5 * np.hypot(11, 10), rel=1e-12)
    assert float(diagonal) == pytest.approx(371.652, abs=1e-3)


def _far_axis_capture(offset_um, spot_um, side_um, sigma_um):
    """The blurred square spot's capture along one axis for an aperture beyond its edge, by quadrature of
    the Gaussian's far tails over the spot (accurate where the interval formula's linear part cancels)."""
    from scipy.integrate import quad
    from scipy.special import ndtr

    c = abs(offset_um)

    def mass(y):  # of N(y, sigma) in [c - w/2, c + w/2], from the tails (c beyond the spot)
        return ndtr(-(c - 0.5 * side_um - y) / sigma_um) - ndtr(-(c + 0.5 * side_um - y) / sigma_um)

    return quad(mass, -0.5 * spot_um, 0.5 * spot_um, epsabs=0.0, epsrel=1e-10)[0] / spot_um


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(["mosaic-prototype", "mosaic-800g", "mosaic-3.2t"]),
    st.floats(0.0, 300.0),
    st.floats(0.0, 3.0, allow_subnormal=False),
    st.integers(0, 2**16),
)
def test_outer_ring_is_skipped_only_where_its_bound_proves_it_negligible(preset, length_m, misalignment, seed):
    """``Chain.captures`` against every spot evaluated (``_captures_at``, the full model's) on the presets'
    arrays from 0 to 300 m (the blur growing until the outer ring matters: 4.9e-5 of the own light on
    the 3.2T at 100 m): the own and inner-ring captures identical, an evaluated outer ring identical
    (and its crosstalk ratios those of every aggressor's operating point), a skipped one 0. The bound
    (``outer_ring_bound``) against the ring's true sum, sum_k |r_k| Phi(-g_k / sigma) / own, from each
    spot's own gap and every aggressor's solved operating point (``aggressor_swing_ratio``): the swing
    ceilings (unit IQE) at least the swings, the smallest gap the per-spot gaps' minimum, the bound at
    least the sum. Its premise, each outer spot's capture along its far axis at most Phi(-gap), checked
    against a quadrature of the blurred spot (the interval formula returns its rounding residue there,
    ~1e-15)."""
    from scipy.special import ndtr

    from mosaiclink.physics import chain as chain_module
    from mosaiclink.physics import fiber

    design = with_overrides(load_preset(preset), {"variation.misalignment_sigma_um": misalignment})
    c = Chain.per_channel(design, design_variation(design, seed))
    at = c.at_length(length_m)
    own, xt = c.captures(length_m)
    sigma = fiber.spread_sigma_um(c.stages.sigma0_um, design.fiber.core_coupling_um2_per_m, length_m)
    offsets = chain_module.capture_offsets_um(c.draw, c.stages.pitch_f_um, c.stages.nominal_offset_um)
    full_own, full_xt = chain_module._captures_at(offsets, c.stages.spot_side_um, sigma, c.stages.side_um)
    outer = chain_module._OUTER_RING
    inner = np.setdiff1d(np.arange(xt.shape[1]), outer)
    np.testing.assert_array_equal(own, full_own)
    np.testing.assert_array_equal(xt[:, inner], full_xt[:, inner])
    spot, blur, side = (
        np.broadcast_to(np.asarray(v, float), own.shape) for v in (c.stages.spot_side_um, sigma, c.stages.side_um)
    )
    blur = np.maximum(blur, 1e-9)
    swing = c.aggressor_swing_ratio  # every ring's operating points solved
    gaps = np.abs(offsets[:, 1 + outer, chain_module._OUTER_AXIS]) - 0.5 * (spot + side)[:, None]
    inner_offsets, gap_um, ceiling = c._rings  # the chain's, each spot's offsets computed alone
    np.testing.assert_array_equal(inner_offsets, offsets[:, chain_module._INNER_SPOTS])
    np.testing.assert_array_equal(gap_um, gaps.min(axis=1))
    assert np.all(ceiling >= np.abs(swing[:, outer]).sum(axis=1))
    bound = chain_module.outer_ring_bound(gap_um, ceiling, own, blur)
    true_sum = (np.abs(swing[:, outer]) * ndtr(-gaps / blur[:, None])).sum(axis=1) / own
    assert np.all(bound >= true_sum)
    skipped = bound <= chain_module.NEGLIGIBLE_CROSSTALK
    assert np.all(xt[np.ix_(skipped, outer)] == 0.0) and np.all(at.xt_ratio[np.ix_(skipped, outer)] == 0.0)
    np.testing.assert_array_equal(xt[np.ix_(~skipped, outer)], full_xt[np.ix_(~skipped, outer)])
    lit = ~skipped
    expected = chain_module.crosstalk_ratio(1.0, swing[lit], full_xt[lit], own[lit])
    np.testing.assert_array_equal(at.xt_ratio[lit], expected)
    for row in np.flatnonzero(skipped)[:2]:
        for k, axis in zip(outer, chain_module._OUTER_AXIS, strict=True):
            offset = offsets[row, 1 + k, axis]
            gap = (abs(offset) - 0.5 * (spot[row] + side[row])) / blur[row]
            assert _far_axis_capture(offset, spot[row], side[row], blur[row]) <= ndtr(-gap) * (1 + 1e-9)
    if preset == "mosaic-3.2t" and length_m >= 100.0:
        assert not skipped.all()  # the ring matters there, and is evaluated


@settings(max_examples=10, deadline=None)
@given(
    value=st.sampled_from([np.nan, np.inf, -np.inf, 1e308, -1e308, 5e-324, 0.0]),
    field=st.sampled_from(["aggressor_efficiency_scale", "aggressor_offset_um", "aggressor_rate_scale"]),
    rows=st.lists(st.integers(0, 459), min_size=1, max_size=3, unique=True),
)
def test_hostile_neighbour_draws_reach_only_their_rows(value, field, rows):
    """Hostile values (NaN, +-inf, 1e308, subnormal, 0) in a neighbour's drawn efficiency, offset or rate
    scale, on the 800G at 49 m: nothing raises or warns, every other row is bit for bit the clean chain's,
    a poisoned outer ring whose bound is NaN is evaluated (an infinitely far one is dark: bound 0), and the
    unit-IQE ceiling of a clean row is finite and at least its solved swing (``microled.emitted_power_w``)."""
    import warnings
    from dataclasses import replace

    from mosaiclink.physics import chain as chain_module

    design = load_preset("mosaic-800g")
    clean = Chain.per_channel(design, design_variation(design, 0))
    poisoned_values = getattr(clean.draw, field).copy()
    poisoned_values[rows] = value
    hostile = replace(clean, draw=replace(clean.draw, **{field: poisoned_values}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN arithmetic inside the poisoned rows
        at, ref = hostile.at_length(49.0), clean.at_length(49.0)
        ber, ref_ber = hostile.decision(at).log10_ber, clean.decision(ref).log10_ber
    others = np.setdiff1d(np.arange(clean.rows), rows)
    np.testing.assert_array_equal(ber[others], ref_ber[others])
    np.testing.assert_array_equal(at.xt_ratio[others], ref.xt_ratio[others])
    _, gap, ceiling = hostile._rings
    _, _, lit = hostile._captures(49.0)
    poisoned = np.array(rows)
    undecided = poisoned[np.isnan(gap[poisoned]) | np.isnan(ceiling[poisoned])]  # NaN proves nothing
    assert np.isin(undecided, lit).all()
    _, _, clean_ceiling = clean._rings
    swing = np.abs(clean.aggressor_swing_ratio[:, chain_module._OUTER_RING]).sum(axis=1)
    assert np.all(np.isfinite(clean_ceiling)) and np.all(clean_ceiling >= swing)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(1, 300),
    columns=st.integers(1, 6),
    distinct=st.integers(1, 300),
    hostile=st.sampled_from([None, np.nan, np.inf, -np.inf, 0.0, 5e-324, 1e308]),
)
def test_distinct_rows_are_found_with_or_without_the_sort(seed, rows, columns, distinct, hostile):
    """``_distinct`` (the LED pulses' sharing): every row is its distinct row's (``key[first][inverse]``
    is ``key``), the first rows are pairwise different (NaN rows apart, each its own), and a batch of
    rows all distinct, recognised without the sort by their weighted sums, is the identity; on keys
    drawn from a few values (ties in every column, rows repeated) and hostile entries."""
    from mosaiclink.physics.chain import _distinct

    rng = np.random.default_rng(seed)
    pool = rng.choice(rng.uniform(-3.0, 3.0, 4) * 10.0 ** rng.integers(-12, 3, 4), (distinct, columns))
    key = pool[rng.integers(0, distinct, rows)]
    if hostile is not None:
        key[rng.integers(rows), rng.integers(columns)] = hostile
    first, inverse = _distinct(key)
    np.testing.assert_array_equal(key[first][inverse], key)
    kept = key[first]
    finite = kept[~np.isnan(kept).any(axis=1)]
    assert len({tuple(r) for r in finite}) == finite.shape[0]
    if len({tuple(r) for r in key}) == rows and not np.isnan(key).any():
        np.testing.assert_array_equal(np.sort(first), np.arange(rows))
