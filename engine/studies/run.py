"""One run of a scenario: the coordinated schedule, the reference policies and the attribution of the
gain, as a :class:`StudyResult`.

``run`` is the Python API behind ``suandian run``; :func:`engine.outputs.files.write_outputs` writes
what the command leaves in its output folder.
"""

from __future__ import annotations

from functools import partial

from engine.inputs.scenario import Scenario
from engine.model import solve
from engine.simulate.baseline import run_baseline
from engine.simulate.reference import greedy_online, static_west
from engine.studies.attribution import attribution as attribute
from engine.studies.result import SolverInfo, StudyResult

REFERENCE_RUNNERS = {"static_west": static_west, "greedy_online": greedy_online}
"""The reference policies beside the baseline (as usual), by name (:mod:`engine.simulate.reference`)."""


def run(scenario: Scenario, *, solver: str = "HIGHS", attribution: bool = False) -> StudyResult:
    """Solve the coordinated schedule and simulate the reference policies of a scenario.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    solver : str
        An installed cvxpy solver name (HiGHS by default).
    attribution : bool
        Split the gain among temporal shifting, spatial shifting and storage (up to 7 more solves,
        :mod:`engine.studies.attribution`). Default False here, so that sweeps stay one solve per point;
        ``suandian run`` asks for it unless ``--no-attribution``.

    Returns
    -------
    StudyResult
        ``kind="run"``, schedules ``"coordinated"``, ``"baseline"`` (as usual), ``"static_west"`` and
        ``"greedy_online"``; ``attribution`` when asked for.

    Raises
    ------
    engine.errors.InfeasibleError
        The coordinated schedule cannot meet a requirement of the scenario.
    engine.errors.SolverError
        The solver failed or is not installed.
    """
    coordinated = solve(scenario, solver=solver)
    schedules = {"coordinated": coordinated, "baseline": run_baseline(scenario)}
    schedules.update({name: policy(scenario) for name, policy in REFERENCE_RUNNERS.items()})
    split = (attribute(scenario, coordinated, schedules["baseline"], partial(solve, solver=solver))
             if attribution else None)
    return StudyResult(kind="run", scenario=scenario, schedules=schedules,
                       solver=SolverInfo.of(coordinated), attribution=split)
