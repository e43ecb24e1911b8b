"""Deadline windows: the one rule for when a unit of deferrable work may run and when it is due.

Work arriving in step ``s`` (the step starting at ``index[s]``) may run in steps ``s .. s + D - 1``,
where ``D = deadline_steps(deadline_hours, step_hours)``; windows are clipped at the end of the horizon.
The LP (released and due cumulative energy), the rule-based policies, settlement, the metrics and the
scenario checks all take their windows from this module.
"""

from __future__ import annotations

import numpy as np

from engine.errors import ScenarioError

TOLERANCE = 1e-9
"""Relative slack [-] when a deadline is compared with a whole number of steps (float round-off)."""


def deadline_steps(deadline_hours: float, step_hours: float) -> int:
    """Number of steps ``D`` a unit of work may use, its arrival step included [-].

    Rounding rule: ``D = max(1, floor(deadline_hours / step_hours))`` (with a 1e-9 tolerance for float
    round-off) -- a window never ends after the deadline, so a 1.5 h deadline on 1 h steps is one step.
    Scenarios reject deadlines that are not a whole number of steps (:func:`check_deadline_hours`), so
    the rounding only matters for look-aheads and data built by hand.
    """
    return max(1, int(np.floor(deadline_hours / step_hours + TOLERANCE)))


def check_deadline_hours(deadline_hours: float, step_hours: float, key: str) -> None:
    """Raise :class:`~engine.errors.ScenarioError` unless the deadline is a whole number (>= 1) of steps.

    Parameters
    ----------
    deadline_hours : float
        The deadline [h].
    step_hours : float
        The scenario's step length [h].
    key : str
        The field named in the message, e.g. ``"workloads[0].deadline_hours"``.
    """
    steps = deadline_hours / step_hours
    if steps < 1 - TOLERANCE or abs(steps - round(steps)) > TOLERANCE * max(1.0, steps):
        raise ScenarioError(
            f"{key}: expected a whole number of steps of {step_hours * 60:g} min (at least one step), got "
            f"{deadline_hours:g} h = {steps:g} steps. Fix: use a multiple of {step_hours:g} h, e.g. "
            f"{max(1, round(steps)) * step_hours:g}.")


def window_end(steps: int, deadline: int) -> np.ndarray:
    """Last step each arrival step's work may run in: ``min(s + D - 1, T - 1)`` for ``s = 0 .. T - 1``."""
    return np.minimum(np.arange(steps) + deadline - 1, steps - 1)


def cumulative_work(arrival_it_kw: np.ndarray, deadline: int,
                    step_hours: float) -> tuple[np.ndarray, np.ndarray]:
    """Released and due cumulative IT energy of one workload [kWh].

    By the end of step ``t``, ``released_t = sum_{s <= t} a_s dt`` and ``due_t = sum_{s: end(s) <= t}
    a_s dt`` with ``end`` of :func:`window_end`; the last step is due in full.

    Parameters
    ----------
    arrival_it_kw : numpy.ndarray
        ``(steps,)`` arrivals [kW of IT work per step].
    deadline : int
        ``D`` of :func:`deadline_steps` [steps].
    step_hours : float
        Step length [h].
    """
    released = np.cumsum(arrival_it_kw) * step_hours
    due = np.zeros_like(released)
    if deadline <= len(released):
        due[deadline - 1:] = released[: len(released) - deadline + 1]
    due[-1] = released[-1]
    return released, due
