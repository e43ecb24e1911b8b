"""The HTML report of a run: one self-contained page that opens offline.

Charts are drawn with matplotlib's object API (no pyplot, no global state) as SVG and embedded
inline, with inline CSS and no script, font or image fetched from anywhere. The page shows what a
data-centre energy manager looks at: the headline numbers and the gains table, the supply and demand
stack of every hub (coordinated and baseline), the batteries' state of charge, the green share by hour
of day, and where and when the flexible work ran. Horizons longer than :data:`DAILY_AFTER_HOURS` are
drawn as daily means so a year stays light.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure

from engine.inputs.scenario import Scenario
from engine.metrics import METRIC_UNITS, green_power_kw

if TYPE_CHECKING:
    from engine.studies.operate import OperationResult
    from engine.studies.run import RunResult

DAILY_AFTER_HOURS = 31 * 24
"""Time charts of longer horizons show daily means [h]."""

HEADLINE_METRICS = ("green_share_hourly", "carbon_t", "cost_cny", "curtailed_mwh", "grid_import_mwh",
                    "migrated_it_mwh", "deadline_met_share")
"""The numbers the terminal table and the top of the report show."""

METRIC_LABELS = {
    "it_energy_mwh": "IT energy",
    "facility_energy_mwh": "Facility energy",
    "renewable_available_mwh": "Renewable available",
    "renewable_used_mwh": "Renewable used",
    "curtailed_mwh": "Curtailed",
    "grid_import_mwh": "Grid import",
    "green_share_hourly": "Green share (hourly matched)",
    "green_share_annual": "Green share (annual matched)",
    "carbon_t": "Carbon",
    "cost_cny": "Energy cost",
    "carbon_cost_cny": "Carbon cost",
    "peak_import_mw": "Peak grid import",
    "deadline_met_share": "Deadlines met",
    "migrated_it_mwh": "Work migrated",
    "network_tb": "Data moved",
}

_COLOURS = {"solar": "#f2b705", "wind": "#4a90c2", "battery": "#7b5ea7", "grid": "#8c8c8c",
            "curtailed": "#e8e2c8", "facility": "#1a1a1a", "coordinated": "#1b7f3b", "baseline": "#b04a2f"}
_SVG_PREAMBLE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_SVG_NAMESPACES = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')
_LONG_DECIMALS = re.compile(r"(\d\.\d\d)\d+")
"""Coordinates beyond 1/100 point are invisible: cut them to keep long horizons light."""


def format_value(name: str, value: float, *, signed: bool = False) -> str:
    """A metric value for people: shares in percent, other values with thousands separators.

    Parameters
    ----------
    name : str
        Metric name (its unit decides the format).
    value : float
        Metric value in its unit (shares as fractions).
    signed : bool
        Show a ``+`` on positive values (for gains).
    """
    sign = "+" if signed else ""
    if METRIC_UNITS.get(name) == "-":
        return f"{value * 100:{sign},.1f} %"
    if abs(value) >= 100:
        return f"{value:{sign},.0f}"
    return f"{value:{sign},.2f}"


def metric_unit(name: str) -> str:
    """Unit of a metric as shown in tables (``%`` for shares)."""
    unit = METRIC_UNITS.get(name, "")
    return "%" if unit == "-" else unit


def _svg(figure: Figure, prefix: str) -> str:
    """A figure as inline SVG: no XML preamble, no namespace URLs, element ids made unique."""
    buffer = io.StringIO()
    no_metadata = {"Date": None, "Creator": None, "Format": None, "Type": None}
    figure.savefig(buffer, format="svg", metadata=no_metadata)
    svg = _SVG_PREAMBLE.sub("", buffer.getvalue(), count=1)
    svg = _SVG_NAMESPACES.sub("", svg)
    svg = _LONG_DECIMALS.sub(r"\1", svg)
    svg = re.sub(r'id="', f'id="{prefix}-', svg)
    svg = re.sub(r"url\(#", f"url(#{prefix}-", svg)
    return re.sub(r'href="#', f'href="#{prefix}-', svg)


def _date_axis(axis: Axes, timezone: str) -> None:
    """Concise local-time date ticks."""
    locator = AutoDateLocator(tz=timezone)
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=timezone))


def _aggregate(frame: pd.DataFrame, scenario: Scenario) -> tuple[pd.DataFrame, str]:
    """Local-time frame, as daily means when the horizon is long; and the label of the resolution."""
    frame = frame.tz_convert(scenario.timezone)
    if len(scenario.index) * scenario.step_hours > DAILY_AFTER_HOURS:
        return frame.resample("D").mean(), "daily mean"
    return frame, f"{scenario.step_hours * 60:.0f}-minute steps"


def _hub_frames(scenario: Scenario, flows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each hub's flows indexed by UTC time."""
    return {hub: part.set_index("time").sort_index() for hub, part in flows.groupby("hub", sort=False)}


