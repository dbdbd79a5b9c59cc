"""Payload mode streams in blocks of marker periods: the result does not depend on the block size,
and the memory it holds does not grow with the emulated time."""

from __future__ import annotations

import tracemalloc

from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config.datapath import DatapathSpec
from mosaiclink.datapath.emulator import emulate
from mosaiclink.datapath.emulator.payload import run_payload
from mosaiclink.datapath.emulator.result import build_result
from mosaiclink.datapath.emulator.setup import make_setup
from mosaiclink.streams import Stream, generator

WHOLE = 10**9  # one block holding the whole run


def _run(spec: DatapathSpec, seed: int, block_periods: int) -> dict:
    setup = make_setup(spec, generator(seed, Stream.DATAPATH_SETUP))
    counts = run_payload(setup, seed, block_periods=block_periods)
    return build_result(setup, seed, counts).to_dict()


def test_800gbe_with_deaths_blockwise_equals_whole():
    spec = DatapathSpec(ber=1e-4, dead=2, dead_at_start=1, kill_at_us=2, duration_us=8, mode="payload")
    whole = _run(spec, 9, WHOLE)
    assert whole["frames"] > 400 and len(whole["events"]) == 3  # the run exercises failover
    for block_periods in (2, 3):
        assert _run(spec, 9, block_periods) == whole


@settings(max_examples=10, deadline=None)
@given(
    host=st.sampled_from(["800gbe", "400gbe", "1.6tbe", "pcie6", "raw"]),
    channels=st.integers(8, 40),
    spares=st.integers(0, 3),
    dead=st.integers(0, 2),
    ber=st.sampled_from([0.0, 1e-4, 2e-3]),
    erasures=st.booleans(),
    block_periods=st.integers(2, 5),
    seed=st.integers(0, 2**32),
)
def test_any_spec_blockwise_equals_whole(host, channels, spares, dead, ber, erasures, block_periods, seed):
    spec = DatapathSpec(
        host=host,
        channels=channels,
        spares=spares,
        dead=dead,
        ber=ber,
        erasures=erasures,
        kill_at_us=1.0,
        duration_us=4.0,
        mode="payload",
    )
    assert _run(spec, seed, block_periods) == _run(spec, seed, WHOLE)


def _peak_bytes(duration_us: float) -> int:
    spec = DatapathSpec(channels=40, spares=2, ber=1e-4, duration_us=duration_us, mode="payload")
    tracemalloc.start()
    try:
        emulate(spec, seed=1)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_held_does_not_grow_with_the_emulated_time():
    _peak_bytes(2.0)  # compile and cache first
    short, long = _peak_bytes(8.0), _peak_bytes(48.0)  # 6x the link bits
    assert long < 1.5 * short
