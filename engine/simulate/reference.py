"""Reference policies: rule-based schedules without an LP, scored exactly like the coordinated one.

- *as usual* (:func:`engine.simulate.baseline.run_baseline`): work at its origin on arrival, FIFO;
- *static west* (:func:`static_west`), 东数西算 as built: each deferrable workload is sent to the allowed
  hub with the most renewable surplus on average over the horizon (mean of renewables minus the firm
  facility load), up to link and IT capacity, and run on arrival; what does not fit runs at its origin;
- *greedy online* (:func:`greedy_online`), an operator's rule without look-ahead: each step, work runs
  where an allowed hub has a renewable surplus now (the hub with the most surplus first, within link
  capacity), or at its origin in a valley-tariff hour (:func:`~engine.simulate.battery_rule.valley_steps`);
  otherwise it waits until its deadline forces it (then at its origin, else the hub with most surplus).

Every policy serves its hubs with the same battery rule (:mod:`engine.simulate.battery_rule`). Within a
step, workloads are placed earliest deadline first; unfinished work keeps waiting (it shows as missed
deadlines, never hidden).
"""

from __future__ import annotations

import numpy as np

from engine.inputs.arrays import ModelData, scenario_data
from engine.inputs.scenario import Scenario
from engine.schedule import Schedule, flows_frame, objective_value, optional_columns
from engine.simulate.battery_rule import serve_hubs, valley_steps

TB_PER_GBPS_HOUR = 3600.0 / 8.0 / 1000.0
"""Data carried by 1 Gbit/s in one hour [TB] (as in :mod:`engine.model.network`)."""
REFERENCE_POLICIES = ("static_west", "greedy_online")
"""The reference policies beside the baseline (as usual), by their ``summary.json`` names."""


def it_room_kw(scenario: Scenario, data: ModelData) -> np.ndarray:
    """``(steps, hubs)`` IT power a hub can give deferrable work [kW]: capacity after the firm load, and
    what grid cap plus renewables can supply at this PUE."""
    hubs = list(scenario.hubs.values())
    it_capacity = np.array([h.it_capacity_kw for h in hubs], dtype=float)
    grid_cap = np.array([h.grid_import_kw for h in hubs], dtype=float)
    return np.clip(np.minimum(it_capacity, (grid_cap + data.renewable_kw) / data.pue) - data.firm_it_kw,
                   0.0, None)


def policy_schedule(scenario: Scenario, workload_it: np.ndarray, kind: str) -> Schedule:
    """Serve a placement of the work with the battery rule and score it.

    Parameters
    ----------
    scenario : Scenario
        The problem.
    workload_it : numpy.ndarray
        ``(steps, hubs, workloads)`` IT power of each workload at each hub [kW].
    kind : str
        The policy's name (the schedule's ``kind`` and ``solver``).

    Returns
    -------
    Schedule
        ``status="simulated"``; flows with ``unserved_kw`` and the scenario's optional columns.
    """
    data = scenario_data(scenario)
    hub_names = list(scenario.hubs)
    transfer = np.zeros(data.renewable_kw.shape)
    for k, workload in enumerate(scenario.workloads):
        origin = hub_names.index(workload.origin)
        moved_kw = workload_it[:, :, k].sum(axis=1) - workload_it[:, origin, k]
        transfer[:, origin] += (moved_kw * workload.data_tb_per_mwh / 1000.0
                                * scenario.transfer.energy_kwh_per_tb)
    it = data.firm_it_kw + workload_it.sum(axis=2)
    facility = data.pue * it
    served = serve_hubs(scenario, data, facility + transfer)
    hubs = list(scenario.hubs.values())
    arrays = {
        "solar_kw": np.column_stack([h.series["solar_kw"].to_numpy(float) for h in hubs]),
        "wind_kw": np.column_stack([h.series["wind_kw"].to_numpy(float) for h in hubs]),
        **{name: served[name] for name in ("renewable_used_kw", "curtailed_kw", "grid_import_kw",
                                           "battery_charge_kw", "battery_discharge_kw", "battery_soc_kwh")},
        "it_kw": it, "facility_kw": facility, "pue": data.pue,
        "carbon_g_per_kwh": data.carbon_g_per_kwh, "price_cny_per_kwh": data.price_cny_per_kwh,
        **optional_columns(scenario, served["exported_kw"], transfer),
        "unserved_kw": served["unserved_kw"],
    }
    flows = flows_frame(scenario, scenario.index, arrays, workload_it)
    return Schedule(kind=kind, flows=flows, status="simulated", objective=objective_value(scenario, flows),
                    solver=kind)


