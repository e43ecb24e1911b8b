"""Sweeps: key paths, point expansion and ids, Dask execution on the real engine, resume, failures."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from engine.errors import ScenarioError
from engine.inputs.sources import package_files
from engine.outputs.sweep_report import chart_data, check_report, render_sweep_report, write_sweep_outputs
from engine.studies.sweep import (
    STATUS_DONE,
    STATUS_FAILED,
    TIMING_COLUMNS,
    SweepRecordWarning,
    load_sweep,
    points_dir,
    results_table,
    run_sweep,
    solve_point,
)

# Two hubs, one day: Shanghai work may move to Zhongwei over one link. Small enough to solve in well
# under a second; sizes are ASSUMPTIONS for a test, not a real campus.
TINY = """
name = "tiny"
start = "2025-07-01 00:00"
hours = 24
timezone = "Asia/Shanghai"

[objective]
minimize = "cost"

[hubs.shanghai]
it_capacity_mw = 10
firm_it_mw = 4
grid_import_mw = 20
solar_mw = 1

[hubs.zhongwei]
it_capacity_mw = 10
firm_it_mw = 2
grid_import_mw = 20
solar_mw = 30
wind_mw = 5

[[workloads]]
name = "batch"
origin = "shanghai"
arrival_it_mw = 3
deadline_hours = 12
hubs = ["shanghai", "zhongwei"]
data_tb_per_mwh = 0.5

[[links]]
from = "shanghai"
to = "zhongwei"
gbps = 10
"""


@pytest.fixture
def base(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


def write_sweep(folder: Path, body: str, name: str = "sweep.toml") -> Path:
    path = folder / name
    path.write_text('base = "tiny.toml"\n' + body, encoding="utf-8")
    return path


def raw_tiny() -> dict:
    return tomllib.loads(TINY)


def test_unknown_new_key_is_rejected_when_the_sweep_is_read(tmp_path, base):
    path = write_sweep(tmp_path, '[grid]\n"objective.min_green_shar" = [0.5]\n')
    with pytest.raises(ScenarioError, match="'objective.min_green_shar'.*min_green_share"):
        load_sweep(path)
    # a valid optional key the base leaves at its default is fine
    assert len(load_sweep(write_sweep(tmp_path, '[grid]\n"objective.min_green_share" = [0.5]\n')).points) == 1


def test_missing_base_and_unknown_top_key(tmp_path):
    (tmp_path / "s.toml").write_text('base = "nope.toml"\n[grid]\n"hours" = [24]\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="nope.toml"):
        load_sweep(tmp_path / "s.toml")
    (tmp_path / "t.toml").write_text('base = "nope.toml"\ngird = 1\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="gird"):
        load_sweep(tmp_path / "t.toml")


# ----------------------------------------------------------------------------------------------- expansion

SWEEP_BODY = """
kind = "run"
[grid]
"objective.min_green_share" = [0.0, 0.3]
"links[from=shanghai,to=zhongwei].gbps" = [0, 10, 40]

[grid.flexible_share]
values = [0.3, 0.5]
"hubs.shanghai.firm_it_mw" = [7, 5]
"workloads[name=batch].arrival_it_mw" = [3, 5]

