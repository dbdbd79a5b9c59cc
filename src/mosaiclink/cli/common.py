"""Options shared by the commands that take a design: ``--preset``/``--config`` and overrides."""

from __future__ import annotations

import tempfile
from pathlib import Path

from mosaiclink.errors import ConfigError


def writable_dir(path: Path, option: str = "--out", inputs: tuple = (), written: tuple[str, ...] = ()) -> Path:
    """``path`` as an existing, writable folder (created if absent), checked before any work is done.

    ``written`` names the files the command writes there (``fnmatch`` patterns relative to the
    folder, e.g. ``"report.json"``, ``"figures/*"``): an input of the command that one of them would
    replace is refused (:func:`mosaiclink.config.io.check_output`'s rule for a single output file),
    and so is a link, folder or device in place of a named file.
    """
    import fnmatch
    import os

    from mosaiclink.config.io import check_output

    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ConfigError(f"{option} = '{path}': cannot write there ({exc.strerror or exc})") from None
    for name in written:
        if not any(ch in name for ch in "*?["):
            check_output(path / name, option, inputs)
    folder = os.path.realpath(path)
    for item in inputs:
        if item is None:
            continue
        relative = os.path.relpath(os.path.realpath(item), folder)
        if not relative.startswith(os.pardir) and any(fnmatch.fnmatch(relative, name) for name in written):
            raise ConfigError(
                f"{option} = '{path}': would overwrite '{item}', an input of this command; give another folder"
            )
    return path


def writable_file(path: Path, option: str, inputs: tuple = (), others: tuple = (), suffixes: tuple = ()) -> Path:
    """``path`` as a file this command may write, checked before any work is done
    (:func:`mosaiclink.config.io.check_output`: never an input, another output, a link or a device)."""
    from mosaiclink.config.io import check_output

    return check_output(path, option, inputs, others, suffixes)


def replaced_files(replace: list[str] | None) -> tuple[Path, ...]:
    """The ``.s2p`` files of ``--replace STAGE=FILE`` options (inputs of the command)."""
    return tuple(Path(item.partition("=")[2]) for item in replace or [])


def measured_blocks(replace: list[str] | None) -> dict:
    """``{stage: skrf.Network}`` of ``--replace STAGE=FILE.s2p`` options, read through the safe reader."""
    from mosaiclink.config.touchstone import load_two_port

    measured = {}
    for item in replace or []:
        stage, sep, file = item.partition("=")
        if not sep or not file:
            raise ConfigError(f"--replace = {item!r}: expected STAGE=FILE.s2p, e.g. fiber=fibre.s2p")
        if stage.strip() in measured:
            raise ConfigError(f"--replace = {item!r}: stage '{stage.strip()}' given twice")
        measured[stage.strip()] = load_two_port(Path(file))
    return measured


def resolve_design(
    preset: str | None, config: Path | None, length_m: float | None = None, rate_gbps: float | None = None
):
    """The design named by ``--preset`` or read from ``--config`` (default: the 800G preset),
    with ``--length-m`` / ``--rate-gbps`` applied when given, through the one design validation
    (:func:`mosaiclink.config.overrides.with_overrides`: the explorer, the API and the sweeps refuse
    the same values with the same message)."""
    from mosaiclink.config.overrides import with_overrides
    from mosaiclink.config.presets import DEFAULT_PRESET, load_design, load_preset

    if preset and config:
        raise ConfigError("options --preset and --config: give one, not both")
    design = load_design(config) if config else load_preset(preset or DEFAULT_PRESET)
    changes = {k: v for k, v in (("link.length_m", length_m), ("link.rate_gbps", rate_gbps)) if v is not None}
    design = with_overrides(design, changes) if changes else design
    check_design_work(design)
    return design


def check_design_work(design) -> None:
    """Refuse, before any allocation, a design whose full link evaluation would not be bounded."""
    from mosaiclink.workload import check_link_work

    check_link_work(design.array.total_channels, design.link.samples_per_bit, design.link.isi_span_bits)


def write_frame(frame, path: Path) -> Path:
    """Write a pandas DataFrame as Parquet (``.parquet``) or CSV (anything else); the index is kept."""
    import io

    from mosaiclink.config.io import write_bytes_atomic

    buffer = io.BytesIO()
    if Path(path).suffix.lower() == ".parquet":
        frame.to_parquet(buffer)
    else:
        frame.to_csv(buffer)
    return write_bytes_atomic(path, buffer.getvalue(), "--csv")
