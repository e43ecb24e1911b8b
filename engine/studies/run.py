"""One run of a scenario: the coordinated schedule and the baseline, as a :class:`StudyResult`.

``run`` is the Python API behind ``suandian run``; :func:`engine.outputs.files.write_outputs` writes
what the command leaves in its output folder.
"""

from __future__ import annotations

from engine.inputs.scenario import Scenario
from engine.model import solve
from engine.simulate.baseline import run_baseline
from engine.studies.result import SolverInfo, StudyResult


def run(scenario: Scenario, *, solver: str = "HIGHS") -> StudyResult:
    """Solve the coordinated schedule and simulate the baseline of a scenario.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    solver : str
        An installed cvxpy solver name (HiGHS by default).

    Returns
    -------
    StudyResult
        ``kind="run"``, schedules ``"coordinated"`` and ``"baseline"``.

    Raises
    ------
    engine.errors.InfeasibleError
        The coordinated schedule cannot meet a requirement of the scenario.
    engine.errors.SolverError
        The solver failed or is not installed.
    """
    coordinated = solve(scenario, solver=solver)
    return StudyResult(kind="run", scenario=scenario,
                       schedules={"coordinated": coordinated, "baseline": run_baseline(scenario)},
                       solver=SolverInfo.of(coordinated))
