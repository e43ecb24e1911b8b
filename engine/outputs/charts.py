"""The charts of the run, sizing and operation reports, as inline SVG (:mod:`engine.outputs.html`)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from engine.inputs.scenario import Scenario, Workload
from engine.metrics import green_power_kw
from engine.outputs.html import (
    COLOURS,
    DAILY_AFTER_HOURS,
    hub_colours,
    hub_label,
    local_resolution,
    style_axis,
    svg,
)
from engine.schedule import Schedule

_SOURCES = ("solar used", "wind used", "battery discharge", "grid import", "exported", "curtailed")
_SOURCE_COLOURS = tuple(COLOURS[key] for key in ("solar", "wind", "battery", "grid", "exported", "curtailed"))


def _hub_frames(flows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each hub's flows indexed by UTC time."""
    return {hub: part.set_index("time").sort_index() for hub, part in flows.groupby("hub", sort=False)}


def supply_stack(frame: pd.DataFrame) -> pd.DataFrame:
    """Supply by source and the facility load of one hub [MW]; renewable use split between solar and wind
    in proportion to availability.

    ASSUMPTION: the flows record renewable use as one number; charts split it pro rata.
    """
    available = frame["solar_kw"] + frame["wind_kw"]
    solar_fraction = (frame["solar_kw"] / available.where(available > 0)).fillna(0.0)
    return pd.DataFrame({
        "solar used": frame["renewable_used_kw"] * solar_fraction,
        "wind used": frame["renewable_used_kw"] * (1.0 - solar_fraction),
        "battery discharge": frame["battery_discharge_kw"],
        "grid import": frame["grid_import_kw"],
        "exported": frame["exported_kw"] if "exported_kw" in frame else 0.0,
        "curtailed": frame["curtailed_kw"],
        "facility load": frame["facility_kw"],
    }) / 1000.0


def _state_of_charge_axis(axis: Axes, frame: pd.DataFrame, scenario: Scenario, hub: str) -> None:
    """The battery's state of charge of one hub on a second y axis of its dispatch panel [MWh]."""
    battery = scenario.hubs[hub].battery
    if battery is None:
        return
    soc, _ = local_resolution(frame[["battery_soc_kwh"]] / 1000.0, scenario)
    twin = axis.twinx()
    twin.plot(soc.index, soc["battery_soc_kwh"].to_numpy(), color=COLOURS["battery"], linewidth=1.0,
              linestyle=":", label="battery state of charge (right)")
    twin.set_ylim(0.0, max(battery.energy_kwh / 1000.0, 1e-9) * 1.05)
    twin.set_ylabel("stored [MWh]", fontsize=8)
    twin.tick_params(labelsize=7)


def supply_chart(scenario: Scenario, schedules: Mapping[str, Schedule], title: str) -> str:
    """The dispatch stack of every hub (rows), one column per schedule: solar and wind used, battery
    discharge, grid import, exported and curtailed [MW], the facility load as a line, and the battery's
    state of charge on a second axis [MWh].

    Parameters
    ----------
    scenario : Scenario
        The scenario (hubs, time zone, horizon).
    schedules : mapping of str to Schedule
        Policy name -> schedule, one chart column each.
    title : str
        Figure title; the resolution and "local time" are appended.
    """
    frames = {kind: _hub_frames(schedule.flows) for kind, schedule in schedules.items()}
    hubs = list(scenario.hubs)
    figure = Figure(layout="constrained", figsize=(11, 2.4 * len(hubs) + 0.6))
    axes = figure.subplots(len(hubs), len(frames), sharex=True, squeeze=False)
    resolution = ""
    for row, hub in enumerate(hubs):
        for column, kind in enumerate(frames):
            stack, resolution = local_resolution(supply_stack(frames[kind][hub]), scenario)
            axis = axes[row, column]
            axis.stackplot(stack.index, *(stack[name].to_numpy() for name in _SOURCES), labels=_SOURCES,
                           colors=_SOURCE_COLOURS, linewidth=0)
            axis.plot(stack.index, stack["facility load"].to_numpy(), color=COLOURS["facility"],
                      linewidth=1.0, label="facility load")
            style_axis(axis, f"{hub_label(hub)} — {kind.replace('_', ' ')}", "MW", scenario.timezone)
            if column:
                axis.sharey(axes[row, 0])
            _state_of_charge_axis(axis, frames[kind][hub], scenario, hub)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    if any(inputs.battery is not None for inputs in scenario.hubs.values()):
        handles.append(Line2D([], [], color=COLOURS["battery"], linewidth=1.0, linestyle=":"))
        labels.append("battery state of charge (right axis)")
    figure.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 5), fontsize=7,
                  frameon=False)
    figure.suptitle(f"{title} ({resolution}, local time)", fontsize=10)
    return svg(figure, "supply")


