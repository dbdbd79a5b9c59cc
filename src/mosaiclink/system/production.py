"""Manufacturing yield: a per-module Monte Carlo through the per-channel link model, spares at test, cost.

Notes
-----
**Channel pool.** The full link model (:func:`mosaiclink.physics.link.evaluate_link`) evaluates
the design, with as many spares as the largest count asked, at ``pool_modules`` seeds of its
per-channel variation (:class:`~mosaiclink.config.design.VariationSpec`, dead emitters left to
the Monte Carlo). A simulated module draws each channel position's time-zero budget margin
(:math:`10\\log_{10} Q/Q_t` less the implementation reserve, dB) from one of those evaluations at
random (channels' spreads are independent draws in the model, so positions may mix).

**Module-level spread** (:class:`~mosaiclink.config.envelope.YieldSpec`), linearised per channel
with slopes the full model measures: a wafer's LED efficiency (lognormal; the channel's dB of
excess per dB of light, measured at 70 % light), its peak wavelength (central difference at
:math:`\\pm 5` nm), and the optics' placement error after alignment (a Gaussian offset per axis of
each end's array, its magnitude interpolated on full evaluations at 0, 1, 2 and 4 um). Dead
emitters (``dead_channel_probability``) and channels on broken fibre-core clusters
(``core_defect_fraction``) fail outright.

**Test and remapping.** A channel passes the module test when its excess is at least the test
limit; a module passes when its failing channels among the data channels plus ``s`` spares number
at most ``s`` (spares only) or ``s + e`` (with the host FEC's ``e`` erasure-tolerated channels,
:func:`mosaiclink.system.reliability.erasure_tolerance`). Yields carry 95 % Wilson intervals.
Modules run in seeded blocks (stream ``YIELD``); a block's counts depend only on (seed, block), so
the totals are the same in process and on any number of Dask workers.

**Cost.** The cost per good module is the build cost of one end
(:func:`mosaiclink.system.cost.mosaic_cost` with its array yield at 1: the test's yield replaces
it) divided by the module yield.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.envelope import YieldSpec
from mosaiclink.config.system import CostRange, CostSpec
from mosaiclink.errors import ConfigError
from mosaiclink.physics.link import evaluate_link
from mosaiclink.streams import Stream, generator
from mosaiclink.system.cost import mosaic_cost
from mosaiclink.system.life import channel_excess_db, excess_sensitivity
from mosaiclink.system.reliability import wilson_interval

OFFSETS_UM = (0.0, 1.0, 2.0, 4.0)  # placement offsets evaluated in full (beyond 4 um: extrapolated flat-linear)
WAVELENGTH_STEP_NM = 5.0
BLOCK_MODULES = 1000
MAX_MODULES = 1_000_000
MAX_POOL = 32


@dataclass(frozen=True)
class ChannelPool:
    """Per-channel excess and slopes from full evaluations (arrays over channel positions)."""

    excess_db: np.ndarray  # (pool, channels)
    light_slope: np.ndarray  # (channels,) dB of excess per dB of light
    wavelength_slope_db_per_nm: np.ndarray  # (channels,)
    tx_offset_db: np.ndarray  # (len(OFFSETS_UM), channels) excess change at each transmit-array offset
    rx_offset_db: np.ndarray  # (len(OFFSETS_UM), channels) the same for the receive array
    data_channels: int


def channel_pool(design: MosaicDesign, spares: int, pool_modules: int = 8) -> ChannelPool:
    """Evaluate the channel pool and slopes (module Notes); ``4 + 2 + 2 (len(OFFSETS_UM) - 1) + pool``
    full link evaluations."""
    if not 1 <= pool_modules <= MAX_POOL:
        raise ConfigError(f"pool_modules = {pool_modules!r}: allowed 1 to {MAX_POOL}")
    base = design.replace(array={"spare_channels": int(spares)}, variation={"dead_channel_probability": 0.0})
    reports = [evaluate_link(base, seed=k, nominal=False) for k in range(pool_modules)]
    pool = np.stack([channel_excess_db(r) for r in reports])
    first = pool[0]
    light = excess_sensitivity(base, first)

    def shifted(**changes) -> np.ndarray:
        return channel_excess_db(evaluate_link(base.replace(**changes), seed=0, nominal=False))

    wl = base.led.wavelength_nm
    up = shifted(led={"wavelength_nm": wl + WAVELENGTH_STEP_NM})
    down = shifted(led={"wavelength_nm": wl - WAVELENGTH_STEP_NM})
    wavelength = (up - down) / (2 * WAVELENGTH_STEP_NM)
    tx0, rx0 = base.coupling.tx_misalignment_um, base.coupling.rx_misalignment_um
    tx = [np.zeros_like(first)] + [shifted(coupling={"tx_misalignment_um": tx0 + o}) - first for o in OFFSETS_UM[1:]]
    rx = [np.zeros_like(first)] + [shifted(coupling={"rx_misalignment_um": rx0 + o}) - first for o in OFFSETS_UM[1:]]
    return ChannelPool(
        excess_db=pool,
        light_slope=light,
        wavelength_slope_db_per_nm=np.nan_to_num(wavelength),
        tx_offset_db=np.nan_to_num(np.stack(tx), neginf=-99.0),
        rx_offset_db=np.nan_to_num(np.stack(rx), neginf=-99.0),
        data_channels=design.array.data_channels,
    )


def _offset_shift(table: np.ndarray, offset_um: np.ndarray) -> np.ndarray:
    """(modules, channels): each channel's excess change at each module's offset, interpolated."""
    grid = np.asarray(OFFSETS_UM)
    j = np.clip(np.searchsorted(grid, offset_um, side="right") - 1, 0, grid.size - 2)
    w = (offset_um - grid[j]) / (grid[j + 1] - grid[j])
    return (1.0 - w)[:, None] * table[j] + w[:, None] * table[j + 1]


def count_block(
    pool: ChannelPool,
    spec: YieldSpec,
    dead_probability: float,
    spare_counts: Sequence[int],
    test_limits_db: Sequence[float],
    erasures: int,
    seed: int,
    block: int,
    modules: int,
) -> np.ndarray:
    """Good modules of one block, shape (spare counts, test limits, 2): spares only, spares + erasures."""
    rng = generator(seed, Stream.YIELD, block)
    k, channels = pool.excess_db.shape
    pick = rng.integers(k, size=(modules, channels))
    excess = pool.excess_db[pick, np.arange(channels)]
    light_db = 10.0 * np.log10(rng.lognormal(0.0, spec.wafer_efficiency_sigma_pct / 100.0, size=modules))
    excess += light_db[:, None] * pool.light_slope
    excess += rng.normal(0.0, spec.wafer_wavelength_sigma_nm, size=modules)[:, None] * pool.wavelength_slope_db_per_nm
    for table in (pool.tx_offset_db, pool.rx_offset_db):
        offset = np.hypot(*rng.normal(0.0, spec.placement_sigma_um, size=(2, modules)))
        excess += _offset_shift(table, offset)
    broken = (rng.random((modules, channels)) < dead_probability) | (
        rng.random((modules, channels)) < spec.core_defect_fraction
    )
    counts = np.zeros((len(spare_counts), len(test_limits_db), 2), dtype=np.int64)
    for j, limit in enumerate(test_limits_db):
        bad = broken | (excess < limit)
        cumulative = np.cumsum(bad, axis=1)
        for i, s in enumerate(spare_counts):
            failing = cumulative[:, pool.data_channels + s - 1]
            counts[i, j, 0] = np.count_nonzero(failing <= s)
            counts[i, j, 1] = np.count_nonzero(failing <= s + erasures)
    return counts


@dataclass(frozen=True)
class YieldRow:
    """Yield and cost per good module at one spare count and test limit."""

    spares: int
    test_limit_db: float
    yield_spares: float
    ci_spares: tuple[float, float]
    yield_with_erasures: float
    ci_with_erasures: tuple[float, float]
    build_usd: float  # one end, its array yield at 1
    usd_per_good_module: float | None  # spares only; None when no module passed


@dataclass(frozen=True)
class YieldResult:
    """Module yield over spare counts and test limits."""

    design: str
    modules: int
    seed: int
    erasure_tolerance: int
    pool_modules: int
    rows: tuple[YieldRow, ...]

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        from dataclasses import asdict

        return {
            "design": self.design,
            "modules": self.modules,
            "seed": self.seed,
            "erasure_tolerance": self.erasure_tolerance,
            "pool_modules": self.pool_modules,
            "rows": [asdict(r) for r in self.rows],
        }


def _check(spare_counts: Sequence[int], test_limits_db: Sequence[float], modules: int) -> None:
    if not 1 <= modules <= MAX_MODULES:
        raise ConfigError(f"modules = {modules!r}: allowed 1 to {MAX_MODULES}")
    if not spare_counts or any(not 0 <= int(s) <= 1000 for s in spare_counts):
        raise ConfigError(f"spare counts = {list(spare_counts)!r}: give 1 or more, each 0 to 1000")
    if not test_limits_db or any(not (np.isfinite(v) and -10.0 <= v <= 10.0) for v in test_limits_db):
        raise ConfigError(f"test limits = {list(test_limits_db)!r}: give 1 or more, each -10 to 10 dB, finite")


def module_yield(
    design: MosaicDesign,
    spare_counts: Sequence[int] = (0, 20, 40, 60),
    test_limits_db: Sequence[float] = (0.0,),
    modules: int = 10_000,
    spec: YieldSpec | None = None,
    cost_spec: CostSpec | None = None,
    seed: int = 0,
    pool_modules: int = 8,
    pool: ChannelPool | None = None,
    client=None,
) -> YieldResult:
    """Module yield and cost per good module (module Notes); ``client`` runs the blocks on Dask."""
    _check(spare_counts, test_limits_db, modules)
    spec = spec or YieldSpec()
    spares = tuple(sorted({int(s) for s in spare_counts}))
    limits = tuple(sorted({float(v) for v in test_limits_db}))
    if pool is None:
        pool = channel_pool(design, max(spares), pool_modules)
    erasures = _erasures(design)
    sizes = [min(BLOCK_MODULES, modules - b * BLOCK_MODULES) for b in range(-(-modules // BLOCK_MODULES))]
    args = (pool, spec, design.variation.dead_channel_probability, spares, limits, erasures, seed)
    if client is None:
        blocks = [count_block(*args, b, m) for b, m in enumerate(sizes)]
    else:
        futures = client.map(count_block, *zip(*[(*args, b, m) for b, m in enumerate(sizes)], strict=True), pure=False)
        blocks = client.gather(futures)
    counts = np.sum(blocks, axis=0)
    cost = cost_spec or CostSpec()
    cost = cost.replace(microled_yield=CostRange(low=1.0, typical=1.0, high=1.0, basis="replaced by the module test"))
    rows = []
    for i, s in enumerate(spares):
        build = mosaic_cost(design.replace(array={"spare_channels": s}), cost).total_usd_per_end()
        for j, limit in enumerate(limits):
            good, good_e = int(counts[i, j, 0]), int(counts[i, j, 1])
            rows.append(
                YieldRow(
                    spares=s,
                    test_limit_db=limit,
                    yield_spares=good / modules,
                    ci_spares=wilson_interval(good, modules, 0.95),
                    yield_with_erasures=good_e / modules,
                    ci_with_erasures=wilson_interval(good_e, modules, 0.95),
                    build_usd=build,
                    usd_per_good_module=build / (good / modules) if good else None,
                )
            )
    return YieldResult(design.name, modules, seed, erasures, pool.excess_db.shape[0], tuple(rows))


def _erasures(design: MosaicDesign) -> int:
    """Dead channels the host FEC absorbs as erasures (0 without a host protocol)."""
    if design.link.host_protocol in ("none", "raw"):
        return 0
    from mosaiclink.system.reliability import erasure_tolerance

    return int(erasure_tolerance(design, design.link.host_protocol))
