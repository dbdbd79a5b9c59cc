"""Monte Carlo of a design: counted per-channel BER with confidence intervals beside the
analytic (statistical-eye) prediction, and eye diagrams of selected channels."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from mosaiclink.config.design import MosaicDesign
from mosaiclink.errors import ConfigError, require_instance, require_seed
from mosaiclink.sim.counting import ErrorCounter
from mosaiclink.sim.distributed import BLOCK_BITS, Key, OnResult, count_distributed
from mosaiclink.sim.eye import (
    BathtubFit,
    EyeDiagram,
    EyeMetrics,
    bathtub_gaussian,
    extrapolate_bathtub,
    eye_histogram,
    eye_metrics,
)
from mosaiclink.sim.model import SymbolModel, WaveformModel
from mosaiclink.sim.physics_models import link_models
from mosaiclink.sim.symbol import SymbolSimulator
from mosaiclink.sim.waveform import WaveformSimulator
from mosaiclink.workload import check_simulation_bits

Path_ = Literal["symbol", "waveform"]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class EyeData:
    """Waveform, eye histogram, metrics and bathtub of one channel."""

    channel: int
    samples_per_bit: int
    threshold: float
    waveform: np.ndarray  # (bits * spb,) float32, decision of bit k at sample k*spb
    sent: np.ndarray  # (bits,)
    histogram: EyeDiagram
    metrics: EyeMetrics  # one row
    bathtub_ber: np.ndarray  # (phases,) Gaussian per-phase BER
    bathtub_fit: BathtubFit

    def summary(self) -> dict[str, float | None]:
        """Scalar metrics; ``None`` where undefined (e.g. no bathtub wall to extrapolate)."""
        m = self.metrics
        values = {
            "eye_height": m.eye_height[0],
            "eye_width_ui": m.eye_width_ui[0],
            "q": m.q[0],
            "mask_margin": m.mask_margin[0],
            "eye_width_ui_at_1e-12": self.bathtub_fit.width_ui[0],
        }
        return {k: float(v) if np.isfinite(v) else None for k, v in values.items()}


JUDGE_FACTOR = 10.0  # a count judges the analytic BER if its interval excludes 10x above or below it
JUDGE_ERRORS = 30  # expected errors that give such an interval (Clopper-Pearson at 95 %: about 0.7x-1.4x)


@dataclass(frozen=True)
class SimResult:
    """Per-channel counted errors and BER with Clopper-Pearson intervals, analytic beside.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> result = ml.simulate(ml.load_preset("mosaic-prototype").with_link(length_m=30.0), 20_000, channels=[10, 11])
    >>> result  # doctest: +ELLIPSIS
    <SimResult mosaic-prototype: 2 ch @ 2 Gb/s, 30 m, symbol path, ... errors in 40,000 bits, 2/2 inside ...>
    """

    design_name: str
    rate_gbps: float
    length_m: float
    path: str
    samples_per_bit: int
    seed: int
    pattern: str
    confidence: float
    channels: np.ndarray  # (n,) global channel numbers
    errors: np.ndarray
    bits: np.ndarray
    ber: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    ber_analytic: np.ndarray  # statistical eye at the midpoint threshold (the one simulated)
    ber_analytic_design: np.ndarray  # statistical eye at the design's threshold setting
    elapsed_s: float
    simulated_channels: int  # selected plus the neighbours that cross-talk into them
    eyes: dict[int, EyeData] = field(default_factory=dict)

    @property
    def throughput_mbps(self) -> float:
        """Counted bits per second of the counting run, over the selected channels, in Mbit/s."""
        return float(self.bits.sum()) / max(self.elapsed_s, 1e-12) / 1e6

    @property
    def within_interval(self) -> np.ndarray:
        """Analytic BER inside the counted confidence interval, per channel."""
        return (self.ber_analytic >= self.ci_low) & (self.ber_analytic <= self.ci_high)

    @property
    def can_judge(self) -> np.ndarray:
        """Per channel: whether the count could have told the analytic BER from one 10x above or
        below it (its interval excludes at least one of them). With too few bits the interval
        admits both and ``within_interval`` says nothing (``--bits 10`` is "inside" for any model)."""
        return (self.ci_high < JUDGE_FACTOR * self.ber_analytic) | (self.ci_low > self.ber_analytic / JUDGE_FACTOR)

    def bits_to_judge(self) -> int:
        """Bits per channel for ~:data:`JUDGE_ERRORS` expected errors on the lowest analytic BER counted
        (enough for an interval narrower than a factor of 10 either side)."""
        return int(np.ceil(JUDGE_ERRORS / max(float(np.min(self.ber_analytic)), 1e-300)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "design": self.design_name,
            "rate_gbps": self.rate_gbps,
            "length_m": self.length_m,
            "path": self.path,
            "samples_per_bit": self.samples_per_bit,
            "seed": self.seed,
            "pattern": self.pattern,
            "confidence": self.confidence,
            "elapsed_s": self.elapsed_s,
            "throughput_mbps": self.throughput_mbps,
            "simulated_channels": self.simulated_channels,
            "channels_within_interval": int(self.within_interval.sum()),
            "channels_judged": int(self.can_judge.sum()),
            "per_channel": [
                {
                    "channel": int(c),
                    "errors": int(e),
                    "bits": int(b),
                    "ber": float(r),
                    "ci_low": float(lo),
                    "ci_high": float(hi),
                    "ber_analytic": float(a),
                    "ber_analytic_design_threshold": float(ad),
                }
                for c, e, b, r, lo, hi, a, ad in zip(
                    self.channels,
                    self.errors,
                    self.bits,
                    self.ber,
                    self.ci_low,
                    self.ci_high,
                    self.ber_analytic,
                    self.ber_analytic_design,
                    strict=True,
                )
            ],
            "eyes": {str(c): e.summary() for c, e in self.eyes.items()},
        }

    # --- views for notebooks and scripts ---

    def __repr__(self) -> str:
        inside = int(self.within_interval.sum())
        return (
            f"<SimResult {self.design_name}: {self.channels.size} ch @ {self.rate_gbps:.4g} Gb/s, {self.length_m:g} m, "
            f"{self.path} path, {int(self.errors.sum()):,} errors in {int(self.bits.sum()):,} bits, "
            f"{inside}/{self.channels.size} inside the analytic interval>"
        )

    def to_dataframe(self):
        """Per-channel counts as a :class:`pandas.DataFrame` indexed by channel (pandas imported here)."""
        import pandas as pd

        return pd.DataFrame(self.to_dict()["per_channel"]).set_index("channel")

    def _repr_html_(self) -> str:
        import html

        return f"<p><code>{html.escape(repr(self))}</code></p>" + self.to_dataframe().to_html()


def _with_neighbours(model, channels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows to simulate (the channels and every neighbour coupling into them) and where the
    requested channels sit among them."""
    idx = model.crosstalk.index[channels]
    rows = np.union1d(channels, idx[idx >= 0])
    return rows, np.searchsorted(rows, channels)


