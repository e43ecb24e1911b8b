"""The one result type of every study: :class:`StudyResult` of a run, a rolling operation or a sizing.

A study result holds the scenario, every policy's :class:`~engine.schedule.Schedule` by name, the
solver's record and the study's own extras (the chosen capacities of a sizing, the re-plan records of an
operation). Its metrics come from :func:`engine.metrics.statistics`, with the same arguments for every
policy and study::

    result.metrics()                               # the primary policy, totals [Series]
    result.metrics("baseline", by="hub")           # hub x metric [DataFrame]
    result.gains(by="step")                        # primary minus baseline, per step

Policy names: ``"coordinated"`` (the LP schedule; for a sizing, the planned operation) and
``"baseline"`` (running as usual); an operation has ``"operated"`` (what was done, planned on
forecasts and settled on actuals), ``"perfect_foresight"`` (one LP on the actuals) and ``"baseline"``.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from engine.inputs.scenario import Scenario
from engine.metrics import METRIC_UNITS, statistics
from engine.schedule import Schedule

if TYPE_CHECKING:
    import xarray

STUDY_KINDS = ("run", "operate", "size")
"""What made a result: :func:`engine.studies.run.run`, :func:`engine.studies.operate.operate` or
:func:`engine.studies.size.size`."""

PRIMARY_POLICY = {"run": "coordinated", "operate": "operated", "size": "coordinated"}
"""The policy each study kind compares with the baseline."""


@dataclass(frozen=True)
class SolverInfo:
    """What the solver did for a study.

    Attributes
    ----------
    name : str
        Solver name (``"HIGHS"``).
    status : str
        Solver status of the study's LP (``"optimal"``; an operation: ``"settled (optimal plans)"``).
    build_seconds, solve_seconds : float
        Model build (compile) and solver time [s]; an operation: the look-ahead's compile and the sum of
        its re-plans.
    objective : float or None
        Objective value of the primary schedule in the scenario's objective unit (CNY, kgCO2 or kWh).
    """

    name: str
    status: str
    build_seconds: float
    solve_seconds: float
    objective: float | None

    @property
    def seconds(self) -> float:
        """Build plus solve time [s]."""
        return self.build_seconds + self.solve_seconds

    @classmethod
    def of(cls, schedule: Schedule) -> SolverInfo:
        """The solver record of a schedule."""
        return cls(name=schedule.solver, status=schedule.status, build_seconds=schedule.build_seconds,
                   solve_seconds=schedule.solve_seconds, objective=schedule.objective)


@dataclass(frozen=True)
class SizingOutcome:
    """What a sizing chose and what it costs (over the scenario's horizon; a full year: annual).

    Attributes
    ----------
    min_green_share : float
        The hourly-matched green-share target [-].
    capacities : dict
        Hub -> chosen ``solar_mw``, ``wind_mw`` [MW], ``battery_energy_mwh`` [MWh], ``battery_power_mw``
        [MW] for the capacities the plan sized (unrounded).
    costs_cny : dict
        :data:`engine.studies.size.COST_PARTS` -> cost over the horizon [CNY]: capacity by technology,
        ``capacity`` (their sum), ``operation`` (grid energy, demand charges, PPA, transfer and battery
        wear, less export revenue: the planned schedule's ``cost_cny``), ``export_revenue`` (the revenue
        inside ``operation``, shown on its own), ``carbon``, ``total`` (capacity + operation + carbon).
    cost_per_mwh_it_cny : float
        Total cost per MWh of IT energy served [CNY/MWh].
    horizon_hours : float
        Length of the horizon [h].
    unit_costs : dict
        The annual capacity costs used [CNY per kW-year or kWh-year].
    """

    min_green_share: float
    capacities: dict
    costs_cny: dict
    cost_per_mwh_it_cny: float
    horizon_hours: float
    unit_costs: dict

    @property
    def total_cost_cny(self) -> float:
        """``costs_cny["total"]`` [CNY]."""
        return self.costs_cny["total"]


@dataclass(frozen=True)
class OperationOutcome:
    """The records of a rolling operation.

    Attributes
    ----------
    forecast : dict
        ``{"hubs": {hub: day-ahead skill}, "quantile": q or None, "issue_hour", "seed", "source"}``.
    replans : dict
        ``count``, ``mean_seconds``, ``max_seconds`` (update + solve of each re-plan, the first one
        including the compile), ``first_seconds``, ``relaxed``.
    settlement : dict
        ``postponed_it_mwh``: planned flexible IT that settlement could not run (grid cap) and carried
        as backlog; ``unserved_firm_mwh``: firm facility energy left unserved [MWh].
    planned_renewable_kw : pandas.DataFrame
        The renewables each committed step was planned on (time x hub) [kW].
    plan_log : pandas.DataFrame
        One row per planning time (``time``): ``seconds``, ``relaxed`` and the initial state of charge
        of each battery hub the plan started from, ``<hub>_initial_soc_kwh`` [kWh].
    settings : dict
        ``issue_hour``, ``lookahead_hours``, ``replan_hours``, ``quantile``, ``forecast_seed``,
        ``planning_times`` (ISO local).
    """

    forecast: dict
    replans: dict
    settlement: dict
    planned_renewable_kw: pd.DataFrame
    plan_log: pd.DataFrame
    settings: dict


FLOW_UNITS = {"_g_per_kwh": "gCO2/kWh", "_cny_per_kwh": "CNY/kWh", "_kwh": "kWh", "_kw": "kW"}
"""Units of the flow columns by the end of their name, first match (:meth:`StudyResult.to_xarray`);
``pue`` is [-]."""
XARRAY_MISSING = ('to_xarray needs xarray, an optional extra of suandian. Fix: pip install '
                  '"suandian[xarray]" (or pip install xarray).')


def _flow_unit(name: str) -> str:
    """The unit of a flow column from its name: ``grid_import_kw`` -> ``"kW"``; ``"-"`` without one."""
    return next((unit for suffix, unit in FLOW_UNITS.items() if name.endswith(suffix)), "-")


REPR_METRICS = ("green_share_hourly", "carbon_t", "cost_cny", "curtailed_mwh", "grid_import_mwh",
                "deadline_met_share")
"""The metrics of a result's table in Jupyter (:meth:`StudyResult._repr_html_`)."""


@dataclass(frozen=True)
class StudyResult:
    """The outcome of a run, a rolling operation or a sizing (module docstring).

    Attributes
    ----------
    kind : str
        One of :data:`STUDY_KINDS`.
    scenario : Scenario
        The scenario studied; for a sizing, the scenario with the chosen capacities (rounded up to whole
        kW and kWh) and the target as its green-share floor, ready to run again.
    schedules : mapping of str to Schedule
        Every policy's schedule by name (module docstring), the primary policy first.
    solver : SolverInfo
        The solver's record of the primary schedule.
    sizing : SizingOutcome or None
        A sizing's capacities and cost split.
    operation : OperationOutcome or None
        An operation's re-plan records and forecast skill.
    attribution : dict or None
        A run's split of the gain among its levers (:func:`engine.studies.attribution.attribution`).
    """

    kind: str
    scenario: Scenario
    schedules: Mapping[str, Schedule]
    solver: SolverInfo
    sizing: SizingOutcome | None = None
    operation: OperationOutcome | None = None
    attribution: dict | None = None

    @property
    def primary(self) -> str:
        """The policy compared with the baseline (``"coordinated"``, or ``"operated"``)."""
        return PRIMARY_POLICY[self.kind]

    def metrics(self, policy: str | None = None, *, by: str = "total") -> pd.Series | pd.DataFrame:
        """A policy's metrics (:func:`engine.metrics.statistics`).

        Parameters
        ----------
        policy : str, optional
            A key of :attr:`schedules`; default :attr:`primary`.
        by : {"total", "hub", "step"}
            Grouping.

        Returns
        -------
        pandas.Series or pandas.DataFrame
            Metrics named and in the units of :data:`engine.metrics.METRIC_UNITS`.
        """
        return statistics(self.scenario, self.schedules[policy or self.primary], by=by)

    def gains(self, policy: str | None = None, *, against: str = "baseline",
              by: str = "total") -> pd.Series | pd.DataFrame:
        """A policy's metrics minus another's (default: the primary policy minus the baseline).

        A negative ``carbon_t`` or ``cost_cny`` gain is carbon or money saved.

        Returns
        -------
        pandas.Series or pandas.DataFrame
            Same shape as :meth:`metrics`.
        """
        return self.metrics(policy, by=by) - self.metrics(against, by=by)

    def __repr__(self) -> str:
        """One line: kind, scenario, horizon, hubs, policies and solver (the full record is in the
        attributes)."""
        scenario = self.scenario
        return (f"<StudyResult {self.kind} {scenario.name!r}: {len(scenario.index)} steps of "
                f"{scenario.step_hours:g} h, hubs {', '.join(scenario.hubs)}; policies "
                f"{', '.join(self.schedules)}; {self.solver.name} {self.solver.status}>")

    def _repr_html_(self) -> str:
        """The headline table for Jupyter: every policy's headline metrics and the gain over the baseline."""
        columns = {policy: self.metrics(policy)[list(REPR_METRICS)] for policy in self.schedules}
        if "baseline" in self.schedules and self.primary in self.schedules:
            columns["gain"] = self.gains()[list(REPR_METRICS)]
        frame = pd.DataFrame(columns)
        frame.index = [f"{name} [{METRIC_UNITS[name]}]" for name in frame.index]
        title = f"<p>{html.escape(repr(self)[1:-1])}</p>"
        return title + frame.to_html(float_format=lambda value: f"{value:,.4g}")

    def to_frame(self, policy: str | None = None) -> pd.DataFrame:
        """The tidy table of a policy's schedule: one row per hub and step (``time`` UTC, ``hub``, flows
        [kW], state of charge [kWh], one ``<workload>_it_kw`` column per workload), sorted by hub, time.

        Parameters
        ----------
        policy : str, optional
            A key of :attr:`schedules`; default :attr:`primary`.
        """
        flows = self.schedules[policy or self.primary].flows
        return flows.sort_values(["hub", "time"], kind="stable").reset_index(drop=True)

    def to_xarray(self, policy: str | None = None) -> xarray.Dataset:
        """The tidy table of :meth:`to_frame` as an ``xarray.Dataset``: dims ``time`` (UTC, as naive
        datetime64 with ``attrs["timezone"] = "UTC"``) and ``hub``, one variable per flow column with its
        unit in ``attrs["units"]``.

        Needs the optional extra: ``pip install "suandian[xarray]"``.

        Parameters
        ----------
        policy : str, optional
            A key of :attr:`schedules`; default :attr:`primary`.

        Returns
        -------
        xarray.Dataset
            Flows [kW], state of charge [kWh], PUE [-], carbon intensity [gCO2/kWh], price [CNY/kWh] and
            one ``<workload>_it_kw`` variable per workload, on (time, hub).

        Raises
        ------
        ImportError
            Without xarray, naming the pip command that installs it.
        """
        try:
            import xarray
        except ImportError as error:
            raise ImportError(XARRAY_MISSING) from error
        policy = policy or self.primary
        frame = self.to_frame(policy)
        frame["time"] = frame["time"].dt.tz_convert("UTC").dt.tz_localize(None)
        hubs = list(self.scenario.hubs)
        frame["hub"] = pd.Categorical(frame["hub"], categories=hubs)
        dataset = xarray.Dataset.from_dataframe(frame.set_index(["time", "hub"]).sort_index())
        dataset = dataset.assign_coords(hub=[str(hub) for hub in dataset["hub"].to_numpy()])
        for name in dataset.data_vars:
            dataset[name].attrs["units"] = _flow_unit(name)
        dataset["time"].attrs.update(timezone="UTC", description="start of the step, UTC; local zone "
                                     f"{self.scenario.timezone}")
        dataset.attrs.update(scenario=self.scenario.name, kind=self.kind, policy=policy,
                             step_hours=self.scenario.step_hours)
        return dataset
