"""Exceptions raised by the engine."""


class ScenarioError(ValueError):
    """An invalid scenario: the message names the key, what was expected, what was given and the fix."""


class InfeasibleError(RuntimeError):
    """The scenario cannot be met: the message names the requirement that cannot be satisfied."""


class SolverError(RuntimeError):
    """The solver failed or is not installed."""
