"""Key paths into a raw scenario: the one language of ``load_scenario(path, **overrides)`` and sweeps.

A key path is segments joined by dots:

- a table key: ``objective``, ``hubs.zhongwei.battery.energy_mwh``;
- a list index: ``workloads.0.deadline_hours``;
- a list element chosen by its fields: ``workloads[name=ai-training].deadline_hours``,
  ``links[from=shanghai,to=zhongwei].gbps`` (exactly one element must match; values compare as text).

Dots inside ``[...]`` belong to the selector. The last key may be new (an optional key left at its
default, or a whole table such as ``hubs.qingyang.battery``). Tables on the way must exist, unless the
caller asks to create them (``create_tables=True``, as ``load_scenario`` does); list elements must always
exist. The scenario reader judges the values afterwards.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import ScenarioError

_SEGMENT = re.compile(r"^(?P<name>[A-Za-z_][\w\-]*)(?:\[(?P<selector>[^\[\]]+)\])?$")
_INDEX = re.compile(r"^\d+$")
SOURCES_KEY = "sources"
"""The top-level table of cited sources (:mod:`engine.inputs.citations`), keyed by key paths."""
ANY = "*"
"""In a table pattern of :func:`check_key`: any table key, list index or selected element."""


@dataclass(frozen=True)
class KeySegment:
    """One segment of a key path: a table key, a list index, or a table key plus a list selector."""

    name: str | None
    index: int | None = None
    selector: tuple[tuple[str, str], ...] = ()


def parse_key(key: str, *, label: str = "key path") -> tuple[KeySegment, ...]:
    """Split a dotted scenario key into its segments.

    Parameters
    ----------
    key : str
        For example ``"hubs.zhongwei.battery.energy_mwh"``, ``"workloads.0.deadline_hours"`` or
        ``"workloads[name=ai-training].deadline_hours"``.
    label : str
        What the key is, for error messages (``"sweep key"``, ``"override"``).

    Returns
    -------
    tuple of KeySegment

    Raises
    ------
    ScenarioError
        When a segment is neither a name, a name with ``[field=value,...]``, nor an integer index.
    """
    if not isinstance(key, str) or not key:
        raise ScenarioError(f"{label} {key!r}: expected a dotted scenario key, got an empty or non-text key. "
                            "Fix: write e.g. 'objective.min_green_share'.")
    segments = []
    for part in _split_key(key):
        if _INDEX.match(part):
            if not segments:
                raise ScenarioError(f"{label} {key!r}: expected a top-level scenario key first, got the list "
                                    f"index {part}. Fix: start with a key such as 'workloads'.")
            segments.append(KeySegment(name=None, index=int(part)))
            continue
        match = _SEGMENT.match(part)
        if match is None:
            raise ScenarioError(
                f"{label} {key!r}: expected a key name, a list index or name[field=value], got segment "
                f"{part!r}. Fix: write e.g. 'workloads[name=ai-training].deadline_hours'.")
        selector = ()
        if match["selector"] is not None:
            selector = tuple(_parse_condition(key, condition, label)
                             for condition in match["selector"].split(","))
        segments.append(KeySegment(name=match["name"], selector=selector))
    return tuple(segments)


def _split_key(key: str) -> list[str]:
    """Split at dots outside square brackets (selector values may contain dots)."""
    parts, depth, current = [], 0, []
    for char in key:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "." and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts]


def _parse_condition(key: str, condition: str, label: str) -> tuple[str, str]:
    field, sep, value = condition.partition("=")
    if not sep or not field.strip() or not value.strip():
        raise ScenarioError(f"{label} {key!r}: expected a selector field=value, got {condition!r}. "
                            "Fix: write e.g. [name=ai-training] or [from=shanghai,to=zhongwei].")
    return field.strip(), value.strip().strip("\"'")


def canonical_key(key: str, *, label: str = "key path") -> str:
    """A key path written one way: segments joined by dots, selectors as ``[field=value,...]`` without
    spaces or quotes (``'hubs.zhongwei.solar_mw'``, ``'workloads[name=batch].deadline_hours'``)."""
    return _describe(parse_key(key, label=label))


def _describe(segments: tuple[KeySegment, ...]) -> str:
    text = []
    for segment in segments:
        if segment.index is not None:
            text.append(str(segment.index))
        else:
            conditions = ",".join(f"{field}={value}" for field, value in segment.selector)
            text.append(segment.name + (f"[{conditions}]" if conditions else ""))
    return ".".join(text)


def _step(container: Any, segment: KeySegment, key: str, walked: str, label: str) -> tuple[Any, Any]:
    """The container holding ``segment`` and the accessor into it (dict key or list index)."""
    if segment.index is not None:
        if not isinstance(container, list):
            raise ScenarioError(f"{label} {key!r}: {walked!r} is not a list, so it has no element "
                                f"{segment.index}. Fix: use a key name there.")
        if not 0 <= segment.index < len(container):
            raise ScenarioError(f"{label} {key!r}: {walked!r} has {len(container)} element(s), no index "
                                f"{segment.index}. Fix: use an index from 0 to {len(container) - 1}.")
        return container, segment.index
    if not isinstance(container, dict):
        raise ScenarioError(f"{label} {key!r}: {walked!r} is a value, not a table; it has no key "
                            f"{segment.name!r}. Fix the key path.")
    if not segment.selector:
        return container, segment.name
    items = container.get(segment.name)
    here = f"{walked}.{segment.name}" if walked else segment.name
    if not isinstance(items, list):
        raise ScenarioError(f"{label} {key!r}: expected {here!r} to be a list of tables to select from with "
                            f"[field=value], got {type(items).__name__}. Fix the key path.")
    matches = [i for i, item in enumerate(items) if isinstance(item, dict)
               and all(field in item and str(item[field]) == value for field, value in segment.selector)]
    if len(matches) != 1:
        conditions = ",".join(f"{field}={value}" for field, value in segment.selector)
        raise ScenarioError(f"{label} {key!r}: [{conditions}] matches {len(matches)} element(s) of "
                            f"{here!r}, expected exactly one. Fix: give more fields or use an index.")
    return items, matches[0]


def resolve_key(raw: Mapping, key: str, *, create_tables: bool = False,
                label: str = "key path") -> tuple[Any, Any, bool]:
    """Find where a key path lives in a raw scenario dict.

    Parameters
    ----------
    raw : dict
        The scenario as read from TOML (changed only when ``create_tables`` creates a table).
    key : str
        A key path (see :func:`parse_key`).
    create_tables : bool
        Create missing tables on the way (``{}``) instead of raising.
    label : str
        What the key is, for error messages.

    Returns
    -------
    container : dict or list
        The table or list holding the last segment.
    accessor : str or int
        The key or index of the value in ``container``.
    exists : bool
        Whether ``raw`` already sets this key (``False``: a new key).

    Raises
    ------
    ScenarioError
        When a table (without ``create_tables``) or list element on the way does not exist.
    """
    segments = parse_key(key, label=label)
    container: Any = raw
    for depth, segment in enumerate(segments):
        container, accessor = _step(container, segment, key, _describe(segments[:depth]), label)
        if depth == len(segments) - 1:
            exists = (accessor in container) if isinstance(container, dict) else True
            return container, accessor, exists
        if isinstance(container, dict) and accessor not in container:
            if not create_tables:
                here = _describe(segments[:depth + 1])
                known = ", ".join(sorted(map(str, container))) or "none"
                raise ScenarioError(f"{label} {key!r}: the base scenario has no {here!r} (keys there: "
                                    f"{known}). Fix the key or add that table to the base scenario.")
            container[accessor] = {}
        container = container[accessor]
    raise AssertionError("unreachable: a parsed key has at least one segment")


def _table_shape(segments: tuple[KeySegment, ...]) -> tuple[str, ...]:
    """Segments as table-pattern parts: names stay, indices and selected elements become ``ANY``."""
    shape: list[str] = []
    for segment in segments:
        if segment.index is not None:
            shape.append(ANY)
        else:
            shape.append(segment.name)
            if segment.selector:
                shape.append(ANY)
    return tuple(shape)


def _allowed_keys(shape: tuple[str, ...],
                  table_keys: Mapping[tuple[str, ...], tuple[str, ...]]) -> tuple[str, ...] | None:
    for pattern, keys in table_keys.items():
        if len(pattern) == len(shape) and all(p in (ANY, s) for p, s in zip(pattern, shape, strict=True)):
            return keys
    return None


def check_key(raw: Mapping, key: str, table_keys: Mapping[tuple[str, ...], tuple[str, ...]], *,
              label: str = "key path") -> None:
    """A key path must exist in ``raw``, or be a key its table accepts.

    Parameters
    ----------
    raw : dict
        The base scenario as read from TOML.
    key : str
        A key path (see :func:`parse_key`).
    table_keys : mapping
        Table pattern -> the keys that table accepts, e.g. ``{("hubs", "*", "battery"): ("energy_mwh",
        ...)}``; ``"*"`` stands for any key, index or selected element. A table with no pattern accepts
        any new key (the scenario reader judges it).
    label : str
        What the key is, for error messages.

    Raises
    ------
    ScenarioError
        When the path does not resolve (see :func:`resolve_key`) or names a key its table does not know.
    """
    _, accessor, exists = resolve_key(raw, key, label=label)
    if exists:
        return
    allowed = _allowed_keys(_table_shape(parse_key(key, label=label)[:-1]), table_keys)
    if allowed is not None and accessor not in allowed:
        raise ScenarioError(f"{label} {key!r}: {accessor!r} is neither set in the base scenario nor a "
                            f"scenario key there (expected one of {list(allowed)}). Fix the key.")


def apply_overrides(raw: Mapping, overrides: Mapping[str, Any], *, create_tables: bool = False,
                    label: str = "key path") -> dict:
    """A deep copy of a raw scenario with values set at key paths.

    Parameters
    ----------
    raw : dict
        The base scenario as read from TOML (left unchanged).
    overrides : mapping of str to value
        Key path -> value, applied in order.
    create_tables : bool
        Create missing tables on a path (``load_scenario``'s overrides) instead of raising (sweeps).
    label : str
        What the keys are, for error messages.

    Returns
    -------
    dict
        The scenario with the new values. A source the file cites for an overridden key (its
        ``[sources]`` table, :mod:`engine.inputs.citations`) is dropped: it was the written value's.

    Raises
    ------
    ScenarioError
        When a key path does not parse or does not resolve.
    """
    scenario = copy.deepcopy(dict(raw))
    sources = scenario.get(SOURCES_KEY)
    for key, value in overrides.items():
        container, accessor, _ = resolve_key(scenario, key, create_tables=create_tables, label=label)
        container[accessor] = copy.deepcopy(value)
        if isinstance(sources, dict):
            cited = canonical_key(key, label=label)
            for written in [k for k in sources if _cites(k, cited)]:
                del sources[written]
    return scenario


def _cites(written: str, key: str) -> bool:
    """Whether a ``[sources]`` entry (as written) cites ``key`` (canonical) or a value inside it."""
    try:
        cited = canonical_key(written)
    except ScenarioError:
        return False  # the reader reports the unparsable entry
    return cited == key or cited.startswith(f"{key}.")