def _supply_stack(frame: pd.DataFrame) -> pd.DataFrame:
    """Supply by source [MW]; renewable use split between solar and wind in proportion to availability.

    ASSUMPTION: the flows record renewable use as one number; charts split it pro rata.
    """
    available = frame["solar_kw"] + frame["wind_kw"]
    solar_fraction = (frame["solar_kw"] / available.where(available > 0)).fillna(0.0)
    return pd.DataFrame({
        "solar used": frame["renewable_used_kw"] * solar_fraction,
        "wind used": frame["renewable_used_kw"] * (1.0 - solar_fraction),
        "battery discharge": frame["battery_discharge_kw"],
        "grid import": frame["grid_import_kw"],
        "curtailed": frame["curtailed_kw"],
        "facility load": frame["facility_kw"],
    }) / 1000.0


def _supply_chart(result: RunResult) -> str:
    scenario = result.scenario
    schedules = {"coordinated": _hub_frames(scenario, result.coordinated.flows),
                 "baseline": _hub_frames(scenario, result.baseline.flows)}
    hubs = list(scenario.hubs)
    figure = Figure(layout="constrained", figsize=(11, 2.4 * len(hubs) + 0.6))
    axes = figure.subplots(len(hubs), 2, sharex=True, squeeze=False)
    colours = [_COLOURS[key] for key in ("solar", "wind", "battery", "grid", "curtailed")]
    resolution = ""
    for row, hub in enumerate(hubs):
        for column, kind in enumerate(schedules):
            stack, resolution = _aggregate(_supply_stack(schedules[kind][hub]), scenario)
            axis = axes[row, column]
            sources = ["solar used", "wind used", "battery discharge", "grid import", "curtailed"]
            axis.stackplot(stack.index, *(stack[name].to_numpy() for name in sources), labels=sources,
                           colors=colours, linewidth=0)
            axis.plot(stack.index, stack["facility load"].to_numpy(), color=_COLOURS["facility"],
                      linewidth=1.0, label="facility load")
            axis.set_title(f"{hub} — {kind}", fontsize=9, loc="left")
            axis.set_ylabel("MW", fontsize=8)
            axis.tick_params(labelsize=7)
            _date_axis(axis, scenario.timezone)
        axes[row, 1].sharey(axes[row, 0])
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=7, frameon=False)
    figure.suptitle(f"Supply and demand per hub ({resolution}, local time)", fontsize=10)
    return _svg(figure, "supply")


def _battery_chart(result: RunResult) -> str | None:
    scenario = result.scenario
    with_battery = [hub for hub, inputs in scenario.hubs.items() if inputs.battery is not None]
    if not with_battery:
        return None
    flows = result.coordinated.flows
    soc = flows[flows["hub"].isin(with_battery)].pivot_table(
        index="time", columns="hub", values="battery_soc_kwh", aggfunc="sum")[with_battery] / 1000.0
    soc, resolution = _aggregate(soc, scenario)
    figure = Figure(layout="constrained", figsize=(11, 2.8))
    axis = figure.subplots()
    for hub in with_battery:
        axis.plot(soc.index, soc[hub].to_numpy(), linewidth=1.2,
                  label=f"{hub} ({scenario.hubs[hub].battery.energy_kwh / 1000:,.0f} MWh)")
    axis.set_ylabel("MWh", fontsize=8)
    axis.set_ylim(bottom=0)
    axis.tick_params(labelsize=7)
    _date_axis(axis, scenario.timezone)
    axis.legend(fontsize=7, frameon=False)
    axis.set_title(f"Battery state of charge, coordinated ({resolution}, end of step)", fontsize=10,
                   loc="left")
    return _svg(figure, "battery")


