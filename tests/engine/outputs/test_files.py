"""The output folder of a run: duals reach schedule.csv and summary.json; writers are atomic."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from engine.atomic import write_json
from engine.inputs.scenario_file import load_scenario
from engine.outputs.files import write_csv, write_outputs
from engine.studies.run import run
from tests.engine.studies.test_run import SMALL_SCENARIO


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The small east-west run with a green floor; its 20 Gbit/s link binds (18 of 20 MW may move)."""
    folder = tmp_path_factory.mktemp("duals")
    path = folder / "small.toml"
    path.write_text(SMALL_SCENARIO, encoding="utf-8")
    result = run(load_scenario(path, **{"objective.min_green_share": 0.12}))
    return write_outputs(result, folder / "out")


def test_schedule_csv_has_the_marginal_price_and_the_baseline_none(written):
    schedule = pd.read_csv(written["schedule"])
    price = schedule["marginal_price_cny_per_kwh"].to_numpy()
    assert np.isfinite(price).all()
    assert schedule.columns[-1] == "marginal_price_cny_per_kwh"
    assert "marginal_price_cny_per_kwh" not in pd.read_csv(written["baseline"]).columns


def test_summary_has_link_values_and_the_green_floor_cost(written):
    duals = json.loads(written["summary"].read_text(encoding="utf-8"))["duals"]
    assert duals["policy"] == "coordinated"
    links = duals["link_value_cny_per_gbps"]
    assert set(links) == {"shanghai->zhongwei"}
    assert math.isfinite(links["shanghai->zhongwei"]) and links["shanghai->zhongwei"] > 0.0  # binding
    assert math.isfinite(duals["green_floor_cost_cny_per_point"])
    assert set(duals["marginal_price_mean_cny_per_kwh"]) == {"shanghai", "zhongwei"}


def test_writers_leave_no_temporary_file(tmp_path):
    write_json(tmp_path / "a.json", {"name": "算电", "value": 1.5})
    write_csv(tmp_path / "a.csv", pd.DataFrame({"x_kw": [1.23456]}))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.csv", "a.json"]
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["name"] == "算电"
    assert (tmp_path / "a.csv").read_text(encoding="utf-8").splitlines() == ["x_kw", "1.235"]


def test_a_failed_write_keeps_the_previous_file(tmp_path):
    target = tmp_path / "a.csv"
    target.write_text("old\n", encoding="utf-8")

    class Broken(pd.DataFrame):
        def to_csv(self, *args, **kwargs):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_csv(target, Broken({"x": [1]}))
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [path.name for path in tmp_path.iterdir()] == ["a.csv"]
