"""What every device of the LP gives the assembly (the cvxpower "device" of a hub's power balance).

A component owns its variables and Parameters and contributes

- named constraints (``"<Component>-<what>"``, PyPSA style), so each dual is reachable by name;
- terms of the objective [objective unit];
- power into (``supply``) and out of (``demand``) each hub's balance, ``(steps, hubs)`` expressions [kW].

The assembly (:mod:`engine.model.assembly`) sums the contributions of every component into one
balance per hub and step and builds one :class:`cvxpy.Problem`.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from engine.inputs.arrays import ModelData


class Component:
    """Base of the LP's devices: registries of named constraints, Parameters and variables.

    Attributes
    ----------
    prefix : str
        Component name that starts each constraint name (``"Battery"``).
    constraints : dict of str to cvxpy.Constraint
        ``"<prefix>-<what>"`` -> the vector constraint.
    parameters : dict of str to cvxpy.Parameter
        Parameter name -> Parameter (what a re-plan changes).
    variables : dict of str to cvxpy.Variable
        Variable name -> Variable.
    supply, demand : cvxpy.Expression or None
        ``(steps, hubs)`` power into and out of each hub's balance [kW].
    cost : cvxpy.Expression or float
        Objective terms [objective unit].
    """

    prefix = "Component"

    def __init__(self) -> None:
        self.constraints: dict[str, cp.Constraint] = {}
        self.parameters: dict[str, cp.Parameter] = {}
        self.variables: dict[str, cp.Variable] = {}
        self.supply: cp.Expression | None = None
        self.demand: cp.Expression | None = None
        self.cost: cp.Expression | float = 0.0

    def constrain(self, what: str, constraint: cp.Constraint) -> cp.Constraint:
        """Register ``constraint`` as ``"<prefix>-<what>"`` and return it."""
        self.constraints[f"{self.prefix}-{what}"] = constraint
        return constraint

    def parameter(self, name: str, shape: tuple[int, ...] = (), **kwargs: bool) -> cp.Parameter:
        """A new Parameter registered under ``name``."""
        self.parameters[name] = cp.Parameter(shape, name=name, **kwargs)
        return self.parameters[name]

    def variable(self, name: str, shape: tuple[int, ...] = (), bounds: list | None = None) -> cp.Variable:
        """A new Variable registered under ``name`` (``bounds``: column bounds, see PERFORMANCE.md)."""
        self.variables[name] = cp.Variable(shape, name=name, bounds=bounds)
        return self.variables[name]

    def fix(self, what: str, variable: cp.Expression, parameter: str, value: object) -> cp.Constraint:
        """``"<prefix>-<what>_fixed"``: ``variable == parameter``, a non-negative Parameter of
        ``variable``'s shape set to ``value``: a sized capacity held at given values (the Benders
        subproblems, :class:`~engine.model.sizing.Sizing` ``fixed``)."""
        fixed = self.parameter(parameter, variable.shape, nonneg=True)
        fixed.value = np.asarray(value, dtype=float)
        return self.constrain(f"{what}_fixed", variable == fixed)

    def update(self, data: ModelData) -> None:
        """Assign the Parameters from new data (default: nothing to assign)."""