def battery_chart(scenario: Scenario, schedule: Schedule) -> str | None:
    """State of charge of every battery [MWh]; ``None`` without batteries."""
    with_battery = [hub for hub, inputs in scenario.hubs.items() if inputs.battery is not None]
    if not with_battery:
        return None
    flows = schedule.flows
    soc = flows[flows["hub"].isin(with_battery)].pivot_table(
        index="time", columns="hub", values="battery_soc_kwh", aggfunc="sum")[with_battery] / 1000.0
    soc, resolution = local_resolution(soc, scenario)
    figure = Figure(layout="constrained", figsize=(11, 2.8))
    axis = figure.subplots()
    colours = hub_colours(scenario.hubs)
    for hub in with_battery:
        axis.plot(soc.index, soc[hub].to_numpy(), linewidth=1.2, color=colours[hub],
                  label=f"{hub_label(hub)} ({scenario.hubs[hub].battery.energy_kwh / 1000:,.0f} MWh)")
    style_axis(axis, "", "MWh", scenario.timezone)
    axis.set_ylim(bottom=0)
    axis.legend(fontsize=7, frameon=False)
    axis.set_title(f"Battery state of charge, {schedule.kind} ({resolution}, end of step)", fontsize=10,
                   loc="left")
    return svg(figure, "battery")


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


def green_hour_chart(scenario: Scenario, schedules: Mapping[str, Schedule]) -> str:
    """Green share by local hour of day, one line per schedule [%]."""
    figure = Figure(layout="constrained", figsize=(11, 2.8))
    axis = figure.subplots()
    for kind, schedule in schedules.items():
        share = green_share_by_hour(scenario, schedule.flows) * 100.0
        axis.plot(share.index, share.to_numpy(), marker="o", markersize=3, color=COLOURS.get(kind),
                  label=kind.replace("_", " "))
    axis.set_xticks(range(0, 24, 2))
    axis.set_xlim(-0.5, 23.5)
    axis.set_ylim(0, 105)
    axis.set_xlabel("local hour of day", fontsize=8)
    style_axis(axis, "", "%")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7, frameon=False)
    axis.set_title("Green share by hour of day, all hubs", fontsize=10, loc="left")
    return svg(figure, "green")


def month_hour(scenario: Scenario, values: pd.Series, weights: pd.Series | None = None) -> pd.DataFrame:
    """Mean of a UTC-indexed series by local month (rows) and hour of day (columns 0..23).

    With ``weights`` the ratio ``sum(values) / sum(weights)`` (a share) instead of the mean.
    """
    local = values.index.tz_convert(scenario.timezone)
    keys = [local.month, local.hour]
    if weights is None:
        return values.groupby(keys).mean().unstack()
    totals = weights.groupby(keys).sum().unstack()
    return values.groupby(keys).sum().unstack() / totals.where(totals > 0)


