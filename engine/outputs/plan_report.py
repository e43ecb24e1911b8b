"""The HTML report of a sizing: the headline cost of the design (total over the horizon, its split, the
cost per MWh of IT energy and the premium over buying the same load from the grid), the chosen capacities
and the cost split, then the run report's sections for the planned operation against running as usual
with the planned capacities."""

from __future__ import annotations

import html
from collections.abc import Mapping

from engine.inputs.plan_settings import CAPACITY_UNITS
from engine.outputs.html import page, paragraph, table
from engine.outputs.run_report import body_sections, header
from engine.studies.result import StudyResult
from engine.studies.size import YearsPlan


def grid_only_cost_cny(result: StudyResult) -> float:
    """What the planned load would cost on grid power alone, without parks or batteries [CNY].

    ``sum_t price_t x (facility_t + transfer_t) x dt`` plus the objective's carbon price on the emissions
    ``sum_t intensity_t x (facility_t + transfer_t) x dt``, at the tariff and grid carbon intensity of
    the planned operation's flows (demand charges left out).
    """
    flows, dt = result.schedules["coordinated"].flows, result.scenario.step_hours
    load_kwh = (flows["facility_kw"] + (flows["transfer_kw"] if "transfer_kw" in flows else 0.0)) * dt
    energy = float((load_kwh * flows["price_cny_per_kwh"]).sum())
    carbon_t = float((load_kwh * flows["carbon_g_per_kwh"]).sum()) / 1e6
    return energy + carbon_t * result.scenario.objective.carbon_price_cny_per_t


def _card(label: str, value: str, note: str = "") -> str:
    return (f'<div class="card"><div class="label">{html.escape(label)}</div><div class="value">'
            f'{html.escape(value)}</div><div class="gain">{html.escape(note)}</div></div>')


def _minus(text: str) -> str:
    """A signed number with a true minus sign."""
    return "\N{MINUS SIGN}" + text[1:] if text.startswith("-") else text


def plan_headline(result: StudyResult) -> str:
    """Cards of the design's cost: the total and its split [million CNY], the cost per MWh of IT energy,
    the grid-only cost of the same load and the premium over it [CNY/MWh]."""
    sizing = result.sizing
    costs, it_mwh = sizing.costs_cny, float(result.metrics()["it_energy_mwh"])
    period = "annual" if abs(sizing.horizon_hours - 8760.0) < 1e-6 else f"over {sizing.horizon_hours:,.0f} h"
    grid_only = grid_only_cost_cny(result) / it_mwh if it_mwh > 0 else float("nan")
    premium = sizing.cost_per_mwh_it_cny - grid_only
    total = costs["total"]
    split = {"capacity": costs["capacity"], "operation": costs["operation"],
             "carbon": costs["carbon"]}
    share = {name: f"{value / total:.0%} of the total" if total > 0 else "" for name, value in split.items()}
    relative = (f"{_minus(f'{premium / grid_only:+.0%}')} for {sizing.min_green_share:.0%} "
                "hourly-matched green power" if grid_only > 0 else "")
    cards = [_card(f"Total cost, {period} [million CNY]", f"{total / 1e6:,.2f}",
                   "; ".join(f"{name} {value / 1e6:,.2f}" for name, value in split.items())),
             *(_card(f"{name.capitalize()} [million CNY]", f"{value / 1e6:,.2f}", share[name])
               for name, value in split.items()),
             _card("Cost per MWh of IT energy [CNY/MWh]", f"{sizing.cost_per_mwh_it_cny:,.1f}",
                   f"{it_mwh:,.0f} MWh of IT energy"),
             _card("Grid power only [CNY/MWh IT]", f"{grid_only:,.1f}", "the same load at the tariff"),
             _card("Premium over grid-only power [CNY/MWh IT]", _minus(f"{premium:+,.1f}"), relative)]
    note = ("The cost of the design: annualised capacity costs of the chosen parks and batteries plus the "
            "planned operation's energy cost (grid energy, demand charges, PPA, transfer, battery wear, less "
            "export revenue) and carbon cost. Grid power only: the same facility load bought from the grid "
            "at the tariff (plus the carbon price, if any), without parks or batteries. The planned "
            "operation's cards further down show its operating cost alone.")
    return ('<h2>Headline: the cost of the design</h2><div class="cards">' + "".join(cards) + "</div>"
            + paragraph(note))


