"""The progress line of the study commands (issue 13, item 6): on a terminal, the phases reading,
building, solving and writing in order, each as the study enters it; nothing when stderr is not a
terminal, and stdout of ``--json`` the JSON alone either way."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from engine.cli import main
from engine.outputs.progress import CLEAR_LINE
from engine.studies.size import size
from tests.engine.studies.test_size import _solar_battery_case
from tests.test_cli_dayahead import actuals_csv
from tests.test_cli_operate import THREE_DAYS


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def phases_shown(text: str, command: str) -> list[str]:
    """The phases of the progress lines of ``command`` in ``text``, in order, each once per stretch."""
    prefix = f"suandian {command}: "
    shown: list[str] = []
    for line in text.split(CLEAR_LINE):
        if line.startswith(prefix):
            phase = line.removeprefix(prefix).split(", ")[0]
            if not shown or shown[-1] != phase:
                shown.append(phase)
    return shown


def as_terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """sys.stderr as a terminal (called in the test body: pytest's capture sets sys.stderr anew when the
    test's call begins, after its fixtures)."""
    stream = Terminal()
    monkeypatch.setattr(sys, "stderr", stream)
    return stream


def test_run_shows_reading_building_solving_writing_in_order(tmp_path, monkeypatch, capsys):
    terminal = as_terminal(monkeypatch)
    assert main(["run", "--no-attribution", "--out", str(tmp_path / "out")]) == 0, terminal.getvalue()
    assert phases_shown(terminal.getvalue(), "run") == ["reading", "building", "solving", "writing"]
    assert " s in all)" in terminal.getvalue()
    assert "suandian run:" not in capsys.readouterr().out


def test_operate_shows_the_days_within_solving(tmp_path, monkeypatch):
    terminal = as_terminal(monkeypatch)
    scenario = tmp_path / "small.toml"
    scenario.write_text(THREE_DAYS, encoding="utf-8")
    assert main(["operate", str(scenario), "--out", str(tmp_path / "out")]) == 0, terminal.getvalue()
    text = terminal.getvalue()
    assert phases_shown(text, "operate") == ["reading", "building", "solving",
                                             "solving the perfect-foresight schedule", "writing"]
    assert "suandian operate: solving, day 1 of " in text


def test_dayahead_and_settle_show_their_phases_in_order(tmp_path, monkeypatch, capsys):
    terminal = as_terminal(monkeypatch)
    scenario = tmp_path / "small.toml"
    scenario.write_text(THREE_DAYS, encoding="utf-8")
    day = tmp_path / "day"
    assert main(["dayahead", str(scenario), "--date", "2025-07-01", "--out", str(day)]) == 0, \
        terminal.getvalue()
    assert phases_shown(terminal.getvalue(), "dayahead") == [
        "reading", "building", "solving", "solving the flexibility offer", "writing"]
    actuals = tmp_path / "actuals.csv"
    actuals_csv(scenario, "2025-07-01", actuals)
    assert main(["settle", str(day / "state.json"), "--actuals", str(actuals), "--out",
                 str(tmp_path / "settled")]) == 0, terminal.getvalue()
    # settling is a simulation of the day on the actuals: nothing is built or solved
    assert phases_shown(terminal.getvalue(), "settle") == ["reading", "settling", "writing"]
    assert CLEAR_LINE not in capsys.readouterr().out


def test_json_on_a_terminal_keeps_stdout_pure(tmp_path, monkeypatch, capsys):
    terminal = as_terminal(monkeypatch)
    assert main(["run", "--no-attribution", "--json", "--out", str(tmp_path / "out")]) == 0
    assert "solving" in phases_shown(terminal.getvalue(), "run")
    assert {"coordinated", "baseline", "gains"} <= json.loads(capsys.readouterr().out).keys()


def test_silent_and_pure_json_when_not_a_terminal(tmp_path):
    scenario = tmp_path / "small.toml"
    scenario.write_text(THREE_DAYS, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "engine.cli", "dayahead", str(scenario), "--date",
                             "2025-07-01", "--json", "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and "suandian dayahead:" not in result.stderr
    assert json.loads(result.stdout)["date"] == "2025-07-01"


def test_size_tells_its_phases():
    seen: list[str] = []
    size(_solar_battery_case(days=2), phases=seen.append)
    assert seen == ["building", "solving"]
