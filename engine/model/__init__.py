"""The co-scheduling LP as components (compute, network, renewables, grid, storage, green floor) and the
assembly that sums them into each hub's power balance (:mod:`engine.model.assembly`)."""

from engine.model.assembly import PUE_PARAMETER_MAX_CELLS, CoSchedulingModel, solve
from engine.model.sizing import Sizing
from engine.model.solvers import installed_solvers

__all__ = ["PUE_PARAMETER_MAX_CELLS", "CoSchedulingModel", "Sizing", "installed_solvers", "solve"]
