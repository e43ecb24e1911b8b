"""Benders decomposition of a sizing across weather years: the capacities in a small master LP, each
year's operation an independent subproblem (in parallel on Dask actors when workers are given).

With ``x`` the capacities (solar and wind nameplate per hub, energy and power per sized battery) [kW,
kWh] and ``c`` their cost over the horizon, the sizing of :func:`engine.studies.size.size_across_years`
is

.. math:: \\min_x \\; c^T x + \\sum_y f_y(x, a_y), \\qquad \\sum_y a_y \\le 0 \\;\\text{(average target)},
          \\quad a_y = 0 \\;\\text{(every year)}

where ``f_y`` is the least operating cost of year ``y`` (grid energy, carbon, demand charges, wear: the
co-scheduling LP with the capacities fixed, :attr:`engine.model.sizing.Sizing.fixed`) under its green
floor ``s F_y <= F_y - G_y + a_y``: the target in that year, moved by an allowance ``a_y`` [kWh] that the
average target lets the years trade. ``f_y`` is convex and piecewise linear; one solve at ``(x_k, a_k)``
gives its value and, from the duals of the fixing constraints and of the floor, a subgradient: the cut
``theta_y >= f_y(x_k, a_k) + g^T (x - x_k) + h (a_y - a_k)`` of the master LP (one cut per year and
iteration: multi-cut). The master's optimum is a lower bound of the sizing, the best evaluated point an
upper bound; iterations stop when they are within :data:`GAP` of each other.

The floor of a subproblem is soft (:class:`engine.model.green_floor.GreenFloor` ``soft``): a shortfall
costs :data:`FIRST_PENALTY_CNY_PER_KWH`, so every subproblem has a solution. An exact penalty (above the
floor's shadow price) gives the sizing's optimum with no shortfall; when the best point still falls short
of the target, the penalty is raised tenfold (the cuts stay valid lower bounds: ``f_y`` only grows with
it) until it meets it or reaches :data:`LAST_PENALTY_CNY_PER_KWH` (then the target is out of reach).
Each year's operation model is compiled once and re-solved from its previous basis
(:mod:`engine.model.hot_start`).

One difference from the monolithic LP: each year's battery starts and ends at its initial state of
charge (the monolithic LP carries it across New Year), and deferrable work cannot cross New Year, so the
decomposition's cost is the same or a little higher.
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
    """

    def __init__(self, scenario: Scenario, sizing: Sizing, solver: str) -> None:
        self.scenario, self.sizing = scenario, sizing
        zero = {name: np.zeros_like(getattr(sizing, name)) for name in
                ("solar_cost_per_kw", "wind_cost_per_kw", "battery_energy_cost_per_kwh",
                 "battery_power_cost_per_kw")}
        fixed = dataclasses.replace(sizing, fixed=True, **zero)
        self.model = CoSchedulingModel(scenario, sizing=fixed, soft_green_floor=True, hot_start=True)
        self.solver, self.dt = solver, scenario.step_hours
        n_hubs, n_batteries = len(self.model.hub_names), len(sizing.batteries)
        self.families = [f for f, size in zip(_FIXED, (n_hubs, n_hubs, n_batteries, n_batteries), strict=True)
                         if size]
        self.split = np.cumsum([n_hubs, n_hubs, n_batteries])[: len(self.families) - 1]

    def own_design(self) -> dict:
        """The capacities that would be least cost for this year alone (the sizing LP of the year with its
        target), and a cut there without another solve.

        At the optimum ``x*`` of ``min_x c x + f(x)`` over the capacity box, ``-c - mu`` is a subgradient
        of ``f`` with ``mu`` the box's multipliers, zero inside the box. ``-c`` alone gives a cut that is
        no higher than that one anywhere in the box (``mu`` pushes the slope away from the box's
        interior), so it is a valid cut; the floor's dual gives the allowance slope.

        Returns
        -------
        dict
            ``capacities`` [kW, kWh] and the cut (keys of :meth:`evaluate`).
        """
        model = CoSchedulingModel(self.scenario, sizing=self.sizing)
        model.solve(self.solver)
        parts = model.components
        chosen = np.concatenate([*parts["renewables"].nameplates_kw(),
                                 *(parts["storage"].sizes() if self.sizing.batteries else ())])
        cost = np.concatenate([getattr(self.sizing, name) for name in
                               ("solar_cost_per_kw", "wind_cost_per_kw", "battery_energy_cost_per_kwh",
                                "battery_power_cost_per_kw")])
        floor = float(model.constraints["GreenFloor-min_share"].dual_value)
        return {"capacities": chosen, "value": float(model.problem.value) - float(cost @ chosen),
                "gradient": -cost, "allowance_gradient": -floor / self.dt, "shortfall_kwh": 0.0,
                "facility_kwh": float(parts["green_floor"].facility.value) * self.dt}

    def _assign(self, capacities: np.ndarray, allowance_kwh: float, penalty_cny_per_kwh: float) -> None:
        parameters = self.model.parameters
        for (_, name), values in zip(self.families, np.split(capacities, self.split), strict=True):
            parameters[name].value = np.maximum(values, 0.0)
        parameters["floor_allowance_kw_sum"].value = allowance_kwh / self.dt
        parameters["shortfall_penalty"].value = penalty_cny_per_kwh * self.dt

    def evaluate(self, capacities: np.ndarray, allowance_kwh: float, penalty_cny_per_kwh: float) -> dict:
        """The year's least operating cost at the capacities and its subgradient.

        Parameters
        ----------
        capacities : numpy.ndarray
            Solar (per hub), wind (per hub), battery energy and power (per sized battery) [kW, kWh].
        allowance_kwh : float
            Green energy the year may lack against its target [kWh] (negative: must exceed it).
        penalty_cny_per_kwh : float
            Price of a kWh of shortfall beyond the allowance [CNY/kWh].

        Returns
        -------
        dict
            ``value`` [CNY], ``gradient`` per capacity [CNY per kW, kWh], ``allowance_gradient`` [CNY/kWh],
            ``shortfall_kwh`` and ``facility_kwh`` [kWh].
        """
        self._assign(capacities, allowance_kwh, penalty_cny_per_kwh)
        self.model.solve_flows(self.solver)
        constraints, floor = self.model.constraints, self.model.components["green_floor"]
        # d value / d Parameter of `variable == Parameter` is minus cvxpy's dual of the constraint.
        gradient = np.concatenate([-np.asarray(constraints[name].dual_value, dtype=float).reshape(-1)
                                   for name, _ in self.families])
        return {"value": float(self.model.problem.value), "gradient": gradient,
                "allowance_gradient": -float(constraints["GreenFloor-min_share"].dual_value) / self.dt,
                "shortfall_kwh": float(floor.variables["shortfall_kw_sum"].value) * self.dt,
                "facility_kwh": float(floor.facility.value) * self.dt}

    def schedule(self, capacities: np.ndarray, allowance_kwh: float, penalty_cny_per_kwh: float) -> Schedule:
        """The year's full schedule (flows, duals) at the capacities (:meth:`CoSchedulingModel.solve`)."""
        self._assign(capacities, allowance_kwh, penalty_cny_per_kwh)
        return self.model.solve(self.solver)


