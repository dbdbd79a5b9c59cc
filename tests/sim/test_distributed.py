"""(channels, block) tasks: in process, on a 2-worker Dask cluster, with a worker killed, and
resumed from the block store, the merged counts equal the single-process run's bit for bit."""

import os
import signal
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.config.presets import load_preset
from mosaiclink.errors import ConfigError
from mosaiclink.sim.counting import ErrorCounter
from mosaiclink.sim.distributed import count_distributed
from mosaiclink.sim.model import Crosstalk, SymbolModel
from mosaiclink.sim.physics_models import link_models
from mosaiclink.sim.runner import simulate
from mosaiclink.sim.symbol import SymbolSimulator

DESIGN = load_preset("mosaic-prototype").with_link(length_m=30.0)
CHANNELS = list(range(0, 24))
BLOCK = 1 << 15


@pytest.fixture(scope="module")
def symbol_model():
    return link_models(DESIGN, 0).symbol


@pytest.fixture(scope="module")
def reference():
    """The single-process batched run (every channel in one kernel call per block)."""
    return simulate(DESIGN, 5 * BLOCK + 1000, channels=CHANNELS, seed=11, eye_channels=[], block_bits=BLOCK)


def test_tasks_in_process_equal_the_batched_run_with_and_without_a_stopping_rule(symbol_model, reference):
    errors, bits = count_distributed(symbol_model, CHANNELS, 5 * BLOCK + 1000, seed=11, block_bits=BLOCK, group=5)
    assert np.array_equal(errors, reference.errors) and np.array_equal(bits, reference.bits)
    assert errors.sum() > 1000  # a real count, not a vacuous equality
    target = int(np.median(reference.errors) // 3)
    stopped = simulate(
        DESIGN, 5 * BLOCK + 1000, channels=CHANNELS, seed=11, eye_channels=[], block_bits=BLOCK, target_errors=target
    )
    errors, bits = count_distributed(
        symbol_model, CHANNELS, 5 * BLOCK + 1000, seed=11, target_errors=target, block_bits=BLOCK, group=7
    )
    assert np.array_equal(errors, stopped.errors) and np.array_equal(bits, stopped.bits)
    assert (bits < 5 * BLOCK).any() and (bits == 5 * BLOCK + 1000).any()  # some stopped early, some not


def test_resume_after_an_interruption_recomputes_only_the_missing_blocks(symbol_model, reference):
    store: dict = {}

    class Interrupted(Exception):
        pass

    def keep_then_die(c, b, e, n):
        store[(c, b)] = (e, n)
        if len(store) == 40:
            raise Interrupted

    with pytest.raises(Interrupted):
        count_distributed(symbol_model, CHANNELS, 5 * BLOCK + 1000, seed=11, block_bits=BLOCK, on_result=keep_then_die)
    fresh = []
    errors, bits = count_distributed(
        symbol_model,
        CHANNELS,
        5 * BLOCK + 1000,
        seed=11,
        block_bits=BLOCK,
        done=dict(store),
        on_result=lambda *r: fresh.append(r[:2]),
    )
    assert np.array_equal(errors, reference.errors) and np.array_equal(bits, reference.bits)
    assert len(fresh) == len(CHANNELS) * 6 - 40 and not set(fresh) & set(store)


def test_prbs_patterns_are_refused_because_they_cannot_jump(symbol_model):
    with pytest.raises(ConfigError, match="pattern"):
        count_distributed(symbol_model, [0], 1000, pattern="prbs7")


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
        ) as local,
        distributed.Client(local) as client,
    ):
        yield client


@pytest.mark.slow
def test_two_worker_local_cluster_equals_the_single_process_counts(cluster, reference):
    seen = []
    result = simulate(
        DESIGN,
        5 * BLOCK + 1000,
        channels=CHANNELS,
        seed=11,
        eye_channels=[],
        block_bits=BLOCK,
        client=cluster,
        on_result=lambda c, b, e, n: seen.append((c, b)),
    )
    assert np.array_equal(result.errors, reference.errors) and np.array_equal(result.bits, reference.bits)
    assert len(seen) == len(set(seen)) == len(CHANNELS) * 6


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(cluster, symbol_model):
    bits = 40 * BLOCK
    expected = count_distributed(symbol_model, CHANNELS, bits, seed=3, block_bits=BLOCK, group=4)
    pids = cluster.run(os.getpid)
    seen = []
    killed = threading.Event()

    def record(c, b, e, n):
        seen.append((c, b))
        if len(seen) == 30 and not killed.is_set():  # mid-run: kill one worker process outright
            os.kill(next(iter(pids.values())), signal.SIGKILL)
            killed.set()

    errors, counted = count_distributed(
        symbol_model, CHANNELS, bits, seed=3, block_bits=BLOCK, group=4, client=cluster, on_result=record, in_flight=6
    )
    assert killed.is_set()
    assert np.array_equal(errors, expected[0]) and np.array_equal(counted, expected[1])
    assert len(seen) == len(set(seen)) == len(CHANNELS) * 40


@settings(max_examples=12, deadline=None)
@given(
    group=st.integers(1, 5),
    block=st.sampled_from([512, 1000, 4096]),
    bits=st.integers(1, 9000),
    target=st.one_of(st.none(), st.integers(1, 60)),
    seed=st.integers(0, 2**31),
)
def test_any_grouping_and_blocking_merges_to_the_batched_counts(group, block, bits, target, seed):
    """Tasks of any size against one SymbolSimulator over every row with an ErrorCounter."""
    taps = np.array([[0.1, 1.0, 0.3, -0.05]] * 5)
    xt = Crosstalk(np.array([[1, 4], [0, 2], [1, 3], [2, 4], [3, 0]]), np.full((5, 2), 0.08))
    model = SymbolModel(2.0, np.arange(5), taps, 1, 0.0, 0.7, 0.16, 0.18, xt)
    sim = SymbolSimulator(model, seed=seed)
    counter = ErrorCounter(5, bits, target)
    while not counter.done:
        out = sim.run_block(min(block, counter.remaining_bits()))
        counter.add(out.errors, out.bits)
    errors, counted = count_distributed(
        model, range(5), bits, seed, target_errors=target, block_bits=block, group=group
    )
    assert np.array_equal(errors, counter.errors) and np.array_equal(counted, counter.bits)
