"""Symbol-path Monte Carlo split into (channels, block) tasks, run in process or on Dask.

A run counts bits ``[0, bits)`` of every selected channel in blocks of ``block_bits``; a task
is one block of a group of up to ``group`` channels (with their crosstalk neighbours, whose
bits they need). Block ``b`` of channel ``c`` is a pure function of (model, seed, pattern,
c, b): its bit streams
jump to bit ``b * block_bits`` and its counter-based noise stream is addressed by bit index
(:class:`~mosaiclink.sim.symbol.SymbolSimulator` with ``start_bit``), so the tasks can run
anywhere, in any order, any number of times, and the merged counts equal a single-process
run with the same seed bit for bit. The stopping rule (``target_errors``) is applied per
channel in block order: a channel ends with the first block whose cumulative count reaches
the target; results of later blocks of that channel are not counted, so the outcome does not
depend on which tasks finished first. Finished blocks can be handed in (``done``, e.g. read
back from a store after an interruption) and are not computed again; ``on_result`` sees each
newly computed block exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from mosaiclink.errors import ConfigError
from mosaiclink.sim.model import SymbolModel
from mosaiclink.sim.symbol import SymbolSimulator

BLOCK_BITS = 1 << 20  # bits per task and the granularity of the stopping rule
#: Tag of the symbol kernel's decision rule and streams: a stored block is reused only under
#: the same tag (change it when a kernel change alters any block's count).
ALGORITHM = "symbol-splitmix-packed-1"
GROUP = 32  # channels per task

Key = tuple[int, int]  # (channel, block)
OnResult = Callable[[int, int, int, int], None]  # channel, block, errors, bits


@dataclass(frozen=True)
class BlockTask:
    """Everything one task needs: its channels, their crosstalk neighbours, where to start."""

    model: SymbolModel  # the group's rows and their neighbours
    decide: np.ndarray  # rows of ``model`` that are counted
    seed: int
    pattern: str
    start_bit: int
    bits: int


def count_block(task: BlockTask) -> np.ndarray:
    """Decision errors of the counted rows over bits ``[start_bit, start_bit + bits)``."""
    sim = SymbolSimulator(task.model, task.pattern, task.seed, decide=task.decide, start_bit=task.start_bit)
    return sim.run_block(task.bits).errors


def block_sizes(bits: int, block_bits: int) -> list[int]:
    """Bits of each block of a ``bits``-bit run (the last one may be short)."""
    if bits <= 0 or block_bits <= 0:
        raise ConfigError(f"bits = {bits}, block_bits = {block_bits}: both must be > 0")
    full, rest = divmod(int(bits), int(block_bits))
    return [int(block_bits)] * full + ([rest] if rest else [])


class _Merge:
    """Per-channel results merged in block order with the stopping rule."""

    def __init__(self, channels: np.ndarray, sizes: list[int], target_errors: int | None) -> None:
        self.channels, self.sizes, self.target = channels, sizes, target_errors
        self.results: dict[Key, int] = {}
        self.next = dict.fromkeys(channels.tolist(), 0)  # first block not yet merged
        self.errors = dict.fromkeys(channels.tolist(), 0)
        self.bits = dict.fromkeys(channels.tolist(), 0)
        self.stopped: set[int] = set()

    def add(self, channel: int, block: int, errors: int) -> None:
        self.results[(channel, block)] = errors
        while channel not in self.stopped and (channel, self.next[channel]) in self.results:
            b = self.next[channel]
            self.errors[channel] += self.results[(channel, b)]
            self.bits[channel] += self.sizes[b]
            self.next[channel] = b + 1
            if b + 1 == len(self.sizes) or (self.target is not None and self.errors[channel] >= self.target):
                self.stopped.add(channel)

    def wanted(self, channel: int, block: int) -> bool:
        """Could this block still count (its channel has not stopped before it)?"""
        return not (channel in self.stopped and block >= self.next[channel])

    @property
    def done(self) -> bool:
        return len(self.stopped) == len(self.channels)


def count_distributed(
    model: SymbolModel,
    channels,
    bits: int,
    seed: int = 0,
    pattern: str = "random",
    target_errors: int | None = None,
    block_bits: int = BLOCK_BITS,
    group: int = GROUP,
    client=None,
    done: Mapping[Key, tuple[int, int]] | None = None,
    on_result: OnResult | None = None,
    in_flight: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Counted (errors, bits) per channel of ``channels`` (rows of ``model``, global ids).

    Parameters
    ----------
    model
        The symbol model of the whole array (neighbours are taken from its crosstalk).
    client
        A ``dask.distributed.Client`` (tasks go to its workers) or ``None`` (in process).
    done
        Blocks already counted, ``{(channel, block): (errors, bits)}`` (e.g. from a store).
    in_flight
        Tasks submitted ahead of the merge (default: 4 per worker thread), so that channels
        reaching ``target_errors`` stop early.
    """
    if pattern != "random":
        raise ConfigError(f"pattern = {pattern!r}: distributed Monte Carlo supports random only (a PRBS cannot jump)")
    channels = np.unique(np.asarray(channels, np.int64))
    if channels.size == 0 or channels.min() < 0 or channels.max() >= model.channels:
        raise ConfigError(f"channels: must be within 0..{model.channels - 1}")
    sizes = block_sizes(bits, block_bits)
    merge = _Merge(channels, sizes, target_errors)
    for (c, b), (errors, n) in (done or {}).items():
        if c in merge.next and b < len(sizes) and n == sizes[b]:
            merge.add(int(c), int(b), int(errors))
    groups = [channels[i : i + group] for i in range(0, channels.size, group)]
    # block-major order: every channel's early blocks first, so the stopping rule bites early
    todo = [(g, b) for b in range(len(sizes)) for g in range(len(groups))]

    def needed(g: int, b: int) -> list[int]:
        return [int(c) for c in groups[g] if (int(c), b) not in merge.results and merge.wanted(int(c), b)]

    def task(g: int, b: int) -> tuple[list[int], BlockTask]:
        members = np.asarray(needed(g, b), np.int64)
        idx = model.crosstalk.index[members]
        rows = np.union1d(members, idx[idx >= 0])
        sub = model.subset(rows)
        return members.tolist(), BlockTask(
            sub, np.searchsorted(rows, members), int(seed), pattern, b * int(block_bits), sizes[b]
        )

    def record(members: list[int], b: int, errors) -> None:
        for c, e in zip(members, np.asarray(errors).tolist(), strict=True):
            if merge.wanted(c, b):
                if on_result is not None:
                    on_result(c, b, int(e), sizes[b])
                merge.add(c, b, int(e))

    if client is None:
        for g, b in todo:
            if merge.done:
                break
            if needed(g, b):
                members, t = task(g, b)
                record(members, b, count_block(t))
    else:
        _run_on_dask(client, todo, needed, task, record, merge, in_flight)
    return (
        np.array([merge.errors[int(c)] for c in channels], np.int64),
        np.array([merge.bits[int(c)] for c in channels], np.int64),
    )


def _run_on_dask(client, todo, needed, task, record, merge: _Merge, in_flight: int | None) -> None:
    """Keep ``in_flight`` tasks queued; merge results as they come; skip what cannot count.

    A task lost with a dying worker is recomputed by the scheduler (the task is pure), and each
    future yields its result once, so nothing is lost or counted twice.
    """
    from dask.distributed import as_completed

    if in_flight is None:
        in_flight = 4 * max(1, sum(client.nthreads().values()))
    pending = iter(todo)
    running = as_completed()
    live: dict[str, tuple] = {}  # future key -> (future, members, block)

    def submit_more() -> None:
        while len(live) < in_flight:
            nxt = next(pending, None)
            if nxt is None:
                return
            g, b = nxt
            if not needed(g, b):
                continue
            members, t = task(g, b)
            future = client.submit(count_block, t, pure=False)
            live[future.key] = (future, members, b)
            running.add(future)

    submit_more()
    for future in running:
        _, members, b = live.pop(future.key)
        record(members, b, future.result())
        future.release()
        if merge.done:
            client.cancel([f for f, _, _ in live.values()])
            break
        submit_more()
