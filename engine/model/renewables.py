"""Solar and wind parks: renewable power used at each hub, optionally with chosen nameplates."""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from engine.inputs.arrays import ModelData
from engine.model.component import Component
from engine.model.layout import Layout
from engine.model.sizing import Sizing, profile_matrix


class Renewables(Component):
    """Renewable power used ``renewable[t, h]`` [kW] (facility and battery charging), a supply.

    Without sizing the availability is a column bound, ``0 <= renewable[t, h] <= series[t, h]`` (the
    Parameter ``renewable_kw``). With a :class:`~engine.model.sizing.Sizing` the nameplates ``S_h``
    (solar) and ``W_h`` (wind) [kW] are variables in their bounds, and ``Renewable-availability``:

    .. math:: renewable_{t,h} \\le series_{t,h} + s_{t,h} S_h + w_{t,h} W_h

    with the per-kW profiles ``s, w`` [kW/kW], written as one sparse ``(steps x hubs, hubs)`` matrix per
    technology times the nameplates; their cost ``c_s @ S + c_w @ W`` enters the objective. A fixed
    sizing (:attr:`~engine.model.sizing.Sizing.fixed`) sets ``S = fixed_solar_kw``, ``W = fixed_wind_kw``.
    Curtailment (``series - renewable``) is free; the park energy taken (used, stored or exported)
    costs the hub's PPA price, ``dt sum_{t,h} ppa_h renewable[t, h]``, when the objective is least cost.
    """

    prefix = "Renewable"

    def __init__(self, layout: Layout, sizing: Sizing | None) -> None:
        super().__init__()
        self.sizing = sizing
        available = self.parameter("renewable_kw", layout.shape, nonneg=True)
        if sizing is None:
            self.used_kw = self.variable("renewable_kw", layout.shape, bounds=[0, available])
            self.solar_kw = self.wind_kw = None
        else:
            n_hubs = len(layout.hub_names)
            self.used_kw = self.variable("renewable_kw", layout.shape, bounds=[0, None])
            self.solar_kw = self.variable("solar_nameplate_kw", (n_hubs,), bounds=list(sizing.solar_kw))
            self.wind_kw = self.variable("wind_nameplate_kw", (n_hubs,), bounds=list(sizing.wind_kw))
            sized = (profile_matrix(sizing.solar_kw_per_kw) @ self.solar_kw
                     + profile_matrix(sizing.wind_kw_per_kw) @ self.wind_kw)
            self.constrain("availability", self.used_kw <= available + cp.reshape(sized, layout.shape,
                                                                                   order="C"))
            self.cost = sizing.solar_cost_per_kw @ self.solar_kw + sizing.wind_cost_per_kw @ self.wind_kw
            if sizing.fixed:
                self.fix("solar", self.solar_kw, "fixed_solar_kw", sizing.solar_kw[0])
                self.fix("wind", self.wind_kw, "fixed_wind_kw", sizing.wind_kw[0])
        self.supply = self.used_kw
        ppa = np.array([h.ppa_price_cny_per_kwh for h in layout.scenario.hubs.values()], dtype=float)
        if layout.scenario.objective.minimize == "cost" and ppa.any():
            self.cost = self.cost + cp.sum(self.used_kw @ (ppa * layout.step_hours))

    def update(self, data: ModelData) -> None:
        """Available power of the series [kW] (negative values clipped to zero)."""
        self.parameters["renewable_kw"].value = np.maximum(data.renewable_kw, 0.0)

    def nameplates_kw(self) -> tuple[np.ndarray, np.ndarray]:
        """Chosen solar and wind nameplates per hub [kW], clipped to their bounds (solver round-off)."""
        return (np.clip(self.solar_kw.value, *self.sizing.solar_kw),
                np.clip(self.wind_kw.value, *self.sizing.wind_kw))

    def upper_kw(self, data: ModelData) -> np.ndarray:
        """Largest available renewable power [kW]: the series plus sized parks at their upper bounds."""
        if self.sizing is None:
            return data.renewable_kw
        return (data.renewable_kw + self.sizing.solar_kw_per_kw * self.sizing.solar_kw[1]
                + self.sizing.wind_kw_per_kw * self.sizing.wind_kw[1])

    def sized_kw(self, data: ModelData) -> tuple[np.ndarray, np.ndarray]:
        """``(steps, hubs)`` solar and wind power of the chosen nameplates [kW] (zeros without sizing)."""
        if self.sizing is None:
            return np.zeros_like(data.renewable_kw), np.zeros_like(data.renewable_kw)
        solar, wind = self.nameplates_kw()
        return self.sizing.solar_kw_per_kw * solar, self.sizing.wind_kw_per_kw * wind