@dataclasses.dataclass(frozen=True)
class BendersSolution:
    """The outcome of :func:`benders`.

    Attributes
    ----------
    capacities : numpy.ndarray
        The chosen capacities [kW, kWh] (order of :meth:`YearOperation.evaluate`).
    allowances_kwh : numpy.ndarray
        Per year, the green energy it may lack against the target [kWh] (all zero: every year).
    penalty_cny_per_kwh : float
        The shortfall penalty of the last iterations [CNY/kWh].
    lower_bound, upper_bound : float
        Bounds of the sizing's cost [CNY] at the end.
    iterations : int
        Master iterations (each one subproblem solve per year).
    """

    capacities: np.ndarray
    allowances_kwh: np.ndarray
    penalty_cny_per_kwh: float
    lower_bound: float
    upper_bound: float
    iterations: int


Evaluate = Callable[[np.ndarray, np.ndarray, float], list[dict]]
"""(capacities, allowance per year, penalty) -> the :meth:`YearOperation.evaluate` of every year."""


class _Master:
    """The master LPs of the multi-cut decomposition over ``n`` capacities and ``years`` years, in MW
    (MWh) and million CNY; variables ``z = [x, a (average target only), theta]``."""

    def __init__(self, cost: np.ndarray, bounds: np.ndarray, years: int, allowance_kwh: np.ndarray | None):
        n, self.years = len(cost), years
        self.n = n + (years if allowance_kwh is not None else 0)  # capacities and allowances
        self.objective = np.r_[cost * _KW_PER_UNIT / _CNY_PER_UNIT, np.zeros(self.n - n), np.ones(years)]
        self.bounds = [tuple(pair / _KW_PER_UNIT) for pair in bounds.T]
        self.rows: list[np.ndarray] = []
        self.rhs: list[float] = []
        if allowance_kwh is not None:
            self.bounds += [(-b / _KW_PER_UNIT, b / _KW_PER_UNIT) for b in allowance_kwh]
            self.rows.append(np.r_[np.zeros(n), np.ones(years), np.zeros(years)])
            self.rhs.append(0.0)
        self.bounds += [(None, None)] * years
        self.scale = np.array([max(high - low, 1e-9) for low, high in self.bounds[:self.n]])

    def add(self, year: int, point: np.ndarray, cut: dict) -> None:
        """``theta_y >= value + g (x - x_k) + h (a_y - a_k)`` at the master point ``point``."""
        row = np.zeros(self.n + self.years)
        slope = cut["gradient"] * _KW_PER_UNIT / _CNY_PER_UNIT
        row[:len(slope)] = slope
        if self.n > len(slope):
            row[len(slope) + year] = cut["allowance_gradient"] * _KW_PER_UNIT / _CNY_PER_UNIT
        row[self.n + year] = -1.0
        self.rows.append(row)
        self.rhs.append(float(row[:self.n] @ point[:self.n]) - cut["value"] / _CNY_PER_UNIT)

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

    def unpack(self, z: np.ndarray, n_capacities: int) -> tuple[np.ndarray, np.ndarray]:
        """Capacities [kW, kWh] and allowances per year [kWh] of a master point."""
        allowances = z[n_capacities:self.n] * _KW_PER_UNIT if self.n > n_capacities else np.zeros(self.years)
        return z[:n_capacities] * _KW_PER_UNIT, allowances


