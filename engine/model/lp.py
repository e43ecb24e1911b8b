"""The co-scheduling linear programme (cvxpy): where and when deferrable compute runs, and how
batteries, renewables and the grid serve every hub.

Notation: steps ``t`` (length ``dt`` [h]), hubs ``h``, deferrable workload classes ``j``, and the
*pairs* ``p = (j, h)`` of a workload and a hub it may run in. Variables (all non-negative):

- ``work[t, p]`` IT power of workload ``j`` run at hub ``h`` [kW];
- ``done[t, j]`` cumulative IT energy of workload ``j`` done by the end of step ``t`` [kWh];
- ``renewable[t, h]`` renewable power used (facility and battery charging) [kW];
- ``grid[t, h]`` grid import [kW];
- ``charge[t, b]``, ``discharge[t, b]`` [kW] and ``soc[t, b]`` (state at the end of step ``t``) [kWh]
  for every hub ``b`` with a battery (hubs without one get no battery variables).

The model is written once per scenario *shape* (hubs, workloads, links, number of steps) with every
time series and every state in a :class:`cvxpy.Parameter`, so a rolling re-plan only assigns new values
(:meth:`CoSchedulingModel.update`) and re-solves; ``problem.is_dcp(dpp=True)`` holds. It is vectorised
(see ../shared/PERFORMANCE.md): one 2-D variable per family, aggregation by constant sparse 0/1
matrices, simple bounds as column bounds, the objective as one inner product ``cost @ grid``.

Capacity planning (:class:`Sizing`, optional): the nameplates of solar and wind parks and the energy
and power of batteries become variables too, each with bounds and a cost per unit over the horizon in the
objective; available renewable power is then the series plus ``per-kW profile x nameplate``
(:mod:`engine.studies.size` builds the sizing from a scenario's ``[plan]`` table).

Facility power ``pue x it`` is the one product of data and a variable. As a Parameter it makes the DPP
compile superlinear in the horizon (measured on the 2-core CI machine, 10 hubs: 0.19 s at 336 steps,
1.0 s at 1344, 6.4 s at 2688), so PUE is a Parameter only for short horizons (rolling look-aheads,
``steps x hubs <= PUE_PARAMETER_MAX_CELLS``) and a constant of the compiled problem otherwise.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache

import cvxpy as cp
import numpy as np
import pandas as pd
import scipy.sparse as sp

from engine.errors import InfeasibleError, ScenarioError, SolverError
from engine.inputs.arrays import ModelData, scenario_data
from engine.inputs.scenario import Scenario
from engine.schedule import Schedule, flows_frame, grid_cost_per_kwh, objective_value

PUE_PARAMETER_MAX_CELLS = 5000
"""Largest ``steps x hubs`` for which PUE is a Parameter by default (see module docstring)."""

THROUGHPUT_PENALTY = 1e-6
"""Tie-breaker [objective unit per kWh of battery charge or discharge].

