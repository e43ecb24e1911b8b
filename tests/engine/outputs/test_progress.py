"""The progress line (issue 13, item 6): phase and elapsed time on stderr, only on a terminal."""

from __future__ import annotations

import io
import time

from engine.outputs.progress import CLEAR_LINE, Progress


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_silent_when_the_stream_is_not_a_terminal():
    stream = io.StringIO()
    with Progress("run", stream, interval=0.01) as progress:
        assert not progress.enabled
        with progress.phase("solving"):
            progress.step(1, 3)
            time.sleep(0.05)
    assert stream.getvalue() == ""


def test_writes_phase_and_elapsed_time_on_a_terminal_and_clears_the_line():
    stream = Terminal()
    with Progress("plan", stream, interval=0.01) as progress:
        assert progress.enabled
        with progress.phase("reading"):
            pass
        with progress.phase("solving"):
            progress.step(2, 14)
            time.sleep(0.05)
    text = stream.getvalue()
    assert "suandian plan: reading, 0 s (0 s in all)" in text
    assert "suandian plan: solving, day 2 of 14, " in text
    assert text.count("solving") >= 2  # rewritten while the phase runs
    assert text.endswith(CLEAR_LINE) and "\n" not in text


def test_forced_on_and_off():
    forced = io.StringIO()
    with Progress("operate", forced, force=True) as progress, progress.phase("writing"):
        pass
    assert "suandian operate: writing" in forced.getvalue()
    never = Terminal()
    with Progress("operate", never, force=False) as progress, progress.phase("writing"):
        pass
    assert never.getvalue() == ""


def test_a_closed_stream_turns_it_off():
    stream = Terminal()
    progress = Progress("run", stream)
    stream.close()
    with progress, progress.phase("reading"):
        pass
    assert not progress.enabled


def test_a_study_moves_the_phase_on_and_its_time_restarts():
    stream = Terminal()
    with Progress("run", stream, interval=10.0) as progress, progress.phase("building"):
        time.sleep(1.1)
        progress.step(1, 2)
        assert "day 1 of 2" in progress.line()
        progress.enter("solving")
        assert progress.line().startswith("suandian run: solving, 0 s (1 s in all)")
        assert "day 1 of 2" not in progress.line()  # the detail ends with its phase
    text = stream.getvalue()
    assert text.index("suandian run: building") < text.index("suandian run: solving, 0 s")
