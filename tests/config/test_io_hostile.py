"""The one config reader answers every hostile file in one line that names the file."""

from __future__ import annotations

import pytest

from mosaiclink.config.io import MAX_CONFIG_BYTES, MAX_CONFIG_DEPTH, read_mapping
from mosaiclink.config.presets import load_design
from mosaiclink.errors import ConfigError

DEEP = 100_000  # far past Python's recursion limit: the parsers themselves raise RecursionError

HOSTILE = {
    "binary.toml": (bytes(range(256)) * 4, r"not UTF-8 text \(byte \d+: .*\); is it a binary file\?"),
    "latin1.yaml": ("wavelength_nm: 450 # café".encode("latin-1"), r"not UTF-8 text"),
    "deep.json": (b"[" * DEEP + b"]" * DEEP, r"nested deeper than 16 levels"),
    "deep.yaml": (b"[" * DEEP + b"]" * DEEP, r"nested deeper than 16 levels|not valid YAML"),
    "deep.toml": (b"a = " + b"[" * DEEP + b"]" * DEEP, r"nested deeper than 16 levels|not valid TOML"),
    "moderate.json": (b'{"a": ' * 40 + b"1" + b"}" * 40, r"nested deeper than 16 levels"),
    "bad.toml": (b"length_m = = 3\n", r"not valid TOML"),
    "bad.json": (b'{"a": }', r"not valid JSON"),
    "bad.yaml": (b"a: [1, 2\n", r"not valid YAML"),
    "list.json": (b"[1, 2]", r"top level must be a table of keys, got list"),
    "empty.yaml": (b"", r"top level must be a table of keys, got NoneType"),
    "huge.toml": (b"# " + b"x" * (MAX_CONFIG_BYTES + 10) + b"\n", r"larger than 4 MiB"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_one_line_naming_the_file(tmp_path, name):
    content, pattern = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=pattern) as info:
        read_mapping(path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and len(message) < 300


def test_yaml_alias_bomb_is_walked_once_per_object(tmp_path):
    """A 'billion laughs' file: 9 levels of 9 aliases would be 9**9 leaves if expanded."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert set(read_mapping(path)) == {f"a{i}" for i in range(10)}  # depth 11 <= 16: accepted, quickly


def test_depth_limit_allows_real_specs(tmp_path):
    path = tmp_path / f"ok{MAX_CONFIG_DEPTH}.json"
    path.write_text('{"a": ' * (MAX_CONFIG_DEPTH - 1) + "{}" + "}" * (MAX_CONFIG_DEPTH - 1))
    assert read_mapping(path)


def test_directory_and_missing_file_are_one_line(tmp_path):
    (tmp_path / "dir.toml").mkdir()
    for path in (tmp_path / "dir.toml", tmp_path / "missing.toml"):
        with pytest.raises(ConfigError, match=r"cannot be read|is a folder; give a regular file"):
            read_mapping(path)


def test_empty_design_file_is_an_error(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text("# nothing\n")
    with pytest.raises(ConfigError, match=r"design is empty"):
        load_design(path)
