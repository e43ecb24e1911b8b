"""The HTML report of a run: one self-contained page (:mod:`engine.outputs.html`).

The page shows what a data-centre energy manager looks at: a plain-language summary of what
coordination saves against running as usual and beyond the best simple policy, the headline numbers,
every policy side by side, the gain split among its levers, the gains table, a map of the hubs with the
work moved along each link, the dispatch stack of every hub with its battery's state of charge
(coordinated and baseline), the batteries' state of charge, the green share by hour of day,
where and when the flexible work ran, and every assumed input with its source. The sizing report
(:mod:`engine.outputs.plan_report`) is built from the same sections.
"""

from __future__ import annotations

import html

import pandas as pd

from engine.inputs.economics import assumed_inputs
from engine.outputs.charts import (
    attribution_chart,
    battery_chart,
    green_hour_chart,
    month_hour_chart,
    supply_chart,
    work_chart,
)
from engine.outputs.html import Cell, hub_label, page, paragraph, section, table
from engine.outputs.map import hub_map
from engine.outputs.summary import fair_references, value_of_optimisation
from engine.outputs.text import HEADLINE_METRICS, METRIC_LABELS, change_kind, format_value, metric_unit
from engine.studies.result import StudyResult

_HUB_METRICS = ("green_share_hourly", "grid_import_mwh", "curtailed_mwh", "carbon_t", "cost_cny",
                "migrated_it_mwh")

POLICY_METRICS = ("green_share_hourly", "carbon_t", "carbon_marginal_t", "cost_cny", "curtailed_mwh",
                  "exported_mwh", "grid_import_mwh", "peak_import_mw", "migrated_it_mwh",
                  "deadline_met_share")
"""The columns of the policy comparison table."""
POLICY_TITLES = {"coordinated": "Coordinated (LP)", "baseline": "As usual", "static_west": "Static west",
                 "greedy_online": "Greedy online"}

NOTE = ("Gain = coordinated minus as usual (negative carbon, cost and grid import are savings). As usual "
        "(the baseline): work runs at its origin as soon as it arrives (first in, first out); batteries "
        "follow a self-consumption rule (charge from surplus renewables, discharge on shortfall; charge in "
        "valley hours where grid charging is allowed); surplus is exported up to the export cap, then "
        "curtailed. Static west: deferrable work sent to the allowed hub with the most renewable surplus "
        "on average, run on arrival. Greedy online: run now on surplus or a valley tariff, else wait "
        "until the deadline forces it. The best simple policy is chosen per metric among the policies "
        "that meet at least the coordinated share of deadlines. Carbon is location-based (provincial "
        "average factor on grid import); consequential carbon is the fossil marginal factor x (import - "
        "export). Green share (hourly matched) counts renewable power used in the same step or stored from "
        "renewables. Charts split renewable use between solar and wind in proportion to availability "
        "(ASSUMPTION).")


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


def gain_words(name: str, change: float) -> str:
    """A change against as usual in words: ``"+12.2 pp vs as usual (better)"``."""
    kind = change_kind(name, change)
    return f"{format_value(name, change, signed=True)} vs as usual" + (f" ({kind})" if kind else "")


def gain_cell(name: str, change: float) -> Cell:
    """A gain as a table cell coloured by whether it is better or worse for that metric."""
    return Cell(format_value(name, change, signed=True), change_kind(name, change))


def cards(result: StudyResult) -> str:
    """The headline numbers of the primary policy and their gain over the baseline."""
    values, gain = result.metrics(), result.gains()
    items = [f'<div class="card"><div class="label">{html.escape(METRIC_LABELS[name])} '
             f"[{metric_unit(name)}]</div>"
             f'<div class="value">{format_value(name, values[name])}</div>'
             f'<div class="gain {change_kind(name, gain[name])}">{gain_words(name, gain[name])}</div></div>'
             for name in HEADLINE_METRICS]
    return '<div class="cards">' + "".join(items) + "</div>"


def metrics_table(result: StudyResult, policies: tuple[str, ...]) -> str:
    """Every metric of the given policies, and the gain of the primary policy over the baseline."""
    values = {policy: result.metrics(policy) for policy in policies}
    gain = result.gains()
    rows = [(METRIC_LABELS.get(name, name), metric_unit(name),
             *(format_value(name, values[policy][name]) for policy in policies),
             gain_cell(name, gain[name])) for name in values[policies[0]].index]
    titles = [policy.replace("_", " ").capitalize() for policy in policies]
    gain_title = "Gain" if result.kind != "operate" else f"Gain ({result.primary} - baseline)"
    return table(["Metric", "Unit", *map(html.escape, titles), html.escape(gain_title)], rows)


def hub_table(result: StudyResult) -> str:
    """Per hub: coordinated, baseline and gain of the main metrics."""
    coordinated, baseline = result.metrics(by="hub"), result.metrics("baseline", by="hub")
    head = ["Hub", *(f"{html.escape(METRIC_LABELS[name])} [{metric_unit(name)}]<br>coord. / base. / gain"
                     for name in _HUB_METRICS)]
    hubs = {hub: hub_label(hub) for hub in result.scenario.hubs}
    rows = [(hub, *(f"{format_value(name, coordinated.loc[hub, name])} / "
                    f"{format_value(name, baseline.loc[hub, name])} / "
                    f"{format_value(name, coordinated.loc[hub, name] - baseline.loc[hub, name], signed=True)}"
                    for name in _HUB_METRICS)) for hub in hubs]
    rows = [(hubs[row[0]], *row[1:]) for row in rows]
    return table(head, rows)


