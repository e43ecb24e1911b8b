"""Parameter sweeps: many variants of one scenario, each solved as its own Dask task.

A sweep file (TOML) names a base scenario and the values to give its keys::

    name = "green-share-vs-flexibility"
    base = "east_west.toml"          # the base scenario, relative to the sweep file
    kind = "run"                     # "run" (engine.studies.run.run) or "plan"
                                     # (engine.studies.size.size); default "run"
    solver = "HIGHS"                 # optional, default "HIGHS"

    [grid]                           # full factorial over the axes, first axis slowest
    "objective.min_green_share" = [0.8, 0.9, 1.0]
    "workloads[name=ai-training].deadline_hours" = [6, 24]

    [grid.flexible_share]            # a linked axis: keys that move together, labelled by `values`
    values = [0.0, 0.2, 0.4]
    "hubs.zhongwei.firm_it_mw" = [100, 80, 60]
    "workloads[name=batch].arrival_it_mw" = [0, 20, 40]

    [[points]]                       # explicit points, appended after the grid's
    "links.0.gbps" = 0
    kind = "run"                     # a point (or a grid axis named "kind") may override the kind

    [[report.plots]]                 # optional; see engine.outputs.sweep_report
    x = "objective.min_green_share"
    y = "coordinated_cost_cny"
    series = "flexible_share"

Keys are paths into the raw scenario TOML, segments joined by dots: a table key (``objective``), a list
index (``workloads.0``) or a list element chosen by its fields (``workloads[name=ai-training]``,
``links[from=shanghai,to=zhongwei]``, exactly one element must match). Every table and list element on
the path must exist in the base scenario; the last key may be new (an optional key left at its default,
or a whole table such as ``hubs.qingyang.battery = {energy_mwh = 100, power_mw = 25}``); the scenario
reader then judges it when the point is built.

Each point has a key: SHA-256 of everything that determines its result — its complete scenario (base
plus overrides), the content of every file the scenario names (profiles, weather), its kind and solver,
and the package fingerprint (the suandian version and every file of the ``engine`` and ``weather``
packages: code, the hub catalogue's tariffs and grid factors, the bundled data;
:func:`engine.inputs.sources.package_fingerprint`). Its first 16 hex digits are the point id. Finished
points are written one JSON file each to ``OUT/points/<id>.json`` the moment they arrive (temp file +
rename), so an interrupted sweep loses nothing it finished. A rerun reuses a record only when it reads
as a record and carries the point's full key, kind and overrides; any other file is solved again, with a
:class:`SweepRecordWarning` naming it. Failed points are re-solved only with ``retry_failed=True``
(``--retry-failed``).

The local cluster binds to 127.0.0.1 only (scheduler, workers and their HTTP servers); the dashboard is
off. With ``scheduler`` the sweep submits its tasks to that scheduler and unpickles what comes back:
whoever runs the scheduler and its workers runs code with your rights, so connect only to a cluster you
trust, over TLS (``security``, a :class:`distributed.security.Security`).

The results table (:attr:`SweepResult.table`, written as ``OUT/results.parquet`` and
``OUT/results.csv`` by :func:`engine.outputs.sweep_report.write_sweep_outputs`) has one row per
point in sweep order: the point id and order, kind, the swept values (one column per key and per
linked axis), ``status`` (``"done"`` or ``"failed"``), ``error``, ``solver_status``,
``solve_seconds`` and ``point_seconds`` (wall time of the task) [s], and every headline metric of
DESIGN.md as ``<policy>_<metric>`` for every policy of the point's
:class:`~engine.studies.result.StudyResult` (``coordinated``, ``baseline``) and ``gain_<metric>``
(totals over hubs; :func:`point_columns`). A ``plan`` point adds its sizing as
``plan_<field>`` columns. Apart from the two timing columns the table depends only on the inputs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from engine.atomic import write_json
from engine.errors import ScenarioError
from engine.inputs.keypath import apply_overrides, check_key, resolve_key
from engine.inputs.limits import read_toml
from engine.inputs.scenario_file import TABLE_KEYS
from engine.inputs.sources import file_sha256, package_fingerprint, referenced_files
from engine.studies.cluster import dask_client as _dask_client
from engine.studies.result import StudyResult

KINDS = ("run", "plan")
"""What a point solves: ``run`` (fixed capacities, :func:`engine.studies.run.run`) or ``plan`` (sizing,
:func:`engine.studies.size.plan`)."""

SWEEP_KEYS = ("name", "base", "kind", "solver", "grid", "points", "report")
"""Top-level keys of a sweep file."""

STATUS_DONE = "done"
STATUS_FAILED = "failed"
TIMING_COLUMNS = ("solve_seconds", "point_seconds")
"""Columns that measure time and so differ between otherwise identical sweeps."""
SWEEP_KEY = "sweep key"
"""How error messages name a swept key path (:mod:`engine.inputs.keypath`)."""
POINTS = "points"
"""The folder of per-point records inside a sweep's output folder."""


