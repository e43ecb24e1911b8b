"""Deadline windows: the one rule for when a unit of deferrable work may run and when it is due."""

from __future__ import annotations

import numpy as np


def deadline_steps(deadline_hours: float, step_hours: float) -> int:
    """Number of steps ``D`` a unit of work may use, its arrival step included [-]."""
    return max(1, int(np.floor(deadline_hours / step_hours + 1e-9)))


def cumulative_work(arrival_it_kw: np.ndarray, deadline: int,
                    step_hours: float) -> tuple[np.ndarray, np.ndarray]:
    """Released and due cumulative IT energy of one workload [kWh].

    Work arriving in step ``s`` may run in steps ``s .. s + D - 1``, so by the end of step ``t``
    ``released_t = sum_{s <= t} a_s dt`` and ``due_t = sum_{s <= t - D + 1} a_s dt``; the last step is due
    in full (windows are clipped at the end of the horizon).
    """
    released = np.cumsum(arrival_it_kw) * step_hours
    due = np.zeros_like(released)
    if deadline <= len(released):
        due[deadline - 1:] = released[: len(released) - deadline + 1]
    due[-1] = released[-1]
    return released, due
