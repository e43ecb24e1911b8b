"""The flexibility offer: how far each hub's facility load can rise and fall, hour by hour, with every
deadline and battery limit of the plan still held (源网荷储 interaction with a grid operator or VPP).

The offer is computed with the plan's own LP. With ``it[t, h]`` the flexible IT power of hub ``h`` in
step ``t`` (``Workload-*`` aggregate of the model) and every constraint of the
:class:`~engine.model.assembly.CoSchedulingModel` kept (power balance, IT capacity, grid caps, links,
battery recursion, bounds and terminal state, green floor), plus

- ``Flex-late``: ``sum late <= L`` -- no more work late than the plan had (0 when it keeps every
  deadline; soft-deadline models only);
- ``Flex-lower`` / ``Flex-upper``: ``lo <= it <= hi`` (Parameters; wide open except when a move is
  tested, :meth:`Flexibility.feasible`),

the offer at ``(t, h)`` is ``max it[t, h]`` and ``min it[t, h]`` (one LP each, objective ``w @ vec(it)``
with a one-hot Parameter ``w``, so the problem compiles once), as facility power
``pue[t, h] x (extreme - planned)``. Each hourly offer holds on its own -- moves in different hours are
not additive; the day's energy offer is the same LP over the sum of the day's steps.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from engine.errors import SolverError
from engine.model.assembly import SOLVER_OPTIONS, CoSchedulingModel
from engine.model.hot_start import HotStartHighs

OPEN_BOUND_KW = 1e9
"""Bound of ``Flex-lower`` / ``Flex-upper`` when no move is being tested [kW] (wide open)."""

LATE_TOLERANCE_KWH = 1e-3
"""Slack on ``Flex-late`` for solver round-off [kWh]."""


class Flexibility:
    """Extremes of each hub's flexible IT power around a solved plan (module docstring).

    Parameters
    ----------
    model : CoSchedulingModel
        A model just solved (its Parameters hold the plan's data). Solving the offer LPs overwrites the
        shared variables' values: read the plan first.
    """

    def __init__(self, model: CoSchedulingModel) -> None:
        compute = model.components["compute"]
        self.model = model
        self.it = compute.it_flexible
        shape = model.layout.shape
        self.weight = cp.Parameter(shape[0] * shape[1], name="flex_weight")
        self.lower = cp.Parameter(shape, name="flex_lower_kw")
        self.upper = cp.Parameter(shape, name="flex_upper_kw")
        self.late_cap = cp.Parameter(nonneg=True, name="flex_late_kwh")
        self.problem = None
        if self.it is None:
            return
        constraints = [*model.constraints.values(), self.it >= self.lower, self.it <= self.upper]
        late = compute.variables.get("late_kwh")
        if late is not None:
            constraints.append(cp.sum(late) <= self.late_cap)
        self.problem = cp.Problem(cp.Minimize(self.weight @ cp.vec(self.it, order="C")), constraints)
        self._late_kwh = float(compute.late_kwh().sum())
        self.planned_kw = np.asarray(self.it.value, dtype=float).copy()
        self._solver = HotStartHighs(self.problem, SOLVER_OPTIONS["HIGHS"])
        self._open()

    def _open(self) -> None:
        shape = self.model.layout.shape
        self.lower.value = np.full(shape, -OPEN_BOUND_KW)
        self.upper.value = np.full(shape, OPEN_BOUND_KW)
        self.late_cap.value = self._late_kwh + LATE_TOLERANCE_KWH

    def extreme_kw(self, steps: np.ndarray, hub: int, highest: bool) -> float:
        """Largest (``highest``) or smallest feasible flexible IT summed over ``steps`` at ``hub`` [kW].

        Raises
        ------
        SolverError
            The offer LP has no optimal solution (it contains the plan, so it is feasible).
        """
        if self.problem is None:
            return 0.0
        shape = self.model.layout.shape
        weight = np.zeros(shape)
        weight[steps, hub] = -1.0 if highest else 1.0
        self.weight.value = weight.reshape(-1)
        status = self._solver.solve()
        if status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
            raise SolverError(f"flexibility offer: the offer LP returned {status!r}; no offer")
        return float(np.asarray(self.it.value)[steps, hub].sum())

    def offer(self, day_steps: int) -> dict[str, np.ndarray]:
        """The offer for the first ``day_steps`` steps of the plan.

        Returns
        -------
        dict
            ``up_kw``, ``down_kw``: ``(day_steps, hubs)`` facility power the load can rise and fall in
            each step, each on its own [kW]; ``up_kwh_day``, ``down_kwh_day``: ``(hubs,)`` facility energy
            over the day [kWh].
        """
        layout = self.model.layout
        n_hubs, dt, pue = len(layout.hub_names), layout.step_hours, self.model.data.pue
        up, down = np.zeros((day_steps, n_hubs)), np.zeros((day_steps, n_hubs))
        up_day, down_day = np.zeros(n_hubs), np.zeros(n_hubs)
        hubs_with_work = sorted({h for _, h in layout.pairs})
        day = np.arange(day_steps)
        for h in hubs_with_work:
            for t in day:
                planned = self.planned_kw[t, h]
                up[t, h] = pue[t, h] * max(self.extreme_kw(np.array([t]), h, True) - planned, 0.0)
                down[t, h] = pue[t, h] * max(planned - self.extreme_kw(np.array([t]), h, False), 0.0)
            planned_day = float((pue[day, h] * self.planned_kw[day, h]).sum())
            up_day[h] = self._day_energy(day, h, True) - planned_day
            down_day[h] = planned_day - self._day_energy(day, h, False)
        return {
            "up_kw": up,
            "down_kw": down,
            "up_kwh_day": np.clip(up_day, 0.0, None) * dt,
            "down_kwh_day": np.clip(down_day, 0.0, None) * dt,
        }

    def _day_energy(self, day: np.ndarray, hub: int, highest: bool) -> float:
        """Facility power summed over the day's steps at the extreme of the day's flexible IT [kW]."""
        self.extreme_kw(day, hub, highest)
        return float((self.model.data.pue[day, hub] * np.asarray(self.it.value)[day, hub]).sum())

    def feasible(self, step: int, hub: int, it_kw: float) -> bool:
        """Whether the plan's constraints (and ``Flex-late``) hold with ``it[step, hub] = it_kw``."""
        if self.problem is None:
            return it_kw == 0.0
        lower, upper = self.lower.value.copy(), self.upper.value.copy()
        lower[step, hub] = upper[step, hub] = it_kw
        self.lower.value, self.upper.value = lower, upper
        self.weight.value = np.zeros(self.weight.shape)
        try:
            status = self._solver.solve()
        finally:
            self._open()
        return status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE)
