"""Generated hostile measurement, ranges and scenario files through their readers, in process.

:data:`~tests.fuzz.files.CI_PER_KIND` files of each of the eight kinds (2,400 in all): every one
is read or refused in one line of the package's own error, none raises anything else or hangs
(``python -m tests.fuzz.files`` runs more; counts in docs/robustness.md).
"""

from __future__ import annotations

import datetime

from .files import CI_PER_KIND, run


def test_generated_files_are_read_or_refused_in_one_line(tmp_path):
    seed = datetime.date.today().toordinal()  # a new draw of files every day; the seed is in the failure
    counts, failures = run(CI_PER_KIND, seed, tmp_path)
    assert sum(counts.values()) == 8 * CI_PER_KIND >= 2_000
    assert not failures, f"seed {seed}:\n" + "\n".join(failures[:20])
    assert sum(n for (_, verdict), n in counts.items() if verdict == "ok") > 0  # some mutants stay valid
