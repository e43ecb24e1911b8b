"""The co-scheduling LP as components (compute, network, renewables, grid, storage, green floor) and the
assembly that sums them into each hub's power balance (:mod:`engine.model.assembly`)."""

from engine.model.assembly import CoSchedulingModel, solve
from engine.model.sizing import Sizing
from engine.model.solvers import installed_solvers

__all__ = ["CoSchedulingModel", "Sizing", "installed_solvers", "solve"]
