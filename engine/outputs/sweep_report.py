"""The HTML report of a sweep: one self-contained page of line charts over the results table.

Which charts to draw is data, not code: the sweep file's optional ``[report]`` table lists them::

    [report]
    title = "Cost of hourly green power at Zhongwei"

    [[report.plots]]
    title = "Cost against green share"
    x = "objective.min_green_share"      # any column of the results table
    y = "coordinated_cost_cny"
    series = "flexible_share"            # optional: one line per value
    y_factor = 1e-6                      # optional: multiply y (e.g. CNY -> million CNY)
    y_label = "cost [million CNY]"       # optional axis labels
    x_label = "hourly green-share floor"

    [[report.plots]]
    title = "Value of flexibility"
    x = "objective.min_green_share"
    y = "coordinated_cost_cny"
    series = "flexible_share"
    saving_against = { column = "flexible_share", value = 0.0 }

With ``saving_against`` a chart shows ``y(reference) - y``: what each point saves against the point
with ``column = value`` and otherwise the same x and series (the value of flexibility against no
flexibility, or of bandwidth against no link). Points that share x and series but differ in another
swept key are averaged (the page says so). Without ``[[report.plots]]`` the page draws the coordinated
cost, its gain over the baseline and the hourly green share against the first swept column, one line per
value of the second. Failed points are left out of the charts and listed with their errors. Charts are
SVG made with matplotlib's object API (no pyplot state) and embedded inline; the page fetches nothing.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from engine.errors import ScenarioError
from engine.outputs.files import write_csv, write_html, write_parquet
from engine.outputs.html import page, svg, table
from engine.outputs.manifest import MANIFEST, output_folder
from engine.outputs.text import METRIC_LABELS, metric_unit
from engine.studies.sweep import POINTS, STATUS_DONE, STATUS_FAILED, Sweep, SweepResult

DEFAULT_Y = ("coordinated_cost_cny", "gain_cost_cny", "coordinated_green_share_hourly")
"""Charts drawn when the sweep file names none (those present in the table)."""

PLOT_KEYS = ("title", "x", "y", "series", "y_factor", "x_label", "y_label", "saving_against")
"""Keys of one ``[[report.plots]]`` table."""

_PREFIXES = {"coordinated_": "coordinated", "baseline_": "baseline", "gain_": "gain"}


def column_label(column: str) -> str:
    """A readable axis label of a results column, with its unit.

    ``coordinated_cost_cny`` -> ``"Energy cost, coordinated [CNY]"``; swept keys are shown as written.
    """
    for prefix, word in _PREFIXES.items():
        metric = column.removeprefix(prefix)
        if column.startswith(prefix) and metric in METRIC_LABELS:
            return f"{METRIC_LABELS[metric]}, {word} [{metric_unit(metric)}]"
    return column


def check_report(sweep: Sweep) -> list[dict]:
    """Check the sweep file's ``[[report.plots]]`` before solving anything.

    Parameters
    ----------
    sweep : Sweep

    Returns
    -------
    list of dict
        The charts the file names (empty when it names none).

    Raises
    ------
    ScenarioError
        On an unknown key, a missing ``x`` or ``y``, or a ``saving_against`` that is not
        ``{column = <x or series>, value = ...}``.
    """
    plots = sweep.report.get("plots", [])
    if not isinstance(plots, list) or not all(isinstance(plot, dict) for plot in plots):
        raise ScenarioError("sweep file: [[report.plots]] must be a list of tables with x and y")
    for number, plot in enumerate(plots):
        unknown = sorted(set(plot) - set(PLOT_KEYS))
        if unknown or "x" not in plot or "y" not in plot:
            raise ScenarioError(f"sweep file: report.plots[{number}] needs x and y and takes only "
                                f"{list(PLOT_KEYS)}; got keys {sorted(plot)}")
        saving = plot.get("saving_against")
        if saving is not None and (not isinstance(saving, dict) or set(saving) != {"column", "value"}
                                   or saving["column"] not in (plot["x"], plot.get("series"))):
            raise ScenarioError(f"sweep file: report.plots[{number}].saving_against must read "
                                "{column = <the plot's x or series>, value = <reference value>}, "
                                f"got {saving!r}")
    return [dict(plot) for plot in plots]


def plot_specs(sweep: Sweep, table: pd.DataFrame) -> list[dict]:
    """The charts to draw: the sweep file's ``[[report.plots]]``, or defaults over the swept columns.

    Parameters
    ----------
    sweep : Sweep
    table : pandas.DataFrame
        The results table.

    Returns
    -------
    list of dict
        One dict per chart with the keys of :data:`PLOT_KEYS`.

    Raises
    ------
    ScenarioError
        On an unknown key or a missing ``x``/``y`` in a ``[[report.plots]]`` table.
    """
    plots = check_report(sweep)
    if plots:
        return plots
    if not sweep.axes:
        return []
    x = sweep.axes[0]
    series = next((column for column in sweep.axes[1:] if not _linked_key(sweep, column)), None)
    return [{"title": column_label(y), "x": x, "y": y, "series": series}
            for y in DEFAULT_Y if y in table.columns]


def _linked_key(sweep: Sweep, column: str) -> bool:
    """Whether a column is a key of a linked axis (it moves with its label column)."""
    return any(column in keys for keys in sweep.linked.values())


def chart_data(table: pd.DataFrame, plot: Mapping[str, Any]) -> tuple[pd.DataFrame, bool]:
    """The lines of one chart: mean y per (series, x) over finished points, saving applied.

    Parameters
    ----------
    table : pandas.DataFrame
        The results table.
    plot : dict
        One chart (see :data:`PLOT_KEYS`).

    Returns
    -------
    data : pandas.DataFrame
        Columns ``series``, ``x``, ``y`` sorted by series then x.
    averaged : bool
        Whether some (series, x) had more than one point.
    """
    x, y, series = plot["x"], plot["y"], plot.get("series")
    done = table[table["status"] == STATUS_DONE]
    data = pd.DataFrame({"series": done[series] if series else "", "x": done[x],
                         "y": pd.to_numeric(done[y], errors="coerce")})
    counts = data.groupby(["series", "x"], sort=True, dropna=False)["y"].size()
    data = data.groupby(["series", "x"], sort=True, dropna=False)["y"].mean().reset_index()
    saving = plot.get("saving_against")
    if saving is not None:
        axis = "x" if saving["column"] == x else "series"
        other = "series" if axis == "x" else "x"
        reference = data[data[axis] == saving["value"]].set_index(other)["y"]
        data["y"] = data[other].map(reference) - data["y"]
    data["y"] = data["y"] * float(plot.get("y_factor", 1.0))
    return data.dropna(subset=["y"]), bool((counts > 1).any())


def _chart(table: pd.DataFrame, plot: Mapping[str, Any], number: int) -> str:
    missing = [plot[key] for key in ("x", "y", "series") if plot.get(key) and plot[key] not in table.columns]
    title = html.escape(str(plot.get("title", column_label(plot["y"]))))
    if missing:
        return (f"<h2>{title}</h2><p class=\"note\">Not drawn: column(s) {html.escape(str(missing))} are not "
                "in the results (no finished point produced them).</p>")
    data, averaged = chart_data(table, plot)
    if data.empty:
        return f"<h2>{title}</h2><p class=\"note\">Not drawn: no finished point has a value.</p>"
    figure = Figure(figsize=(7.5, 4.0))
    axes = figure.add_subplot()
    numeric_x = pd.api.types.is_numeric_dtype(data["x"])
    categories = list(dict.fromkeys(data["x"])) if not numeric_x else []
    for name, line in data.groupby("series", sort=True):
        xs = line["x"] if numeric_x else [categories.index(value) for value in line["x"]]
        label = f"{plot['series']} = {name}" if plot.get("series") else None
        axes.plot(xs, line["y"], marker="o", label=label)
    if not numeric_x:
        axes.set_xticks(range(len(categories)), [str(value) for value in categories])
    if plot.get("saving_against"):
        axes.axhline(0.0, color="#888", linewidth=0.8)
    axes.set_xlabel(str(plot.get("x_label", column_label(plot["x"]))))
    default_y = column_label(plot["y"])
    if plot.get("saving_against"):
        default_y = f"saving against {plot['saving_against']['column']} = {plot['saving_against']['value']}"
    axes.set_ylabel(str(plot.get("y_label", default_y)))
    axes.grid(True, color="#e4e4e4")
    if plot.get("series"):
        axes.legend(fontsize="small")
    note = ('<p class="note">Points that share x and series but differ in another swept key are averaged.'
            "</p>" if averaged else "")
    return f"<h2>{title}</h2>{svg(figure, f'plot{number}', tight=True)}{note}"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.4g}"
    return "" if value is None or value is pd.NA else str(value)


def _results_table(sweep: Sweep, results: pd.DataFrame) -> str:
    columns = ["point", *sweep.axes, "status", "solver_status", "solve_seconds",
               *[c for c in ("coordinated_cost_cny", "gain_cost_cny", "coordinated_green_share_hourly",
                             "coordinated_carbon_t") if c in results.columns]]
    text = {"status", "solver_status",
            *[column for column in sweep.axes if not pd.api.types.is_numeric_dtype(results[column])]}
    return table([html.escape(column_label(c)) for c in columns],
                 ([_cell(row[c]) for c in columns] for _, row in results.iterrows()),
                 text_columns=[number for number, c in enumerate(columns) if c in text])


def _failures(table: pd.DataFrame) -> str:
    failed = table[table["status"] == STATUS_FAILED]
    if failed.empty:
        return ""
    items = "".join(f"<li>point {int(row.point)} ({html.escape(row.point_id)}): "
                    f"{html.escape(str(row.error))}</li>" for row in failed.itertuples())
    return f"<h2>Failed points ({len(failed)})</h2><ul class=\"note\">{items}</ul>"


def render_sweep_report(sweep: Sweep, table: pd.DataFrame) -> str:
    """The report of a sweep as one self-contained HTML page.

    Parameters
    ----------
    sweep : Sweep
    table : pandas.DataFrame
        The results table of :func:`engine.studies.sweep.run_sweep`.

    Returns
    -------
    str
        HTML with inline CSS and inline SVG charts.
    """
    title = str(sweep.report.get("title", f"Sweep {sweep.name}"))
    done = int((table["status"] == STATUS_DONE).sum())
    sections = [
        f"<h1>suandian 算电 — {html.escape(title)}</h1>",
        f'<p class="meta">Base scenario {html.escape(sweep.base_path.name)}; {len(table)} point(s): '
        f"{done} finished, {len(table) - done} failed; solver {html.escape(sweep.solver)}.</p>",
    ]
    sections += [_chart(table, plot, number) for number, plot in enumerate(plot_specs(sweep, table))]
    sections += ["<h2>Points</h2>", _results_table(sweep, table), _failures(table),
                 '<p class="note">Gain = coordinated minus running as usual (negative cost and carbon are '
                 "savings). The full table is in results.csv / results.parquet.</p>"]
    return page(f"suandian sweep — {title}", sections)


def write_sweep_outputs(sweep: Sweep, result: SweepResult, *,
                        arguments: Mapping[str, Any] | None = None) -> dict[str, Path]:
    """Write a sweep's results table and report into its output folder, whole, with ``manifest.json``.

    The folder is replaced at once (:func:`engine.outputs.manifest.output_folder`); its ``points/``
    store is carried over.

    Parameters
    ----------
    sweep : Sweep
    result : SweepResult
        What :func:`engine.studies.sweep.run_sweep` did (its ``out_dir`` holds ``points/``).
    arguments : mapping, optional
        The command's arguments, for the manifest.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"parquet": results.parquet, "csv": results.csv, "report": report.html, "manifest":
        manifest.json}``.
    """
    final = Path(result.out_dir)
    with output_folder(final, "sweep", arguments=arguments, inputs=sweep.inputs,
                       settings=sweep.base_raw, scenario_name=sweep.name, keep=(POINTS,)) as folder:
        write_parquet(folder / "results.parquet", result.table)
        write_csv(folder / "results.csv", result.table, float_format=None)
        write_html(folder / "report.html", render_sweep_report(sweep, result.table))
    return {"parquet": final / "results.parquet", "csv": final / "results.csv",
            "report": final / "report.html", "manifest": final / MANIFEST}
