"""The shape of one co-scheduling LP: steps, hubs, workloads, batteries and the (workload, hub) pairs.

Every component of :mod:`engine.model` is built on one :class:`Layout`; its orders are the column orders
of the arrays in :class:`~engine.inputs.arrays.ModelData`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from engine.errors import ScenarioError
from engine.inputs.scenario import Scenario


@dataclass(frozen=True)
class Layout:
    """Names, orders and sizes of a scenario's LP.

    Attributes
    ----------
    scenario : Scenario
        The scenario the LP is built from (hubs, workloads, links, objective).
    hub_names, workload_names, battery_hubs : tuple of str
        Column orders (hubs; workloads; hubs with a battery, in hub order).
    pairs : tuple of (int, int)
        ``(workload position, hub position)`` of every hub a workload may run in, workload-major.
    steps : int
        Number of steps ``T``.
    step_hours : float
        Step length ``dt`` [h].
    """

    scenario: Scenario
    hub_names: tuple[str, ...]
    workload_names: tuple[str, ...]
    battery_hubs: tuple[str, ...]
    pairs: tuple[tuple[int, int], ...]
    steps: int
    step_hours: float

    @property
    def shape(self) -> tuple[int, int]:
        """``(steps, hubs)``."""
        return self.steps, len(self.hub_names)

    def hub_matrix(self, columns: list[int], n_rows: int | None = None) -> sp.csc_matrix:
        """Sparse 0/1 ``(len(columns), hubs)`` matrix that maps row ``i`` to hub ``columns[i]``."""
        n_rows = len(columns) if n_rows is None else n_rows
        return sp.csc_matrix((np.ones(len(columns)), (np.arange(len(columns)), columns)),
                             shape=(n_rows, len(self.hub_names)))


def layout_of(scenario: Scenario) -> Layout:
    """The :class:`Layout` of a scenario; raise :class:`ScenarioError` for a workload on an unknown hub."""
    hub_names = tuple(scenario.hubs)
    position = {name: i for i, name in enumerate(hub_names)}
    pairs = []
    for k, workload in enumerate(scenario.workloads):
        for name in workload.hubs:
            if name not in position:
                raise ScenarioError(f"workloads.{workload.name}.hubs: expected hubs of the scenario "
                                    f"{list(hub_names)}, got {name!r}; add the hub or remove it")
            pairs.append((k, position[name]))
    return Layout(scenario=scenario, hub_names=hub_names,
                  workload_names=tuple(w.name for w in scenario.workloads),
                  battery_hubs=tuple(n for n, h in scenario.hubs.items() if h.battery is not None),
                  pairs=tuple(pairs), steps=len(scenario.index), step_hours=scenario.step_hours)


def difference_matrix(steps: int) -> sp.csc_matrix:
    """``(steps, steps)`` first difference ``D``: ``(D x)_0 = x_0`` and ``(D x)_t = x_t - x_{t-1}``."""
    return sp.eye(steps, format="csc") - sp.eye(steps, k=-1, format="csc")


def first_step(steps: int) -> sp.csc_matrix:
    """``(steps, 1)`` column with a one in row 0: puts an initial state into the first row."""
    return sp.csc_matrix(([1.0], ([0], [0])), shape=(steps, 1))
