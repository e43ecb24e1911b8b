"""Output folders are written whole: a temporary folder moved into place, with manifest.json."""

from __future__ import annotations

import hashlib
import json

import pytest

from engine.cli import EXIT_BAD_INPUT, main
from engine.outputs.manifest import MANIFEST, OutputFolderError, check_out_dir, output_folder
from tests.engine.studies.test_run import SMALL_SCENARIO


def _previous(folder):
    """A complete earlier output folder: one file and its manifest."""
    folder.mkdir()
    (folder / "summary.json").write_text('{"old": true}\n', encoding="utf-8")
    (folder / "report.html").write_text("<p>old</p>\n", encoding="utf-8")
    (folder / MANIFEST).write_text('{"command": "operate"}\n', encoding="utf-8")


def test_a_failed_command_leaves_the_previous_folder_whole(tmp_path):
    out = tmp_path / "out"
    _previous(out)
    with pytest.raises(RuntimeError, match="report failed"), output_folder(out, "run") as folder:
        (folder / "summary.json").write_text('{"new": true}\n', encoding="utf-8")
        raise RuntimeError("report failed")
    assert (out / "summary.json").read_text(encoding="utf-8") == '{"old": true}\n'
    assert sorted(path.name for path in out.iterdir()) == [MANIFEST, "report.html", "summary.json"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out"]  # no temporary folder left


def test_an_interrupt_leaves_the_previous_folder_whole(tmp_path):
    out = tmp_path / "out"
    _previous(out)
    with pytest.raises(KeyboardInterrupt), output_folder(out, "run") as folder:
        (folder / "summary.json").write_text("{}", encoding="utf-8")
        raise KeyboardInterrupt
    assert (out / "summary.json").read_text(encoding="utf-8") == '{"old": true}\n'


def test_a_complete_command_replaces_the_folder_and_no_stale_file_stays(tmp_path):
    out = tmp_path / "out"
    _previous(out)
    (out / "forecast.csv").write_text("stale\n", encoding="utf-8")
    source = tmp_path / "scenario.toml"
    source.write_text("name = 'x'\n", encoding="utf-8")
    with output_folder(out, "run", arguments={"solver": "HIGHS", "out": out}, inputs=[source],
                       settings={"name": "x"}, scenario_name="x") as folder:
        (folder / "summary.json").write_text('{"new": true}\n', encoding="utf-8")
    assert sorted(path.name for path in out.iterdir()) == [MANIFEST, "summary.json"]
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["command"] == "run" and manifest["arguments"]["out"] == str(out)
    assert manifest["package"]["name"] == "suandian" and manifest["package"]["version"]
    assert manifest["inputs"] == [{"path": str(source.resolve()),
                                   "sha256": hashlib.sha256(source.read_bytes()).hexdigest()}]
    assert manifest["files"] == [{"path": "summary.json", "bytes": 14,
                                  "sha256": hashlib.sha256(b'{"new": true}\n').hexdigest()}]
    assert len(manifest["scenario"]["sha256"]) == 64 and manifest["created"].endswith("Z")


def test_refusals_are_one_line_value_errors(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "profiles.csv").write_text("time\n", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="holds the input"):
        check_out_dir(inputs, [inputs / "profiles.csv"])
    with pytest.raises(OutputFolderError, match="expected an empty folder or a suandian output"):
        check_out_dir(inputs)
    with pytest.raises(OutputFolderError, match="expected a folder, got a file"):
        check_out_dir(inputs / "profiles.csv")
    (inputs / "profiles.csv").unlink()
    (inputs / "points").mkdir()
    assert check_out_dir(inputs, keep=("points",)) == inputs.resolve()


def test_run_writes_a_manifest_and_refuses_its_scenario_folder(tmp_path, capsys):
    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL_SCENARIO, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--out", str(out)]) == 0
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["command"] == "run" and manifest["arguments"]["solver"] == "HIGHS"
    assert [item["path"] for item in manifest["inputs"]] == [str(scenario.resolve())]
    written = {item["path"] for item in manifest["files"]}
    assert {"summary.json", "schedule.csv", "baseline.csv", "report.html"} <= written
    assert written == {path.name for path in out.iterdir()} - {MANIFEST}
    capsys.readouterr()
    assert main(["run", str(scenario), "--out", str(tmp_path)]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert "holds the input" in error and error.count("\n") == 1
    assert scenario.is_file()


def test_run_into_an_operate_folder_leaves_no_forecast(tmp_path):
    scenario = tmp_path / "small.toml"
    scenario.write_text(SMALL_SCENARIO, encoding="utf-8")
    out = tmp_path / "out"
    _previous(out)
    (out / "forecast.csv").write_text("stale\n", encoding="utf-8")
    assert main(["run", str(scenario), "--out", str(out)]) == 0
    assert not (out / "forecast.csv").exists()
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8"))["command"] == "run"


def test_os_errors_name_the_file(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    code = main(["power", "--hub", "zhongwei", "--solar-mw", "1", "--wind-mw", "0",
                 "--out", str(blocker / "power")])  # the output folder inside a file
    assert code == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert str(blocker) in error and error.count("\n") == 1


def test_every_command_that_writes_a_folder_leaves_a_manifest(tmp_path):
    out = tmp_path / "weather"
    assert main(["weather", "--hub", "zhongwei", "--out", str(out)]) == 0
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["command"] == "weather" and manifest["inputs"] == []
    assert {item["path"] for item in manifest["files"]} == {"weather.csv", "weather.json"}
