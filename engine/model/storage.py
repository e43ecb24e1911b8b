"""Batteries: state of charge, power and energy bounds, renewable-only charging, optional sizing."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from engine.inputs.arrays import ModelData
from engine.model.component import Component
from engine.model.layout import Layout, difference_matrix, first_step
from engine.model.sizing import Sizing

THROUGHPUT_PENALTY = 1e-6
"""Tie-breaker [objective unit per kWh of battery charge or discharge].

ASSUMPTION (modelling choice): curtailment is free, so an LP optimum may as well burn a renewable
surplus by charging and discharging at once, or cycle the battery for nothing. This tiny cost on battery
throughput removes those ties; it is six orders of magnitude below any tariff or carbon intensity and is
left out of :attr:`Schedule.objective`.
"""


class Storage(Component):
    """The batteries ``b`` (hubs with a battery): ``charge[t, b]``, ``discharge[t, b]`` [kW] and
    ``soc[t, b]`` [kWh], the state at the end of step ``t``.

    Column bounds ``0 <= charge, discharge <= P_b`` and ``0 <= soc <= E_b``. With one-way efficiency
    ``eta_b = sqrt(round_trip_efficiency)`` and the first difference ``D``:

    - ``Battery-soc_recursion``: ``soc_t - soc_{t-1} = (eta charge_t - discharge_t / eta) dt`` with
      ``soc_{-1}`` the initial state (Parameter ``initial_soc_kwh``);
    - ``Battery-terminal``: ``soc_{T-1} >= final`` (Parameter ``final_soc_kwh``), never an equality: a
      battery fuller than its target at a horizon end is no infeasibility (the throughput tie-breaker
      keeps it from charging beyond the target for nothing);
    - ``Battery-renewable_charging``: ``charge[t, b] <= renewable[t, hub(b)]`` for batteries without
      grid charging;
    - sized batteries (:class:`~engine.model.sizing.Sizing`): energy ``E`` and power ``P`` are variables,
      ``Battery-energy_capacity`` ``soc <= E``, ``Battery-charge_capacity`` ``charge <= P``,
      ``Battery-discharge_capacity`` ``discharge <= P``, initial and final state ``initial_soc x E``,
      and ``c_E @ E + c_P @ P`` in the objective; a fixed sizing (:attr:`~engine.model.sizing.Sizing.fixed`)
      sets ``Battery-energy_fixed`` ``E = fixed_battery_energy_kwh``, ``Battery-power_fixed``
      ``P = fixed_battery_power_kw``, and the terminal state may fall short by
      ``terminal_shortfall_kwh >= 0`` at Parameter ``terminal_penalty`` [objective unit per kWh] (a
      Benders year's end state is chosen by the master, :mod:`engine.studies.benders`).

    Supply ``discharge``, demand ``charge`` at the battery's hub; :data:`THROUGHPUT_PENALTY` x
    ``dt sum(charge + discharge)`` in the objective, and (least cost) the wear ``dt sum_b
    wear_b / 1000 x discharge[:, b]`` [CNY] with ``wear_cny_per_mwh`` per MWh discharged.
    """

    prefix = "Battery"

    def __init__(self, layout: Layout, renewable: cp.Variable, sizing: Sizing | None) -> None:
        super().__init__()
        self.layout = layout
        hubs = layout.scenario.hubs
        self.batteries = [hubs[name].battery for name in layout.battery_hubs]
        self.sized = [] if sizing is None else [layout.battery_hubs.index(n) for n in sizing.batteries]
        self.sizing = sizing
        self.soc = None
        if not self.batteries:
            return
        n_batt, steps, dt = len(self.batteries), layout.steps, layout.step_hours
        power = np.array([b.power_kw for b in self.batteries], dtype=float)
        energy = np.array([b.energy_kwh for b in self.batteries], dtype=float)
        if self.sized:
            # Box bounds of sized batteries: their upper bounds (the variables E, P tighten them).
            energy[self.sized], power[self.sized] = sizing.battery_energy_kwh[1], sizing.battery_power_kw[1]
        shape = (steps, n_batt)
        power_bound = np.broadcast_to(power, shape).copy()
        self.charge = self.variable("battery_charge_kw", shape, bounds=[0, power_bound])
        self.discharge = self.variable("battery_discharge_kw", shape, bounds=[0, power_bound])
        self.soc = self.variable("battery_soc_kwh", shape, bounds=[0, np.broadcast_to(energy, shape).copy()])
        # Either sign: a sized battery's part beyond initial_soc x E (a Benders year's start and end).
        initial = self.parameter("initial_soc_kwh", (n_batt,))
        final = self.parameter("final_soc_kwh", (n_batt,))
        if self.sized:
            initial, final = self._sized_states(initial, final)
        eta = np.sqrt(np.array([b.round_trip_efficiency for b in self.batteries], dtype=float))
        stored = (cp.multiply(self.charge, np.broadcast_to(eta * dt, shape))
                  - cp.multiply(self.discharge, np.broadcast_to(dt / eta, shape)))
        self.constrain("soc_recursion", difference_matrix(steps) @ self.soc - stored
                       == first_step(steps) @ cp.reshape(initial, (1, n_batt), order="C"))
        end = self.soc[steps - 1]
        if sizing is not None and sizing.fixed and self.sized:
            # A Benders year's end state is a master's choice that the year may not reach: priced short.
            short = self.variable("terminal_shortfall_kwh", (n_batt,), bounds=[0, None])
            penalty = self.parameter("terminal_penalty", nonneg=True)
            penalty.value = 0.0
            end = end + short
            self.cost = self.cost + penalty * cp.sum(short)
        self.constrain("terminal", end >= final)
        positions = [layout.hub_names.index(name) for name in layout.battery_hubs]
        only = [i for i, b in enumerate(self.batteries) if not b.grid_charging]
        if only:
            self.constrain("renewable_charging",
                           self.charge[:, only] <= renewable[:, [positions[i] for i in only]])
        to_hubs = layout.hub_matrix(positions)
        self.supply, self.demand = self.discharge @ to_hubs, self.charge @ to_hubs
        self.cost = self.cost + THROUGHPUT_PENALTY * dt * (cp.sum(self.charge) + cp.sum(self.discharge))
        wear = np.array([b.wear_cny_per_mwh for b in self.batteries], dtype=float) / 1000.0
        if layout.scenario.objective.minimize == "cost" and wear.any():
            self.cost = self.cost + cp.sum(self.discharge @ (wear * dt))

    def _sized_states(self, initial: cp.Expression, final: cp.Expression) -> tuple[cp.Expression, ...]:
        """Sized energy ``E`` and power ``P``: capacity constraints, cost, states ``+ initial_soc x E``."""
        sizing, steps, n_sized = self.sizing, self.layout.steps, len(self.sized)
        energy = self.variable("battery_energy_kwh", (n_sized,), bounds=list(sizing.battery_energy_kwh))
        power = self.variable("battery_power_kw", (n_sized,), bounds=list(sizing.battery_power_kw))
        every_step = np.ones((steps, 1))
        energy_row = every_step @ cp.reshape(energy, (1, n_sized), order="C")
        power_row = every_step @ cp.reshape(power, (1, n_sized), order="C")
        self.constrain("energy_capacity", self.soc[:, self.sized] <= energy_row)
        self.constrain("charge_capacity", self.charge[:, self.sized] <= power_row)
        self.constrain("discharge_capacity", self.discharge[:, self.sized] <= power_row)
        share = np.array([self.batteries[i].initial_soc for i in self.sized])
        to_batteries = sp.csc_matrix((share, (self.sized, range(n_sized))),
                                     shape=(len(self.batteries), n_sized))
        self.cost = (sizing.battery_energy_cost_per_kwh @ energy + sizing.battery_power_cost_per_kw @ power)
        if sizing.fixed:
            self.fix("energy", energy, "fixed_battery_energy_kwh", sizing.battery_energy_kwh[0])
            self.fix("power", power, "fixed_battery_power_kw", sizing.battery_power_kw[0])
        return initial + to_batteries @ energy, final + to_batteries @ energy

    def update(self, data: ModelData) -> None:
        """Initial and required final state [kWh] (zero fixed part for sized batteries)."""
        if self.soc is None:
            return
        initial, final = data.initial_soc_kwh.copy(), data.final_soc_kwh.copy()
        initial[self.sized] = 0.0
        final[self.sized] = 0.0
        self.parameters["initial_soc_kwh"].value = initial
        self.parameters["final_soc_kwh"].value = final

    def sizes(self) -> tuple[np.ndarray, np.ndarray]:
        """Chosen energy [kWh] and power [kW] of the sized batteries, clipped to their bounds."""
        sizing = self.sizing
        return (np.clip(self.variables["battery_energy_kwh"].value, *sizing.battery_energy_kwh),
                np.clip(self.variables["battery_power_kw"].value, *sizing.battery_power_kw))

    def upper_power_kw(self) -> np.ndarray:
        """Largest battery power of each hub [kW] (sized batteries at their upper bounds, 0 without)."""
        layout = self.layout
        power = np.array([h.battery.power_kw if h.battery is not None else 0.0
                          for h in layout.scenario.hubs.values()])
        if self.sizing is not None:
            for i, name in enumerate(self.sizing.batteries):
                power[layout.hub_names.index(name)] = self.sizing.battery_power_kw[1, i]
        return power

    def flows(self) -> dict[str, np.ndarray]:
        """``(steps, hubs)`` charge, discharge [kW] and state of charge [kWh] of the solution (0 without)."""
        layout = self.layout
        out = {name: np.zeros(layout.shape) for name in
               ("battery_charge_kw", "battery_discharge_kw", "battery_soc_kwh")}
        if self.soc is not None:
            cols = [layout.hub_names.index(name) for name in layout.battery_hubs]
            out["battery_charge_kw"][:, cols] = np.clip(self.charge.value, 0.0, None)
            out["battery_discharge_kw"][:, cols] = np.clip(self.discharge.value, 0.0, None)
            out["battery_soc_kwh"][:, cols] = self.soc.value
        return out
