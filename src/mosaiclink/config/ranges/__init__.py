"""Machine-readable ranges of each preset's estimates (``<preset>.toml``, format ``mosaic-ranges/1``)."""
