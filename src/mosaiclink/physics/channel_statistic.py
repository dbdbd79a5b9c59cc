r"""One statistic of the per-channel BER (median or worst channel) by the full link model, for fits.

Published and bench BER points describe the channels of a real array: "median BER < 2e-8" is the
median over the measured channels, not the nominal channel of the fast path
(:mod:`mosaiclink.explore.evaluate`). :class:`ChannelStatistic` evaluates exactly what
``mosaic link`` headlines, :meth:`mosaiclink.physics.link.LinkReport.ber_summary` of
:func:`mosaiclink.physics.link.evaluate_link`, at a fixed seed, and reuses what does not change
between the evaluations of a fit.

Notes
-----
The per-channel model costs ~40 ms per condition for the 100-channel prototype on one core, most
of it in the sampling instant and the statistical eye, which depend on every parameter. Two parts
depend on few of them and are cached (bit-identical results):

* the manufacturing spread (:func:`mosaiclink.physics.array.draw_variation`): keyed on the
  variation spec, the channel count, the seed and the fibre's length mismatch;
* the LED's large-signal pulses (:func:`mosaiclink.physics.pulse.led_pulse`, ~25 ms, a stiff
  rate equation per channel): keyed on the LED spec, the line rate, the time grid and the spread.

With the spread drawn once from the seed, the statistic is a deterministic, continuous function of
the parameters (each channel's BER is smooth in them; the median of an even count is the mean of
the two middle channels), so a least-squares fit sees no sampling noise. Statistics:
``"median"`` (the ``mosaic link`` headline, dead channels included as BER 1/2) and ``"worst"``
(the largest per-channel BER).

Examples
--------
>>> from mosaiclink.config.presets import load_preset
>>> from mosaiclink.physics.channel_statistic import ChannelStatistic
>>> median = ChannelStatistic("median")
>>> at_30m = load_preset("mosaic-prototype").with_link(length_m=30.0)
>>> round(median.log10_ber(at_30m), 2)
-3.1
>>> from mosaiclink.physics.link import evaluate_link  # the headline it reproduces
>>> median.log10_ber(at_30m) == evaluate_link(at_30m).ber_summary()["log10_median"]
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import ConfigError
from mosaiclink.physics.array import ChannelVariation, draw_variation
from mosaiclink.physics.link import analyse
from mosaiclink.physics.pulse import chain, led_pulse

CHANNEL_STATISTICS = ("median", "worst")
_CACHE_ENTRIES = 16  # distinct (LED, rate) conditions kept: a dataset has a few rates, a fit moves nothing else


class ChannelStatistic:
    """``log10_ber(design)``: the ``statistic`` of the per-channel stat-eye BER at ``seed`` (module Notes)."""

    def __init__(self, statistic: str, seed: int = 0) -> None:
        if statistic not in CHANNEL_STATISTICS:
            raise ConfigError(f"statistic = {statistic!r}: allowed {', '.join(CHANNEL_STATISTICS)}")
        self.statistic, self.seed = statistic, seed
        self._variations: dict[Any, ChannelVariation] = {}
        self._pulses: dict[Any, np.ndarray] = {}

    def _variation(self, design: MosaicDesign) -> tuple[Any, ChannelVariation]:
        channels, mismatch = design.array.total_channels, design.fiber.length_mismatch_ppm
        key = (design.variation, channels, mismatch)
        if key not in self._variations:
            _bounded(self._variations)
            self._variations[key] = draw_variation(design.variation, channels, self.seed, mismatch)
        return key, self._variations[key]

    def _led_pulse(self, design: MosaicDesign, variation_key: Any, variation: ChannelVariation) -> np.ndarray:
        link = design.link
        key = (design.led, link.rate_gbps, link.samples_per_bit, link.isi_span_bits, variation_key)
        if key not in self._pulses:
            _bounded(self._pulses)
            self._pulses[key] = led_pulse(design, variation)
        return self._pulses[key]

    def log10_ber(self, design: MosaicDesign) -> float:
        """The statistic's log10 BER for ``design`` (floored as the link report floors it)."""
        variation_key, variation = self._variation(design)
        cp = chain(design, variation, led_pulse_w=self._led_pulse(design, variation_key, variation))
        return analyse(design, cp).ber_summary()[f"log10_{self.statistic}"]


def _bounded(cache: dict) -> None:
    """Drop the oldest entry of a full cache (dicts keep insertion order)."""
    if len(cache) >= _CACHE_ENTRIES:
        del cache[next(iter(cache))]
