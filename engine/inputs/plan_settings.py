"""The ``[plan]`` table of a scenario (capacity sizing) and the cost data it defaults to.

The table names the capacities that :func:`engine.studies.size.plan` makes decisions of the LP::

    [plan]
    min_green_share = 1.0             # optional; else objective.min_green_share is the target
    years = 1                         # weather years sized on together (1-30); default 1
    target = "every_year"             # "every_year" (default, robust) or "average" over the years
    out_of_sample_years = 1           # further years the design is scored on (0-30); default 1
    [plan.hubs.zhongwei]              # any hub of the scenario; each key optional, max required
    solar_mw = { min = 0, max = 2000 }
    wind_mw = { min = 0, max = 2000 }
    battery_energy_mwh = { min = 0, max = 4000 }   # battery keys come together
    battery_power_mw = { min = 0, max = 1000 }
    [plan.costs]                      # optional overrides of COST_DEFAULTS
    solar_cny_per_kw_year = 230

The scenario reader parses it with the rest of the file (:func:`read_plan`, its problems reported with
the others) and keeps the result as :attr:`engine.inputs.scenario.Scenario.plan`. The green-share target
is ``plan.min_green_share`` when given, else ``objective.min_green_share`` (the key a sweep varies);
giving both with different values is an error, never a silent choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from engine.errors import ScenarioError
from engine.inputs.fields import Problems, number, table, unknown_keys
from engine.inputs.plausibility import KEY_HIGH

KW_PER_MW = 1000.0


def annualised_cost(
    capex: float, lifetime_years: float, discount_rate: float, fixed_om_share: float
) -> float:
    """Annual cost of one unit of capacity: capital recovery plus fixed O&M [CNY per unit-year].

    ``capex x (CRF + fixed_om_share)`` with the capital recovery factor
    ``CRF = r (1 + r)^n / ((1 + r)^n - 1)`` at discount rate ``r`` over ``n`` years.

    Parameters
    ----------
    capex : float
        Installed cost [CNY per kW or per kWh].
    lifetime_years : float
        Economic lifetime [years].
    discount_rate : float
        Real discount rate [-] (e.g. 0.06).
    fixed_om_share : float
        Fixed operation and maintenance per year as a share of capex [-].
    """
    growth = (1.0 + discount_rate) ** lifetime_years
    crf = discount_rate * growth / (growth - 1.0) if discount_rate > 0 else 1.0 / lifetime_years
    return capex * (crf + fixed_om_share)


DISCOUNT_RATE = 0.06
"""ASSUMPTION: real discount rate [-]. Chinese onshore-wind investment cases are judged against a
full-project IRR of about 6% (securities research quoted at www.ccyxbj.cn, "陆上风电 ... 6.0%以上的全项目
IRR"); we use it as the cost of capital of every technology."""

SOLAR_CAPEX_CNY_PER_KW = 3400.0
"""Utility (ground-mounted) PV system initial investment, 2023: about 3.4 CNY/W DC (China Photovoltaic
Industry Association CPIA, 中国光伏产业发展路线图 2023年版, as cited by the issue brief; the CPIA report
itself was not reachable offline, so treat the figure as reported, not verified here)."""
SOLAR_LIFETIME_YEARS = 25.0
"""ASSUMPTION: PV economic life (module power warranties run 25-30 years)."""
SOLAR_FIXED_OM_SHARE = 0.015
"""ASSUMPTION: PV fixed O&M 1.5% of capex per year (about 0.05 CNY/W-year)."""

WIND_CAPEX_CNY_PER_KW = 5000.0
"""Onshore wind installed cost: the centre of 5000-7000 CNY/kW used in Chinese securities research for
2022-2023 projects (www.ccyxbj.cn, "陆风装机成本维持在 5000-7000 元/千瓦的中樞") and inside the 4000-6000
CNY/kW the issue brief quotes from NEA/CWEA. The low end: turbine prices fell through 2023."""
WIND_LIFETIME_YEARS = 20.0
"""Wind turbine design life of 20 years (IEC 61400-1 design class lifetime)."""
WIND_FIXED_OM_SHARE = 0.02
"""ASSUMPTION: wind fixed O&M 2% of capex per year."""

BATTERY_ENERGY_CAPEX_CNY_PER_KWH = 800.0
BATTERY_POWER_CAPEX_CNY_PER_KW = 400.0
"""ASSUMPTION: a 2-hour lithium iron phosphate storage system at about 1.0 CNY/Wh installed (the order of
Chinese 2023 EPC bid prices reported by the energy-storage trade press, CNESA; not verified offline),
split into 0.8 CNY/Wh for energy (cells, racks) and 0.4 CNY/W for power (converters, transformer, grid
connection): 0.8 + 0.4 / 2 h = 1.0 CNY/Wh."""
BATTERY_LIFETIME_YEARS = 15.0
"""ASSUMPTION: about 6000 full cycles of LFP at one cycle a day."""
BATTERY_FIXED_OM_SHARE = 0.02
"""ASSUMPTION: battery fixed O&M 2% of capex per year."""

COST_DEFAULTS = {
    "solar_cny_per_kw_year": annualised_cost(
        SOLAR_CAPEX_CNY_PER_KW, SOLAR_LIFETIME_YEARS, DISCOUNT_RATE, SOLAR_FIXED_OM_SHARE
    ),
    "wind_cny_per_kw_year": annualised_cost(
        WIND_CAPEX_CNY_PER_KW, WIND_LIFETIME_YEARS, DISCOUNT_RATE, WIND_FIXED_OM_SHARE
    ),
    "battery_energy_cny_per_kwh_year": annualised_cost(
        BATTERY_ENERGY_CAPEX_CNY_PER_KWH, BATTERY_LIFETIME_YEARS, DISCOUNT_RATE, BATTERY_FIXED_OM_SHARE
    ),
    "battery_power_cny_per_kw_year": annualised_cost(
        BATTERY_POWER_CAPEX_CNY_PER_KW, BATTERY_LIFETIME_YEARS, DISCOUNT_RATE, BATTERY_FIXED_OM_SHARE
    ),
}
"""Annualised capacity costs [CNY per kW-year, per kWh-year]: about 317 (PV), 536 (wind), 98.4
(battery energy) and 49.2 (battery power) with the figures above."""

PLAN_KEYS = ("min_green_share", "years", "target", "out_of_sample_years", "method", "hubs", "costs")
TARGETS = ("every_year", "average")
"""``every_year``: the green-share target holds in each weather year (the default: a design must not
fail in a bad year); ``average``: over all the years together."""
METHODS = ("benders", "monolithic")
"""How a sizing across weather years is solved: ``benders`` (the default) decomposes it into one
operation subproblem per year under a master over the capacities (:mod:`engine.studies.benders`);
``monolithic`` solves all years as one LP (the reference; memory and time grow faster than the years)."""
MAX_YEARS = 30
PLAN_HUB_KEYS = ("solar_mw", "wind_mw", "battery_energy_mwh", "battery_power_mw")
BOUND_KEYS = ("min", "max")
COST_KEYS = tuple(COST_DEFAULTS)
CAPACITY_UNITS = {"solar_mw": "MW", "wind_mw": "MW", "battery_energy_mwh": "MWh", "battery_power_mw": "MW"}

@dataclass(frozen=True)
class PlanSettings:
    """A validated ``[plan]`` table.

    Attributes
    ----------
    min_green_share : float
        Hourly-matched green-share target over the horizon [-].
    bounds_kw : dict
        Hub -> ``{key: (lower, upper)}`` for the sized keys of :data:`PLAN_HUB_KEYS`, in kW or kWh.
    costs : dict
        The four annual costs of :data:`COST_DEFAULTS` (defaults overridden by ``[plan.costs]``).
    years : int
        Weather years sized on together (:func:`engine.studies.size.size_across_years`).
    target : str
        One of :data:`TARGETS`.
    out_of_sample_years : int
        Further weather years the design is scored on without being sized on them.
    method : str
        One of :data:`METHODS`.
    """

    min_green_share: float
    bounds_kw: dict
    costs: dict
    years: int = 1
    target: str = "every_year"
    out_of_sample_years: int = 1
    method: str = "benders"


def _keys(value: Any, allowed: tuple[str, ...], key: str, problems: Problems) -> dict | None:
    """The table at ``key`` with its unknown keys recorded as problems (None when not a table)."""
    raw = problems.attempt(lambda: table(value, key))
    if raw is not None:
        for message in unknown_keys(raw, allowed, f"{key}."):
            problems.add(message)
    return raw


def read_plan(value: Any, hubs: Sequence[str], objective_share: float, written_share: Any = None,
              problems: Problems | None = None) -> PlanSettings | None:
    """Validate a raw ``[plan]`` table.

    Parameters
    ----------
    value : mapping
        The ``plan`` table as read from TOML.
    hubs : sequence of str
        The scenario's hub names.
    objective_share : float
        ``objective.min_green_share`` of the scenario [-], the target unless the table sets one.
    written_share : float, optional
        ``objective.min_green_share`` as written in the file (None when not written), which must agree
        with ``plan.min_green_share`` when both are given.
    problems : Problems, optional
        Where to record the problems; without it they are raised at the end.

    Returns
    -------
    PlanSettings or None
        None when a problem was recorded in ``problems``.

    Raises
    ------
    ScenarioError
        Without ``problems``: naming every key of the table that is wrong (unknown keys, hubs not in the
        scenario, bounds not ``0 <= min <= max``, one battery key without the other, negative costs, a
        target outside [0, 1] or in conflict with ``objective.min_green_share``).
    """
    own = problems is None
    problems = Problems() if problems is None else problems
    before = len(problems.messages)
    raw = _keys(value, PLAN_KEYS, "plan", problems) or {}
    share = objective_share
    if "min_green_share" in raw:
        share = problems.attempt(partial(_target, raw["min_green_share"], written_share))
    bounds = _bounds(raw.get("hubs", {}), hubs, problems)
    costs_raw = _keys(raw.get("costs", {}), COST_KEYS, "plan.costs", problems) or {}
    costs = {name: problems.attempt(partial(number, costs_raw.get(name, default), f"plan.costs.{name}"))
             for name, default in COST_DEFAULTS.items()}
    years = problems.attempt(partial(_count, raw.get("years", 1), "plan.years", 1))
    out_of_sample = problems.attempt(partial(_count, raw.get("out_of_sample_years", 1),
                                             "plan.out_of_sample_years", 0))
    target = raw.get("target", "every_year")
    if target not in TARGETS:
        problems.add(f"plan.target: expected one of {', '.join(TARGETS)}, got {target!r}. "
                     "Fix: target = \"every_year\" (the default) or \"average\".")
    method = raw.get("method", "benders")
    if method not in METHODS:
        problems.add(f"plan.method: expected one of {', '.join(METHODS)}, got {method!r}. "
                     "Fix: method = \"benders\" (the default) or \"monolithic\".")
    if own:
        problems.raise_any()
    if len(problems.messages) > before:
        return None
    return PlanSettings(min_green_share=share, bounds_kw=bounds, costs=costs, years=years, target=target,
                        out_of_sample_years=out_of_sample, method=method)


def _count(value: Any, key: str, low: int) -> int:
    """A whole number of years in [low, MAX_YEARS]."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= MAX_YEARS:
        raise ScenarioError(f"{key}: expected a whole number of years {low}..{MAX_YEARS}, got {value!r}. "
                            f"Fix: {key.rpartition('.')[2]} = {max(low, 1)}.")
    return value


def _target(value: Any, written_share: Any) -> float:
    planned = number(value, "plan.min_green_share", high=1.0, unit=" (a fraction)")
    if written_share is not None and abs(float(written_share) - planned) > 1e-12:
        raise ScenarioError(f"plan.min_green_share: {planned:g} differs from objective.min_green_share "
                            f"{float(written_share):g}. Fix: set the target in one place only.")
    return planned


def _bounds(value: Any, hubs: Sequence[str], problems: Problems) -> dict[str, dict[str, tuple[float, float]]]:
    """Hub -> sized key -> (lower, upper) [kW or kWh] of ``[plan.hubs]``."""
    hubs_raw = _keys(value, tuple(hubs), "plan.hubs", problems)
    if hubs_raw is not None and not hubs_raw:
        problems.add("plan.hubs: expected at least one [plan.hubs.<hub>] table with capacities to size, got "
                     f"none. Fix: add e.g. [plan.hubs.{next(iter(hubs))}] with "
                     "solar_mw = { min = 0, max = 500 }.")
    bounds: dict[str, dict[str, tuple[float, float]]] = {}
    for hub, hub_value in (hubs_raw or {}).items():
        key = f"plan.hubs.{hub}"
        hub_table = _keys(hub_value, PLAN_HUB_KEYS, key, problems) if hub in hubs else None
        if hub_table is None:
            continue
        battery_keys = [k for k in ("battery_energy_mwh", "battery_power_mw") if k in hub_table]
        if len(battery_keys) == 1:
            missing = ({"battery_energy_mwh", "battery_power_mw"} - set(battery_keys)).pop()
            problems.add(f"{key}.{missing}: required with {battery_keys[0]} (a sized battery chooses both "
                         f"energy and power). Fix: add {missing} = {{ min = ..., max = ... }}.")
        bounds[hub] = {}
        for name in (k for k in hub_table if k in PLAN_HUB_KEYS):
            pair = problems.attempt(partial(_bound, hub_table[name], f"{key}.{name}", CAPACITY_UNITS[name],
                                            problems))
            if pair is not None:
                bounds[hub][name] = pair
    return bounds


def _bound(value: Any, key: str, unit: str, problems: Problems) -> tuple[float, float] | None:
    entry = _keys(value, BOUND_KEYS, key, problems)
    if entry is None:
        return None
    if "max" not in entry:
        raise ScenarioError(f"{key}.max: required key is missing. Fix: give an upper bound, e.g. "
                            f"{key.rpartition('.')[2]} = {{ min = 0, max = 1000 }} [{unit}].")
    limit = KEY_HIGH["energy_mwh" if unit == "MWh" else "power_mw"]
    low = number(entry.get("min", 0.0), f"{key}.min", high=limit, unit=f" [{unit}]")
    high = number(entry["max"], f"{key}.max", high=limit, unit=f" [{unit}]")
    if high < low:
        raise ScenarioError(f"{key}.max: expected max >= min ({low:g}), got {high:g}. "
                            "Fix: correct the bounds.")
    return low * KW_PER_MW, high * KW_PER_MW

