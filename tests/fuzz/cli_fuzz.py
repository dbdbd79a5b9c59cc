"""CLI fuzz: every option of every ``mosaic`` command with hostile values, each in a subprocess.

A case passes when the command exits 0 with finite output (no ``nan``/``inf`` token), or exits
2 with one ``error:`` line (or Typer's usage box for a value of the wrong type), within
:data:`HANG_S`. A traceback, any other exit code, a non-finite output or a timeout fails it.

Run the full set (1,001 cases in session 5; ~14 cases a minute on the shared 2-core VM at load 13)::

    python -m tests.fuzz.cli_fuzz --jobs 2 [--limit N] [--json summary.json] [--log outcomes.jsonl]

CI runs a small rotating sample (``tests/fuzz/test_cli_fuzz.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
HANG_S = 180.0  # the slowest legitimate default run (`mosaic report`) takes ~70 s here
SERVE_S = 15.0  # `mosaic serve` with valid values keeps serving: still running then is a pass
NON_FINITE = re.compile(r"(?<![A-Za-z_'])(nan|NaN|-?inf|-?Infinity)(?![A-Za-z_']| \(non-finite\))")
"""A bare non-finite token; ``inf (non-finite)`` is how ``results --sql`` labels a value the query
made, and ``'inf'`` inside quotes is the query's own text echoed in a column title."""

FLOATS = ["nan", "inf", "-inf", "1e-320", "-1", "0", "1e308", "abc"]
INTS = ["-1", "0", "9223372036854775808", "99999999999", "1.5", "abc"]
STRINGS = ["", "nan", "1e-320", "-5g", "x" * 3000, "../../../etc/passwd"]
OUTPUTS = ["{blocker}/sub", "/proc/no/such/dir", "/dev/null"]

# option -> kind, for the options whose default does not tell
KINDS = {
    "--length-m": "float", "--rate-gbps": "float", "--reach-m": "float", "--ber": "float", "--max-fit": "float",
    "--temperature-c": "float", "--kill-at-us": "float", "--duration-us": "float", "--detection-time-us": "float",
    "--jitter-rms-ps": "float", "--gpus": "int", "--seed": "int", "--bits": "int", "--samples-per-bit": "int",
    "--variation-seed": "int", "--target-errors": "int", "--channels": "intstr", "--spares": "int", "--dead": "int",
    "--dead-at-start": "int", "--limit": "int", "--workers": "int", "--port": "int", "--config": "input",
    "--catalog": "input", "--scenario": "input", "--store": "store", "--out": "output", "--export": "output",
    "--csv-events": "output", "spec": "input", "--sql": "sql", "--case-c": "float", "--thermal": "input",
    "--links": "int", "--ageing": "input", "--route": "input", "--modules": "int",
    "--test-limit-db": "float", "--pool": "int",
    "dataset": "measurement", "--dataset": "measurement", "--ranges": "ranges", "--free": "path", "--plot": "output",
    "--csv": "output", "--block-bits": "int", "--samples": "int", "--job": "input", "--inference": "input",
    "--base": "base", "--budget": "output", "--replace": "replace", "--max-rack-kw": "float",
    "--f-max-ghz": "float", "--tech": "str",
}  # fmt: skip
HOSTILE_POINTS = {  # BER-point files the calibrate review found silent or crashing (issue 26)
    "errors-eq-bits.toml": "errors = 5\nbits = 5",
    "subnormal-bits.toml": "errors = 0\nbits = 5e-324",
    "subnormal-sigma.toml": "ber = 1e-6\nsigma_decades = 5e-324",
    "cold.toml": 'ber = 1e-6\ntemperature_c = "-300 degC"',
    "zero-kelvin.toml": 'ber = 1e-6\ntemperature_c = "0 K"',
    "far.toml": "ber = 1e-6\nlength_m = 1e308",
    "half-row.toml": 'ber = 1e-6\nset = { "array.rows" = 2.5 }',
    "unknown-section.toml": 'ber = 1e-6\nset = { "nosuch.x" = 1 }',
    "bad-unit.toml": 'ber = 1e-6\ntemperature_c = "1 meter**(((2)))"',
}


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]

    @property
    def label(self) -> str:
        return " ".join(a if len(a) < 40 else a[:37] + "..." for a in self.args)


@dataclass
class Outcome:
    case: Case
    verdict: str  # ok | refused | traceback | crash | hang | non-finite | multi-line
    seconds: float
    detail: str = ""


