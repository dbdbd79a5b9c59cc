"""Link physics: ``mosaic link --json`` end to end (fresh process) and ``evaluate_link`` per preset.

No peer tool evaluates a microLED/imaging-fibre link (OptiCommPy has no LED or imaging fibre),
so the figures stand against the target: ``mosaic link --preset mosaic-800g --json`` (460
channels) in under 2 s. These figures belong to the link model, which is being reworked: the
quick CI run leaves them out.
"""

from __future__ import annotations

from benchmarks.cluster import _fresh
from benchmarks.harness import Result, interleave

TARGET_S = 2.0


def run(quick: bool) -> list[Result]:
    from mosaiclink.config.presets import load_preset, preset_names
    from mosaiclink.physics.link import evaluate_link

    cli = _fresh("link", "--preset", "mosaic-800g", "--json")
    cli()
    mine, _ = interleave(cli, None, 3)
    out = [
        Result(
            "link-cli",
            f"`mosaic link --preset mosaic-800g --json`, fresh process (target {TARGET_S} s)",
            "run",
            mine,
            goal=1 / TARGET_S,
        )
    ]
    for name in preset_names():
        design = load_preset(name)
        evaluate_link(design)

        def once(design=design):
            evaluate_link(design)
            return 1, 0

        mine, _ = interleave(once, None, 3)
        out.append(
            Result(f"link-{name}", f"`evaluate_link` of {name} ({design.array.total_channels} channels)", "run", mine)
        )
    return out
