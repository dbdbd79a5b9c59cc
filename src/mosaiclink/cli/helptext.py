"""How option types read in ``--help``: a flag shows no ``<bool>`` placeholder (it takes no value)."""

from __future__ import annotations

from typer.core import TyperOption

_display_type_rich = TyperOption.display_type_rich


def _flag_aware_display_type(self: TyperOption, ctx) -> str | None:
    """Typer's type label, or nothing for an on/off flag (``--json``, ``--wide``, ``--help``)."""
    if self.is_flag and self.metavar is None:
        return None
    return _display_type_rich(self, ctx)


def install() -> None:
    """Use :func:`_flag_aware_display_type` for every option of every command (idempotent)."""
    TyperOption.display_type_rich = _flag_aware_display_type  # type: ignore[method-assign]
