"""Settlement: what a committed plan actually does when the real wind and sun arrive.

A plan fixes, per hub and step, the IT work (firm load and where the flexible work runs), the renewable
use, the grid import and the battery flows, all computed on *forecast* renewables. Settlement keeps the
planned IT schedule and re-dispatches the power around it against the *actual* renewables ``A``:

- net planned battery power ``b_plan = discharge_plan - charge_plan`` [kW];
- a shortfall ``max(R_plan - A, 0)`` (less renewable than the plan used) is met by the battery (less
  charging, then more discharging, within power and state-of-charge limits), then by the grid up to its
  cap: ``b_want = b_plan + shortfall``;
- a surplus first replaces planned grid import (renewables are free, behind the meter; a modelling
  choice: curtailing renewables while importing would only raise cost and carbon), then charges the
  battery (from renewables only unless the battery may charge from the grid), then is curtailed:
  ``b_want = b_plan - max(A - R_plan - G_plan, 0)``;
- the battery is then clipped to its limits, ``-charge_max <= b <= min(discharge_max, facility)``, and
  raised towards ``facility - A - grid_cap`` when renewables and the grid cannot carry the load;
- data-transfer power ``transfer_kw`` (the network's energy for moving work, as planned) is load at the
  sending hub like the facility's;
- ``renewable = min(A, facility - b)``, ``grid = min(facility - b - renewable, grid_cap)``; renewables
  left after the load and the battery are exported up to the hub's export cap (as running as usual does,
  :mod:`engine.simulate.battery_rule`), the rest curtailed; what is left
  is met by running less flexible IT in that step (the work waits: it becomes backlog for the next plan,
  deadlines intact), and what even that cannot cover is firm load left unserved (``unserved_kw``,
  recorded, never hidden).

The battery recursion is the model's: ``soc_t = soc_{t-1} + (eta charge - discharge / eta) dt`` with
``eta = sqrt(round_trip_efficiency)``. The state depends on the step before, so the loop runs over the
steps of a commit period with every operation vectorised over hubs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.inputs.scenario import Scenario


@dataclass(frozen=True)
class HubLimits:
    """Per-hub limits used by settlement, arrays of shape ``(hubs,)``; hubs without a battery get zeros.

    Attributes
    ----------
    grid_cap_kw : numpy.ndarray
        Grid import cap [kW].
    energy_kwh, power_kw : numpy.ndarray
        Battery energy and charge/discharge power [kWh], [kW].
    eta : numpy.ndarray
        One-way battery efficiency ``sqrt(round_trip_efficiency)`` [-] (1 without a battery).
    grid_charging : numpy.ndarray
        Bool: the battery may charge from the grid.
    export_cap_kw : numpy.ndarray
        Export cap of park surplus [kW] (0: no export).
    """

    grid_cap_kw: np.ndarray
    energy_kwh: np.ndarray
    power_kw: np.ndarray
    eta: np.ndarray
    grid_charging: np.ndarray
    export_cap_kw: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario) -> HubLimits:
        """The limits of a scenario's hubs, in scenario order."""
        hubs = list(scenario.hubs.values())
        batteries = [h.battery for h in hubs]
        return cls(
            grid_cap_kw=np.array([h.grid_import_kw for h in hubs], dtype=float),
            energy_kwh=np.array([b.energy_kwh if b else 0.0 for b in batteries]),
            power_kw=np.array([b.power_kw if b else 0.0 for b in batteries]),
            eta=np.sqrt(np.array([b.round_trip_efficiency if b else 1.0 for b in batteries])),
            grid_charging=np.array([bool(b and b.grid_charging) for b in batteries]),
            export_cap_kw=np.array([h.export_kw for h in hubs], dtype=float),
        )


@dataclass(frozen=True)
class Settled:
    """Flows actually run over a commit period, arrays ``(steps, hubs)`` [kW] unless stated.

    Attributes
    ----------
    renewable_used_kw, curtailed_kw, grid_import_kw, battery_charge_kw, battery_discharge_kw : ndarray
        Power flows [kW].
    exported_kw, transfer_kw : numpy.ndarray
        Park surplus exported and data-transfer power [kW].
    battery_soc_kwh : numpy.ndarray
        State of charge at the end of each step [kWh].
    it_kw, facility_kw, unserved_kw : numpy.ndarray
        IT load run, facility load served and firm facility load left unserved [kW].
    workload_it_kw : numpy.ndarray
        ``(steps, hubs, workloads)`` flexible IT actually run [kW].
    """

    renewable_used_kw: np.ndarray
    curtailed_kw: np.ndarray
    grid_import_kw: np.ndarray
    battery_charge_kw: np.ndarray
    battery_discharge_kw: np.ndarray
    battery_soc_kwh: np.ndarray
    it_kw: np.ndarray
    facility_kw: np.ndarray
    unserved_kw: np.ndarray
    workload_it_kw: np.ndarray
    exported_kw: np.ndarray
    transfer_kw: np.ndarray