def month_hour_chart(scenario: Scenario, schedule: Schedule) -> str | None:
    """Month x hour-of-day heatmaps of all hubs for horizons longer than a month: hourly-matched green share
    [%], grid import [MW] and the mean marginal price of power (when the schedule has duals); ``None``
    for shorter horizons, whose time charts show every step."""
    if len(scenario.index) * scenario.step_hours <= DAILY_AFTER_HOURS:
        return None
    flows = schedule.flows
    total = flows.groupby("time")[["facility_kw", "grid_import_kw"]].sum()
    green = pd.Series(np.asarray(green_power_kw(scenario, flows), dtype=float), index=flows.index)
    green = green.groupby(flows["time"]).sum()
    panels = [("Green share, hourly matched [%]", month_hour(scenario, green, total["facility_kw"]) * 100,
               "YlGn"), ("Grid import, all hubs [MW]", month_hour(scenario, total["grid_import_kw"]) / 1e3,
                         "Greys")]
    if schedule.marginal_price is not None:
        panels.append(("Marginal price, mean of hubs [objective unit/kWh]",
                       month_hour(scenario, schedule.marginal_price.mean(axis=1)), "magma_r"))
    figure = Figure(layout="constrained", figsize=(11, 3.2))
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    for axis, (title, grid, colours) in zip(axes, panels, strict=True):
        image = axis.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap=colours, origin="upper")
        axis.set_yticks(range(len(grid.index)), [f"{month:02d}" for month in grid.index])
        axis.set_xticks(range(0, 24, 3), [str(hour) for hour in range(0, 24, 3)])
        axis.set_xlabel("local hour of day", fontsize=8)
        style_axis(axis, title, "month")
        figure.colorbar(image, ax=axis, shrink=0.9).ax.tick_params(labelsize=7)
    figure.suptitle(f"By month and hour of day, {schedule.kind} (local time)", fontsize=10)
    return svg(figure, "monthhour")


MAX_WORK_PANELS = 8
"""Most panels of the work chart: beyond it the largest workloads (by arrivals) get one panel each and
the rest share the last one, summed, so the chart takes time linear in the workloads."""


def _work_panels(scenario: Scenario) -> list[tuple[str, list[Workload]]]:
    """``(title, workloads)`` of each panel of :func:`work_chart` (module constant MAX_WORK_PANELS)."""
    workloads = list(scenario.workloads)
    single = len(workloads)
    if len(workloads) > MAX_WORK_PANELS:
        workloads.sort(key=lambda workload: -float(workload.arrival_it_kw.sum()))
        single = MAX_WORK_PANELS - 1
    panels = [(f"{one.name} (from {one.origin}, deadline {one.deadline_hours:g} h)", [one])
              for one in workloads[:single]]
    if workloads[single:]:
        panels.append((f"the {len(workloads) - single} smaller workloads, summed", workloads[single:]))
    return panels


def work_chart(scenario: Scenario, schedule: Schedule) -> str | None:
    """Where and when each deferrable workload ran, against its arrivals [MW IT]; ``None`` without any.

    At most :data:`MAX_WORK_PANELS` panels: with more workloads the smaller ones share one panel.
    """
    if not scenario.workloads:
        return None
    flows = schedule.flows
    panels = _work_panels(scenario)
    figure = Figure(layout="constrained", figsize=(11, 2.3 * len(panels) + 0.6))
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)
    resolution, colours = "", hub_colours(scenario.hubs)
    for axis, (title, group) in zip(axes[:, 0], panels, strict=True):
        hubs = list(dict.fromkeys(hub for workload in group for hub in workload.hubs))
        work = flows[[f"{workload.name}_it_kw" for workload in group]].sum(axis=1)
        where = (pd.DataFrame({"time": flows["time"], "hub": flows["hub"], "work": work})
                 .pivot_table(index="time", columns="hub", values="work", aggfunc="sum")
                 .reindex(columns=hubs, fill_value=0.0))
        where["arrivals"] = sum(workload.arrival_it_kw for workload in group)
        where, resolution = local_resolution(where / 1000.0, scenario)
        axis.stackplot(where.index, *(where[hub].to_numpy() for hub in hubs), labels=map(hub_label, hubs),
                       colors=[colours[hub] for hub in hubs], linewidth=0)
        axis.plot(where.index, where["arrivals"].to_numpy(), color=COLOURS["facility"], linewidth=1.0,
                  linestyle="--", label="arrivals")
        style_axis(axis, title, "MW IT", scenario.timezone)
        axis.legend(fontsize=7, loc="upper left", frameon=False, ncols=len(hubs) + 1)
    figure.suptitle(f"Where and when the flexible work ran, {schedule.kind} ({resolution})", fontsize=10)
    return svg(figure, "work")


