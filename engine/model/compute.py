"""Compute: the firm IT load and the deferrable workloads, their IT capacity and deadline windows.

Notation: steps ``t`` (length ``dt`` [h]), hubs ``h``, workloads ``j`` and the *pairs* ``p = (j, h)`` of a
workload and a hub it may run in. ``work[t, p]`` is the IT power of workload ``j`` run at hub ``h``
[kW], one 2-D variable for all pairs, aggregated to hubs and to workloads by constant sparse 0/1
matrices ``Ph`` ``(pairs, hubs)`` and ``Pw`` ``(pairs, workloads)``.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from engine.inputs.arrays import ModelData, scenario_data
from engine.model.component import Component
from engine.model.layout import Layout, difference_matrix, first_step
from engine.schedule import grid_cost_per_kwh

LATE_PENALTY_FACTOR = 1000.0
"""Penalty of soft deadlines: a kWh of IT work one hour past its deadline costs this many times the
scenario's dearest kWh of grid energy (its highest objective weight per kWh) [-].

ASSUMPTION (modelling choice): a penalty, not a price of lateness. Doing a kWh of work costs at most
``PUE x`` the dearest grid kWh (about 1.1-1.6x; 10x on the idle steps a rolling look-ahead pads past the
scenario end), so with this factor the LP meets every deadline it can and is late only where no plan
can keep it; then it finishes the late work as early as it can (the penalty accrues every hour).
"""


class Compute(Component):
    """The facility load of every hub: ``pue x (firm_it + sum_j work_(j,h))``, a demand of the balance.

    The firm part ``pue x firm_it`` is a Parameter (``firm_facility_kw``), the right-hand side of the
    balance; the flexible part is the demand expression. PUE is a Parameter (``pue``) in models built for
    re-plans, else a constant of the compiled problem (see :mod:`engine.model.assembly`).

    ``Hub-it_capacity``: ``sum_j work[t, (j, h)] <= it_capacity_h - firm_it[t, h]`` (Parameter
    ``it_headroom_kw``). Deadlines: see :meth:`_deadlines`, hard or (``soft=True``) with a penalised
    slack.
    """

    prefix = "Workload"

    def __init__(self, layout: Layout, pue: np.ndarray | None, *, soft: bool = False,
                 carry: bool = False) -> None:
        super().__init__()
        self.layout, self.soft, self.carry = layout, soft, carry
        self.it_capacity_kw = np.array([h.it_capacity_kw for h in layout.scenario.hubs.values()], dtype=float)
        self.firm_facility = self.parameter("firm_facility_kw", layout.shape, nonneg=True)
        headroom = self.parameter("it_headroom_kw", layout.shape)
        pue_factor = self.parameter("pue", layout.shape, nonneg=True) if pue is None else pue
        self.work = None
        self.it_flexible: cp.Expression | None = None
        pairs = layout.pairs
        if not pairs:
            return
        n_pairs = len(pairs)
        self.work = self.variable("work_it_kw", (layout.steps, n_pairs), bounds=[0, None])
        to_hubs = layout.hub_matrix([h for _, h in pairs])
        to_workloads = sp.csc_matrix((np.ones(n_pairs), (np.arange(n_pairs), [k for k, _ in pairs])),
                                     shape=(n_pairs, len(layout.workload_names)))
        self._deadlines(self.work @ to_workloads * layout.step_hours)
        self.it_flexible = it_flexible = self.work @ to_hubs
        self.constraints["Hub-it_capacity"] = it_flexible <= headroom
        self.demand = cp.multiply(pue_factor, it_flexible)

    def _deadlines(self, by_workload: cp.Expression) -> None:
        """Deadline windows of every workload, on its IT energy per step ``e[t, j] = sum_h work dt`` [kWh].

        The window rule is :mod:`engine.inputs.deadlines`: cumulative released and due energy
        ``R[t, j] >= U[t, j]`` (Parameters ``released_kwh``, ``due_kwh``). The state is the cumulative
        work done ``done[t, j]`` [kWh] with column bounds ``U <= done <= R`` (nothing before it arrives,
        all by its deadline) and, with the first difference ``D``, ``Workload-done_recursion``:

        .. math:: done_t - done_{t-1} = e_t, done_{-1} = -w_{in}

        and, built with ``carry=True`` and hard deadlines, ``Workload-carry_out``: ``R_T - done_T <=
        w_out``. The carries
        ``w_in``, ``w_out`` [kWh per workload] (Parameters ``carried_in_kwh``, ``carried_out_kwh``, zero
        unless set) are the work a Benders year subproblem takes over from the year before (``done``
        then counts from ``-w_in``, so ``R`` and ``U`` keep their meaning for the year's own arrivals;
        ``U`` may be negative) and leaves to the next (:mod:`engine.studies.benders`); with both zero
        they change nothing, ``U_T = R_T`` already.

        Measured against a backlog state ``b = R - done`` and a lower-triangular window matrix
        ``U <= L e <= R`` in ``benchmarks/bench_model.py`` (its docstring has the numbers).

        Soft deadlines (rolling plans, which must always exist): ``0 <= done <= R``, a slack
        ``late[t, j] >= 0`` [kWh] of work past its deadline at the end of step ``t`` and
        ``Workload-deadline``: ``done + late >= U``, with ``p dt sum(late)`` in the objective,
        ``p`` = :data:`LATE_PENALTY_FACTOR` x the scenario's highest grid weight [objective unit per kWh
        and hour late].
        """
        shape = by_workload.shape
        released = self.parameter("released_kwh", shape, nonneg=True)
        due = self.parameter("due_kwh", shape, nonneg=not self.carry)
        done = self.variable("done_kwh", shape, bounds=[0 if self.soft else due, released])
        if not self.carry:
            self.constrain("done_recursion", difference_matrix(shape[0]) @ done == by_workload)
        else:
            carried_in = self.parameter("carried_in_kwh", (1, shape[1]), nonneg=True)
            carried_in.value = np.zeros((1, shape[1]))
            self.constrain("done_recursion", difference_matrix(shape[0]) @ done
                           == by_workload - first_step(shape[0]) @ carried_in)
        if self.carry and not self.soft:
            carried_out = self.parameter("carried_out_kwh", (shape[1],), nonneg=True)
            carried_out.value = np.zeros(shape[1])
            self.constrain("carry_out", released[-1, :] - done[-1, :] <= carried_out)
        if self.soft:
            late = self.variable("late_kwh", shape, bounds=[0, None])
            self.constrain("deadline", done + late >= due)
            self.cost = self.cost + self.late_penalty_per_kwh() * self.layout.step_hours * cp.sum(late)

    def late_penalty_per_kwh(self) -> float:
        """Penalty ``p`` of soft deadlines [objective unit per kWh of IT work and hour late]."""
        data = scenario_data(self.layout.scenario)
        weight = grid_cost_per_kwh(self.layout.scenario, data.carbon_g_per_kwh, data.price_cny_per_kwh)
        return LATE_PENALTY_FACTOR * max(float(np.max(weight)), 1e-6)

    def late_kwh(self) -> np.ndarray:
        """``(steps, workloads)`` work past its deadline at the end of each step in the solution [kWh]
        (zeros with hard deadlines)."""
        late = self.variables.get("late_kwh")
        if late is None or late.value is None:
            return np.zeros((self.layout.steps, len(self.layout.workload_names)))
        return np.clip(late.value, 0.0, None)

    def update(self, data: ModelData) -> None:
        """Firm facility power, IT headroom, PUE and released and due work from the new data."""
        params = self.parameters
        params["firm_facility_kw"].value = data.pue * data.firm_it_kw
        params["it_headroom_kw"].value = self.it_capacity_kw - data.firm_it_kw
        if "pue" in params:
            params["pue"].value = data.pue
        if self.work is None:
            return
        params["released_kwh"].value = data.released_kwh
        params["due_kwh"].value = np.minimum(data.due_kwh, data.released_kwh)

    def workload_it_kw(self) -> np.ndarray:
        """``(steps, hubs, workloads)`` IT power of each workload at each hub in the solution [kW]."""
        layout = self.layout
        out = np.zeros((layout.steps, len(layout.hub_names), len(layout.workload_names)))
        if self.work is not None:
            work = np.clip(self.work.value, 0.0, None)
            for p, (k, h) in enumerate(layout.pairs):
                out[:, h, k] += work[:, p]
        return out
