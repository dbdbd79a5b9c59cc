"""The ``mosaic`` command asks for one BLAS thread unless the user chose a count."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mosaiclink.cli.main import BLAS_THREAD_VARIABLES, one_blas_thread


def test_one_thread_by_default(monkeypatch):
    for name in BLAS_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    one_blas_thread()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"


@pytest.mark.parametrize("name", BLAS_THREAD_VARIABLES)
def test_a_users_choice_is_kept(monkeypatch, name):
    for other in BLAS_THREAD_VARIABLES:
        monkeypatch.delenv(other, raising=False)
    monkeypatch.setenv(name, "2")
    one_blas_thread()
    assert "OPENBLAS_NUM_THREADS" not in os.environ or name == "OPENBLAS_NUM_THREADS"
    assert os.environ[name] == "2"


def test_the_loaded_openblas_runs_one_thread_in_a_fresh_process():
    """In a fresh process the call comes before NumPy loads OpenBLAS, so it takes effect."""
    code = (
        "import os\n"
        "for n in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ.pop(n, None)\n"
        "from mosaiclink.cli.main import one_blas_thread\n"
        "one_blas_thread()\n"
        "import numpy, threadpoolctl\n"
        "print(max(p['num_threads'] for p in threadpoolctl.threadpool_info() if p['user_api'] == 'blas'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"
