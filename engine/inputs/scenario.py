"""The scenario: frozen, validated inputs of one co-scheduling problem.

A :class:`Scenario` holds every time series already resolved on one regular UTC index (weather turned
into power, catalogue defaults applied, profiles read). The model, the baseline and the metrics read
only this object. Reading a TOML file into a Scenario is :mod:`engine.inputs.scenario_file`'s job.

Units are in the names: power [kW], energy [kWh], carbon intensity [gCO2/kWh], price [CNY/kWh].
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from engine.errors import ScenarioError
from engine.inputs.plan_settings import PlanSettings

HUB_SERIES = ("solar_kw", "wind_kw", "firm_it_kw", "pue", "carbon_g_per_kwh", "price_cny_per_kwh")
"""Columns of :attr:`HubInputs.series`; ``temp_air`` [degC] may be present as well."""


@dataclass(frozen=True)
class Battery:
    """A battery at a hub.

    ``round_trip_efficiency`` is split evenly between charging and discharging
    (each ``sqrt(round_trip_efficiency)``). The state of charge at the end of the horizon equals
    ``initial_soc``. Without ``grid_charging`` it charges from renewables only.
    """

    energy_kwh: float
    power_kw: float
    round_trip_efficiency: float = 0.9
    initial_soc: float = 0.5
    grid_charging: bool = False


@dataclass(frozen=True)
class HubInputs:
    """One hub: capacities and its time series on the scenario index."""

    name: str
    it_capacity_kw: float
    grid_import_kw: float
    series: pd.DataFrame
    battery: Battery | None = None
    solar_kw_nameplate: float = 0.0
    wind_kw_nameplate: float = 0.0


@dataclass(frozen=True)
class Workload:
    """A class of deferrable IT work.

    Work arriving in step ``t`` (``arrival_it_kw`` times the step length) may run from ``t`` on and
    must be done by ``t + deadline_hours`` (clipped to the end of the horizon), in any hub of
    ``hubs``. Running it away from ``origin`` moves ``data_tb_per_mwh`` [TB per MWh of IT work]
    over the link from the origin to that hub.
    """

    name: str
    origin: str
    arrival_it_kw: pd.Series
    deadline_hours: float
    hubs: tuple[str, ...]
    data_tb_per_mwh: float = 0.0


@dataclass(frozen=True)
class Link:
    """A directed network link between two hubs [Gbit/s]."""

    from_hub: str
    to_hub: str
    gbps: float


@dataclass(frozen=True)
class Objective:
    """What the schedule minimises: ``"cost"``, ``"carbon"`` or ``"grid"`` (least grid energy)."""

    minimize: str = "cost"
    carbon_price_cny_per_t: float = 0.0
    min_green_share: float = 0.0


@dataclass(frozen=True)
class Scenario:
    """A complete co-scheduling problem on one regular UTC time index."""

    name: str
    index: pd.DatetimeIndex
    step_hours: float
    timezone: str
    objective: Objective
    hubs: dict[str, HubInputs]
    workloads: tuple[Workload, ...] = ()
    links: tuple[Link, ...] = ()
    settings: dict = field(default_factory=dict)
    """The scenario as written (for ``summary.json``)."""
    plan: PlanSettings | None = None
    """The validated ``[plan]`` table (capacity sizing), or None when the scenario has none."""

    def __post_init__(self) -> None:
        if self.plan is not None and self.objective.minimize != "cost":
            raise ScenarioError(
                "objective.minimize: sizing ([plan]) weighs capacity costs against energy costs in CNY, so "
                f'it needs "cost", got {self.objective.minimize!r}. Fix: minimize = "cost" (a carbon price '
                "adds the carbon cost).")


def plan_settings(scenario: Scenario) -> PlanSettings:
    """The validated ``[plan]`` table of a scenario (:attr:`Scenario.plan`) for sizing.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    PlanSettings

    Raises
    ------
    ScenarioError
        When the scenario has no ``[plan]`` table.
    """
    if scenario.plan is None:
        raise ScenarioError(
            "plan: expected a [plan] table naming the capacities to size, got a scenario without one. "
            "Fix: add [plan.hubs.<hub>] with the capacities to size, e.g. solar_mw = { min = 0, max = 500 }.")
    return scenario.plan
