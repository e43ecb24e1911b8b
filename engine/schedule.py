"""The result of scheduling: an immutable :class:`Schedule` of tidy DataFrames."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

FLOW_COLUMNS = (
    "solar_kw", "wind_kw", "renewable_used_kw", "curtailed_kw", "grid_import_kw",
    "battery_charge_kw", "battery_discharge_kw", "battery_soc_kwh", "it_kw", "facility_kw", "pue",
    "carbon_g_per_kwh", "price_cny_per_kwh",
)
"""Per hub and step, after ``time`` and ``hub``; then one ``<workload>_it_kw`` column per workload.

``renewable_used_kw`` counts renewable power used by the facility *and* to charge the battery;
``renewable_used_kw + curtailed_kw = solar_kw + wind_kw``. ``battery_soc_kwh`` is the state of charge
at the *end* of the step. Power balance: ``renewable_used + grid_import + battery_discharge =
facility + battery_charge`` and ``facility = pue x it``.
"""


@dataclass(frozen=True)
class Schedule:
    """A schedule for every hub and step.

    Attributes
    ----------
    kind : str
        ``"coordinated"`` (the LP) or ``"baseline"`` (running as usual).
    flows : pandas.DataFrame
        One row per hub and step: ``time`` (tz-aware UTC), ``hub``, :data:`FLOW_COLUMNS` and one
        ``<workload>_it_kw`` column per workload [kW].
    status : str
        Solver status (``"optimal"``) or ``"simulated"`` for the baseline.
    objective : float or None
        Objective value in the scenario's objective unit (CNY, kgCO2 or kWh).
    solver : str
        Solver name, or ``"baseline"``.
    build_seconds, solve_seconds : float
        Model build (compile) and solver time [s].
    marginal_price : pandas.DataFrame or None
        Dual of each hub's power balance per step, ``time`` x hub [objective unit per kWh].
    """

    kind: str
    flows: pd.DataFrame
    status: str
    objective: float | None
    solver: str
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    marginal_price: pd.DataFrame | None = None
