"""``mosaic link`` on a design whose fibre NA squares to 0 in float64 (NA 1e-200: the fuzz of session
17 found a 0/0 warning from the launch optics before the error): no light reaches the detector, said
in one line with exit code 2 and nothing else on stderr."""

from __future__ import annotations


def test_a_fibre_na_below_the_float_range_of_its_square_is_refused_in_one_line(mosaic, tmp_path):
    path = tmp_path / "tiny-na.toml"
    path.write_text('extends = "mosaic-800g"\n[fiber]\nna = 1e-200\n')
    result = mosaic("link", "-c", str(path), "--json", timeout_s=120.0)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ") and "no light reaches the detector" in result.stderr
    assert "Warning" not in result.stderr and result.stdout == ""