def green_share_by_hour(scenario: Scenario, flows: pd.DataFrame) -> pd.Series:
    """Hourly-matched green share of all hubs by local hour of day 0..23 [-].

    Parameters
    ----------
    scenario : Scenario
        The scenario (time zone, batteries).
    flows : pandas.DataFrame
        A schedule's flows.
    """
    hour = flows["time"].dt.tz_convert(scenario.timezone).dt.hour
    energy = pd.DataFrame({"green": green_power_kw(scenario, flows), "facility": flows["facility_kw"],
                           "hour": hour}).groupby("hour").sum()
    return (energy["green"] / energy["facility"].where(energy["facility"] > 0)).reindex(range(24))


def _green_hour_chart(result: RunResult) -> str:
    scenario = result.scenario
    figure = Figure(layout="constrained", figsize=(11, 2.8))
    axis = figure.subplots()
    for kind, schedule in (("coordinated", result.coordinated), ("baseline", result.baseline)):
        share = green_share_by_hour(scenario, schedule.flows) * 100.0
        axis.plot(share.index, share.to_numpy(), marker="o", markersize=3, color=_COLOURS[kind], label=kind)
    axis.set_xticks(range(0, 24, 2))
    axis.set_xlim(-0.5, 23.5)
    axis.set_ylim(0, 105)
    axis.set_xlabel("local hour of day", fontsize=8)
    axis.set_ylabel("%", fontsize=8)
    axis.tick_params(labelsize=7)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7, frameon=False)
    axis.set_title("Green share by hour of day, all hubs", fontsize=10, loc="left")
    return _svg(figure, "green")


def _work_chart(result: RunResult) -> str | None:
    scenario = result.scenario
    if not scenario.workloads:
        return None
    flows = result.coordinated.flows
    figure = Figure(layout="constrained", figsize=(11, 2.3 * len(scenario.workloads) + 0.6))
    axes = figure.subplots(len(scenario.workloads), 1, sharex=True, squeeze=False)
    resolution = ""
    for axis, workload in zip(axes[:, 0], scenario.workloads, strict=True):
        where = flows.pivot_table(index="time", columns="hub", values=f"{workload.name}_it_kw",
                                  aggfunc="sum").reindex(columns=list(workload.hubs), fill_value=0.0)
        where["arrivals"] = workload.arrival_it_kw
        where, resolution = _aggregate(where / 1000.0, scenario)
        axis.stackplot(where.index, *(where[hub].to_numpy() for hub in workload.hubs),
                       labels=list(workload.hubs), linewidth=0)
        axis.plot(where.index, where["arrivals"].to_numpy(), color=_COLOURS["facility"], linewidth=1.0,
                  linestyle="--", label="arrivals")
        axis.set_title(f"{workload.name} (from {workload.origin}, deadline {workload.deadline_hours:g} h)",
                       fontsize=9, loc="left")
        axis.set_ylabel("MW IT", fontsize=8)
        axis.tick_params(labelsize=7)
        _date_axis(axis, scenario.timezone)
        axis.legend(fontsize=7, loc="upper left", frameon=False, ncols=len(workload.hubs) + 1)
    figure.suptitle(f"Where and when the flexible work ran, coordinated ({resolution})", fontsize=10)
    return _svg(figure, "work")