def simulate(
    design: MosaicDesign,
    bits: int,
    channels: ArrayLike | None = None,
    samples_per_bit: int = 8,
    path: Path_ = "symbol",
    seed: int = 0,
    progress: Progress | None = None,
    *,
    target_errors: int | None = None,
    pattern: str = "random",
    eye_channels: ArrayLike | None = None,
    eye_bits: int = 20000,
    confidence: float = 0.95,
    variation_seed: int = 0,
    jitter_rms_ps: float = 0.0,
    led_model: str = "superposition",
    forwarded_clock: bool = False,
    block_bits: int = BLOCK_BITS,
    client: Any = None,  # a dask.distributed.Client
    done: Mapping[Key, tuple[int, int]] | None = None,
    on_result: OnResult | None = None,
) -> SimResult:
    """Count bit errors on the channels of ``design`` by Monte Carlo.

    Parameters
    ----------
    bits
        Bits counted per channel (upper bound when ``target_errors`` stops a channel early).
    channels
        Global channel numbers (default: all). Their cross-talking neighbours are simulated
        too, so a channel gives the same result alone or within the whole array.
    path
        ``"symbol"`` (one sample per bit, fast) or ``"waveform"`` (oversampled).
    seed
        Monte Carlo seed (bits, noise, jitter); ``variation_seed`` draws the manufacturing
        variation, as ``mosaic link --seed`` does.
    eye_channels
        Channels whose eye diagram is returned (default: the first selected one; ``[]`` for
        none). The symbol path draws them with a short waveform run of ``eye_bits`` bits.
    block_bits
        The symbol path counts in blocks of this many bits per channel; ``target_errors``
        stops a channel at the end of a block, so runs with the same ``block_bits`` and seed
        give the same counts however they are executed.
    client, done, on_result
        Symbol path split into (channels, block) tasks
        (:func:`mosaiclink.sim.distributed.count_distributed`): on a ``dask.distributed``
        client's workers, skipping blocks already ``done``, reporting each new block to
        ``on_result``. The counts equal the single-process run's.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> design = ml.load_preset("mosaic-prototype").with_link(length_m=30.0)
    >>> result = ml.simulate(design, 20_000, channels=[10, 11], seed=1)  # 20,000 bits per channel
    >>> result.bits.tolist(), result.errors.tolist()
    ([20000, 20000], [93, 1505])
    """
    require_instance(design, MosaicDesign, "design")
    require_seed(seed), require_seed(variation_seed, "variation_seed")
    if isinstance(bits, bool) or not hasattr(bits, "__index__") or bits <= 0:
        raise ConfigError(f"bits = {bits!r}: must be a whole number > 0")
    if path not in ("symbol", "waveform"):
        raise ConfigError(f"path = {path!r}: allowed symbol, waveform")
    models = link_models(design, variation_seed, jitter_rms_ps, forwarded_clock, led_model)
    total = models.symbol.channels
    sel = np.arange(total) if channels is None else np.unique(np.asarray(channels, np.int64))
    if sel.size == 0 or sel.min() < 0 or sel.max() >= total:
        raise ConfigError(f"channels: must be within 0..{total - 1}")
    eyes_sel = sel[:1] if eye_channels is None else np.asarray(eye_channels, np.int64)
    if eyes_sel.size and (eyes_sel.min() < 0 or eyes_sel.max() >= total):
        raise ConfigError(f"eye_channels: must be within 0..{total - 1}")
    check_simulation_bits(int(bits), int(sel.size))
    model = models.symbol if path == "symbol" else models.waveform
    rows, pos = _with_neighbours(model, sel)
    counter = ErrorCounter(sel.size, int(bits), target_errors)
    eyes: dict[int, EyeData] = {}
    start = time.perf_counter()
    if path == "symbol" and (client is not None or done is not None or on_result is not None):
        errors, counted = count_distributed(
            models.symbol,
            sel,
            bits,
            seed,
            pattern,
            target_errors,
            block_bits,
            client=client,
            done=done,
            on_result=on_result,
        )
        counter.errors[:], counter.bits[:] = errors, counted
    elif path == "symbol":
        _count_symbol(models.symbol.subset(rows), pos, counter, seed, pattern, progress, block_bits)
    elif client is not None or done is not None or on_result is not None:
        raise ConfigError("path = 'waveform': distributed Monte Carlo runs the symbol path only")
    else:
        eye_pos = {int(c): int(np.searchsorted(rows, c)) for c in eyes_sel if c in sel}
        eyes = _count_waveform(
            models.waveform.subset(rows), pos, counter, samples_per_bit, seed, pattern, progress, eye_pos, eye_bits
        )
    elapsed = time.perf_counter() - start  # the counting run only (models and eyes apart)
    missing = [int(c) for c in eyes_sel if int(c) not in eyes]
    if missing:
        eyes.update(eye_data(models.waveform, missing, samples_per_bit, eye_bits, seed, pattern))
    low, high = counter.interval(confidence)
    return SimResult(
        design.name,
        design.link.rate_gbps,
        design.link.length_m,
        path,
        int(samples_per_bit),
        int(seed),
        pattern,
        confidence,
        sel,
        counter.errors.copy(),
        counter.bits.copy(),
        counter.ber(),
        low,
        high,
        models.report.ber_stateye[sel],
        models.report_design.ber_stateye[sel],
        elapsed,
        rows.size,
        eyes,
    )


