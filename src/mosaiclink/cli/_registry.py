"""Imports every sub-command module (each registers itself on ``cli.main.app``).

Add one import line per command module; keep them sorted.
"""

from mosaiclink.cli import (
    calibrate,  # noqa: F401
    cluster,  # noqa: F401
    compare,  # noqa: F401
    datapath,  # noqa: F401
    design,  # noqa: F401
    link,  # noqa: F401
    presets,  # noqa: F401
    report,  # noqa: F401
    results,  # noqa: F401
    serve,  # noqa: F401
    simulate,  # noqa: F401
    sweep,  # noqa: F401
    uncertainty,  # noqa: F401
)