class SweepRecordWarning(UserWarning):
    """A stored point record that cannot be trusted (unreadable, or not this point's); it is solved again."""


# ---------------------------------------------------------------------------------------------------------
# The sweep file
# ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SweepPoint:
    """One point of a sweep.

    Attributes
    ----------
    order : int
        Position in the sweep (grid points first, first axis slowest, then explicit points).
    kind : str
        ``"run"`` or ``"plan"``.
    overrides : dict
        Scenario key -> value set on the base scenario.
    labels : dict
        Linked-axis name -> value (the label of keys that move together).
    point_id : str
        Stable id: the first 16 hex digits of ``key``.
    key : str
        SHA-256 of everything that determines the result (:func:`point_key`).
    """

    order: int
    kind: str
    overrides: dict
    labels: dict
    point_id: str
    key: str = ""


@dataclass(frozen=True)
class Sweep:
    """A parsed sweep file.

    Attributes
    ----------
    name : str
    path : pathlib.Path or None
        The sweep file.
    base_path : pathlib.Path
        The base scenario file.
    base_raw : dict
        The base scenario as read from TOML.
    solver : str
    points : tuple of SweepPoint
    axes : tuple of str
        Column names of the swept quantities in order: each grid key, each linked axis name and its
        keys, then keys only explicit points set.
    report : dict
        The ``[report]`` table (plot choices for :mod:`engine.outputs.sweep_report`).
    linked : dict
        Linked-axis name -> the scenario keys that move with it.
    inputs : tuple of pathlib.Path
        Every file the sweep reads: the sweep file, the base scenario and every file a point names.
    """

    name: str
    path: Path | None
    base_path: Path
    base_raw: dict
    solver: str
    points: tuple[SweepPoint, ...]
    axes: tuple[str, ...]
    report: dict
    linked: dict = dataclasses.field(default_factory=dict)
    inputs: tuple[Path, ...] = ()

    @property
    def base_dir(self) -> Path:
        """The folder the base scenario's relative paths are resolved from."""
        return self.base_path.parent


