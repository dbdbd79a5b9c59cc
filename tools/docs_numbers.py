"""Numbers in the docs come from the code: regenerate or check every marked number and table.

A model-computed number in ``README.md`` or ``docs/*.md`` is written between markers::

    <!-- n:crosstalk-800g-30m -->-14.9<!-- /n -->

and a generated table between ``<!-- table:NAME -->`` and ``<!-- /table -->`` lines. This script
computes each from the code (:data:`NUMBERS`, :data:`TABLES`) and either rewrites the files
(``python tools/docs_numbers.py --write``, tables included with ``--tables``) or lists every
committed value that differs (``--check``; ``tests/docs/test_docs_numbers.py`` runs the check of the
fast numbers, the tables take a full uncertainty run).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FILES = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
NUMBER = re.compile(r"<!-- n:(?P<key>[\w.-]+) -->(?P<value>.*?)<!-- /n -->")
TABLE = re.compile(r"(<!-- table:(?P<key>[\w.-]+) -->\n)(?P<body>.*?)(<!-- /table -->)", re.S)


@cache
def _link(preset: str, length_m: float):
    from mosaiclink.config.presets import load_preset
    from mosaiclink.physics.link import evaluate_link

    return evaluate_link(load_preset(preset).with_link(length_m=length_m))


def _crosstalk_db(preset: str, length_m: float) -> str:
    """Median channel's total aggressor light relative to its own (dB), as docs/models.md quotes it."""
    return f"{float(np.median(_link(preset, length_m).crosstalk_db)):.1f}".replace("-", "−")


def _reach_all_m(preset: str) -> str:
    from mosaiclink.config.presets import load_preset
    from mosaiclink.physics.reach import max_reach_m

    design = load_preset(preset)
    return f"{max_reach_m(design, channels_required=design.array.data_channels, tolerance_m=0.1):.1f}"


NUMBERS: dict[str, Callable[[], str]] = {
    "crosstalk-800g-30m": lambda: _crosstalk_db("mosaic-800g", 30.0),
    "crosstalk-800g-50m": lambda: _crosstalk_db("mosaic-800g", 50.0),
}
SLOW_NUMBERS: dict[str, Callable[[], str]] = {
    "reach-all-800g": lambda: _reach_all_m("mosaic-800g"),
    "reach-all-1.6t": lambda: _reach_all_m("mosaic-1.6t"),
    "reach-all-3.2t": lambda: _reach_all_m("mosaic-3.2t"),
}


def _uncertainty_800g() -> str:
    """The example table of docs/calibration.md: prior and posterior bands and the claims, 800G, seed 0."""
    from mosaiclink.config.estimate_ranges import load_ranges
    from mosaiclink.config.presets import load_preset
    from mosaiclink.explore.claims import assess_claims
    from mosaiclink.explore.uncertainty import METRICS

    assessed = assess_claims(load_preset("mosaic-800g"), load_ranges("mosaic-800g"), 1000, 0, preset="mosaic-800g")
    result, prior = assessed.result, assessed.prior or assessed.result
    lines = [
        "| metric | nominal | prior 5-95 % | posterior 5 % | 50 % | 95 % | driven by (rank corr.) |",
        "|---|---|---|---|---|---|---|",
    ]
    for metric in result.metrics:
        if "@" in metric:
            continue
        q5, _, q95 = prior.band(metric)
        p5, p50, p95 = result.band(metric)
        drivers = ", ".join(f"{d['input']} ({d['spearman']:+.2f})" for d in result.sensitivity[metric])
        cells = (f"{result.nominal[metric]:.3g}", f"{q5:.3g} to {q95:.3g}", *(f"{v:.3g}" for v in (p5, p50, p95)))
        lines.append(f"| {METRICS.get(metric, metric)} | {' | '.join(cells)} | {drivers or '-'} |")
    lines += ["", "| claim | P(holds \\| data) | prior P | verdict | nominal (percentile) | deciding inputs |"]
    lines.append("|---|---|---|---|---|---|")
    for c in assessed.claims:
        p_holds = "n/a" if c.p_holds is None else f"{c.p_holds:.2f}"
        prior_p = f"{c.prior['p_holds']:.2f}" if "p_holds" in c.prior else "n/a"
        where = "" if c.nominal_percentile is None else f" ({c.nominal_percentile:.0f}th)"
        inputs = ", ".join(c.deciding_inputs) or "-"
        lines.append(f"| {c.claim.text} | {p_holds} | {prior_p} | {c.verdict} | {c.nominal:.3g}{where} | {inputs} |")
    chain = assessed.posterior
    if chain is not None:
        worst_rhat, least_ess = max(chain.rhat.values()), min(chain.ess.values())
        lines += [
            "",
            f"Chain: {chain.walkers} walkers x {chain.steps} steps, acceptance {chain.acceptance:.2f}, "
            f"max R-hat {worst_rhat:.3f}, min ESS {least_ess:.0f} over {len(chain.sampled)} sampled inputs.",
        ]
    return "\n".join(lines) + "\n"


TABLES: dict[str, Callable[[], str]] = {"uncertainty-800g": _uncertainty_800g}


def committed(files=FILES) -> dict[str, list[tuple[Path, str]]]:
    """Every marked number in the docs: key -> [(file, committed text)]."""
    out: dict[str, list[tuple[Path, str]]] = {}
    for path in files:
        for m in NUMBER.finditer(path.read_text(encoding="utf-8")):
            out.setdefault(m["key"], []).append((path, m["value"]))
    return out


def mismatches(keys: dict[str, Callable[[], str]], files=FILES) -> list[str]:
    """Each marked number whose committed text differs from the code's (or that no code gives)."""
    found = committed(files)
    out = [
        f"{path.name}: '{key}' has no generator"
        for key, rows in found.items()
        for path, _ in rows
        if key not in {**NUMBERS, **SLOW_NUMBERS}
    ]
    for key, compute in keys.items():
        if key not in found:
            out.append(f"'{key}' is declared but no doc marks it")
            continue
        value = compute()
        out += [
            f"{path.name}: {key} = {text!r}, the code gives {value!r}" for path, text in found[key] if text != value
        ]
    return out


def write(tables: bool, files=FILES) -> None:
    """Rewrite every marked number (and with ``tables`` every marked table) from the code."""
    values = {k: f() for k, f in {**NUMBERS, **SLOW_NUMBERS}.items()}
    made = {k: f() for k, f in TABLES.items()} if tables else {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        new = NUMBER.sub(lambda m: f"<!-- n:{m['key']} -->{values.get(m['key'], m['value'])}<!-- /n -->", text)
        new = TABLE.sub(lambda m: m.group(1) + made.get(m["key"], m["body"]) + m.group(4), new)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the marked numbers from the code")
    parser.add_argument("--tables", action="store_true", help="with --write: the generated tables too (slow)")
    args = parser.parse_args(argv)
    if args.write:
        write(args.tables)
        return 0
    bad = mismatches({**NUMBERS, **SLOW_NUMBERS})
    print("\n".join(bad) or "every marked number matches the code")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
