"""The grid: import up to each hub's connection, export of park surplus, and the demand charge.

Weighted in the objective by cost, carbon or energy (:func:`~engine.schedule.grid_cost_per_kwh`).
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from engine.inputs.arrays import ModelData
from engine.inputs.scenario import FOSSIL_MARGINAL_KG_PER_KWH
from engine.model.component import Component
from engine.model.layout import Layout
from engine.schedule import grid_cost_per_kwh, month_fractions


class Grid(Component):
    """Grid import ``grid[t, h]`` [kW], a supply of every hub's balance; export ``export[t, h]`` [kW], a
    demand; the monthly peak import ``peak[m, h]`` [kW] of the demand charge.

    Bounds (columns): ``0 <= grid[t, h] <= grid_import_kw[h]``. Objective:
    ``sum_{t,h} weight[t, h] dt grid[t, h]``, written as one inner product ``w @ vec(grid)`` with the
    Parameter ``w = weight x dt`` (``weight`` of :func:`~engine.schedule.grid_cost_per_kwh`) -- an
    elementwise Parameter x Variable product would make the DPP compile quadratic in the horizon
    (../shared/PERFORMANCE.md, item 6).

    Export (hubs with ``export_kw > 0``): ``0 <= export[t, h] <= export_kw[h]`` and
    ``Grid-export_from_parks``: ``export <= renewable`` (only park output is sold). Its objective term
    is ``- v[t, h] dt export[t, h]`` (Parameter ``export_value_per_kw``): least cost values it at
    ``min(export price, import weight)``, so that importing to export is never profitable (ASSUMPTION:
    an LP has no "not both at once"; this understates export only in hours when the tariff is below the
    export price and the hub imports anyway); least consequential carbon at the fossil marginal factor.

    Demand charge (least cost, hubs with a charge): ``Grid-peak``:
    ``grid[t, h] <= peak_to_date[month(t), h] + increase[month(t), h]`` (an epigraph variable per
    calendar month and hub, ``increase >= 0``, over the Parameter ``peak_to_date_kw``: the peak already
    reached this month) and ``sum_{m,h} rate_h f_m increase[m, h]`` in the objective (Parameter
    ``demand_charge_per_kw``), ``f_m`` the share of month ``m`` the horizon covers
    (:func:`~engine.schedule.month_fractions`). A one-shot model starts every month at 0, so it pays on
    the whole peak. A rolling plan (:class:`~engine.inputs.arrays.ModelData` ``peak_to_date_kw``) pays
    only on raising the month-to-date peak, prorated over its look-ahead. ASSUMPTION, measured in
    issue 10 on the east-west example: pricing the increase at the share of the month the whole
    scenario covers (its true marginal cost) makes plans shift energy to hold peaks that settlement
    then sets anyway on forecast error (78-81 % of the perfect-foresight gain kept against 83-85 %).
    The plan's steps are priced against the month of the look-ahead's compiled months.
    """

    prefix = "Grid"

    def __init__(self, layout: Layout, renewable: cp.Expression) -> None:
        super().__init__()
        self.layout = layout
        hubs = list(layout.scenario.hubs.values())
        self.cap_kw = np.array([h.grid_import_kw for h in hubs], dtype=float)
        bound = np.broadcast_to(self.cap_kw, layout.shape).copy()
        self.import_kw = self.variable("grid_import_kw", layout.shape, bounds=[0, bound])
        weight = self.parameter("grid_weight_per_kw", (layout.steps * len(layout.hub_names),))
        self.supply = self.import_kw
        self.cost = weight @ cp.vec(self.import_kw, order="C")
        self.export_cap_kw = np.array([h.export_kw for h in hubs], dtype=float)
        self.export_kw = None
        if self.export_cap_kw.any():
            cap = np.broadcast_to(self.export_cap_kw, layout.shape).copy()
            self.export_kw = self.variable("export_kw", layout.shape, bounds=[0, cap])
            value = self.parameter("export_value_per_kw", (layout.steps * len(layout.hub_names),))
            self.constrain("export_from_parks", self.export_kw <= renewable)
            self.demand = self.export_kw
            self.cost = self.cost - value @ cp.vec(self.export_kw, order="C")
        rates = np.array([h.demand_charge_cny_per_kw_month for h in hubs], dtype=float)
        if layout.scenario.objective.minimize == "cost" and rates.any():
            self._demand_charge(rates)

    def _demand_charge(self, rates: np.ndarray) -> None:
        """``Grid-peak`` and the prorated demand charge on the monthly peaks (class docstring)."""
        position, fraction = month_fractions(self.layout.scenario)
        months = sp.csc_matrix((np.ones(position.size), (np.arange(position.size), position)),
                               shape=(position.size, fraction.size))
        shape = (fraction.size, len(rates))
        self.rates = rates
        self.increase_kw = self.variable("peak_increase_kw", shape, bounds=[0, None])
        floor = self.parameter("peak_to_date_kw", shape, nonneg=True)
        charge = self.parameter("demand_charge_per_kw", shape, nonneg=True)
        self.constrain("peak", self.import_kw <= months @ (floor + self.increase_kw))
        self.cost = self.cost + cp.sum(cp.multiply(charge, self.increase_kw))

    def _update_demand_charge(self, data: ModelData) -> None:
        """Month-to-date peak and the charge per kW of its increase (class docstring)."""
        floor = self.parameters["peak_to_date_kw"]
        _, fraction = month_fractions(self.layout.scenario)
        peak = np.zeros(len(self.rates)) if data.peak_to_date_kw is None else data.peak_to_date_kw
        floor.value = np.broadcast_to(np.asarray(peak, dtype=float), floor.shape).copy()
        self.parameters["demand_charge_per_kw"].value = np.outer(fraction, self.rates)

    def update(self, data: ModelData) -> None:
        """Objective weights per kW and step from the new tariff and carbon intensity."""
        scenario, dt = self.layout.scenario, self.layout.step_hours
        weight = grid_cost_per_kwh(scenario, data.carbon_g_per_kwh, data.price_cny_per_kwh)
        self.parameters["grid_weight_per_kw"].value = (weight * dt).reshape(-1)
        if "peak_to_date_kw" in self.parameters:
            self._update_demand_charge(data)
        if self.export_kw is None:
            return
        goal = scenario.objective.minimize
        price = np.array([h.export_price_cny_per_kwh for h in scenario.hubs.values()], dtype=float)
        if goal == "cost":
            value = np.minimum(np.broadcast_to(price, weight.shape), weight)
        elif goal == "carbon_marginal":
            value = np.full(weight.shape, FOSSIL_MARGINAL_KG_PER_KWH)
        else:
            value = np.zeros(weight.shape)
        self.parameters["export_value_per_kw"].value = (value * dt).reshape(-1)

    def export_flows(self) -> np.ndarray:
        """``(steps, hubs)`` export of the solution [kW] (zeros without export)."""
        if self.export_kw is None:
            return np.zeros(self.layout.shape)
        return np.clip(self.export_kw.value, 0.0, None)
