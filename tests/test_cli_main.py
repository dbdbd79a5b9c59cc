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
