"""Reference policies: static west and greedy online, closed-form cases."""

from __future__ import annotations

import dataclasses

import numpy as np

from engine.inputs.scenario import Link
from engine.simulate.reference import greedy_online, static_west
from tests.engine.builders import hub, scenario, time_index, workload


def by_hub(flows, name):
    return flows[flows["hub"] == name].reset_index(drop=True)


def two_hubs(idx, solar_west, arrivals, deadline_hours, gbps=10.0, price_east=0.5):
    """East (origin, no parks) and west (solar); work may move east -> west at 1 TB/MWh."""
    east = hub("east", idx, firm_it_kw=100.0, price_cny_per_kwh=price_east)
    west = hub("west", idx, solar_kw=solar_west, firm_it_kw=0.0)
    return scenario(idx, [east, west], [workload("w", "east", idx, arrivals, deadline_hours,
                                                 hubs=("east", "west"), data_tb_per_mwh=1.0)],
                    links=(Link("east", "west", gbps),))


def test_static_west_sends_work_to_the_surplus_hub_up_to_the_link():
    """1 Gbit/s carries 0.45 TB/h = 450 kWh of work at 1 TB/MWh: 600 kW arriving, 450 run west at once,
    150 at the origin."""
    idx = time_index(3)
    s = two_hubs(idx, 1000.0, [600.0, 0, 0], 24, gbps=1.0)
    flows = static_west(s).flows
    np.testing.assert_allclose(by_hub(flows, "west")["w_it_kw"], [450, 0, 0])
    np.testing.assert_allclose(by_hub(flows, "east")["w_it_kw"], [150, 0, 0])


def test_greedy_waits_for_surplus_and_runs_when_the_deadline_forces_it():
    """Sun at the origin's only other hub in step 2 only; work of step 0 due within 2 steps (end of step 1)
    runs at the deadline (step 1, at the origin); work of step 1 due within 3 steps waits for step 2's sun."""
    idx = time_index(4)
    solar = np.array([0.0, 0.0, 500.0, 0.0])
    east = hub("east", idx, firm_it_kw=100.0)
    west = hub("west", idx, solar_kw=solar)
    s = scenario(idx, [east, west], [
        workload("a", "east", idx, [50.0, 0, 0, 0], 2, hubs=("east", "west")),
        workload("b", "east", idx, [0, 80.0, 0, 0], 3, hubs=("east", "west"))])
    flows = greedy_online(s).flows
    np.testing.assert_allclose(by_hub(flows, "east")["a_it_kw"], [0, 50, 0, 0])
    np.testing.assert_allclose(by_hub(flows, "west")["b_it_kw"], [0, 0, 80, 0])


def test_greedy_runs_in_the_valley_at_the_origin():
    """No surplus anywhere; the origin's tariff is lowest in step 1: work arriving in step 0 runs there."""
    idx = time_index(3)
    s = scenario(idx, [hub("east", idx, price_cny_per_kwh=np.array([0.5, 0.2, 0.5]))],
                 [workload("w", "east", idx, [40.0, 0, 0], 3)])
    np.testing.assert_allclose(greedy_online(s).flows["w_it_kw"], [0, 40, 0])


def test_reference_policies_export_surplus_up_to_the_cap():
    """West has 1000 kW of sun, no load: 300 kW exported at the cap, 700 curtailed."""
    idx = time_index(2)
    west = dataclasses.replace(hub("west", idx, solar_kw=1000.0), export_kw=300.0)
    s = scenario(idx, [west])
    for policy in (static_west, greedy_online):
        flows = policy(s).flows
        np.testing.assert_allclose(flows["exported_kw"], 300.0)
        np.testing.assert_allclose(flows["curtailed_kw"], 700.0)
