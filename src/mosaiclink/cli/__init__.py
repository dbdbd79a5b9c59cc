"""The ``mosaic`` command line (Typer + Rich)."""
