"""The hostile cases of issue 26, rebuilt from its descriptions, with a verdict count per area.

CLI cases run each in a subprocess (:func:`tests.fuzz.cli_fuzz.run_case`: ``ok`` is exit 0 with
finite output, ``refused`` one ``error:`` line and exit 2); unit strings and API calls run in
process (``refused`` is one line of a :class:`MosaicError`). Silent garbage is checked where the
issue saw it: an output that replaced an input, PNG bytes in a ``.pdf``, a file written by SQL.

    python -m tests.fuzz.issue26 [--jobs 2] [--areas calibrate-files ...]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from .cli_fuzz import HOSTILE_POINTS, Case, _healthy_store, run_all

BER_HEAD = 'format = "mosaic-ber-points/1"\nbase = "mosaic-prototype"\n'
FREE = '[free."coupling.collection_efficiency"]\nlow = 0.2\nhigh = 0.4\n'
POINT = "[[point]]\nlength_m = 20\nrate_gbps = 2\nber_upper = 2e-8\n"


def _files(root: Path) -> None:
    """Every hostile file the cases name, under ``root``."""
    os.mkfifo(root / "fifo.toml")
    os.mkfifo(root / "fifo.csv")
    (root / "binary.toml").write_bytes(bytes(range(256)) * 4)
    (root / "deep.toml").write_text('format = "mosaic-ber-points/1"\na = ' + "[" * 100_000 + "]" * 100_000)
    (root / "base-int.toml").write_text('format = "mosaic-ber-points/1"\nbase = 1\n' + POINT)
    (root / "free-int.toml").write_text(BER_HEAD + "free = 1\n" + POINT)
    head = BER_HEAD + FREE + "[[point]]\n"
    for name, body in HOSTILE_POINTS.items():
        conditions = "rate_gbps = 2\n" + ("" if "length_m" in body else "length_m = 20\n")
        (root / name).write_text(head + conditions + body + "\n")
    (root / "data.toml").write_text(BER_HEAD + FREE + POINT)
    led = "# format = mosaic-led-response/1\n"
    csvs = {
        "dup.csv": led + "frequency_hz,magnitude_db,magnitude_db\n1,0,0\n2,-1,-1\n",
        "dup-units.csv": led + "frequency_mhz,frequency_hz,magnitude_db\n1,1,0\n2,2,-1\n",
        "big-field.csv": led + "frequency_hz,magnitude_db\n" + "1" * 200_000 + ",0\n",
        "inf-freq.csv": led + "frequency_hz,magnitude_db\n1,0\ninf,-1\n",
        "binary.csv": "",
    }
    for name, text in csvs.items():
        (root / name).write_text(text)
    (root / "binary.csv").write_bytes(b"\xff\xfe" + bytes(range(256)))
    (root / "zero.s2p").write_text("# MHz S MA R 50\n1 0 0 0 0 0 0 0 0\n10 0 0 0 0 0 0 0 0\n")
    for name in ("dup.csv", "dup-units.csv", "big-field.csv", "inf-freq.csv", "binary.csv", "fifo.csv", "zero.s2p"):
        (root / f"with-{name}.toml").write_text(BER_HEAD + FREE + f'led_response = "{name}"\n' + POINT)
    (root / "sheet.toml").write_text('format = "mosaic-datasheet/1"\nsection = "nosuch"\n[values]\nx_m = 1\n')
    (root / "with-sheet.toml").write_text(BER_HEAD + FREE + 'datasheets = ["sheet.toml"]\n' + POINT)
    (root / "ranges-int.toml").write_text('format = "mosaic-ranges/1"\nextends = 1\n')
    (root / "ranges-units.toml").write_text(
        'format = "mosaic-ranges/1"\n[range."led.diameter_um"]\nlow = "1/0 m"\nhigh = "1 (m"\nbasis = "b"\n'
    )
    (root / "ranges-rows.toml").write_text(
        'format = "mosaic-ranges/1"\nextends = "mosaic-800g"\n[range."array.rows"]\nlow = 18\nhigh = 22\nbasis = "b"\n'
    )
    (root / "heavy.toml").write_text(
        'extends = "mosaic-prototype"\n[link]\nsamples_per_bit = 64\nisi_span_bits = 256\n'
    )
    (root / "ffe.toml").write_text('extends = "mosaic-800g"\n[equalizer]\nffe_taps = 23\n')
    (root / "extends-int.toml").write_text("extends = 1\n")
    (root / "led-int.toml").write_text('extends = "mosaic-800g"\nled = 3\n')
    scale_up = 'name = "x"\ntype = "scale-up-sweep"\n[scale_up_sweep]\nrack_limits = [{kw = 130, cooling = "l"}]\n'
    (root / "domains-zero.toml").write_text(scale_up + "domain_sizes = [0, -72]\n")
    (root / "domains-twice.toml").write_text(scale_up + "domain_sizes = [72, 72]\n")
    (root / "domains-huge.toml").write_text(scale_up + "domain_sizes = [100000]\nmin_gpus_per_rack = 1\n")
    (root / "budget.toml").write_text('name = "x"\ntype = "memory-pool"\n[memory_pool]\nlatency_budgets_ns = [-1]\n')
    big = 'name = "x"\n[[cluster]]\nname = "c"\ngpus = 10000000\n[cluster.scale_up]\ndomain_gpus = 65536\n'
    (root / "racks-huge.toml").write_text(big + "gpus_per_rack = 1\n")
    (root / "catalog-bad.toml").write_text("entry = 1\n")
    (root / "lhs.toml").write_text(
        'name = "t"\nbase = "mosaic-800g"\nsampler = "lhs"\nsamples = 100000000\n'
        '[parameters]\n"led.diameter_um" = { range = [3.0, 10.0] }\n'
    )
    (root / "sweep-ffe.toml").write_text(
        'name = "t"\nbase = "mosaic-800g"\nsampler = "grid"\n[parameters]\n'
        '"equalizer.ffe_taps" = { values = [5, 23] }\n'
    )
    (root / "blocker").write_text("x")
    (root / "link.toml").symlink_to(root / "data.toml")


def cli_cases(root: Path) -> dict[str, list[Case]]:
    r = str(root)
    store = _healthy_store(root / "healthy.duckdb")
    measurement = [*HOSTILE_POINTS, "fifo.toml", "binary.toml", "deep.toml", "base-int.toml", "free-int.toml"]
    measurement += [p.name for p in sorted(root.glob("with-*.toml"))] + ["missing.toml", "/dev/zero"]
    long = "x" * 5000
    return {
        "calibrate measurement files": [Case(("calibrate", f"{r}/{n}" if "/" not in n else n)) for n in measurement],
        "calibrate --out/--plot/--free/--base/--ranges": [
            Case(("calibrate", f"{r}/data.toml", *args))
            for args in (
                ("--out", f"{r}/data.toml"),
                ("--plot", f"{r}/data.toml"),
                ("--out", f"{r}/d.toml", "--plot", f"{r}/d.toml"),
                ("--plot", f"{r}/p.jpg"),
                ("--plot", f"{r}/p.pdf"),
                ("--out", f"{r}/link.toml"),
                ("--out", "/dev/stdout"),
                ("--out", f"{r}/blocker/x.toml"),
                ("--free", "coupling.collection_efficiency", "--free", "coupling.collection_efficiency"),
                ("--free", "nosuch.x"),
                ("--base", f"{r}/heavy.toml"),
                ("--base", f"{r}/fifo.toml"),
                ("--base", long),
                ("--ranges", f"{r}/fifo.toml"),
                ("--ranges", f"{r}/ranges-int.toml"),
                ("--ranges", f"{r}/ranges-units.toml"),
            )
        ],
        "uncertainty": [
            Case(("uncertainty", *args))
            for args in (
                ("-n", "1000000"),
                ("-n", "99999999999"),
                ("--ranges", f"{r}/fifo.toml"),
                ("--ranges", f"{r}/ranges-int.toml"),
                ("--ranges", f"{r}/ranges-units.toml"),
                ("--ranges", "/dev/zero"),
                ("--dataset", f"{r}/fifo.toml"),
                ("--dataset", f"{r}/cold.toml"),
                ("--dataset", f"{r}/binary.toml"),
                ("--preset", "mosaic-800g", "--ranges", f"{r}/ranges-rows.toml", "-n", "50"),
                ("--seed", "-1"),
            )
        ],
        "cluster": [
            Case(("cluster", *args))
            for args in (
                ("--scenario", "memory-pool"),
                ("--scenario", "scale-up-sweep", "--gpus", "5"),
                ("--scenario", f"{r}/domains-zero.toml"),
                ("--scenario", f"{r}/domains-twice.toml"),
                ("--scenario", f"{r}/domains-huge.toml"),
                ("--scenario", f"{r}/budget.toml"),
                ("--scenario", f"{r}/racks-huge.toml"),
                ("--scenario", f"{r}/{long}.toml"),
                ("--scenario", f"{r}/fifo.toml"),
                ("--catalog", f"{r}/catalog-bad.toml"),
                ("--catalog", f"{r}/fifo.toml"),
                ("--gpus", "99999999999"),
            )
        ],
        "simulate --workers/--store/--block-bits": [
            Case(("simulate", "--preset", "mosaic-prototype", "--bits", "20000", "--channels", "0-1", *args))
            for args in (
                ("--workers", "8"),
                ("--workers", "64"),
                ("--store", f"{r}/{'x' * 300}.duckdb"),
                ("--store", f"{r}/fifo.toml"),
                ("--store", f"{r}/blocker/x.duckdb"),
                ("--block-bits", "0"),
                ("--block-bits", "99999999999999999999"),
            )
        ],
        "results/sweep (SQL, limits, exports, specs)": [
            *(
                Case(("results", "--store", store, *args))
                for args in (
                    ("--sql", "COPY designs TO 'leak.csv'"),
                    ("--sql", "SELECT * FROM read_csv('/etc/passwd')"),
                    ("--sql", "INSTALL httpfs"),
                    ("--sql", "ATTACH 'nope.duckdb'"),
                    ("--sql", "SELECT 'inf'::DOUBLE AS x"),
                    ("--sql", "SET enable_external_access = true"),
                    ("--limit", "99999999999999999999"),
                    ("--export", f"{r}/blocker/x.csv"),
                    ("--export", f"{r}/link.toml"),
                )
            ),
            Case(("results", "--store", f"{r}/fifo.toml")),
            Case(("sweep", f"{r}/lhs.toml", "--store", f"{r}/lhs.duckdb")),
            Case(("sweep", f"{r}/sweep-ffe.toml", "--store", f"{r}/ffe.duckdb")),
        ],
        "FIFO inputs; ffe_taps; tables as integers": [
            Case(("link", "--config", f"{r}/fifo.toml")),
            Case(("link", "--config", "/dev/zero")),
            Case(("link", "--config", f"{r}/ffe.toml")),
            Case(("link", "--config", f"{r}/extends-int.toml")),
            Case(("link", "--config", f"{r}/led-int.toml")),
            Case(("report", "--config", f"{r}/fifo.toml")),
            Case(("sweep", f"{r}/fifo.toml", "--store", f"{r}/f.duckdb")),
        ],
    }


def unit_strings(n: int, seed: int) -> Counter:
    """``n`` random unit texts through ``convert`` on random quantity fields."""
    from mosaiclink.config.quantities import convert
    from mosaiclink.errors import MosaicError

    from .test_quantities_fuzz import FIELDS, FRAGMENTS

    rng = random.Random(seed)
    numbers = ["1", "0", "-1", "0.3", "1e308", "1e-320", "5e-324", "1e999", ".5"]
    counts: Counter = Counter()
    for _ in range(n):
        unit = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 10)))
        try:
            value = convert(rng.choice(FIELDS), f"{rng.choice(numbers)} {unit}")
        except MosaicError as exc:
            counts["refused" if "\n" not in str(exc) else "multi-line"] += 1
        except Exception:  # noqa: BLE001 - the finding
            counts["raw exception"] += 1
        else:
            counts["finite" if math.isfinite(value) else "silent garbage"] += 1
    return counts


def _garbage(root: Path) -> list[str]:
    """Silent garbage the issue saw: a replaced input, a written leak, PNG bytes in a PDF."""
    found = []
    if "ber_upper" not in (root / "data.toml").read_text():
        found.append("data.toml replaced")
    if not (root / "link.toml").is_symlink():
        found.append("link.toml replaced")
    if any(root.glob("leak.csv")) or Path("leak.csv").exists():
        found.append("COPY TO wrote leak.csv")
    pdf = root / "p.pdf"
    if pdf.exists() and not pdf.read_bytes().startswith(b"%PDF"):
        found.append("p.pdf is not a PDF")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--areas", nargs="*", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _files(root)
        for area, cases in cli_cases(root).items():
            if args.areas and not any(a in area for a in args.areas):
                continue
            start = time.perf_counter()
            outcomes = run_all(cases, root, args.jobs)
            verdicts = Counter(o.verdict for o in outcomes)
            print(f"{area}: {len(cases)} tried, {dict(verdicts)} in {time.perf_counter() - start:.0f} s", flush=True)
            for o in outcomes:
                if o.verdict not in ("ok", "refused"):
                    print(f"  {o.case.label}: {o.verdict} {o.detail}", flush=True)
        print("silent garbage:", _garbage(root) or "none")
    print("unit strings (in process):", dict(unit_strings(1611, 26)))
    sys.exit(0)


if __name__ == "__main__":
    main()
