"""Checks of one rule shared by scenario validation and the model's pre-checks.

The firm (interactive) IT load cannot move or wait, so it must fit the IT capacity of its hub at every
step, and its facility power ``pue x firm_it`` must fit what the hub can draw. Both the scenario
validation (IT capacity) and the LP's feasibility pre-check (IT capacity and power supply) call
:func:`firm_load_violation`, so the two cannot disagree about the tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

RELATIVE_TOLERANCE = 1e-9
"""A need exceeds what is there when ``need > have x (1 + RELATIVE_TOLERANCE) + ABSOLUTE_TOLERANCE_KW``."""
ABSOLUTE_TOLERANCE_KW = 1e-6
"""Absolute slack of the firm-load check [kW] (solver round-off, not a physical margin)."""


@dataclass(frozen=True)
class FirmLoadViolation:
    """The first step and hub where the firm load does not fit.

    Attributes
    ----------
    kind : str
        ``"power"`` when ``pue x firm_it > supply_kw``, ``"it"`` when ``firm_it > it_capacity``.
    step : int
        Position of the step on the scenario index.
    hub : int
        Position of the hub (column of the arrays).
    need_kw : float
        What the firm load needs there: facility power for ``"power"``, IT power for ``"it"`` [kW].
    have_kw : float
        What the hub has there: supply for ``"power"``, IT capacity for ``"it"`` [kW].
    """

    kind: str
    step: int
    hub: int
    need_kw: float
    have_kw: float


def exceeds(need: ArrayLike, have: ArrayLike) -> np.ndarray:
    """Where ``need`` exceeds ``have`` beyond round-off: ``need > have x (1 + 1e-9) + 1e-6``.

    Parameters
    ----------
    need, have : array_like
        Broadcastable arrays in the same unit [kW].

    Returns
    -------
    numpy.ndarray of bool
    """
    return np.asarray(need, dtype=float) > (np.asarray(have, dtype=float) * (1 + RELATIVE_TOLERANCE)
                                            + ABSOLUTE_TOLERANCE_KW)


def firm_load_violation(firm_it_kw: ArrayLike, it_capacity_kw: ArrayLike, *, pue: ArrayLike | None = None,
                        supply_kw: ArrayLike | None = None) -> FirmLoadViolation | None:
    """The first place where the firm load does not fit, or None when it fits everywhere.

    With ``pue`` and ``supply_kw`` given, the power check ``pue x firm_it <= supply`` runs first over
    every step and hub, then the IT check ``firm_it <= it_capacity``; within a check the first step
    (then the first hub in that step) is reported. Both compare with :func:`exceeds`.

    Parameters
    ----------
    firm_it_kw : array_like
        Firm IT load, shape (steps, hubs) [kW].
    it_capacity_kw : array_like
        IT capacity of each hub, shape (hubs,) (or broadcastable to ``firm_it_kw``) [kW].
    pue : array_like, optional
        Power usage effectiveness per step and hub, shape (steps, hubs) [-].
    supply_kw : array_like, optional
        The most power each hub can draw per step (grid cap + renewables + battery power), broadcastable
        to ``firm_it_kw`` [kW]. The power check runs only when both ``pue`` and ``supply_kw`` are given.

    Returns
    -------
    FirmLoadViolation or None
    """
    firm = np.atleast_2d(np.asarray(firm_it_kw, dtype=float))
    checks = []
    if pue is not None and supply_kw is not None:
        checks.append(("power", np.asarray(pue, dtype=float) * firm, supply_kw))
    checks.append(("it", firm, it_capacity_kw))
    for kind, need, have in checks:
        need, have = np.broadcast_arrays(need, np.asarray(have, dtype=float))
        over = exceeds(need, have)
        if over.any():
            step, hub = (int(i) for i in np.argwhere(over)[0])
            return FirmLoadViolation(kind=kind, step=step, hub=hub, need_kw=float(need[step, hub]),
                                     have_kw=float(have[step, hub]))
    return None