COST_LABELS = {"operation": "operation, net of export revenue", "export_revenue": "of which export revenue"}
"""Labels of the cost parts whose key does not read as one (the others: the key with spaces)."""


def cost_part(part: str, costs_cny: Mapping[str, float]) -> tuple[str, float]:
    """A cost part's label and its value as shown [CNY]: export revenue as the negative part of the
    operation it lowers (``costs_cny`` holds it as a positive revenue)."""
    value = costs_cny[part]
    return COST_LABELS.get(part, part.replace("_", " ")), (-value if part == "export_revenue" else value)


def plan_section(result: StudyResult) -> str:
    """Tables of the chosen capacities and of the cost split over the horizon."""
    sizing = result.sizing
    capacities = [(hub, name, f"{value:,.1f} {CAPACITY_UNITS[name]}")
                  for hub, chosen in sizing.capacities.items() for name, value in chosen.items()]
    costs = [(label, f"{value / 1e6:,.2f}")
             for label, value in (cost_part(part, sizing.costs_cny) for part in sizing.costs_cny)]
    unit_costs = ", ".join(f"{name} {value:,.1f}" for name, value in sizing.unit_costs.items())
    return (
        f"<h2>Plan: least-cost capacities for {sizing.min_green_share:.0%} hourly-matched green power</h2>"
        + table(["hub", "capacity", "chosen"], capacities)
        + f"<p>Cost over the {sizing.horizon_hours:,.0f} h horizon (annual for a full year) [million CNY]; "
        f"{sizing.cost_per_mwh_it_cny:,.1f} CNY per MWh of IT energy. Annualised capacity costs: "
        f"{html.escape(unit_costs)} (engine/inputs/plan_settings.py: sources and ASSUMPTIONS).</p>"
        + table(["part", "million CNY"], costs) + _weather_notes(result))


def _weather_notes(result: StudyResult) -> str:
    """A list of what was corrected or calibrated in each hub's weather (empty when nothing was)."""
    items = [f"<li>{html.escape(name)}: {html.escape(note)}</li>"
             for name, hub in result.scenario.hubs.items() for note in hub.weather_notes]
    return f"<h3>Weather notes</h3><ul>{''.join(items)}</ul>" if items else ""


def render_plan_report(result: StudyResult) -> str:
    """The report of a sizing as one self-contained HTML page.

    Parameters
    ----------
    result : StudyResult
        A sizing (:func:`engine.studies.size.size`).

    Returns
    -------
    str
        HTML: the header, :func:`plan_headline`, :func:`plan_section`, then the run report's sections.
    """
    return page(f"suandian plan — {result.scenario.name}",
                [header(result, ": sizing"), plan_headline(result), plan_section(result),
                 *body_sections(result, "The planned operation (operating cost only) against running as "
                                        "usual")])


def years_lines(plan: YearsPlan) -> list[str]:
    """Text lines of a sizing across weather years: one row per year, then the spread per sample."""
    lines = [f"across {int((plan.years['sample'] == 'sized').sum())} weather years (target "
             f"{plan.target.replace('_', ' ')}), and out of sample:",
             f"{'year':>6} {'sample':<14}{'cost MCNY':>11}{'CNY/MWh IT':>12}{'green':>9}{'backup MW':>11}"]
    for row in plan.years.itertuples():
        lines.append(f"{row.year:>6} {row.sample:<14}{row.cost_cny / 1e6:>11,.2f}"
                     f"{row.cost_per_mwh_it_cny:>12,.1f}{row.green_share_hourly:>9.2%}"
                     f"{row.peak_grid_import_mw:>11,.1f}")
    for sample, figures in plan.spread().items():
        green, backup = figures["green_share_hourly"], figures["peak_grid_import_mw"]
        cost = figures["cost_per_mwh_it_cny"]
        lines.append(f"{sample}: cost {cost['min']:,.1f}-{cost['max']:,.1f} CNY/MWh IT, green "
                     f"{green['min']:.2%}-{green['max']:.2%}, backup {backup['min']:,.1f}-"
                     f"{backup['max']:,.1f} MW")
    return lines