def settle(limits: HubLimits, step_hours: float, soc_kwh: np.ndarray, actual_renewable_kw: np.ndarray,
           planned: dict[str, np.ndarray]) -> Settled:
    """Settle a committed plan against the actual renewables (rules in the module docstring).

    Parameters
    ----------
    limits : HubLimits
        Grid caps and batteries of the hubs.
    step_hours : float
        Step length ``dt`` [h].
    soc_kwh : numpy.ndarray
        ``(hubs,)`` state of charge before the first step [kWh] (0 where there is no battery).
    actual_renewable_kw : numpy.ndarray
        ``(steps, hubs)`` solar plus wind that actually came [kW].
    planned : dict
        ``(steps, hubs)`` arrays of the plan: ``firm_it_kw``, ``pue``, ``renewable_used_kw``,
        ``grid_import_kw``, ``battery_charge_kw``, ``battery_discharge_kw``, optionally ``transfer_kw``
        (zeros without); and ``workload_it_kw`` ``(steps, hubs, workloads)`` [kW].

    Returns
    -------
    Settled
        The flows that ran; ``battery_soc_kwh[-1]`` is the state handed to the next plan.
    """
    dt = step_hours
    steps, n_hubs = actual_renewable_kw.shape
    work = np.array(planned["workload_it_kw"], dtype=float, copy=True)
    pue, firm = planned["pue"], planned["firm_it_kw"]
    out = {name: np.zeros((steps, n_hubs)) for name in (
        "renewable_used_kw", "grid_import_kw", "battery_charge_kw", "battery_discharge_kw",
        "battery_soc_kwh", "facility_kw", "unserved_kw", "exported_kw")}
    transfer = np.asarray(planned.get("transfer_kw", np.zeros((steps, n_hubs))), dtype=float)
    soc = np.array(soc_kwh, dtype=float, copy=True)
    cap, eta, power, energy = limits.grid_cap_kw, limits.eta, limits.power_kw, limits.energy_kwh
    for t in range(steps):
        available = actual_renewable_kw[t]
        flexible = work[t].sum(axis=1)
        facility = pue[t] * (firm[t] + flexible) + transfer[t]
        planned_renewable = planned["renewable_used_kw"][t]
        planned_grid = planned["grid_import_kw"][t]
        shortfall = np.maximum(planned_renewable - available, 0.0)
        surplus = np.maximum(available - planned_renewable - planned_grid, 0.0)
        wanted = planned["battery_discharge_kw"][t] - planned["battery_charge_kw"][t] + shortfall - surplus
        discharge_max = np.minimum(power, soc * eta / dt)
        charge_max = np.minimum(power, np.maximum(energy - soc, 0.0) / (eta * dt))
        charge_max = np.where(limits.grid_charging, charge_max, np.minimum(charge_max, available))
        upper = np.minimum(discharge_max, facility)
        battery = np.clip(wanted, -charge_max, upper)
        battery = np.maximum(battery, np.minimum(facility - available - cap, upper))
        need = facility - battery
        renewable = np.minimum(available, need)
        grid = np.minimum(need - renewable, cap)
        unmet = np.maximum(need - renewable - grid, 0.0)
        # Run less flexible IT (it waits as backlog); what remains is unserved firm load.
        cut_it = np.minimum(unmet / pue[t], flexible)
        keep = np.divide(flexible - cut_it, flexible, out=np.ones(n_hubs), where=flexible > 0)
        work[t] *= keep[:, None]
        charge, discharge = np.maximum(-battery, 0.0), np.maximum(battery, 0.0)
        soc = np.clip(soc + (eta * charge - discharge / eta) * dt, 0.0, energy)
        out["exported_kw"][t] = np.clip(np.minimum(available - renewable, limits.export_cap_kw), 0.0, None)
        out["renewable_used_kw"][t] = renewable
        out["grid_import_kw"][t] = grid
        out["battery_charge_kw"][t] = charge
        out["battery_discharge_kw"][t] = discharge
        out["battery_soc_kwh"][t] = soc
        out["facility_kw"][t] = facility - transfer[t] - cut_it * pue[t]
        out["unserved_kw"][t] = unmet - cut_it * pue[t]
    it = firm + work.sum(axis=2)
    curtailed = actual_renewable_kw - out["renewable_used_kw"] - out["exported_kw"]
    return Settled(curtailed_kw=curtailed, it_kw=it, workload_it_kw=work, transfer_kw=transfer, **out)
