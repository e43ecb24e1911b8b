"""Benders decomposition of a sizing across weather years: the capacities in a small master LP, each
year's operation an independent subproblem (in parallel on Dask actors when workers are given).

With ``x`` the capacities (solar and wind nameplate per hub, energy and power per sized battery) [kW,
kWh] and ``c`` their cost over the horizon, the sizing of :func:`engine.studies.size.size_across_years`
is

.. math:: \\min_{x, a, u} \\; c^T x + \\sum_y f_y(x, a_y, u_{y-1}, u_y), \\qquad
          \\sum_y a_y \\le 0 \\;\\text{(average target)}, \\quad a_y = 0 \\;\\text{(every year)}

where ``f_y`` is the least operating cost of year ``y`` (grid energy, carbon, demand charges, wear: the
co-scheduling LP with the capacities fixed, :attr:`engine.model.sizing.Sizing.fixed`) under its green
floor ``s F_y <= F_y - G_y + a_y``: the target in that year, moved by an allowance ``a_y`` [kWh] that the
average target lets the years trade. ``u_y <= E`` [kWh] is each sized battery's state of charge at the
New Year that ends year ``y``, chosen by the master (the first year starts and the last ends at
``initial_soc x E``, as in the monolithic LP), so that a battery filled in December can carry a dark
January: with the state reset at every New Year instead, 10 Zhongwei years cost 12.7% more than the
monolithic LP (measured). ``f_y`` is convex and piecewise linear; one solve gives its value and, from
the duals of the fixing constraints, the floor, the first state-of-charge step and the terminal state,
a subgradient: the cut ``theta_y >= f_y(k) + g^T (x - x_k) + h (a_y - a_k) + slopes of u`` of the master
LP (one cut per year and iteration: multi-cut). The master's optimum is a lower bound of the sizing, the
best evaluated point an upper bound; iterations stop when they are within :data:`GAP` of each other.

The floor of a subproblem is soft (:class:`engine.model.green_floor.GreenFloor` ``soft``), and so is its
end state: a kWh short costs :data:`FIRST_PENALTY_CNY_PER_KWH`, so every subproblem has a solution. An
exact penalty (above the shadow prices) gives the sizing's optimum with no shortfall; when the best point
still falls short, the penalty is raised tenfold (the cuts stay valid lower bounds: ``f_y`` only grows
with it) until it meets the target or reaches :data:`LAST_PENALTY_CNY_PER_KWH` (then the target is out
of reach). Each year's operation model is compiled once and re-solved from its previous basis
(:mod:`engine.model.hot_start`).

Deferrable work crosses New Year as the battery's charge does: ``w_y[j]`` [kWh], master variables
``0 <= w_y <= R_y - U_y`` (workload ``j``'s work arrived but not yet due at the New Year ending year
``y``, from the horizon's deadlines), is the work of year ``y`` done in year ``y + 1``. Each year's
subproblem keeps the horizon's deadlines (released and due cumulative work counted from the released at
its start, :meth:`YearOperation.set_work`): it must finish its arrivals less ``w_y`` by its end
(``Workload-carry_out``) and starts with ``done = -w_{y-1}`` (the first row of
``Workload-done_recursion``), whose due part is already in its due work; the two duals are the cut's
slopes in ``w``. So the decomposition is the monolithic LP split at New Year with nothing dropped. With
each year's work due by its New Year instead, 10 Zhongwei years at 100% green cost 3.6% more than the
monolithic LP (3,417.5 against 3,299.0 M CNY), the two-year test case 1.03% (0.07% with the carry;
measured). The same to 1e-9 on 10 Zhongwei years without deferrable work (:mod:`engine.studies.size`).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Sequence

import numpy as np
from scipy.optimize import linprog

from engine.errors import InfeasibleError, SolverError
from engine.inputs.scenario import Scenario
from engine.model import CoSchedulingModel, Sizing
from engine.schedule import Schedule

GAP = 1e-3
"""Relative gap between the upper and lower bound at which the iterations stop [-] (0.1%)."""
RADIUS = 0.1
"""First half-width of the box step, relative to each capacity [-] (:func:`benders`)."""
MAX_RADIUS, MIN_RADIUS = 1.0, 1e-4
"""Widest and narrowest half-width of the box step, relative to each capacity [-]."""
MAX_ITERATIONS = 200
"""Most master iterations before giving up (SolverError)."""
FIRST_PENALTY_CNY_PER_KWH = 1e5
"""First price of a kWh of green shortfall in a subproblem [CNY/kWh] (module docstring). The last kWh of
a 100% target can be dear: on 10 years at Zhongwei the design still fell short at 1e4 CNY/kWh (measured),
so the penalty starts above that; raising it costs one re-solve per year from the same basis."""
LAST_PENALTY_CNY_PER_KWH = 1e8
"""Penalty beyond which a remaining shortfall means the target cannot be met within the bounds."""
SHORTFALL_TOLERANCE = 1e-7
"""Shortfall a year may keep, as a share of its facility energy [-] (solver round-off)."""
_KW_PER_UNIT, _CNY_PER_UNIT = 1e3, 1e6
"""The master LP in MW (MWh) and million CNY, well scaled for HiGHS."""
_FIXED = (("Renewable-solar_fixed", "fixed_solar_kw"), ("Renewable-wind_fixed", "fixed_wind_kw"),
          ("Battery-energy_fixed", "fixed_battery_energy_kwh"),
          ("Battery-power_fixed", "fixed_battery_power_kw"))
"""(Constraint, Parameter) of each capacity family, in the order of the capacity vector."""


class YearOperation:
    """One weather year's operation at given capacities: a Benders subproblem, compiled once.

    Parameters
    ----------
    scenario : Scenario
        The year's planning scenario (sized parks at zero, the target as its floor).
    sizing : Sizing
        The year's sizing, its costs over the year (:meth:`own_design`); the subproblem fixes the
        capacities and leaves their cost to the master.
    solver : str
        An installed cvxpy solver.
    work : (numpy.ndarray, numpy.ndarray), optional
        ``(steps, workloads)`` released and due cumulative IT energy of the year [kWh], counted from
        the horizon's at the year's start (:meth:`set_work`); ``None``: the year's own deadlines.
    """

    def __init__(self, scenario: Scenario, sizing: Sizing, solver: str,
                 work: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.scenario, self.sizing, self.work = scenario, sizing, work
        zero = {name: np.zeros_like(getattr(sizing, name)) for name in
                ("solar_cost_per_kw", "wind_cost_per_kw", "battery_energy_cost_per_kwh",
                 "battery_power_cost_per_kw")}
        fixed = dataclasses.replace(sizing, fixed=True, **zero)
        self.model = CoSchedulingModel(scenario, sizing=fixed, soft_green_floor=True, hot_start=True,
                                       carry_work=True)
        self.solver, self.dt = solver, scenario.step_hours
        n_hubs, n_batteries = len(self.model.hub_names), len(sizing.batteries)
        self.families = [f for f, size in zip(_FIXED, (n_hubs, n_hubs, n_batteries, n_batteries), strict=True)
                         if size]
        self.split = np.cumsum([n_hubs, n_hubs, n_batteries])[: len(self.families) - 1]
        storage = self.model.components["storage"]
        self.sized = storage.sized  # positions of the sized batteries among the model's batteries
        self.shares = np.array([storage.batteries[i].initial_soc for i in self.sized])
        self.energy = slice(2 * n_hubs, 2 * n_hubs + n_batteries)  # their energy in the capacity vector
        self.set_work(self.model)

    def set_work(self, model: CoSchedulingModel) -> None:
        """The horizon's deadlines on ``model``: released ``R`` and due ``U`` of the year's steps less the
        horizon's released work at the year's start, so ``U`` is negative while work carried in from
        the year before (Parameter ``carried_in_kwh``, :mod:`engine.model.compute`) is not yet due,
        and the year ends with ``U_T <= R_T`` (the rest, ``carried_out_kwh``, is the next year's)."""
        if self.work is not None and "released_kwh" in model.parameters:
            model.parameters["released_kwh"].value, model.parameters["due_kwh"].value = self.work

    @staticmethod
    def _carry_slopes(model: CoSchedulingModel) -> dict:
        """Slopes of the value in the work carried in and out [CNY/kWh per workload] (zero without
        deferrable work): ``done_{-1} = -w_in`` is in the first row of ``Workload-done_recursion``,
        ``w_out`` the right-hand side of ``Workload-carry_out``."""
        constraints = model.constraints
        if "Workload-carry_out" not in constraints:
            return {"in_gradient": np.zeros(0), "out_gradient": np.zeros(0)}
        recursion = np.asarray(constraints["Workload-done_recursion"].dual_value, dtype=float)
        return {"in_gradient": recursion.reshape(model.steps, -1)[0].copy(),
                "out_gradient": -np.asarray(constraints["Workload-carry_out"].dual_value,
                                            dtype=float).reshape(-1)}

    def _boundary_slopes(self, model: CoSchedulingModel, gradient: np.ndarray) -> dict:
        """Slopes of the value in the sized batteries' start and end state [CNY/kWh], and ``gradient``
        made the slope in energy at fixed start and end (the model's states are ``initial_soc x E`` plus
        the Parameters ``initial_soc_kwh``, ``final_soc_kwh``)."""
        if not self.sized:
            return {"gradient": gradient, "start_gradient": np.zeros(0), "end_gradient": np.zeros(0)}
        recursion = np.asarray(model.constraints["Battery-soc_recursion"].dual_value, dtype=float)
        terminal = np.asarray(model.constraints["Battery-terminal"].dual_value, dtype=float).reshape(-1)
        start, end = -recursion.reshape(model.steps, -1)[0, self.sized], terminal[self.sized]
        gradient = gradient.copy()
        gradient[self.energy] -= self.shares * (start + end)
        return {"gradient": gradient, "start_gradient": start, "end_gradient": end}

    def own_design(self) -> dict:
        """The capacities that would be least cost for this year alone (the sizing LP of the year with its
        target), and a cut there without another solve.

        At the optimum ``x*`` of ``min_x c x + f(x)`` over the capacity box, ``-c - mu`` is a subgradient
        of ``f`` with ``mu`` the box's multipliers, zero inside the box. ``-c`` alone gives a cut that is
        no higher than that one anywhere in the box (``mu`` pushes the slope away from the box's
        interior), so it is a valid cut (less, in energy, the part that reaches the slope through the
        start and end state ``initial_soc x E``); the duals of the floor and of the state of charge's
        first step and terminal give the allowance and New Year slopes.

        Returns
        -------
        dict
            ``capacities`` [kW, kWh] and the cut (keys of :meth:`evaluate`).
        """
        model = CoSchedulingModel(self.scenario, sizing=self.sizing, carry_work=True)
        self.set_work(model)
        model.solve(self.solver)
        parts = model.components
        chosen = np.concatenate([*parts["renewables"].nameplates_kw(),
                                 *(parts["storage"].sizes() if self.sizing.batteries else ())])
        cost = np.concatenate([getattr(self.sizing, name) for name in
                               ("solar_cost_per_kw", "wind_cost_per_kw", "battery_energy_cost_per_kwh",
                                "battery_power_cost_per_kw")])
        floor = float(model.constraints["GreenFloor-min_share"].dual_value)
        states = self.shares * chosen[self.energy]
        return {"capacities": chosen, "start_kwh": states, "end_kwh": states,
                "value": float(model.problem.value) - float(cost @ chosen),
                **self._boundary_slopes(model, -cost), **self._carry_slopes(model),
                "allowance_gradient": -floor / self.dt,
                "shortfall_kwh": 0.0, "facility_kwh": float(parts["green_floor"].facility.value) * self.dt}

    def _assign(self, capacities: np.ndarray, allowance_kwh: float, penalty_cny_per_kwh: float,
                start_kwh: np.ndarray, end_kwh: np.ndarray, carried_in_kwh: np.ndarray,
                carried_out_kwh: np.ndarray) -> None:
        parameters = self.model.parameters
        if "carried_out_kwh" in parameters:
            parameters["carried_in_kwh"].value = np.maximum(carried_in_kwh, 0.0).reshape(1, -1)
            parameters["carried_out_kwh"].value = np.maximum(carried_out_kwh, 0.0)
        for (_, name), values in zip(self.families, np.split(capacities, self.split), strict=True):
            parameters[name].value = np.maximum(values, 0.0)
        if self.sized:
            states = self.shares * np.maximum(capacities[self.energy], 0.0)
            for name, target in (("initial_soc_kwh", start_kwh), ("final_soc_kwh", end_kwh)):
                value = parameters[name].value.copy()
                value[self.sized] = np.asarray(target, dtype=float) - states
                parameters[name].value = value
        parameters["floor_allowance_kw_sum"].value = allowance_kwh / self.dt
        parameters["shortfall_penalty"].value = penalty_cny_per_kwh * self.dt
        if self.sized:
            parameters["terminal_penalty"].value = penalty_cny_per_kwh

    def evaluate(self, capacities: np.ndarray, allowance_kwh: float, penalty_cny_per_kwh: float,
                 start_kwh: np.ndarray, end_kwh: np.ndarray, carried_in_kwh: np.ndarray,
                 carried_out_kwh: np.ndarray) -> dict:
        """The year's least operating cost at the capacities and its subgradient.

        Parameters
        ----------
        capacities : numpy.ndarray
            Solar (per hub), wind (per hub), battery energy and power (per sized battery) [kW, kWh].
        allowance_kwh : float
            Green energy the year may lack against its target [kWh] (negative: must exceed it).
        penalty_cny_per_kwh : float
            Price of a kWh of shortfall beyond the allowance [CNY/kWh].
        start_kwh, end_kwh : numpy.ndarray
            State of charge of each sized battery at the year's start, and the least at its end [kWh].
        carried_in_kwh, carried_out_kwh : numpy.ndarray
            Deferrable work per workload the year takes over from the year before, and leaves undone
            for the next [kWh] (:meth:`set_work`; empty without deferrable work).

        Returns
        -------
        dict
            ``value`` [CNY], ``gradient`` per capacity [CNY per kW, kWh] (start and end held),
            ``start_gradient``, ``end_gradient`` per sized battery, ``in_gradient``, ``out_gradient``
            per workload and ``allowance_gradient`` [CNY/kWh], ``shortfall_kwh`` and ``facility_kwh``
            [kWh].
        """
        self._assign(capacities, allowance_kwh, penalty_cny_per_kwh, start_kwh, end_kwh, carried_in_kwh,
                     carried_out_kwh)
        self.model.solve_flows(self.solver)
        constraints, floor = self.model.constraints, self.model.components["green_floor"]
        # d value / d Parameter of `variable == Parameter` is minus cvxpy's dual of the constraint.
        gradient = np.concatenate([-np.asarray(constraints[name].dual_value, dtype=float).reshape(-1)
                                   for name, _ in self.families])
        return {"value": float(self.model.problem.value), **self._boundary_slopes(self.model, gradient),
                **self._carry_slopes(self.model),
                "allowance_gradient": -float(constraints["GreenFloor-min_share"].dual_value) / self.dt,
                "shortfall_kwh": float(floor.variables["shortfall_kw_sum"].value) * self.dt
                + self._terminal_shortfall_kwh(), "facility_kwh": float(floor.facility.value) * self.dt}

    def _terminal_shortfall_kwh(self) -> float:
        """How far the sized batteries end short of their end state [kWh] (0 without)."""
        if not self.sized:
            return 0.0
        return float(np.sum(self.model.components["storage"].variables["terminal_shortfall_kwh"].value))

    def schedule(self, capacities: np.ndarray, allowance_kwh: float, penalty_cny_per_kwh: float,
                 start_kwh: np.ndarray, end_kwh: np.ndarray, carried_in_kwh: np.ndarray,
                 carried_out_kwh: np.ndarray) -> Schedule:
        """The year's full schedule (flows, duals) at the capacities (:meth:`CoSchedulingModel.solve`)."""
        self._assign(capacities, allowance_kwh, penalty_cny_per_kwh, start_kwh, end_kwh, carried_in_kwh,
                     carried_out_kwh)
        return self.model.solve(self.solver)


@dataclasses.dataclass(frozen=True)
class BendersSolution:
    """The outcome of :func:`benders`.

    Attributes
    ----------
    point : dict
        ``capacities`` [kW, kWh] (order of :meth:`YearOperation.evaluate`); per year ``allowances``
        (green energy it may lack against the target, all zero for every year), ``starts`` and ``ends``
        (sized batteries' state [kWh]), ``carried_in`` and ``carried_out`` (deferrable work per
        workload [kWh]); ``z``, the master's variables (in its MW and MWh units).
    penalty_cny_per_kwh : float
        The shortfall penalty of the last iterations [CNY/kWh].
    lower_bound, upper_bound : float
        Bounds of the sizing's cost [CNY] at the end.
    iterations : int
        Master iterations (each one subproblem solve per year).
    """

    point: dict
    penalty_cny_per_kwh: float
    lower_bound: float
    upper_bound: float
    iterations: int


Evaluate = Callable[[np.ndarray, np.ndarray, float, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                    list[dict]]
"""(capacities, allowance per year, penalty, start and end states, work carried in and out per year) ->
the :meth:`YearOperation.evaluate` of every year."""


class _Master:
    """The master LPs of the multi-cut decomposition, in MW (MWh) and million CNY. Variables ``z = [x,
    a (average target only), u, w, theta]``: the capacities, the allowances, the sized batteries' state
    at each New Year between two years (``u <= E``; the first year starts and the last ends at
    ``initial_soc x E``, as the monolithic LP), the deferrable work of each workload that arrives
    before and is done after each such New Year (``0 <= w <= carry_kwh``, the work whose deadline is
    not yet passed; none at the horizon's ends), and one cost per year."""

    def __init__(self, cost: np.ndarray, bounds: np.ndarray, years: int, allowance_kwh: np.ndarray | None,
                 energy: slice, shares: np.ndarray, carry_kwh: np.ndarray):
        n, batteries, self.years = len(cost), len(shares), years
        self.energy, self.shares = np.arange(n)[energy], shares
        first_state = n + (years if allowance_kwh is not None else 0)
        self.states = first_state + np.arange((years - 1) * batteries).reshape(years - 1, batteries)
        first_carry = first_state + (years - 1) * batteries
        self.carries = first_carry + np.arange(carry_kwh.size).reshape(carry_kwh.shape)
        self.n = first_carry + carry_kwh.size  # every variable but theta
        self.allowances = slice(n, first_state)
        self.objective = np.r_[cost * _KW_PER_UNIT / _CNY_PER_UNIT, np.zeros(self.n - n), np.ones(years)]
        self.bounds = [tuple(pair / _KW_PER_UNIT) for pair in bounds.T]
        self.rows: list[np.ndarray] = []
        self.rhs: list[float] = []
        if allowance_kwh is not None:
            self.bounds += [(-b / _KW_PER_UNIT, b / _KW_PER_UNIT) for b in allowance_kwh]
            self._row(dict.fromkeys(range(self.allowances.start, self.allowances.stop), 1.0), 0.0)
        self.bounds += [(0.0, self.bounds[i][1]) for i in self.energy] * (years - 1)
        for boundary in self.states:
            for state, energy in zip(boundary, self.energy, strict=True):
                self._row({state: 1.0, energy: -1.0}, 0.0)
        self.bounds += [(0.0, high / _KW_PER_UNIT) for high in carry_kwh.reshape(-1)]
        self.bounds += [(None, None)] * years
        self.scale = np.array([max(high - low, 1e-9) for low, high in self.bounds[:self.n]])

    def _row(self, entries: dict, rhs: float) -> None:
        row = np.zeros(self.n + self.years)
        for where, value in entries.items():
            row[where] += value
        self.rows.append(row)
        self.rhs.append(rhs)

    def point(self, capacities: np.ndarray, allowances: np.ndarray, states: np.ndarray) -> np.ndarray:
        """The master vector (without theta) of capacities, allowances [kWh] and New Year states [kWh],
        no work carried across New Year."""
        z = np.zeros(self.n)
        z[:len(capacities)] = capacities
        z[self.allowances] = allowances if self.allowances.stop > self.allowances.start else []
        z[self.states.reshape(-1)] = states.reshape(-1)
        return z / _KW_PER_UNIT

    def _boundaries(self, inner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each year's value at its start and end of a quantity ``inner`` at the New Years between
        the years, zero at the horizon's ends."""
        edge = np.zeros((1, inner.shape[1]))
        return np.vstack([edge, inner]), np.vstack([inner, edge])

    def unpack(self, z: np.ndarray, n_capacities: int) -> dict:
        """Capacities, allowances and each year's start and end state of a master point [kW, kWh]."""
        z = z[:self.n] * _KW_PER_UNIT
        averaged = self.allowances.stop > self.allowances.start
        ends_of_horizon = self.shares * z[self.energy]
        states = z[self.states] if len(self.states) else np.zeros((0, len(self.shares)))
        carried_in, carried_out = self._boundaries(z[self.carries] if len(self.carries)
                                                   else np.zeros(self.carries.shape))
        return {"capacities": z[:n_capacities], "allowances": z[self.allowances] if averaged
                else np.zeros(self.years), "starts": np.vstack([ends_of_horizon, states]),
                "ends": np.vstack([states, ends_of_horizon]), "carried_in": carried_in,
                "carried_out": carried_out, "z": z / _KW_PER_UNIT}

    def add(self, year: int, z: np.ndarray, cut: dict) -> None:
        """``theta_y >= value + g (x - x_k) + h (a_y - a_k) + slopes (states - states_k) + slopes (w -
        w_k)`` at ``z``."""
        unit = _KW_PER_UNIT / _CNY_PER_UNIT
        row = np.zeros(self.n + self.years)
        row[:len(cut["gradient"])] = cut["gradient"] * unit
        if self.allowances.stop > self.allowances.start:
            row[self.allowances.start + year] = cut["allowance_gradient"] * unit
        for slope, boundary in ((cut["start_gradient"], year - 1), (cut["end_gradient"], year)):
            if 0 <= boundary < self.years - 1:
                row[self.states[boundary]] += slope * unit
            else:
                row[self.energy] += self.shares * slope * unit
        for slope, boundary in ((cut["in_gradient"], year - 1), (cut["out_gradient"], year)):
            if 0 <= boundary < self.years - 1:
                row[self.carries[boundary]] += slope * unit
        row[self.n + year] = -1.0
        self.rows.append(row)
        self.rhs.append(float(row[:self.n] @ z[:self.n]) - cut["value"] / _CNY_PER_UNIT)

    def _solve(self, objective: np.ndarray, rows: list, rhs: list, bounds: list) -> np.ndarray:
        answer = linprog(objective, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds, method="highs")
        if answer.status != 0:
            raise SolverError(f"Benders master LP: {answer.message}; solve with plan.method = \"monolithic\"")
        return answer.x

    def lower_bound(self) -> float:
        """The cut model's least cost [CNY]: a lower bound of the sizing."""
        z = self._solve(self.objective, self.rows, self.rhs, self.bounds)
        return float(self.objective @ z) * _CNY_PER_UNIT

    def box_point(self, center: np.ndarray, radius: float) -> np.ndarray:
        """The cut model's least-cost point within ``radius`` x ``max(|center_i|, 1% of its bound range)``
        of ``center`` in each coordinate (the box step)."""
        reach = radius * np.maximum(np.abs(center[:self.n]), 0.01 * self.scale)
        box = [(max(low, c - r), min(high, c + r))
               for (low, high), c, r in zip(self.bounds[:self.n], center[:self.n], reach, strict=True)]
        return self._solve(self.objective, self.rows, self.rhs, box + self.bounds[self.n:])


def benders(evaluate: Evaluate, cost: np.ndarray, bounds: np.ndarray, starts: list[dict], average: bool,
            share: float, batteries: tuple[slice, np.ndarray], carry_kwh: np.ndarray) -> BendersSolution:
    """Minimise capacity cost plus every year's operating cost by multi-cut Benders (module docstring).

    The next point is the box step's (Marsten, Hogan & Blankenship, Operations Research 23, 1975): the
    cut model's least-cost point in a box around the best point so far, of half-width :data:`RADIUS`
    relative to each capacity, doubled after a step that improves the best point and halved after one
    that does not. It damps the jumps of plain cutting planes (measured on the 1-year example: 55
    iterations without it) into the region where a year falls short of its target and keeps each
    year's re-solve near its previous basis.

    Parameters
    ----------
    evaluate : callable
        Every year's :meth:`YearOperation.evaluate` at (capacities, allowances, penalty, starts, ends,
        work carried in, work carried out) (:data:`Evaluate`).
    cost : numpy.ndarray
        Cost of each capacity over the horizon [CNY per kW, kWh].
    bounds : numpy.ndarray
        ``(2, n)`` lower and upper bounds of the capacities [kW, kWh].
    starts : list of dict
        Each year's own design and its cut (:meth:`YearOperation.own_design`): the first cuts; the
        iterations start from the largest of the designs per capacity (a design that meets every year's
        target).
    average : bool
        The target over all years together (allowances traded) rather than in each.
    share : float
        The green-share target [-] (the allowances' bounds: ``share`` x each year's facility energy).
    batteries : (slice, numpy.ndarray)
        Where the sized batteries' energy is in the capacity vector, and their ``initial_soc`` [-].
    carry_kwh : numpy.ndarray
        ``(years - 1, workloads)`` most deferrable work that can cross each New Year between two years
        (arrived, not yet due) [kWh].

    Returns
    -------
    BendersSolution

    Raises
    ------
    InfeasibleError
        The target cannot be met (in some year) within the capacity bounds.
    SolverError
        No convergence within :data:`MAX_ITERATIONS`.
    """
    years, n, penalty = len(starts), len(cost), FIRST_PENALTY_CNY_PER_KWH
    room = np.array([share * start["facility_kwh"] for start in starts])
    master = _Master(cost, bounds, years, room if average else None, *batteries, carry_kwh)
    for year, start in enumerate(starts):
        own = np.tile(start["start_kwh"], (years - 1, 1))
        master.add(year, master.point(start["capacities"], np.zeros(years), own), start)
    top = np.max([start["capacities"] for start in starts], axis=0)
    point = master.unpack(master.point(top, np.zeros(years), np.tile(batteries[1] * top[batteries[0]],
                                                                     (years - 1, 1))), n)
    cuts = _evaluate(evaluate, point, penalty)
    best: tuple = (np.inf, point, cuts)
    radius = RADIUS / 2.0  # doubled by the first step
    for iteration in range(1, MAX_ITERATIONS + 1):
        for year, cut in enumerate(cuts):
            master.add(year, point["z"], cut)
        total = float(cost @ point["capacities"]) + sum(cut["value"] for cut in cuts)
        radius = min(2.0 * radius, MAX_RADIUS) if total < best[0] else max(0.5 * radius, MIN_RADIUS)
        if total < best[0]:
            best = (total, point, cuts)
        lower = master.lower_bound()
        if best[0] - lower <= GAP * abs(best[0]):
            short = _short_years(best[2], average)
            if not short:
                return BendersSolution(best[1], penalty, lower, best[0], iteration)
            penalty *= 10.0
            if penalty > LAST_PENALTY_CNY_PER_KWH:
                years_short = ", ".join(str(year + 1) for year in short)
                raise InfeasibleError(f"plan.min_green_share: {share:g} cannot be met in weather year(s) "
                                      f"{years_short} of {years} within the capacity bounds; raise the "
                                      "bounds in [plan.hubs] or lower the target")
            point, best = best[1], (np.inf, *best[1:])
            cuts = _evaluate(evaluate, point, penalty)
            continue
        point = master.unpack(master.box_point(best[1]["z"], radius), n)
        cuts = _evaluate(evaluate, point, penalty)
    raise SolverError(f"Benders sizing: no convergence in {MAX_ITERATIONS} iterations (gap "
                      f"{(best[0] - lower) / abs(best[0]):.2%}); solve with plan.method = \"monolithic\"")


def _evaluate(evaluate: Evaluate, point: dict, penalty: float) -> list[dict]:
    return evaluate(point["capacities"], point["allowances"], penalty, point["starts"], point["ends"],
                    point["carried_in"], point["carried_out"])


def _short_years(cuts: Sequence[dict], average: bool) -> list[int]:
    """Years (positions) whose floor (or end state) falls short beyond round-off (average: the years
    together)."""
    short = [year for year, cut in enumerate(cuts)
             if cut["shortfall_kwh"] > SHORTFALL_TOLERANCE * cut["facility_kwh"]]
    if average and short and sum(c["shortfall_kwh"] for c in cuts) <= SHORTFALL_TOLERANCE * sum(
            c["facility_kwh"] for c in cuts):
        return []
    return short


class YearOperations:
    """Every year's :class:`YearOperation`, in this process or on Dask actors (one per year).

    Parameters
    ----------
    operations : sequence
        :class:`YearOperation` objects, or Dask actor proxies of them.
    """

    def __init__(self, operations: Sequence) -> None:
        self.operations = list(operations)

    def _each(self, method: str, *arguments: Sequence) -> list:
        """``method`` of every year with its own ``arguments`` (actors: all submitted, then gathered)."""
        calls = [getattr(operation, method)(*own) for operation, *own in zip(self.operations, *arguments,
                                                                              strict=True)]
        return [call.result() if hasattr(call, "result") else call for call in calls]

    def own_designs(self) -> list[dict]:
        """Each year's :meth:`YearOperation.own_design`."""
        return self._each("own_design")

    def _at(self, capacities: np.ndarray, allowances: np.ndarray, penalty: float,
            *per_year: np.ndarray) -> tuple[list, ...]:
        years = len(self.operations)
        return ([capacities] * years, [float(a) for a in allowances], [penalty] * years,
                *(list(values) for values in per_year))

    def evaluate(self, capacities: np.ndarray, allowances: np.ndarray, penalty: float, starts: np.ndarray,
                 ends: np.ndarray, carried_in: np.ndarray, carried_out: np.ndarray) -> list[dict]:
        """:meth:`YearOperation.evaluate` of every year at the capacities [kW, kWh] with its allowance,
        start and end states and work carried in and out [kWh]."""
        return self._each("evaluate", *self._at(capacities, allowances, penalty, starts, ends, carried_in,
                                                carried_out))

    def schedules(self, solution: BendersSolution) -> list[Schedule]:
        """Every year's schedule at the solution (:meth:`YearOperation.schedule`)."""
        point = solution.point
        return self._each("schedule", *self._at(point["capacities"], point["allowances"],
                                                solution.penalty_cny_per_kwh, point["starts"], point["ends"],
                                                point["carried_in"], point["carried_out"]))


@contextlib.contextmanager
def year_operations(years: Sequence[tuple[Scenario, Sizing, tuple | None]], solver: str,
                    workers: int | None = None) -> Iterator[YearOperations]:
    """The years' subproblems: in this process (``workers=None``), or one Dask actor per year on a local
    cluster of ``workers`` processes (:func:`engine.studies.cluster.dask_client`), closed on exit.

    Parameters
    ----------
    years : sequence of (Scenario, Sizing, work)
        Each year's planning scenario, sizing and horizon deadlines (:class:`YearOperation`).
    solver : str
        An installed cvxpy solver.
    workers : int, optional
        Local Dask worker processes; ``None``: no Dask.
    """
    if workers is None:
        yield YearOperations([YearOperation(scenario, sizing, solver, work)
                              for scenario, sizing, work in years])
        return
    from engine.studies.cluster import dask_client

    with dask_client(None, workers, len(years), True, "auto") as client:
        futures = [client.submit(YearOperation, scenario, sizing, solver, work, actor=True, pure=False)
                   for scenario, sizing, work in years]
        yield YearOperations([future.result() for future in futures])
