"""Option combinations of the commands added in session 4 that the per-option CLI fuzz
(:mod:`tests.fuzz.cli_fuzz`, one option at a time, flags left out) does not reach: flags with a
hostile value beside them, and outputs beside the inputs they must not replace.

    python -m tests.fuzz.session4_combos [--jobs 1]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path

from .cli_fuzz import FLOATS, Case, _fixtures, _healthy_store, run_all


def cases(root: Path) -> list[Case]:
    values = _fixtures(root)
    store = _healthy_store(root / "healthy.duckdb")
    outputs = values["output"]
    out: list[Case] = []
    out += [Case(("cluster", "--list", "--max-rack-kw", v)) for v in FLOATS]
    out += [Case(("cluster", "--scenario", "scale-up-sweep", "--max-rack-kw", v)) for v in FLOATS]
    out += [Case(("report", "--paper-figures", "--out", o)) for o in outputs]
    out += [Case(("compare", "--tech", t, "--csv", str(root / "t.csv"))) for t in ("", "nosuch", "x" * 3000)]
    out += [Case(("compare", "--tech", "aoc", "--csv", o)) for o in outputs]
    out += [Case(("results", "--store", store, "--pareto", "--plot", o)) for o in outputs]
    out += [Case(("results", "--store", store, "--sql", q, "--plot", str(root / "q.png"))) for q in values["sql"]]
    out += [Case(("link", "--route", r, "--budget", str(root / "b.xlsx"))) for r in values["input"]]
    out += [Case(("link", "--budget", o)) for o in outputs]
    out += [Case(("link", "--replace", f"receiver={root / 'flat.s2p'}", "--length-m", v)) for v in FLOATS]
    out += [Case(("design", "--rate", "800g", "--out", o)) for o in outputs]
    out += [Case(("network", "--replace", f"fiber={root / 'flat.s2p'}", "--plot", o)) for o in outputs]
    out += [Case(("workload", "--lanes", "--gpus", v)) for v in ("0", "-1", "99999999999")]
    out += [Case(("yield", "--modules", "1", "--spares", v)) for v in ("-1", "99999999999", "nan")]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--log", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        outcomes = run_all(cases(root), root, args.jobs, args.log)
    print(json.dumps({"cases": len(outcomes), "verdicts": dict(Counter(o.verdict for o in outcomes))}))
    for o in outcomes:
        if o.verdict not in ("ok", "refused"):
            print(f"  {o.case.label}: {o.verdict} {o.detail}")


if __name__ == "__main__":
    main()
