"""Parametric bill of materials of one MOSAIC end, every line with its confidence tag.

No MOSAIC price is published [S1]; every line is our estimate (confidence E) unless the
:class:`~mosaiclink.config.system.CostSpec` given says otherwise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.system import CostSpec

LEVELS = ("low", "typical", "high")


@dataclass(frozen=True)
class BomLine:
    """One line of the bill of materials: cost per end at the three levels."""

    item: str
    low_usd: float
    typical_usd: float
    high_usd: float
    confidence: str
    basis: str


@dataclass(frozen=True)
class CostEstimate:
    """Cost of one MOSAIC end and of a link of a given length."""

    lines: tuple[BomLine, ...]
    length_m: float

    def total_usd_per_end(self, level: str = "typical") -> float:
        """Sum of the lines at ``level`` ('low', 'typical', 'high')."""
        return sum(getattr(line, f"{level}_usd") for line in self.lines)

    def to_dict(self) -> dict:
        """Plain dict: lines and the totals."""
        return {
            "length_m": self.length_m,
            "lines": [asdict(line) for line in self.lines],
            **{f"total_usd_per_end_{lvl}": self.total_usd_per_end(lvl) for lvl in LEVELS},
        }


def mosaic_cost(design: MosaicDesign, cost_spec: CostSpec | None = None, length_m: float | None = None) -> CostEstimate:
    """Bill of materials of one end; the fibre is split evenly between the two ends.

    Notes
    -----
    * microLED array: ``A = N_total p^2`` (channel pitch ``p``), cost ``A c_LED / Y``;
    * CMOS die (drivers, TIAs, photodiodes, gearbox, host SerDes): ``A_die c_CMOS``;
    * imaging fibre: ``L c_fibre / 2`` per end;
    * micro-optics, ferrule and connector, housing and PCB, assembly and test: per end.

    At the low level every line takes its low value (the yield its high one), and vice versa.
    """
    spec = cost_spec or CostSpec()
    length = design.link.length_m if length_m is None else float(length_m)
    led_mm2 = design.array.total_channels * (design.array.pitch_um * 1e-3) ** 2
    inverse = {"low": "high", "typical": "typical", "high": "low"}

    def line(item: str, values: dict[str, float], *parts) -> BomLine:
        tags = sorted({p.confidence for p in parts})
        return BomLine(
            item, values["low"], values["typical"], values["high"], "/".join(tags), "; ".join(p.basis for p in parts)
        )

    lines = (
        line(
            "microLED array",
            {
                lv: led_mm2 * getattr(spec.microled_usd_per_mm2, lv) / getattr(spec.microled_yield, inverse[lv])
                for lv in LEVELS
            },
            spec.microled_usd_per_mm2,
            spec.microled_yield,
        ),
        line(
            "CMOS die",
            {lv: getattr(spec.cmos_die_mm2, lv) * getattr(spec.cmos_usd_per_mm2, lv) for lv in LEVELS},
            spec.cmos_die_mm2,
            spec.cmos_usd_per_mm2,
        ),
        line("micro-optics", {lv: getattr(spec.micro_optics_usd, lv) for lv in LEVELS}, spec.micro_optics_usd),
        line(
            "ferrule and connector",
            {lv: getattr(spec.ferrule_connector_usd, lv) for lv in LEVELS},
            spec.ferrule_connector_usd,
        ),
        line(
            "imaging fibre (half)",
            {lv: length * getattr(spec.imaging_fiber_usd_per_m, lv) / 2 for lv in LEVELS},
            spec.imaging_fiber_usd_per_m,
        ),
        line("housing, PCB, MCU", {lv: getattr(spec.housing_pcb_usd, lv) for lv in LEVELS}, spec.housing_pcb_usd),
        line("assembly and test", {lv: getattr(spec.assembly_test_usd, lv) for lv in LEVELS}, spec.assembly_test_usd),
    )
    return CostEstimate(lines, length)
