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
        worst_rhat, least_ess = max(chain.rhat.values()), min(*chain.ess.values(), *chain.ess_tail.values())
        lines += [
            "",
            f"Chain: {chain.walkers} walkers x {chain.steps} steps, acceptance {chain.acceptance:.2f}, "
            f"max R-hat {worst_rhat:.3f}, min ESS (bulk or tail) {least_ess:.0f} over {len(chain.sampled)} "
            "sampled inputs"
            + (
                f"; its {len(chain.kept_unit):,} shipped draws re-weighted by the full model (effective "
                f"{chain.full_model_draws:,.0f})."
                if chain.full_model_draws is not None
                else "."
            ),
        ]
    return "\n".join(lines) + "\n"


@cache
def _qualified_800g():
    from mosaiclink.config.presets import load_preset
    from mosaiclink.system.life import qualified_link

    return qualified_link(load_preset("mosaic-800g"), 55.0)


@cache
def _start_excess_db(length_m: float, case_c: float) -> float:
    from mosaiclink.config.presets import load_preset
    from mosaiclink.system.life import link_excess_at_start_db, operating_point

    return link_excess_at_start_db(operating_point(load_preset("mosaic-800g").with_link(length_m=length_m), case_c))


@cache
def _fits(length_m: float, case_c: float) -> tuple[float, float]:
    """(life-model FIT, constant-FIT model's FIT) of the 800G preset, as ``mosaic life`` shows them."""
    from mosaiclink.config.presets import load_preset
    from mosaiclink.system.life import operating_point, point_link_fit, spares_alive
    from mosaiclink.system.reliability import mosaic_link_fit

    point = operating_point(load_preset("mosaic-800g").with_link(length_m=length_m), case_c)
    constant = mosaic_link_fit(point.design, temperature_c=point.temps, spares=spares_alive(point))
    return point_link_fit(point), constant


NUMBERS.update(
    {
        "life-fit-800g-30m-55c": lambda: f"{_fits(30.0, 55.0)[0]:.1f}",
        "const-fit-800g-30m-55c": lambda: f"{_fits(30.0, 55.0)[1]:.1f}",
        "life-fit-800g-49m-25c": lambda: f"{_fits(49.0, 25.0)[0]:.1g}",
        "const-fit-800g-49m-25c": lambda: f"{_fits(49.0, 25.0)[1]:.1f}",
        "qualified-800g-55c-m": lambda: f"{_qualified_800g().length_m:.0f}",
        "qualified-800g-55c-fit": lambda: f"{_qualified_800g().fit_per_link:.1f}",
        "excess-800g-49m-25c-db": lambda: f"{_start_excess_db(49.0, 25.0):.2f}",
    }
)


def _workload_tables() -> str:
    """The acceptance tables of docs/workloads.md: both jobs at 16,384 and 98,304 GPUs, MOSAIC's gains."""
    from mosaiclink.workloads.presets import load_job
    from mosaiclink.workloads.training import evaluate_training

    out = []
    for job in ("llama3-70b", "deepseek-v3"):
        for gpus in (16_384, 98_304):
            summary = evaluate_training(load_job(job, gpus=gpus)).summary()
            par = summary["parallel"]
            out += [
                f"{summary['model']} (TP{par['tensor']} PP{par['pipeline']} EP{par['expert']} DP{par['data']}), "
                f"{gpus:,} GPUs:",
                "",
                "| tech | D | step | MFU | int./day | ETTR | Mtok/s | link MW | k/int MW | k/fac MW |",
                "|---|---|---|---|---|---|---|---|---|---|",
            ]
            for r in summary["rows"]:
                out.append(
                    f"| {r['technology']} | {r['domain_gpus']} | {r['step_s']:.3f} | {100 * r['mfu']:.1f} % | "
                    f"{r['interruptions_per_day']:.1f} | {r['ettr']:.3f} | {r['goodput_tokens_per_s'] / 1e6:.1f} | "
                    f"{r['interconnect_mw']:.2f} | {r['tokens_per_s_per_interconnect_mw'] / 1e3:,.0f} | "
                    f"{r['tokens_per_s_per_facility_mw'] / 1e3:,.0f} |"
                )
            gains = "; ".join(
                f"{g['over']} {g['goodput_per_facility_mw_ratio']:.3f} = "
                + " x ".join(f"{g['factors'][k]:.3f}" for k in ("scale_up_domain", "failures", "power"))
                for g in summary["mosaic_gain"]
            )
            (q, *_) = summary["mosaic_qualified"]
            out += [
                "",
                f"MOSAIC's gain (goodput per facility MW = domain x failures x power): {gains}. MOSAIC cables up to "
                f"{q['length_m']:.0f} m at {q['fit_per_link']:.1f} FIT.",
                "",
            ]
    return "\n".join(out)


def _lane_margin_table() -> str:
    """docs/workloads.md: margin and FIT per link against lane rate (typical, worse..better)."""
    from mosaiclink.workloads.lanes import lane_margin_table

    def cell(r: dict, key: str, fmt: str) -> str:
        def one(v):
            return "-" if v is None else format(v, fmt)

        vals = [r.get(key), r.get(f"{key}_worse"), r.get(f"{key}_better")]
        return one(vals[0]) if len(set(vals)) == 1 else f"{one(vals[0])} ({one(vals[1])}..{one(vals[2])})"

    lines = ["| medium | technology | lane (Gb/s) | length m | margin dB | FIT per link |", "|---|---|---|---|---|---|"]
    for r in lane_margin_table():
        lane = (
            f"{r['lane_rate_gbps']:g}" if r["medium"] != "mosaic" else f"{r['channel_rate_gbps']:.3g} x {r['channels']}"
        )
        tech = r["technology"] if r["medium"] != "copper" else (r.get("serving") or "no copper reaches")
        star = "" if r.get("catalogued", True) else "*"
        lines.append(
            f"| {r['medium']} | {tech} | {lane}{star} | {r['length_m']:g} | {cell(r, 'margin_db', '+.1f')} | "
            f"{cell(r, 'fit_per_link', ',.0f')} |"
        )
    return "\n".join(lines) + "\n"


def _media_table() -> str:
    """docs/workloads.md: wide-and-slow on each medium."""
    from mosaiclink.workloads.media import wide_slow_media_table

    def cell(r: dict, key: str, fmt: str) -> str:
        vals = [r[key], r[f"{key}_worse"], r[f"{key}_better"]]
        return format(vals[0], fmt) if len(set(vals)) == 1 else f"{vals[0]:{fmt}} ({vals[1]:{fmt}}..{vals[2]:{fmt}})"

    lines = [
        "| medium | W per end | reach m | cable mm | connectors per end | FIT per link |",
        "|---|---|---|---|---|---|",
    ]
    for r in wide_slow_media_table():
        lines.append(
            f"| {r['medium']} | {cell(r, 'power_w_per_end', '.1f')} | {cell(r, 'reach_m', '.0f')} | "
            f"{cell(r, 'cable_diameter_mm', '.1f')} | {cell(r, 'connectors_per_end', '.0f')} | "
            f"{cell(r, 'fit_per_link', '.0f')} |"
        )
    return "\n".join(lines) + "\n"


TABLES: dict[str, Callable[[], str]] = {
    "uncertainty-800g": _uncertainty_800g,
    "workload-acceptance": _workload_tables,
    "lane-margin": _lane_margin_table,
    "wide-slow-media": _media_table,
}


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
