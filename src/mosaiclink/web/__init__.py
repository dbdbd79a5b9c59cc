"""The interactive design explorer served by ``mosaic serve``."""
