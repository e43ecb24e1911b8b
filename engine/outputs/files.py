"""The output files: one atomic writer per format (JSON, CSV, Parquet, HTML) and each study's folder.

Every writer writes a temporary file next to its target and moves it into place (:mod:`engine.atomic`,
which also holds the one JSON writer, :func:`engine.atomic.write_json`), so a reader never sees half a
file. :func:`write_outputs` writes what ``suandian run``, ``operate`` and ``plan`` leave in their output
folder, the whole folder at once with its ``manifest.json`` (:mod:`engine.outputs.manifest`):

- run: ``summary.json``, ``schedule.csv`` (coordinated, with the marginal price of power),
  ``baseline.csv`` (as usual; no duals, so no marginal price), ``static_west.csv`` and
  ``greedy_online.csv`` (the reference policies) and ``report.html``;
- operate: ``summary.json``, ``schedule.csv`` (what was done: settled, no duals), ``forecast.csv``
  and ``report.html``;
- size: ``plan.json``, ``schedule.csv`` (the planned operation, with the marginal price) and
  ``report.html``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from engine.atomic import write_atomic, write_json, write_text_atomic
from engine.outputs.manifest import MANIFEST, output_folder
from engine.outputs.operation_report import render_operation_report
from engine.outputs.plan_report import render_plan_report
from engine.outputs.run_report import render_report
from engine.outputs.summary import summary
from engine.outputs.tables import forecast_table, schedule_table
from engine.studies.result import StudyResult

CSV_FLOAT_FORMAT = "%.3f"
"""Numbers in CSV tables: 3 decimals (1 W in kW columns)."""


def write_csv(path: str | Path, table: pd.DataFrame, *,
              float_format: str | None = CSV_FLOAT_FORMAT) -> Path:
    """Write a table as CSV without its index (numbers with ``float_format``)."""
    return write_atomic(path, lambda temp: table.to_csv(temp, index=False, float_format=float_format))


def write_parquet(path: str | Path, table: pd.DataFrame) -> Path:
    """Write a table as Parquet without its index."""
    return write_atomic(path, lambda temporary: table.to_parquet(temporary, index=False))


def write_html(path: str | Path, text: str) -> Path:
    """Write an HTML page."""
    return write_text_atomic(path, text)


COMMANDS = {"run": "run", "operate": "operate", "size": "plan"}
"""The command that writes each study kind's folder (the manifest's ``command`` by default)."""


def write_outputs(result: StudyResult, out_dir: str | Path, *, command: str | None = None,
                  arguments: Mapping[str, Any] | None = None,
                  inputs: Iterable[str | Path] = ()) -> dict[str, Path]:
    """Write a study's output folder whole (module docstring), with its ``manifest.json``.

    The files are written into a temporary folder beside ``out_dir`` that replaces it when complete
    (:func:`engine.outputs.manifest.output_folder`): a failure leaves the previous folder as it was, and
    no file of an earlier command stays behind.

    Parameters
    ----------
    result : StudyResult
        A run, an operation or a sizing.
    out_dir : str or pathlib.Path
        Output folder: new, empty or an earlier suandian output folder (it is replaced).
    command : str, optional
        The command for the manifest (default: the study's, ``run``, ``operate`` or ``plan``).
    arguments : mapping, optional
        The command's arguments, for the manifest.
    inputs : iterable of path
        Every file the study read (scenario, profiles, weather), hashed into the manifest; none of
        them may lie inside ``out_dir``.

    Returns
    -------
    dict of str to pathlib.Path
        Run: ``{"summary", "schedule", "baseline", "report", "manifest"}``; operate: ``{"summary",
        "schedule", "forecast", "report", "manifest"}``; size: ``{"plan", "schedule", "report",
        "manifest"}`` (paths inside ``out_dir``).

    Raises
    ------
    engine.outputs.manifest.OutputFolderError
        ``out_dir`` holds an input, is a file, or holds files that are not a suandian output.
    """
    final = Path(out_dir)
    with output_folder(final, command or COMMANDS[result.kind], arguments=arguments, inputs=inputs,
                       settings=result.scenario.settings, scenario_name=result.scenario.name) as folder:
        names = {key: path.name for key, path in _write_files(result, folder).items()}
    return {**{key: final / name for key, name in names.items()}, "manifest": final / MANIFEST}


def _write_files(result: StudyResult, folder: Path) -> dict[str, Path]:
    """Every file of the study's folder, written into ``folder``."""
    scenario, schedules = result.scenario, result.schedules
    paths = {}
    if result.kind == "size":
        paths["plan"] = write_json(folder / "plan.json", summary(result))
    else:
        paths["summary"] = write_json(folder / "summary.json", summary(result))
    paths["schedule"] = write_csv(folder / "schedule.csv",
                                  schedule_table(scenario, schedules[result.primary]))
    if result.kind == "run":
        for policy in (name for name in schedules if name != "coordinated"):  # baseline, reference policies
            paths[policy] = write_csv(folder / f"{policy}.csv", schedule_table(scenario, schedules[policy]))
    if result.kind == "operate":
        table = forecast_table(scenario, schedules["operated"], result.operation.planned_renewable_kw)
        paths["forecast"] = write_csv(folder / "forecast.csv", table)
    render = {"run": render_report, "operate": render_operation_report, "size": render_plan_report}
    paths["report"] = write_html(folder / "report.html", render[result.kind](result))
    return paths