[[points]]
"workloads.0.deadline_hours" = 2
kind = "plan"
"""


def test_grid_is_a_full_factorial_first_axis_slowest(tmp_path, base):
    sweep = load_sweep(write_sweep(tmp_path, SWEEP_BODY))
    assert len(sweep.points) == 2 * 3 * 2 + 1
    assert sweep.axes == ("objective.min_green_share", "links[from=shanghai,to=zhongwei].gbps",
                          "flexible_share", "hubs.shanghai.firm_it_mw", "workloads[name=batch].arrival_it_mw",
                          "workloads.0.deadline_hours")
    first, second, last_grid, explicit = sweep.points[0], sweep.points[1], sweep.points[11], sweep.points[12]
    assert first.overrides == {"objective.min_green_share": 0.0, "links[from=shanghai,to=zhongwei].gbps": 0,
                               "hubs.shanghai.firm_it_mw": 7, "workloads[name=batch].arrival_it_mw": 3}
    assert first.labels == {"flexible_share": 0.3}
    assert second.labels == {"flexible_share": 0.5}
    assert last_grid.overrides["objective.min_green_share"] == 0.3
    assert [point.kind for point in sweep.points] == ["run"] * 12 + ["plan"]
    assert explicit.overrides == {"workloads.0.deadline_hours": 2}
    assert [point.order for point in sweep.points] == list(range(13))
    assert sweep.linked == {"flexible_share": ("hubs.shanghai.firm_it_mw",
                                               "workloads[name=batch].arrival_it_mw")}


def test_linked_axis_lengths_must_match(tmp_path, base):
    body = '[grid.flex]\nvalues = [0, 1]\n"hubs.shanghai.firm_it_mw" = [4]\n'
    with pytest.raises(ScenarioError, match="linked axis 'flex'.*1 value"):
        load_sweep(write_sweep(tmp_path, body))


def test_unquoted_dotted_keys_are_read_as_paths(tmp_path, base):
    sweep = load_sweep(write_sweep(tmp_path, "[grid]\nobjective.min_green_share = [0.1, 0.2]\n"))
    assert sweep.axes == ("objective.min_green_share",)


def test_point_ids_are_stable_and_follow_the_inputs(tmp_path, base):
    path = write_sweep(tmp_path, SWEEP_BODY)
    ids = [point.point_id for point in load_sweep(path).points]
    assert ids == [point.point_id for point in load_sweep(path).points]
    assert len(set(ids)) == len(ids)
    # the same point in another sweep file has the same id (it is the same problem)
    other = write_sweep(tmp_path, '[[points]]\n"objective.min_green_share" = 0.0\n'
                        '"links[from=shanghai,to=zhongwei].gbps" = 0\n"hubs.shanghai.firm_it_mw" = 7\n'
                        '"workloads[name=batch].arrival_it_mw" = 3\n', name="other.toml")
    assert load_sweep(other).points[0].point_id == ids[0]
    # a change to the base scenario changes every id
    base.write_text(TINY.replace("solar_mw = 1\n", "solar_mw = 2\n"), encoding="utf-8")
    assert not set(ids) & {point.point_id for point in load_sweep(path).points}


def test_point_ids_follow_files_the_scenario_names(tmp_path, base):
    profile = tmp_path / "shanghai.csv"
    profile.write_text("time,firm_it_kw\n", encoding="utf-8")
    base.write_text(TINY.replace("solar_mw = 1\n", 'solar_mw = 1\nprofiles = "shanghai.csv"\n'),
                    encoding="utf-8")
    path = write_sweep(tmp_path, '[grid]\n"hours" = [24]\n')
    before = load_sweep(path).points[0].point_id
    profile.write_text("time,firm_it_kw\n2025-07-01T00:00+08:00,1\n", encoding="utf-8")
    assert load_sweep(path).points[0].point_id != before


def test_point_keys_cover_the_package_its_data_and_version(tmp_path, base, monkeypatch):
    names = {path.relative_to(path.parents[1]).as_posix() for path in package_files()}
    assert {"weather/hubs.toml", "inputs/default_scenario.toml", "model/assembly.py"} <= names
    path = write_sweep(tmp_path, '[grid]\n"hours" = [24]\n')
    before = load_sweep(path).points[0]
    assert before.point_id == before.key[:16] and len(before.key) == 64
    monkeypatch.setattr("engine.studies.sweep.package_fingerprint", lambda: "another catalogue")
    assert load_sweep(path).points[0].key != before.key


def _records_then(tmp_path, base, damage):
    """Solve a two-point sweep, damage its records, run it again: (sweep, first result, rerun, warnings)."""
    out = tmp_path / "out"
    sweep = load_sweep(write_sweep(tmp_path, '[grid]\n"links.0.gbps" = [0, 40]\n'))
    first = run_sweep(sweep, out, workers=1, processes=False)
    files = [points_dir(out) / f"{point.point_id}.json" for point in sweep.points]
    damage(files)
    with pytest.warns(SweepRecordWarning) as caught:
        again = run_sweep(sweep, out, workers=1, processes=False)
    return first, again, [str(warning.message) for warning in caught], files


def test_swapped_records_are_solved_again_not_swapped(tmp_path, base):
    def swap(files):
        one, two = (path.read_text(encoding="utf-8") for path in files)
        files[0].write_text(two, encoding="utf-8")
        files[1].write_text(one, encoding="utf-8")

    first, again, messages, files = _records_then(tmp_path, base, swap)
    assert (again.solved, again.reused) == (2, 0)
    assert all("key is not this point's" in message for message in messages)
    assert {str(path) for path in files} == {message.split("'")[1] for message in messages}
    pd.testing.assert_frame_equal(_without_timing(again.table), _without_timing(first.table))


@pytest.mark.parametrize("damage, reason", [
    (lambda path: path.write_text(path.read_text(encoding="utf-8")[:40], encoding="utf-8"), "unreadable"),
    (lambda path: path.write_text(json.dumps({k: v for k, v in json.loads(path.read_text(encoding="utf-8"))
                                              .items() if k != "status"}), encoding="utf-8"), "status"),
    (lambda path: path.write_text("[1, 2]", encoding="utf-8"), "JSON object"),
])
def test_an_unreadable_record_is_solved_again_with_a_warning_naming_it(tmp_path, base, damage, reason):
    first, again, messages, files = _records_then(tmp_path, base, lambda files: damage(files[1]))
    assert (again.solved, again.reused) == (1, 1)
    assert len(messages) == 1 and str(files[1]) in messages[0] and reason in messages[0]
    pd.testing.assert_frame_equal(_without_timing(again.table), _without_timing(first.table))
    assert json.loads(files[1].read_text(encoding="utf-8"))["status"] == STATUS_DONE


def test_repeated_points_are_rejected(tmp_path, base):
    with pytest.raises(ScenarioError, match="repeat"):
        load_sweep(write_sweep(tmp_path, '[grid]\n"hours" = [24, 24]\n'))


# ----------------------------------------------------------------------------------------------- report

def _records(sweep, costs):
    """Records as solve_point returns them, with given coordinated costs (None = failed)."""
    records = {}
    for point, cost in zip(sweep.points, costs, strict=True):
        failed = cost is None
        records[point.point_id] = {
            "status": STATUS_FAILED if failed else STATUS_DONE,
            "error": "InfeasibleError: test" if failed else None,
            "solver_status": None if failed else "optimal",
            "solve_seconds": 0.1, "point_seconds": 0.2,
            "results": {} if failed else {"coordinated_cost_cny": cost, "gain_cost_cny": -cost / 10}}
    return records


def test_saving_against_a_reference_series_is_the_difference(tmp_path, base):
    body = ('[grid]\n"objective.min_green_share" = [0.0, 0.5]\n"hubs.shanghai.firm_it_mw" = [4, 2]\n'
            '[[report.plots]]\nx = "objective.min_green_share"\ny = "coordinated_cost_cny"\n'
            'series = "hubs.shanghai.firm_it_mw"\n'
            'saving_against = {column = "hubs.shanghai.firm_it_mw", value = 4}\n')
    sweep = load_sweep(write_sweep(tmp_path, body))
    table = results_table(sweep, _records(sweep, [100.0, 70.0, 150.0, None]))
    plot = check_report(sweep)[0]
    data, averaged = chart_data(table, plot)
    values = {(row.series, row.x): row.y for row in data.itertuples()}
    assert values == {(4, 0.0): 0.0, (2, 0.0): 30.0, (4, 0.5): 0.0}  # the failed point is left out
    assert not averaged
    page = render_sweep_report(sweep, table)
    assert page.count("<svg") == 1
    assert "InfeasibleError: test" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "<script" not in page


def test_report_checks_plot_tables(tmp_path, base):
    body = '[grid]\n"hours" = [24]\n[[report.plots]]\nx = "hours"\n'
    with pytest.raises(ScenarioError, match=r"report.plots\[0\] needs x and y"):
        check_report(load_sweep(write_sweep(tmp_path, body)))


def test_default_report_draws_cost_against_the_first_axis(tmp_path, base):
    sweep = load_sweep(write_sweep(tmp_path, '[grid]\n"objective.min_green_share" = [0.0, 0.5]\n'))
    page = render_sweep_report(sweep, results_table(sweep, _records(sweep, [1.0, 2.0])))
    assert page.count("<svg") == 2  # coordinated cost and its gain; no green-share column here


# ----------------------------------------------------------------------------------------------- solving

def test_solve_point_records_a_plan_point_without_plan_table_as_failed(base):
    record = solve_point(raw_tiny(), str(base.parent), "plan", "HIGHS")
    assert record["status"] == STATUS_FAILED
    assert "[plan]" in record["error"]
    assert record["point_seconds"] >= 0.0


PLAN_TABLE = """
[plan.hubs.zhongwei]
solar_mw = { min = 0, max = 500 }
battery_energy_mwh = { min = 0, max = 500 }
battery_power_mw = { min = 0, max = 50 }
"""


def test_plan_points_size_capacities_and_cost_rises_with_the_green_floor(tmp_path):
    (tmp_path / "tiny.toml").write_text(TINY + PLAN_TABLE, encoding="utf-8")
    sweep = load_sweep(write_sweep(tmp_path, 'kind = "plan"\n[grid]\n'
                                             '"objective.min_green_share" = [0.3, 0.5]\n'))
    table = run_sweep(sweep, tmp_path / "out", workers=2, processes=False).table
    assert list(table["status"]) == [STATUS_DONE, STATUS_DONE]
    assert (table["solver_status"] == "optimal").all()
    # each plan meets its floor, and a higher floor never costs less (a smaller feasible set)
    assert (table["coordinated_green_share_hourly"] >= table["objective.min_green_share"] - 1e-6).all()
    assert table.loc[1, "plan_total_cost_cny"] >= table.loc[0, "plan_total_cost_cny"] - 1e-6
    assert table.loc[1, "plan_capacities_zhongwei_solar_mw"] > 0.0
    assert not any("seconds" in column for column in table.columns
                   if column.startswith(("plan_", "coordinated_")))


RUN_BODY = """
[grid]
"links[from=shanghai,to=zhongwei].gbps" = [0, 2, 40]
"objective.min_green_share" = [0.0, 0.99]
"""


def _without_timing(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns=list(TIMING_COLUMNS))


def test_sweep_on_two_workers_with_failed_points(tmp_path, base):
    sweep = load_sweep(write_sweep(tmp_path, RUN_BODY))
    result = run_sweep(sweep, tmp_path / "out", workers=2, processes=False)
    table = result.table
    assert list(table["point"]) == list(range(6))
    assert result.solved == 6 and result.reused == 0
    # a 99 % hourly green share cannot be met with 1 MW of PV in Shanghai overnight: recorded, not raised
    done = table[table["status"] == STATUS_DONE]
    failed = table[table["status"] == STATUS_FAILED]
    assert set(failed["objective.min_green_share"]) == {0.99} and result.failed == len(failed) == 3
    assert failed["error"].str.startswith("InfeasibleError").all()
    assert len(done) == 3 and (done["solver_status"] == "optimal").all()
    # no bandwidth, no migration; more bandwidth never costs more (a larger feasible set)
    by_gbps = done.set_index("links[from=shanghai,to=zhongwei].gbps")
    assert by_gbps.loc[0, "coordinated_migrated_it_mwh"] == pytest.approx(0.0, abs=1e-6)
    assert by_gbps.loc[40, "coordinated_migrated_it_mwh"] > 0.0
    costs = by_gbps["coordinated_cost_cny"]
    assert costs.loc[0] >= costs.loc[2] - 1e-6 >= costs.loc[40] - 2e-6
    # a 2 Gbit/s link moves at most 0.9 TB per hour = 1.8 MWh of work per hour at 0.5 TB/MWh
    assert by_gbps.loc[2, "coordinated_network_tb"] <= 2 * 0.45 * 24 + 1e-6
    # gains are coordinated minus baseline
    difference = done["coordinated_cost_cny"] - done["baseline_cost_cny"]
    assert (done["gain_cost_cny"] - difference).abs().max() < 1e-6
    # the files: one record per point, the table twice
    assert len(list(points_dir(tmp_path / "out").glob("*.json"))) == 6
    written = write_sweep_outputs(sweep, result)
    stored = pd.read_parquet(written["parquet"])
    pd.testing.assert_frame_equal(stored, table, check_dtype=False)
    assert len(pd.read_csv(written["csv"])) == 6


def test_resume_skips_finished_points_and_keeps_failures(tmp_path, base):
    out = tmp_path / "out"
    small = load_sweep(write_sweep(tmp_path, '[grid]\n"links.0.gbps" = [0, 40]\n', name="small.toml"))
    run_sweep(small, out, workers=1, processes=False)
    first = {path.name: path.stat().st_mtime_ns for path in points_dir(out).glob("*.json")}
    assert len(first) == 2

    full = load_sweep(write_sweep(tmp_path, '[grid]\n"links.0.gbps" = [0, 40, -5]\n', name="full.toml"))
    result = run_sweep(full, out, workers=1, processes=False)
    assert (result.solved, result.reused, result.failed) == (1, 2, 1)
    kept = {path.name: path.stat().st_mtime_ns for path in points_dir(out).glob("*.json")}
    assert {name: kept[name] for name in first} == first
    negative = result.table.set_index("links.0.gbps").loc[-5]
    assert negative["status"] == STATUS_FAILED and "ScenarioError" in negative["error"]

    # an interrupted sweep: a point file never written is solved again, the others are kept
    lost = points_dir(out) / f"{full.points[1].point_id}.json"
    lost.unlink()
    again = run_sweep(full, out, workers=1, processes=False)
    assert (again.solved, again.reused) == (1, 2)
    pd.testing.assert_frame_equal(_without_timing(again.table), _without_timing(result.table))

    # failed points are re-solved only when asked
    failed_file = points_dir(out) / f"{full.points[2].point_id}.json"
    before = failed_file.stat().st_mtime_ns
    retried = run_sweep(full, out, workers=1, processes=False, retry_failed=True)
    assert (retried.solved, retried.reused) == (1, 2)
    assert failed_file.stat().st_mtime_ns != before
    assert json.loads(failed_file.read_text(encoding="utf-8"))["status"] == STATUS_FAILED


def test_same_inputs_give_the_same_table(tmp_path, base):
    sweep = load_sweep(write_sweep(tmp_path, '[grid]\n"workloads.0.deadline_hours" = [12, 2]\n'
                                   '"links.0.gbps" = [5, 40]\n'))
    one = run_sweep(sweep, tmp_path / "one", workers=2, processes=False).table
    two = run_sweep(sweep, tmp_path / "two", workers=1, processes=False).table
    pd.testing.assert_frame_equal(_without_timing(one), _without_timing(two))
    assert list(one["workloads.0.deadline_hours"]) == [12, 12, 2, 2]


# ----------------------------------------------------------------------------------------------- examples

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def test_example_studies_expand_against_their_base_scenarios():
    bandwidth = load_sweep(EXAMPLES / "sweep_bandwidth.toml")
    assert len(bandwidth.points) == 6 * 2 and {point.kind for point in bandwidth.points} == {"run"}
    assert bandwidth.axes[0] == "shanghai_west_gbps"
    assert [point.overrides["links[from=shanghai,to=helinger].gbps"] for point in bandwidth.points[::2]] == [
        0, 10, 30, 50, 100, 400]
    green = load_sweep(EXAMPLES / "sweep_zhongwei_green.toml")
    assert len(green.points) == 6 * 3 and {point.kind for point in green.points} == {"plan"}
    # the IT work stays 30 MW whatever its flexible share
    for point in green.points:
        firm = point.overrides["hubs.zhongwei.firm_it_mw"]
        flexible = point.overrides["workloads[name=training].arrival_it_mw"]
        assert firm + flexible == 30 and flexible / 30 == pytest.approx(point.labels["flexible_share"])
        # sized for the hub alone: no park built to sell power
        assert point.overrides["hubs.zhongwei.export_mw"] == 0
    for sweep in (bandwidth, green):
        assert check_report(sweep)


def test_bandwidth_study_values_bandwidth(tmp_path):
    """Two points of the bandwidth study on the real engine: no link against 50 Gbit/s, 48 h deadline."""
    import dataclasses

    study = load_sweep(EXAMPLES / "sweep_bandwidth.toml")
    chosen = tuple(point for point in study.points
                   if point.labels["shanghai_west_gbps"] in (0, 50)
                   and point.overrides["workloads[name=ai-training].deadline_hours"] == 48)
    sweep = dataclasses.replace(study, points=chosen)
    table = run_sweep(sweep, tmp_path, workers=2, processes=False).table.set_index("shanghai_west_gbps")
    assert (table["status"] == STATUS_DONE).all()
    # Beijing's rendering moves west over its own links in both points; Shanghai's training only with a link
    migrated = table["coordinated_migrated_it_mwh"]
    assert migrated.loc[50] > migrated.loc[0] + 1000.0
    assert table.loc[50, "coordinated_cost_cny"] < table.loc[0, "coordinated_cost_cny"]
    assert render_sweep_report(sweep, table.reset_index()).count("<svg") == 4


def test_zhongwei_study_points_are_valid_scenarios(tmp_path):
    """The study's flexible-share axis on a 48 h horizon as runs (sizing is its own module)."""
    raw = tomllib.loads((EXAMPLES / "sweep_zhongwei_green.toml").read_text(encoding="utf-8"))
    raw["kind"] = "run"
    raw["grid"]["objective.min_green_share"] = [0.0]
    raw["grid"]["hours"] = [48]
    from engine.studies.sweep import sweep_from_dict

    sweep = sweep_from_dict(raw, EXAMPLES)
    table = run_sweep(sweep, tmp_path, workers=2, processes=False).table
    assert (table["status"] == STATUS_DONE).all(), table["error"].tolist()
    # the same IT energy in every point: 30 MW for 48 h, plus the firm load over the 24 h drain period
    firm_drain_mwh = (1.0 - table["flexible_share"].to_numpy()) * 30 * 24
    assert table["coordinated_it_energy_mwh"].to_numpy() == pytest.approx(30 * 48 + firm_drain_mwh)
    # more flexible work never costs more to run
    costs = table.set_index("flexible_share")["coordinated_cost_cny"]
    assert costs.loc[0.0] >= costs.loc[0.2] - 1e-6 >= costs.loc[0.4] - 2e-6
