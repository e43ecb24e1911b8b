"""``summary.json`` (and ``plan.json``) of every study, written from its :class:`StudyResult`.

One function, :func:`summary`, for every study kind. The blocks (DESIGN.md):

- ``scenario``: name, local ISO start and end, steps, step hours, time zone, objective, hubs, workloads
  and the scenario as written (``settings``); an operation adds ``operation`` (its settings), a sizing
  ``horizon_hours``;
- one metrics block per policy (:func:`engine.metrics.metrics`: totals and ``"hubs"``): ``coordinated``
  and ``baseline`` for a run; ``operated``, ``perfect_foresight`` and ``baseline`` for an operation; a
  sizing writes the planned operation as ``metrics`` and adds ``baseline``;
- a run adds one block per reference policy (``static_west``, ``greedy_online``; ``baseline`` is as
  usual), ``value_of_optimisation`` (:func:`value_of_optimisation`: coordinated against the best
  reference per metric, among the references that meet at least the coordinated deadline share) and
  ``attribution`` (:mod:`engine.studies.attribution`; ``null`` with ``--no-attribution``);
- ``gains``: the primary policy minus the baseline, in total and per hub;
- ``duals`` of the study's LP schedule (the coordinated one; an operation: perfect foresight), in the
  objective's unit (CNY when it minimises cost, kgCO2 for carbon, kWh for grid energy):
  ``link_value_<unit>_per_gbps`` (one more Gbit/s on each link ``"from->to"`` for the whole horizon),
  ``green_floor_cost_<unit>_per_point`` (the last percentage point of the green-share floor) and
  ``marginal_price_mean_<unit>_per_kwh`` (each hub's mean marginal price of power); ``null`` where the
  model gives none (no link, no floor);
- ``assumed_inputs``: every assumed input of the economics and carbon with its value, unit and source
  (:func:`engine.inputs.economics.assumed_inputs`, the report's table; a value the file cites in
  ``[sources]`` carries that citation);
- ``solver``: name, status, seconds (build + solve), build and solve seconds, objective;
- an operation adds ``forecast``, ``replans`` and ``settlement``; a sizing ``min_green_share``,
  ``capacities``, ``costs_cny``, ``total_cost_cny``, ``cost_per_mwh_it_cny``, ``unit_costs`` and
  ``planned_overrides``.
"""

from __future__ import annotations

import math

import pandas as pd

from engine.inputs.economics import assumed_inputs
from engine.inputs.scenario import Scenario
from engine.metrics import gains, metrics
from engine.schedule import Schedule
from engine.studies.result import StudyResult
from engine.studies.size import planned_overrides

OBJECTIVE_UNITS = {"cost": "cny", "carbon": "kgco2", "grid": "kwh", "carbon_marginal": "kgco2"}
"""The unit of the objective (and of its duals) in key names, by ``objective.minimize``."""


def horizon_record(scenario: Scenario) -> dict:
    """Name and horizon of a scenario: local ISO start and end, steps, step hours, time zone."""
    local = scenario.index.tz_convert(scenario.timezone)
    return {
        "name": scenario.name,
        "start": local[0].isoformat(),
        "end": (local[-1] + pd.Timedelta(hours=scenario.step_hours)).isoformat(),
        "steps": len(scenario.index),
        "step_hours": scenario.step_hours,
        "timezone": scenario.timezone,
    }


def _scenario_record(result: StudyResult) -> dict:
    scenario = result.scenario
    record = {
        **horizon_record(scenario),
        "objective": {
            "minimize": scenario.objective.minimize,
            "carbon_price_cny_per_t": scenario.objective.carbon_price_cny_per_t,
            "min_green_share": scenario.objective.min_green_share,
        },
        "hubs": list(scenario.hubs),
        "workloads": [workload.name for workload in scenario.workloads],
        "settings": scenario.settings,
    }
    if result.operation is not None:
        record["operation"] = result.operation.settings
    if result.sizing is not None:
        record["horizon_hours"] = result.sizing.horizon_hours
    return record


def _finite(value: float | None) -> float | None:
    """A JSON number: ``None`` for a missing or non-finite value."""
    return float(value) if value is not None and math.isfinite(value) else None


def duals_record(scenario: Scenario, schedule: Schedule, policy: str) -> dict:
    """The ``duals`` block of a schedule (module docstring); ``null`` values where it has none."""
    unit = OBJECTIVE_UNITS[scenario.objective.minimize]
    links, prices = schedule.link_value, schedule.marginal_price
    return {
        "policy": policy,
        f"link_value_{unit}_per_gbps": (None if links is None
                                        else {str(name): _finite(value) for name, value in links.items()}),
        f"green_floor_cost_{unit}_per_point": _finite(schedule.green_floor_cost),
        f"marginal_price_mean_{unit}_per_kwh": (None if prices is None
                                                else {str(hub): _finite(value)
                                                      for hub, value in prices.mean().items()}),
    }


LOWER_IS_BETTER = ("carbon_t", "carbon_marginal_t", "cost_cny", "curtailed_mwh", "grid_import_mwh",
                   "peak_import_mw")