def benders(evaluate: Evaluate, cost: np.ndarray, bounds: np.ndarray, starts: np.ndarray, average: bool,
            share: float) -> BendersSolution:
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
        Every year's :meth:`YearOperation.evaluate` at (capacities, allowances, penalty).
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

    Returns
    -------
    BendersSolution

    Raises
    ------
    InfeasibleError
        The target cannot be met (in some year) even at the upper bounds.
    SolverError
        No convergence within :data:`MAX_ITERATIONS`.
    """
    years, n, penalty = len(starts), len(cost), FIRST_PENALTY_CNY_PER_KWH
    allowances = np.zeros(years)
    room = np.array([share * start["facility_kwh"] for start in starts])
    master = _Master(cost, bounds, years, room if average else None)
    for year, start in enumerate(starts):
        master.add(year, np.r_[start["capacities"], allowances if average else []] / _KW_PER_UNIT, start)
    capacities = np.max([start["capacities"] for start in starts], axis=0)
    cuts = evaluate(capacities, allowances, penalty)
    best: tuple = (np.inf, None, capacities, allowances, cuts)
    radius = RADIUS / 2.0  # doubled by the first step
    for iteration in range(1, MAX_ITERATIONS + 1):
        point = np.r_[capacities, allowances if average else []] / _KW_PER_UNIT
        for year, cut in enumerate(cuts):
            master.add(year, point, cut)
        total = float(cost @ capacities) + sum(cut["value"] for cut in cuts)
        radius = min(2.0 * radius, 1.0) if total < best[0] else max(0.5 * radius, 1e-4)
        if total < best[0]:
            best = (total, point, capacities, allowances, cuts)
        lower = master.lower_bound()
        if best[0] - lower <= GAP * abs(best[0]):
            short = _short_years(best[4], average)
            if not short:
                return BendersSolution(best[2], best[3], penalty, lower, best[0], iteration)
            penalty *= 10.0
            if penalty > LAST_PENALTY_CNY_PER_KWH:
                years_short = ", ".join(str(year + 1) for year in short)
                raise InfeasibleError(f"plan.min_green_share: {share:g} cannot be met in weather year(s) "
                                      f"{years_short} of {years} within the capacity bounds; raise the "
                                      "bounds in [plan.hubs] or lower the target")
            cuts = evaluate(best[2], best[3], penalty)
            capacities, allowances, best = best[2], best[3], (np.inf, *best[1:])
            continue
        z = master.box_point(best[1], radius)
        capacities, allowances = master.unpack(z, n)
        cuts = evaluate(capacities, allowances, penalty)
    raise SolverError(f"Benders sizing: no convergence in {MAX_ITERATIONS} iterations (gap "
                      f"{(best[0] - lower) / abs(best[0]):.2%}); solve with plan.method = \"monolithic\"")


def _short_years(cuts: Sequence[dict], average: bool) -> list[int]:
    """Years (positions) whose floor falls short beyond round-off (average: the years together)."""
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

    def evaluate(self, capacities: np.ndarray, allowances: np.ndarray, penalty: float) -> list[dict]:
        """:meth:`YearOperation.evaluate` of every year at the capacities [kW, kWh] with its allowance
        [kWh]."""
        years = len(self.operations)
        return self._each("evaluate", [capacities] * years, [float(a) for a in allowances], [penalty] * years)

    def schedules(self, solution: BendersSolution) -> list[Schedule]:
        """Every year's schedule at the solution (:meth:`YearOperation.schedule`)."""
        years = len(self.operations)
        return self._each("schedule", [solution.capacities] * years,
                          [float(a) for a in solution.allowances_kwh], [solution.penalty_cny_per_kwh] * years)


@contextlib.contextmanager
def year_operations(years: Sequence[tuple[Scenario, Sizing]], solver: str,
                    workers: int | None = None) -> Iterator[YearOperations]:
    """The years' subproblems: in this process (``workers=None``), or one Dask actor per year on a local
    cluster of ``workers`` processes (:func:`engine.studies.cluster.dask_client`), closed on exit.

    Parameters
    ----------
    years : sequence of (Scenario, Sizing)
        Each year's planning scenario and sizing (:class:`YearOperation`).
    solver : str
        An installed cvxpy solver.
    workers : int, optional
        Local Dask worker processes; ``None``: no Dask.
    """
    if workers is None:
        yield YearOperations([YearOperation(scenario, sizing, solver) for scenario, sizing in years])
        return
    from engine.studies.cluster import dask_client

    with dask_client(None, workers, len(years), True, "auto") as client:
        futures = [client.submit(YearOperation, scenario, sizing, solver, actor=True, pure=False)
                   for scenario, sizing in years]
        yield YearOperations([future.result() for future in futures])
