"""The HTML report: self-contained, carries the gains table, long horizons stay light."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from engine.inputs.scenario import Scenario
from engine.outputs.charts import green_share_by_hour
from engine.outputs.files import write_html
from engine.outputs.run_report import render_report
from engine.outputs.text import format_value
from engine.schedule import Schedule
from engine.studies.result import SolverInfo, StudyResult
from tests.engine.test_metrics import hand_flows, hand_scenario, hand_schedule


def _result(scenario: Scenario, coordinated: Schedule, baseline_flows: pd.DataFrame) -> StudyResult:
    baseline = dataclasses.replace(coordinated, kind="baseline", flows=baseline_flows, status="simulated",
                                   solver="baseline")
    return StudyResult(kind="run", scenario=scenario,
                       schedules={"coordinated": coordinated, "baseline": baseline},
                       solver=SolverInfo.of(coordinated))


@pytest.fixture(scope="module")
def result() -> StudyResult:
    baseline_flows = hand_flows()
    baseline_flows["grid_import_kw"] *= 2.0
    return _result(hand_scenario(), hand_schedule(), baseline_flows)


@pytest.fixture(scope="module")
def page(result) -> str:
    return render_report(result)


class _TagBalance(HTMLParser):
    """Counts open and close tags of the elements that must be closed."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = {"html": 0, "head": 0, "body": 0, "table": 0, "svg": 0, "style": 0}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.depth:
            self.depth[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.depth:
            self.depth[tag] -= 1


def test_report_is_self_contained(page):
    for forbidden in ("http://", "https://", "src=", "<script", "<link", "@import", "url(http"):
        assert forbidden not in page
    assert page.count("<svg") >= 4  # supply, green share by hour, battery, flexible work


def test_report_is_balanced_html(page):
    assert page.startswith("<!DOCTYPE html>")
    parser = _TagBalance()
    parser.feed(page)
    assert all(depth == 0 for depth in parser.depth.values()), parser.depth
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "element ids of the inline charts must be unique"


def test_report_carries_the_gains_table_values(page, result):
    for name in ("grid_import_mwh", "carbon_t", "cost_cny", "green_share_hourly", "deadline_met_share"):
        for value in (result.metrics()[name], result.metrics("baseline")[name]):
            assert f"<td>{format_value(name, value)}</td>" in page
        gain = re.escape(format_value(name, result.gains()[name], signed=True))
        assert re.search(f'<td( class="(better|worse)")?>{gain}</td>', page)
    assert '<td class="better">-440</td>' in page  # energy cost 440 coordinated vs 2 x 435 + 2 x 5 as usual


def test_format_value():
    assert format_value("green_share_hourly", 0.8123) == "81.2 %"
    assert format_value("green_share_hourly", 0.05, signed=True) == "+5.0 pp"  # a change of a share
    assert format_value("cost_cny", 1234567.0) == "1,234,567"
    assert format_value("carbon_t", -0.2235, signed=True) == "-0.22"


def test_green_share_by_hour_matches_the_hand_flows():
    scenario = hand_scenario()
    share = green_share_by_hour(scenario, hand_flows())
    # 00:00 UTC is 08:00 in Asia/Shanghai: green (0 + 60) / (150 + 60) kW in the first step.
    assert share[8] == pytest.approx(60 / 210)
    assert share[9] == pytest.approx((60 + 60) / (150 + 60))
    assert share[10] == pytest.approx((0 + 38) / (195 + 48))
    assert share.drop([8, 9, 10]).isna().all()


def test_a_year_is_drawn_daily_and_stays_light(tmp_path):
    index = pd.date_range("2024-12-31 16:00", periods=8760, freq="h", tz="UTC")
    base = hand_scenario()
    first_row = np.zeros(len(index), dtype=int)
    hubs = {name: dataclasses.replace(hub, series=hub.series.iloc[first_row].set_axis(index))
            for name, hub in base.hubs.items()}
    scenario = dataclasses.replace(base, index=index, hubs=hubs, workloads=())
    rng = np.random.default_rng(1)
    frames = []
    for hub in ("east", "west"):
        it = rng.uniform(50.0, 100.0, len(index))
        solar = rng.uniform(0.0, 150.0, len(index))
        used = np.minimum(solar, 1.2 * it)
        frames.append(pd.DataFrame({
            "time": index, "hub": hub, "solar_kw": solar, "wind_kw": 0.0, "renewable_used_kw": used,
            "curtailed_kw": solar - used, "grid_import_kw": 1.2 * it - used, "battery_charge_kw": 0.0,
            "battery_discharge_kw": 0.0, "battery_soc_kwh": 50.0, "it_kw": it, "facility_kw": 1.2 * it,
            "pue": 1.2, "carbon_g_per_kwh": 500.0, "price_cny_per_kwh": 0.5}))
    flows = pd.concat(frames, ignore_index=True)
    coordinated = dataclasses.replace(hand_schedule(), flows=flows)
    path = write_html(tmp_path / "report.html", render_report(_result(scenario, coordinated, flows)))
    page = path.read_text(encoding="utf-8")
    assert "daily mean" in page
    assert path.stat().st_size < 1_500_000


@pytest.fixture(scope="module")
def run_page() -> str:
    """A real run with every reference policy and the attribution (the two-lever case of
    tests/engine/studies/test_attribution.py, with a battery so that every lever is present)."""
    from engine.inputs.scenario import Battery
    from engine.studies.run import run
    from tests.engine.studies.test_attribution import _substitutes

    return render_report(run(_substitutes(Battery(energy_kwh=100.0, power_kw=50.0)), attribution=True))


def test_the_page_opens_with_a_plain_language_summary(run_page):
    first = run_page.index('<p class="summary">')
    assert first < run_page.index("<h2>")
    summary = run_page[first:run_page.index("</p>", first)]
    assert "Coordination saves" in summary and "tCO2" in summary
    assert "M CNY against running as usual" in summary
    assert "beyond the best simple policy" in summary or "does" in summary


def test_the_policy_table_has_every_policy_and_headline_metric_with_units(run_page):
    part = run_page[run_page.index("Policies compared"):]
    part = part[:part.index("</table>")]
    for title in ("Coordinated (LP)", "As usual", "Static west", "Greedy online"):
        assert f"<td>{title}</td>" in part
    for header in ("Carbon [tCO2]", "Total cost [CNY]", "Carbon, consequential [tCO2]",
                   "Green share (hourly matched) [%]", "Deadlines met [%]", "Peak grid import [MW]"):
        assert header in part, header


def test_the_attribution_chart_and_the_assumed_inputs_are_on_the_page(run_page):
    assert "Where the gain comes from" in run_page and 'id="attribution-' in run_page
    part = run_page[run_page.index("Assumed inputs and their sources"):]
    for text in ("Fossil marginal factor", "0.8273", "MEE 2025 No.47", "Transfer energy", "Aslan et al. 2018",
                 "Battery wear", "Demand charge"):
        assert text in part, text


def test_the_note_describes_the_battery_rule_not_idle_batteries(run_page, page):
    for text in (run_page, page):
        assert "batteries idle" not in text
        assert "self-consumption rule" in text


def test_no_attribution_no_chart(page):
    assert 'id="attribution-' not in page
