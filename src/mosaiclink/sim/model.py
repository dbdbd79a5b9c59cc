"""What the Monte Carlo paths need from the physics, per channel, as plain arrays.

The physics layer (``mosaiclink.physics``) builds these from a design; tests and benchmarks
can also build them directly. Signal units are those of the decision variable (e.g. the
equalizer output in microamperes of photocurrent); only ratios matter to the BER.

Signal model shared by both paths (channel ``i``, bit ``n``, decision after the cursor):

.. math::
    y_i[n] = y_{0,i} + \\sum_m h_i[m]\\, \\Big(b_i[n+c-m] + \\sum_k w_{ik}\\, b_{j_k}[n+c-m]\\Big)
             + \\sigma_{b_i[n],i}\\, \\nu_i[n]

with ``h_i`` the channel's pulse response at bit spacing (``c`` = cursor index), ``w_ik`` the
coupling of neighbour ``j_k``'s light into channel ``i``'s core (crosstalk enters at the fibre
input and then sees channel ``i``'s fibre and receiver), ``y_0`` the all-zeros level and
``nu`` unit Gaussian noise shaped by the receiver filters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mosaiclink.errors import ConfigError


def _as_channels(name: str, value, channels: int, dtype=float) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(value, dtype=dtype), (channels,)).copy()
    if not np.all(np.isfinite(arr)):
        raise ConfigError(f"{name} contains non-finite values")
    return arr


@dataclass(frozen=True)
class RowFunction:
    """A per-channel function of frequency or time, ``x`` (n,) -> (channels, n), that computes a subset
    of its rows alone: :meth:`of_rows` gives ``self(x)[rows]`` without the other channels' work (an eye
    diagram keeps ~9 of the 800G's 460 channels). ``function(x, rows)`` returns the rows ``rows``
    (an index array, or ``slice(None)`` for all)."""

    function: Callable[[np.ndarray, np.ndarray | slice], np.ndarray]
    rows: np.ndarray | None = None  # None: every channel

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.function(x, slice(None) if self.rows is None else self.rows)

    def of_rows(self, rows: np.ndarray) -> RowFunction:
        """The same function restricted to ``rows`` of its current rows."""
        return RowFunction(self.function, rows if self.rows is None else self.rows[rows])


def _restricted(function: Callable[[np.ndarray], np.ndarray], rows: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """``function`` on ``rows`` only: its own restriction where it has one (:class:`RowFunction`),
    else those rows of its whole result."""
    if isinstance(function, RowFunction):
        return function.of_rows(rows)
    return lambda x: function(x)[rows]


@dataclass(frozen=True)
class Crosstalk:
    """Sparse neighbour coupling: ``index[i, k]`` (row into the model, -1 = none), ``weight[i, k]``."""

    index: np.ndarray
    weight: np.ndarray

    @classmethod
    def none(cls, channels: int) -> Crosstalk:
        return cls(np.full((channels, 0), -1, np.int64), np.zeros((channels, 0)))

    def __post_init__(self) -> None:
        if self.index.shape != self.weight.shape or self.index.ndim != 2:
            raise ConfigError("crosstalk index and weight must both be (channels, neighbours)")

    def pruned(self, floor: float = 1e-6) -> Crosstalk:
        """Drop couplings below ``floor`` (amplitude relative to the channel's own light).

        Each row keeps its significant neighbours first; columns empty on every row go. A
        coupling of 1e-6 moves the decision variable by a millionth of the eye: invisible.
        """
        keep = (self.index >= 0) & (np.abs(self.weight) >= floor)
        order = np.argsort(~keep, axis=1, kind="stable")
        idx = np.take_along_axis(np.where(keep, self.index, -1), order, axis=1)
        w = np.take_along_axis(np.where(keep, self.weight, 0.0), order, axis=1)
        width = int(keep.sum(axis=1).max(initial=0))
        return Crosstalk(idx[:, :width], w[:, :width])

    def mix(self, signal: np.ndarray) -> np.ndarray:
        """``signal[i] + sum_k weight[i, k] * signal[index[i, k]]`` for a (channels, n) array."""
        out = signal.astype(np.float32, copy=True)
        valid = self.index >= 0
        for k in range(self.index.shape[1]):  # neighbours per channel (<= 8), not channels
            w = np.where(valid[:, k], self.weight[:, k], 0.0).astype(np.float32)
            out += w[:, None] * signal[np.maximum(self.index[:, k], 0)]
        return out

    def subset(self, rows: np.ndarray) -> Crosstalk:
        """Coupling restricted to ``rows`` (neighbours outside the subset are dropped)."""
        rows = np.asarray(rows)
        remap = np.full(self.index.shape[0], -1, np.int64)
        remap[rows] = np.arange(rows.size)
        idx = self.index[rows]
        new = np.where(idx >= 0, remap[np.maximum(idx, 0)], -1)
        return Crosstalk(new, np.where(new >= 0, self.weight[rows], 0.0))


@dataclass(frozen=True)
class SymbolModel:
    """Symbol-rate description of every channel (see module docstring for the equation).

    Attributes
    ----------
    rate_gbps : float
    channel_ids : (channels,) int   global channel numbers (they key the random streams)
    taps : (channels, n_taps) float64   pulse response at the sampling instant, bit spacing
    cursor : int   index of the main cursor in ``taps``
    level_zero, threshold, sigma_zero, sigma_one : (channels,) float64
    crosstalk : Crosstalk
    """

    rate_gbps: float
    channel_ids: np.ndarray
    taps: np.ndarray
    cursor: int
    level_zero: np.ndarray
    threshold: np.ndarray
    sigma_zero: np.ndarray
    sigma_one: np.ndarray
    crosstalk: Crosstalk = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        taps = np.atleast_2d(np.asarray(self.taps, float))
        ch = taps.shape[0]
        object.__setattr__(self, "taps", taps)
        object.__setattr__(self, "channel_ids", _as_channels("channel_ids", self.channel_ids, ch, np.int64))
        for name in ("level_zero", "threshold", "sigma_zero", "sigma_one"):
            object.__setattr__(self, name, _as_channels(name, getattr(self, name), ch))
        if self.crosstalk is None:
            object.__setattr__(self, "crosstalk", Crosstalk.none(ch))
        if not 0 <= self.cursor < taps.shape[1]:
            raise ConfigError(f"cursor = {self.cursor}: must index taps (0..{taps.shape[1] - 1})")
        if np.any(self.sigma_zero <= 0) or np.any(self.sigma_one <= 0):
            raise ConfigError("noise sigma must be > 0")

    @property
    def channels(self) -> int:
        return self.taps.shape[0]

    def subset(self, rows) -> SymbolModel:
        rows = np.asarray(rows, np.int64)
        return SymbolModel(
            self.rate_gbps,
            self.channel_ids[rows],
            self.taps[rows],
            self.cursor,
            self.level_zero[rows],
            self.threshold[rows],
            self.sigma_zero[rows],
            self.sigma_one[rows],
            self.crosstalk.subset(rows),
        )


@dataclass(frozen=True)
class WaveformModel:
    """Oversampled description of every channel.

    Attributes
    ----------
    rate_gbps : float
    channel_ids : (channels,) int
    tau_rise_s, tau_fall_s : (channels,)
        Large-signal time constants of the microLED output (normalised 0..1 between the
        "zero" and "one" drive levels) for the ``first-order`` LED model: first-order approach
        to the target, with the rise constant while driven to one and the fall constant while
        driven to zero (pattern-dependent, nonlinear).
    response : callable f_hz (nf,) -> (channels, nf) complex
        Linear chain from normalised LED light to the decision variable (fibre, photodiode,
        TIA, equalizer, with gains), including its physical group delay.
    noise_response : callable f_hz -> (channels, nf) complex
        Shape of the receiver noise spectrum at the decision point (TIA + equalizer filters);
        its level is set by ``sigma_zero``/``sigma_one``, the analytically filtered noise.
    sample_delay_s : (channels,)
        Decision instant after the start of the bit (pulse peak plus this channel's skew).
    jitter_rms_s : (channels,)   random sampling-clock jitter
    level_zero, threshold, sigma_zero, sigma_one : (channels,)
    crosstalk : Crosstalk   coupling of neighbours' light into each core
    led_pulse : callable t_s (nt,) -> (channels, nt), optional
        ``superposition`` LED model: normalised light above the '0' level for one isolated '1'
        bit starting at t = 0 (steady '1' = 1); the LED output is the superposition of such
        pulses (the physics' large-signal pulse, linear in the bits). When ``None`` the
        ``first-order`` model above is used.
    led_pulse_bits : int   span of ``led_pulse`` in bits (it is zero afterwards)
    """

    rate_gbps: float
    channel_ids: np.ndarray
    tau_rise_s: np.ndarray
    tau_fall_s: np.ndarray
    response: Callable[[np.ndarray], np.ndarray]
    noise_response: Callable[[np.ndarray], np.ndarray]
    sample_delay_s: np.ndarray
    jitter_rms_s: np.ndarray
    level_zero: np.ndarray
    threshold: np.ndarray
    sigma_zero: np.ndarray
    sigma_one: np.ndarray
    crosstalk: Crosstalk = field(default=None)  # type: ignore[assignment]
    led_pulse: Callable[[np.ndarray], np.ndarray] | None = None
    led_pulse_bits: int = 0

    def __post_init__(self) -> None:
        ids = np.atleast_1d(np.asarray(self.channel_ids, np.int64))
        ch = ids.size
        object.__setattr__(self, "channel_ids", ids)
        for name in (
            "tau_rise_s",
            "tau_fall_s",
            "sample_delay_s",
            "jitter_rms_s",
            "level_zero",
            "threshold",
            "sigma_zero",
            "sigma_one",
        ):
            object.__setattr__(self, name, _as_channels(name, getattr(self, name), ch))
        if self.crosstalk is None:
            object.__setattr__(self, "crosstalk", Crosstalk.none(ch))
        if np.any(self.tau_rise_s <= 0) or np.any(self.tau_fall_s <= 0):
            raise ConfigError("LED time constants must be > 0")
        if np.any(self.sigma_zero <= 0) or np.any(self.sigma_one <= 0):
            raise ConfigError("noise sigma must be > 0")

    @property
    def channels(self) -> int:
        return self.channel_ids.size

    @property
    def bit_s(self) -> float:
        return 1e-9 / self.rate_gbps

    def subset(self, rows) -> WaveformModel:
        rows = np.asarray(rows, np.int64)
        # each function computed for ``rows`` alone where it can be (RowFunction)
        resp, nresp, led = self.response, self.noise_response, self.led_pulse
        return WaveformModel(
            self.rate_gbps,
            self.channel_ids[rows],
            self.tau_rise_s[rows],
            self.tau_fall_s[rows],
            _restricted(resp, rows),
            _restricted(nresp, rows),
            self.sample_delay_s[rows],
            self.jitter_rms_s[rows],
            self.level_zero[rows],
            self.threshold[rows],
            self.sigma_zero[rows],
            self.sigma_one[rows],
            self.crosstalk.subset(rows),
            None if led is None else _restricted(led, rows),
            self.led_pulse_bits,
        )
