"""Bottom-up power of one MOSAIC end (module or co-packaged engine).

One end transmits on ``N`` microLED channels and receives on ``N`` photodiode channels
(``N`` = data channels, plus spares when they are kept lit), and carries a gearbox between
the host's lanes and the channels, the host-interface SerDes, and control.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from mosaiclink.config.batched import Batchable
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.system import PowerSpec


@dataclass(frozen=True)
class PowerBreakdown:
    """Power of one end, by part (W), and the totals."""

    led_drive_w: float
    predriver_w: float
    tia_w: float
    equalizer_w: float
    slicer_cdr_w: float
    gearbox_w: float
    host_serdes_w: float
    control_w: float
    lit_channels: int
    data_rate_gbps: float
    host_interface: str

    @property
    def channel_w(self) -> float:
        """All per-channel parts together (transmit and receive)."""
        return self.led_drive_w + self.predriver_w + self.tia_w + self.equalizer_w + self.slicer_cdr_w

    @property
    def total_w_per_end(self) -> float:
        """Total power of the end."""
        return self.channel_w + self.gearbox_w + self.host_serdes_w + self.control_w

    @property
    def pj_per_bit(self) -> float:
        """Energy per bit per end: ``P_end / data rate`` (baselines.md convention)."""
        return self.total_w_per_end / self.data_rate_gbps * 1e3

    @property
    def per_channel_mw(self) -> float:
        """Transmit plus receive power of one lit channel position (mW)."""
        return self.channel_w / self.lit_channels * 1e3

    def to_dict(self) -> dict:
        """Plain dict with the parts and the derived totals."""
        return {
            **asdict(self),
            "channel_w": self.channel_w,
            "total_w_per_end": self.total_w_per_end,
            "pj_per_bit": self.pj_per_bit,
            "per_channel_mw": self.per_channel_mw,
        }


def led_average_current_ma(design: Batchable[MosaicDesign], mark_density: float) -> float:
    """Mean microLED current with on-off keying: ``I_b + rho (I_p - I_b)``."""
    led = design.led
    return led.bias_current_ma + mark_density * (led.peak_current_ma - led.bias_current_ma)


def mosaic_power(design: Batchable[MosaicDesign], power_spec: PowerSpec | None = None) -> PowerBreakdown:
    """Power of one MOSAIC end, built up from the channels.

    Parameters
    ----------
    design
        The link design (LED currents and voltage, array size, line rate).
    power_spec
        Electronics beyond the LED (defaults: :class:`PowerSpec`).

    Returns
    -------
    PowerBreakdown
        Parts in W, total W per end and pJ/bit.

    Notes
    -----
    With ``N`` lit channels at line rate ``R_ch`` and data rate ``R = N_data R_ch``:

    * LED drive, a current source from a rail ``V_rail = V_f + V_headroom``:
      ``P_led = N V_rail (I_b + rho (I_p - I_b))`` with mark density ``rho``;
    * pre-driver: ``P_pre = N E_pre R_ch``;
    * receive chain: ``P_rx = N (P_TIA + P_EQ + P_slicer+CDR)``;
    * gearbox: ``P_gb = 2 R E_gb`` (both directions pass through it);
    * host interface ``P_host = R E_host`` (2.4 W pluggable, 0.2 W co-packaged at 800G [S1],
      scaled with the number of host lanes) and control ``P_ctl``.

    Dark spares draw nothing; lit spares (hot standby) add their channel power. The model is
    valid for NRZ channels slow enough that the drive is a switched current (a few Gb/s);
    at higher rates pre-emphasis and driver bandwidth add power not modelled here.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> power = ml.mosaic_power(ml.load_preset("mosaic-800g"))  # pluggable host interface
    >>> round(power.total_w_per_end, 2), round(power.pj_per_bit, 2), round(power.led_drive_w, 3)
    (5.3, 6.62, 1.632)
    """
    spec = power_spec or PowerSpec()
    array = design.array
    lit = array.data_channels + (array.spare_channels if spec.spares_powered else 0)
    rate_ch_gbps = design.link.rate_gbps
    line_rate_gbps = array.data_channels * rate_ch_gbps
    # energy per bit and the host interface count the host's data, the gearbox every line bit
    data_rate_gbps = design.data_rate_gbps
    rail_v = design.led.forward_voltage_v + spec.driver_headroom_v
    current_a = led_average_current_ma(design, spec.mark_density) * 1e-3
    return PowerBreakdown(
        led_drive_w=lit * rail_v * current_a,
        predriver_w=lit * spec.predriver_energy_fj_per_bit * 1e-15 * rate_ch_gbps * 1e9,
        tia_w=lit * spec.tia_power_mw * 1e-3,
        equalizer_w=lit * spec.equalizer_power_mw * 1e-3 if design.equalizer.enable else 0.0,
        slicer_cdr_w=lit * spec.slicer_cdr_power_mw * 1e-3,
        gearbox_w=2.0 * line_rate_gbps * 1e9 * spec.gearbox_energy_pj_per_bit * 1e-12,
        host_serdes_w=spec.host_serdes_w(data_rate_gbps),
        control_w=spec.control_w,
        lit_channels=lit,
        data_rate_gbps=data_rate_gbps,
        host_interface=spec.host_interface,
    )


def mosaic_power_range(
    design: MosaicDesign, power_spec: PowerSpec | None = None
) -> tuple[PowerBreakdown, PowerBreakdown]:
    """Power at the two ends of the paper's documented range: co-packaged and pluggable host interface.

    The published 3.1-5.3 W per end is 2.2 W wide, exactly the 2.4 - 0.2 W host-interface
    difference [S1], so the range is taken over the host interface with every other
    parameter at ``power_spec``.
    """
    spec = power_spec or PowerSpec()
    return (
        mosaic_power(design, spec.replace(host_interface="co-packaged")),
        mosaic_power(design, spec.replace(host_interface="pluggable")),
    )