def _gains_table(result: RunResult) -> str:
    rows = []
    for name in result.coordinated_metrics:
        if name == "hubs":
            continue
        cells = (METRIC_LABELS.get(name, name), metric_unit(name),
                 format_value(name, result.coordinated_metrics[name]),
                 format_value(name, result.baseline_metrics[name]),
                 format_value(name, result.gains[name], signed=True))
        rows.append("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>")
    return ('<table class="metrics"><thead><tr><th>Metric</th><th>Unit</th><th>Coordinated</th>'
            "<th>Baseline</th><th>Gain</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _hub_table(result: RunResult) -> str:
    names = ("green_share_hourly", "grid_import_mwh", "curtailed_mwh", "carbon_t", "cost_cny",
             "migrated_it_mwh")
    header = "".join(f"<th>{html.escape(METRIC_LABELS[name])} [{metric_unit(name)}]<br>"
                     "coord. / base. / gain</th>" for name in names)
    rows = []
    for hub in result.scenario.hubs:
        cells = [hub]
        for name in names:
            coordinated = result.coordinated_metrics["hubs"][hub][name]
            baseline = result.baseline_metrics["hubs"][hub][name]
            cells.append(f"{format_value(name, coordinated)} / {format_value(name, baseline)} / "
                         f"{format_value(name, coordinated - baseline, signed=True)}")
        rows.append("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>")
    return (f'<table class="metrics"><thead><tr><th>Hub</th>{header}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1150px;
       color: #1a1a1a; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.8em; }
.meta { color: #555; font-size: 0.9em; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 0.9em; min-width: 140px; }
.card .label { font-size: 0.8em; color: #555; } .card .value { font-size: 1.3em; font-weight: 600; }
.card .gain { font-size: 0.85em; color: #1b7f3b; }
table.metrics { border-collapse: collapse; font-size: 0.88em; }
table.metrics th, table.metrics td { border-bottom: 1px solid #e4e4e4; padding: 0.3em 0.7em;
                                     text-align: right; }
table.metrics th:first-child, table.metrics td:first-child { text-align: left; }
svg { max-width: 100%; height: auto; }
.note { font-size: 0.82em; color: #555; }
"""


def _cards(result: RunResult) -> str:
    cards = []
    for name in HEADLINE_METRICS:
        cards.append(
            f'<div class="card"><div class="label">{html.escape(METRIC_LABELS[name])} '
            f"[{metric_unit(name)}]</div>"
            f'<div class="value">{format_value(name, result.coordinated_metrics[name])}</div>'
            f'<div class="gain">{format_value(name, result.gains[name], signed=True)} vs baseline</div>'
            "</div>")
    return '<div class="cards">' + "".join(cards) + "</div>"


def render_report(result: RunResult) -> str:
    """The report of a run as one self-contained HTML page.

    Parameters
    ----------
    result : RunResult
        The run to report.

    Returns
    -------
    str
        HTML with inline CSS and inline SVG charts; nothing is loaded from elsewhere.
    """
    scenario = result.scenario
    local = scenario.index.tz_convert(scenario.timezone)
    solver = result.coordinated
    objective = scenario.objective
    sections = [
        f"<h1>suandian 算电 — {html.escape(scenario.name)}</h1>",
        f'<p class="meta">{local[0]:%Y-%m-%d %H:%M} to '
        f"{local[-1] + pd.Timedelta(hours=scenario.step_hours):%Y-%m-%d %H:%M} "
        f"({html.escape(scenario.timezone)}), {len(scenario.index)} steps of {scenario.step_hours:g} h; "
        f"hubs: {html.escape(', '.join(scenario.hubs))}; objective: least {html.escape(objective.minimize)}"
        f"{f', green-share floor {objective.min_green_share:.0%}' if objective.min_green_share > 0 else ''}; "
        f"solver {html.escape(solver.solver)} {html.escape(solver.status)} in "
        f"{solver.build_seconds + solver.solve_seconds:.2f} s.</p>",
        "<h2>Headline: coordinated, and gain over running as usual</h2>",
        _cards(result),
        "<h2>Gains of coordination</h2>",
        _gains_table(result),
        "<h2>Per hub</h2>",
        _hub_table(result),
        "<h2>Supply and demand</h2>",
        _supply_chart(result),
        "<h2>Green share by hour of day</h2>",
        _green_hour_chart(result),
    ]
    battery = _battery_chart(result)
    if battery is not None:
        sections += ["<h2>Batteries</h2>", battery]
    work = _work_chart(result)
    if work is not None:
        sections += ["<h2>Flexible work</h2>", work]
    sections.append(
        '<p class="note">Gain = coordinated minus baseline (negative carbon, cost and grid import are '
        "savings). Baseline: work runs at its origin as soon as it arrives (first in, first out), batteries "
        "idle. Green share (hourly matched) counts renewable power used in the same step or stored from "
        "renewables; renewables are taken at zero marginal cost (ASSUMPTION). Charts split renewable use "
        "between solar and wind in proportion to availability (ASSUMPTION).</p>")
    body = "\n".join(sections)
    return html_page(f"suandian report — {scenario.name}", body)


def html_page(title: str, body: str, css: str = _CSS) -> str:
    """One self-contained HTML page: inline CSS, no external resources."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n"
            f"</head>\n<body>\n{body}\n</body>\n</html>\n")


def write_report(result: RunResult, path: str | Path) -> Path:
    """Write the HTML report of a run.

    Parameters
    ----------
    result : RunResult
        The run to report.
    path : str or pathlib.Path
        Output file (``report.html``).

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    path.write_text(render_report(result), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ rolling operation
_OPERATION_KINDS = (("operated", "operated"), ("perfect_foresight", "perfect foresight"),
                    ("baseline", "baseline"))


def _forecast_chart(result: OperationResult) -> str:
    """Renewables each hub planned on (forecast) against what actually came, per hub."""
    scenario = result.scenario
    frames = _hub_frames(scenario, result.operated.flows)
    hubs = list(scenario.hubs)
    figure = Figure(layout="constrained", figsize=(11, 2.0 * len(hubs) + 0.6))
    axes = figure.subplots(len(hubs), 1, sharex=True, squeeze=False)
    resolution = ""
    for axis, hub in zip(axes[:, 0], hubs, strict=True):
        frame = frames[hub]
        both = pd.DataFrame({"actual": frame["solar_kw"] + frame["wind_kw"],
                             "planned on (forecast)": result.planned_renewable_kw[hub]}) / 1000.0
        both, resolution = _aggregate(both, scenario)
        axis.plot(both.index, both["actual"].to_numpy(), color=_COLOURS["facility"], linewidth=1.0,
                  label="actual")
        axis.plot(both.index, both["planned on (forecast)"].to_numpy(), color=_COLOURS["wind"],
                  linewidth=1.0, linestyle="--", label="planned on (forecast)")
        axis.set_title(f"{hub}: solar + wind", fontsize=9, loc="left")
        axis.set_ylabel("MW", fontsize=8)
        axis.tick_params(labelsize=7)
        _date_axis(axis, scenario.timezone)
        axis.legend(fontsize=7, loc="upper left", frameon=False, ncols=2)
    figure.suptitle(f"Forecast the plans used vs actual renewables ({resolution}, local time)", fontsize=10)
    return _svg(figure, "forecast")


def _operated_supply_chart(result: OperationResult) -> str:
    """The settled supply stack of every hub."""
    scenario = result.scenario
    frames = _hub_frames(scenario, result.operated.flows)
    hubs = list(scenario.hubs)
    figure = Figure(layout="constrained", figsize=(11, 2.2 * len(hubs) + 0.6))
    axes = figure.subplots(len(hubs), 1, sharex=True, squeeze=False)
    sources = ["solar used", "wind used", "battery discharge", "grid import", "curtailed"]
    colours = [_COLOURS[key] for key in ("solar", "wind", "battery", "grid", "curtailed")]
    resolution = ""
    for axis, hub in zip(axes[:, 0], hubs, strict=True):
        stack, resolution = _aggregate(_supply_stack(frames[hub]), scenario)
        axis.stackplot(stack.index, *(stack[name].to_numpy() for name in sources), labels=sources,
                       colors=colours, linewidth=0)
        axis.plot(stack.index, stack["facility load"].to_numpy(), color=_COLOURS["facility"], linewidth=1.0,
                  label="facility load")
        axis.set_title(f"{hub} — operated", fontsize=9, loc="left")
        axis.set_ylabel("MW", fontsize=8)
        axis.tick_params(labelsize=7)
        _date_axis(axis, scenario.timezone)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=7, frameon=False)
    figure.suptitle(f"Supply and demand per hub, as operated ({resolution}, local time)", fontsize=10)
    return _svg(figure, "operated")


def _three_way_table(result: OperationResult) -> str:
    blocks = {"operated": result.operated_metrics, "perfect_foresight": result.perfect_foresight_metrics,
              "baseline": result.baseline_metrics}
    rows = []
    for name in result.operated_metrics:
        if name == "hubs":
            continue
        cells = (METRIC_LABELS.get(name, name), metric_unit(name),
                 *(format_value(name, blocks[kind][name]) for kind, _ in _OPERATION_KINDS),
                 format_value(name, result.gains[name], signed=True))
        rows.append("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>")
    header = "".join(f"<th>{html.escape(label.capitalize())}</th>" for _, label in _OPERATION_KINDS)
    return (f'<table class="metrics"><thead><tr><th>Metric</th><th>Unit</th>{header}'
            "<th>Gain (operated - baseline)</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _skill_table(result: OperationResult) -> str:
    rows = []
    for hub, skill in result.forecast["hubs"].items():
        for park in ("solar", "wind"):
            if skill.get(f"{park}_nrmse") is None:
                continue
            persistence = skill[f"{park}_skill_vs_persistence"]
            cells = (hub, park, f"{skill[f'{park}_nmae']:.1%}", f"{skill[f'{park}_nrmse']:.1%}",
                     f"{skill[f'{park}_bias']:+.1%}", "-" if persistence is None else f"{persistence:.2f}")
            rows.append("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells) + "</tr>")
    return ('<table class="metrics"><thead><tr><th>Hub</th><th>Park</th><th>nMAE</th><th>nRMSE</th>'
            "<th>Bias</th><th>Skill vs persistence</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


def render_operation_report(result: OperationResult) -> str:
    """The report of a rolling operation as one self-contained HTML page.

    Parameters
    ----------
    result : engine.studies.operate.OperationResult
        The operation to report.

    Returns
    -------
    str
        HTML with inline CSS and inline SVG: the three-way comparison (operated, perfect foresight,
        baseline), the forecast skill, the forecast-vs-actual view and the operated supply stack.
    """
    scenario = result.scenario
    local = scenario.index.tz_convert(scenario.timezone)
    settings, replans = result.settings, result.replans
    quantile = settings["quantile"]
    planned_on = "the point forecast" if quantile is None else f"the {quantile:g} quantile of the forecast"
    sections = [
        f"<h1>suandian 算电 — {html.escape(scenario.name)}: rolling operation</h1>",
        f'<p class="meta">{local[0]:%Y-%m-%d %H:%M} to '
        f"{local[-1] + pd.Timedelta(hours=scenario.step_hours):%Y-%m-%d %H:%M} "
        f"({html.escape(scenario.timezone)}); hubs: {html.escape(', '.join(scenario.hubs))}; least "
        f"{html.escape(scenario.objective.minimize)}. {replans['count']} plans of "
        f"{settings['lookahead_hours']:g} h, re-planned every {settings['replan_hours']:g} h on "
        f"{html.escape(planned_on)} (daily issue {settings['issue_hour']}:00); "
        f"{replans['mean_seconds']:.3f} s per re-plan on average ({replans['max_seconds']:.3f} s at most, "
        f"{replans['relaxed']} relaxed).</p>",
        "<h2>Operated, perfect foresight and running as usual</h2>",
        _three_way_table(result),
        f'<p class="note">Work postponed by settlement (grid cap): '
        f"{result.settlement['postponed_it_mwh']:,.2f} MWh IT; firm load unserved: "
        f"{result.settlement['unserved_firm_mwh']:,.2f} MWh.</p>",
        "<h2>Day-ahead forecast skill</h2>",
        _skill_table(result),
        "<h2>Forecast vs actual</h2>",
        _forecast_chart(result),
    ]
    sections += ["<h2>Supply and demand, as operated</h2>", _operated_supply_chart(result)]
    sections.append(
        '<p class="note">Operated: each plan is solved on the forecast over the look-ahead, committed up to '
        "the next planning time and settled on the actual wind and sun (a shortfall is met by the battery "
        "then the grid, a surplus replaces grid import, charges the battery, then is curtailed). Perfect "
        "foresight: one solve over the whole horizon on the actuals. Baseline: work at its origin as soon "
        "as it arrives, batteries idle.</p>")
    body = "\n".join(sections)
    return html_page(f"suandian operation — {scenario.name}", body)


def write_operation_report(result: OperationResult, path: str | Path) -> Path:
    """Write the HTML report of a rolling operation (:func:`render_operation_report`).

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    path.write_text(render_operation_report(result), encoding="utf-8")
    return path
