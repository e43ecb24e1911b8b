"""`suandian sweep`: a sweep on a local process cluster, a rerun that reuses it, readable errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from engine.cli import EXIT_BAD_INPUT, EXIT_SOLVE_FAILED, main
from engine.studies.sweep import STATUS_DONE, STATUS_FAILED
from tests.engine.studies.test_sweep import TINY


def _files(tmp_path: Path, body: str) -> Path:
    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    sweep = tmp_path / "sweep.toml"
    sweep.write_text('base = "tiny.toml"\n' + body, encoding="utf-8")
    return sweep


def test_sweep_command_writes_the_table_and_report_and_reuses_points(tmp_path, capsys):
    sweep = _files(tmp_path, '[grid]\n"links.0.gbps" = [0, 40]\n'
                   '[[points]]\n"links.0.gbps" = 10\nkind = "plan"\n')
    out = tmp_path / "out"
    assert main(["sweep", str(sweep), "--out", str(out), "--workers", "1"]) == EXIT_SOLVE_FAILED
    captured = capsys.readouterr()
    printed = captured.out
    assert "3 points: 3 solved now, 0 reused, 1 failed" in printed
    assert captured.err.splitlines()[-1].startswith("suandian sweep: 1 of 3 points failed")
    table = pd.read_parquet(out / "results.parquet")
    assert list(table["status"]) == [STATUS_DONE, STATUS_DONE, STATUS_FAILED]
    assert "[plan]" in table.loc[2, "error"]  # the base has no [plan] table: recorded, not raised
    assert table.loc[0, "coordinated_migrated_it_mwh"] == 0.0 < table.loc[1, "coordinated_migrated_it_mwh"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 3 and "<script" not in page

    assert main(["sweep", str(sweep), "--out", str(out)]) == EXIT_SOLVE_FAILED  # after writing the table
    assert "3 points: 0 solved now, 3 reused, 1 failed" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "sweep" and {"path": "points", "kept": True} in manifest["files"]
    assert {Path(item["path"]).name for item in manifest["inputs"]} == {"sweep.toml", "tiny.toml"}


def test_sweep_on_a_process_cluster_listens_on_localhost_only(tmp_path):
    import psutil

    from engine.studies.cluster import dask_client

    with dask_client(None, 1, 1, True, "auto"):
        processes = [psutil.Process(), *psutil.Process().children(recursive=True)]
        listening = {connection.laddr.ip for process in processes
                     for connection in process.net_connections(kind="inet") if connection.status == "LISTEN"}
    assert listening == {"127.0.0.1"}


def test_tls_settings_need_a_scheduler_and_all_three_files(tmp_path, capsys):
    sweep = _files(tmp_path, '[grid]\n"links.0.gbps" = [0]\n')
    pem = tmp_path / "ca.pem"
    pem.write_text("not read here", encoding="utf-8")
    assert main(["sweep", str(sweep), "--tls-ca-file", str(pem)]) == EXIT_BAD_INPUT
    assert "--scheduler" in capsys.readouterr().err
    assert main(["sweep", str(sweep), "--scheduler", "tls://127.0.0.1:1", "--tls-ca-file", str(pem)]) == 2
    assert "--tls-cert, --tls-key" in capsys.readouterr().err


def test_bad_key_is_one_line_and_exit_2(tmp_path, capsys):
    sweep = _files(tmp_path, '[grid]\n"hubs.nowhere.solar_mw" = [1]\n')
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "out")]) == EXIT_BAD_INPUT
    error = capsys.readouterr().err
    assert error.startswith("suandian sweep: error: sweep key 'hubs.nowhere.solar_mw'")
    assert "Traceback" not in error and error.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_missing_sweep_file(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "none.toml")]) == EXIT_BAD_INPUT
    assert "not found" in capsys.readouterr().err
