"""The scenario: frozen, validated inputs of one co-scheduling problem.

A :class:`Scenario` holds every time series already resolved on one regular UTC index (weather turned
into power, catalogue defaults applied, profiles read). The model, the baseline and the metrics read
only this object. Reading a TOML file into a Scenario is :mod:`engine.inputs.scenario_file`'s job.

Every object checks itself when it is built, from a file or in Python: a bad field raises
:class:`~engine.errors.ScenarioError` naming it (several bad fields: every one, see
:class:`~engine.inputs.fields.ScenarioProblems`). A :class:`Scenario` also checks what joins its parts:
unique names, workloads and links between its hubs, deadlines of whole steps, series on its index, firm
load within IT capacity, a link wherever work moves data. Whether the work fits the capacity by its
deadlines is the model's pre-check (the scenario reader runs a per-workload version of it).

Units are in the names: power [kW], energy [kWh], carbon intensity [gCO2/kWh], price [CNY/kWh].
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.errors import ScenarioError
from engine.inputs.checks import firm_load_violation
from engine.inputs.deadlines import check_deadline_hours
from engine.inputs.fields import Problems, boolean, number, string
from engine.inputs.plan_settings import PlanSettings
from engine.inputs.times import check_timezone, local_label

HUB_SERIES = ("solar_kw", "wind_kw", "firm_it_kw", "pue", "carbon_g_per_kwh", "price_cny_per_kwh")
"""Columns of :attr:`HubInputs.series`; ``temp_air`` [degC] may be present as well."""
RESERVED_WORKLOAD_NAMES = tuple(column.removesuffix("_it_kw") for column in HUB_SERIES
                                if column.endswith("_it_kw"))
"""Names a workload may not take: its ``<name>_it_kw`` column would be a hub series (``firm``)."""
OBJECTIVES = ("cost", "carbon", "grid", "carbon_marginal")
"""What :attr:`Objective.minimize` may be (``"carbon"``: location-based, ``"carbon_marginal"``: consequential,
:data:`FOSSIL_MARGINAL_KG_PER_KWH` x (import - export))."""
FOSSIL_MARGINAL_KG_PER_KWH = 0.8273
"""National fossil-only emission factor, 2023 [kgCO2/kWh] (MEE 2025 No.47; FACTS.md). Using it as the
marginal factor of grid import and of displaced generation is a model choice (consequential accounting)."""
MAX_TRANSFER_KWH_PER_TB = 1000.0
"""Largest plausible transfer energy [kWh/TB]: ~16x the 60 kWh/TB (0.06 kWh/GB) of 2015 networks
(Aslan et al. 2018, doi:10.1111/jiec.12630)."""
BATTERY_DEFAULTS = {"round_trip_efficiency": 0.9, "initial_soc": 0.5, "grid_charging": False}
"""Defaults of the optional battery fields: the one table the dataclass and the scenario file use."""
KW_PER_MW = 1000.0


def check_workload_name(name: Any, key: str) -> str:
    """A workload's name: a non-empty string that is not one of :data:`RESERVED_WORKLOAD_NAMES`.

    Parameters
    ----------
    name : Any
        The name given.
    key : str
        Its key path, e.g. ``"workloads[0].name"``.

    Returns
    -------
    str

    Raises
    ------
    ScenarioError
        Not a string, or reserved.
    """
    name = string(name, key)
    if name in RESERVED_WORKLOAD_NAMES:
        raise ScenarioError(f"{key}: {name!r} is reserved (its column {name}_it_kw is a hub series); "
                            "expected another name. Fix: rename the workload, e.g. \"batch\".")
    return name


@dataclass(frozen=True)
class Battery:
    """A battery at a hub.

    ``round_trip_efficiency`` (in (0, 1]) is split evenly between charging and discharging
    (each ``sqrt(round_trip_efficiency)``). The state of charge at the end of the horizon equals
    ``initial_soc`` (a fraction in [0, 1]). Without ``grid_charging`` it charges from renewables only.
    """

    energy_kwh: float
    power_kw: float
    round_trip_efficiency: float = BATTERY_DEFAULTS["round_trip_efficiency"]
    initial_soc: float = BATTERY_DEFAULTS["initial_soc"]
    grid_charging: bool = BATTERY_DEFAULTS["grid_charging"]
    wear_cny_per_mwh: float = 0.0
    """Wear cost per MWh discharged [CNY/MWh] (0: not counted; the scenario file's default is sourced)."""

    def __post_init__(self) -> None:
        problems = Problems("Battery")
        problems.attempt(partial(number, self.energy_kwh, "Battery.energy_kwh", unit=" [kWh]"))
        problems.attempt(partial(number, self.power_kw, "Battery.power_kw", unit=" [kW]"))
        problems.attempt(partial(number, self.round_trip_efficiency, "Battery.round_trip_efficiency",
                                 high=1.0, low_open=True, unit=" (a fraction)"))
        problems.attempt(partial(number, self.initial_soc, "Battery.initial_soc", high=1.0,
                                 unit=" (a fraction)"))
        problems.attempt(partial(boolean, self.grid_charging, "Battery.grid_charging"))
        problems.attempt(partial(number, self.wear_cny_per_mwh, "Battery.wear_cny_per_mwh",
                                 unit=" [CNY/MWh]"))
        problems.raise_any()


@dataclass(frozen=True)
class HubInputs:
    """One hub: capacities [kW] and its time series (:data:`HUB_SERIES`) on the scenario index.

    ``weather`` (``"typical"``: the offline typical year, else the weather file's path), ``tracking``
    (single-axis PV), ``weather_seed`` and ``calibrate_wind`` (station wind rescaled to the hub's
    documented 100 m resource) say how the park series were made, so a study that needs the output of
    one more kW of park (sizing) builds it the same way; ``weather_notes`` say what was corrected or
    calibrated in the weather on the way in.
    """

    name: str
    it_capacity_kw: float
    grid_import_kw: float
    series: pd.DataFrame
    battery: Battery | None = None
    solar_kw_nameplate: float = 0.0
    wind_kw_nameplate: float = 0.0
    weather: str = "typical"
    tracking: bool = False
    weather_seed: int = 0
    calibrate_wind: bool = False
    weather_notes: tuple[str, ...] = ()
    export_kw: float = 0.0
    """Export cap of park surplus to the grid [kW], at most ``grid_import_kw`` (0: surplus is curtailed)."""
    export_price_cny_per_kwh: float = 0.0
    """Price paid for exported park energy [CNY/kWh]."""
    ppa_price_cny_per_kwh: float = 0.0
    """Price of the parks' own energy taken by the hub, used or exported [CNY/kWh] (0: free)."""
    demand_charge_cny_per_kw_month: float = 0.0
    """Demand charge on each calendar month's peak grid import [CNY per kW-month]."""
    forecast_file: Path | None = None
    """The hub's forecast file (scenario key ``hubs.<name>.forecast``): rolling operation and day-ahead
    plans read it (:mod:`engine.inputs.forecast_files`) instead of the offline forecast error model."""

    def __post_init__(self) -> None:
        problems = Problems(f"hub {self.name!r}")
        string(self.name, "HubInputs.name")
        key = f"hubs.{self.name}"
        for name in ("it_capacity_kw", "grid_import_kw", "solar_kw_nameplate", "wind_kw_nameplate"):
            problems.attempt(partial(number, getattr(self, name), f"{key}.{name}", unit=" [kW]"))
        problems.attempt(partial(_check_economics, self, key))
        if self.battery is not None and not isinstance(self.battery, Battery):
            problems.add(f"{key}.battery: expected a Battery or None, got {type(self.battery).__name__}. "
                         "Fix: build it with Battery(energy_kwh=..., power_kw=...).")
        problems.attempt(partial(_check_series, self.series, key))
        problems.raise_any()


def _check_economics(hub: HubInputs, key: str) -> None:
    """Prices >= 0 and an export cap within the grid connection (export uses the same line)."""
    for name, unit in (("export_price_cny_per_kwh", " [CNY/kWh]"), ("ppa_price_cny_per_kwh", " [CNY/kWh]"),
                       ("demand_charge_cny_per_kw_month", " [CNY per kW-month]")):
        number(getattr(hub, name), f"{key}.{name}", unit=unit)
    number(hub.export_kw, f"{key}.export_kw", unit=" [kW]")
    if isinstance(hub.grid_import_kw, (int, float)) and hub.export_kw > hub.grid_import_kw:
        raise ScenarioError(f"{key}.export_mw: expected at most the grid connection grid_import_mw "
                            f"({hub.grid_import_kw / KW_PER_MW:g} MW), got {hub.export_kw / KW_PER_MW:g} MW. "
                            "Fix: lower export_mw or raise grid_import_mw.")


def _check_series(series: Any, key: str) -> None:
    """The hub series: a frame on a tz-aware index with every column of HUB_SERIES, finite and >= 0
    (PUE >= 1)."""
    if not isinstance(series, pd.DataFrame) or not isinstance(series.index, pd.DatetimeIndex):
        raise ScenarioError(f"{key}.series: expected a DataFrame on a DatetimeIndex, got "
                            f"{type(series).__name__}. Fix: build it on Scenario.index.")
    if series.index.tz is None:
        raise ScenarioError(f"{key}.series: expected a tz-aware (UTC) index, got naive times. "
                            "Fix: build it on Scenario.index.")
    missing = [column for column in HUB_SERIES if column not in series]
    if missing:
        raise ScenarioError(f"{key}.series: expected the columns {', '.join(HUB_SERIES)}, got no "
                            f"{', '.join(missing)}. Fix: add them (kW, gCO2/kWh, CNY/kWh, PUE).")
    for column in HUB_SERIES:
        values = series[column].to_numpy(dtype=float)
        lowest = 1.0 if column == "pue" else 0.0
        bad = ~np.isfinite(values) | (values < lowest)
        if bad.any():
            raise ScenarioError(f"{key}.series.{column}: expected finite values >= {lowest:g}, got "
                                f"{values[bad][0]:g} at {series.index[int(np.argmax(bad))]}. Fix the series.")


@dataclass(frozen=True)
class Workload:
    """A class of deferrable IT work.

    Work arriving in step ``t`` (``arrival_it_kw`` times the step length) may run from ``t`` on and
    must be done by ``t + deadline_hours`` (clipped to the end of the horizon), in any hub of
    ``hubs``. Running it away from ``origin`` moves ``data_tb_per_mwh`` [TB per MWh of IT work]
    over the link from the origin to that hub.
    """

    name: str
    origin: str
    arrival_it_kw: pd.Series
    deadline_hours: float
    hubs: tuple[str, ...]
    data_tb_per_mwh: float = 0.0

    def __post_init__(self) -> None:
        check_workload_name(self.name, "Workload.name")
        key = f"workloads[name={self.name}]"
        problems = Problems(f"workload {self.name!r}")
        problems.attempt(partial(string, self.origin, f"{key}.origin"))
        problems.attempt(partial(number, self.deadline_hours, f"{key}.deadline_hours", low_open=True,
                                 unit=" [h]"))
        problems.attempt(partial(number, self.data_tb_per_mwh, f"{key}.data_tb_per_mwh", unit=" [TB/MWh]"))
        if (not isinstance(self.hubs, tuple) or not self.hubs or len(set(self.hubs)) != len(self.hubs)
                or not all(isinstance(h, str) for h in self.hubs)):
            problems.add(f"{key}.hubs: expected a non-empty tuple of distinct hub names, got {self.hubs!r}. "
                         f"Fix: hubs=({self.origin!r},).")
        arrivals = self.arrival_it_kw
        if not isinstance(arrivals, pd.Series):
            problems.add(f"{key}.arrival_it_kw: expected a pandas Series on the scenario index, got "
                         f"{type(arrivals).__name__}. Fix: pd.Series(values, index=scenario.index).")
        elif not (np.isfinite(arrivals.to_numpy(dtype=float)).all() and (arrivals >= 0).all()):
            problems.add(f"{key}.arrival_it_kw: expected finite arrivals >= 0 [kW], got "
                         f"{arrivals.min():g} at the lowest. Fix the arrivals.")
        problems.raise_any()


@dataclass(frozen=True)
class Link:
    """A directed network link between two hubs [Gbit/s]."""

    from_hub: str
    to_hub: str
    gbps: float

    def __post_init__(self) -> None:
        key = f"links[from={self.from_hub},to={self.to_hub}]"
        string(self.from_hub, f"{key}.from_hub")
        string(self.to_hub, f"{key}.to_hub")
        if self.from_hub == self.to_hub:
            raise ScenarioError(f"{key}.to_hub: expected a hub other than {self.from_hub!r}, got a link to "
                                "itself. Fix: link two different hubs.")
        number(self.gbps, f"{key}.gbps", unit=" [Gbit/s]")


@dataclass(frozen=True)
class Transfer:
    """What moving a workload's data costs: energy at the sender and a price per TB.

    The transfer energy ``energy_kwh_per_tb`` [kWh/TB] is load at the *origin* (the sender) hub, beside
    its facility load; a per-TB network energy is an attribution model (Malmodin: network electricity is
    mostly fixed per subscriber). ``price_cny_per_tb`` [CNY/TB] is the price of the data moved.
    """

    energy_kwh_per_tb: float = 0.0
    price_cny_per_tb: float = 0.0

    def __post_init__(self) -> None:
        problems = Problems("the transfer")
        problems.attempt(partial(number, self.energy_kwh_per_tb, "transfer.energy_kwh_per_tb",
                                 high=MAX_TRANSFER_KWH_PER_TB, unit=" [kWh/TB]"))
        problems.attempt(partial(number, self.price_cny_per_tb, "transfer.price_cny_per_tb",
                                 unit=" [CNY/TB]"))
        problems.raise_any()


@dataclass(frozen=True)
class Objective:
    """What the schedule minimises: ``"cost"``, ``"carbon"`` or ``"grid"`` (least grid energy)."""

    minimize: str = "cost"
    carbon_price_cny_per_t: float = 0.0
    min_green_share: float = 0.0

    def __post_init__(self) -> None:
        problems = Problems("the objective")
        if self.minimize not in OBJECTIVES:
            close = difflib.get_close_matches(str(self.minimize), OBJECTIVES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.add(f"objective.minimize: expected one of {', '.join(OBJECTIVES)}, got "
                         f"{self.minimize!r}{hint}. Fix: minimize = \"cost\".")
        problems.attempt(partial(number, self.carbon_price_cny_per_t, "objective.carbon_price_cny_per_t",
                                 unit=" [CNY/tCO2]"))
        problems.attempt(partial(number, self.min_green_share, "objective.min_green_share", high=1.0,
                                 unit=" (a fraction)"))
        problems.raise_any()


@dataclass(frozen=True)
class Scenario:
    """A complete co-scheduling problem on one regular UTC time index."""

    name: str
    index: pd.DatetimeIndex
    step_hours: float
    timezone: str
    objective: Objective
    hubs: dict[str, HubInputs]
    workloads: tuple[Workload, ...] = ()
    links: tuple[Link, ...] = ()
    settings: dict = field(default_factory=dict)
    """The scenario as written (for ``summary.json``)."""
    plan: PlanSettings | None = None
    """The validated ``[plan]`` table (capacity sizing), or None when the scenario has none."""
    transfer: Transfer = field(default_factory=Transfer)
    """Energy and price of the data moved between hubs."""

    def __post_init__(self) -> None:
        problems = Problems(f"scenario {self.name!r}")
        problems.attempt(partial(string, self.name, "name"))
        problems.attempt(partial(check_timezone, self.timezone))
        problems.attempt(partial(_check_index, self.index, self.step_hours))
        problems.attempt(partial(_check_parts, self))
        problems.raise_any()
        for message in scenario_problems(self):
            problems.add(message)
        problems.raise_any()


def _check_index(index: Any, step_hours: Any) -> None:
    """A non-empty, regular, tz-aware index of ``step_hours`` steps."""
    number(step_hours, "step_hours", low_open=True, unit=" [h]")
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None or len(index) == 0:
        raise ScenarioError(f"index: expected a non-empty tz-aware (UTC) DatetimeIndex, got "
                            f"{type(index).__name__} {getattr(index, 'tz', None)!r}. "
                            "Fix: pd.date_range(start, periods=..., freq=..., tz=\"UTC\").")
    steps = (index[1:] - index[:-1]) / pd.Timedelta(hours=1) if len(index) > 1 else np.array([step_hours])
    if not np.allclose(steps, step_hours, rtol=1e-9, atol=0.0):
        raise ScenarioError(f"index: expected a regular index of {step_hours:g} h steps, got steps from "
                            f"{steps.min():g} h to {steps.max():g} h. Fix: build it with freq = the step.")


def _check_parts(scenario: Scenario) -> None:
    """The parts have the right types and the hubs are keyed by their own names."""
    if not isinstance(scenario.objective, Objective):
        raise ScenarioError(f"objective: expected an Objective, got {type(scenario.objective).__name__}. "
                            "Fix: Objective(minimize=\"cost\").")
    if not isinstance(scenario.hubs, Mapping) or not scenario.hubs:
        raise ScenarioError("hubs: expected a non-empty dict of hub name -> HubInputs, got "
                            f"{scenario.hubs!r}. Fix: hubs={{hub.name: hub}}.")
    for name, hub in scenario.hubs.items():
        if not isinstance(hub, HubInputs) or hub.name != name:
            raise ScenarioError(f"hubs.{name}: expected the HubInputs named {name!r}, got "
                                f"{getattr(hub, 'name', type(hub).__name__)!r}. Fix: hubs={{hub.name: hub}}.")
    for kind, items, cls in (("workloads", scenario.workloads, Workload), ("links", scenario.links, Link)):
        if not isinstance(items, tuple) or not all(isinstance(item, cls) for item in items):
            raise ScenarioError(f"{kind}: expected a tuple of {cls.__name__}, got {items!r}. "
                                f"Fix: {kind}=tuple(...).")


def scenario_problems(scenario: Scenario) -> list[str]:
    """The broken rules that join the parts of a scenario, one message each (empty when none).

    Checked: hub series and arrivals on the scenario index; workload names unique, origins and allowed
    hubs among the scenario's hubs, deadlines a whole number (>= 1) of steps; links between hubs of the
    scenario, at most one per direction; a link from the origin wherever work that moves data may run;
    firm IT load within the IT capacity; a ``[plan]`` only with ``minimize = "cost"`` and for hubs of the
    scenario.
    """
    problems = Problems()
    hubs, index = scenario.hubs, scenario.index
    for name, hub in hubs.items():
        if not hub.series.index.equals(index):
            problems.add(f"hubs.{name}.series: expected the scenario index ({len(index)} steps from "
                         f"{index[0]}), got {len(hub.series)} rows from {hub.series.index[0]}. Fix: build "
                         "the series on Scenario.index.")
    seen: set[str] = set()
    for i, workload in enumerate(scenario.workloads):
        key = f"workloads[{i}]"
        if workload.name in seen:
            problems.add(f"{key}.name: duplicate workload name {workload.name!r}. Fix: give each workload "
                         "its own name (it names the `<name>_it_kw` columns).")
        seen.add(workload.name)
        problems.attempt(partial(check_hub_name, workload.origin, hubs, f"{key}.origin"))
        for hub_name in workload.hubs:
            problems.attempt(partial(check_hub_name, hub_name, hubs, f"{key}.hubs"))
        problems.attempt(partial(check_deadline_hours, workload.deadline_hours, scenario.step_hours,
                                 f"{key}.deadline_hours"))
        if not workload.arrival_it_kw.index.equals(index):
            problems.add(f"{key}.arrival_it_mw: expected arrivals of {workload.name!r} on the scenario "
                         "index, got another index. Fix: build them on Scenario.index.")
    for message in _link_problems(scenario.links, hubs) + _network_problems(scenario):
        problems.add(message)
    if not problems.messages:
        problems.attempt(partial(_check_firm_load, scenario))
    problems.attempt(partial(_check_plan, scenario))
    return problems.messages


def check_hub_name(name: Any, hubs: Mapping[str, Any], key: str) -> None:
    """Raise unless ``name`` is a hub of the scenario (suggesting the closest one)."""
    if name not in hubs:
        close = difflib.get_close_matches(str(name), list(hubs), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ScenarioError(f"{key}: hub {name!r} is not in this scenario{hint}; its hubs are "
                            f"{', '.join(hubs)}. Fix: add [hubs.{name}] or use one of them.")


def _link_problems(links: tuple[Link, ...], hubs: Mapping[str, HubInputs]) -> list[str]:
    problems = Problems()
    seen = set()
    for i, link in enumerate(links):
        problems.attempt(partial(check_hub_name, link.from_hub, hubs, f"links[{i}].from"))
        problems.attempt(partial(check_hub_name, link.to_hub, hubs, f"links[{i}].to"))
        if (link.from_hub, link.to_hub) in seen:
            problems.add(f"links[{i}]: a second link {link.from_hub} -> {link.to_hub}. Fix: merge them into "
                         "one with the summed gbps.")
        seen.add((link.from_hub, link.to_hub))
    return problems.messages


def _network_problems(scenario: Scenario) -> list[str]:
    """Work that moves data to a remote hub needs a link from its origin to that hub."""
    linked = {(link.from_hub, link.to_hub) for link in scenario.links}
    messages = []
    for i, workload in enumerate(scenario.workloads):
        if workload.data_tb_per_mwh <= 0:
            continue
        for hub in workload.hubs:
            if hub != workload.origin and (workload.origin, hub) not in linked:
                messages.append(
                    f"workloads[{i}].hubs: workload {workload.name!r} may run at {hub!r} and moves "
                    f"{workload.data_tb_per_mwh:g} TB/MWh, but there is no link {workload.origin} -> {hub}. "
                    f"Fix: add [[links]] from = \"{workload.origin}\", to = \"{hub}\", gbps = ..., remove "
                    f"{hub!r} from its hubs, or set data_tb_per_mwh = 0.")
    return messages


def _check_firm_load(scenario: Scenario) -> None:
    """Firm IT load within the IT capacity of its hub at every step (:func:`firm_load_violation`)."""
    hubs = list(scenario.hubs.values())
    firm = np.column_stack([hub.series["firm_it_kw"].to_numpy(dtype=float) for hub in hubs])
    violation = firm_load_violation(firm, np.array([hub.it_capacity_kw for hub in hubs]))
    if violation is not None:
        when = local_label(scenario.index[violation.step], scenario.timezone)
        raise ScenarioError(
            f"hubs.{hubs[violation.hub].name}.firm_it_mw: expected firm IT load <= it_capacity_mw "
            f"({violation.have_kw / KW_PER_MW:g} MW), got {violation.need_kw / KW_PER_MW:g} MW at {when}. "
            "Fix: raise it_capacity_mw or lower the firm load (firm_it_mw or the firm_it_kw profile).")


def _check_plan(scenario: Scenario) -> None:
    plan = scenario.plan
    if plan is None:
        return
    if scenario.objective.minimize != "cost":
        raise ScenarioError(
            "objective.minimize: sizing ([plan]) weighs capacity costs against energy costs in CNY, so "
            f'it needs "cost", got {scenario.objective.minimize!r}. Fix: minimize = "cost" (a carbon price '
            "adds the carbon cost).")
    for hub in plan.bounds_kw:
        check_hub_name(hub, scenario.hubs, f"plan.hubs.{hub}")
    if not math.isfinite(plan.min_green_share) or not 0.0 <= plan.min_green_share <= 1.0:
        raise ScenarioError(f"plan.min_green_share: expected a fraction in [0, 1], got "
                            f"{plan.min_green_share!r}. Fix: correct the target.")


def plan_settings(scenario: Scenario) -> PlanSettings:
    """The validated ``[plan]`` table of a scenario (:attr:`Scenario.plan`) for sizing.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    PlanSettings

    Raises
    ------
    ScenarioError
        When the scenario has no ``[plan]`` table.
    """
    if scenario.plan is None:
        raise ScenarioError(
            "plan: expected a [plan] table naming the capacities to size, got a scenario without one. "
            "Fix: add [plan.hubs.<hub>] with the capacities to size, e.g. solar_mw = { min = 0, max = 500 }.")
    return scenario.plan
