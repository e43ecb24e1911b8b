"""The co-scheduling LP assembled from its components: where and when deferrable compute runs, and how
batteries, renewables and the grid serve every hub.

Each component (:mod:`~engine.model.compute`, :mod:`~engine.model.network`,
:mod:`~engine.model.renewables`, :mod:`~engine.model.grid`, :mod:`~engine.model.storage`,
:mod:`~engine.model.green_floor`) contributes its variables, its named constraints, its objective terms
and its power into and out of each hub. The assembly sums them into one balance per hub and step,
``Hub-power_balance`` (its dual is the hub's marginal price of power):

.. math:: \\sum_c supply_c[t, h] - \\sum_c demand_c[t, h] = pue_{t,h} \\, firm\\_it_{t,h}

and builds one :class:`cvxpy.Problem` (no Problem per device, no loop over steps).

The model is written once per scenario *shape* (hubs, workloads, links, number of steps) with every
time series and every state in a :class:`cvxpy.Parameter`, so a rolling re-plan only assigns new values
(:meth:`CoSchedulingModel.update`) and re-solves; ``problem.is_dcp(dpp=True)`` holds. It is vectorised
(see ../shared/PERFORMANCE.md): one 2-D variable per family, aggregation by constant sparse 0/1
matrices, simple bounds as column bounds, the objective as one inner product ``weight @ grid``.

Facility power ``pue x it`` is the one product of data and a variable. As a Parameter it makes the DPP
compile superlinear in the horizon (measured on the 2-core CI machine, 10 hubs: 0.19 s at 336 steps,
1.0 s at 1344, 6.4 s at 2688) and costs 20-25 % of the compile even on a week (4 hubs x 168 steps:
41 ms against 32 ms of CPU), so PUE is a constant of the compiled problem unless the model is built
for re-plans that change it (``pue_parameter=True``: rolling operation and day-ahead plans).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from functools import partial

import cvxpy as cp
import numpy as np

from engine.errors import InfeasibleError, ScenarioError, SolverError
from engine.inputs.arrays import ModelData, scenario_data
from engine.inputs.scenario import Scenario
from engine.model.component import Component
from engine.model.compute import Compute
from engine.model.feasibility import Capacities, check_feasibility
from engine.model.green_floor import GreenFloor
from engine.model.grid import Grid
from engine.model.hot_start import HotStartHighs
from engine.model.interrupt import call_interruptibly
from engine.model.layout import layout_of
from engine.model.network import Network
from engine.model.renewables import Renewables
from engine.model.residuals import RELATIVE_TOLERANCE, check_residuals
from engine.model.results import flow_arrays, schedule_of
from engine.model.sizing import Sizing, check_sizing
from engine.model.solvers import installed_solvers, silence_highs_banner, solve_problem
from engine.model.storage import Storage
from engine.schedule import Schedule

SOLVER_OPTIONS = {"HIGHS": {"output_flag": False}}
"""Options passed to a solver: HiGHS writes no log at all (cvxpy only turns off its console copy)."""


class CoSchedulingModel:
    """The compiled co-scheduling LP of one scenario shape, re-solvable with new data.

    Parameters
    ----------
    scenario : Scenario
        Hubs, batteries, workloads, links, objective and (initial) series.
    pue_parameter : bool
        Make PUE a Parameter, for re-plans that change it, or (default) a constant of the compiled
        problem, which compiles faster (module docstring).
    sizing : Sizing, optional
        Capacities chosen with the operation (capacity planning); ``None``: every capacity as given.
    soft_deadlines : bool
        Deadlines with a penalised slack (:mod:`engine.model.compute`) so that a plan always exists
        (rolling operation); the deadline pre-check is then skipped. Default: hard deadlines.
    hot_start : bool
        Re-solve with HiGHS through one persistent model from the previous basis
        (:mod:`engine.model.hot_start`; rolling re-plans). Other solvers go through ``problem.solve``.
    green_floor_periods : mapping of str to slice, optional
        Periods (label -> steps) that must each meet ``min_green_share`` on their own, beside the whole
        horizon (:class:`engine.model.green_floor.GreenFloor`; sizing across weather years).
    soft_green_floor : bool
        The horizon's green floor with a penalised shortfall and an allowance (``soft`` of
        :class:`~engine.model.green_floor.GreenFloor`; Benders subproblems); its pre-check is skipped.
    carry_work : bool
        Deferrable work carried in from before the horizon and out past its end (Parameters
        ``carried_in_kwh``, and with hard deadlines ``carried_out_kwh``, of
        :class:`~engine.model.compute.Compute`; Benders year subproblems). Default: none, and no such
        Parameters.

    Attributes
    ----------
    problem : cvxpy.Problem
        The DPP problem.
    hub_names, workload_names, battery_hubs : tuple of str
        Column orders of the arrays in :class:`ModelData`.
    steps : int
        Number of steps.
    data : ModelData
        The numbers currently assigned to the Parameters.
    components : dict of str to Component
        ``"compute"``, ``"network"``, ``"renewables"``, ``"grid"``, ``"storage"``, ``"green_floor"``.
    constraints : dict of str to cvxpy.Constraint
        Every constraint by name (``"Hub-power_balance"``, ``"Battery-soc_recursion"``, ...).
    parameters : dict of str to cvxpy.Parameter
        Every Parameter by name (``"min_green_share"``, ``"renewable_kw"``, ...).
    """

    def __init__(self, scenario: Scenario, *, pue_parameter: bool = False,
                 sizing: Sizing | None = None, soft_deadlines: bool = False,
                 hot_start: bool = False, green_floor_periods: Mapping[str, slice] | None = None,
                 soft_green_floor: bool = False, carry_work: bool = False) -> None:
        started = time.perf_counter()
        self.scenario, self.sizing, self.soft_deadlines = scenario, sizing, soft_deadlines
        self.green_floor_periods, self.soft_green_floor = green_floor_periods, soft_green_floor
        self.carry_work = carry_work
        self.layout = layout = layout_of(scenario)
        self.hub_names, self.workload_names = layout.hub_names, layout.workload_names
        self.battery_hubs, self.steps = layout.battery_hubs, layout.steps
        if sizing is not None:
            check_sizing(sizing, layout.steps, layout.hub_names, layout.battery_hubs)
        self.pue_parameter = pue_parameter
        initial = scenario_data(scenario)
        self._pue_constant = None if pue_parameter else initial.pue.copy()
        self.components = self._components()
        parts = self.components.values()
        self.constraints = {name: c for part in parts for name, c in part.constraints.items()}
        self.parameters = {name: p for part in parts for name, p in part.parameters.items()}
        objective = cp.Minimize(sum(part.cost for part in parts))
        self.problem = cp.Problem(objective, list(self.constraints.values()))
        self.update(initial)
        self._construct_seconds = time.perf_counter() - started
        self._compiled = False
        self._interrupted = False
        self._hot = HotStartHighs(self.problem, SOLVER_OPTIONS["HIGHS"]) if hot_start else None

    def _components(self) -> dict[str, Component]:
        """Every component, and ``Hub-power_balance`` (on ``compute``) summing their contributions."""
        layout = self.layout
        compute = Compute(layout, self._pue_constant, soft=self.soft_deadlines, carry=self.carry_work)
        renewables = Renewables(layout, self.sizing)
        grid = Grid(layout, renewables.used_kw)
        parks_left = renewables.used_kw if grid.export_kw is None else renewables.used_kw - grid.export_kw
        storage = Storage(layout, parks_left, self.sizing)
        network = Network(layout, compute.work)
        sources = (renewables, grid, storage, network)
        net_supply = sum(part.supply for part in sources if part.supply is not None)
        net_supply = net_supply - sum(part.demand for part in sources if part.demand is not None)
        balance = net_supply if compute.demand is None else net_supply - compute.demand
        compute.constraints["Hub-power_balance"] = balance == compute.firm_facility
        return {"compute": compute, "network": network, "renewables": renewables,
                "grid": grid, "storage": storage,
                "green_floor": GreenFloor(layout.scenario, net_supply, grid.import_kw,
                                          self.green_floor_periods, soft=self.soft_green_floor)}

    def update(self, data: ModelData) -> None:
        """Assign new numbers to the Parameters (no recompilation).

        Parameters
        ----------
        data : ModelData
            Same steps, hubs, workloads and batteries as the model; :func:`scenario_data` gives the
            scenario's own.
        """
        shape = self.layout.shape
        for name in ("renewable_kw", "firm_it_kw", "pue", "carbon_g_per_kwh", "price_cny_per_kwh"):
            value = getattr(data, name)
            if value.shape != shape:
                raise ScenarioError(f"ModelData.{name}: expected shape {shape} (steps x hubs), got "
                                    f"{value.shape}; build the data on the model's steps and hubs")
        if len(data.index) != self.steps:
            raise ScenarioError(f"ModelData.index: expected {self.steps} steps, got {len(data.index)}; "
                                "use a look-ahead of the model's length")
        if not self.pue_parameter and not np.allclose(data.pue, self._pue_constant):
            raise ScenarioError("ModelData.pue: this model compiled PUE as a constant, got new values; "
                                "build CoSchedulingModel(scenario, pue_parameter=True) to re-plan with "
                                "changing PUE")
        self.data = data
        for part in self.components.values():
            part.update(data)

    def check_feasibility(self) -> None:
        """Cheap necessary conditions (:mod:`engine.model.feasibility`); raise on the first that fails."""
        parts = self.components
        check_feasibility(self.layout, self.data, Capacities(
            it_kw=parts["compute"].it_capacity_kw, grid_kw=parts["grid"].cap_kw,
            battery_kw=parts["storage"].upper_power_kw(),
            renewable_kw=parts["renewables"].upper_kw(self.data)),
            min_green_share=0.0 if self.soft_green_floor else float(self.parameters["min_green_share"].value),
            deadlines=not self.soft_deadlines)

    def sized_capacities(self) -> dict[str, dict[str, float]]:
        """The chosen capacities after a solve with a :class:`Sizing`.

        Returns
        -------
        dict
            Hub -> ``{"solar_kw", "wind_kw"}`` [kW], plus ``"battery_energy_kwh"`` [kWh] and
            ``"battery_power_kw"`` [kW] at hubs with a sized battery. Values are clipped to their bounds
            (solver round-off).

        Raises
        ------
        ValueError
            Without a sizing, or before a successful solve.
        """
        renewables = self.components["renewables"]
        if self.sizing is None or renewables.solar_kw.value is None:
            got = "no sizing" if self.sizing is None else "no solution yet"
            raise ValueError(f"sized_capacities: expected a model built with sizing= and solved, got {got}; "
                             "call solve() first")
        solar, wind = renewables.nameplates_kw()
        chosen = {name: {"solar_kw": float(solar[h]), "wind_kw": float(wind[h])}
                  for h, name in enumerate(self.hub_names)}
        if self.sizing.batteries:
            energy, power = self.components["storage"].sizes()
            for i, name in enumerate(self.sizing.batteries):
                chosen[name]["battery_energy_kwh"] = float(energy[i])
                chosen[name]["battery_power_kw"] = float(power[i])
        return chosen

    def solve(self, solver: str = "HIGHS") -> Schedule:
        """Solve with the current Parameter values.

        Parameters
        ----------
        solver : str
            An installed cvxpy solver name (default HiGHS).

        Returns
        -------
        Schedule
            ``kind="coordinated"`` with flows, objective, timings and the duals (marginal price, link
            value, green floor cost; :func:`engine.model.results.schedule_of`); ``build_seconds`` is model
            construction (first solve only) plus cvxpy compilation, ``solve_seconds`` the rest of the
            solve call [s].

        Raises
        ------
        InfeasibleError
            A pre-check fails or the solver proves infeasibility (message names the likely requirement).
        SolverError
            The solver is not installed, fails, returns any status but ``optimal`` (also
            ``optimal_inaccurate``), or its solution fails the residual check
            (:mod:`engine.model.residuals`).
        """
        status, build_seconds, solve_seconds = self._checked_run(solver)
        return schedule_of(self.layout, self.data, self.components, solver.upper(), status,
                           (build_seconds, solve_seconds))

    def solve_flows(self, solver: str = "HIGHS") -> dict[str, np.ndarray]:
        """Solve like :meth:`solve`, returning the solution as arrays only (the re-plan fast path: no
        Schedule frame, no duals).

        Returns
        -------
        dict of str to numpy.ndarray
            ``(steps, hubs)`` arrays of :data:`~engine.schedule.FLOW_COLUMNS` [kW] (state of charge
            [kWh]), ``workload_it_kw`` ``(steps, hubs, workloads)`` [kW].

        Raises
        ------
        InfeasibleError, SolverError
            As :meth:`solve`.
        """
        self._checked_run(solver)
        arrays = flow_arrays(self.layout, self.data, self.components)
        arrays["workload_it_kw"] = self.components["compute"].workload_it_kw()
        return arrays

    def _checked_run(self, solver: str) -> tuple[str, float, float]:
        """Pre-checks and one solver call; raises unless optimal (see :meth:`solve`)."""
        silence_highs_banner()
        if solver.upper() not in installed_solvers():
            raise SolverError(f"solver {solver!r} is not installed; installed: {installed_solvers()}; "
                              "pick one of them or pip install it")
        self.check_feasibility()
        status, build_seconds, solve_seconds = self._run(solver)
        if status in (cp.INFEASIBLE, cp.INFEASIBLE_INACCURATE):
            raise InfeasibleError(self._diagnose(solver, status))
        if status != cp.OPTIMAL:  # optimal_inaccurate too: its schedule may break caps and cost too little
            raise SolverError(f"solver {solver} returned status {status!r}, not 'optimal'; no schedule was "
                              "accepted. Fix: solve with HiGHS (--solver HIGHS, the default)")
        hot = self._hot is not None and solver.upper() == "HIGHS"
        if hot and self._hot.max_residual() > RELATIVE_TOLERANCE:  # the cheap check on HiGHS's LP first
            # A hot start after many changed numbers can end a little outside the bounds (measured: 3.7e-6
            # on a battery recursion); the same LP solved from scratch, once, is the retry.
            started = time.perf_counter()
            status = self._hot.solve(cold=True)
            solve_seconds += time.perf_counter() - started
            if status != cp.OPTIMAL:
                raise SolverError(f"solver {solver} returned status {status!r} on a retry from scratch; no "
                                  "schedule was accepted. Fix: report the scenario file as a bug")
            hot = self._hot.max_residual() <= RELATIVE_TOLERANCE
        if not hot:
            check_residuals(self.components, solver, status)
        return status, build_seconds, solve_seconds

    def _run(self, solver: str) -> tuple[str, float, float]:
        """One solver call: ``(status, build seconds, solve seconds)`` (see :meth:`solve`)."""
        if self._interrupted:
            raise SolverError("this model was interrupted during a solve that may still be running; build a "
                              "new CoSchedulingModel to solve again")
        started = time.perf_counter()
        try:  # in a worker thread, so that Ctrl-C and SIGTERM stop at once (engine.model.interrupt)
            if self._hot is not None and solver.upper() == "HIGHS":
                # Hot-started re-plans are short (tens of ms): run in this thread. A worker thread
                # costs ~8 ms a call (measured, the GIL hand-over), and Ctrl-C waits one re-plan at most.
                self._hot.solve()
            else:
                call_interruptibly(partial(solve_problem, self.problem, solver.upper(),
                                           SOLVER_OPTIONS.get(solver.upper(), {})))
        except cp.error.SolverError as error:
            raise SolverError(f"solver {solver} failed: {error}") from error
        except KeyboardInterrupt:
            self._interrupted = True
            raise
        total = time.perf_counter() - started
        compile_seconds = float(self.problem.compilation_time or 0.0)
        build = compile_seconds + (0.0 if self._compiled else self._construct_seconds)
        self._compiled = True
        return self.problem.status, build, total - compile_seconds

    def _diagnose(self, solver: str, status: str) -> str:
        """Name the most likely binding requirement after an infeasible solve."""
        floor = self.parameters["min_green_share"]
        share = float(floor.value)
        if share > 0:
            floor.value = 0.0
            try:
                relaxed, _, _ = self._run(solver)
            finally:
                floor.value = share
            if relaxed in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
                return (f"solver {solver}: {status}; min_green_share {share:g} cannot be met (the schedule "
                        "is feasible without it): renewables, batteries, IT capacity and links cannot shift "
                        "enough load; lower min_green_share or add solar_mw / wind_mw / battery")
        links = ", ".join(f"{a}->{b}" for a, b in self.components["network"].names)
        network = f" and link bandwidth ({links})" if links else ""
        return (f"solver {solver}: {status}; the deadlines of the deferrable work cannot be met with the IT "
                f"capacity, grid import caps, battery energy{network} available; extend deadline_hours, "
                "raise capacities or gbps")


def solve(scenario: Scenario, *, solver: str = "HIGHS") -> Schedule:
    """Build and solve the coordinated schedule of a scenario.

    Parameters
    ----------
    scenario : Scenario
        The problem.
    solver : str
        An installed cvxpy solver (default ``"HIGHS"``).

    Returns
    -------
    Schedule
        ``kind="coordinated"`` with flows, objective, timings and the duals.

    Raises
    ------
    InfeasibleError, SolverError
    """
    return CoSchedulingModel(scenario).solve(solver=solver)
