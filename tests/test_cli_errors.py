"""The command line turns every failure into one readable line and a non-zero exit code."""

from engine.cli import EXIT_BAD_INPUT, main


def test_unwritable_output_is_one_line_and_exit_2(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    code = main(["power", "--hub", "zhongwei", "--solar-mw", "1", "--wind-mw", "0",
                 "--out", str(blocker / "power.csv")])
    assert code == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert error.startswith("suandian power: error:") and error.count("\n") == 1
    assert "Traceback" not in error
