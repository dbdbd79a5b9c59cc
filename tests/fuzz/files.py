"""Generated hostile files for every reader: measurement (BER points, LED response CSV and
Touchstone, sensitivity CSV, datasheet), ranges and scenario files.

Each file is a valid template mutated by one or more seeded operators: values swapped for
hostile ones (NaN, subnormals, 1e308, unit strings pint cannot parse, integers where tables
belong), keys deleted or duplicated, bytes flipped, the text truncated or made binary, tables
nested 100,000 deep, CSV columns duplicated and cells of 200,000 characters. A file passes when
its reader returns or raises one line of the package's own error (:class:`MosaicError`), within
:data:`HANG_S` seconds; anything else is a traceback, a hang or a multi-line error.

Run the full generation (counts recorded in docs/robustness.md)::

    python -m tests.fuzz.files --per-kind 400

CI runs :data:`CI_PER_KIND` files per kind in process (``tests/fuzz/test_file_fuzz.py``).
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mosaiclink.errors import MosaicError

HANG_S = 5  # the slowest legitimate read (a 64 MiB CSV) takes well under a second
CI_PER_KIND = 300  # 8 kinds x 300 = 2,400 files in CI

BER = """format = "mosaic-ber-points/1"
name = "fuzz"
source = "generated"
base = "mosaic-prototype"
statistic = "median"

[free."coupling.collection_efficiency"]
low = 0.2
high = 0.4
prior_mean = 0.3
prior_sigma = 0.05

[[point]]
label = "20 m"
length_m = "20 m"
rate_gbps = "2 Gbit/s"
ber_upper = 2e-8

[[point]]
length_m = 30
rate_gbps = 2
errors = 12
bits = 1e9
temperature_c = "45 degC"
set = { "array.rows" = 4 }

