"""The views a manager asks for (issue 13, item 2): the map of the hubs with the work moved along each
link, the dispatch stack with the battery's state of charge, the plan's cost and its premium over
grid-only power, and for operate the late work and the cost of forecast error. On the hand-made 3-step,
2-hub schedule of tests/engine/test_metrics.py (values computed by hand there and below)."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from engine.inputs.scenario import Link
from engine.outputs.charts import supply_chart
from engine.outputs.map import hub_map, link_flows
from engine.outputs.operation_report import forecast_error_table, late_work, late_work_section
from engine.outputs.plan_report import grid_only_cost_cny, render_plan_report
from engine.outputs.run_report import render_report
from engine.studies.result import OperationOutcome, SizingOutcome, SolverInfo, StudyResult
from tests.engine.test_metrics import hand_flows, hand_scenario, hand_schedule

NAMES = {"east": "shanghai", "west": "zhongwei"}


def _catalogued():
    """The hand scenario and flows with catalogue hubs (east -> shanghai, west -> zhongwei)."""
    scenario = hand_scenario()
    hubs = {NAMES[name]: dataclasses.replace(hub, name=NAMES[name]) for name, hub in scenario.hubs.items()}
    workload = dataclasses.replace(scenario.workloads[0], origin="shanghai", hubs=("shanghai", "zhongwei"))
    scenario = dataclasses.replace(scenario, hubs=hubs, workloads=(workload,),
                                   links=(Link(from_hub="shanghai", to_hub="zhongwei", gbps=10.0),))
    flows = hand_flows()
    flows["hub"] = flows["hub"].map(NAMES)
    return scenario, flows


def _result(kind: str = "run", **extras) -> StudyResult:
    scenario, flows = _catalogued()
    coordinated = hand_schedule(flows)
    baseline = dataclasses.replace(coordinated, kind="baseline", status="simulated", solver="baseline")
    primary = "operated" if kind == "operate" else "coordinated"
    schedules = {primary: dataclasses.replace(coordinated, kind=primary), "baseline": baseline}
    if kind == "operate":
        better = flows.assign(grid_import_kw=flows["grid_import_kw"] * 0.5)
        schedules["perfect_foresight"] = dataclasses.replace(coordinated, kind="perfect_foresight",
                                                             flows=better)
    return StudyResult(kind=kind, scenario=scenario, schedules=schedules, solver=SolverInfo.of(coordinated),
                       **extras)


def test_link_flows_count_the_work_run_away_from_its_origin():
    # batch from east runs 10 + 10 kW at west: 0.02 MWh, 0.5 TB/MWh -> 0.005 TB a step of a 4.5 TB step
    links = link_flows(hand_scenario(), hand_schedule())
    row = links.iloc[0]
    assert (row["from"], row["to"], row["gbps"]) == ("east", "west", 10.0)
    assert math.isclose(row["moved_it_mwh"], 0.02) and math.isclose(row["data_tb"], 0.01)
    assert math.isclose(row["peak_utilisation"], 0.005 / 4.5)
    assert math.isclose(row["mean_utilisation"], 0.01 / 4.5 / 3)


def test_the_map_places_catalogue_hubs_and_labels_the_link():
    map_svg = hub_map(_result())
    assert map_svg.startswith("<svg") and "<text" in map_svg
    for text in ("shanghai 上海", "zhongwei 中卫", "longitude", "green share, hourly matched [%]",
                 "0.1 MW IT", "94% green", "0 MWh", "10 Gbit/s"):
        assert text in map_svg, text


def test_no_map_without_catalogue_hubs():
    scenario, schedule = hand_scenario(), hand_schedule()
    result = StudyResult(kind="run", scenario=scenario, schedules={"coordinated": schedule},
                         solver=SolverInfo.of(schedule))
    assert hub_map(result) is None


def test_run_page_has_the_map_and_the_dispatch_stack_with_state_of_charge():
    page = render_report(_result())
    assert "<h2>Map of the hubs and the work moved</h2>" in page and 'id="map-' in page
    assert "<h2>Dispatch per hub</h2>" in page
    for text in ("solar used", "battery discharge", "grid import", "exported", "curtailed", "facility load",
                 "battery state of charge (right axis)", "stored [MWh]"):
        assert text in page, text


def test_dispatch_without_batteries_has_no_second_axis():
    scenario, flows = _catalogued()
    scenario = dataclasses.replace(scenario, hubs={name: dataclasses.replace(hub, battery=None)
                                                   for name, hub in scenario.hubs.items()})
    chart = supply_chart(scenario, {"coordinated": hand_schedule(flows)}, "Dispatch")
    assert "state of charge" not in chart and "facility load" in chart


def _sizing() -> SizingOutcome:
    costs = {"capacity": 1000.0, "operation": 440.0, "export_revenue": 0.0, "carbon": 0.0, "total": 1440.0}
    return SizingOutcome(min_green_share=0.9, capacities={"zhongwei": {"solar_mw": 1.0}}, costs_cny=costs,
                         cost_per_mwh_it_cny=1440.0 / 0.47, horizon_hours=3.0,
                         unit_costs={"solar_cny_per_kw_year": 317.0})


def test_grid_only_cost_is_the_load_at_the_tariff():
    # east 495 kWh x 1.0 CNY/kWh + west 168 kWh x 0.5 CNY/kWh = 579 CNY
    assert math.isclose(grid_only_cost_cny(_result("size", sizing=_sizing())), 579.0)


def test_plan_headline_shows_the_total_cost_its_split_and_the_premium():
    page = render_plan_report(_result("size", sizing=_sizing()))
    headline = page[page.index("<h2>Headline: the cost of the design</h2>"):page.index("<h2>Plan:")]
    assert "Total cost, over 3 h [million CNY]" in headline and ">0.00<" in headline  # 1,440 CNY
    assert "capacity 0.00; operation 0.00; carbon 0.00" in headline
    assert "69% of the total" in headline  # capacity 1000 of 1440
    # 1440 / 0.47 = 3,063.8 CNY/MWh; grid only 579 / 0.47 = 1,231.9; premium 1,831.9 (+149%)
    for text in ("3,063.8", "1,231.9", "+1,831.9", "+149% for 90% hourly-matched green power"):
        assert text in headline, text
    assert "The planned operation (operating cost only) against running as usual" in page


def _operation(late_mwh: list[float]) -> OperationOutcome:
    index = pd.DatetimeIndex(hand_scenario().index[[0, 2]], name="time")
    return OperationOutcome(forecast={"hubs": {}}, replans={}, settlement={},
                            planned_renewable_kw=pd.DataFrame(), settings={},
                            plan_log=pd.DataFrame({"seconds": [0.1, 0.1], "relaxed": [False, False],
                                                   "late_mwh": late_mwh}, index=index))


def test_late_work_lists_the_work_done_after_its_deadline():
    # batch: 60 kWh arrived, 40 kWh by the deadline (test_metrics) -> 0.02 MWh late, arrived 2025-07-01
    result = _result("operate", operation=_operation([0.0, 0.5]))
    late = late_work(result)
    assert late[["workload", "origin"]].iloc[0].tolist() == ["batch", "shanghai"]
    assert str(late["arrival_day"].iloc[0]) == "2025-07-01"
    assert math.isclose(late["late_mwh"].iloc[0], 0.02) and math.isclose(late["late_share"].iloc[0], 1 / 3)
    text = late_work_section(result)
    assert "<td>batch</td>" in text and "33.3%" in text
    assert "2025-07-01 10:00" in text and "0.5" in text  # the second plan, 02:00 UTC, planned 0.5 MWh late


def test_no_late_work_says_so():
    result = _result("operate", operation=_operation([0.0, 0.0]))
    flows = result.schedules["operated"].flows.assign(batch_it_kw=lambda f: f["batch_it_kw"] * 0.0)
    flows.loc[flows["hub"] == "shanghai", "batch_it_kw"] = [30.0, 0.0, 30.0]
    on_time = dataclasses.replace(result, schedules={**result.schedules, "operated": dataclasses.replace(
        result.schedules["operated"], flows=flows)})
    assert late_work(on_time).empty
    text = late_work_section(on_time)
    assert "no work was late" in text and "No plan had to plan work late" in text


@pytest.mark.parametrize("with_foresight", [True, False])
def test_cost_of_forecast_error_against_perfect_foresight(with_foresight):
    result = _result("operate", operation=_operation([0.0, 0.0]))
    if not with_foresight:
        schedules = {key: value for key, value in result.schedules.items() if key != "perfect_foresight"}
        assert forecast_error_table(dataclasses.replace(result, schedules=schedules)) is None
        return
    text = forecast_error_table(result)
    # perfect foresight imports half: cost 440 -> 220 CNY (east 435 -> 217.5, west 5 -> 2.5)
    assert "<th>Cost of forecast error</th>" in text and '<td class="worse">+220</td>' in text
    assert "+468.09 CNY per MWh of IT energy" in text  # 220 / 0.47