def _fixtures(root: Path) -> dict[str, list[str]]:
    """Hostile files, written once under ``root``."""
    (root / "dir.toml").mkdir(exist_ok=True)
    (root / "binary.toml").write_bytes(bytes(range(256)) * 8)
    (root / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (root / "deep.yaml").write_text("a: " + "[" * 100_000 + "]" * 100_000)
    (root / "empty.toml").write_text("")
    (root / "nan.toml").write_text('extends = "mosaic-800g"\n[link]\nrate_gbps = nan\n')
    (root / "tiny-led.toml").write_text('extends = "mosaic-800g"\n[led]\ndiameter_um = 0.001\n')
    (root / "huge-array.toml").write_text('extends = "mosaic-800g"\n[array]\nrows = 1000\ncols = 1000\n')
    (root / "wrong.ini").write_text("[a]\n")
    (root / "notes.duckdb").write_text("a,b\n1,2\n")
    (root / "blocker").write_text("x")
    (root / "link.toml").unlink(missing_ok=True)
    (root / "link.toml").symlink_to(root / "blocker")
    if not (root / "fifo.toml").exists():
        os.mkfifo(root / "fifo.toml")
    head = 'format = "mosaic-ber-points/1"\nbase = "mosaic-prototype"\n[free."coupling.collection_efficiency"]\n'
    head += "low = 0.2\nhigh = 0.4\n[[point]]\n"
    for name, body in HOSTILE_POINTS.items():
        conditions = "rate_gbps = 2\n" + ("" if "length_m" in body else "length_m = 20\n")
        (root / name).write_text(head + conditions + body + "\n")
    (root / "base-int.toml").write_text('format = "mosaic-ber-points/1"\nbase = 1\n')
    (root / "ranges-int.toml").write_text('format = "mosaic-ranges/1"\nextends = 1\n')
    (root / "ranges-deep.toml").write_text('format = "mosaic-ranges/1"\nrange = ' + "[" * 100_000 + "]" * 100_000)
    (root / "ranges-units.toml").write_text(
        'format = "mosaic-ranges/1"\n[range."led.diameter_um"]\nlow = "1/0 m"\nhigh = "1 (m"\nbasis = "b"\n'
    )
    (root / "ffe.toml").write_text('extends = "mosaic-800g"\n[equalizer]\nffe_taps = 23\n')
    sweep = (
        'base = "mosaic-800g"\nsampler = "grid"\n[parameters]\n"link.length_m" = { range = [5.0, 50.0], steps = 3 }\n'
    )
    (root / "sweep.toml").write_text(sweep)
    s2p = "# Hz S RI R 50\n1e7 0 0 1 0 1 0 0 0\n1e9 0 0 {s21} 0 {s21} 0 0 0\n"
    (root / "nan.s2p").write_text(s2p.format(s21="nan"))
    (root / "zero.s2p").write_text(s2p.format(s21="0"))
    (root / "huge.s2p").write_text(s2p.format(s21="1e308"))
    (root / "flat.s2p").write_text(s2p.format(s21="1"))
    names = "missing.toml dir.toml binary.toml deep.json deep.yaml empty.toml nan.toml tiny-led.toml huge-array.toml"
    inputs = [str(root / n) for n in (*names.split(), "wrong.ini", "fifo.toml", "ffe.toml")] + ["/dev/zero"]
    common = [str(root / n) for n in ("missing.toml", "dir.toml", "binary.toml", "fifo.toml")] + ["/dev/zero"]
    ranges = ["ranges-int.toml", "ranges-deep.toml", "ranges-units.toml"]
    return {
        "input": inputs,
        "measurement": common + [str(root / n) for n in (*HOSTILE_POINTS, "base-int.toml", "deep.json")],
        "ranges": common + [str(root / n) for n in ranges],
        "base": ["nosuch", "x" * 3000, str(root / "huge-array.toml"), str(root / "ffe.toml"), str(root / "fifo.toml")],
        "path": ["", "nosuch.x", "led.nosuch", "array.rows", "x" * 3000],
        "store": [str(root / "notes.duckdb"), str(root / "dir.toml"), str(root / "blocker") + "/x.duckdb"],
        "output": [o.format(blocker=root / "blocker") for o in OUTPUTS]
        + [str(root / "out.unknown-suffix"), str(root / "link.toml"), str(root / ("x" * 300))],
        "replace": [f"fiber={root / n}" for n in ("nan.s2p", "zero.s2p", "huge.s2p", "binary.toml", "fifo.toml")]
        + [f"nosuch={root / 'flat.s2p'}", "fiber", "fiber=", f"led={root / 'missing.s2p'}", "=" * 3000],
        "float": FLOATS,
        "int": INTS,
        "intstr": INTS + ["0-999999999", "5-2", "a-b"],
        "str": STRINGS,
        "sql": ["DROP TABLE designs", "SELECT 1/0", "SELECT 'nan'::DOUBLE", "SELECT * FROM nope", ";;"]
        + ["COPY designs TO 'leak.csv'", "SELECT * FROM read_csv('/etc/passwd')", "INSTALL httpfs"]
        + ["ATTACH 'nope.duckdb'", "SELECT 'inf'::DOUBLE", "SET enable_external_access = true"],
    }


def _healthy_store(path: Path) -> str:
    """A small result store of two designs (written in process, once)."""
    sys.path.insert(0, str(SRC))
    import numpy as np

    from mosaiclink.explore.store import ResultStore

    if not path.exists():
        with ResultStore(path) as store:
            store.begin_sweep("s", {"a": 1}, "{}", "v1", 2)
            keys = np.array(["a", "b"], dtype=object)
            store.write_chunk(keys, {"ber": np.array([1e-12, 1e-9])}, code_version="v1", base_key="b", sweep="s")
    return str(path)


def _commands() -> dict[str, list[tuple[str, object]]]:
    """``{command: [(option, default), ...]}`` from the Typer app itself (flags left out)."""
    sys.path.insert(0, str(SRC))
    from mosaiclink.cli._registry import COMMANDS
    from mosaiclink.cli.main import load_command

    out = {}
    for name, command in sorted((n, load_command(n, e)) for n, e in COMMANDS.items()):
        params = [
            (p.opts[0] if p.opts else p.name, p.default) for p in command.params if not getattr(p, "is_flag", False)
        ]
        out[name] = params
    return out


def _kind(option: str, default: object) -> str:
    if option in KINDS:
        return KINDS[option]
    if isinstance(default, bool):
        return "flag"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    return "str"


def cases(root: Path) -> list[Case]:
    """Every (command, option, hostile value) case, commands given their minimal valid arguments."""
    values = _fixtures(root)
    base_args = {
        "sweep": (str(root / "sweep.toml"), "--store", str(root / "fuzz.duckdb")),
        "results": ("--store", _healthy_store(root / "healthy.duckdb")),  # the SQL reaches a real store
    }
    out = []
    for command, params in _commands().items():
        for option, default in params:
            kind = _kind(option, default)
            if kind == "flag":
                continue
            for value in values.get(kind, []):
                if option == "spec":
                    out.append(Case((command, value, "--store", str(root / "fuzz.duckdb"))))
                else:
                    out.append(Case((command, *base_args.get(command, ()), option, value)))
    return out


def run_case(case: Case, cwd: Path) -> Outcome:
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "120"}
    limit = SERVE_S if case.args[0] == "serve" else HANG_S
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "mosaiclink", *case.args],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=limit,
            errors="replace",
        )
    except subprocess.TimeoutExpired:
        seconds = time.perf_counter() - start
        if case.args[0] == "serve":
            return Outcome(case, "ok", seconds, "server kept serving")
        return Outcome(case, "hang", seconds, f"no exit within {limit:.0f} s")
    seconds = time.perf_counter() - start
    text = proc.stdout + proc.stderr
    if "Traceback (most recent call last)" in text:
        return Outcome(case, "traceback", seconds, proc.stderr.strip().splitlines()[-1][:300])
    if proc.returncode == 0:
        match = NON_FINITE.search(proc.stdout)
        if match:
            around = proc.stdout[max(0, match.start() - 60) : match.end() + 20].replace("\n", " ")
            return Outcome(case, "non-finite", seconds, around)
        return Outcome(case, "ok", seconds)
    if proc.returncode == 2:
        lines = proc.stderr.strip().splitlines()
        usage = any("Usage:" in line for line in lines)  # Typer/Click's own bad-option box
        if usage or (len(lines) == 1 and lines[0].startswith("error: ")):
            return Outcome(case, "refused", seconds, lines[0][:200] if lines else "")
        return Outcome(case, "multi-line", seconds, " | ".join(lines)[:300])
    return Outcome(case, "crash", seconds, f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}")


