"""The HTML report of a sizing: the chosen capacities and the cost split, then the run report's sections
for the planned operation against running as usual with the planned capacities."""

from __future__ import annotations

import html

from engine.inputs.plan_settings import CAPACITY_UNITS
from engine.outputs.html import page, table
from engine.outputs.run_report import body_sections, header
from engine.studies.result import StudyResult
from engine.studies.size import YearsPlan


def plan_section(result: StudyResult) -> str:
    """Tables of the chosen capacities and of the cost split over the horizon."""
    sizing = result.sizing
    capacities = [(hub, name, f"{value:,.1f} {CAPACITY_UNITS[name]}")
                  for hub, chosen in sizing.capacities.items() for name, value in chosen.items()]
    costs = [(part.replace("_", " "), f"{value / 1e6:,.2f}") for part, value in sizing.costs_cny.items()]
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
        HTML: the header, :func:`plan_section`, then the run report's sections.
    """
    return page(f"suandian plan — {result.scenario.name}",
                [header(result, ": sizing"), plan_section(result), *body_sections(result)])


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