class _Placer:
    """What is left in one step: IT energy per hub [kWh] and data per route [TB]."""

    def __init__(self, scenario: Scenario, room_kwh: np.ndarray, route_tb: dict) -> None:
        self.scenario, self.room, self.route_tb = scenario, room_kwh, route_tb
        self.hub_names = list(scenario.hubs)

    def place(self, k: int, h: int, want_kwh: float) -> float:
        """Run up to ``want_kwh`` of workload ``k`` at hub ``h`` within room and link [kWh placed]."""
        workload = self.scenario.workloads[k]
        route = (workload.origin, self.hub_names[h])
        limit = self.room[h]
        tb_per_kwh = workload.data_tb_per_mwh / 1000.0
        if route[0] != route[1] and tb_per_kwh > 0:
            limit = min(limit, self.route_tb.get(route, 0.0) / tb_per_kwh)
        placed = max(min(want_kwh, limit), 0.0)
        self.room[h] -= placed
        if route[0] != route[1] and tb_per_kwh > 0:
            self.route_tb[route] -= placed * tb_per_kwh
        return placed


def _route_tb(scenario: Scenario) -> dict:
    """Data each route carries in one step [TB] (parallel links summed)."""
    routes: dict = {}
    for link in scenario.links:
        key = (link.from_hub, link.to_hub)
        routes[key] = routes.get(key, 0.0) + link.gbps * TB_PER_GBPS_HOUR * scenario.step_hours
    return routes


def _simulate(scenario: Scenario, step_rule: callable) -> np.ndarray:
    """``(steps, hubs, workloads)`` IT power of a placement rule called once per step and workload.

    ``step_rule(placer, t, k, outstanding_kwh, forced_kwh)`` returns ``{hub position: kWh}``.
    """
    data = scenario_data(scenario)
    dt = scenario.step_hours
    room = it_room_kw(scenario, data) * dt
    steps, n_hubs, n_work = len(scenario.index), len(scenario.hubs), len(scenario.workloads)
    order = sorted(range(n_work), key=lambda k: scenario.workloads[k].deadline_hours)
    done = np.zeros(n_work)
    run = np.zeros((steps, n_hubs, n_work))
    for t in range(steps):
        placer = _Placer(scenario, room[t].copy(), _route_tb(scenario))
        for k in order:
            outstanding = data.released_kwh[t, k] - done[k]
            if outstanding <= 1e-9:
                continue
            forced = max(data.due_kwh[t, k] - done[k], 0.0)
            for h, kwh in step_rule(placer, t, k, outstanding, forced).items():
                run[t, h, k] += kwh / dt
                done[k] += kwh
    return run


def _surplus_order(scenario: Scenario, k: int, surplus: np.ndarray) -> list[int]:
    """Allowed hubs of workload ``k``, the most surplus first."""
    names = list(scenario.hubs)
    allowed = [names.index(h) for h in scenario.workloads[k].hubs]
    return sorted(allowed, key=lambda h: -surplus[h])


def static_west(scenario: Scenario) -> Schedule:
    """Simulate *static west* (module docstring): ``kind="static_west"``."""
    data = scenario_data(scenario)
    mean_surplus = (data.renewable_kw - data.pue * data.firm_it_kw).mean(axis=0)
    names = list(scenario.hubs)

    def rule(placer: _Placer, t: int, k: int, outstanding: float, forced: float) -> dict:
        target = _surplus_order(scenario, k, mean_surplus)[0]
        origin = names.index(scenario.workloads[k].origin)
        placed = {target: placer.place(k, target, outstanding)}
        if target != origin:
            placed[origin] = placer.place(k, origin, outstanding - placed[target])
        return placed

    return policy_schedule(scenario, _simulate(scenario, rule), "static_west")


def greedy_online(scenario: Scenario) -> Schedule:
    """Simulate *greedy online* (module docstring): ``kind="greedy_online"``."""
    data = scenario_data(scenario)
    dt = scenario.step_hours
    surplus_it_kwh = np.clip(data.renewable_kw - data.pue * data.firm_it_kw, 0.0, None) / data.pue * dt
    valley = valley_steps(data)
    names = list(scenario.hubs)
    left = surplus_it_kwh.copy()

    def rule(placer: _Placer, t: int, k: int, outstanding: float, forced: float) -> dict:
        placed: dict[int, float] = {}
        origin = names.index(scenario.workloads[k].origin)
        for h in _surplus_order(scenario, k, left[t]):
            amount = placer.place(k, h, min(outstanding - sum(placed.values()), left[t, h]))
            left[t, h] -= amount
            placed[h] = placed.get(h, 0.0) + amount
        if valley[t, origin]:
            rest = outstanding - sum(placed.values())
            placed[origin] = placed.get(origin, 0.0) + placer.place(k, origin, rest)
        for h in [origin, *_surplus_order(scenario, k, left[t])]:
            placed[h] = placed.get(h, 0.0) + placer.place(k, h, forced - sum(placed.values()))
        return placed

    return policy_schedule(scenario, _simulate(scenario, rule), "greedy_online")
