r"""The modelled channel as scikit-rf two-ports: each stage and the cascade, and measured blocks in
place of modelled stages.

Each stage of :data:`mosaiclink.physics.pulse.STAGES` of one channel becomes a
:class:`skrf.Network` with :math:`S_{21} = H_{stage}(f)` and :math:`S_{11} = S_{12} = S_{22} = 0`:
a matched, unilateral block (the chain is a cascade of electro-optical transducers and amplifiers
with no reflected wave in the model). For such blocks the cascade's :math:`S_{21}` is the product
of the stages' (Pozar, *Microwave Engineering*, 4th ed., §4.4: the reflections that the general
cascade formula accounts for are zero), so the cascade of the stage networks is the model's
:func:`~mosaiclink.physics.pulse.chain_transfer_function` of that channel. The ``gain`` stage is
flat and carries amperes of photocurrent per watt of LED modulation; S-parameters have no unit,
so a Touchstone file of the chain holds A/W numerically (stated in its comment line).

A measured block (a ``.s2p`` of a fibre, a receiver, an LED with its probe) replaces a stage:
its :math:`S_{21}` is interpolated onto the model's frequencies (linear in real and imaginary
parts, scikit-rf's ``interpolate``) and, by default, normalised to its lowest frequency, as the
model's stages are (their flat loss is in the link budget, which the measured block does not
replace). Frequencies outside the measurement are refused, never extrapolated.

Examples
--------
>>> import numpy as np
>>> from mosaiclink.config.presets import load_preset
>>> from mosaiclink.physics import networks
>>> stages = networks.stage_networks(load_preset("mosaic-800g"), np.linspace(1e7, 4e9, 5), channel=0)
>>> list(stages)
['gain', 'led', 'fiber', 'receiver', 'ctle']
>>> networks.cascade(stages, "chain").s.shape  # (frequencies, 2, 2)
(5, 2, 2)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import ConfigError
from mosaiclink.physics.pulse import STAGES, stage_transfer_functions

if TYPE_CHECKING:
    import skrf


def two_port(freq_hz, s21, name: str) -> skrf.Network:
    """A matched unilateral two-port with transmission ``s21`` at ``freq_hz``."""
    import skrf

    freq_hz = np.asarray(freq_hz, dtype=float)
    s = np.zeros((freq_hz.size, 2, 2), dtype=complex)
    s[:, 1, 0] = np.broadcast_to(s21, freq_hz.shape)
    return skrf.Network(frequency=skrf.Frequency.from_f(freq_hz, unit="hz"), s=s, name=name)


def stage_networks(design: MosaicDesign, freq_hz, channel: int, seed: int = 0) -> dict[str, skrf.Network]:
    """Every stage of channel ``channel`` (manufacturing variation of ``seed``) as a network, in signal order."""
    if not 0 <= channel < design.array.total_channels:
        raise ConfigError(f"channel = {channel}: allowed 0 to {design.array.total_channels - 1}")
    stages = stage_transfer_functions(design, freq_hz, seed)
    return {name: two_port(freq_hz, stages[name][channel], f"{design.name} ch{channel} {name}") for name in STAGES}


def cascade(networks: dict[str, skrf.Network], name: str) -> skrf.Network:
    """The cascade of ``networks`` in their order (scikit-rf's general two-port cascade)."""
    import skrf

    chain = skrf.network.cascade_list(list(networks.values()))
    chain.name = name
    return chain


def measured_stage(measured: skrf.Network, freq_hz, stage: str, normalise: bool = True) -> skrf.Network:
    """A measured two-port's :math:`S_{21}` on the model's frequencies, as stage ``stage`` (module Notes)."""
    if stage not in STAGES:
        raise ConfigError(f"stage = {stage!r}: allowed {', '.join(STAGES)}")
    if measured.nports != 2:
        raise ConfigError(f"measured {stage} '{measured.name}': expected a 2-port network, found {measured.nports}")
    freq_hz = np.asarray(freq_hz, dtype=float)
    f = measured.frequency.f
    if freq_hz.min() < f.min() * (1 - 1e-12) or freq_hz.max() > f.max() * (1 + 1e-12):
        raise ConfigError(
            f"measured {stage} '{measured.name}' covers {f.min() / 1e9:.4g}-{f.max() / 1e9:.4g} GHz; the model's "
            f"frequencies span {freq_hz.min() / 1e9:.4g}-{freq_hz.max() / 1e9:.4g} GHz (narrow them, never extrapolate)"
        )
    s21 = measured.s[:, 1, 0]
    on_grid = np.interp(freq_hz, f, s21.real) + 1j * np.interp(freq_hz, f, s21.imag)
    if normalise:
        on_grid = on_grid / np.abs(s21[0])
    return two_port(freq_hz, on_grid, f"{measured.name} (measured {stage})")


def channel_networks(
    design: MosaicDesign,
    freq_hz,
    channel: int,
    seed: int = 0,
    measured: dict[str, skrf.Network] | None = None,
    normalise: bool = True,
) -> dict[str, skrf.Network]:
    """The stages of one channel, measured blocks in place of the stages they name, and their
    cascade under the key ``"chain"``."""
    stages = stage_networks(design, freq_hz, channel, seed)
    for stage, network in (measured or {}).items():
        stages[stage] = measured_stage(network, freq_hz, stage, normalise)
    label = "measured " + "+".join(measured) if measured else "model"
    return {**stages, "chain": cascade(stages, f"{design.name} ch{channel} chain ({label})")}


def measured_responses(
    design: MosaicDesign, measured: dict[str, skrf.Network], normalise: bool = True
) -> dict[str, np.ndarray]:
    r"""Measured blocks on the full link model's frequency grid (:func:`~mosaiclink.physics.pulse.time_grid`),
    for :func:`~mosaiclink.physics.link.evaluate_link`: ``{stage: H(f)}`` in place of the modelled
    stages (:data:`~mosaiclink.physics.pulse.MEASURED_STAGES`), so that they reach the pulse and BER.

    Notes
    -----
    Inside the measured band the block's :math:`S_{21}` is interpolated as in
    :func:`measured_stage` (normalised to its lowest frequency by default). The pulse needs
    :math:`H` from 0 Hz to the grid's top (``samples_per_bit / 2`` times the line rate), wider than
    a VNA sweep usually is; outside the measurement:

    * below the lowest measured frequency :math:`f_0`, :math:`H(f) = H(f_0)` (flat to DC);
    * above the highest, :math:`f_1`, the modelled stage's shape continues from the measured value,
      :math:`H(f) = H_{meas}(f_1)\,H_{model}(f) / H_{model}(f_1)` (stated assumption).

    The measurement must reach at least the line rate (the NRZ spectrum's first null: 90 % of the
    signal's energy lies below it), else it is refused: the model would be most of the answer.
    """
    from mosaiclink.physics.pulse import MEASURED_STAGES, component_transfer_functions, time_grid

    grid = time_grid(design)
    model = component_transfer_functions(design, grid.freq_hz)
    rate_hz = design.link.rate_gbps * 1e9
    out = {}
    for stage, network in measured.items():
        if stage not in MEASURED_STAGES:
            raise ConfigError(
                f"measured stage = {stage!r}: the link's pulse takes measured {', '.join(MEASURED_STAGES)} "
                "(the LED's pulse is large-signal; `mosaic network` cascades a measured led)"
            )
        f = network.frequency.f
        if f.max() < rate_hz * (1 - 1e-12):
            raise ConfigError(
                f"measured {stage} '{network.name}' reaches {f.max() / 1e9:.4g} GHz: the BER analysis needs it up to "
                f"at least the line rate, {rate_hz / 1e9:.4g} GHz"
            )
        inside = (grid.freq_hz >= f.min()) & (grid.freq_hz <= f.max())
        h = np.empty(grid.freq_hz.size, dtype=complex)
        h[inside] = measured_stage(network, grid.freq_hz[inside], stage, normalise).s[:, 1, 0]
        first = measured_stage(network, f[:1], stage, normalise).s[0, 1, 0]
        h[grid.freq_hz < f.min()] = first
        above = grid.freq_hz > f.max()
        if above.any():
            top = measured_stage(network, f[-1:], stage, normalise).s[0, 1, 0]
            model_h = np.broadcast_to(model[stage], grid.freq_hz.shape)
            model_top = np.interp(f.max(), grid.freq_hz, model_h.real) + 1j * np.interp(
                f.max(), grid.freq_hz, model_h.imag
            )
            h[above] = top * model_h[above] / (model_top if abs(model_top) > 1e-300 else 1.0)
        out[stage] = h
    return out
