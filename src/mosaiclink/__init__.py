"""mosaiclink: design, simulate and evaluate MOSAIC wide-and-slow microLED links.

Layers (import only downward): units, errors -> config -> physics -> sim -> datapath ->
system -> cluster -> explore -> report / web / cli. See DESIGN.md in the shared folder.
"""

__version__ = "0.1.0"
