"""Capacity sizing: the nameplates and battery sizes the LP may choose with the operation.

Sizing is an option of the components it sizes: :class:`~engine.model.renewables.Renewables` turns
park nameplates into variables and :class:`~engine.model.storage.Storage` battery energy and power
(:mod:`engine.studies.size` builds a :class:`Sizing` from a scenario's ``[plan]`` table).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from engine.errors import ScenarioError


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
    fixed : bool
        The capacities are not chosen but set: each equals a Parameter (``fixed_solar_kw``,
        ``fixed_wind_kw`` ``(hubs,)``, ``fixed_battery_energy_kwh``, ``fixed_battery_power_kw``
        ``(batteries,)``, first at the lower bounds) through the constraints ``Renewable-solar_fixed``,
        ``Renewable-wind_fixed``, ``Battery-energy_fixed`` and ``Battery-power_fixed``. Their duals are
        the objective's sensitivity to each capacity: the cuts of a Benders decomposition
        (:mod:`engine.studies.benders`).
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
    fixed: bool = False


def profile_matrix(per_kw: np.ndarray) -> sp.csc_matrix:
    """``(steps x hubs, hubs)`` sparse matrix: row ``t x hubs + h`` holds ``per_kw[t, h]`` in column ``h``."""
    steps, n_hubs = per_kw.shape
    rows = np.arange(steps * n_hubs)
    return sp.csc_matrix((per_kw.reshape(-1), (rows, np.tile(np.arange(n_hubs), steps))),
                         shape=(steps * n_hubs, n_hubs))


def check_sizing(sizing: Sizing, steps: int, hub_names: tuple[str, ...],
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
