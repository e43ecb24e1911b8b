"""The HTML report of a rolling operation: the three-way comparison (operated, perfect foresight,
baseline), the forecast skill, the forecast against the actual renewables and the operated supply stack."""

from __future__ import annotations

import html

from engine.outputs.charts import forecast_chart, supply_chart
from engine.outputs.html import page, paragraph, section, table
from engine.outputs.run_report import horizon_text, metrics_table
from engine.studies.result import StudyResult

NOTE = ("Operated: each plan is solved on the forecast over the look-ahead, committed up to the next "
        "planning time and settled on the actual wind and sun (a shortfall is met by the battery then the "
        "grid, a surplus replaces grid import, charges the battery, then is curtailed). Perfect foresight: "
        "one solve over the whole horizon on the actuals. Baseline: work at its origin as soon as it "
        "arrives, batteries idle.")


POLICIES = ("operated", "perfect_foresight", "baseline", "static_west", "greedy_online")
"""The schedules of an operation, in table order (those present)."""


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
        section("Day-ahead forecast skill", skill_table(result)),
        section("Forecast vs actual", forecast_chart(scenario, operated, operation.planned_renewable_kw)),
        section("Supply and demand, as operated",
                supply_chart(scenario, {"operated": operated}, "Supply and demand per hub, as operated")),
        paragraph(NOTE),
    ])
