"""Allow ``python -m mosaiclink`` as an alias of the ``mosaic`` command."""

from mosaiclink.cli.main import run

run()
