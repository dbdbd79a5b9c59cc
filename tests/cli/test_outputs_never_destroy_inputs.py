"""Every output option of every ``mosaic`` command refuses a path that is one of the command's inputs
(issue 26): one line, exit 2, and the input left byte for byte as it was.

The output options are enumerated from the Typer app itself (help text that says the option writes,
draws or is an output folder or store), so an option added later without a case here fails
:func:`test_every_output_option_has_a_case`. A folder output (``--out`` of ``network``, ``report``,
``simulate``) is refused when a file it would write there is an input.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mosaiclink.cli._registry import COMMANDS
from mosaiclink.cli.main import load_command

WRITES = re.compile(r"\b([Ww]rite|[Oo]utput folder|DuckDB|[Dd]raw)")
NOT_OUTPUTS = {("calibrate", "--strict"), ("report", "--paper-figures"), ("simulate", "--eye-channels")}

DESIGN = 'extends = "mosaic-800g"\n'
JSON_DESIGN = '{"extends": "mosaic-800g"}'
POINTS = Path(__file__).with_name("one-ber-point.toml").read_text()  # one point, one free parameter
SWEEP = 'base = "mosaic-800g"\nsampler = "grid"\n[parameters]\n"link.length_m" = { range = [5.0, 50.0], steps = 3 }\n'
SCENARIO = '[[cluster]]\nname = "x"\n'

CLASH = "an input of this command"  # a file in an output folder: "would overwrite ..., an input of this command"
STORE = "not a DuckDB"  # a store is read and written: only a DuckDB file is touched
SUFFIX = "suffix must be one of"  # a plot's suffix is one no input has

# (command, option) -> (the input's name, its text, the arguments ({IN} the input, {DIR} its folder), the refusal)
CASES: dict[tuple[str, str], tuple[str, str, tuple[str, ...], str]] = {
    ("calibrate", "--out"): ("data.toml", POINTS, ("calibrate", "{IN}", "--out", "{IN}"), CLASH),
    ("calibrate", "--plot"): ("data.toml", POINTS, ("calibrate", "{IN}", "--plot", "{IN}"), SUFFIX),
    ("cluster", "--csv-events"): ("s.toml", SCENARIO, ("cluster", "--scenario", "{IN}", "--csv-events", "{IN}"), CLASH),
    ("cluster", "--csv"): ("s.toml", SCENARIO, ("cluster", "--scenario", "{IN}", "--csv", "{IN}"), CLASH),
    ("compare", "--csv"): ("c.csv", "x\n", ("compare", "--catalog", "{IN}", "--csv", "{IN}"), CLASH),
    ("design", "--out"): ("d.toml", DESIGN, ("design", "--base", "{IN}", "--out", "{IN}"), CLASH),
    ("link", "--csv"): ("d.toml", DESIGN, ("link", "-c", "{IN}", "--csv", "{IN}"), CLASH),
    ("link", "--budget"): ("r.csv", "x\n", ("link", "--route", "{IN}", "--budget", "{IN}"), CLASH),
    ("network", "--out"): ("model-fiber.s2p", "x\n", ("network", "--replace", "fiber={IN}", "-o", "{DIR}"), CLASH),
    ("network", "--plot"): ("h.png", "x\n", ("network", "--replace", "fiber={IN}", "--plot", "{IN}"), CLASH),
    ("report", "--out"): ("report.json", JSON_DESIGN, ("report", "-c", "{IN}", "-o", "{DIR}"), CLASH),
    ("results", "--store"): ("d.toml", DESIGN, ("results", "--store", "{IN}"), STORE),
    ("results", "--export"): ("s.csv", "a\n", ("results", "--store", "{IN}", "--export", "{IN}"), CLASH),
    ("results", "--plot"): ("s.png", "a\n", ("results", "--store", "{IN}", "--pareto", "--plot", "{IN}"), CLASH),
    ("simulate", "--out"): ("simulate.json", JSON_DESIGN, ("simulate", "-c", "{IN}", "-o", "{DIR}"), CLASH),
    ("simulate", "--store"): ("d.toml", DESIGN, ("simulate", "-c", "{IN}", "--store", "{IN}"), STORE),
    ("sweep", "--store"): ("s.toml", SWEEP, ("sweep", "{IN}", "--store", "{IN}"), STORE),
}  # fmt: skip


def _output_options() -> set[tuple[str, str]]:
    found = set()
    for name, entry in COMMANDS.items():
        for param in load_command(name, entry).params:
            opts = getattr(param, "opts", [])
            if opts and opts[0].startswith("--") and WRITES.search(getattr(param, "help", "") or ""):
                found.add((name, opts[0]))
    return found - NOT_OUTPUTS


def test_every_output_option_has_a_case():
    assert _output_options() == set(CASES)


@pytest.mark.parametrize("key", sorted(CASES), ids=lambda k: f"{k[0]} {k[1]}")
def test_an_output_equal_to_an_input_is_refused_and_the_input_kept(mosaic, tmp_path, key):
    name, text, args, refusal = CASES[key]
    folder = tmp_path / "work"
    folder.mkdir()
    source = folder / name
    source.write_text(text)
    argv = [a.replace("{IN}", str(source)).replace("{DIR}", str(folder)) for a in args]
    result = mosaic(*argv, timeout_s=90.0)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: "), result.stderr
    assert refusal in result.stderr, result.stderr
    assert source.read_text() == text
    assert sorted(p.name for p in folder.iterdir()) == [name]  # nothing written beside it


def test_a_folder_output_refuses_only_the_inputs_it_would_replace(tmp_path):
    from mosaiclink.cli.common import writable_dir
    from mosaiclink.cli.report import REPORT_FILES
    from mosaiclink.cli.simulate import SIMULATE_FILES
    from mosaiclink.errors import ConfigError

    (tmp_path / "figures").mkdir()
    for name in ("figures/power-breakdown.svg", "eye_ch7.png", "design.toml"):
        (tmp_path / name).write_text("x")
    with pytest.raises(ConfigError, match="would overwrite .*power-breakdown.svg', an input of this command"):
        writable_dir(tmp_path, "--out", inputs=(tmp_path / "figures/power-breakdown.svg",), written=REPORT_FILES)
    with pytest.raises(ConfigError, match="would overwrite .*eye_ch7.png', an input"):
        writable_dir(tmp_path, "--out", inputs=(None, tmp_path / "eye_ch7.png"), written=SIMULATE_FILES)
    # a design kept in the output folder is no clash: `mosaic report -c design.toml --out .` is fine
    assert writable_dir(tmp_path, "--out", inputs=(tmp_path / "design.toml",), written=REPORT_FILES) == tmp_path