def _count_symbol(model: SymbolModel, pos, counter: ErrorCounter, seed, pattern, progress, block: int) -> None:
    if block <= 0:
        raise ConfigError(f"block_bits = {block!r}: must be > 0")
    sim = SymbolSimulator(model, pattern, seed, decide=pos)
    while not counter.done:
        out = sim.run_block(min(block, max(counter.remaining_bits(), 1)))
        counter.add(out.errors, out.bits)
        if progress:
            progress(int(counter.bits.min()), counter.max_bits)


def _count_waveform(
    model: WaveformModel,
    pos,
    counter: ErrorCounter,
    spb,
    seed,
    pattern,
    progress,
    eye_pos: dict[int, int],
    eye_bits: int,
) -> dict[int, EyeData]:
    sim = WaveformSimulator(model, spb, pattern, seed)
    keep = list(eye_pos.values())
    eyes: dict[int, EyeData] = {}
    while not counter.done:
        out = sim.run_block(keep if keep and not eyes else None, count_bits=counter.remaining_bits())
        if out.waveform is not None and out.sent is not None:
            eyes = {
                c: _eye(c, out.waveform[i], out.sent[i], spb, model.threshold[row], eye_bits)
                for i, (c, row) in enumerate(eye_pos.items())
            }
        counter.add(out.errors[pos], out.bits)
        if progress:
            progress(int(counter.bits.min()), counter.max_bits)
    return eyes


