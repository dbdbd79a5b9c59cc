"""In-process fuzz: mutated presets through config -> full link model -> fast path.

Each example either raises a :class:`MosaicError` (one line) or yields results that are finite
where they leave the library (the CLI's and the sweep store's boundaries), within a time
limit. 2,000 examples in CI (~30 s); ``benchmarks/fuzz_cli.py`` has the subprocess fuzz.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.presets import _resolve
from mosaiclink.errors import MosaicError
from mosaiclink.explore.evaluate import evaluate_rows
from mosaiclink.explore.runner import _require_finite_rows, _Task
from mosaiclink.finite import require_finite
from mosaiclink.physics.link import evaluate_link
from mosaiclink.workload import check_link_work

from .presets import mutated_preset, non_finite_fields

EXAMPLE_LIMIT_S = 30.0  # a hang: no single small design may take this long
EXAMPLES = 2000
TALLY: Counter[str] = Counter()


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    def alarm(signum, frame):
        raise Hang(f"example ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _one_line(exc: MosaicError) -> None:
    assert str(exc) and "\n" not in str(exc), repr(exc)


def run_example(data: dict, seed: int) -> str:
    """Config -> link -> fast path; returns the outcome tally key. Raises on a defect."""
    try:
        design = MosaicDesign.from_mapping(_resolve(data))
        check_link_work(design.array.total_channels, design.link.samples_per_bit, design.link.isi_span_bits)
    except MosaicError as exc:
        _one_line(exc)
        return "refused by config"
    outcome = "finite"
    with np.errstate(all="ignore"):
        try:
            report = evaluate_link(design, seed=seed)
            if non_finite_fields(report):
                TALLY["link raw non-finite (caught at the boundary)"] += 1
            require_finite(report, "link")
            assert not non_finite_fields(report.to_dict())
        except MosaicError as exc:
            _one_line(exc)
            outcome = "link refused (model range)"
        rows = np.array([[design.link.length_m]])
        try:
            metrics = evaluate_rows(design, ("link.length_m",), rows)
            if non_finite_fields(metrics):
                TALLY["fast path raw non-finite (caught at the store)"] += 1
            _require_finite_rows(_Task(keys=np.array(["k"]), rows=rows), metrics, ("link.length_m",))
        except MosaicError as exc:
            _one_line(exc)
            outcome = "fast path refused (model range)"
    return outcome


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated_preset(), seed=st.integers(0, 2**32 - 1))
def test_mutated_presets_fail_cleanly_or_give_finite_results(data, seed):
    start = time.perf_counter()
    with time_limit(EXAMPLE_LIMIT_S):
        TALLY[run_example(data, seed)] += 1
    TALLY["examples"] += 1
    TALLY["slowest example ms"] = max(TALLY["slowest example ms"], int(1e3 * (time.perf_counter() - start)))


OUTCOMES = {"refused by config", "finite", "link refused (model range)", "fast path refused (model range)"}
TALLY_EXAMPLES = 40


def test_a_seeded_fuzz_run_reaches_both_outcomes_and_prints_its_tally(capsys):
    """Self-contained (runs its own derandomized examples, whatever ran before): every example lands
    in exactly one known outcome, and the mutator reaches both a refusal and a finite result (a
    fuzz that only ever refused would test nothing). Prints the tally of this run and of the big
    run above when it ran first (run with -s; figures in docs/robustness.md)."""
    tally: Counter[str] = Counter()

    @settings(
        max_examples=TALLY_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=mutated_preset(), seed=st.integers(0, 2**32 - 1))
    def one(data, seed):
        with time_limit(EXAMPLE_LIMIT_S):
            tally[run_example(data, seed)] += 1
        tally["examples"] += 1

    one()
    outcomes = {k: v for k, v in tally.items() if k != "examples"}
    assert set(outcomes) <= OUTCOMES, outcomes
    assert sum(outcomes.values()) == tally["examples"] >= TALLY_EXAMPLES
    assert tally["refused by config"] > 0 and tally["finite"] > 0, dict(tally)
    with capsys.disabled():
        print("\nfuzz tally (this test's seeded run):", dict(tally))
        print("fuzz tally (the big run, when it ran before this test):", dict(TALLY))
