"""One run of a scenario: the coordinated schedule, the reference policies and the attribution of the
gain, as a :class:`StudyResult`.

``run`` is the Python API behind ``suandian run``; :func:`engine.outputs.files.write_outputs` writes
what the command leaves in its output folder.

Fair scoring (DESIGN.md, "Scoring"), the rule :func:`engine.studies.operate.operate` follows too: every
schedule of a run -- coordinated, as usual, the reference policies and the attribution's solves -- is
computed and scored on the scenario plus its drain period (:func:`engine.inputs.drain.with_drain`: no new
arrivals, long enough for the longest deadline), so work arriving near the horizon end keeps its own
deadline in every policy; the result's scenario is that drained scenario. The end-of-horizon battery
state is equalised with running as usual: the coordinated schedule and every solve of the attribution
end with at least the battery state the as-usual schedule ends with (:func:`equalised_solve`), so the
gain over as usual is never bought by emptying a battery; and wherever schedules are compared by their
objective it is valued at :func:`engine.metrics.stored_energy_value`
(:func:`engine.metrics.scored_objective`).
"""

from __future__ import annotations

import dataclasses
from functools import partial

import numpy as np

from engine.errors import InfeasibleError
from engine.inputs.arrays import scenario_data
from engine.inputs.drain import with_drain
from engine.inputs.scenario import Scenario
from engine.metrics import end_soc_kwh
from engine.model import CoSchedulingModel
from engine.schedule import Schedule
from engine.simulate.baseline import run_baseline
from engine.simulate.reference import greedy_online, static_west
from engine.studies.attribution import attribution as attribute
from engine.studies.cluster import check_workers
from engine.studies.phases import Phases, unobserved
from engine.studies.result import SolverInfo, StudyResult

REFERENCE_RUNNERS = {"static_west": static_west, "greedy_online": greedy_online}
"""The reference policies beside the baseline (as usual), by name (:mod:`engine.simulate.reference`)."""


def run(scenario: Scenario, *, solver: str = "HIGHS", attribution: bool = False,
        workers: int = 1, phases: Phases = unobserved) -> StudyResult:
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
    workers : int
        Solve the attribution's solves in parallel on a local Dask cluster of this many workers (one
        process and thread each; a script calling this needs the ``if __name__ == "__main__":`` guard,
        as the workers are spawned); 1 (default): one after another. Same numbers either way.
    phases : callable, optional
        Told ``"building"``, ``"solving"`` and ``"solving the attribution"`` as the run enters them
        (:mod:`engine.studies.phases`; the CLI shows them on a terminal).

    Returns
    -------
    StudyResult
        ``kind="run"`` on the drained scenario (module docstring), schedules ``"coordinated"`` (end
        state equalised with as usual), ``"baseline"`` (as usual), ``"static_west"`` and
        ``"greedy_online"``; ``attribution`` when asked for.

    Raises
    ------
    engine.errors.InfeasibleError
        The coordinated schedule cannot meet a requirement of the scenario.
    engine.errors.SolverError
        The solver failed or is not installed.
    """
    phases("building")
    check_workers(workers)
    drained = with_drain(scenario)
    baseline = run_baseline(drained)
    solve = partial(equalised_solve, end_soc_kwh=end_soc_kwh(drained, baseline), solver=solver)
    coordinated = solve(drained, phases=phases)
    schedules = {"coordinated": coordinated, "baseline": baseline}
    schedules.update({name: policy(drained) for name, policy in REFERENCE_RUNNERS.items()})
    if attribution:
        phases("solving the attribution")
    split = attribute(drained, coordinated, baseline, solve, workers=workers) if attribution else None
    return StudyResult(kind="run", scenario=drained, schedules=schedules,
                       solver=SolverInfo.of(coordinated), attribution=split)


def equalised_solve(scenario: Scenario, end_soc_kwh: np.ndarray, solver: str = "HIGHS",
                    phases: Phases = unobserved) -> Schedule:
    """The one-shot coordinated schedule, ending with at least the battery state ``end_soc_kwh``.

    Equalises the end-of-horizon battery state with another schedule (as usual in a run, the operated
    one in an operation), so that a comparison does not reward the schedule that empties its battery.
    Falls back to the scenario's own terminal state when the one-shot cannot reach ``end_soc_kwh``.

    Parameters
    ----------
    scenario : Scenario
        The (drained) scenario; hubs whose battery it has switched off are skipped.
    end_soc_kwh : numpy.ndarray
        ``(hubs,)`` state of charge to end with at least [kWh] (battery hubs are read).
    solver : str
        Installed cvxpy solver.
    phases : callable, optional
        Told ``"solving"`` once the LP is built (:mod:`engine.studies.phases`).

    Raises
    ------
    engine.errors.InfeasibleError, engine.errors.SolverError
        Not even the scenario's own terminal state can be met, or the solver failed.
    """
    model = CoSchedulingModel(scenario)
    data = scenario_data(scenario)
    batteries = [i for i, h in enumerate(scenario.hubs.values()) if h.battery is not None]
    model.update(dataclasses.replace(data, final_soc_kwh=np.asarray(end_soc_kwh, dtype=float)[batteries]))
    phases("solving")
    try:
        return model.solve(solver)
    except InfeasibleError:
        model.update(data)
        return model.solve(solver)
