"""The HTML report of a rolling operation: the three-way comparison (operated, perfect foresight,
baseline), the cost of forecast error against perfect foresight, the late work, the forecast skill, the
forecast against the actual renewables and the operated dispatch stack."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from engine.metrics import deadline_met_kw
from engine.outputs.charts import forecast_chart, supply_chart
from engine.outputs.html import page, paragraph, section, table
from engine.outputs.run_report import gain_cell, horizon_text, metrics_table
from engine.outputs.text import METRIC_LABELS, format_value, metric_unit
from engine.studies.result import StudyResult

NOTE = ("Operated: each plan is solved on the forecast over the look-ahead, committed up to the next "
        "planning time and settled on the actual wind and sun (a shortfall is met by the battery then the "
        "grid, a surplus replaces grid import, charges the battery, then is curtailed). Perfect foresight: "
        "one solve over the whole horizon on the actuals. Baseline: work at its origin as soon as it "
        "arrives, batteries idle.")


POLICIES = ("operated", "perfect_foresight", "baseline", "static_west", "greedy_online")
"""The schedules of an operation, in table order (those present)."""
FORECAST_ERROR_METRICS = ("cost_cny", "carbon_t", "green_share_hourly", "grid_import_mwh", "curtailed_mwh",
                          "peak_import_mw", "deadline_met_share")
"""The metrics of the cost of forecast error (operated minus perfect foresight)."""
MAX_LATE_ROWS = 20
"""Most rows of the late-work table (the largest late energy first)."""


def forecast_error_table(result: StudyResult) -> str | None:
    """What planning on forecasts cost against perfect foresight: operated, perfect foresight and their
    difference per metric, and the extra cost per MWh of IT energy; ``None`` without perfect foresight."""
    if "perfect_foresight" not in result.schedules:
        return None
    operated, perfect = result.metrics("operated"), result.metrics("perfect_foresight")
    rows = [(METRIC_LABELS.get(name, name), metric_unit(name), format_value(name, operated[name]),
             format_value(name, perfect[name]), gain_cell(name, operated[name] - perfect[name]))
            for name in FORECAST_ERROR_METRICS]
    it_mwh = float(operated["it_energy_mwh"])
    extra = (operated["cost_cny"] - perfect["cost_cny"]) / it_mwh if it_mwh > 0 else float("nan")
    return (table(["Metric", "Unit", "Operated", "Perfect foresight", "Cost of forecast error"], rows)
            + paragraph(f"Forecast error costs {extra:+,.2f} CNY per MWh of IT energy "
                        f"({operated['cost_cny'] - perfect['cost_cny']:+,.0f} CNY in all) against planning "
                        "on the actual weather; a worse metric is a cost of planning on forecasts."))


def late_work(result: StudyResult, policy: str = "operated") -> pd.DataFrame:
    """The deferrable work not done by its deadline, per workload and local day of arrival.

    Returns
    -------
    pandas.DataFrame
        ``workload``, ``origin``, ``arrival_day`` (local date), ``arrived_mwh``, ``late_mwh`` [MWh] and
        ``late_share`` [-], the largest late energy first; empty when every deadline was kept.
    """
    scenario, flows = result.scenario, result.schedules[policy].flows
    days = scenario.index.tz_convert(scenario.timezone).date
    parts = []
    for workload in scenario.workloads:
        arrivals = workload.arrival_it_kw.reindex(scenario.index, fill_value=0.0).to_numpy(dtype=float)
        late = arrivals - deadline_met_kw(scenario, flows, workload)
        mwh = scenario.step_hours / 1e3
        daily = pd.DataFrame({"arrived_mwh": arrivals * mwh, "late_mwh": late * mwh,
                              "arrival_day": days}).groupby("arrival_day", as_index=False).sum()
        parts.append(daily[daily["late_mwh"] > 1e-6].assign(workload=workload.name, origin=workload.origin))
    columns = ["workload", "origin", "arrival_day", "arrived_mwh", "late_mwh", "late_share"]
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts, ignore_index=True)
    frame["late_share"] = frame["late_mwh"] / frame["arrived_mwh"].where(frame["arrived_mwh"] > 0)
    return frame.sort_values("late_mwh", ascending=False, kind="stable")[columns].reset_index(drop=True)


def late_work_section(result: StudyResult) -> str:
    """The late work as settled (:func:`late_work`) and the plans that planned work late."""
    late = late_work(result)
    if late.empty:
        settled = paragraph("Every deadline was kept as operated: no work was late.")
    else:
        rows = [(row.workload, row.origin, f"{row.arrival_day:%Y-%m-%d}", f"{row.arrived_mwh:,.1f}",
                 f"{row.late_mwh:,.1f}", f"{row.late_share:.1%}")
                for row in late.head(MAX_LATE_ROWS).itertuples(index=False)]
        more = f" (the {MAX_LATE_ROWS} largest of {len(late)} shown)" if len(late) > MAX_LATE_ROWS else ""
        settled = (paragraph(f"{late['late_mwh'].sum():,.1f} MWh of work done after its deadline as "
                             f"operated{more}.")
                   + table(["Workload", "Origin", "Arrived on (local)", "Arrived [MWh]", "Late [MWh]",
                            "Late [%]"], rows, text_columns=(1, 2)))
    log = result.operation.plan_log
    planned = log[log["late_mwh"].to_numpy(dtype=float) > 1e-6] if "late_mwh" in log else log.iloc[:0]
    local = pd.DatetimeIndex(planned.index).tz_convert(result.scenario.timezone)
    plans = (table(["Plan made at (local)", "Planned late [MWh]"],
                   [(f"{time:%Y-%m-%d %H:%M}", f"{value:,.1f}")
                    for time, value in zip(local, np.asarray(planned["late_mwh"], dtype=float), strict=True)])
             if len(planned) else paragraph("No plan had to plan work late."))
    return settled + "<h3>Plans that could not keep a deadline</h3>" + plans


def _kept_text(result: StudyResult) -> str:
    """The price of robustness: the share of the perfect-foresight gain the operation keeps."""
    operation = result.operation
    kept = operation.settlement.get("perfect_foresight_gain_kept")
    drain = operation.settings.get("drain_steps", 0) * result.scenario.step_hours
    text = (f"Every schedule is scored on the horizon plus a {drain:g} h drain period with no new arrivals; "
            "the end-of-horizon battery state is equalised (perfect foresight) or valued at the mean grid "
            "price (engine.metrics.stored_energy_value).")
    if kept is None:
        return text
    return (f"Operation keeps {kept:.1%} of the perfect-foresight gain over running as usual "
            f"(deadlines planned {operation.settings.get('deadline_buffer_hours', 0):g} h early). {text}")


def skill_table(result: StudyResult) -> str:
    """Day-ahead forecast skill of every hub's parks."""
    rows = []
    for hub, skill in result.operation.forecast["hubs"].items():
        for park in ("solar", "wind"):
            if skill.get(f"{park}_nrmse") is None:
                continue
            persistence = skill[f"{park}_skill_vs_persistence"]
            rows.append((hub, park, f"{skill[f'{park}_nmae']:.1%}", f"{skill[f'{park}_nrmse']:.1%}",
                         f"{skill[f'{park}_bias']:+.1%}",
                         "-" if persistence is None else f"{persistence:.2f}"))
    return table(["Hub", "Park", "nMAE", "nRMSE", "Bias", "Skill vs persistence"], rows)


