"""The leave-one-out check of the population's anchor fit (``physics.population.holdout_errors``):
the hat-matrix shortcut against refitting without each anchor, the independent computation."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.physics.population import holdout_error, holdout_errors


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=6, max_value=14),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=2**32),
)
def test_leave_one_out_errors_are_the_refits_without_each_anchor(anchors, regressors, seed):
    """e_i / (1 - h_ii) is anchor i's Q minus the least-squares fit through the other anchors at its
    features (Hastie et al. 2009, eq. 7.52): the same to 1e-9 of the Q scale, for random features
    (a constant column first, as the population's) and random anchor Q of three designs."""
    rng = np.random.default_rng(seed)
    live = anchors + 20
    features = np.column_stack([np.ones(live), rng.normal(size=(live, regressors - 1))])
    ranks = np.sort(rng.choice(live, anchors, replace=False))
    q = rng.normal(5.0, 2.0, (3, anchors))
    ours = q @ holdout_errors(features, ranks).T
    for i in range(anchors):
        others = np.delete(np.arange(anchors), i)
        coefficients = np.linalg.lstsq(features[ranks[others]], q[:, others].T, rcond=None)[0]
        refit = features[ranks[i]] @ coefficients
        np.testing.assert_allclose(ours[:, i], q[:, i] - refit, rtol=0, atol=1e-9 * 5.0)
    np.testing.assert_allclose(holdout_error(q, holdout_errors(features, ranks)), np.abs(ours).max(axis=1))


def test_an_anchor_no_other_anchor_spans_has_an_unbounded_error():
    """An anchor whose features no other anchor shares (leverage 1: the fit passes through it whatever
    its Q) cannot be checked: its leave-one-out error, and the design's, is infinite; a fit whose
    anchors lie on its regressors exactly has none."""
    features = np.column_stack([np.ones(8), np.arange(8.0), np.r_[np.zeros(7), 1.0]])  # the last alone in column 2
    ranks = np.arange(8)
    q = (2.0 + 0.5 * np.arange(8.0))[None, :]  # on the first two regressors: no residual
    assert holdout_error(q, holdout_errors(features, ranks))[0] == np.inf
    assert holdout_error(q[:, :7], holdout_errors(features[:7, :2], ranks[:7]))[0] < 1e-12


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=4), st.integers(min_value=0, max_value=2**32))
def test_refit_holdout_errors_are_the_refits_without_each_point(local, seed):
    """The re-fit's holdout error (``_refit``, from the leverages of its QR factor: the ridge's hat
    matrix) is the largest of each point's Q minus the same ridge least squares through the other
    points, for the prototype's population, random Q at its anchors and ``local`` local anchors
    (the others absent, -1), three designs."""
    from mosaiclink.config.presets import load_preset
    from mosaiclink.physics.population import RIDGE, _refit, population

    pop = population(load_preset("mosaic-prototype"))
    rng = np.random.default_rng(seed)
    free = np.setdiff1d(np.arange(pop.live), pop.anchor_ranks)
    picks = np.full((3, 4), -1)
    for d in range(3):
        picks[d, :local] = rng.choice(free, local, replace=False)
    found = np.nonzero(picks >= 0)
    q_anchor = rng.normal(6.0, 1.0, (3, pop.size))
    exact = rng.normal(6.0, 1.0, found[0].size)
    _, holdout = _refit(pop, q_anchor, picks, found, exact)
    q_local = np.zeros(picks.shape)
    q_local[found] = exact
    for d in range(3):
        ranks = np.concatenate([pop.anchor_ranks, picks[d][picks[d] >= 0]])
        q = np.concatenate([q_anchor[d], q_local[d][picks[d] >= 0]])
        x = pop.features[ranks]
        ridge = np.sqrt(RIDGE * np.sum(x * x) / x.shape[1]) * np.eye(x.shape[1])
        errors = []
        for i in range(len(ranks)):
            keep = np.delete(np.arange(len(ranks)), i)
            c = np.linalg.lstsq(np.vstack([x[keep], ridge]), np.r_[q[keep], np.zeros(x.shape[1])], rcond=None)[0]
            errors.append(abs(q[i] - x[i] @ c))
        np.testing.assert_allclose(holdout[d], max(errors), rtol=1e-7)
