"""Manufacturing yield: ``module_yield`` of the 800G preset over 10,000 modules, four spare counts.

No peer tool simulates microLED module yield, so the figure stands against the target: 10,000
modules (channel pool of 8 full link evaluations plus its 14 slope evaluations, then the Monte
Carlo) in under 2 minutes of CPU. ``--quick`` runs 2,000 modules.
"""

from __future__ import annotations

from benchmarks.harness import Result, interleave

TARGET_CPU_S = 120.0


def run(quick: bool) -> list[Result]:
    from mosaiclink.config.presets import load_preset
    from mosaiclink.system.production import module_yield

    design = load_preset("mosaic-800g")
    modules = 2_000 if quick else 10_000

    def once():
        module_yield(design, (0, 20, 40, 60), (0.0, 0.5), modules=modules, seed=0)
        return 1, 0

    mine, _ = interleave(once, None, 1 if quick else 2)
    return [
        Result(
            "yield-800g",
            f"`module_yield` of mosaic-800g: {modules:,} modules, spares 0/20/40/60, two test limits, "
            f"channel pool included (target {TARGET_CPU_S:g} s CPU)",
            "run",
            mine,
            goal=1 / TARGET_CPU_S,
        )
    ]
