"""Imports every sub-command module (each registers itself on ``cli.main.app``).

Add one import line per command module; keep them sorted.
"""

from mosaiclink.cli import cluster  # noqa: F401
from mosaiclink.cli import compare  # noqa: F401
from mosaiclink.cli import datapath  # noqa: F401
from mosaiclink.cli import design  # noqa: F401
from mosaiclink.cli import link  # noqa: F401
from mosaiclink.cli import presets  # noqa: F401
from mosaiclink.cli import report  # noqa: F401
from mosaiclink.cli import results  # noqa: F401
from mosaiclink.cli import serve  # noqa: F401
from mosaiclink.cli import simulate  # noqa: F401
from mosaiclink.cli import sweep  # noqa: F401
