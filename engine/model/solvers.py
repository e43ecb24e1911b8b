"""The cvxpy solvers installed here."""

from __future__ import annotations

from functools import cache

import cvxpy as cp


@cache
def installed_solvers() -> tuple[str, ...]:
    """The cvxpy solvers installed here (cached: cvxpy's own check takes ~8 ms, once per re-plan)."""
    return tuple(cp.installed_solvers())