ASSUMPTION (modelling choice): curtailment is free, so an LP optimum may as well burn a renewable
surplus by charging and discharging at once, or cycle the battery for nothing. This tiny cost on battery
throughput removes those ties; it is six orders of magnitude below any tariff or carbon intensity and is
left out of :attr:`Schedule.objective`.
"""

@cache
def installed_solvers() -> tuple[str, ...]:
    """The cvxpy solvers installed here (cached: cvxpy's own check takes ~8 ms, once per re-plan)."""
    return tuple(cp.installed_solvers())




@dataclass(frozen=True)
class Sizing:
    """Capacities the LP chooses together with the operation (capacity planning).

    Hub arrays are in the scenario's hub order; battery arrays in the order of :attr:`batteries`, a
    subset of the scenario's hubs that have a :class:`~engine.inputs.scenario.Battery`. A sized battery's
    ``energy_kwh`` and ``power_kw`` in the scenario are ignored: its energy ``E`` and power ``P`` are
    variables with ``soc <= E``, ``charge, discharge <= P`` and initial and final state
    ``initial_soc x E``. Park nameplates add ``profile x nameplate`` to the renewable power of the
    series (give zero series for a technology whose whole nameplate is chosen).

    Attributes
    ----------
    solar_kw_per_kw, wind_kw_per_kw : numpy.ndarray
        ``(steps, hubs)`` available power per kW of nameplate [kW/kW].
    solar_kw, wind_kw : numpy.ndarray
        ``(2, hubs)`` lower and upper bound of each hub's chosen nameplate [kW] (``[0, 0]``: not sized).
    solar_cost_per_kw, wind_cost_per_kw : numpy.ndarray
        ``(hubs,)`` cost of one kW of nameplate over the horizon [objective unit per kW].
    batteries : tuple of str
        Hubs whose battery energy and power are chosen.
    battery_energy_kwh, battery_power_kw : numpy.ndarray
        ``(2, batteries)`` lower and upper bounds [kWh], [kW] (upper may be ``inf``).
    battery_energy_cost_per_kwh, battery_power_cost_per_kw : numpy.ndarray
        ``(batteries,)`` cost over the horizon [objective unit per kWh], [per kW].
    """

    solar_kw_per_kw: np.ndarray
    wind_kw_per_kw: np.ndarray
    solar_kw: np.ndarray
    wind_kw: np.ndarray
    solar_cost_per_kw: np.ndarray
    wind_cost_per_kw: np.ndarray
    batteries: tuple[str, ...] = ()
    battery_energy_kwh: np.ndarray = field(default_factory=lambda: np.zeros((2, 0)))
    battery_power_kw: np.ndarray = field(default_factory=lambda: np.zeros((2, 0)))
    battery_energy_cost_per_kwh: np.ndarray = field(default_factory=lambda: np.zeros(0))
    battery_power_cost_per_kw: np.ndarray = field(default_factory=lambda: np.zeros(0))


def _local(scenario: Scenario, moment: pd.Timestamp) -> str:
    """A timestamp as local wall time with its UTC offset, e.g. ``2025-07-02 00:00 +08:00``."""
    text = moment.tz_convert(scenario.timezone).strftime("%Y-%m-%d %H:%M %z")
    return f"{text[:-2]}:{text[-2:]}"


def _profile_matrix(per_kw: np.ndarray) -> sp.csc_matrix:
    """``(steps x hubs, hubs)`` sparse matrix: row ``t x hubs + h`` holds ``per_kw[t, h]`` in column ``h``."""
    steps, n_hubs = per_kw.shape
    rows = np.arange(steps * n_hubs)
    return sp.csc_matrix((per_kw.reshape(-1), (rows, np.tile(np.arange(n_hubs), steps))),
                         shape=(steps * n_hubs, n_hubs))


def _check_sizing(sizing: Sizing, steps: int, hub_names: tuple[str, ...],
                  battery_hubs: tuple[str, ...]) -> None:
    """Shapes and bounds of a :class:`Sizing` against the model's steps, hubs and batteries."""
    n_hubs, n_sized = len(hub_names), len(sizing.batteries)
    unknown = [name for name in sizing.batteries if name not in battery_hubs]
    if unknown:
        raise ScenarioError(f"Sizing.batteries: expected hubs with a battery {list(battery_hubs)}, got "
                            f"{unknown}; give those hubs a Battery (its energy and power are then chosen)")
    expected = {"solar_kw_per_kw": (steps, n_hubs), "wind_kw_per_kw": (steps, n_hubs),
                "solar_kw": (2, n_hubs), "wind_kw": (2, n_hubs), "solar_cost_per_kw": (n_hubs,),
                "wind_cost_per_kw": (n_hubs,), "battery_energy_kwh": (2, n_sized),
                "battery_power_kw": (2, n_sized), "battery_energy_cost_per_kwh": (n_sized,),
                "battery_power_cost_per_kw": (n_sized,)}
    for name, shape in expected.items():
        value = np.asarray(getattr(sizing, name))
        if value.shape != shape:
            raise ScenarioError(f"Sizing.{name}: expected shape {shape}, got {value.shape}; build it on the "
                                "scenario's steps, hubs and sized batteries")
        if name.endswith(("_kw", "_kwh")) and value.shape[0] == 2 and (
                (value[0] < 0).any() or (value[1] < value[0]).any() or not np.isfinite(value[0]).all()):
            raise ScenarioError(f"Sizing.{name}: expected bounds 0 <= lower <= upper, got {value.tolist()}; "
                                "fix the capacity bounds")


class CoSchedulingModel:
    """The compiled co-scheduling LP of one scenario shape, re-solvable with new data.

    Parameters
    ----------
    scenario : Scenario
        Hubs, batteries, workloads, links, objective and (initial) series.
    pue_parameter : bool or None
        Make PUE a Parameter (re-plans may change it) or a constant of the compiled problem (faster
        compile for long horizons). ``None``: a Parameter when ``steps x hubs <=``
        :data:`PUE_PARAMETER_MAX_CELLS`.
    sizing : Sizing, optional
        Capacities chosen with the operation (capacity planning); ``None``: every capacity as given.

    Attributes
    ----------
    problem : cvxpy.Problem
        The DPP problem.
    hub_names, workload_names, battery_hubs : tuple of str
        Column orders of the arrays in :class:`ModelData`.
    data : ModelData
        The numbers currently assigned to the Parameters.
    """

    def __init__(self, scenario: Scenario, *, pue_parameter: bool | None = None,
                 sizing: Sizing | None = None) -> None:
        started = time.perf_counter()
        self.scenario = scenario
        self.hub_names = tuple(scenario.hubs)
        self.workload_names = tuple(w.name for w in scenario.workloads)
        self.battery_hubs = tuple(name for name, hub in scenario.hubs.items() if hub.battery is not None)
        steps, n_hubs = len(scenario.index), len(self.hub_names)
        self.steps = steps
        self.sizing = sizing
        if sizing is not None:
            _check_sizing(sizing, steps, self.hub_names, self.battery_hubs)
        if pue_parameter is None:
            pue_parameter = steps * n_hubs <= PUE_PARAMETER_MAX_CELLS
        self.pue_parameter = pue_parameter
        initial = scenario_data(scenario)
        self._build(initial)
        self.data = initial
        self.update(initial)
        self._construct_seconds = time.perf_counter() - started
        self._compiled = False

    # ----------------------------------------------------------------------------------------- build
    def _pairs(self) -> list[tuple[int, int]]:
        hub_position = {name: i for i, name in enumerate(self.hub_names)}
        pairs = []
        for k, workload in enumerate(self.scenario.workloads):
            for name in workload.hubs:
                if name not in hub_position:
                    raise ScenarioError(f"workloads.{workload.name}.hubs: expected hubs of the scenario "
                                        f"{list(self.hub_names)}, got {name!r}; add the hub or remove it")
                pairs.append((k, hub_position[name]))
        return pairs

    def _link_matrix(self, pairs: list[tuple[int, int]]) -> tuple[sp.csc_matrix, np.ndarray]:
        """``(pairs x links)`` data per IT energy [TB per kWh] and the link capacities [TB per step]."""
        dt = self.scenario.step_hours
        routes: dict[tuple[str, str], float] = {}
        for link in self.scenario.links:
            key = (link.from_hub, link.to_hub)
            # 1 Gbit/s for 1 h carries 3600 / 8 / 1000 = 0.45 TB.
            routes[key] = routes.get(key, 0.0) + link.gbps * 3600.0 * dt / 8.0 / 1000.0
        keys = list(routes)
        rows, cols, vals = [], [], []
        for p, (k, h) in enumerate(pairs):
            workload = self.scenario.workloads[k]
            hub = self.hub_names[h]
            if hub == workload.origin or workload.data_tb_per_mwh <= 0:
                continue
            key = (workload.origin, hub)
            if key not in routes:
                raise ScenarioError(
                    f"workloads.{workload.name}: runs at {hub} with data_tb_per_mwh "
                    f"{workload.data_tb_per_mwh} but there is no link from {workload.origin} to {hub}; "
                    f"add [[links]] from = {workload.origin!r}, to = {hub!r} or remove {hub!r} from its hubs")
            rows.append(p)
            cols.append(keys.index(key))
            vals.append(workload.data_tb_per_mwh / 1000.0)
        matrix = sp.csc_matrix((vals, (rows, cols)), shape=(len(pairs), len(keys)))
        used = np.flatnonzero(np.asarray(matrix.getnnz(axis=0)) > 0)
        self._link_names = [keys[i] for i in used]
        return matrix[:, used], np.array([routes[keys[i]] for i in used])

    def _build(self, initial: ModelData) -> None:
        scenario = self.scenario
        dt = scenario.step_hours
        steps, n_hubs = self.steps, len(self.hub_names)
        hubs = list(scenario.hubs.values())
        pairs = self._pairs()
        self._pairs_list = pairs
        n_pairs, n_work = len(pairs), len(self.workload_names)
        battery_position = [self.hub_names.index(name) for name in self.battery_hubs]
        n_batt = len(battery_position)
        shape = (steps, n_hubs)

        # Parameters: everything that changes between re-plans.
        self.p_renewable = cp.Parameter(shape, nonneg=True, name="renewable_kw")
        self.p_firm_facility = cp.Parameter(shape, nonneg=True, name="firm_facility_kw")
        self.p_headroom = cp.Parameter(shape, name="it_headroom_kw")
        self.p_weight = cp.Parameter(steps * n_hubs, name="grid_weight_per_kw")
        self.p_green_share = cp.Parameter(nonneg=True, name="min_green_share")
        self.p_pue = cp.Parameter(shape, nonneg=True, name="pue") if self.pue_parameter else None
        self._pue_constant = None if self.pue_parameter else initial.pue.copy()

        capacity = np.array([h.it_capacity_kw for h in hubs], dtype=float)
        grid_cap = np.array([h.grid_import_kw for h in hubs], dtype=float)
        self._it_capacity = capacity
        self._grid_cap = grid_cap

        sizing = self.sizing
        grid = cp.Variable(shape, name="grid_import_kw", bounds=[0, np.broadcast_to(grid_cap, shape).copy()])
        constraints: list[cp.Constraint] = []
        capacity_cost = 0
        if sizing is None:
            renewable = cp.Variable(shape, name="renewable_kw", bounds=[0, self.p_renewable])
        else:
            # Sized parks: renewable_{t,h} <= series_{t,h} + solar_per_kw_{t,h} S_h + wind_per_kw_{t,h} W_h,
            # written as one sparse (steps x hubs, hubs) matrix per technology times the nameplates.
            renewable = cp.Variable(shape, name="renewable_kw", bounds=[0, None])
            self.v_solar_kw = cp.Variable(n_hubs, name="solar_nameplate_kw", bounds=list(sizing.solar_kw))
            self.v_wind_kw = cp.Variable(n_hubs, name="wind_nameplate_kw", bounds=list(sizing.wind_kw))
            sized = (_profile_matrix(sizing.solar_kw_per_kw) @ self.v_solar_kw
                     + _profile_matrix(sizing.wind_kw_per_kw) @ self.v_wind_kw)
            constraints.append(renewable <= self.p_renewable + cp.reshape(sized, shape, order="C"))
            capacity_cost = (sizing.solar_cost_per_kw @ self.v_solar_kw
                             + sizing.wind_cost_per_kw @ self.v_wind_kw)
        self.v_renewable, self.v_grid = renewable, grid
        supply = renewable + grid
        penalty = 0

        if n_pairs:
            # Aggregation of pairs to hubs (Ph) and to workloads (Pw): constant sparse 0/1 matrices.
            ph = sp.csc_matrix((np.ones(n_pairs), ([p for p in range(n_pairs)], [h for _, h in pairs])),
                               shape=(n_pairs, n_hubs))
            pw = sp.csc_matrix((np.ones(n_pairs), ([p for p in range(n_pairs)], [k for k, _ in pairs])),
                               shape=(n_pairs, n_work))
            self.p_released = cp.Parameter((steps, n_work), nonneg=True, name="released_kwh")
            self.p_due = cp.Parameter((steps, n_work), nonneg=True, name="due_kwh")
            work = cp.Variable((steps, n_pairs), name="work_it_kw", bounds=[0, None])
            done = cp.Variable((steps, n_work), name="done_kwh", bounds=[self.p_due, self.p_released])
            self.v_work, self.v_done = work, done
            it_flexible = work @ ph
            by_workload = work @ pw * dt
            # Cumulative work: done_t = done_{t-1} + sum_h work_{t,(j,h)} dt, done_{-1} = 0, and
            # due_t <= done_t <= released_t (bounds): nothing before it arrives, all by its deadline.
            constraints.append(done[0] == by_workload[0])
            if steps > 1:
                constraints.append(done[1:] - done[:-1] == by_workload[1:])
            # IT capacity: firm_it + sum_j work_(j,h) <= it_capacity.
            constraints.append(it_flexible <= self.p_headroom)
            link_matrix, link_cap = self._link_matrix(pairs)
            if link_cap.size:
                # Network: sum_j data_j x work_(j,h) x dt / 1000 <= gbps x 3600 x dt / 8 / 1000 [TB/step].
                caps = np.broadcast_to(link_cap, (steps, link_cap.size))
                constraints.append(work @ (link_matrix * dt) <= caps)
            facility_flexible = (cp.multiply(self.p_pue, it_flexible) if self.pue_parameter
                                 else cp.multiply(self._pue_constant, it_flexible))
        else:
            self.v_work = self.v_done = None
            facility_flexible = 0

        if n_batt:
            batteries = [scenario.hubs[name].battery for name in self.battery_hubs]
            power = np.array([b.power_kw for b in batteries], dtype=float)
            energy = np.array([b.energy_kwh for b in batteries], dtype=float)
            sized_batteries = [] if sizing is None else [self.battery_hubs.index(n) for n in sizing.batteries]
            if sized_batteries:
                # Box bounds of sized batteries: their upper bounds (the variables E, P tighten them).
                energy[sized_batteries] = sizing.battery_energy_kwh[1]
                power[sized_batteries] = sizing.battery_power_kw[1]
            eta = np.sqrt(np.array([b.round_trip_efficiency for b in batteries], dtype=float))
            bshape = (steps, n_batt)
            power_bound = np.broadcast_to(power, bshape).copy()
            charge = cp.Variable(bshape, name="battery_charge_kw", bounds=[0, power_bound])
            discharge = cp.Variable(bshape, name="battery_discharge_kw", bounds=[0, power_bound])
            energy_bound = np.broadcast_to(energy, bshape).copy()
            soc = cp.Variable(bshape, name="battery_soc_kwh", bounds=[0, energy_bound])
            self.v_charge, self.v_discharge, self.v_soc = charge, discharge, soc
            self.p_soc_initial = cp.Parameter(n_batt, nonneg=True, name="initial_soc_kwh")
            self.p_soc_final = cp.Parameter(n_batt, nonneg=True, name="final_soc_kwh")
            to_hubs = sp.csc_matrix((np.ones(n_batt), (range(n_batt), battery_position)),
                                    shape=(n_batt, n_hubs))
            # soc_t = soc_{t-1} + (eta_c charge_t - discharge_t / eta_d) dt,
            # soc_{-1} = initial, soc_T = final.
            stored = cp.multiply(charge, np.broadcast_to(eta * dt, bshape)) - cp.multiply(
                discharge, np.broadcast_to(dt / eta, bshape))
            soc_initial, soc_final = self.p_soc_initial, self.p_soc_final
            if sized_batteries:
                # Sized: soc_t <= E, charge_t, discharge_t <= P, soc_{-1} = soc_T = initial_soc x E.
                n_sized = len(sized_batteries)
                self.v_battery_energy_kwh = cp.Variable(n_sized, name="battery_energy_kwh",
                                                        bounds=list(sizing.battery_energy_kwh))
                self.v_battery_power_kw = cp.Variable(n_sized, name="battery_power_kw",
                                                      bounds=list(sizing.battery_power_kw))
                every_step = np.ones((steps, 1))
                energy_row = every_step @ cp.reshape(self.v_battery_energy_kwh, (1, n_sized), order="C")
                power_row = every_step @ cp.reshape(self.v_battery_power_kw, (1, n_sized), order="C")
                constraints += [soc[:, sized_batteries] <= energy_row,
                                charge[:, sized_batteries] <= power_row,
                                discharge[:, sized_batteries] <= power_row]
                initial_share = np.array([batteries[i].initial_soc for i in sized_batteries])
                to_batteries = sp.csc_matrix((initial_share, (sized_batteries, range(n_sized))),
                                             shape=(n_batt, n_sized))
                soc_initial = soc_initial + to_batteries @ self.v_battery_energy_kwh
                soc_final = soc_final + to_batteries @ self.v_battery_energy_kwh
                capacity_cost = capacity_cost + (
                    sizing.battery_energy_cost_per_kwh @ self.v_battery_energy_kwh
                    + sizing.battery_power_cost_per_kw @ self.v_battery_power_kw)
            self._sized_batteries = sized_batteries
            constraints.append(soc[0] == soc_initial + stored[0])
            if steps > 1:
                constraints.append(soc[1:] - soc[:-1] == stored[1:])
            constraints.append(soc[steps - 1] == soc_final)
            supply = supply + discharge @ to_hubs - charge @ to_hubs
            renewable_only = [i for i, b in enumerate(batteries) if not b.grid_charging]
            if renewable_only:
                # Charged from renewables only: charge_b <= renewable_used at its hub.
                constraints.append(charge[:, renewable_only]
                                   <= renewable[:, [battery_position[i] for i in renewable_only]])
            penalty = THROUGHPUT_PENALTY * dt * (cp.sum(charge) + cp.sum(discharge))
        else:
            self.v_charge = self.v_discharge = self.v_soc = None
            self._sized_batteries = []

        # Facility balance: renewable + grid + discharge - charge = pue x (firm_it + flexible it).
        self.c_balance = supply - facility_flexible == self.p_firm_facility
        constraints.append(self.c_balance)
        # Green floor (total over hubs and steps): green = facility - grid (grid-charged energy counts as
        # grey, a conservative rule), so share x sum(facility) <= sum(facility - grid), written with
        # facility = renewable + grid + discharge - charge to keep it free of the PUE product.
        # (An auxiliary scalar carries the total: a Parameter times a variable with Parameter bounds is
        # not DPP.)
        total_facility = cp.Variable(name="facility_kwh_per_dt")
        constraints += [total_facility == cp.sum(supply),
                        self.p_green_share * total_facility <= total_facility - cp.sum(grid)]
        self.capacity_cost = capacity_cost
        objective = self.p_weight @ cp.vec(grid, order="C") + capacity_cost + penalty
        self.problem = cp.Problem(cp.Minimize(objective), constraints)

    # ---------------------------------------------------------------------------------------- update
    def update(self, data: ModelData) -> None:
        """Assign new numbers to the Parameters (no recompilation).

        Parameters
        ----------
        data : ModelData
            Same steps, hubs, workloads and batteries as the model; :func:`scenario_data` gives the
            scenario's own.
        """
        steps, n_hubs = self.steps, len(self.hub_names)
        shape = (steps, n_hubs)
        for name in ("renewable_kw", "firm_it_kw", "pue", "carbon_g_per_kwh", "price_cny_per_kwh"):
            value = getattr(data, name)
            if value.shape != shape:
                raise ScenarioError(f"ModelData.{name}: expected shape {shape} (steps x hubs), got "
                                    f"{value.shape}; build the data on the model's steps and hubs")
        if len(data.index) != steps:
            raise ScenarioError(f"ModelData.index: expected {steps} steps, got {len(data.index)}; "
                                "use a look-ahead of the model's length")
        if not self.pue_parameter and not np.allclose(data.pue, self._pue_constant):
            raise ScenarioError("ModelData.pue: this model compiled PUE as a constant, got new values; "
                                "build CoSchedulingModel(scenario, pue_parameter=True) to re-plan with "
                                "changing PUE")
        self.data = data
        self.p_renewable.value = np.maximum(data.renewable_kw, 0.0)
        self.p_firm_facility.value = data.pue * data.firm_it_kw
        self.p_headroom.value = self._it_capacity - data.firm_it_kw
        if self.p_pue is not None:
            self.p_pue.value = data.pue
        weight = grid_cost_per_kwh(self.scenario, data.carbon_g_per_kwh, data.price_cny_per_kwh)
        self.p_weight.value = (weight * self.scenario.step_hours).reshape(-1)
        self.p_green_share.value = float(self.scenario.objective.min_green_share)
        if self.v_work is not None:
            self.p_released.value = data.released_kwh
            self.p_due.value = np.minimum(data.due_kwh, data.released_kwh)
        if self.v_soc is not None:
            initial, final = data.initial_soc_kwh.copy(), data.final_soc_kwh.copy()
            # A sized battery's states are initial_soc x E (in the model); no fixed part.
            initial[self._sized_batteries] = 0.0
            final[self._sized_batteries] = 0.0
            self.p_soc_initial.value = initial
            self.p_soc_final.value = final

    # ------------------------------------------------------------------------------------ pre-checks
    def check_feasibility(self) -> None:
        """Cheap necessary conditions; raise :class:`InfeasibleError` naming the first one that fails.

        1. Firm load: ``pue x firm_it <= grid cap + renewables + battery power`` and
           ``firm_it <= it_capacity`` at every hub and step.
        2. Deadlines: for each workload (and all together), the IT energy due by the end of step ``t``
           must not exceed the spare IT capacity of its hubs up to ``t``; spare IT power is
           ``min(it_capacity, (grid cap + renewables + battery power) / pue) - firm_it``.
        3. ``min_green_share``: ``share x`` the least possible facility energy (firm load, and all work at
           the lowest PUE it may meet) must not exceed the renewable energy available.
        """
        scenario, data, dt = self.scenario, self.data, self.scenario.step_hours
        hubs = list(scenario.hubs.values())
        battery_power = self._upper_battery_power_kw()
        renewable_kw = self._upper_renewable_kw()
        supply_kw = self._grid_cap + renewable_kw + battery_power
        firm_facility = data.pue * data.firm_it_kw
        for check, need, have, what in (
            (firm_facility > supply_kw * (1 + 1e-9) + 1e-6, firm_facility, supply_kw, "power"),
            (data.firm_it_kw > self._it_capacity * (1 + 1e-9) + 1e-6, data.firm_it_kw,
             np.broadcast_to(self._it_capacity, data.firm_it_kw.shape), "it"),
        ):
            if check.any():
                t, h = np.argwhere(check)[0]
                hub = hubs[h]
                when = _local(scenario, data.index[t])
                if what == "power":
                    raise InfeasibleError(
                        f"hub {hub.name}: firm load needs {need[t, h] / 1e3:,.1f} MW at {when} but "
                        f"grid_import_mw {self._grid_cap[h] / 1e3:,.1f} + renewables "
                        f"{renewable_kw[t, h] / 1e3:,.1f} + battery {battery_power[h] / 1e3:,.1f} MW "
                        f"give {have[t, h] / 1e3:,.1f} MW; raise grid_import_mw or lower firm_it_mw")
                raise InfeasibleError(
                    f"hub {hub.name}: firm IT load {need[t, h] / 1e3:,.1f} MW at {when} exceeds "
                    f"it_capacity_mw {self._it_capacity[h] / 1e3:,.1f}; raise it_capacity_mw or lower "
                    "firm_it_mw")

        spare_kw = np.clip(np.minimum(self._it_capacity, supply_kw / data.pue) - data.firm_it_kw, 0.0, None)
        cumulative_spare = np.cumsum(spare_kw, axis=0) * dt
        position = {name: i for i, name in enumerate(self.hub_names)}
        groups = [(f"workload {w.name}", [k], [position[n] for n in w.hubs])
                  for k, w in enumerate(scenario.workloads)]
        if len(scenario.workloads) > 1:
            groups.append(("all deferrable workloads together", list(range(len(scenario.workloads))),
                           sorted({position[n] for w in scenario.workloads for n in w.hubs})))
        for label, members, hub_ids in groups:
            due = data.due_kwh[:, members].sum(axis=1)
            have = cumulative_spare[:, hub_ids].sum(axis=1)
            short = due > have * (1 + 1e-7) + 1e-6
            if short.any():
                t = int(np.argmax(short))
                end = data.index[t] + pd.Timedelta(hours=dt)
                raise InfeasibleError(
                    f"{label}: {due[t] / 1e3:,.0f} MWh is due by {_local(scenario, end)} but the hubs it may "
                    f"use have only {have[t] / 1e3:,.0f} MWh of spare IT capacity before then; raise "
                    "it_capacity_mw or grid_import_mw, extend deadline_hours or allow more hubs")

        share = scenario.objective.min_green_share
        if share > 0:
            facility = firm_facility.sum() * dt
            for k, workload in enumerate(scenario.workloads):
                lowest_pue = data.pue[:, [position[n] for n in workload.hubs]].min()
                facility += lowest_pue * data.released_kwh[-1, k]
            green = renewable_kw.sum() * dt
            if share * facility > green * (1 + 1e-9) + 1e-6:
                raise InfeasibleError(
                    f"min_green_share {share:g} needs {share * facility / 1e3:,.0f} MWh of green energy but "
                    f"only {green / 1e3:,.0f} MWh of renewables are available; lower min_green_share or "
                    "add solar_mw / wind_mw")

    def _upper_renewable_kw(self) -> np.ndarray:
        """Largest available renewable power [kW]: the series plus sized parks at their upper bounds."""
        renewable = self.data.renewable_kw
        if self.sizing is not None:
            renewable = (renewable + self.sizing.solar_kw_per_kw * self.sizing.solar_kw[1]
                         + self.sizing.wind_kw_per_kw * self.sizing.wind_kw[1])
        return renewable

    def _upper_battery_power_kw(self) -> np.ndarray:
        """Largest battery power of each hub [kW] (sized batteries at their upper bounds)."""
        power = np.array([h.battery.power_kw if h.battery is not None else 0.0
                          for h in self.scenario.hubs.values()])
        if self.sizing is not None:
            for i, name in enumerate(self.sizing.batteries):
                power[self.hub_names.index(name)] = self.sizing.battery_power_kw[1, i]
        return power

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
        if self.sizing is None or self.v_solar_kw.value is None:
            got = "no sizing" if self.sizing is None else "no solution yet"
            raise ValueError(f"sized_capacities: expected a model built with sizing= and solved, got {got}; "
                             "call solve() first")
        sizing = self.sizing
        solar = np.clip(self.v_solar_kw.value, *sizing.solar_kw)
        wind = np.clip(self.v_wind_kw.value, *sizing.wind_kw)
        chosen = {name: {"solar_kw": float(solar[h]), "wind_kw": float(wind[h])}
                  for h, name in enumerate(self.hub_names)}
        if sizing.batteries:
            energy = np.clip(self.v_battery_energy_kwh.value, *sizing.battery_energy_kwh)
            power = np.clip(self.v_battery_power_kw.value, *sizing.battery_power_kw)
            for i, name in enumerate(sizing.batteries):
                chosen[name]["battery_energy_kwh"] = float(energy[i])
                chosen[name]["battery_power_kw"] = float(power[i])
        return chosen

    # ----------------------------------------------------------------------------------------- solve
    def solve(self, solver: str = "HIGHS") -> Schedule:
        """Solve with the current Parameter values.

        Parameters
        ----------
        solver : str
            An installed cvxpy solver name (default HiGHS).

        Returns
        -------
        Schedule
            ``kind="coordinated"``; ``build_seconds`` is model construction (first solve only) plus cvxpy
            compilation, ``solve_seconds`` the rest of the solve call [s].

        Raises
        ------
        InfeasibleError
            A pre-check fails or the solver proves infeasibility (message names the likely requirement).
        SolverError
            The solver is not installed, fails, or returns no optimal solution.
        """
        if solver.upper() not in installed_solvers():
            raise SolverError(f"solver {solver!r} is not installed; installed: {installed_solvers()}; "
                              "pick one of them or pip install it")
        self.check_feasibility()
        status, build_seconds, solve_seconds = self._run(solver)
        if status in (cp.INFEASIBLE, cp.INFEASIBLE_INACCURATE):
            raise InfeasibleError(self._diagnose(solver, status))
        if status not in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
            raise SolverError(f"solver {solver} returned status {status!r}; no schedule")
        return self._schedule(solver, status, build_seconds, solve_seconds)

    def _run(self, solver: str) -> tuple[str, float, float]:
        started = time.perf_counter()
        try:
            self.problem.solve(solver=solver.upper())
        except cp.error.SolverError as error:
            raise SolverError(f"solver {solver} failed: {error}") from error
        total = time.perf_counter() - started
        compile_seconds = float(self.problem.compilation_time or 0.0)
        build = compile_seconds + (0.0 if self._compiled else self._construct_seconds)
        self._compiled = True
        return self.problem.status, build, total - compile_seconds

    def _diagnose(self, solver: str, status: str) -> str:
        """Name the most likely binding requirement after an infeasible solve."""
        share = float(self.p_green_share.value)
        if share > 0:
            self.p_green_share.value = 0.0
            try:
                relaxed, _, _ = self._run(solver)
            finally:
                self.p_green_share.value = share
            if relaxed in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE):
                return (f"solver {solver}: {status}; min_green_share {share:g} cannot be met (the schedule "
                        "is feasible without it): renewables, batteries, IT capacity and links cannot shift "
                        "enough load; lower min_green_share or add solar_mw / wind_mw / battery")
        links = ", ".join(f"{a}->{b}" for a, b in getattr(self, "_link_names", []))
        network = f" and link bandwidth ({links})" if links else ""
        return (f"solver {solver}: {status}; the deadlines of the deferrable work cannot be met with the IT "
                f"capacity, grid import caps, battery energy{network} available; extend deadline_hours, "
                "raise capacities or gbps")

    def _schedule(self, solver: str, status: str, build_seconds: float, solve_seconds: float) -> Schedule:
        scenario, data, dt = self.scenario, self.data, self.scenario.step_hours
        steps, n_hubs, n_work = self.steps, len(self.hub_names), len(self.workload_names)
        sized_solar = sized_wind = np.zeros((steps, n_hubs))
        if self.sizing is not None:
            chosen = [self.sized_capacities()[name] for name in self.hub_names]
            sized_solar = self.sizing.solar_kw_per_kw * np.array([c["solar_kw"] for c in chosen])
            sized_wind = self.sizing.wind_kw_per_kw * np.array([c["wind_kw"] for c in chosen])
        available = data.renewable_kw + sized_solar + sized_wind
        renewable = np.clip(self.v_renewable.value, 0.0, available)
        grid = np.clip(self.v_grid.value, 0.0, None)
        workload_it = np.zeros((steps, n_hubs, n_work))
        if self.v_work is not None:
            work = np.clip(self.v_work.value, 0.0, None)
            for p, (k, h) in enumerate(self._pairs_list):
                workload_it[:, h, k] += work[:, p]
        charge = np.zeros((steps, n_hubs))
        discharge = np.zeros_like(charge)
        soc = np.zeros_like(charge)
        if self.v_soc is not None:
            cols = [self.hub_names.index(name) for name in self.battery_hubs]
            charge[:, cols] = np.clip(self.v_charge.value, 0.0, None)
            discharge[:, cols] = np.clip(self.v_discharge.value, 0.0, None)
            soc[:, cols] = self.v_soc.value
        it = data.firm_it_kw + workload_it.sum(axis=2)
        solar = np.column_stack([h.series["solar_kw"].to_numpy(float) for h in scenario.hubs.values()])
        wind = np.column_stack([h.series["wind_kw"].to_numpy(float) for h in scenario.hubs.values()])
        if not np.allclose(solar + wind, data.renewable_kw):
            # Re-planned renewables: split in the scenario's proportions.
            total = solar + wind
            solar_share = np.divide(solar, total, out=np.ones_like(total), where=total > 0)
            solar, wind = data.renewable_kw * solar_share, data.renewable_kw * (1 - solar_share)
        arrays = {
            "solar_kw": solar + sized_solar, "wind_kw": wind + sized_wind, "renewable_used_kw": renewable,
            "curtailed_kw": available - renewable, "grid_import_kw": grid,
            "battery_charge_kw": charge, "battery_discharge_kw": discharge, "battery_soc_kwh": soc,
            "it_kw": it, "facility_kw": data.pue * it, "pue": data.pue,
            "carbon_g_per_kwh": data.carbon_g_per_kwh, "price_cny_per_kwh": data.price_cny_per_kwh,
        }
        flows = flows_frame(scenario, data.index, arrays, workload_it)
        # Marginal price: d objective / d (facility demand [kW] at t, h), per kWh (divide by dt). cvxpy
        # reports the dual of ``supply - demand == firm`` with the opposite sign.
        dual = -np.asarray(self.c_balance.dual_value, dtype=float).reshape(steps, n_hubs) / dt
        marginal = pd.DataFrame(dual, index=pd.DatetimeIndex(data.index, name="time"),
                                columns=list(self.hub_names))
        return Schedule(kind="coordinated", flows=flows, status=status,
                        objective=objective_value(scenario, flows), solver=solver.upper(),
                        build_seconds=build_seconds, solve_seconds=solve_seconds, marginal_price=marginal)


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
        ``kind="coordinated"`` with flows, objective, timings and the balance duals.

    Raises
    ------
    InfeasibleError, SolverError
    """
    return CoSchedulingModel(scenario).solve(solver=solver)
