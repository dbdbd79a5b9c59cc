"""The Python entry points a notebook user needs, re-exported as ``import mosaiclink as ml``.

Most are the layers' own functions (:func:`~mosaiclink.physics.link.evaluate_link`,
:func:`~mosaiclink.sim.runner.simulate`, :func:`~mosaiclink.system.compare.compare`,
:func:`~mosaiclink.assessment.assess`); this module adds the few that join layers:
:func:`load_design` (a preset name or a file), :func:`evaluate_cluster` (a scenario by name),
:func:`write_report` and :func:`plot` (the report's own figure code for any result).

Examples
--------
>>> import mosaiclink as ml
>>> design = ml.load_design("mosaic-800g")
>>> report = ml.evaluate_link(design)
>>> frame = report.to_dataframe()        # one row per channel
>>> fig = ml.plot(report)                # the report's per-channel BER mosaic (Plotly)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mosaiclink.config.cluster import ScenarioSpec
from mosaiclink.config.design import MosaicDesign
from mosaiclink.config.io import SUFFIXES
from mosaiclink.config.presets import load_design as _load_design_file
from mosaiclink.config.presets import load_preset, preset_names
from mosaiclink.errors import ConfigError, require_instance, require_seed

if TYPE_CHECKING:  # annotations only: the heavy modules load inside the functions
    import pandas as pd
    import plotly.graph_objects as go
    from matplotlib.figure import Figure as MplFigure

    from mosaiclink.assessment import Assessment
    from mosaiclink.explore.calibrate import Calibration
    from mosaiclink.explore.claims import ClaimsAssessment

# The heavier layers are imported inside the functions that need them, so that
# ``ml.load_design`` does not pay for the cluster, report and plotting imports.


def load_design(name_or_path: str | Path) -> MosaicDesign:
    """A shipped preset by name (``"mosaic-800g"``) or a design file (TOML/YAML/JSON).

    Raises
    ------
    ConfigError
        Neither a preset name nor an existing file; the message lists the presets.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> design = ml.load_design("mosaic-800g")  # or a path to a TOML/YAML/JSON design file
    >>> design.array.data_channels, design.link.rate_gbps
    (400, 2.145751953125)
    """
    if not isinstance(name_or_path, (str, Path)):
        raise ConfigError(f"design = {type(name_or_path).__name__} object: expected a preset name or a file path")
    text = str(name_or_path)
    if text in preset_names():
        return load_preset(text)
    if Path(text).suffix in SUFFIXES and len(text) < 4096:
        return _load_design_file(text)  # the safe reader: a missing, unreadable or hostile file is one line
    shown = text if len(text) <= 80 else text[:77] + "..."
    raise ConfigError(
        f"design = {shown!r}: neither a preset ({', '.join(preset_names())}) nor a design file ({', '.join(SUFFIXES)})"
    )


@dataclass(frozen=True)
class ClusterEvaluation:
    """The summaries of a scenario's clusters, side by side (the ``mosaic cluster`` numbers).

    Examples
    --------
    >>> import mosaiclink as ml
    >>> clusters = ml.evaluate_cluster("100k-mosaic")
    >>> frame = clusters.to_dataframe()  # one row per cluster, power/failures/job columns
    >>> frame.index.tolist(), int(frame["gpus"].iloc[0])
    (['800G MOSAIC'], 100000)
    """

    scenario: str
    summaries: tuple[dict[str, Any], ...]

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{s['name']}: {s['failures']['link_failures_per_day']:.3g} link failures/day, "
            f"{s['power']['interconnect_kw'] / 1e3:.3g} MW"
            for s in self.summaries
        )
        return f"<ClusterEvaluation {self.scenario}: {parts}>"

    def to_dataframe(self) -> pd.DataFrame:
        """One row per cluster with its power, failure and job figures flattened (pandas imported here)."""
        import pandas as pd

        rows = []
        for s in self.summaries:
            row: dict[str, Any] = {"name": s["name"], "gpus": s["gpus"]}
            for group in ("power", "failures", "job"):
                row.update({f"{group}.{k}": v for k, v in s[group].items()})
            rows.append(row)
        return pd.DataFrame(rows).set_index("name")

    def _repr_html_(self) -> str:
        import html

        return f"<p><code>{html.escape(repr(self))}</code></p>" + str(self.to_dataframe().T.to_html())


def evaluate_cluster(
    scenario: str | ScenarioSpec = "100k-mosaic",
    seed: int = 1,
    design: MosaicDesign | None = None,
) -> ClusterEvaluation:
    """Evaluate a cluster scenario (a shipped name, or a :class:`~mosaiclink.config.cluster.ScenarioSpec`).

    ``"100k"`` evaluates the incumbent-optics and MOSAIC 100k-GPU clusters side by side; ``design``
    replaces the shipped MOSAIC preset at its own aggregate rate.

    Examples
    --------
    >>> import mosaiclink as ml
    >>> ml.evaluate_cluster("100k-mosaic")
    <ClusterEvaluation 100k-mosaic: 800G MOSAIC: 1.45 link failures/day, 2.54 MW>
    """
    from mosaiclink.cluster.run import evaluate_columns
    from mosaiclink.cluster.scenarios import load_scenario, scenario_names

    require_seed(seed)
    if design is not None:
        require_instance(design, MosaicDesign, "design")
    if isinstance(scenario, ScenarioSpec):
        spec, name = scenario, scenario.name
    elif not isinstance(scenario, str):
        raise ConfigError(f"scenario = {type(scenario).__name__} object: expected a name or a ScenarioSpec")
    elif scenario == "100k":
        name = "100k"
        spec = None
    else:
        if scenario not in scenario_names():
            raise ConfigError(f"scenario = {scenario!r}: unknown; shipped: 100k, {', '.join(scenario_names())}")
        spec, name = load_scenario(scenario), scenario
    clusters = (
        [c for n in ("100k-optics", "100k-mosaic") for c in load_scenario(n).cluster] if spec is None else spec.clusters
    )
    return ClusterEvaluation(name, tuple(evaluate_columns(clusters, seed=seed, design=design).summaries))


def evaluate_workload(job: str | Path = "llama3-70b", gpus: int | None = None) -> dict[str, Any]:
    """A training job (a shipped name or a job file) on clusters of every link technology: the
    ``mosaic workload --json`` summary (step time, MFU, ETTR, goodput, tokens/s per MW, MOSAIC's gain).

    Examples
    --------
    >>> import mosaiclink as ml
    >>> table = ml.evaluate_workload("deepseek-v3", gpus=16_384)
    >>> [row["technology"] for row in table["rows"]]
    ['copper', 'aoc', 'dr8', 'lpo', 'cpo', 'mosaic']
    >>> gain = next(g for g in table["mosaic_gain"] if g["over"] == "dr8")
    >>> sorted(gain["factors"])
    ['failures', 'power', 'scale_up_domain']
    >>> gain["goodput_per_facility_mw_ratio"] > 1
    True
    """
    from mosaiclink.workloads.presets import load_job
    from mosaiclink.workloads.training import evaluate_training

    return evaluate_training(load_job(job, **({} if gpus is None else {"gpus": gpus}))).summary()


def sweep(
    spec: str | Path | dict[str, Any], store: str | Path = "mosaic-results.duckdb", workers: int = 1
) -> pd.DataFrame:
    """Run a sweep (a file or its mapping) into a DuckDB result store, resumably, as ``mosaic sweep``;
    returns this sweep's rows of this code version as a :class:`pandas.DataFrame`.

    A BER below the model's floor is stored as the floor (1e-300, ``log10_ber`` -300) so that SQL
    constraints select it; read it as "at most".
    """
    from mosaiclink.explore.evaluate import METRICS, code_version, evaluate_rows
    from mosaiclink.explore.runner import check_workers, run_sweep
    from mosaiclink.explore.spec import load_sweep
    from mosaiclink.explore.store import ResultStore

    resolved = load_sweep(spec, METRICS)
    check_workers(workers)
    version = code_version()
    with ResultStore(store) as results:
        run_sweep(resolved, results, evaluate_rows, version, workers=workers)
        name = resolved.spec.name.replace("'", "''")
        table = results.sql(f"SELECT * FROM designs WHERE sweep = '{name}' AND code_version = '{version}'")
    return table.to_pandas()


def calibrate(
    dataset: str | Path = "published",
    base: str | None = None,
    free: list[str] | tuple[str, ...] = (),
    ranges: str | Path | None = None,
) -> Calibration:
    """Fit free parameters to measured BER points, as ``mosaic calibrate``: a
    :class:`~mosaiclink.explore.calibrate.Calibration` (fitted values with 95 % profile intervals,
    ``chi2_per_dof``, ``log10_p_value``, ``warning`` when the model cannot describe the data, and
    the calibrated ``design``)."""
    from mosaiclink.explore.calibrate import calibrate as fit
    from mosaiclink.explore.calibrate import calibration_inputs

    return fit(*calibration_inputs(dataset, base, free, ranges))


def uncertainty(
    design: str | Path | MosaicDesign = "mosaic-800g",
    samples: int = 1000,
    seed: int = 0,
    ranges: str | Path | None = None,
    baseline: str = "aoc",
) -> ClaimsAssessment:
    """5/50/95 % bands of every figure over the estimates' ranges, their drivers and the published
    claims' verdicts, as ``mosaic uncertainty``: a :class:`~mosaiclink.explore.claims.ClaimsAssessment`.
    ``ranges`` defaults to the preset's shipped ranges (a design object or file needs them given)."""
    from mosaiclink.config.estimate_ranges import load_ranges
    from mosaiclink.explore.claims import assess_claims

    preset = design if isinstance(design, str) and design in preset_names() else None
    if ranges is None and preset is None:
        raise ConfigError("ranges: give a mosaic-ranges/1 file for a design that is not a shipped preset")
    spec = design if isinstance(design, MosaicDesign) else load_design(design)
    table = load_ranges(ranges if ranges is not None else str(preset))
    return assess_claims(spec, table, samples, seed, baseline=baseline, preset=preset)


def write_report(assessment: Assessment, out_dir: str | Path = "mosaic-report", paper_figures: bool = True) -> Path:
    """Write the HTML report, ``report.json`` and (``paper_figures``) the Matplotlib figures of an
    :class:`~mosaiclink.assessment.Assessment`; returns the path of ``index.html``.

    Examples
    --------
    >>> import tempfile
    >>> import mosaiclink as ml
    >>> from mosaiclink.assessment import assess  # the function ml.assess exports
    >>> assessment = assess(ml.load_preset("mosaic-prototype"))
    >>> ml.write_report(assessment, tempfile.mkdtemp()).name
    'index.html'
    """
    from mosaiclink.report.build import build_sections
    from mosaiclink.report.build import write_report as _write

    return _write(assessment, build_sections(assessment), Path(out_dir), paper_figures)


def plot(result: Any, figure: str | None = None) -> go.Figure | MplFigure:
    """The report's figure for a result, as a figure object (nothing is written).

    Plotly: ``LinkReport`` -> per-channel BER mosaic; ``SimResult`` -> counted vs analytic BER;
    ``ComparisonResult`` -> power per end of every technology; ``Assessment`` -> the report figure
    with id ``figure`` (e.g. ``"fig-eye"``; default the BER-vs-length figure). Matplotlib:
    ``Calibration`` -> points vs model with residuals, the sensitivity curve and a measured LED
    response beside the model's (``mosaic calibrate --plot``); a dict of networks from
    ``physics.networks.channel_networks`` -> |H(f)| of the stages and the chain (``mosaic network --plot``).

    Examples
    --------
    >>> import mosaiclink as ml
    >>> figure = ml.plot(ml.evaluate_link(ml.load_preset("mosaic-prototype")))
    >>> type(figure).__name__  # a Plotly figure: figure.show() in a notebook
    'Figure'
    """
    from mosaiclink.assessment.design_assessment import Assessment
    from mosaiclink.physics.link import LinkReport
    from mosaiclink.report.theme import themed
    from mosaiclink.sim.runner import SimResult
    from mosaiclink.system.compare import ComparisonResult

    if isinstance(result, LinkReport):
        from mosaiclink.report.sections.link import ber_mosaic_figure

        return themed(ber_mosaic_figure(result).plotly)
    if isinstance(result, SimResult):
        from mosaiclink.report.sections.simulation import counted_figure

        return themed(counted_figure(result).plotly)
    if isinstance(result, ComparisonResult):
        from mosaiclink.report.sections.system import power_figure

        return themed(power_figure(result).plotly)
    if isinstance(result, Assessment):
        from mosaiclink.report.build import report_figure

        return report_figure(result, figure or "fig-ber-length")
    from mosaiclink.explore.calibrate import Calibration

    if isinstance(result, Calibration):
        from mosaiclink.report.calibration_figure import calibration_figure

        return calibration_figure(result)
    if isinstance(result, dict) and "chain" in result:
        from mosaiclink.report.network_plots import network_figure

        return network_figure(result)
    raise ConfigError(
        f"result = {type(result).__name__}: plot() takes a LinkReport, SimResult, ComparisonResult, Assessment, "
        "Calibration or a dict of channel networks"
    )
