"""The CLI entry point: help works, bad usage exits 2 without a traceback."""


def test_help_lists_commands(mosaic):
    result = mosaic("--help")
    assert result.returncode == 0
    assert "version" in result.stdout


def test_unknown_option_exits_2_without_traceback(mosaic):
    result = mosaic("version", "--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--no-such-option" in result.stderr


def test_version_comes_from_the_package_metadata(mosaic):
    from importlib.metadata import version

    import mosaiclink

    assert mosaiclink.__version__ == version("mosaiclink")
    for args in (("--version",), ("version",)):
        result = mosaic(*args)
        assert result.returncode == 0 and result.stdout.strip() == version("mosaiclink")


def test_command_table_matches_the_command_functions():
    """Every declared command exists, its summary is its docstring's first paragraph, and its module
    imports nothing from ``cli.main`` (no import circle)."""
    import ast
    import importlib
    import inspect

    from mosaiclink.cli._registry import COMMANDS

    for name, entry in COMMANDS.items():
        module = importlib.import_module(entry.module)
        function = getattr(module, entry.function)
        first_paragraph = " ".join(inspect.getdoc(function).split("\n\n")[0].split())
        assert first_paragraph == entry.summary, name
        tree = ast.parse(inspect.getsource(module))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert "mosaiclink.cli.main" not in imported, name


def test_every_command_builds_and_shows_its_help():
    from typer.testing import CliRunner

    from mosaiclink.cli._registry import COMMANDS
    from mosaiclink.cli.main import app

    for name in COMMANDS:
        out = CliRunner().invoke(app, [name, "--help"])
        assert out.exit_code == 0, (name, out.output)
        assert "Usage" in out.output


def test_help_imports_no_command_module(python_code):
    """``mosaic --help`` lists the table's summaries without importing any command (start-up)."""
    code = (
        "import sys\nfrom mosaiclink.cli.main import run\ntry:\n    run(['--help'])\nexcept SystemExit:\n    pass\n"
        "from mosaiclink.cli._registry import COMMANDS\n"
        "print(','.join(m for m in sys.modules if m in {e.module for e in COMMANDS.values()} "
        "or m.startswith(('mosaiclink.config', 'mosaiclink.physics', 'numpy', 'pydantic'))), file=sys.stderr)"
    )
    out = python_code(code)
    assert out.returncode == 0, out.stderr
    assert "link" in out.stdout and "simulate" in out.stdout
    assert out.stderr.strip() == ""


def test_option_bounds_refuse_out_of_range_and_non_finite_in_one_line(mosaic):
    for args, fragment in (
        (("link", "--seed", "-1"), "--seed = -1: allowed 0 to 9223372036854775807"),
        (("link", "--length-m", "nan"), "link.length_m = nan"),
        (("link", "--rate-gbps", "inf"), "link.rate_gbps = inf"),
        (("simulate", "--samples-per-bit", "65"), "--samples-per-bit = 65: allowed 2 to 64"),
        (("simulate", "--bits", "0"), "--bits = 0"),
        (("datapath", "--duration-us", "-inf"), "--duration-us = -inf: must be a finite number"),
    ):
        result = mosaic(*args)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and fragment in lines[0], (args, result.stderr)
