"""A solve runs in a worker thread so that an interrupt reaches the main thread at once."""

from __future__ import annotations

import _thread
import threading
import time

import pytest

from engine.errors import SolverError
from engine.inputs.scenario_file import load_scenario
from engine.model.assembly import CoSchedulingModel
from engine.model.interrupt import call_interruptibly
from tests.engine.studies.test_run import SMALL_SCENARIO


def test_the_value_and_the_exception_come_back():
    assert call_interruptibly(lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        call_interruptibly(lambda: 1 / 0)


def test_an_interrupt_is_raised_while_the_call_still_runs():
    release = threading.Event()
    threading.Timer(0.2, _thread.interrupt_main).start()
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        call_interruptibly(lambda: release.wait(10.0))
    assert time.perf_counter() - started < 1.0
    release.set()


def test_outside_the_main_thread_the_call_is_direct():
    names = []
    worker = threading.Thread(target=lambda: names.append(call_interruptibly(
        lambda: threading.current_thread().name)), name="dask-like")
    worker.start()
    worker.join()
    assert names == ["dask-like"]


def test_an_interrupted_model_is_not_solved_again(tmp_path, monkeypatch):
    path = tmp_path / "small.toml"
    path.write_text(SMALL_SCENARIO, encoding="utf-8")
    model = CoSchedulingModel(load_scenario(path))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(model.problem, "solve", interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.solve()
    monkeypatch.undo()
    with pytest.raises(SolverError, match="interrupted during a solve"):
        model.solve()
