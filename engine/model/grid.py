"""The grid: import up to each hub's connection, weighted in the objective by cost, carbon or energy."""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from engine.inputs.arrays import ModelData
from engine.model.component import Component
from engine.model.layout import Layout
from engine.schedule import grid_cost_per_kwh


class Grid(Component):
    """Grid import ``grid[t, h]`` [kW], a supply of every hub's balance.

    Bounds (columns): ``0 <= grid[t, h] <= grid_import_kw[h]``. Objective:
    ``sum_{t,h} weight[t, h] dt grid[t, h]``, written as one inner product ``w @ vec(grid)`` with the
    Parameter ``w = weight x dt`` (``weight`` of :func:`~engine.schedule.grid_cost_per_kwh`) -- an
    elementwise Parameter x Variable product would make the DPP compile quadratic in the horizon
    (../shared/PERFORMANCE.md, item 6).
    """

    prefix = "Grid"

    def __init__(self, layout: Layout) -> None:
        super().__init__()
        self.layout = layout
        self.cap_kw = np.array([h.grid_import_kw for h in layout.scenario.hubs.values()], dtype=float)
        bound = np.broadcast_to(self.cap_kw, layout.shape).copy()
        self.import_kw = self.variable("grid_import_kw", layout.shape, bounds=[0, bound])
        weight = self.parameter("grid_weight_per_kw", (layout.steps * len(layout.hub_names),))
        self.supply = self.import_kw
        self.cost = weight @ cp.vec(self.import_kw, order="C")

    def update(self, data: ModelData) -> None:
        """Objective weight per kW and step from the new tariff and carbon intensity."""
        weight = grid_cost_per_kwh(self.layout.scenario, data.carbon_g_per_kwh, data.price_cny_per_kwh)
        self.parameters["grid_weight_per_kw"].value = (weight * self.layout.step_hours).reshape(-1)
