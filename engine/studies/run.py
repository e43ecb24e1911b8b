"""One run of a scenario: the coordinated schedule, the baseline, their metrics, the gains, the outputs.

``run`` is the Python API behind ``suandian run``; ``write_outputs`` writes what the command leaves in
its output folder (DESIGN.md): ``summary.json``, ``schedule.csv`` (coordinated), ``baseline.csv`` and
``report.html``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from engine.inputs.scenario import Scenario
from engine.metrics import gains, metrics
from engine.model import solve
from engine.outputs.report import write_report
from engine.schedule import FLOW_COLUMNS, Schedule
from engine.simulate.baseline import run_baseline


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run.

    Attributes
    ----------
    scenario : Scenario
        The scenario that was run.
    coordinated : Schedule
        The co-scheduled (LP) schedule.
    baseline : Schedule
        Running as usual: work at its origin as soon as it arrives, batteries idle.
    coordinated_metrics, baseline_metrics : dict
        :func:`engine.metrics.metrics` of each schedule.
    gains : dict
        Coordinated minus baseline for every metric (:func:`engine.metrics.gains`).
    """

    scenario: Scenario
    coordinated: Schedule
    baseline: Schedule
    coordinated_metrics: dict
    baseline_metrics: dict
    gains: dict


def run(scenario: Scenario, *, solver: str = "HIGHS") -> RunResult:
    """Solve the coordinated schedule and simulate the baseline of a scenario.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    solver : str
        An installed cvxpy solver name (HiGHS by default).

    Returns
    -------
    RunResult
        Both schedules, their metrics and the gains.

    Raises
    ------
    engine.errors.InfeasibleError
        The coordinated schedule cannot meet a requirement of the scenario.
    engine.errors.SolverError
        The solver failed or is not installed.
    """
    coordinated = solve(scenario, solver=solver)
    baseline = run_baseline(scenario)
    coordinated_metrics = metrics(scenario, coordinated)
    baseline_metrics = metrics(scenario, baseline)
    return RunResult(scenario=scenario, coordinated=coordinated, baseline=baseline,
                     coordinated_metrics=coordinated_metrics, baseline_metrics=baseline_metrics,
                     gains=gains(coordinated_metrics, baseline_metrics))


def local_iso_times(times: pd.Series, timezone: str) -> pd.Series:
    """ISO 8601 local times with their UTC offset, e.g. ``2025-07-01T08:00:00+08:00``.

    Parameters
    ----------
    times : pandas.Series
        Tz-aware times.
    timezone : str
        IANA zone name of the output (``Asia/Shanghai``).
    """
    text = times.dt.tz_convert(timezone).dt.strftime("%Y-%m-%dT%H:%M:%S%z")
    return text.str[:-2] + ":" + text.str[-2:]


def schedule_table(scenario: Scenario, schedule: Schedule) -> pd.DataFrame:
    """A schedule as the CSV table: ``time`` (local ISO 8601), ``hub``, flows, one column per workload.

    Rows are sorted by hub (scenario order), then time.
    """
    workload_columns = [f"{workload.name}_it_kw" for workload in scenario.workloads]
    flows = schedule.flows
    hub_order = pd.Categorical(flows["hub"], categories=list(scenario.hubs), ordered=True)
    flows = flows.assign(_hub_order=hub_order).sort_values(["_hub_order", "time"], kind="stable")
    table = flows[["time", "hub", *FLOW_COLUMNS, *workload_columns]].reset_index(drop=True)
    table["time"] = local_iso_times(table["time"], scenario.timezone)
    return table


def horizon_record(scenario: Scenario) -> dict:
    """Name and horizon of a scenario for JSON outputs: local ISO start and end, steps, step hours."""
    local = scenario.index.tz_convert(scenario.timezone)
    return {
        "name": scenario.name,
        "start": local[0].isoformat(),
        "end": (local[-1] + pd.Timedelta(hours=scenario.step_hours)).isoformat(),
        "steps": len(scenario.index),
        "step_hours": scenario.step_hours,
        "timezone": scenario.timezone,
    }


def summary(result: RunResult) -> dict:
    """The content of ``summary.json`` (DESIGN.md): scenario, coordinated, baseline, gains, solver."""
    scenario = result.scenario
    coordinated = result.coordinated
    return {
        "scenario": {
            **horizon_record(scenario),
            "objective": {
                "minimize": scenario.objective.minimize,
                "carbon_price_cny_per_t": scenario.objective.carbon_price_cny_per_t,
                "min_green_share": scenario.objective.min_green_share,
            },
            "hubs": list(scenario.hubs),
            "workloads": [workload.name for workload in scenario.workloads],
            "settings": scenario.settings,
        },
        "coordinated": result.coordinated_metrics,
        "baseline": result.baseline_metrics,
        "gains": result.gains,
        "solver": {
            "name": coordinated.solver,
            "status": coordinated.status,
            "seconds": coordinated.build_seconds + coordinated.solve_seconds,
            "build_seconds": coordinated.build_seconds,
            "solve_seconds": coordinated.solve_seconds,
            "objective": coordinated.objective,
        },
    }


def write_outputs(result: RunResult, out_dir: str | Path) -> dict[str, Path]:
    """Write ``summary.json``, ``schedule.csv``, ``baseline.csv`` and ``report.html`` into a folder.

    Parameters
    ----------
    result : RunResult
        The run to write.
    out_dir : str or pathlib.Path
        Output folder; created if missing, files in it are overwritten.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"summary": ..., "schedule": ..., "baseline": ..., "report": ...}``.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"summary": folder / "summary.json", "schedule": folder / "schedule.csv",
             "baseline": folder / "baseline.csv", "report": folder / "report.html"}
    paths["summary"].write_text(
        json.dumps(summary(result), ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    for name, schedule in (("schedule", result.coordinated), ("baseline", result.baseline)):
        schedule_table(result.scenario, schedule).to_csv(paths[name], index=False, float_format="%.3f")
    write_report(result, paths["report"])
    return paths
