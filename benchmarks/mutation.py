"""Mutation check of the physics core: a random sample of cosmic-ray mutants, each against its tests.

A measurement, not a CI step (docs/contributing.md has the last result). Needs cosmic-ray, which
is not a project dependency: ``.venv/bin/pip install cosmic-ray``. Then, from the repository root::

    nice -n 19 .venv/bin/python -m benchmarks.mutation --sample 320 --seed 1 --until 03:05

It copies ``src/`` and ``tests/`` to a scratch folder (the mutants never touch the work tree),
lists every mutant cosmic-ray's operators make in ``physics/*.py`` and ``datapath/rs.py``
(``cosmic-ray init``), shuffles them with ``--seed`` and runs them in that order, one at a time
(``cosmic-ray mutate-and-test``), each against the fast tests of its module (``TESTS`` below, not
the slow ones) with ``--timeout`` seconds; a mutant whose tests exceed it counts as killed (the
mutation made the code hang), as in mutmut. It stops after ``--sample`` mutants or at the
``--until`` UTC time, whichever comes first, so a partial run is still an unbiased random sample,
and prints the fraction killed per module and in all, and the survivors' diffs. ``--jobs 2`` runs
two mutants at once (one copy each); ``--rerun FILE`` runs again the survivors a ``--json`` file
recorded (after adding tests that should kill them); ``--mutants FILE`` runs a listed part of a
sample (the rest of one a deadline stopped), skipping the enumeration; ``--carry`` moves a sample
drawn on older code onto the current code (:func:`carry_sample`) so that it can be continued.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHYSICS_TESTS = [
    "tests/physics/test_link.py",
    "tests/physics/test_small_signal.py",
    "tests/properties/test_physics_monotone.py",
]
TESTS = {  # module (under src/mosaiclink) -> its fast tests
    "physics/_complex.py": ["tests/physics/test_receiver_equalizer.py", "tests/test_golden_data.py"],
    "physics/_rate_kernel.py": ["tests/physics/test_rate_kernel.py"],
    "physics/array.py": ["tests/physics/test_array.py"],
    "physics/ber.py": ["tests/physics/test_ber.py", "tests/physics/test_decision.py", "tests/test_golden_data.py"],
    "physics/budget.py": ["tests/physics/test_link.py", "tests/physics/test_budget.py"],
    "physics/channel.py": ["tests/physics/test_decision.py", *PHYSICS_TESTS],
    "physics/channel_statistic.py": ["tests/physics/test_decision.py", *PHYSICS_TESTS],
    "physics/equalizer.py": ["tests/physics/test_receiver_equalizer.py", "tests/test_golden_data.py"],
    "physics/fiber.py": ["tests/physics/test_optics_fiber.py", "tests/test_golden_data.py"],
    "physics/link.py": [*PHYSICS_TESTS, "tests/physics/test_chain.py"],  # chain_crosstalk_ratio vs the Chain's
    "physics/chain.py": [*PHYSICS_TESTS, "tests/physics/test_chain.py", "tests/test_golden_data.py"],
    "physics/microled.py": ["tests/physics/test_microled.py", "tests/test_golden_data.py"],
    "physics/optical_path.py": ["tests/physics/test_optics_fiber.py", *PHYSICS_TESTS],
    "physics/optics.py": ["tests/physics/test_optics_fiber.py"],
    "physics/pulse.py": [*PHYSICS_TESTS, "tests/test_golden_data.py"],
    "physics/reach.py": [*PHYSICS_TESTS, "tests/physics/test_reach.py"],
    "physics/receiver.py": ["tests/physics/test_receiver_equalizer.py", "tests/test_golden_data.py"],
    "physics/sampling.py": ["tests/physics/test_decision.py", "tests/physics/test_sampling.py", *PHYSICS_TESTS],
    "datapath/rs.py": [
        "tests/datapath/test_rs.py",
        "tests/datapath/test_miscorrection.py",
        "tests/test_golden_data.py",
    ],
}


for _module, _tests in TESTS.items():  # the precision and invariance tests guard every physics module
    if _module.startswith("physics/"):
        TESTS[_module] = [*_tests, "tests/physics/test_precision.py"]


def _command(tests: list[str]) -> str:
    existing = [t for t in tests if (ROOT / t).exists()]
    return f"{sys.executable} -m pytest -x -q -p no:cacheprovider -m 'not slow' " + " ".join(existing)


def _config(module: str, tests: list[str], timeout_s: float) -> str:
    return (
        "[cosmic-ray]\n"
        f'module-path = "src/mosaiclink/{module}"\n'
        f"timeout = {timeout_s}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(_command(tests))}\n"
        '[cosmic-ray.distributor]\nname = "local"\n'
    )


def enumerate_mutants(work: Path, timeout_s: float, modules: list[str] | None = None) -> list[dict]:
    """Every (module, operator, occurrence) cosmic-ray makes in the target modules (or ``modules``),
    with the token it mutates (``start``, ``end``: line and column)."""
    mutants = []
    for module, tests in TESTS.items():
        if not (work / "src/mosaiclink" / module).exists() or (modules is not None and module not in modules):
            continue
        name = module.replace("/", "_").removesuffix(".py")
        cfg, db = work / f"{name}.toml", work / f"{name}.sqlite"
        cfg.write_text(_config(module, tests, timeout_s))
        subprocess.run(["cosmic-ray", "init", str(cfg), str(db)], cwd=work, check=True, capture_output=True)
        dump = subprocess.run(["cosmic-ray", "dump", str(db)], cwd=work, check=True, capture_output=True, text=True)
        for line in dump.stdout.splitlines():
            item, _ = json.loads(line)
            for m in item["mutations"]:
                mutants.append(
                    {
                        "module": module,
                        "path": m["module_path"],
                        "operator": m["operator_name"],
                        "occurrence": m["occurrence"],
                        "line": m["start_pos"][0],
                        "start": m["start_pos"],
                        "end": m["end_pos"],
                    }
                )
    return mutants


def _by_token(mutants: list[dict]) -> dict[tuple, dict]:
    """Mutants keyed by (module, operator, start, end, rank): several at one token (NumberReplacer) by their order."""
    rank: Counter[tuple] = Counter()
    keyed = {}
    for m in sorted(mutants, key=lambda m: (m["module"], m["operator"], m["occurrence"])):
        token = (m["module"], m["operator"], tuple(m["start"]), tuple(m["end"]))
        keyed[(*token, rank[token])] = m
        rank[token] += 1
    return keyed


def carry_sample(
    work: Path, sample: list[dict], sample_commit: str, population: int, done: int, seed: int
) -> list[dict]:
    """A sample drawn at ``sample_commit`` (shuffled order, ``index``), on the code in ``work``.

    In a module whose source changed, a sampled mutant carries over when its line is unchanged
    (``difflib``'s matching blocks) and the same operator makes the same mutation at the same
    token there (its new ``occurrence``); a mutant of a changed line is dropped (``dropped``). The
    mutants only the new code has (changed and added lines) are drawn at the sample's rate,
    ``len(sample) / population`` (``seed``), and inserted at random places of the order after the
    first ``done`` (already run), so that every mutant of the new code had the same chance to be
    in the sample and a run stopped early is still a random part of it."""
    old_tree = work.parent / f"{work.name}-{sample_commit}"
    old_tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", sample_commit, "src", "pyproject.toml"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive, check=True)
    text = {t: {m: (t / "src/mosaiclink" / m).read_text().splitlines() for m in TESTS} for t in (old_tree, work)}
    changed = [m for m in TESTS if text[old_tree][m] != text[work][m]]
    old_keyed, new_keyed = (_by_token(enumerate_mutants(t, 180.0, changed)) for t in (old_tree, work))
    shutil.rmtree(old_tree)
    old_key = {(m["module"], m["operator"], m["occurrence"]): key for key, m in old_keyed.items()}
    line_map = {}
    for module in changed:
        matcher = difflib.SequenceMatcher(None, text[old_tree][module], text[work][module], autojunk=False)
        line_map[module] = {a + k + 1: b + k + 1 for a, b, size in matcher.get_matching_blocks() for k in range(size)}

    def carried(key: tuple) -> tuple | None:
        module, operator, (r0, c0), (r1, c1), rank = key
        lines = line_map[module]
        if r0 not in lines or r1 not in lines or lines[r1] - lines[r0] != r1 - r0:
            return None
        new = (module, operator, (lines[r0], c0), (lines[r1], c1), rank)
        return new if new in new_keyed else None

    def bare(m: dict) -> dict:
        return {k: v for k, v in m.items() if k not in ("start", "end")}

    hit = {carried(key) for key in old_keyed} - {None}
    out = []
    for m in map(dict, sample):
        if m["module"] in changed:
            new = carried(old_key[(m["module"], m["operator"], m["occurrence"])])
            if new is None:
                m["dropped"] = True
            else:
                m.update(occurrence=new_keyed[new]["occurrence"], line=new_keyed[new]["line"])
        out.append(m)
    head = [m for m in out if m["index"] < done]
    rest = [m for m in out if m["index"] >= done and not m.get("dropped")]
    gone = [{**m, "index": None} for m in out if m["index"] >= done and m.get("dropped")]
    fresh = sorted((bare(m) for key, m in new_keyed.items() if key not in hit),
                   key=lambda m: (m["module"], m["operator"], m["occurrence"]))  # fmt: skip
    rng = random.Random(seed)
    for m in rng.sample(fresh, round(len(fresh) * len(sample) / population)):
        rest.insert(rng.randrange(len(rest) + 1), {**m, "new": True})
    return head + [{**m, "index": done + i} for i, m in enumerate(rest)] + gone


def run_one(work: Path, mutant: dict, timeout_s: float, env: dict[str, str]) -> tuple[str, str]:
    """(outcome, diff): outcome is killed, survived, timeout or incompetent."""
    source = work / mutant["path"]
    original = source.read_bytes()
    cmd = [
        "cosmic-ray",
        "mutate-and-test",
        mutant["path"],
        mutant["operator"],
        str(mutant["occurrence"]),
        _command(TESTS[mutant["module"]]),
    ]
    proc = subprocess.Popen(
        cmd, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
    )
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        source.write_bytes(original)
        return "timeout", ""
    finally:
        if source.read_bytes() != original:
            source.write_bytes(original)
    try:
        result = json.loads(out.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return "incompetent", ""
    outcome = result.get("test_outcome") or result.get("worker_outcome") or "incompetent"
    return str(outcome), result.get("diff") or ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.mutation", description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=320, help="mutants to run (a random sample)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per mutant before it counts as killed")
    parser.add_argument("--until", help="stop at this UTC time, HH:MM (the sample reached so far is reported)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once, each in its own copy")
    parser.add_argument("--json", type=Path, help="write every outcome here")
    parser.add_argument("--rerun", type=Path, help="run only the survivors recorded in this --json file")
    parser.add_argument(
        "--mutants",
        type=Path,
        help="run the mutants listed in this JSON file (module, path, operator, occurrence, line, index), e.g. "
        "the part of a sample an interrupted run did not reach, instead of enumerating and drawing them",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the check that the tests pass unmutated (already passed)"
    )
    parser.add_argument("--source-commit", help="mutate src/ and tests/ as of this commit (the sample's own code)")
    parser.add_argument(
        "--carry",
        nargs=2,
        type=Path,
        metavar=("SAMPLE", "OUT"),
        help="write to OUT the sample in SAMPLE (drawn at --sample-commit from --population mutants, its first "
        "--done already run) carried onto the code under test (carry_sample), for --mutants; no mutant is run",
    )
    parser.add_argument("--sample-commit", help="with --carry: the commit the sample was drawn at")
    parser.add_argument("--population", type=int, help="with --carry: the mutants the sample was drawn from")
    parser.add_argument(
        "--done",
        type=int,
        default=0,
        help="mutants of the sample already run: --carry keeps them first, --mutants skips them",
    )
    parser.add_argument("--extra-tests", nargs="*", default=[], help="test files copied from the work tree on top")
    parser.add_argument(
        "--only-extra",
        action="store_true",
        help="with --rerun: run only the extra tests (the survivors already passed the others)",
    )
    args = parser.parse_args(argv)
    if args.only_extra:
        for module in TESTS:
            TESTS[module] = list(args.extra_tests)
    deadline = None
    if args.until:
        hh, mm = (int(x) for x in args.until.split(":"))
        now = datetime.now(UTC)
        deadline = now.replace(hour=hh, minute=mm, second=0, microsecond=0).timestamp()
    scratch = Path(tempfile.mkdtemp(prefix="mosaic-mutation-"))
    try:
        copies = []
        for j in range(args.jobs):
            work = scratch / f"w{j}"
            work.mkdir()
            if args.source_commit:
                archive = subprocess.run(
                    ["git", "archive", args.source_commit, "src", "tests", "pyproject.toml"],
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                ).stdout
                subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)
            else:
                for part in ("src", "tests", "pyproject.toml"):
                    (shutil.copytree if (ROOT / part).is_dir() else shutil.copy)(ROOT / part, work / part)
            for extra in args.extra_tests:
                shutil.copy(ROOT / extra, work / extra)
            copies.append(work)
        os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        os.environ["NUMBA_CACHE_DIR"] = str(scratch / ".numba")
        if args.carry:
            sample_in, sample_out = args.carry
            sample = json.loads(sample_in.read_text())
            carried = carry_sample(copies[0], sample, args.sample_commit, args.population, args.done, args.seed)
            sample_out.write_text(json.dumps(carried, indent=1))
            dropped, new = (sum(1 for m in carried if m.get(k)) for k in ("dropped", "new"))
            print(f"{len(sample)} sampled, {dropped} dropped (changed lines), {new} drawn from new lines: {sample_out}")
            return 0
        if args.rerun:
            mutants = [r for r in json.loads(args.rerun.read_text()) if r["outcome"] == "survived"]
        elif args.mutants:
            listed = json.loads(args.mutants.read_text())
            mutants = [m for m in listed if not m.get("dropped") and m.get("index", args.done) >= args.done]
            mutants = mutants[: args.sample]
        else:
            mutants = enumerate_mutants(copies[0], args.timeout)
            random.Random(args.seed).shuffle(mutants)
            print(f"{len(mutants)} mutants in {len(TESTS)} modules; running up to {args.sample}", flush=True)
            mutants = mutants[: args.sample]
        baseline_env = {**os.environ, "PYTHONPATH": str(copies[0] / "src")}
        baseline = set() if args.no_baseline else {_command(TESTS[m["module"]]) for m in mutants}
        for command in sorted(baseline):  # the tests pass on the unmutated code
            run = subprocess.run(command, shell=True, cwd=copies[0], env=baseline_env, capture_output=True)
            if run.returncode != 0:
                print(f"baseline fails: {command}\n{run.stdout.decode()[-2000:]}", flush=True)
                return 1
        per_module: dict[str, Counter[str]] = defaultdict(Counter)
        records: list[dict] = []
        todo = list(enumerate(mutants))
        lock = threading.Lock()

        def worker(work: Path) -> None:
            env = {**os.environ, "PYTHONPATH": str(work / "src")}
            while True:
                with lock:
                    if not todo or (deadline is not None and time.time() > deadline):
                        return
                    i, mutant = todo.pop(0)
                outcome, diff = run_one(work, mutant, args.timeout, env)
                with lock:
                    per_module[mutant["module"]][outcome] += 1
                    records.append({**mutant, "index": mutant.get("index", i), "outcome": outcome, "diff": diff})
                    line = f"{len(records):4d} {outcome:11s} {mutant['module']}:{mutant['line']} {mutant['operator']}"
                    print(line, flush=True)
                    if args.json:
                        args.json.write_text(json.dumps(sorted(records, key=lambda r: r["index"]), indent=1))

        threads = [threading.Thread(target=worker, args=(w,)) for w in copies]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if todo:
            print(f"stopped at the deadline with {len(todo)} of the sample not run", flush=True)
        total: Counter[str] = Counter()
        for module, counts in sorted(per_module.items()):
            total += counts
            n = sum(counts.values())
            print(f"{module:30s} {n:4d} run, {counts['killed'] + counts['timeout']:4d} killed  {dict(counts)}")
        n = sum(total.values())
        killed = total["killed"] + total["timeout"]
        print(f"all: {n} mutants run, {killed} killed ({100 * killed / max(n, 1):.1f} %), {dict(total)}")
        for r in sorted(records, key=lambda r: r["index"]):
            if r["outcome"] == "survived":
                print(f"\nSURVIVED {r['module']}:{r['line']} {r['operator']}\n{r['diff']}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
