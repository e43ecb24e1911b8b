"""The hub flows of a rule-based policy: renewables first, a self-consumption battery rule, export, grid.

Given where and when the IT work runs, every reference policy serves each hub and step the same way
(vectorised over hubs, a loop over steps because the battery's state carries over):

1. renewables serve the facility load (PUE x IT, plus transfer energy at a sending hub);
2. a renewable surplus charges the battery (up to its power and free energy), then is exported up to
   the hub's export cap, then curtailed;
3. a shortfall is met by the battery (up to its power and stored energy), then by the grid up to its
   cap; firm load beyond that is recorded as ``unserved_kw``;
4. where the battery allows grid charging, in the hub's valley hours (:func:`valley_steps`) it does not
   discharge and charges from the grid with what power and cap headroom are left.

The rule has no terminal condition: the battery ends where the rule leaves it (the scoring values the
end state, :mod:`engine.metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.inputs.arrays import ModelData
from engine.inputs.scenario import Scenario


@dataclass(frozen=True)
class Batteries:
    """Every hub's battery as ``(hubs,)`` arrays (zeros where a hub has none).

    Attributes
    ----------
    energy_kwh, power_kw, initial_kwh : numpy.ndarray
        Energy capacity, charge/discharge power and initial state [kWh, kW, kWh].
    eta : numpy.ndarray
        One-way efficiency ``sqrt(round_trip_efficiency)`` [-].
    grid_charging : numpy.ndarray
        Whether the battery may charge from the grid (bool).
    """

    energy_kwh: np.ndarray
    power_kw: np.ndarray
    initial_kwh: np.ndarray
    eta: np.ndarray
    grid_charging: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario) -> Batteries:
        """The batteries of a scenario's hubs."""
        rows = [(b.energy_kwh, b.power_kw, b.initial_soc * b.energy_kwh, np.sqrt(b.round_trip_efficiency),
                 b.grid_charging) if (b := hub.battery) is not None else (0.0, 0.0, 0.0, 1.0, False)
                for hub in scenario.hubs.values()]
        energy, power, initial, eta, grid = (np.array(column) for column in zip(*rows, strict=True))
        return cls(energy.astype(float), power.astype(float), initial.astype(float), eta.astype(float),
                   grid.astype(bool))


def valley_steps(data: ModelData) -> np.ndarray:
    """``(steps, hubs)`` True where the tariff is at its lowest level of the horizon (the valley tier).

    A published time-of-use tariff is known ahead, so this needs no forecast. A flat tariff has no valley.
    """
    price = data.price_cny_per_kwh
    lowest = price.min(axis=0, keepdims=True)
    return (price <= lowest * (1.0 + 1e-9) + 1e-12) & (price.max(axis=0, keepdims=True) > lowest + 1e-12)


def serve_hubs(scenario: Scenario, data: ModelData, load_kw: np.ndarray) -> dict[str, np.ndarray]:
    """The flows of every hub and step under the rule of the module docstring.

    Parameters
    ----------
    scenario : Scenario
        Hubs (grid and export caps, batteries).
    data : ModelData
        Renewable availability and tariff (its valley hours).
    load_kw : numpy.ndarray
        ``(steps, hubs)`` power the hub must serve: facility plus transfer [kW].

    Returns
    -------
    dict of str to numpy.ndarray
        ``(steps, hubs)``: ``renewable_used_kw`` (facility and battery), ``exported_kw``,
        ``curtailed_kw``, ``grid_import_kw``, ``battery_charge_kw``, ``battery_discharge_kw``,
        ``battery_soc_kwh`` (end of step) and ``unserved_kw``.
    """
    hubs = list(scenario.hubs.values())
    grid_cap = np.array([h.grid_import_kw for h in hubs], dtype=float)
    export_cap = np.array([h.export_kw for h in hubs], dtype=float)
    battery = Batteries.of(scenario)
    valley = valley_steps(data) & battery.grid_charging
    dt = scenario.step_hours
    out = {name: np.zeros(load_kw.shape) for name in (
        "renewable_used_kw", "exported_kw", "curtailed_kw", "grid_import_kw", "battery_charge_kw",
        "battery_discharge_kw", "battery_soc_kwh", "unserved_kw")}
    soc = battery.initial_kwh.copy()
    eta = battery.eta
    for t in range(load_kw.shape[0]):
        renewable, load = data.renewable_kw[t], load_kw[t]
        surplus, short = np.maximum(renewable - load, 0.0), np.maximum(load - renewable, 0.0)
        charge = np.minimum.reduce([battery.power_kw, surplus, (battery.energy_kwh - soc) / (eta * dt)])
        discharge = np.where(valley[t], 0.0, np.minimum.reduce([battery.power_kw, short, soc * eta / dt]))
        need = short - discharge
        grid = np.minimum(need, grid_cap)
        room = (battery.energy_kwh - soc) / (eta * dt) - charge
        grid_charge = np.where(valley[t], np.clip(np.minimum.reduce([battery.power_kw - charge, room,
                                                                     grid_cap - grid]), 0.0, None), 0.0)
        left = surplus - charge
        exported = np.minimum(left, export_cap)
        soc = soc + (eta * (charge + grid_charge) - discharge / eta) * dt
        values = {"renewable_used_kw": np.minimum(renewable, load) + charge, "exported_kw": exported,
                  "curtailed_kw": left - exported, "grid_import_kw": grid + grid_charge,
                  "battery_charge_kw": charge + grid_charge, "battery_discharge_kw": discharge,
                  "battery_soc_kwh": soc, "unserved_kw": need - grid}
        for name, value in values.items():
            out[name][t] = value
    return out
