"""The analog channel of a MOSAIC link: microLED, coupling optics, imaging fibre, receiver,
equalizer, array geometry, pulse response, BER and the link budget.

Entry points: :func:`mosaiclink.physics.link.evaluate_link` and
:func:`mosaiclink.physics.reach.max_reach_m`.
"""
