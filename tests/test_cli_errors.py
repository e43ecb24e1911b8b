"""The command line turns every failure into one readable line and a non-zero exit code."""

import pytest

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


SMALL_TOML = """name = "small"
start = "2025-07-01 00:00"
hours = 24
timezone = "Asia/Shanghai"
{top}
[hubs.zhongwei]
it_capacity_mw = 100
grid_import_mw = 150
{zhongwei}
[hubs.shanghai]
it_capacity_mw = 100
firm_it_mw = 50
grid_import_mw = 200
"""


@pytest.mark.parametrize(("top", "zhongwei", "key"), [
    ("", "export_mw = 10\nexport_price_cny_per_kwh = -0.1", "hubs.zhongwei.export_price_cny_per_kwh"),
    ("", "export_mw = 300", "hubs.zhongwei.export_mw"),
    ("[transfer]\nenergy_kwh_per_tb = 1e6\n", "", "transfer.energy_kwh_per_tb"),
])
def test_bad_economics_are_one_line_naming_the_key_and_exit_2(tmp_path, capsys, top, zhongwei, key):
    path = tmp_path / "bad.toml"
    path.write_text(SMALL_TOML.format(top=top, zhongwei=zhongwei), encoding="utf-8")
    code = main(["run", str(path), "--no-attribution", "--out", str(tmp_path / "out")])
    assert code == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert error.startswith(f"suandian run: error: {key}:") and error.count("\n") == 1, error
    assert "Fix:" in error and "Traceback" not in error
    assert not (tmp_path / "out").exists()