def load_sweep(path: str | Path) -> Sweep:
    """Read a sweep file and expand its points.

    Parameters
    ----------
    path : str or pathlib.Path
        The sweep TOML file.

    Returns
    -------
    Sweep

    Raises
    ------
    ScenarioError
        On a missing or unreadable file, an unknown key, a missing base scenario, or a swept key that
        does not exist in the base scenario.
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"sweep file {str(path)!r} not found; give the path of a sweep TOML file")
    raw = read_toml(path, "sweep file")
    return sweep_from_dict(raw, path.resolve().parent, path=path, default_name=path.stem)


def sweep_from_dict(raw: Mapping, sweep_dir: Path, *, path: Path | None = None,
                    default_name: str = "sweep") -> Sweep:
    """Build a :class:`Sweep` from the dict of a sweep file.

    Parameters
    ----------
    raw : dict
        The sweep file as read from TOML.
    sweep_dir : pathlib.Path
        The folder ``base`` is relative to.
    path : pathlib.Path, optional
        The sweep file, for the record.
    default_name : str
        Name when the file gives none.

    Returns
    -------
    Sweep
    """
    unknown = sorted(set(raw) - set(SWEEP_KEYS))
    if unknown:
        raise ScenarioError(f"sweep file: unknown key(s) {unknown}; expected some of {list(SWEEP_KEYS)}")
    if "base" not in raw or not isinstance(raw["base"], str):
        raise ScenarioError("sweep file: 'base' must name the base scenario file, e.g. "
                            "base = \"east_west.toml\" (relative to the sweep file)")
    base_path = (Path(sweep_dir) / raw["base"]).resolve()
    if not base_path.is_file():
        raise ScenarioError(f"sweep file: base scenario {raw['base']!r} not found at {str(base_path)!r}; "
                            "the path is relative to the sweep file")
    base_raw = read_toml(base_path, "base scenario")
    base_raw.setdefault("name", base_path.stem)  # as engine.inputs.scenario_file.load_scenario names it
    kind = _check_kind(raw.get("kind", "run"), "kind")
    solver = raw.get("solver", "HIGHS")
    if not isinstance(solver, str) or not solver:
        raise ScenarioError(f"sweep file: 'solver' must be a solver name such as \"HIGHS\", got {solver!r}")
    report = raw.get("report", {})
    if not isinstance(report, dict):
        raise ScenarioError(f"sweep file: [report] must be a table, got {report!r}")

    axes, linked, grid_points = _expand_grid(raw.get("grid", {}), base_raw)
    explicit = _explicit_points(raw.get("points", []), base_raw)
    if not grid_points and not explicit:
        raise ScenarioError("sweep file: no points; give a [grid] of key = [values] or [[points]] tables")
    columns = list(axes)
    for overrides, _, _ in explicit:
        columns.extend(key for key in overrides if key not in columns)

    for key in dict.fromkeys(key for overrides, _, _ in grid_points + explicit for key in overrides):
        check_key(base_raw, key, TABLE_KEYS, label=SWEEP_KEY)
    file_cache: dict[Path, str] = {}
    points = []
    for order, (overrides, labels, point_kind) in enumerate(grid_points + explicit):
        point_kind = point_kind or kind
        scenario = apply_overrides(base_raw, overrides, label=SWEEP_KEY)
        file_hashes = _referenced_files(scenario, base_path.parent, file_cache)
        key = point_key(scenario, point_kind, solver, file_hashes)
        points.append(SweepPoint(order=order, kind=point_kind, overrides=overrides, labels=labels,
                                 point_id=key[:16], key=key))
    repeats = sorted(pid for pid, count in Counter(point.point_id for point in points).items() if count > 1)
    if repeats:
        raise ScenarioError(f"sweep file: some points repeat another point exactly (ids {repeats}); remove "
                            "the repeated values")
    return Sweep(name=str(raw.get("name", default_name)), path=path, base_path=base_path,
                 base_raw=base_raw, solver=solver, points=tuple(points), axes=tuple(columns),
                 report=dict(report), linked=linked,
                 inputs=tuple(dict.fromkeys([*([path.resolve()] if path else []), base_path, *file_cache])))


def _check_kind(kind: Any, where: str) -> str:
    if kind not in KINDS:
        raise ScenarioError(f"sweep file: {where} must be one of {list(KINDS)}, got {kind!r}")
    return kind


def _values_list(key: str, values: Any) -> list:
    if not isinstance(values, list) or not values:
        raise ScenarioError(f"sweep file: grid key {key!r} must list at least one value, e.g. "
                            f"\"{key}\" = [1, 2], got {values!r}")
    return values


def _is_base_table(base_raw: Mapping, dotted: str) -> bool:
    """Whether ``dotted`` names an existing table of the base scenario."""
    try:
        container, accessor, exists = resolve_key(base_raw, dotted, label=SWEEP_KEY)
    except ScenarioError:
        return False
    return exists and isinstance(container[accessor], dict)


def _flatten_tables(table: Mapping, base_raw: Mapping, prefix: str = "") -> dict:
    """Nested TOML tables -> dotted keys.

    ``objective.min_green_share = 1`` written without quotes reaches us as a nested table; it is
    followed down while it names an existing table of the base scenario (so a table value that
    replaces or adds a whole table, e.g. a new battery, stays one value). Tables with ``values`` are
    linked axes and stay as they are.
    """
    flat = {}
    for key, value in table.items():
        dotted = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and "values" not in value and _is_base_table(base_raw, dotted):
            flat.update(_flatten_tables(value, base_raw, dotted))
        else:
            flat[dotted] = value
    return flat


def _expand_grid(grid: Any, base_raw: Mapping) -> tuple[list[str], dict, list[tuple[dict, dict, str | None]]]:
    """Columns, linked axes and the full-factorial points of a ``[grid]`` table (first axis slowest)."""
    if not isinstance(grid, dict):
        raise ScenarioError(f"sweep file: [grid] must be a table of key = [values], got {grid!r}")
    if not grid:
        return [], {}, []
    columns: list[str] = []
    linked: dict[str, tuple[str, ...]] = {}
    axes: list[list[tuple[dict, dict, str | None]]] = []
    for key, spec in _flatten_tables(grid, base_raw).items():
        if key == "kind":
            axes.append([({}, {}, _check_kind(value, "grid kind")) for value in _values_list(key, spec)])
        elif isinstance(spec, dict):
            labels = _values_list(f"{key}.values", spec["values"])
            keys = _flatten_tables({k: v for k, v in spec.items() if k != "values"}, base_raw)
            if not keys:
                raise ScenarioError(f"sweep file: linked axis {key!r} sets no scenario key; add keys with "
                                    f"one value per label, e.g. \"hubs.zhongwei.firm_it_mw\" = [...]")
            for linked_key, values in keys.items():
                if len(_values_list(linked_key, values)) != len(labels):
                    raise ScenarioError(f"sweep file: linked axis {key!r}: {linked_key!r} has "
                                        f"{len(values)} value(s) but 'values' has {len(labels)}; give one "
                                        "value per label")
            columns.append(key)
            columns.extend(keys)
            linked[key] = tuple(keys)
            axes.append([({k: v[i] for k, v in keys.items()}, {key: label}, None)
                         for i, label in enumerate(labels)])
        else:
            columns.append(key)
            axes.append([({key: value}, {}, None) for value in _values_list(key, spec)])
    points = []
    for combination in itertools.product(*axes):
        overrides: dict = {}
        labels: dict = {}
        kind = None
        for axis_overrides, axis_labels, axis_kind in combination:
            overrides.update(axis_overrides)
            labels.update(axis_labels)
            kind = axis_kind or kind
        points.append((overrides, labels, kind))
    return columns, linked, points


def _explicit_points(points: Any, base_raw: Mapping) -> list[tuple[dict, dict, str | None]]:
    if not isinstance(points, list) or not all(isinstance(point, dict) for point in points):
        raise ScenarioError("sweep file: [[points]] must be a list of tables of key = value")
    expanded = []
    for number, point in enumerate(points):
        overrides = _flatten_tables({k: v for k, v in point.items() if k != "kind"}, base_raw)
        kind = _check_kind(point["kind"], f"points[{number}].kind") if "kind" in point else None
        if not overrides and kind is None:
            raise ScenarioError(f"sweep file: points[{number}] sets nothing; give at least one key = value")
        expanded.append((overrides, {}, kind))
    return expanded


def _referenced_files(raw: Any, base_dir: Path, cache: dict[Path, str]) -> dict[str, str]:
    """SHA-256 of every file a raw scenario names (profiles, weather files), by path as written.

    ``cache`` maps files already hashed in this sweep to their hash (its keys are every file the sweep
    reads).
    """
    hashes = {}
    for written, path in referenced_files(raw, base_dir).items():
        if path not in cache:
            cache[path] = file_sha256(path)
        hashes[written] = cache[path]
    return hashes


def point_key(scenario: Mapping, kind: str, solver: str, file_hashes: Mapping[str, str]) -> str:
    """The key of a point: SHA-256 over everything that determines its result.

    Parameters
    ----------
    scenario : dict
        The complete raw scenario of the point (base plus overrides).
    kind, solver : str
    file_hashes : mapping of str to str
        SHA-256 of the files the scenario names.

    Returns
    -------
    str
        64 hex digits; covers also :func:`engine.inputs.sources.package_fingerprint` (version, code,
        hub catalogue and other package data).
    """
    text = json.dumps({"scenario": scenario, "kind": kind, "solver": solver, "files": dict(file_hashes),
                       "package": package_fingerprint()}, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------------------
# Solving one point (runs on a Dask worker)
# ---------------------------------------------------------------------------------------------------------

def solve_point(scenario_raw: dict, base_dir: str, kind: str, solver: str) -> dict:
    """Solve one point and return its record; never raises for a failed point.

    Parameters
    ----------
    scenario_raw : dict
        The complete raw scenario of the point.
    base_dir : str
        The folder the scenario's relative paths are resolved from.
    kind : str
        ``"run"`` or ``"plan"``.
    solver : str
        cvxpy solver name.

    Returns
    -------
    dict
        ``status`` (``"done"`` / ``"failed"``), ``error`` (``None`` or ``"<Exception>: message"``),
        ``solver_status``, ``solve_seconds`` and ``point_seconds`` [s], and ``results``: flat
        ``coordinated_<metric>``, ``baseline_<metric>``, ``gain_<metric>`` (and ``plan_<field>``)
        numbers.
    """
    started = time.perf_counter()
    record: dict = {"status": STATUS_FAILED, "error": None, "solver_status": None, "solve_seconds": None,
                    "results": {}}
    try:
        from engine.inputs.scenario_file import scenario_from_dict

        scenario = scenario_from_dict(scenario_raw, Path(base_dir))
        result = _study(kind)(scenario, solver=solver)
        record["results"] = point_columns(result)
        record["solver_status"], record["solve_seconds"] = result.solver.status, result.solver.solve_seconds
        record["status"] = STATUS_DONE
    except Exception as error:  # noqa: BLE001 - a failed point is recorded, the sweep goes on
        record["error"] = f"{type(error).__name__}: {error}"
    record["point_seconds"] = time.perf_counter() - started
    return record


def _study(kind: str) -> Callable[..., StudyResult]:
    """The study a point of this kind solves: :func:`~engine.studies.run.run` or
    :func:`~engine.studies.size.size`."""
    if kind == "run":
        from engine.studies.run import run

        return run
    from engine.studies.size import size

    return size


def point_columns(result: StudyResult) -> dict[str, float]:
    """The headline numbers of a point as flat columns (nothing that depends on timing).

    ``<policy>_<metric>`` for every policy of the result (totals over hubs), ``gain_<metric>`` (the
    primary policy minus the baseline) and, for a sizing, ``plan_total_cost_cny``,
    ``plan_cost_per_mwh_it_cny``, ``plan_min_green_share``, ``plan_costs_cny_<part>`` and
    ``plan_capacities_<hub>_<capacity>``.

    Parameters
    ----------
    result : StudyResult
        A run or a sizing.

    Returns
    -------
    dict of str to float
    """
    columns = {f"{policy}_{name}": float(value) for policy in result.schedules
               for name, value in result.metrics(policy).items()}
    columns.update({f"gain_{name}": float(value) for name, value in result.gains().items()})
    sizing = result.sizing
    if sizing is not None:
        columns.update(plan_total_cost_cny=sizing.total_cost_cny,
                       plan_cost_per_mwh_it_cny=sizing.cost_per_mwh_it_cny,
                       plan_min_green_share=sizing.min_green_share)
        columns.update({f"plan_costs_cny_{part}": value for part, value in sizing.costs_cny.items()})
        columns.update({f"plan_capacities_{hub}_{name}": value for hub, chosen in sizing.capacities.items()
                        for name, value in chosen.items()})
    return columns


# ---------------------------------------------------------------------------------------------------------
# Running a sweep
# ---------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SweepResult:
    """What :func:`run_sweep` did.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per point in sweep order (see the module docstring for the columns).
    out_dir : pathlib.Path
    solved : int
        Points solved in this call.
    reused : int
        Points taken from ``OUT/points`` without solving.
    failed : int
        Points whose record is a failure (this call or before).
    """

    table: pd.DataFrame
    out_dir: Path
    solved: int
    reused: int
    failed: int


def points_dir(out_dir: str | Path) -> Path:
    """The folder of per-point records, ``OUT/points``."""
    return Path(out_dir) / POINTS


RECORD_FIELDS = {"point_id": str, "key": str, "kind": str, "overrides": dict, "status": str,
                 "results": dict}
"""Fields every stored record has, with their types."""


def read_point(out_dir: str | Path, point: SweepPoint) -> dict | None:
    """The stored record of a point, or ``None`` when there is none that can be trusted.

    A record is trusted when it is a JSON object with :data:`RECORD_FIELDS`, a known ``status``, and the
    point's full key, kind and overrides. Any other file gives a :class:`SweepRecordWarning` naming it
    (the point is then solved again and the file replaced).

    Parameters
    ----------
    out_dir : str or pathlib.Path
    point : SweepPoint

    Returns
    -------
    dict or None
    """
    path = points_dir(out_dir) / f"{point.point_id}.json"
    if not path.is_file():
        return None
    problem = None
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        stored, problem = None, f"unreadable ({type(error).__name__})"
    if problem is None:
        problem = _record_problem(stored, point)
    if problem is not None:
        warnings.warn(SweepRecordWarning(f"sweep record {str(path)!r}: {problem}; solving point "
                                         f"{point.order} again"), stacklevel=2)
        return None
    return stored


def _record_problem(stored: Any, point: SweepPoint) -> str | None:
    """Why a stored record is not this point's finished record, or None."""
    if not isinstance(stored, dict):
        return "expected a JSON object"
    wrong = [name for name, kind in RECORD_FIELDS.items() if not isinstance(stored.get(name), kind)]
    if wrong:
        return f"missing or mistyped field(s) {wrong}"
    if stored["status"] not in (STATUS_DONE, STATUS_FAILED):
        return f"expected status {STATUS_DONE!r} or {STATUS_FAILED!r}"
    if stored["key"] != point.key or stored["point_id"] != point.point_id:
        return "its key is not this point's (another point's record, or inputs or code changed)"
    overrides = json.loads(json.dumps(point.overrides, default=str))
    if stored["kind"] != point.kind or stored["overrides"] != overrides:
        return "its kind or overrides are not this point's"
    return None


