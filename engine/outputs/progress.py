"""A progress line for the command line: the phase of a command (reading, building, solving, writing)
and the time it has taken, on one line of stderr that is rewritten every half second.

Silent unless stderr is a terminal (or ``force=True``): piped or redirected output, ``--json`` consumers
and tests see nothing of it. The line is cleared when the command's work is done, so what the command
prints afterwards starts on a clean line::

    with Progress("plan") as progress:
        with progress.phase("reading"):
            scenario = load_scenario(path)
        with progress.phase("building"):
            result = size(scenario, phases=progress.enter)

A study moves the line on through its own phases (``building``, ``solving``, ...) by calling
:meth:`Progress.enter` (:data:`engine.studies.phases.Phases`).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TextIO

CLEAR_LINE = "\r\033[K"
"""Carriage return and erase to the end of the line (ANSI)."""


class Progress:
    """Phase and elapsed time of a command on one rewritten stderr line (module docstring).

    Parameters
    ----------
    command : str
        The subcommand, shown first (``suandian run: ...``).
    stream : TextIO, optional
        Where the line goes; default ``sys.stderr`` at the time of the call.
    force : bool, optional
        Write even when ``stream`` is not a terminal (``True``) or never (``False``); default: only on a
        terminal.
    interval : float
        Seconds between rewrites of the line [s].
    """

    def __init__(self, command: str, stream: TextIO | None = None, *, force: bool | None = None,
                 interval: float = 0.5) -> None:
        self.command = command
        self.stream = sys.stderr if stream is None else stream
        self.enabled = _is_terminal(self.stream) if force is None else force
        self.interval = interval
        self._phase, self._detail = "", ""
        self._started = self._phase_started = time.monotonic()
        self._lock, self._output = threading.Lock(), threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __enter__(self) -> Progress:
        if self.enabled:
            self._ticker = threading.Thread(target=self._tick, name="suandian-progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Show ``name`` as the current phase while the block runs; after it the line is cleared, so what
        is printed between phases stands on a line of its own."""
        self.enter(name)
        try:
            yield
        finally:
            with self._lock:
                self._phase = ""
            if self.enabled:
                self._emit(CLEAR_LINE)

    def enter(self, name: str) -> None:
        """Show ``name`` as the current phase from now on, its time counted from zero (the
        :data:`~engine.studies.phases.Phases` callback of a study, inside a :meth:`phase` block)."""
        with self._lock:
            self._phase, self._detail, self._phase_started = name, "", time.monotonic()
        self._write()

    def step(self, done: int, total: int, unit: str = "day") -> None:
        """A count within the phase, e.g. ``day 3 of 14`` (the callback of a rolling operation)."""
        with self._lock:
            self._detail = f"{unit} {done} of {total}"
        self._write()

    def line(self) -> str:
        """The progress line: ``"suandian run: solving, 12 s (15 s in all)"``."""
        now = time.monotonic()
        with self._lock:
            detail = f", {self._detail}" if self._detail else ""
            return (f"suandian {self.command}: {self._phase}{detail}, {now - self._phase_started:.0f} s "
                    f"({now - self._started:.0f} s in all)")

    def close(self) -> None:
        """Stop rewriting and clear the line (nothing when silent)."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        if self.enabled:
            self._emit(CLEAR_LINE)

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._write()

    def _write(self) -> None:
        if self.enabled and not self._stop.is_set() and self._phase:
            self._emit(CLEAR_LINE + self.line())

    def _emit(self, text: str) -> None:
        try:
            with self._output:
                self.stream.write(text)
                self.stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr: progress is not worth an error
            self.enabled = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