def _references(result: StudyResult) -> tuple[str, ...]:
    return tuple(policy for policy in result.schedules if policy != "coordinated")


def _policy(name: str) -> str:
    return POLICY_TITLES.get(name, name.replace("_", " ").capitalize())


def _beyond(value: dict) -> str:
    """What the coordinated schedule adds on carbon and cost beyond the best fair simple policy."""
    carbon, cost = value["carbon_t"], value["cost_cny"]
    kt, money = abs(carbon["value"]) / 1e3, abs(cost["value"]) / 1e6
    if carbon["value"] <= 0 and cost["value"] <= 0 and carbon["best_reference"] == cost["best_reference"]:
        return (f"; {kt:,.1f} kt and {money:,.1f} M CNY of that beyond the best simple policy "
                f"({_policy(carbon['best_reference']).lower()})")
    parts = []
    for entry, amount, word in ((carbon, f"{kt:,.1f} kt", "carbon"), (cost, f"{money:,.1f} M CNY", "cost")):
        best = _policy(entry["best_reference"]).lower()
        parts.append(f"{amount} of the {word} saving beyond the best simple policy ({best})"
                     if entry["value"] <= 0 else f"the best simple policy on {word} ({best}) does "
                     f"{amount} better")
    return "; " + " and ".join(parts)


def plain_summary(result: StudyResult) -> str:
    """The report's first words: carbon and cost saved against as usual and beyond the best simple policy.

    E.g. "Coordination saves 9,490 tCO2 (-15%) and 19.9 M CNY against running as usual; 3.6 kt and
    11.9 M CNY of that beyond the best simple policy (static west)." A reference that misses deadlines
    the coordinated schedule keeps is named with its deadline share but is not the yardstick
    (:func:`engine.outputs.summary.value_of_optimisation`).
    """
    blocks = {policy: result.metrics(policy) for policy in result.schedules}
    coordinated, baseline = blocks["coordinated"], blocks["baseline"]
    carbon = baseline["carbon_t"] - coordinated["carbon_t"]
    cost = baseline["cost_cny"] - coordinated["cost_cny"]
    share = carbon / baseline["carbon_t"] if baseline["carbon_t"] > 0 else 0.0
    carbon_verb, cost_verb = ("saves" if carbon >= 0 else "adds"), ("saves" if cost >= 0 else "costs")
    joint = "and" if carbon_verb == cost_verb else f"but {cost_verb}"
    change = f"{-share:+.0%}".replace("-", "\N{MINUS SIGN}")
    text = (f"Coordination {carbon_verb} {abs(carbon):,.0f} tCO2 ({change}) {joint} "
            f"{abs(cost) / 1e6:,.1f} M CNY against running as usual")
    references = _references(result)
    if len(references) > 1:
        text += _beyond(value_of_optimisation(blocks, references))
        for late in (p for p in references if p not in fair_references(blocks, references)):
            less = coordinated["carbon_t"] - blocks[late]["carbon_t"]
            emits = f"emits {less / 1e3:,.1f} kt less but " if less > 0 else ""
            text += (f". {_policy(late)} {emits}misses {1 - blocks[late]['deadline_met_share']:.1%} of the "
                     "deadlines the coordinated schedule keeps, so it is not the yardstick")
    return text + "."


def policy_table(result: StudyResult) -> str:
    """Every policy (rows) and every headline metric (columns, units in the headers)."""
    head = ["Policy", *(f"{html.escape(METRIC_LABELS.get(n, n))} [{metric_unit(n)}]" for n in POLICY_METRICS)]
    rows = []
    for policy in result.schedules:
        values = result.metrics(policy)
        rows.append((_policy(policy), *(format_value(n, values[n]) for n in POLICY_METRICS)))
    return table(head, rows)


def assumptions_table(result: StudyResult) -> str:
    """Every assumed input of the economics and carbon accounting with its source."""
    rows = [(what, where, f"{value:g}", unit, source) for what, where, value, unit, source
            in assumed_inputs(result.scenario)]
    return table(["Input", "Hub", "Value", "Unit", "Source"], rows, text_columns=(1, 3, 4))


def body_sections(result: StudyResult,
                  headline: str = "Headline: coordinated, and gain over running as usual") -> list[str]:
    """The sections of a run (or a sizing's planned operation) after its header, the first titled
    ``headline``."""
    scenario = result.scenario
    coordinated = result.schedules["coordinated"]
    both = {policy: result.schedules[policy] for policy in ("coordinated", "baseline")}
    return [
        section(headline, cards(result)),
        section("Policies compared", policy_table(result)),
        section("Where the gain comes from", attribution_chart(result.attribution)),
        section("Gains of coordination", metrics_table(result, ("coordinated", "baseline"))),
        section("Per hub", hub_table(result)),
        section("Map of the hubs and the work moved", hub_map(result)),
        section("Dispatch per hub", supply_chart(scenario, both, "Dispatch per hub")),
        section("Green share by hour of day", green_hour_chart(scenario, both)),
        section("By month and hour of day", month_hour_chart(scenario, coordinated)),
        section("Batteries", battery_chart(scenario, coordinated)),
        section("Flexible work", work_chart(scenario, coordinated)),
        section("Assumed inputs and their sources", assumptions_table(result)),
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
    return page(f"suandian report — {result.scenario.name}",
                [header(result), paragraph(plain_summary(result), "summary"), *body_sections(result)])
