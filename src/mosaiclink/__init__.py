"""mosaiclink: design, simulate and evaluate MOSAIC wide-and-slow microLED links.

Layers (import only downward): units, errors -> config -> physics -> sim -> datapath ->
system -> cluster -> explore -> report / web / cli. See DESIGN.md in the shared folder.

``mosaiclink.__version__`` is read from the installed package's metadata (the one version
source is ``pyproject.toml``), on first access so that importing the package stays cheap.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version

        return version("mosaiclink")
    raise AttributeError(f"module 'mosaiclink' has no attribute {name!r}")