[[point]]
length_m = 10
rate_gbps = 2
ber_low = 2.4e-4
ber_high = 2.4e-3
"""
LED_CSV = "# format = mosaic-led-response/1\nfrequency_mhz,magnitude_db,phase_deg\n1,0,0\n100,-1,-10\n300,-3,-45\n"
SENS_CSV = "# format = mosaic-rx-sensitivity/1\nreceived_oma_dbm,errors,bits\n-20,3,1000000\n-22,40,1000000\n"
S2P = "# MHz S MA R 50\n1 0.1 0 0.9 0 0.9 0 0.1 0\n100 0.1 0 0.8 -10 0.8 -10 0.1 0\n300 0.1 0 0.6 -40 0.6 -40 0.1 0\n"
DATASHEET = """format = "mosaic-datasheet/1"
section = "fiber"
source = "generated"
[values]
attenuation_db_per_m = "0.3 dB/km"
core_diameter_um = "50 um"
"""
RANGES = """format = "mosaic-ranges/1"
extends = "mosaic-prototype"
[range."led.diameter_um"]
low = "3 um"
high = "10 um"
scale = "linear"
basis = "generated"
[range."array.rows"]
low = 8
high = 16
basis = "generated"
[range."power.tia_power_mw"]
low = 1
high = 3
scale = "log"
basis = "generated"
"""
SCENARIO = """name = "fuzz"
type = "clusters"
[[cluster]]
name = "c"
gpus = 4096
[cluster.scale_up]
domain_gpus = 72
gpus_per_rack = 72
[cluster.floor]
racks_per_row = 20
"""
SWEEP_UP = """name = "fuzz"
type = "scale-up-sweep"
[scale_up_sweep]
domain_sizes = [72, 144]
rack_limits = [{ kw = 132.0, cooling = "liquid" }]
"""

HOSTILE_VALUES = [
    "nan", "inf", "-inf", "1e308", "1e-320", "5e-324", "-1", "0", "2.5", "1", "-300", '"-300 degC"', '"0 K"',
    '"1/0 m"', '"1 (m"', '"1 meter**(((2)))"', '"1e999 W"', '"x"', '""', "[]", "{}", "[[[[1]]]]", "true",
    '"' + "9" * 400 + '"', "99999999999999999999999", '"1 m**2**3"', '"1e308 km"', '{ "a" = 1 }', '"../../etc/passwd"',
]  # fmt: skip
CSV_CELLS = ["nan", "inf", "-1e308", "1e-320", "", "x", "1,2", '"', "9" * 400, "0", "-0", "1e999"]


@dataclass(frozen=True)
class Kind:
    name: str
    suffix: str
    template: str
    read: Callable[[Path], object]


def _readers() -> list[Kind]:
    from mosaiclink.config.cluster import ScenarioSpec
    from mosaiclink.config.estimate_ranges import load_ranges
    from mosaiclink.config.io import load_spec
    from mosaiclink.config.measurements import load_ber_dataset, load_datasheet, load_led_response, load_sensitivity
    from mosaiclink.config.presets import load_preset
    from mosaiclink.explore.calibrate import check_points

    prototype = load_preset("mosaic-prototype")

    def ber(path: Path) -> object:
        data = load_ber_dataset(path)
        check_points(data, prototype)  # conditions through the design's validation, as calibrate does
        return data

    return [
        Kind("ber-points", ".toml", BER, ber),
        Kind("led-csv", ".csv", LED_CSV, load_led_response),
        Kind("led-s2p", ".s2p", S2P, load_led_response),
        Kind("sensitivity", ".csv", SENS_CSV, load_sensitivity),
        Kind("datasheet", ".toml", DATASHEET, load_datasheet),
        Kind("ranges", ".toml", RANGES, load_ranges),
        Kind("scenario", ".toml", SCENARIO, lambda p: load_spec(p, ScenarioSpec)),
        Kind("scale-up-sweep", ".toml", SWEEP_UP, lambda p: load_spec(p, ScenarioSpec)),
    ]


def mutate(text: str, rng: random.Random, csv: bool) -> bytes:
    """One hostile variant of ``text``: one to three operators applied in turn."""
    for _ in range(rng.randint(1, 3)):
        text = rng.choice(_CSV_OPS if csv else _TOML_OPS)(text, rng)
    if rng.random() < 0.05:
        return text.encode()[: rng.randint(0, len(text))] + bytes(rng.randrange(256) for _ in range(8))
    return text.encode("utf-8", "surrogatepass")


def _swap_value(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    spots = [i for i, line in enumerate(lines) if " = " in line and not line.startswith("#")]
    if not spots:
        return text
    i = rng.choice(spots)
    lines[i] = lines[i].split(" = ", 1)[0] + " = " + rng.choice(HOSTILE_VALUES)
    return "\n".join(lines) + "\n"


def _drop_line(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    if not lines:
        return text
    del lines[rng.randrange(len(lines))]
    return "\n".join(lines) + "\n"


def _duplicate_line(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    if not lines:
        return text
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return "\n".join(lines) + "\n"


def _flip_byte(text: str, rng: random.Random) -> str:
    if not text:
        return text
    i = rng.randrange(len(text))
    return text[:i] + chr(rng.choice([0, 0x7F, 0xFFFD, ord("["), ord('"'), ord("="), ord("\n")])) + text[i + 1 :]


def _truncate(text: str, rng: random.Random) -> str:
    return text[: rng.randint(0, len(text))]


def _deep(text: str, rng: random.Random) -> str:
    depth = rng.choice([17, 100, 100_000])
    return text + "deep = " + "[" * depth + "]" * depth + "\n"


def _table_as_int(text: str, rng: random.Random) -> str:
    key = rng.choice(["extends", "base", "led", "free", "point", "range", "values", "cluster", "scale_up_sweep", "set"])
    return f"{key} = {rng.choice(['1', '3', 'true', '[1]'])}\n" + text


def _new_key(text: str, rng: random.Random) -> str:
    path = rng.choice(["nosuch.leaf", "led.nosuch", "array.rows", "link.samples_per_bit", "x" * 300])
    return text + f'\n[range."{path}"]\nlow = 1\nhigh = {rng.choice(["2", "1e308", "0"])}\nbasis = "b"\n'


def _csv_cell(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    if not lines:
        return text
    i = rng.randrange(2, len(lines)) if len(lines) > 2 else len(lines) - 1
    cells = lines[i].split(",")
    cells[rng.randrange(len(cells))] = rng.choice(CSV_CELLS)
    lines[i] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _csv_header(text: str, rng: random.Random) -> str:
    lines = text.splitlines()
    if len(lines) < 2:
        return text
    cells = lines[1].split(",")
    choice = rng.randrange(4)
    if choice == 0:
        cells.append(cells[-1])  # a duplicated column
    elif choice == 1:
        cells[rng.randrange(len(cells))] = rng.choice(["frequency_hz", "frequency_ghz", "nosuch", "", "x" * 300])
    elif choice == 2:
        cells = cells[:-1]
    else:
        cells.append("errors")
    lines[1] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _csv_huge(text: str, rng: random.Random) -> str:
    return text + "1" * rng.choice([5_000, 200_000]) + ",0,0\n"


_TOML_OPS = [_swap_value, _swap_value, _swap_value, _drop_line, _duplicate_line, _flip_byte, _truncate, _deep]
_TOML_OPS += [_table_as_int, _new_key]
_CSV_OPS = [_csv_cell, _csv_cell, _csv_header, _csv_huge, _drop_line, _duplicate_line, _flip_byte, _truncate]


class _Hang(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - only on a hang
    raise _Hang


def check_file(kind: Kind, path: Path) -> str:
    """``ok``, ``refused`` (one MosaicError line), or what went wrong: ``traceback: ...``, ``hang``, ``multi-line``."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_S)
    try:
        kind.read(path)
        return "ok"
    except MosaicError as exc:
        return "refused" if "\n" not in str(exc) and len(str(exc)) < 600 else f"multi-line: {str(exc)[:200]!r}"
    except _Hang:
        return "hang"
    except Exception as exc:  # noqa: BLE001 - any other exception is the finding
        return f"traceback: {type(exc).__name__}: {str(exc)[:200]}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(per_kind: int, seed: int, folder: Path) -> tuple[Counter, list[str]]:
    """Generate ``per_kind`` files of every kind into ``folder`` and read each: counts and failures."""
    rng = random.Random(seed)
    counts: Counter = Counter()
    failures: list[str] = []
    for kind in _readers():
        for n in range(per_kind):
            path = folder / f"{kind.name}-{n}{kind.suffix}"
            path.write_bytes(mutate(kind.template, rng, kind.suffix in (".csv", ".s2p")))
            verdict = check_file(kind, path)
            counts[(kind.name, verdict.split(":")[0])] += 1
            if verdict not in ("ok", "refused"):
                failures.append(f"{path.name}: {verdict}")
            path.unlink()
    return counts, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=400)
    parser.add_argument("--seed", type=int, default=26)
    args = parser.parse_args()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        counts, failures = run(args.per_kind, args.seed, Path(folder))
    for kind in sorted({k for k, _ in counts}):
        row = {v: counts[(kind, v)] for v in ("ok", "refused", "traceback", "hang", "multi-line")}
        print(kind, row)
    print(f"{sum(counts.values())} files in {time.perf_counter() - start:.1f} s; {len(failures)} failures")
    for line in failures:
        print(line)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
