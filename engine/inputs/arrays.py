"""A scenario as arrays on its steps: the numbers the LP and the rule-based policies work with."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.inputs.deadlines import cumulative_work, deadline_steps
from engine.inputs.scenario import Scenario


@dataclass(frozen=True)
class ModelData:
    """The numbers a :class:`CoSchedulingModel` is solved with, on its steps and in its orders.

    Arrays are ``(steps, hubs)`` in :attr:`CoSchedulingModel.hub_names` order unless stated.

    Attributes
    ----------
    index : pandas.DatetimeIndex
        Step starts (tz-aware UTC).
    renewable_kw : numpy.ndarray
        Available solar plus wind power [kW].
    firm_it_kw : numpy.ndarray
        Firm (interactive) IT load [kW].
    pue : numpy.ndarray
        Facility power over IT power [-].
    carbon_g_per_kwh, price_cny_per_kwh : numpy.ndarray
        Grid carbon intensity [gCO2/kWh] and tariff [CNY/kWh].
    released_kwh, due_kwh : numpy.ndarray
        ``(steps, workloads)``: cumulative IT energy of each workload that may have run (released) and
        that must have run (due) by the end of each step [kWh].
    initial_soc_kwh, final_soc_kwh : numpy.ndarray
        ``(batteries,)``: state of charge before the first step and required after the last [kWh].
    peak_to_date_kw : numpy.ndarray, optional
        ``(hubs,)`` grid import peak already reached this month before the first step [kW] (a rolling
        plan's month-to-date peak: the demand charge is paid only on an increase); default none.
    """

    index: pd.DatetimeIndex
    renewable_kw: np.ndarray
    firm_it_kw: np.ndarray
    pue: np.ndarray
    carbon_g_per_kwh: np.ndarray
    price_cny_per_kwh: np.ndarray
    released_kwh: np.ndarray
    due_kwh: np.ndarray
    initial_soc_kwh: np.ndarray
    final_soc_kwh: np.ndarray
    peak_to_date_kw: np.ndarray | None = None


def scenario_data(scenario: Scenario) -> ModelData:
    """The :class:`ModelData` of a scenario (series as given, batteries back at their initial state)."""
    hubs = list(scenario.hubs.values())
    steps = len(scenario.index)

    def column(name: str) -> np.ndarray:
        return np.column_stack([h.series[name].to_numpy(dtype=float) for h in hubs]).reshape(steps, len(hubs))

    released = np.zeros((steps, len(scenario.workloads)))
    due = np.zeros_like(released)
    for k, workload in enumerate(scenario.workloads):
        arrivals = workload.arrival_it_kw.to_numpy(dtype=float)
        released[:, k], due[:, k] = cumulative_work(
            arrivals, deadline_steps(workload.deadline_hours, scenario.step_hours), scenario.step_hours)
    soc = np.array([h.battery.initial_soc * h.battery.energy_kwh for h in hubs if h.battery is not None])
    return ModelData(
        index=scenario.index, renewable_kw=column("solar_kw") + column("wind_kw"),
        firm_it_kw=column("firm_it_kw"), pue=column("pue"), carbon_g_per_kwh=column("carbon_g_per_kwh"),
        price_cny_per_kwh=column("price_cny_per_kwh"), released_kwh=released, due_kwh=due,
        initial_soc_kwh=soc, final_soc_kwh=soc.copy())
