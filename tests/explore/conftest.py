"""Shared fixtures of the exploration tests: small sweep specs written to disk."""

from __future__ import annotations

import pytest
import tomli_w


def sweep_mapping(name: str = "t", chunk_size: int = 64, steps: int = 6) -> dict:
    """A small grid sweep (steps^2 * 3 designs) over length, line rate and spares."""
    return {
        "name": name,
        "base": "mosaic-800g",
        "sampler": "grid",
        "chunk_size": chunk_size,
        "constraints": ["ber <= 2.4e-4"],
        "parameters": {
            "link.length_m": {"log_range": [5.0, 60.0], "steps": steps},
            "link.rate_gbps": {"range": [2.15, 3.0], "steps": steps},  # at or above what 800GbE needs
            "array.spare_channels": {"values": [0, 20, 40]},
        },
        "objectives": {"power_w": "minimize", "reach_m": "maximize", "fit": "minimize"},
    }


@pytest.fixture
def write_sweep(tmp_path):
    """Write a sweep mapping as TOML; returns its path."""

    def write(mapping: dict, name: str = "sweep.toml"):
        path = tmp_path / name
        path.write_text(tomli_w.dumps(mapping))
        return path

    return write


@pytest.fixture
def one_blas_thread():
    """Run a test with one OpenBLAS thread. The per-channel link model multiplies small matrices
    (100 channels), where OpenBLAS's threads spin instead of helping: measured on the 2 shared
    cores, one calibration of the prototype takes 17.3 s of CPU with 2 threads and 7.7 s with 1."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield
