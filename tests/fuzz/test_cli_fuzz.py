"""A rotating sample of the CLI fuzz (``tests/fuzz/cli_fuzz.py`` runs the full set).

Each CI run takes :data:`SAMPLE` cases, chosen by the day of the year so that successive runs
cover different options; the cases are listed in the test ids' output on failure.
"""

from __future__ import annotations

import datetime
import random

import pytest

from .cli_fuzz import cases, run_case

SAMPLE = 12
FAST_COMMANDS = {"link", "datapath", "sweep", "results", "cluster", "compare", "design", "serve"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-fuzz")
    every = [c for c in cases(root) if c.args[0] in FAST_COMMANDS]
    rng = random.Random(datetime.date.today().toordinal())
    return root, rng.sample(every, SAMPLE)


@pytest.mark.slow
def test_hostile_cli_sample_has_no_traceback_hang_or_non_finite_output(sample):
    root, chosen = sample
    outcomes = [run_case(case, root) for case in chosen]
    bad = [f"{o.case.label}: {o.verdict} ({o.detail})" for o in outcomes if o.verdict not in ("ok", "refused")]
    assert not bad, "\n".join(bad)
