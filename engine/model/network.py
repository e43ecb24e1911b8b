"""Network links: the data a workload moves from its origin limits how much of it runs elsewhere."""

from __future__ import annotations

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from engine.errors import ScenarioError
from engine.model.component import Component
from engine.model.layout import Layout

TB_PER_GBPS_HOUR = 3600.0 / 8.0 / 1000.0
"""Data carried by 1 Gbit/s in one hour: 3600 s x 1/8 GB/s = 450 GB = 0.45 TB [TB per (Gbit/s h)]."""


class Network(Component):
    """Links from workload origins to the hubs the work may move to.

    ``Link-capacity`` (one row per step and used route ``l = (a, b)``, parallel links summed):

    .. math:: \\sum_{p=(j,b): origin_j = a} \\frac{data_j}{1000} work_{t,p} dt \\le
              gbps_l \\cdot 0.45 \\, dt \\quad [TB/step]

    with ``data_j`` [TB per MWh of IT work]. Routes that no workload with data uses get no rows.

    Transfer (:class:`~engine.inputs.scenario.Transfer`): the data sent, ``tb[t, l] = sum_p data_j / 1000
    work[t, p]`` [TB/h], draws ``energy_kwh_per_tb x tb`` [kW] at the *sending* (origin) hub, a demand of
    its balance, and (least cost) costs ``price_cny_per_tb x dt sum_{t,l} tb[t, l]`` [CNY].
    """

    prefix = "Link"

    def __init__(self, layout: Layout, work: cp.Variable | None) -> None:
        super().__init__()
        self.layout = layout
        self.names: list[tuple[str, str]] = []
        if work is None:
            return
        matrix, gbps = self._routes()
        if not self.names:
            return
        self.gbps = gbps
        dt = layout.step_hours
        self.tb_per_gbps_step = TB_PER_GBPS_HOUR * dt
        caps = np.broadcast_to(gbps * self.tb_per_gbps_step, (layout.steps, gbps.size))
        self.constrain("capacity", work @ (matrix * dt) <= caps)
        transfer = layout.scenario.transfer
        tb_per_hour = work @ matrix
        if transfer.energy_kwh_per_tb > 0:
            senders = layout.hub_matrix([layout.hub_names.index(a) for a, _ in self.names])
            self.demand = tb_per_hour @ (senders * transfer.energy_kwh_per_tb)
        if layout.scenario.objective.minimize == "cost" and transfer.price_cny_per_tb > 0:
            self.cost = self.cost + transfer.price_cny_per_tb * dt * cp.sum(tb_per_hour)

    def _routes(self) -> tuple[sp.csc_matrix, np.ndarray]:
        """``(pairs, routes)`` data per IT energy [TB/kWh] and route capacities [Gbit/s].

        Sets :attr:`names` to the routes used.
        """
        layout = self.layout
        routes: dict[tuple[str, str], float] = {}
        for link in layout.scenario.links:
            key = (link.from_hub, link.to_hub)
            routes[key] = routes.get(key, 0.0) + link.gbps
        keys = list(routes)
        rows, cols, vals = [], [], []
        for p, (k, h) in enumerate(layout.pairs):
            workload, hub = layout.scenario.workloads[k], layout.hub_names[h]
            if hub == workload.origin or workload.data_tb_per_mwh <= 0:
                continue
            if (workload.origin, hub) not in routes:
                raise ScenarioError(
                    f"workloads.{workload.name}: runs at {hub} with data_tb_per_mwh "
                    f"{workload.data_tb_per_mwh} but there is no link from {workload.origin} to {hub}; "
                    f"add [[links]] from = {workload.origin!r}, to = {hub!r} or remove {hub!r} from its hubs")
            rows.append(p)
            cols.append(keys.index((workload.origin, hub)))
            vals.append(workload.data_tb_per_mwh / 1000.0)
        matrix = sp.csc_matrix((vals, (rows, cols)), shape=(len(layout.pairs), len(keys)))
        used = np.flatnonzero(np.asarray(matrix.getnnz(axis=0)) > 0)
        self.names = [keys[i] for i in used]
        return matrix[:, used], np.array([routes[keys[i]] for i in used])

    def transfer_flows(self) -> np.ndarray:
        """``(steps, hubs)`` transfer power at each sending hub in the solution [kW] (zeros without)."""
        if self.demand is None:
            return np.zeros(self.layout.shape)
        return np.clip(np.asarray(self.demand.value, dtype=float), 0.0, None)

    def link_value(self) -> np.ndarray:
        """Value of one more Gbit/s on each route for the whole horizon [objective unit per Gbit/s].

        ``sum_t lambda[t, l] x 0.45 dt``, the capacity duals ``lambda >= 0`` (the objective's decrease
        per TB/step of capacity) times the TB per step one Gbit/s carries.
        """
        dual = np.asarray(self.constraints["Link-capacity"].dual_value, dtype=float)
        return dual.sum(axis=0) * self.tb_per_gbps_step