def write_point(out_dir: str | Path, point: SweepPoint, record: Mapping) -> Path:
    """Persist one finished point atomically (temp file in the same folder, then rename).

    Parameters
    ----------
    out_dir : str or pathlib.Path
    point : SweepPoint
    record : dict
        The record from :func:`solve_point`.

    Returns
    -------
    pathlib.Path
        ``OUT/points/<id>.json``.
    """
    folder = points_dir(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored = {"point_id": point.point_id, "key": point.key, "kind": point.kind,
              "overrides": point.overrides, "labels": point.labels, **record}
    return write_json(folder / f"{point.point_id}.json", stored)


def run_sweep(sweep: Sweep, out_dir: str | Path, *, workers: int | None = None,
              scheduler: str | None = None, retry_failed: bool = False, progress: bool = False,
              processes: bool = True, memory_limit: str | float | None = "auto",
              security: Any = None) -> SweepResult:
    """Solve every point of a sweep on Dask and write the results table.

    Parameters
    ----------
    sweep : Sweep
    out_dir : str or pathlib.Path
        Output folder of ``points/`` (one JSON per finished point).
    workers : int, optional
        Workers of the local cluster (one thread each); default: the CPU count, never more than the
        points left to solve. Ignored with ``scheduler``.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``, ``tls://host:8786``); its workers must
        import ``engine`` and see the base scenario's files at the same paths. The scheduler and its
        workers run code with your rights: use only a cluster you trust.
    retry_failed : bool
        Solve again points whose stored record is a failure (default: keep the failure).
    progress : bool
        Show a tqdm progress bar (done, failed, remaining) on stderr.
    processes : bool
        Local cluster workers as processes (default) or threads in this process.
    memory_limit : str or float, optional
        Memory limit per local worker, as Dask takes it (``"auto"``: the machine's memory shared
        between the workers).
    security : distributed.security.Security, optional
        TLS settings for the connection to ``scheduler``.

    Returns
    -------
    SweepResult
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    records: dict[str, dict] = {}
    todo = []
    for point in sweep.points:
        stored = read_point(out_dir, point)
        if stored is not None and (stored["status"] == STATUS_DONE or not retry_failed):
            records[point.point_id] = stored
        else:
            todo.append(point)
    reused = len(records)
    if todo:
        client = _dask_client(scheduler, workers, len(todo), processes, memory_limit, security)
        with client as connected:
            _solve_points(sweep, todo, connected, out_dir, records, progress)
    table = results_table(sweep, records)
    return SweepResult(table=table, out_dir=out_dir, solved=len(todo), reused=reused,
                       failed=int((table["status"] == STATUS_FAILED).sum()))


def _solve_points(sweep: Sweep, todo: list[SweepPoint], client: Any, out_dir: Path,
                  records: dict[str, dict], progress: bool) -> None:
    """Submit the points, store each record as it arrives (into ``records`` and ``OUT/points``)."""
    from distributed import as_completed
    from tqdm.auto import tqdm

    failed = sum(record["status"] == STATUS_FAILED for record in records.values())
    remaining = len(todo)
    with tqdm(total=len(sweep.points), initial=len(records), desc=f"sweep {sweep.name}", unit="point",
              disable=not progress) as bar:
        bar.set_postfix(failed=failed, remaining=remaining)
        by_key = {}
        for point in todo:
            scenario = apply_overrides(sweep.base_raw, point.overrides, label=SWEEP_KEY)
            future = client.submit(solve_point, scenario, str(sweep.base_dir), point.kind, sweep.solver,
                                   key=f"suandian-sweep-{point.point_id}", pure=False)
            by_key[future.key] = (point, future)
        for future in as_completed([future for _, future in by_key.values()]):
            point = by_key[future.key][0]
            try:
                record = future.result()
            except Exception as error:  # noqa: BLE001 - a lost worker fails this point only
                record = {"status": STATUS_FAILED, "error": f"{type(error).__name__}: {error}",
                          "solver_status": None, "solve_seconds": None, "point_seconds": None,
                          "results": {}}
            write_point(out_dir, point, record)
            records[point.point_id] = record
            remaining -= 1
            failed += record["status"] == STATUS_FAILED
            bar.update(1)
            bar.set_postfix(failed=failed, remaining=remaining)
            future.release()


def sweep(source: str | Path | Sweep, out_dir: str | Path, **options: Any) -> SweepResult:
    """Run a sweep file (or a :class:`Sweep`) into a folder: :func:`load_sweep`, then :func:`run_sweep`.

    Parameters
    ----------
    source : str, pathlib.Path or Sweep
        The sweep TOML file, or a sweep already loaded.
    out_dir : str or pathlib.Path
        Folder of the point records (``points/``); a rerun reuses them.
    **options
        Keyword arguments of :func:`run_sweep` (``workers``, ``scheduler``, ``retry_failed``, ...).

    Returns
    -------
    SweepResult
        Its ``table`` has one row per point; :func:`engine.outputs.sweep_report.write_sweep_outputs`
        writes it (Parquet, CSV) with the report.
    """
    loaded = source if isinstance(source, Sweep) else load_sweep(source)
    return run_sweep(loaded, out_dir, **options)


def _cell(value: Any) -> Any:
    """A table cell: scalars as they are, lists and tables as JSON text."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    return value


def results_table(sweep: Sweep, records: Mapping[str, Mapping]) -> pd.DataFrame:
    """One row per point in sweep order, from the points' records.

    Parameters
    ----------
    sweep : Sweep
    records : mapping of point id to record
        Records from :func:`solve_point` or :func:`read_point`; points without one are left out.

    Returns
    -------
    pandas.DataFrame
    """
    rows = []
    result_columns: list[str] = []
    for point in sweep.points:
        record = records.get(point.point_id)
        if record is None:
            continue
        row = {"point": point.order, "point_id": point.point_id, "kind": point.kind}
        for column in sweep.axes:
            value = point.labels.get(column, point.overrides.get(column))
            row[column] = _cell(value)
        row.update(status=record["status"], error=record.get("error"),
                   solver_status=record.get("solver_status"), solve_seconds=record.get("solve_seconds"),
                   point_seconds=record.get("point_seconds"))
        results = record.get("results", {})
        result_columns.extend(key for key in results if key not in result_columns)
        row.update(results)
        rows.append(row)
    fixed = ["point", "point_id", "kind", *sweep.axes, "status", "error", "solver_status", *TIMING_COLUMNS]
    table = pd.DataFrame(rows, columns=[*fixed, *_ordered_metrics(result_columns)])
    numeric = [*TIMING_COLUMNS, *result_columns]
    table[numeric] = table[numeric].apply(pd.to_numeric).astype(float)
    return table.reset_index(drop=True).copy()  # one block per dtype: later inserts stay cheap


def _ordered_metrics(columns: list[str]) -> list[str]:
    """coordinated_*, baseline_*, gain_*, then plan_* and anything else, each in first-seen order."""
    rank = {"coordinated_": 0, "baseline_": 1, "gain_": 2, "plan_": 3}
    return sorted(columns, key=lambda column: (next((r for p, r in rank.items() if column.startswith(p)), 4)))
