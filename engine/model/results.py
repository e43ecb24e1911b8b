"""From a solved LP to a :class:`~engine.schedule.Schedule`: flows, objective and the duals by name."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.inputs.arrays import ModelData
from engine.model.component import Component
from engine.model.layout import Layout
from engine.schedule import Schedule, flows_frame, objective_value, optional_columns


def schedule_of(layout: Layout, data: ModelData, components: dict[str, Component], solver: str, status: str,
                seconds: tuple[float, float]) -> Schedule:
    """The schedule of the solved components.

    Parameters
    ----------
    layout : Layout
        The model's shape.
    data : ModelData
        The numbers the model was solved with.
    components : dict of str to Component
        The solved components of :class:`~engine.model.assembly.CoSchedulingModel`.
    solver, status : str
        Solver name and status.
    seconds : tuple of float
        Build and solve time [s].

    Returns
    -------
    Schedule
        Flows, the objective (without the battery tie-breaker), the marginal price of every hub and
        step, the value of every link's bandwidth and the green floor's cost.
    """
    flows = flows_frame(layout.scenario, data.index, flow_arrays(layout, data, components),
                        components["compute"].workload_it_kw())
    network = components["network"]
    link_value = None
    if network.names:
        link_value = pd.Series(network.link_value(), index=[f"{a}->{b}" for a, b in network.names],
                               name="link_value_per_gbps")
    return Schedule(kind="coordinated", flows=flows, status=status,
                    objective=objective_value(layout.scenario, flows), solver=solver,
                    build_seconds=seconds[0], solve_seconds=seconds[1],
                    marginal_price=marginal_price(layout, data, components), link_value=link_value,
                    green_floor_cost=components["green_floor"].cost_per_point())


def marginal_price(layout: Layout, data: ModelData, components: dict[str, Component]) -> pd.DataFrame:
    """Dual of ``Hub-power_balance`` per kWh, ``time`` x hub [objective unit per kWh].

    ``d objective / d (facility demand [kW] at t, h)`` divided by ``dt``; cvxpy reports the dual of
    ``supply - demand == firm`` with the opposite sign.
    """
    balance = components["compute"].constraints["Hub-power_balance"]
    dual = -np.asarray(balance.dual_value, dtype=float).reshape(layout.shape) / layout.step_hours
    return pd.DataFrame(dual, index=pd.DatetimeIndex(data.index, name="time"), columns=list(layout.hub_names))


def flow_arrays(layout: Layout, data: ModelData, components: dict[str, Component]) -> dict[str, np.ndarray]:
    """Every ``(steps, hubs)`` array of :data:`~engine.schedule.FLOW_COLUMNS` from the solution."""
    renewables = components["renewables"]
    sized_solar, sized_wind = renewables.sized_kw(data)
    available = data.renewable_kw + sized_solar + sized_wind
    renewable = np.clip(renewables.used_kw.value, 0.0, available)
    exported = np.minimum(components["grid"].export_flows(), renewable)
    it = data.firm_it_kw + components["compute"].workload_it_kw().sum(axis=2)
    hubs = layout.scenario.hubs.values()
    solar = np.column_stack([h.series["solar_kw"].to_numpy(float) for h in hubs])
    wind = np.column_stack([h.series["wind_kw"].to_numpy(float) for h in hubs])
    if not np.allclose(solar + wind, data.renewable_kw):
        # Re-planned renewables: split in the scenario's proportions.
        total = solar + wind
        solar_share = np.divide(solar, total, out=np.ones_like(total), where=total > 0)
        solar, wind = data.renewable_kw * solar_share, data.renewable_kw * (1 - solar_share)
    return {
        "solar_kw": solar + sized_solar, "wind_kw": wind + sized_wind,
        "renewable_used_kw": renewable - exported, "curtailed_kw": available - renewable,
        "grid_import_kw": np.clip(components["grid"].import_kw.value, 0.0, None),
        **components["storage"].flows(),
        "it_kw": it, "facility_kw": data.pue * it, "pue": data.pue,
        "carbon_g_per_kwh": data.carbon_g_per_kwh, "price_cny_per_kwh": data.price_cny_per_kwh,
        **optional_columns(layout.scenario, exported, components["network"].transfer_flows()),
    }
