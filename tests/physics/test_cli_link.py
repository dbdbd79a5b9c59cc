"""``mosaic link``: JSON with every channel, the waterfall, and one-line errors with exit 2."""

import json


def test_link_json_800g_has_every_channel(mosaic):
    result = mosaic("link", "--preset", "mosaic-800g", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["channels"] == 460 and data["length_m"] == 49.0
    assert data["channels_meeting_target"] >= 400 and data["link_ok"]
    assert len(data["per_channel"]["log10_ber_stateye"]) == 460
    assert [line["name"] for line in data["budget"]][-1] == "Margin"


def test_link_overrides_and_table(mosaic):
    result = mosaic("link", "--preset", "mosaic-prototype", "--length-m", "30", "--rate-gbps", "1.6", "--seed", "2")
    assert result.returncode == 0, result.stderr
    assert "Margin" in result.stdout and "30 m" in result.stdout and "1.6 Gb/s" in result.stdout
    assert "BER map" in result.stdout


def test_link_config_file_with_extends(mosaic, tmp_path):
    cfg = tmp_path / "short.toml"
    cfg.write_text('extends = "mosaic-prototype"\n[link]\nlength_m = 10.0\n')
    data = json.loads(mosaic("link", "--config", str(cfg), "--json").stdout)
    assert data["length_m"] == 10.0 and data["channels"] == 100


def one_line_error(result, *fragments):
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_negative_length_zero_rate_unknown_key_and_preset(mosaic, tmp_path):
    # --length-m and --rate-gbps are judged by the design's own validation (the explorer's message too)
    one_line_error(mosaic("link", "--length-m", "-5"), "link.length_m = -5.0", "greater than or equal to 0")
    one_line_error(mosaic("link", "--rate-gbps", "0"), "link.rate_gbps = 0.0", "greater than or equal to 0.001")
    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "mosaic-800g"\n[fiber]\nattenuation_db_m = 0.2\n')
    one_line_error(mosaic("link", "--config", str(bad)), "unknown key 'fiber.attenuation_db_m'", "attenuation_db_per_m")
    one_line_error(mosaic("link", "--preset", "mosaic-9t"), "valid presets")
    one_line_error(mosaic("link", "--preset", "mosaic-800g", "--config", str(bad)), "not both")


def test_cli_start_keeps_heavy_imports_out(python_code):
    """`mosaic link` must stay under 2 s: starting it may not pull in matplotlib, numba,
    scipy.stats or dask (each costs 0.5-1.5 s at start), whatever other commands import."""
    code = (
        "import sys; import mosaiclink.cli.main as m; m.load_command('link', m.COMMANDS['link']); "
        "import mosaiclink.physics.link; "
        "heavy = ('matplotlib', 'numba', 'scipy.stats', 'dask', 'plotly', 'duckdb'); "
        "print(','.join(x for x in heavy if x in sys.modules))"
    )
    out = python_code(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_array_larger_than_the_fibre_field_is_a_one_line_model_error(mosaic, tmp_path):
    big = tmp_path / "big.toml"
    big.write_text('extends = "mosaic-800g"\n[coupling]\nspot_magnification = 1.0\n')
    one_line_error(mosaic("link", "--config", str(big)), "exceeds the fibre's image field", "core_count")
