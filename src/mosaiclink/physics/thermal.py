"""Steady-state thermal network of a module end: junction temperatures from the case and the heat.

Notes
-----
A lumped network of thermal resistances is Kirchhoff's circuit with heat for current and
temperature for voltage. With node heat inputs :math:`P` (W), conductances :math:`G_{ij}`
between nodes and :math:`g_i` from node :math:`i` to the case (a fixed temperature
:math:`T_c`), the node temperatures solve

.. math:: \\Big(\\operatorname{diag}(g) + L\\Big)\\,T = P + g\\,T_c

where :math:`L` is the Laplacian of :math:`G`. Summing the rows shows energy conservation: the
heat into the case, :math:`\\sum_i g_i (T_i - T_c)`, equals :math:`\\sum_i P_i`.

The module end is a series chain (:func:`module_temperatures`): each microLED's junction sits on
its own spreading resistance into the GaN, the LED array on its bond into the CMOS die, the die
on its TIM and lid into the case. A circular source of radius :math:`a` on a half-space of
conductivity :math:`k` has spreading resistance :math:`R = 1/(4 k a)` (isothermal disc; a uniform-flux
disc's mean rise is :math:`8/(3\\pi^2 k a)`, 8 % more; Carslaw and Jaeger, *Conduction of Heat
in Solids*, 2nd ed. 1959, sec. 8.2; Yovanovich, *J. Spacecraft* 1976). Validity: steady state
(the junctions settle in milliseconds, far below any workload change), the array's emitters
share one bond temperature (their pitch is 10x their size), and conductivities are
temperature-independent over 0-150 C.

Examples
--------
>>> from mosaiclink.physics import thermal
>>> round(float(thermal.spreading_resistance_k_per_w(20.0, 150.0)), 1)  # K/W: 20 um source on silicon
166.7
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


def solve_network(conductance_w_per_k, case_conductance_w_per_k, heat_w, case_c: float) -> np.ndarray:
    """Node temperatures (C) of a linear thermal network anchored to a case temperature.

    ``conductance_w_per_k`` is the symmetric (nodes, nodes) matrix of node-to-node conductances
    (diagonal ignored), ``case_conductance_w_per_k`` (nodes,) each node's conductance to the case,
    ``heat_w`` (nodes,) the heat injected at each node. At least one node must reach the case.
    """
    g = np.asarray(conductance_w_per_k, dtype=float)
    g = g - np.diag(np.diag(g))
    g_case = np.asarray(case_conductance_w_per_k, dtype=float)
    system = np.diag(g.sum(axis=1) + g_case) - g
    return np.linalg.solve(system, np.asarray(heat_w, dtype=float) + g_case * case_c)


def heat_to_case_w(case_conductance_w_per_k, temperatures_c, case_c: float) -> float:
    """Heat (W) flowing from the nodes into the case: ``sum g_i (T_i - T_c)``."""
    return float(np.sum(np.asarray(case_conductance_w_per_k) * (np.asarray(temperatures_c) - case_c)))


def spreading_resistance_k_per_w(diameter_um, conductivity_w_per_m_k):
    """Spreading resistance of a circular heat source on a half-space, ``1 / (4 k a)`` (K/W)."""
    radius_m = np.asarray(diameter_um, dtype=float) * 0.5e-6
    return 1.0 / (4.0 * np.asarray(conductivity_w_per_m_k, dtype=float) * radius_m)


@dataclass(frozen=True)
class ModuleTemperatures:
    """Temperatures of one module end (C) and the heat that set them (W)."""

    case_c: float
    cmos_c: float  # CMOS die junction: drivers, TIAs, photodiodes, gearbox, host SerDes
    led_array_c: float  # bond side of the LED array
    led_junction_c: float  # an emitter's active region
    led_heat_w: float  # all emitters together
    cmos_heat_w: float
    board_heat_w: float  # straight into the case
    optical_w: float  # light the emitters send out (leaves the junction network as light)

    def to_dict(self) -> dict:
        """Plain dict of the temperatures and heats."""
        return asdict(self)


def module_temperatures(
    case_c: float,
    led_heat_w: float,
    cmos_heat_w: float,
    emitters: int,
    emitter_spreading_k_per_w: float,
    led_bond_k_per_w: float,
    die_to_case_k_per_w: float,
    board_heat_w: float = 0.0,
    optical_w: float = 0.0,
) -> ModuleTemperatures:
    """Junction temperatures of the series chain emitter -> LED array -> CMOS die -> case.

    The ``emitters`` lit emitters share ``led_heat_w`` equally; their spreading resistances act in
    parallel (``R / emitters``). Zero resistances are joined with a tiny one (1e-9 K/W).
    """
    r_emit = max(emitter_spreading_k_per_w / max(emitters, 1), 1e-9)
    r_bond, r_die = max(led_bond_k_per_w, 1e-9), max(die_to_case_k_per_w, 1e-9)
    g = np.zeros((3, 3))
    g[0, 1] = g[1, 0] = 1.0 / r_emit  # nodes: 0 emitter junctions, 1 LED array, 2 CMOS die
    g[1, 2] = g[2, 1] = 1.0 / r_bond
    temps = solve_network(g, [0.0, 0.0, 1.0 / r_die], [led_heat_w, 0.0, cmos_heat_w], case_c)
    return ModuleTemperatures(
        case_c=float(case_c),
        cmos_c=float(temps[2]),
        led_array_c=float(temps[1]),
        led_junction_c=float(temps[0]),
        led_heat_w=float(led_heat_w),
        cmos_heat_w=float(cmos_heat_w),
        board_heat_w=float(board_heat_w),
        optical_w=float(optical_w),
    )