def _meta(result: StudyResult) -> str:
    scenario, operation = result.scenario, result.operation
    settings, replans = operation.settings, operation.replans
    quantile = settings["quantile"]
    planned_on = "the point forecast" if quantile is None else f"the {quantile:g} quantile of the forecast"
    return paragraph(
        f"{horizon_text(result)}; hubs: {', '.join(scenario.hubs)}; least {scenario.objective.minimize}. "
        f"{replans['count']} plans of {settings['lookahead_hours']:g} h, re-planned every "
        f"{settings['replan_hours']:g} h on {planned_on} (daily issue {settings['issue_hour']}:00); "
        f"{replans['mean_seconds']:.3f} s per re-plan on average ({replans['max_seconds']:.3f} s at most, "
        f"{replans['relaxed']} with the green floor dropped; at most "
        f"{replans.get('late_mwh_max', 0):,.1f} MWh planned late).", "meta")


def render_operation_report(result: StudyResult) -> str:
    """The report of a rolling operation as one self-contained HTML page.

    Parameters
    ----------
    result : StudyResult
        An operation (:func:`engine.studies.operate.operate`).

    Returns
    -------
    str
        HTML with inline CSS and inline SVG.
    """
    scenario, operation = result.scenario, result.operation
    operated = result.schedules["operated"]
    settlement = operation.settlement
    return page(f"suandian operation — {scenario.name}", [
        f"<h1>suandian 算电 — {html.escape(scenario.name)}: rolling operation</h1>",
        _meta(result),
        section("Operated, perfect foresight and running as usual",
                metrics_table(result, tuple(name for name in POLICIES if name in result.schedules)),
                paragraph(f"Work postponed by settlement (grid cap): "
                          f"{settlement['postponed_it_mwh']:,.2f} MWh IT; firm load unserved: "
                          f"{settlement['unserved_firm_mwh']:,.2f} MWh. {_kept_text(result)}")),
        section("Cost of forecast error against perfect foresight", forecast_error_table(result)),
        section("Late work", late_work_section(result)),
        section("Day-ahead forecast skill", skill_table(result)),
        section("Forecast vs actual", forecast_chart(scenario, operated, operation.planned_renewable_kw)),
        section("Dispatch per hub, as operated",
                supply_chart(scenario, {"operated": operated}, "Dispatch per hub, as operated")),
        paragraph(NOTE),
    ])