def forecast_chart(scenario: Scenario, schedule: Schedule, planned_renewable_kw: pd.DataFrame) -> str:
    """Renewables each hub planned on (forecast) against what actually came, per hub [MW]."""
    frames = _hub_frames(schedule.flows)
    hubs = list(scenario.hubs)
    figure = Figure(layout="constrained", figsize=(11, 2.0 * len(hubs) + 0.6))
    axes = figure.subplots(len(hubs), 1, sharex=True, squeeze=False)
    resolution = ""
    for axis, hub in zip(axes[:, 0], hubs, strict=True):
        frame = frames[hub]
        both = pd.DataFrame({"actual": frame["solar_kw"] + frame["wind_kw"],
                             "planned on (forecast)": planned_renewable_kw[hub]}) / 1000.0
        both, resolution = local_resolution(both, scenario)
        axis.plot(both.index, both["actual"].to_numpy(), color=COLOURS["facility"], linewidth=1.0,
                  label="actual")
        axis.plot(both.index, both["planned on (forecast)"].to_numpy(), color=COLOURS["wind"],
                  linewidth=1.0, linestyle="--", label="planned on (forecast)")
        style_axis(axis, f"{hub_label(hub)}: solar + wind", "MW", scenario.timezone)
        axis.legend(fontsize=7, loc="upper left", frameon=False, ncols=2)
    figure.suptitle(f"Forecast the plans used vs actual renewables ({resolution}, local time)", fontsize=10)
    return svg(figure, "forecast")


LEVER_COLOURS = {"temporal": "#4a90c2", "spatial": "#1b7f3b", "storage": "#7b5ea7", "rules": "#8c8c8c"}
"""One colour per lever of the attribution chart (``rules``: the LP with every lever off minus as usual)."""
_ATTRIBUTION_SCALES = {"carbon_t": (1.0, "tCO2"), "carbon_marginal_t": (1.0, "tCO2"),
                       "cost_cny": (1e-6, "M CNY"), "green_share_hourly": (100.0, "points")}


def attribution_chart(record: dict | None) -> str | None:
    """The gain of coordination over as usual split among its levers: one stacked bar per metric.

    Parameters
    ----------
    record : dict or None
        The ``attribution`` block of ``summary.json`` (:func:`engine.studies.attribution.attribution`).

    Returns
    -------
    str or None
        Inline SVG, one panel per attributed metric (carbon [tCO2], cost [M CNY], green share [points]),
        gains below zero stacked downwards, the total as a black tick; ``None`` when there is no
        attribution (``--no-attribution``, or a solve with a lever off failed).
    """
    if not record or record.get("status") != "ok":
        return None
    metrics = [name for name in record["metrics"] if name in _ATTRIBUTION_SCALES]
    parts = {**record["parts"], "rules": record["rules"]}
    figure = Figure(layout="constrained", figsize=(11, 2.8))
    axes = figure.subplots(1, len(metrics), squeeze=False)[0]
    for axis, name in zip(axes, metrics, strict=True):
        scale, unit = _ATTRIBUTION_SCALES[name]
        up = down = 0.0
        for lever, values in parts.items():
            value = values[name] * scale
            bottom = up if value >= 0 else down
            axis.bar([0], [value], bottom=[bottom], width=0.6, color=LEVER_COLOURS[lever], label=lever)
            up, down = (up + value, down) if value >= 0 else (up, down + value)
        axis.plot([-0.4, 0.4], [record["total"][name] * scale] * 2, color=COLOURS["facility"], linewidth=2,
                  label="total gain")
        axis.axhline(0.0, color="#cccccc", linewidth=0.8)
        axis.set_xticks([])
        axis.set_xlim(-0.8, 0.8)
        style_axis(axis, name, unit)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=7, frameon=False)
    figure.suptitle("Gain of coordination over as usual by lever (Shapley values)", fontsize=10)
    return svg(figure, "attribution")
