"""Typed readers of scenario fields, and the collector that reports every problem of a file at once.

Each reader checks one value and raises :class:`~engine.errors.ScenarioError` whose message names the
key path, what was expected, what was given and the fix (one line). :class:`Problems` runs readers one
after another and keeps going past a failure, so that :meth:`Problems.raise_any` reports all of them:
a single problem keeps its own message; several give :class:`ScenarioProblems`, whose message is a
count line (``"3 problems in scenario.toml:"``) followed by one indented line per problem.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from engine.errors import ScenarioError

T = TypeVar("T")


class ScenarioProblems(ScenarioError):
    """Several independent problems of one scenario; :attr:`problems` holds one message each."""

    def __init__(self, problems: Iterable[str], source: str = "the scenario") -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} problems in {source}:\n{lines}")


class Problems:
    """The problems found so far while reading or checking one scenario.

    Parameters
    ----------
    source : str
        What is being read, for the count line (e.g. ``"scenario.toml"``).
    """

    def __init__(self, source: str = "the scenario") -> None:
        self.source = source
        self.messages: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.messages)

    def add(self, error: ScenarioError | str) -> None:
        """Record a problem (the problems of a :class:`ScenarioProblems` one by one)."""
        if isinstance(error, ScenarioProblems):
            self.messages.extend(error.problems)
        else:
            self.messages.append(str(error))

    def attempt(self, read: Callable[[], T]) -> T | None:
        """``read()``, or None after recording the :class:`ScenarioError` it raised."""
        try:
            return read()
        except ScenarioError as error:
            self.add(error)
            return None

    def raise_any(self) -> None:
        """Raise the problems found: one as its own ScenarioError, several as one ScenarioProblems."""
        if len(self.messages) == 1:
            raise ScenarioError(self.messages[0])
        if self.messages:
            raise ScenarioProblems(self.messages, self.source)


def table(value: Any, key: str) -> dict:
    """A TOML table (a mapping) at ``key``."""
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{key}: expected a table, got {type(value).__name__} {value!r}. "
                            f"Fix: write it as [{key}] with keys below it.")
    return dict(value)


def list_of_tables(value: Any, key: str) -> list[dict]:
    """A TOML array of tables (``[[key]]`` blocks) at ``key``."""
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise ScenarioError(f"{key}: expected an array of tables ([[{key}]] blocks), got {value!r}. "
                            f"Fix: write each entry as a [[{key}]] block.")
    return [dict(item) for item in value]


def unknown_keys(table: Mapping, allowed: tuple[str, ...], prefix: str) -> list[str]:
    """One message per key of ``table`` not in ``allowed`` (``prefix`` is the table's path plus a dot)."""
    messages = []
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
            messages.append(f"{prefix}{key}: unknown key. Fix: remove it or correct the name ({hint}).")
    return messages


def check_keys(table: Mapping, allowed: tuple[str, ...], prefix: str) -> None:
    """Raise on the unknown keys of ``table`` (all of them, see :class:`Problems`)."""
    problems = Problems()
    for message in unknown_keys(table, allowed, prefix):
        problems.add(message)
    problems.raise_any()


def required(table: Mapping, key: str, prefix: str) -> Any:
    """The value of a required ``key`` of ``table``."""
    if key not in table:
        raise ScenarioError(f"{prefix}{key}: required key is missing. Fix: add {key} = ... to the scenario.")
    return table[key]


def string(value: Any, key: str) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{key}: expected a non-empty string, got {value!r}. Fix: write it in quotes.")
    return value


def integer(value: Any, key: str) -> int:
    """A whole number (an integral float is accepted)."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value)
            or float(value) != int(value)):
        raise ScenarioError(f"{key}: expected a whole number, got {value!r}. Fix: write e.g. {key} = 60.")
    return int(value)


def number(value: Any, key: str, low: float = 0.0, high: float = math.inf, low_open: bool = False,
           unit: str = "", fix: str | None = None) -> float:
    """A finite number in ``[low, high]`` (``(low, high]`` when ``low_open``); ``unit`` e.g. ``" [MW]"``.

    Out of range, the message ends with ``fix`` (what to write instead; default: the allowed range).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ScenarioError(f"{key}: expected a number{unit}, got {value!r}. Fix: write a plain number.")
    value = float(value)
    below = value <= low if low_open else value < low
    if below or value > high:
        bracket = "(" if low_open else "["
        upper = "inf)" if math.isinf(high) else f"{high:g}]"
        allowed = f"{bracket}{low:g}, {upper}{unit}"
        raise ScenarioError(f"{key}: expected a number in {allowed}, got {value:g}. "
                            f"Fix: {fix or f'give a value in {allowed}'}.")
    return value


def boolean(value: Any, key: str) -> bool:
    """``true`` or ``false``."""
    if not isinstance(value, bool):
        raise ScenarioError(f"{key}: expected true or false, got {value!r}. "
                            f"Fix: write {key} = true or false.")
    return value