def eye_data(
    model: WaveformModel,
    channels,
    samples_per_bit: int = 8,
    eye_bits: int = 20000,
    seed: int = 0,
    pattern: str = "random",
) -> dict[int, EyeData]:
    """Eye diagrams of ``channels`` from a short waveform run (with their neighbours)."""
    sel = np.asarray(channels, np.int64)
    rows, pos = _with_neighbours(model, sel)
    sim = WaveformSimulator(
        model.subset(rows),
        samples_per_bit,
        pattern,
        seed,
        max_block_samples=max(rows.size, 1) * (eye_bits + 64) * samples_per_bit,
    )
    waves: list[np.ndarray] = []
    sents: list[np.ndarray] = []
    while sum(s.shape[1] for s in sents) < eye_bits:
        out = sim.run_block(pos)
        assert out.waveform is not None and out.sent is not None  # run_block(keep) returns the kept rows
        waves.append(out.waveform)
        sents.append(out.sent)
    wave, sent = np.concatenate(waves, axis=1), np.concatenate(sents, axis=1)
    return {
        int(c): _eye(int(c), wave[i], sent[i], samples_per_bit, model.threshold[c], eye_bits) for i, c in enumerate(sel)
    }


def _eye(channel, waveform, sent, spb, threshold, eye_bits) -> EyeData:
    n = min(eye_bits, sent.size)
    w, s = waveform[: n * spb][None, :], sent[:n][None, :]
    metrics = eye_metrics(w, s, spb, [threshold])
    tub = bathtub_gaussian(metrics, [threshold])
    fit = extrapolate_bathtub(metrics.phase_ui, tub)
    return EyeData(int(channel), int(spb), float(threshold), w[0], s[0], eye_histogram(w, spb), metrics, tub[0], fit)