def run_all(selected: list[Case], cwd: Path, jobs: int, log: Path | None = None) -> list[Outcome]:
    """Every case, ``jobs`` at a time; with ``log``, each outcome appended there as a JSON line as it ends."""

    def one(case: Case) -> Outcome:
        outcome = run_case(case, cwd)
        if log is not None:
            line = {
                "case": case.label,
                "verdict": outcome.verdict,
                "s": round(outcome.seconds, 1),
                "detail": outcome.detail,
            }
            with log.open("a") as handle:
                handle.write(json.dumps(line) + "\n")
        return outcome

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, selected))


def summarize(outcomes: list[Outcome]) -> dict:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.verdict] = counts.get(o.verdict, 0) + 1
    bad = [o for o in outcomes if o.verdict not in ("ok", "refused")]
    return {
        "cases": len(outcomes),
        "verdicts": counts,
        "slowest_s": round(max((o.seconds for o in outcomes), default=0.0), 1),
        "failures": [{"case": o.case.label, "verdict": o.verdict, "detail": o.detail} for o in bad],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="run only every k-th case so that N remain")
    parser.add_argument("--json", type=Path, default=None, help="write the summary here")
    parser.add_argument("--commands", nargs="*", default=None, help="only these commands")
    parser.add_argument("--log", type=Path, default=None, help="append each outcome here as a JSON line")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        selected = [c for c in cases(root) if not args.commands or c.args[0] in args.commands]
        if args.limit and args.limit < len(selected):
            selected = selected[:: -(-len(selected) // args.limit)]
        start = time.perf_counter()
        summary = summarize(run_all(selected, root, args.jobs, args.log))
        summary["wall_s"] = round(time.perf_counter() - start, 1)
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0 if not summary["failures"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
