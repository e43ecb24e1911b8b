"""`suandian run`: through engine.cli.main and once as a real process."""

from __future__ import annotations

import json
import subprocess
import sys

from engine.cli import DEFAULT_SCENARIO, EXIT_BAD_INPUT, main
from tests.engine.studies.test_run import SMALL_SCENARIO

OUTPUT_FILES = ("summary.json", "schedule.csv", "baseline.csv", "report.html")


def test_run_writes_outputs_and_prints_the_headline(tmp_path, capsys):
    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL_SCENARIO, encoding="utf-8")
    assert main(["run", str(scenario), "--out", str(tmp_path / "out")]) == 0
    assert all((tmp_path / "out" / name).is_file() for name in OUTPUT_FILES)
    printed = capsys.readouterr().out
    for label in ("Green share (hourly matched)", "Carbon", "Total cost", "Curtailed", "Grid import",
                  "Work migrated", "Deadlines met", "coordinated", "baseline", "static_west", "greedy_online",
                  "gain"):
        assert label in printed
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["solver"]["name"].upper() == "HIGHS"


def test_run_as_a_process(tmp_path):
    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL_SCENARIO, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "engine.cli", "run", str(scenario), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert all((tmp_path / "out" / name).is_file() for name in OUTPUT_FILES)


def test_missing_scenario_is_one_line_and_exit_2(tmp_path, capsys):
    code = main(["run", str(tmp_path / "nowhere.toml"), "--out", str(tmp_path / "out")])
    assert code == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error
    assert "nowhere.toml" in error
    assert not (tmp_path / "out").exists()


def test_invalid_scenario_is_one_line_and_exit_2(tmp_path, capsys):
    scenario = tmp_path / "bad.toml"
    scenario.write_text(SMALL_SCENARIO.replace("it_capacity_mw = 60\nfirm_it_mw = 30",
                                               "it_capacity_mw = -60\nfirm_it_mw = 30"), encoding="utf-8")
    assert main(["run", str(scenario), "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "it_capacity_mw" in error


def test_default_scenario_is_the_bundled_example():
    assert DEFAULT_SCENARIO.is_file()
    assert DEFAULT_SCENARIO.name == "default_scenario.toml"


def test_run_with_workers_solves_the_attribution_in_parallel_to_the_same_numbers(tmp_path):
    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL_SCENARIO, encoding="utf-8")
    records = {}
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}"
        assert main(["run", str(scenario), "--out", str(out), "--workers", workers]) == 0
        records[workers] = json.loads((out / "summary.json").read_text(encoding="utf-8"))["attribution"]
    assert records["1"]["workers"] == 1 and records["2"]["workers"] == 2
    for key in ("present", "total", "parts", "rules"):
        assert records["2"][key] == records["1"][key]


def test_zero_workers_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["run", "--workers", "0", "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "workers: expected at least 1 worker, got 0; give --workers 1 or more" in error
    assert not (tmp_path / "out").exists()
