"""The phases of a study, told to whoever shows progress (``suandian`` on a terminal).

A study calls its ``phases`` callback with the name of each phase as it enters it: ``"building"`` (the
scenario with its drain, the as-usual schedule, the LP), ``"solving"`` (cvxpy's compilation and the
solver), and longer names for further solves (``"solving the attribution"``). The callback type lives
here, in the studies layer, so that a study never imports :mod:`engine.outputs`: the command line passes
:meth:`engine.outputs.progress.Progress.enter`.
"""

from __future__ import annotations

from collections.abc import Callable

Phases = Callable[[str], None]
"""``phases(name)``: the study enters the phase ``name`` (it lasts until the next call)."""


def unobserved(name: str) -> None:
    """The default :data:`Phases`: nobody watches the study."""