HIGHER_IS_BETTER = ("green_share_hourly", "deadline_met_share")
"""The metrics of :func:`value_of_optimisation` and which way is better."""
DEADLINE_TOLERANCE = 1e-6
"""A reference "meets the coordinated deadline share" within this much [-] (solver tolerance)."""


def fair_references(blocks: dict, references: tuple[str, ...]) -> tuple[str, ...]:
    """The references that meet at least the coordinated schedule's deadline share.

    Leaving work late is not a saving: a policy that misses deadlines the coordinated schedule keeps can
    look greener or cheaper only because it did less work in time, so it is no fair yardstick for the
    value of optimisation. When no reference qualifies (the coordinated schedule itself misses more),
    every reference counts.
    """
    floor = blocks["coordinated"]["deadline_met_share"] - DEADLINE_TOLERANCE
    fair = tuple(policy for policy in references if blocks[policy]["deadline_met_share"] >= floor)
    return fair or references


def _best(blocks: dict, name: str, candidates: tuple[str, ...]) -> dict:
    pick = min if name in LOWER_IS_BETTER else max
    best = pick(candidates, key=lambda policy: blocks[policy][name])
    return {"best_reference": best, "reference": blocks[best][name],
            "value": blocks["coordinated"][name] - blocks[best][name],
            "deadline_met_share": blocks[best]["deadline_met_share"]}


def value_of_optimisation(blocks: dict, references: tuple[str, ...]) -> dict:
    """Coordinated against the best fair reference policy, per metric.

    The rule: for every metric the best reference is chosen among the references that meet at least
    the coordinated deadline share (:func:`fair_references`); the best of *all* references is reported
    beside it, with its deadline share, so a policy that wins a metric by leaving work late is visible
    but never the yardstick.

    Parameters
    ----------
    blocks : dict
        Policy -> :func:`engine.metrics.metrics` block (``coordinated`` and the references).
    references : tuple of str
        The reference policies (``baseline`` = as usual, ``static_west``, ``greedy_online``).

    Returns
    -------
    dict
        Metric -> ``{"best_reference": name, "reference": its value, "value": coordinated - best,
        "deadline_met_share": the best's share [-], "best_any": the same four keys (``policy`` for
        ``best_reference``) over every reference}``. Negative carbon or cost and a positive green share
        are what hour-by-hour optimisation adds beyond the best simple policy that does the same work
        in time.
    """
    fair = fair_references(blocks, references)
    record = {}
    for name in (*LOWER_IS_BETTER, *HIGHER_IS_BETTER):
        entry = _best(blocks, name, fair)
        unrestricted = _best(blocks, name, references)
        entry["best_any"] = {"policy": unrestricted.pop("best_reference"), **unrestricted}
        record[name] = entry
    return record


def _solver_record(result: StudyResult) -> dict:
    solver = result.solver
    record = {"name": solver.name, "status": solver.status, "seconds": solver.seconds,
              "build_seconds": solver.build_seconds, "solve_seconds": solver.solve_seconds,
              "objective": solver.objective}
    if result.kind == "operate":
        perfect = result.schedules["perfect_foresight"]
        record.update(operated_objective=solver.objective, perfect_foresight_objective=perfect.objective,
                      perfect_foresight_seconds=perfect.build_seconds + perfect.solve_seconds,
                      baseline_objective=result.schedules["baseline"].objective)
    return record


def summary(result: StudyResult) -> dict:
    """The content of ``summary.json`` (a sizing: ``plan.json``) of any study (module docstring).

    Parameters
    ----------
    result : StudyResult
        A run, an operation or a sizing.

    Returns
    -------
    dict
        JSON-ready blocks; shares as fractions.
    """
    scenario = result.scenario
    blocks = {policy: metrics(scenario, schedule) for policy, schedule in result.schedules.items()}
    lp_policy = "perfect_foresight" if result.kind == "operate" else "coordinated"
    common = {"gains": gains(blocks[result.primary], blocks["baseline"]),
              "duals": duals_record(scenario, result.schedules[lp_policy], lp_policy),
              "assumed_inputs": [{"input": what, "hub": hub, "value": value, "unit": unit, "source": source}
                                 for what, hub, value, unit, source in assumed_inputs(scenario)],
              "solver": _solver_record(result)}
    if result.kind == "size":
        sizing = result.sizing
        return {"scenario": _scenario_record(result), "min_green_share": sizing.min_green_share,
                "capacities": sizing.capacities, "costs_cny": sizing.costs_cny,
                "total_cost_cny": sizing.total_cost_cny, "cost_per_mwh_it_cny": sizing.cost_per_mwh_it_cny,
                "unit_costs": sizing.unit_costs, "metrics": blocks["coordinated"],
                "baseline": blocks["baseline"], "planned_overrides": planned_overrides(result), **common}
    record = {"scenario": _scenario_record(result), **blocks}
    if result.kind == "run":
        references = tuple(policy for policy in blocks if policy != "coordinated")
        record.update(value_of_optimisation=value_of_optimisation(blocks, references),
                      attribution=result.attribution)
    if result.operation is not None:
        operation = result.operation
        record.update(forecast=operation.forecast, replans=operation.replans, settlement=operation.settlement)
    return {**record, **common}
