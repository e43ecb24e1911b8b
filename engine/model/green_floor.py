"""The green floor: a least share of renewable energy in the facilities' energy over the horizon."""

from __future__ import annotations

from collections.abc import Mapping

import cvxpy as cp

from engine.inputs.arrays import ModelData
from engine.inputs.scenario import Scenario
from engine.model.component import Component


class GreenFloor(Component):
    """``min_green_share`` ``s`` over all hubs and steps (Parameter ``min_green_share`` [-]).

    Green energy is facility minus grid (grid-charged battery energy counts as grey, a conservative
    rule). With the facility total written from the supply side, ``F = sum_{t,h} (renewable + grid +
    discharge - charge)`` (free of the PUE product), and ``G = sum_{t,h} grid`` [kW summed over steps]:

    - ``GreenFloor-facility_total``: an auxiliary scalar ``F`` equals that sum (a Parameter times an
      expression of variables with Parameter bounds would not be DPP);
    - ``GreenFloor-min_share``: ``s F <= F - G``;
    - for every period ``p`` of ``periods`` (e.g. each calendar year of a multi-year sizing), the same
      floor on the period's steps alone: ``GreenFloor-facility_total_<p>`` and ``GreenFloor-min_share_<p>``;
    - ``soft``: the horizon's floor may fall short, ``s F <= F - G + a + short`` with a shortfall
      ``short >= 0`` [kW summed over steps] that costs Parameter ``shortfall_penalty`` [objective unit per
      kW-step] each, and an allowance ``a`` (Parameter ``floor_allowance_kw_sum``, either sign, 0 at first)
      that moves the floor: a subproblem that always has a solution, and whose floor may be shared with
      other periods (a Benders subproblem, :mod:`engine.studies.benders`).

    Parameters
    ----------
    scenario : Scenario
        Gives the floor ``objective.min_green_share``.
    net_supply : cvxpy.Expression
        ``(steps, hubs)`` power delivered to the facilities [kW].
    grid : cvxpy.Expression
        ``(steps, hubs)`` grid import [kW].
    periods : mapping of str to slice, optional
        Label -> the steps of a period that must meet the floor on its own.
    soft : bool
        The horizon's floor with a penalised shortfall and an allowance (see above).
    """

    prefix = "GreenFloor"

    def __init__(self, scenario: Scenario, net_supply: cp.Expression, grid: cp.Expression,
                 periods: Mapping[str, slice] | None = None, soft: bool = False) -> None:
        super().__init__()
        self.scenario = scenario
        share = self.parameter("min_green_share", nonneg=True)
        relief: cp.Expression | float = 0.0
        if soft:
            shortfall = self.variable("shortfall_kw_sum", bounds=[0, None])
            allowance = self.parameter("floor_allowance_kw_sum")
            penalty = self.parameter("shortfall_penalty", nonneg=True)
            allowance.value, penalty.value = 0.0, 0.0
            self.cost = penalty * shortfall
            relief = allowance + shortfall
        self.facility = self._floor("", share, net_supply, grid, relief)
        for label, rows in (periods or {}).items():
            self._floor(f"_{label}", share, net_supply[rows, :], grid[rows, :])

    def _floor(self, suffix: str, share: cp.Parameter, net_supply: cp.Expression,
               grid: cp.Expression, relief: cp.Expression | float = 0.0) -> cp.Variable:
        """``facility_total<suffix>`` and ``min_share<suffix>`` on the given steps; returns ``F``."""
        facility = self.variable(f"facility_kw_sum{suffix}")
        self.constrain(f"facility_total{suffix}", facility == cp.sum(net_supply))
        self.constrain(f"min_share{suffix}", share * facility <= facility - cp.sum(grid) + relief)
        return facility

    def update(self, data: ModelData) -> None:
        """The scenario's floor (a re-plan without a floor sets the Parameter to 0 after this)."""
        self.parameters["min_green_share"].value = float(self.scenario.objective.min_green_share)

    def cost_per_point(self) -> float | None:
        """Objective increase per percentage point of the floor, ``lambda F / 100``; None without a floor.

        By the envelope theorem ``d objective / d s = lambda F`` with ``lambda >= 0`` the dual of
        ``GreenFloor-min_share`` and ``F`` the facility total at the optimum.
        """
        if float(self.parameters["min_green_share"].value) <= 0:
            return None
        dual = float(self.constraints["GreenFloor-min_share"].dual_value)
        return dual * float(self.facility.value) / 100.0
