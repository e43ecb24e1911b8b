"""The HTML report of a run: one self-contained page (:mod:`engine.outputs.html`).

The page shows what a data-centre energy manager looks at: the headline numbers and the gains table,
the supply and demand stack of every hub (coordinated and baseline), the batteries' state of charge,
the green share by hour of day, and where and when the flexible work ran. The sizing report
(:mod:`engine.outputs.plan_report`) is built from the same sections.
"""

from __future__ import annotations

import html

import pandas as pd

from engine.outputs.charts import battery_chart, green_hour_chart, supply_chart, work_chart
from engine.outputs.html import page, paragraph, section, table
from engine.outputs.text import HEADLINE_METRICS, METRIC_LABELS, format_value, metric_unit
from engine.studies.result import StudyResult

_HUB_METRICS = ("green_share_hourly", "grid_import_mwh", "curtailed_mwh", "carbon_t", "cost_cny",
                "migrated_it_mwh")

NOTE = ("Gain = coordinated minus baseline (negative carbon, cost and grid import are savings). Baseline: "
        "work runs at its origin as soon as it arrives (first in, first out), batteries idle. Green share "
        "(hourly matched) counts renewable power used in the same step or stored from renewables; "
        "renewables are taken at zero marginal cost (ASSUMPTION). Charts split renewable use between "
        "solar and wind in proportion to availability (ASSUMPTION).")


def horizon_text(result: StudyResult) -> str:
    """``"<start> to <end> (<zone>)"`` of the scenario's horizon in local time."""
    scenario = result.scenario
    local = scenario.index.tz_convert(scenario.timezone)
    end = local[-1] + pd.Timedelta(hours=scenario.step_hours)
    return f"{local[0]:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} ({scenario.timezone})"


def header(result: StudyResult, subtitle: str = "") -> str:
    """The page title and the line on horizon, hubs, objective and solver."""
    scenario, solver = result.scenario, result.solver
    objective = scenario.objective
    floor = f", green-share floor {objective.min_green_share:.0%}" if objective.min_green_share > 0 else ""
    meta = (f"{horizon_text(result)}, {len(scenario.index)} steps of {scenario.step_hours:g} h; hubs: "
            f"{', '.join(scenario.hubs)}; objective: least {objective.minimize}{floor}; solver "
            f"{solver.name} {solver.status} in {solver.seconds:.2f} s.")
    return (f"<h1>suandian 算电 — {html.escape(scenario.name)}{html.escape(subtitle)}</h1>\n"
            + paragraph(meta, "meta"))


def cards(result: StudyResult) -> str:
    """The headline numbers of the primary policy and their gain over the baseline."""
    values, gain = result.metrics(), result.gains()
    items = [f'<div class="card"><div class="label">{html.escape(METRIC_LABELS[name])} '
             f"[{metric_unit(name)}]</div>"
             f'<div class="value">{format_value(name, values[name])}</div>'
             f'<div class="gain">{format_value(name, gain[name], signed=True)} vs baseline</div></div>'
             for name in HEADLINE_METRICS]
    return '<div class="cards">' + "".join(items) + "</div>"


def metrics_table(result: StudyResult, policies: tuple[str, ...]) -> str:
    """Every metric of the given policies, and the gain of the primary policy over the baseline."""
    values = {policy: result.metrics(policy) for policy in policies}
    gain = result.gains()
    rows = [(METRIC_LABELS.get(name, name), metric_unit(name),
             *(format_value(name, values[policy][name]) for policy in policies),
             format_value(name, gain[name], signed=True)) for name in values[policies[0]].index]
    titles = [policy.replace("_", " ").capitalize() for policy in policies]
    gain_title = "Gain" if result.kind != "operate" else f"Gain ({result.primary} - baseline)"
    return table(["Metric", "Unit", *map(html.escape, titles), html.escape(gain_title)], rows)


def hub_table(result: StudyResult) -> str:
    """Per hub: coordinated, baseline and gain of the main metrics."""
    coordinated, baseline = result.metrics(by="hub"), result.metrics("baseline", by="hub")
    head = ["Hub", *(f"{html.escape(METRIC_LABELS[name])} [{metric_unit(name)}]<br>coord. / base. / gain"
                     for name in _HUB_METRICS)]
    rows = [(hub, *(f"{format_value(name, coordinated.loc[hub, name])} / "
                    f"{format_value(name, baseline.loc[hub, name])} / "
                    f"{format_value(name, coordinated.loc[hub, name] - baseline.loc[hub, name], signed=True)}"
                    for name in _HUB_METRICS)) for hub in result.scenario.hubs]
    return table(head, rows)


def body_sections(result: StudyResult) -> list[str]:
    """The sections of a run (or a sizing's planned operation) after its header."""
    scenario = result.scenario
    coordinated = result.schedules["coordinated"]
    both = {policy: result.schedules[policy] for policy in ("coordinated", "baseline")}
    return [
        section("Headline: coordinated, and gain over running as usual", cards(result)),
        section("Gains of coordination", metrics_table(result, ("coordinated", "baseline"))),
        section("Per hub", hub_table(result)),
        section("Supply and demand", supply_chart(scenario, both, "Supply and demand per hub")),
        section("Green share by hour of day", green_hour_chart(scenario, both)),
        section("Batteries", battery_chart(scenario, coordinated)),
        section("Flexible work", work_chart(scenario, coordinated)),
        paragraph(NOTE),
    ]


def render_report(result: StudyResult) -> str:
    """The report of a run as one self-contained HTML page.

    Parameters
    ----------
    result : StudyResult
        A run (:func:`engine.studies.run.run`).

    Returns
    -------
    str
        HTML with inline CSS and inline SVG charts; nothing is loaded from elsewhere.
    """
    return page(f"suandian report — {result.scenario.name}", [header(result), *body_sections(result)])
