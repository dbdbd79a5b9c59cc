"""Thermal network: energy conservation over random networks, and textbook values."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mosaiclink.physics.thermal import heat_to_case_w, module_temperatures, solve_network, spreading_resistance_k_per_w


@settings(max_examples=60, deadline=None)
@given(
    nodes=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    case_c=st.floats(-40.0, 125.0),
)
def test_heat_into_the_case_equals_the_heat_injected(nodes, seed, case_c):
    """Energy conservation: whatever the network, the heat that reaches the case is all the heat put in,
    and every node is at least as hot as the case (heat flows downhill)."""
    rng = np.random.default_rng(seed)
    g = rng.uniform(0.0, 5.0, (nodes, nodes)) * (rng.random((nodes, nodes)) < 0.7)
    g = np.triu(g, 1) + np.triu(g, 1).T
    g_case = rng.uniform(0.01, 3.0, nodes) * (rng.random(nodes) < 0.6)
    g_case[rng.integers(nodes)] += 0.5  # at least one path to the case
    # connect every node to the network so the system is solvable (a chain of weak links)
    for i in range(nodes - 1):
        g[i, i + 1] = g[i + 1, i] = g[i, i + 1] + 0.01
    heat = rng.uniform(0.0, 10.0, nodes)
    temps = solve_network(g, g_case, heat, case_c)
    assert np.isclose(heat_to_case_w(g_case, temps, case_c), heat.sum(), rtol=1e-9, atol=1e-12)
    assert np.all(temps >= case_c - 1e-9)


def test_series_chain_adds_resistance_times_the_heat_through_it():
    """Ohm's law for heat: case 50 C, die 3 W + LED 1 W through 4 K/W -> die at 66 C; 1 W through the
    2 K/W bond -> array at 68 C; 1 W over 100 emitters of 500 K/W (5 K/W in parallel) -> 73 C."""
    t = module_temperatures(50.0, 1.0, 3.0, 100, 500.0, 2.0, 4.0)
    assert np.isclose(t.cmos_c, 66.0)
    assert np.isclose(t.led_array_c, 68.0)
    assert np.isclose(t.led_junction_c, 73.0)


def test_spreading_resistance_of_a_disc():
    """1/(4 k a): a 4 um GaN mesa (a = 2 um, k = 130 W/m K) has 961.5 K/W (Carslaw and Jaeger)."""
    assert np.isclose(spreading_resistance_k_per_w(4.0, 130.0), 1.0 / (4 * 130.0 * 2e-6))
    assert np.isclose(spreading_resistance_k_per_w(4.0, 130.0), 961.538, rtol=1e-5)
