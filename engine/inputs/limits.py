"""Limits that turn an impossible input into one line at once, instead of a long wait and a crash.

- TOML files: at most :data:`MAX_TOML_BYTES` and :data:`MAX_TOML_DEPTH` levels of tables and arrays
  (a deeply nested file otherwise ends in a RecursionError inside the parser);
- problem size: ``steps x (hubs + hubs x workloads)`` cells of the LP, each about
  :data:`BYTES_PER_CELL` while cvxpy compiles it; a scenario whose estimate exceeds the machine's memory
  (times :data:`MEMORY_SHARE`) is refused before its index or any series is allocated, with the number
  and the fix.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.errors import ScenarioError

MAX_TOML_BYTES = 4 * 1024 * 1024
"""Largest scenario or sweep file [bytes] (the biggest examples are ~5 kB)."""
MAX_TOML_DEPTH = 16
"""Deepest nesting of tables and arrays in a scenario or sweep file (the examples use 4)."""
BYTES_PER_CELL = 8 * 1024
"""Peak memory per LP cell while cvxpy compiles it [bytes]: measured 6.6 kB (east-west, 4 hubs, 7
origin-hub pairs, 4380 steps: 522 MB peak against ~200 MB for the interpreter and imports), rounded up."""
MEMORY_SHARE = 0.8
"""Share of the machine's memory a problem may need."""
FALLBACK_MEMORY_BYTES = 16 * 1024**3
"""Memory assumed where the operating system does not tell [bytes]."""


def read_toml(path: str | Path, what: str) -> dict:
    """Read a TOML file within the size and nesting limits.

    Parameters
    ----------
    path : str or pathlib.Path
    what : str
        What the file is, for messages (``"scenario"``, ``"sweep file"``).

    Returns
    -------
    dict

    Raises
    ------
    ScenarioError
        Missing, too large, not UTF-8, not valid TOML, or nested too deeply.
    FileNotFoundError
        When the file does not exist (callers word their own message).
    """
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_TOML_BYTES:
        raise ScenarioError(f"{what}: {str(path)!r} has {size:,} bytes, expected at most {MAX_TOML_BYTES:,}; "
                            "put long series in a profiles CSV instead")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(f"{what}: {str(path)!r} is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{what}: {str(path)!r} is not valid TOML ({error}). Fix the syntax.") from None
    except RecursionError:
        raise ScenarioError(f"{what}: {str(path)!r} nests tables or arrays too deeply, expected at most "
                            f"{MAX_TOML_DEPTH} levels; flatten it") from None
    check_depth(raw, what, path)
    return raw


def check_depth(raw: Any, what: str, path: str | Path) -> None:
    """Refuse tables and arrays nested deeper than :data:`MAX_TOML_DEPTH` (an iterative walk)."""
    stack = [(raw, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_TOML_DEPTH:
            raise ScenarioError(f"{what}: {str(path)!r} nests tables or arrays {depth} levels deep, expected "
                                f"at most {MAX_TOML_DEPTH}; flatten it")
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def machine_memory_bytes() -> int:
    """The machine's physical memory [bytes] (:data:`FALLBACK_MEMORY_BYTES` where unknown)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return FALLBACK_MEMORY_BYTES


def check_problem_size(raw: Mapping[str, Any]) -> None:
    """Refuse a scenario whose LP cannot fit in memory, before anything is allocated.

    Reads ``hours``, ``step_minutes``, the hub tables and the workloads leniently (the scenario reader
    reports their own problems).

    Parameters
    ----------
    raw : mapping
        The scenario keys.

    Raises
    ------
    ScenarioError
        Naming the steps, hubs and workloads, the memory estimate, the machine's memory and the fix.
    """
    hours, minutes = raw.get("hours"), raw.get("step_minutes", 60)
    if not all(isinstance(value, int) and not isinstance(value, bool) and value > 0
               for value in (hours, minutes)):
        return
    hubs = raw.get("hubs") if isinstance(raw.get("hubs"), dict) else {}
    workloads = raw.get("workloads") if isinstance(raw.get("workloads"), list) else []
    steps = hours * 60 // minutes
    cells = steps * (max(len(hubs), 1) + max(len(hubs), 1) * len(workloads))
    needed, available = cells * BYTES_PER_CELL, MEMORY_SHARE * machine_memory_bytes()
    if needed > available:
        raise ScenarioError(
            f"hours: {steps:,} steps x {len(hubs)} hubs x {len(workloads)} workloads need about "
            f"{needed / 1e9:,.1f} GB to solve, expected at most {available / 1e9:,.1f} GB (this machine's "
            "memory); shorten hours, lengthen step_minutes or split the study (e.g. a sweep over months)")
