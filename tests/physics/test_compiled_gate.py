"""The one compiled-or-NumPy rule every Numba kernel of the physics layer follows (physics._compiled)."""

from __future__ import annotations

import subprocess
import sys

from mosaiclink.physics._compiled import CompileGate


def test_a_gate_runs_small_batches_in_numpy_until_its_count_then_compiled(monkeypatch):
    monkeypatch.delitem(sys.modules, "numba", raising=False)
    gate = CompileGate(100, numpy_batches=2)
    assert gate.compiled(100)  # a large batch: compiled
    assert [gate.compiled(10) for _ in range(3)] == [False, False, True]  # two small ones in NumPy, then compiled
    assert not CompileGate(100).compiled(99, forced=False) and CompileGate(100).compiled(1, forced=True)
    never_counts = CompileGate(float("inf"))
    assert not any(never_counts.compiled(10**9) for _ in range(10))  # no count: NumPy until Numba is loaded


def test_once_numba_is_loaded_every_gate_runs_compiled(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", sys)  # any module object stands for a loaded Numba
    assert CompileGate(float("inf")).compiled(1)


def test_mosaic_link_on_one_design_never_loads_numba():
    """The whole 800G link (460 channels: every stage's batches below its gate) in a fresh process."""
    code = (
        "import sys; from mosaiclink.config.presets import load_preset; from mosaiclink.physics.link import "
        "evaluate_link; evaluate_link(load_preset('mosaic-800g'), seed=0); print('numba' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
